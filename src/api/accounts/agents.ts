/**
 * Application API: the account's agents (Chatwoot's `/api/v1/accounts/{account_id}/agents`): every
 * member lists them with their availability; administrators invite people by email, change their role
 * and availability, and remove them, through the same member changes as the Agency API (account-members.ts).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { asc, eq } from "drizzle-orm";
import type { Context } from "hono";
import { accounts, accountUsers, ROLES, users } from "../../db/schema";
import { accountObject } from "../../durable/addresses";
import { AVAILABILITIES } from "../../durable/account/availability";
import {
  type AccountMember,
  addAccountMember,
  administratorCount,
  changeAccountMemberRole,
  findAccountMember,
  type MemberAccount,
  removeAccountMember,
} from "../account-members";
import { agentColumns, AgentSchema, serializeAgents } from "../agents";
import { auditEntry } from "../audit";
import { requireRole } from "../auth";
import { type AppEnv, createRouter } from "../context";
import { ApiError, conflict, errorResponses, notFound } from "../errors";
import { idParams, Name } from "../schemas";
import { userSecurity } from "./profile";

const tags = ["Application: agents"];
const accountParams = idParams("account_id");
const agentParams = idParams("account_id", "user_id");

const Role = z.enum(ROLES).openapi({ description: "administrator: configures the account; agent: works the conversations of their inboxes" });
const Availability = z.enum(AVAILABILITIES).openapi({
  description: "What the others see while the agent is connected to /cable (offline hides them); offline whenever they are not",
});
const AutoOffline = z.literal(true).openapi({
  description: "Chatwoot's setting to go offline when away. Parley always shows an agent who is not connected as offline, so only " + "true is accepted.",
});

const AgentInput = z
  .object({
    name: Name.openapi({ example: "Dana Reyes" }),
    email: z.email().max(320).trim().toLowerCase().openapi({ example: "dana@acme.test" }),
    role: Role,
    availability_status: Availability.optional(),
    auto_offline: AutoOffline.optional(),
  })
  .strict()
  .openapi("AgentInput");

const AgentUpdateInput = z
  .object({
    name: Name.optional().openapi({ description: "The user's name, wherever they work" }),
    role: Role.optional(),
    availability: Availability.optional(),
    auto_offline: AutoOffline.optional(),
  })
  .strict()
  .openapi("AgentUpdateInput");

/** The caller's account as the member changes need it. */
async function callerAccount(c: Context<AppEnv>): Promise<MemberAccount> {
  const account = await c.var.db.query.accounts.findFirst({
    where: eq(accounts.id, c.var.membership.accountId),
    columns: { id: true, agencyId: true, name: true },
  });
  if (!account) throw notFound("Account");
  return account;
}

/** 409 when the change would leave the account without an administrator (nobody could manage it from inside). */
async function ensureAnotherAdministrator(c: Context<AppEnv>, member: AccountMember, change: string) {
  if (member.role !== "administrator") return;
  if ((await administratorCount(c, c.var.membership.accountId)) > 1) return;
  throw conflict(`${member.name} is the account's only administrator; make someone else an administrator before you ${change}.`, {
    code: "last_administrator",
  });
}

/** One agent of the caller's account as Chatwoot's JSON, with their availability as presence shows it now. */
async function agentJson(c: Context<AppEnv>, member: Pick<AccountMember, "id" | "name" | "email" | "role">) {
  const [agent] = await serializeAgents(c, [{ id: member.id, name: member.name, email: member.email, role: member.role }]);
  if (!agent) throw new Error("an agent serialized to nothing");
  return agent;
}

export const accountAgentList = createRouter();

accountAgentList.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/agents",
    tags,
    security: userSecurity,
    summary: "List the account's agents",
    description:
      "Every user of the account (administrators and agents) by name, as Chatwoot lists them. `availability_status` is " +
      "what the others see: the availability the user chose while connected to /cable, offline otherwise.",
    request: { params: accountParams },
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

