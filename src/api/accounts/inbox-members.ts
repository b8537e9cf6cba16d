/**
 * Application API: which agents work an inbox (Chatwoot's /api/v1/accounts/:account_id/inbox_members),
 * for administrators. Agents see only the inboxes they are members of.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, inArray } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Context } from "hono";
import { accountUsers, inboxMembers, users } from "../../db/schema";
import { accountObject } from "../../durable/addresses";
import {
  AgentSchema,
  accountAgents,
  agentColumns,
  type MemberEdit,
  memberEditDescriptions,
  planMemberEdit,
  serializeAgents,
  UserIds,
  writeMemberEdit,
} from "../agents";
import { auditEntry } from "../audit";
import { requireRole } from "../auth";
import { type AppEnv, createRouter } from "../context";
import { errorResponses } from "../errors";
import { BodyId, idParams } from "../schemas";
import { accountInbox } from "./inboxes";
import { userSecurity } from "./profile";

const tags = ["Application: inbox members"];

const InboxMembersInput = z
  .object({ inbox_id: BodyId.openapi({ example: 1 }), user_ids: UserIds })
  .strict()
  .openapi("InboxMembersInput");

const InboxMembersPayload = z.object({ payload: z.array(AgentSchema) }).openapi("InboxMembers");

/** The inbox's members, as agents of this account. */
async function membersOf(c: Context<AppEnv>, inboxId: number) {
  return c.var.db
    .select(agentColumns)
    .from(inboxMembers)
    .innerJoin(users, eq(users.id, inboxMembers.userId))
    .innerJoin(accountUsers, and(eq(accountUsers.userId, inboxMembers.userId), eq(accountUsers.accountId, c.var.membership.accountId)))
    .where(eq(inboxMembers.inboxId, inboxId))
    .orderBy(asc(users.id));
}

const payloadOf = async (c: Context<AppEnv>, rows: Awaited<ReturnType<typeof membersOf>>) => ({
  payload: await serializeAgents(c, rows),
});

export const accountInboxMembers = createRouter();

accountInboxMembers.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/inbox_members/{inbox_id}",
    tags,
    security: userSecurity,
    summary: "List an inbox's members (administrators)",
    middleware: [requireRole("administrator")] as const,
    request: { params: idParams("account_id", "inbox_id") },
    responses: {
      200: { description: "The inbox's members", content: { "application/json": { schema: InboxMembersPayload } } },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { inbox_id } = c.req.valid("param");
    const inbox = await accountInbox(c, inbox_id);
    return c.json(await payloadOf(c, await membersOf(c, inbox.id)), 200);
  },
);

const editRoute = <M extends "post" | "patch" | "delete">(method: M, edit: MemberEdit, summary: string) =>
  createRoute({
    method,
    path: "/{account_id}/inbox_members",
    tags,
    security: userSecurity,
    summary: `${summary} (administrators)`,
    description: `${memberEditDescriptions[edit]} Every user must belong to the account. Answers with the inbox's members.`,
    middleware: [requireRole("administrator")] as const,
    request: {
      params: idParams("account_id"),
      body: { required: true, content: { "application/json": { schema: InboxMembersInput } } },
    },
    responses: {
      200: { description: "The inbox's members", content: { "application/json": { schema: InboxMembersPayload } } },
      ...errorResponses(400, 401, 403, 404, 413, 415, 422),
    },
  });

/** Applies an edit and its audit entry in one batch, then tells the account's live state. */
async function editInboxMembers(c: Context<AppEnv>, edit: MemberEdit, input: z.infer<typeof InboxMembersInput>) {
  const inbox = await accountInbox(c, input.inbox_id);
  const requested = await accountAgents(c, input.user_ids);
  const current = await membersOf(c, inbox.id);
  const changes = planMemberEdit(edit, current, requested);
  const db = c.var.db;
  const changed = await writeMemberEdit(c, { auditableType: "Inbox", id: inbox.id, accountId: inbox.accountId }, changes, {
    remove: (userIds) => db.delete(inboxMembers).where(and(eq(inboxMembers.inboxId, inbox.id), inArray(inboxMembers.userId, userIds))),
    add: (userIds) =>
      db
        .insert(inboxMembers)
        .values(userIds.map((userId) => ({ inboxId: inbox.id, userId })))
        .onConflictDoNothing(),
  });
  if (!changed) return payloadOf(c, current);
  await accountObject(c.env, inbox.accountId).invalidateMemberAccess();
  return payloadOf(c, await membersOf(c, inbox.id));
}

accountInboxMembers.openapi(editRoute("post", "add", "Add agents to an inbox"), async (c) =>
  c.json(await editInboxMembers(c, "add", c.req.valid("json")), 200),
);

accountInboxMembers.openapi(editRoute("patch", "replace", "Replace an inbox's agents"), async (c) =>
  c.json(await editInboxMembers(c, "replace", c.req.valid("json")), 200),
);

accountInboxMembers.openapi(editRoute("delete", "remove", "Remove agents from an inbox"), async (c) =>
  c.json(await editInboxMembers(c, "remove", c.req.valid("json")), 200),
);
