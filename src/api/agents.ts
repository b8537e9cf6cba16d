/**
 * The people of an account as Chatwoot's agent JSON, and the member-list edits (add, replace,
 * remove) that inbox members and team members share.
 */
import { z } from "@hono/zod-openapi";
import { and, asc, eq, inArray } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Context } from "hono";
import { accountUsers, ROLES, type Role, users } from "../db/schema";
import type { Availability } from "../domain/chatwoot-payloads";
import { accountObject } from "../durable/addresses";
import { auditEntry } from "./audit";
import type { AppEnv } from "./context";
import { ApiError, type FieldIssue } from "./errors";
import { BodyId } from "./schemas";

export const AgentSchema = z
  .object({
    id: z.number().int(),
    account_id: z.number().int(),
    name: z.string(),
    available_name: z.string(),
    email: z.string(),
    role: z.enum(ROLES),
    availability_status: z
      .enum(["online", "busy", "offline"])
      .openapi({ description: "What others see: the availability the agent chose while connected to /cable, offline otherwise" }),
    auto_offline: z.boolean(),
    confirmed: z.boolean(),
    thumbnail: z.string().openapi({ description: "Avatar URL; empty while avatars are not supported" }),
  })
  .openapi("Agent");
export type Agent = z.infer<typeof AgentSchema>;

export type AgentRow = { id: number; name: string; email: string; role: Role };

/** Select these, joined through `account_users` of one account, to serialize agents. */
export const agentColumns = { id: users.id, name: users.name, email: users.email, role: accountUsers.role };

export const serializeAgent = (accountId: number, row: AgentRow, availability: Availability): Agent => ({
  id: row.id,
  account_id: accountId,
  name: row.name,
  available_name: row.name,
  email: row.email,
  role: row.role,
  availability_status: availability,
  auto_offline: true,
  confirmed: true,
  thumbnail: "",
});

/** Agents of the caller's account as Chatwoot's JSON, each as available as the account's presence shows them now. */
export async function serializeAgents(c: Context<AppEnv>, rows: AgentRow[]): Promise<Agent[]> {
  const { accountId } = c.var.membership;
  const availability = rows.length === 0 ? {} : await accountObject(c.env, accountId).userAvailability(rows.map((row) => row.id));
  return rows.map((row) => serializeAgent(accountId, row, availability[String(row.id)]?.status ?? "offline"));
}

export const UserIds = z
  .array(BodyId)
  .max(1000)
  .transform((ids) => [...new Set(ids)])
  .openapi({ description: "Users of this account", example: [1, 2] });

/** The account's members among `userIds`; 422 naming every id that is not one. */
export async function accountAgents(c: Context<AppEnv>, userIds: number[]): Promise<AgentRow[]> {
  if (userIds.length === 0) return [];
  const rows = await c.var.db
    .select(agentColumns)
    .from(accountUsers)
    .innerJoin(users, eq(users.id, accountUsers.userId))
    .where(and(eq(accountUsers.accountId, c.var.membership.accountId), inArray(accountUsers.userId, userIds)))
    .orderBy(asc(users.id));
  const found = new Set(rows.map((row) => row.id));
  const issues: FieldIssue[] = userIds.flatMap((id, index) =>
    found.has(id) ? [] : [{ field: `user_ids.${index}`, message: `User ${id} is not a member of this account.`, code: "not_account_member" }],
  );
  if (issues.length > 0) throw new ApiError(422, "validation_failed", "The request body is not valid.", issues);
  return rows;
}

/** add: the users join; replace: the users become the whole list; remove: the users leave. */
export type MemberEdit = "add" | "replace" | "remove";

export type MemberChanges = { added: AgentRow[]; removed: AgentRow[] };

/** Who an edit adds and removes, given the current members and the (validated) requested users. */
export function planMemberEdit(edit: MemberEdit, current: AgentRow[], requested: AgentRow[]): MemberChanges {
  const currentIds = new Set(current.map((agent) => agent.id));
  const requestedIds = new Set(requested.map((agent) => agent.id));
  return {
    added: edit === "remove" ? [] : requested.filter((agent) => !currentIds.has(agent.id)),
    removed:
      edit === "add" ? [] : edit === "replace" ? current.filter((agent) => !requestedIds.has(agent.id)) : current.filter((agent) => requestedIds.has(agent.id)),
  };
}

const person = (agent: AgentRow) => ({ id: agent.id, name: agent.name, email: agent.email });

/** The audited changes of a member edit: `{added: [{id, name, email}], removed: [...]}`. */
const memberAuditChanges = (changes: MemberChanges) => ({
  added: changes.added.map(person),
  removed: changes.removed.map(person),
});

/**
 * Writes a planned member edit of an inbox or a team with its audit entry (an `update` of the owner)
 * in one batch. `remove` and `add` build the statements for the user ids. False when nothing changes.
 */
export async function writeMemberEdit(
  c: Context<AppEnv>,
  owner: { auditableType: "Inbox" | "Team"; id: number; accountId: number },
  changes: MemberChanges,
  statements: { remove: (userIds: number[]) => BatchItem<"sqlite">; add: (userIds: number[]) => BatchItem<"sqlite"> },
): Promise<boolean> {
  if (changes.added.length === 0 && changes.removed.length === 0) return false;
  const batch: [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]] = [
    auditEntry(c, {
      action: "update",
      auditableType: owner.auditableType,
      auditableId: owner.id,
      agencyId: c.var.membership.agencyId,
      accountId: owner.accountId,
      changes: memberAuditChanges(changes),
    }),
  ];
  if (changes.removed.length > 0) batch.push(statements.remove(changes.removed.map((agent) => agent.id)));
  if (changes.added.length > 0) batch.push(statements.add(changes.added.map((agent) => agent.id)));
  await c.var.db.batch(batch);
  return true;
}

export const memberEditDescriptions: Record<MemberEdit, string> = {
  add: "Adds the users; users already members stay.",
  replace: "Makes the users the whole member list: others are removed.",
  remove: "Removes the users; users who are not members are ignored.",
};
