/** Application API: the account's agents (Chatwoot's `GET /api/v1/accounts/{account_id}/agents`), with their availability. */
import { createRoute, z } from "@hono/zod-openapi";
import { asc, eq } from "drizzle-orm";
import { accountUsers, users } from "../../db/schema";
import { agentColumns, AgentSchema, serializeAgents } from "../agents";
import { createRouter } from "../context";
import { errorResponses } from "../errors";
import { idParams } from "../schemas";
import { userSecurity } from "./profile";

export const accountAgentList = createRouter();

accountAgentList.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/agents",
    tags: ["Application: agents"],
    security: userSecurity,
    summary: "List the account's agents",
    description:
      "Every user of the account (administrators and agents) by name, as Chatwoot lists them. `availability_status` is " +
      "what the others see: the availability the user chose while connected to /cable, offline otherwise.",
    request: { params: idParams("account_id") },
    responses: {
      200: { description: "The agents", content: { "application/json": { schema: z.array(AgentSchema) } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const rows = await c.var.db
      .select(agentColumns)
      .from(accountUsers)
      .innerJoin(users, eq(users.id, accountUsers.userId))
      .where(eq(accountUsers.accountId, c.var.membership.accountId))
      .orderBy(asc(users.name), asc(users.id));
    return c.json(await serializeAgents(c, rows), 200);
  },
);
