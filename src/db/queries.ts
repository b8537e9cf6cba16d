/** Typed queries that several surfaces share, so each rule lives in one place. */
import { and, type Column, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Database } from "./client";
import { inboxes, inboxMembers } from "./schema";

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
