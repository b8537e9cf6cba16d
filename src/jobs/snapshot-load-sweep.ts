/**
 * What finishes snapshot loads a queue message did not: the cron sweep sends a load that has waited
 * too long back to the queue (the job takes a load only once, so a second message changes nothing),
 * gives up on one that never finished within a day, and the dead letter queue fails a load whose
 * message ran out of attempts, so no load stays `queued` or `running` for ever.
 */
import { and, eq, inArray, lt, or, sql } from "drizzle-orm";
import { openDatabase } from "../db/client";
import { inJsonList } from "../db/queries";
import { snapshotLoads } from "../db/schema";
import { enqueueJobs } from "./messages";

/** A load still queued this long after it was (re)sent lost its message. */
const QUEUED_FOR_MS = 10 * 60_000;
/** A running load whose attempt started this long ago lost it: attempts hold a load for a minute, and retries come within five. */
const RUNNING_FOR_MS = 15 * 60_000;
/** After this, a load that has not finished fails instead of being sent again. */
const GIVE_UP_AFTER_MS = 24 * 60 * 60_000;
const SWEEP_BATCH = 100;

export async function sweepSnapshotLoads(env: Env, now: Date): Promise<{ resent: number; failed: number }> {
  const db = openDatabase(env.DB);
  const at = (msAgo: number) => new Date(now.getTime() - msAgo);
  // Unix seconds, as both columns store them.
  const lastSent = sql`coalesce(${snapshotLoads.resentAt}, ${snapshotLoads.createdAt})`;
  const stale = await db
    .select({ id: snapshotLoads.id, createdAt: snapshotLoads.createdAt })
    .from(snapshotLoads)
    .where(
      and(
        inArray(snapshotLoads.status, ["queued", "running"]),
        lt(lastSent, Math.floor(at(QUEUED_FOR_MS).getTime() / 1000)),
        or(eq(snapshotLoads.status, "queued"), lt(snapshotLoads.startedAt, at(RUNNING_FOR_MS))),
      ),
    )
    .limit(SWEEP_BATCH);
  const expired = stale.filter((load) => load.createdAt < at(GIVE_UP_AFTER_MS)).map((load) => load.id);
  const resend = stale.filter((load) => load.createdAt >= at(GIVE_UP_AFTER_MS)).map((load) => load.id);
  if (expired.length > 0) {
    await db
      .update(snapshotLoads)
      .set({ status: "failed", error: "The load did not finish within a day; request it again.", finishedAt: now })
      .where(and(inJsonList(snapshotLoads.id, expired), inArray(snapshotLoads.status, ["queued", "running"])));
  }
  if (resend.length > 0) {
    await enqueueJobs(
      env.JOBS,
      resend.map((id) => ({ type: "snapshot.load", load_id: id })),
    );
    await db.update(snapshotLoads).set({ resentAt: now }).where(inJsonList(snapshotLoads.id, resend));
  }
  return { resent: resend.length, failed: expired.length };
}

/** A load whose queue message ran out of attempts fails, unless it finished meanwhile. */
export async function failDeadSnapshotLoad(env: Env, loadId: number, attempts: number): Promise<void> {
  await openDatabase(env.DB)
    .update(snapshotLoads)
    .set({ status: "failed", error: `The load did not finish after ${attempts} attempts; request it again.`, finishedAt: new Date() })
    .where(and(eq(snapshotLoads.id, loadId), inArray(snapshotLoads.status, ["queued", "running"])));
}
