/**
 * The cron sweep behind the SLA alarms: conversations whose next SLA deadline (as D1's applied_slas
 * row last heard) passed a while ago are asked to look at their clock now, so a miss an alarm did not
 * record or report still is, once. Rows of conversations that no longer exist are removed.
 */
import { and, asc, eq, isNotNull, lte } from "drizzle-orm";
import { openDatabase } from "../db/client";
import { appliedSlas } from "../db/schema";
import { conversationObject } from "../durable/addresses";

/** The alarm's head start: a deadline is the sweep's business only this long after it passed. */
const ALARM_GRACE_SECONDS = 30;
/** Conversations asked per run, and at once. */
const SWEEP_LIMIT = 200;
const CONCURRENCY = 10;

/** Asks the conversations with an overdue SLA deadline to check their clocks; returns how many it asked. */
export async function sweepSlaDeadlines(env: Env, now: Date): Promise<number> {
  const db = openDatabase(env.DB);
  const overdue = await db
    .select({ accountId: appliedSlas.accountId, displayId: appliedSlas.displayId })
    .from(appliedSlas)
    .where(and(isNotNull(appliedSlas.nextDeadlineAt), lte(appliedSlas.nextDeadlineAt, Math.floor(now.getTime() / 1000) - ALARM_GRACE_SECONDS)))
    .orderBy(asc(appliedSlas.nextDeadlineAt))
    .limit(SWEEP_LIMIT);
  for (let i = 0; i < overdue.length; i += CONCURRENCY) {
    await Promise.all(
      overdue.slice(i, i + CONCURRENCY).map(async ({ accountId, displayId }) => {
        try {
          const exists = await conversationObject(env, accountId, displayId).checkSla();
          if (!exists) {
            await db.delete(appliedSlas).where(and(eq(appliedSlas.accountId, accountId), eq(appliedSlas.displayId, displayId)));
          }
        } catch (error) {
          console.error("SLA sweep: checking a conversation failed; the next run tries again", accountId, displayId, error);
        }
      }),
    );
  }
  return overdue.length;
}