accountAgentList.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/agents",
    tags,
    security: userSecurity,
    summary: "Add an agent to the account (administrators)",
    description:
      "A new person is created and mailed an invitation from this account: a one-time link to choose their password, " +
      "valid for 7 days. An email that already belongs to a user of the agency adds that user, who keeps their " +
      "password. `availability_status` presets what the others see once they connect. 422 on `email` when the person " +
      "is already an agent of this account. Audited as the creation of an AccountUser.",
    middleware: [requireRole("administrator")] as const,
    request: {
      params: accountParams,
      body: { required: true, content: { "application/json": { schema: AgentInput } } },
    },
    responses: {
      201: { description: "The new agent", content: { "application/json": { schema: AgentSchema } } },
      ...errorResponses(400, 401, 403, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const input = c.req.valid("json");
    const account = await callerAccount(c);
    const { member } = await addAccountMember(
      c,
      account,
      input,
      () =>
        new ApiError(422, "validation_failed", "The request body is not valid.", [
          { field: "email", message: `${input.email} is already an agent of this account.`, code: "already_member" },
        ]),
    );
    if (input.availability_status !== undefined) await accountObject(c.env, account.id).setAvailability(member.id, input.availability_status);
    return c.json(await agentJson(c, member), 201);
  },
);

accountAgentList.openapi(
  createRoute({
    method: "patch",
    path: "/{account_id}/agents/{user_id}",
    tags,
    security: userSecurity,
    summary: "Update an agent (administrators)",
    description:
      "A new `role` takes effect at once: the agent's open /cable subscriptions are re-scoped before this answers (an " +
      "agent sees only the inboxes they are members of, and no private notes of others). `availability` is what the " +
      "others see while the agent is connected. `name` renames the user everywhere. 409 when the account's only " +
      "administrator would become an agent. Each change is audited.",
    middleware: [requireRole("administrator")] as const,
    request: {
      params: agentParams,
      body: { required: true, content: { "application/json": { schema: AgentUpdateInput } } },
    },
    responses: {
      200: { description: "The agent", content: { "application/json": { schema: AgentSchema } } },
      ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
    },
  }),
  async (c) => {
    const { user_id } = c.req.valid("param");
    const input = c.req.valid("json");
    const account = await callerAccount(c);
    let member = await findAccountMember(c, account.id, user_id);
    if (input.role !== undefined && input.role !== member.role) {
      if (input.role === "agent") await ensureAnotherAdministrator(c, member, "make them an agent");
      await changeAccountMemberRole(c, account, member, input.role);
      member = { ...member, role: input.role };
    }
    if (input.name !== undefined && input.name !== member.name) {
      const db = c.var.db;
      await db.batch([
        db.update(users).set({ name: input.name, updatedAt: new Date() }).where(eq(users.id, member.id)),
        auditEntry(c, {
          action: "update",
          auditableType: "User",
          auditableId: member.id,
          agencyId: account.agencyId,
          accountId: account.id,
          changes: { email: member.email, name: [member.name, input.name] },
        }),
      ]);
      member = { ...member, name: input.name };
    }
    if (input.availability !== undefined) await accountObject(c.env, account.id).setAvailability(member.id, input.availability);
    return c.json(await agentJson(c, member), 200);
  },
);

accountAgentList.openapi(
  createRoute({
    method: "delete",
    path: "/{account_id}/agents/{user_id}",
    tags,
    security: userSecurity,
    summary: "Remove an agent from the account (administrators)",
    description:
      "They leave the account, its inboxes and teams; their open /cable subscriptions in it close before this answers " +
      "and their credentials stop working here. A user left without any sub-account is deleted. 409 for the account's " +
      "only administrator. Audited as the destruction of an AccountUser.",
    middleware: [requireRole("administrator")] as const,
    request: { params: agentParams },
    responses: { 204: { description: "Removed" }, ...errorResponses(400, 401, 403, 404, 409) },
  }),
  async (c) => {
    const { user_id } = c.req.valid("param");
    const account = await callerAccount(c);
    const member = await findAccountMember(c, account.id, user_id);
    await ensureAnotherAdministrator(c, member, "remove them");
    await removeAccountMember(c, account, member);
    return c.body(null, 204);
  },
);
