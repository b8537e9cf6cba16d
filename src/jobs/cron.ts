/** Cron Trigger handler: sweeps that catch work a queue message or alarm did not finish. */
import { and, isNull, lt, or } from "drizzle-orm";
import { openDatabase } from "../db/client";
import { inJsonList } from "../db/queries";
import { accountPurges } from "../db/schema";
import { enqueueJobs } from "./messages";
import { sweepWebhookDeliveries } from "./webhooks";
import { resumeStalledCampaigns, startDueCampaigns } from "./campaigns";
import { sweepEmails } from "./send-email";
import { sweepSlaDeadlines } from "./sla-sweep";
import { sweepSignInRecords } from "./sign-in-sweep";
import { sweepSnapshotLoads } from "./snapshot-load-sweep";
import { sweepNotificationDeliveries } from "./notification-delivery";

/** How long a purge may sit unfinished before the sweep sends it again. */
const PURGE_RETRY_AFTER_SECONDS = 10 * 60;

/** Re-enqueues account purges that were never enqueued or have not finished in time. */
export async function sweepAccountPurges(env: Env, now: Date): Promise<number> {
  const db = openDatabase(env.DB);
  const stale = new Date(now.getTime() - PURGE_RETRY_AFTER_SECONDS * 1000);
  const due = await db
    .select({ accountId: accountPurges.accountId })
    .from(accountPurges)
    .where(and(lt(accountPurges.requestedAt, new Date(now.getTime() - 60_000)), or(isNull(accountPurges.enqueuedAt), lt(accountPurges.enqueuedAt, stale))))
    .limit(500);
  if (due.length === 0) return 0;
  await enqueueJobs(
    env.JOBS,
    due.map((row) => ({ type: "account.purge", account_id: row.accountId })),
  );
  await db
    .update(accountPurges)
    .set({ enqueuedAt: now })
    .where(
      inJsonList(
        accountPurges.accountId,
        due.map((row) => row.accountId),
      ),
    );
  return due.length;
}

/**
 * Every minute, each sweep in turn. One that fails is logged and the others still run: a broken
 * webhook sweep must not keep due campaigns from starting. The failed one runs again next minute.
 */
export async function handleScheduled(controller: ScheduledController, env: Env): Promise<void> {
  const now = new Date(controller.scheduledTime);
  const sweeps: [string, (env: Env, now: Date) => Promise<unknown>][] = [
    ["account purges", sweepAccountPurges],
    ["webhook deliveries", sweepWebhookDeliveries],
    ["due campaigns", startDueCampaigns],
    ["stalled campaigns", resumeStalledCampaigns],
    ["emails", sweepEmails],
    ["SLA deadlines", sweepSlaDeadlines],
    ["snapshot loads", sweepSnapshotLoads],
    ["expired sessions and password links", sweepSignInRecords],
    ["notification deliveries a week old", sweepNotificationDeliveries],
  ];
  const failed: string[] = [];
  for (const [name, sweep] of sweeps) {
    try {
      await sweep(env, now);
    } catch (error) {
      console.error(`cron sweep failed: ${name}`, error);
      failed.push(name);
    }
  }
  // The invocation still shows as failed in the Cron Trigger's log.
  if (failed.length > 0) throw new Error(`cron sweeps failed: ${failed.join(", ")}`);
}
