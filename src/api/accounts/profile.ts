/** Application API: the calling user (Chatwoot's /api/v1/profile). */
import { createRoute, z } from "@hono/zod-openapi";
import { asc, eq } from "drizzle-orm";
import { accounts, accountUsers, ROLES } from "../../db/schema";
import { userPubsubToken } from "../../domain/tokens";
import { userOf } from "../auth";
import { createRouter } from "../context";
import { errorResponses } from "../errors";

export const userSecurity: Record<string, string[]>[] = [{ userToken: [] }, { apiAccessToken: [] }];

const ProfileSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    email: z.string(),
    pubsub_token: z.string().openapi({ description: "Token for subscribing to /cable" }),
    accounts: z.array(z.object({ id: z.number().int(), name: z.string(), role: z.enum(ROLES) })),
  })
  .openapi("Profile");

export const profile = createRouter();

profile.openapi(
  createRoute({
    method: "get",
    path: "/profile",
    tags: ["Application: profile"],
    security: userSecurity,
    summary: "The calling user and the sub-accounts they belong to",
    responses: {
      200: { description: "The profile", content: { "application/json": { schema: ProfileSchema } } },
      ...errorResponses(401),
    },
  }),
  async (c) => {
    const user = userOf(c);
    const memberships = await c.var.db
      .select({ id: accounts.id, name: accounts.name, role: accountUsers.role })
      .from(accountUsers)
      .innerJoin(accounts, eq(accounts.id, accountUsers.accountId))
      .where(eq(accountUsers.userId, user.id))
      .orderBy(asc(accounts.id));
    return c.json(
      {
        id: user.id,
        name: user.name,
        email: user.email,
        pubsub_token: await userPubsubToken(c.env.TOKEN_SIGNING_SECRET, user.id, user.tokenId),
        accounts: memberships,
      },
      200,
    );
  },
);
