/** Typed queries that several surfaces share, so each rule lives in one place. */
import { and, type Column, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Database } from "./client";
import { accountUsers, inboxes, inboxMembers, type Role, users } from "./schema";

/** The account's inboxes an agent belongs to (administrators see every inbox and need no list). */
export async function agentInboxIds(db: Database, accountId: number, userId: number): Promise<number[]> {
  const rows = await db
    .select({ id: inboxes.id })
    .from(inboxes)
    .where(
      and(
        eq(inboxes.accountId, accountId),
        inArray(inboxes.id, db.select({ id: inboxMembers.inboxId }).from(inboxMembers).where(eq(inboxMembers.userId, userId))),
      ),
    );
  return rows.map((row) => row.id);
}

/**
 * `column in (values)` with the values as one JSON parameter: D1 allows at most 100 bound parameters
 * per statement, which a list of ids (a snapshot's widgets, a load's targets) can exceed.
 */
export const inJsonList = (column: Column, values: readonly (number | string)[]): SQL =>
  sql`${column} in (select value from json_each(${JSON.stringify(values)}))`;

/**
 * A member of the account who may be given a conversation of `inboxId`: an administrator, or an
 * agent of that inbox (Chatwoot's rule for assignments by hand, by automation and by macros).
 */
export async function assignableAgent(
  db: Database,
  accountId: number,
  userId: number,
  inboxId: number,
): Promise<{ id: number; name: string; email: string; role: Role } | null> {
  const [agent] = await db
    .select({ id: users.id, name: users.name, email: users.email, role: accountUsers.role })
    .from(accountUsers)
    .innerJoin(users, eq(users.id, accountUsers.userId))
    .where(and(eq(accountUsers.accountId, accountId), eq(accountUsers.userId, userId)));
  if (!agent) return null;
  if (agent.role === "administrator") return agent;
  const [member] = await db
    .select({ userId: inboxMembers.userId })
    .from(inboxMembers)
    .where(and(eq(inboxMembers.inboxId, inboxId), eq(inboxMembers.userId, userId)));
  return member ? agent : null;
}

/** An inbox's id and name, for the `inbox` of template variables; null when it is not the account's. */
export async function inboxNameOf(db: Database, accountId: number, inboxId: number): Promise<{ id: number; name: string } | null> {
  const [row] = await db
    .select({ id: inboxes.id, name: inboxes.name })
    .from(inboxes)
    .where(and(eq(inboxes.accountId, accountId), eq(inboxes.id, inboxId)))
    .limit(1);
  return row ?? null;
}
