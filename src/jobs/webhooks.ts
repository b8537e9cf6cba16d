/**
 * Webhook deliveries: recording an event once per subscribed webhook (or automation URL), the
 * `webhook.deliver` job that POSTs it signed, retried by the queue with backoff until the dead
 * letter queue gives up, and the cron sweep that re-sends lost jobs and prunes old deliveries.
 */
import { and, eq, inArray, lt, sql } from "drizzle-orm";
import { openDatabase } from "../db/client";
import { inJsonList } from "../db/queries";
import { agentBots, inboxes, webhookDeliveries, webhooks, type WebhookDeliveryStatus } from "../db/schema";
import { checkDestination, privateDestinationsAllowed } from "../domain/destination-guard";
import { webhookHeaders } from "../domain/webhook-signature";
import { handOverFromUnreachableBot } from "./bot-handover";
import { enqueueJobs } from "./messages";
import { readResponseExcerpt, recordAttemptStatements } from "./webhook-attempts";

/** How long one attempt may take before it counts as failed. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** A delivery still queued, never attempted, after this long lost its job: the sweep sends it again. */
const REQUEUE_AFTER_SECONDS = 10 * 60;
/** Finished deliveries (delivered or dead) are kept this long for the delivery log. */
const KEEP_FINISHED_DAYS = 30;
const LAST_ERROR_MAX_CHARS = 500;

/** The delivery body: Chatwoot's payload with its `event` first. */
const deliveryBody = (event: string, payload: Record<string, unknown>) => {
  const { event: _ignored, ...rest } = payload;
  return JSON.stringify({ event, ...rest });
};

const deliverJobs = (ids: number[]) => ids.map((id) => ({ type: "webhook.deliver" as const, delivery_id: id }));

/**
 * Records one delivery of `event` for every webhook of the account subscribed to it (and whose
 * inbox, if it has one, is `inboxId`; events without an inbox reach only webhooks without one), and
 * enqueues them. A `key` already recorded for a webhook and event adds nothing. Returns how many
 * deliveries were new.
 */
export async function enqueueWebhookEvent(
  env: Env,
  input: { accountId: number; inboxId: number | null; event: string; payload: Record<string, unknown>; key: string },
): Promise<number> {
  const { results } = await env.DB.prepare(
    `insert into webhook_deliveries (account_id, webhook_id, url, event, key, body)
     select account_id, id, url, ?1, ?2, ?3 from webhooks
     where account_id = ?4
       and (inbox_id is null or inbox_id = ?5)
       and exists (select 1 from json_each(webhooks.subscriptions) where value = ?1)
     on conflict do nothing
     returning id`,
  )
    .bind(input.event, input.key, deliveryBody(input.event, input.payload), input.accountId, input.inboxId)
    .all<{ id: number }>();
  await enqueueJobs(env.JOBS, deliverJobs(results.map((row) => row.id)));
  return results.length;
}

/**
 * Records and enqueues one delivery of `event` (automation's `automation_event.<name>`, an inbox's
 * events to its agent bot or API callback URL) to `url`. For an agent bot (`agentBotId`), the delivery
 * is signed with the bot's secret; for an API inbox's callback (`callbackInboxId`), with the inbox's
 * secret, as Chatwoot signs them. Otherwise, when the account has a webhook with exactly this URL,
 * the delivery belongs to it: signed with its secret and listed in its delivery log; failing all
 * three it is sent unsigned (there is no secret to sign with), X-Parley-Timestamp and
 * X-Parley-Delivery still sent. A repeated `key` adds nothing.
 */
export async function enqueueUrlWebhook(
  env: Env,
  input: { accountId: number; url: string; event: string; payload: Record<string, unknown>; key: string; agentBotId?: number; callbackInboxId?: number },
): Promise<void> {
  const { results } = await env.DB.prepare(
    `insert into webhook_deliveries (account_id, webhook_id, agent_bot_id, inbox_id, url, event, key, body)
     values (?1, case when ?6 is null and ?7 is null then (select id from webhooks where account_id = ?1 and url = ?2) end, ?6, ?7, ?2, ?3, ?4, ?5)
     on conflict do nothing
     returning id`,
  )
    .bind(input.accountId, input.url, input.event, input.key, deliveryBody(input.event, input.payload), input.agentBotId ?? null, input.callbackInboxId ?? null)
    .all<{ id: number }>();
  await enqueueJobs(env.JOBS, deliverJobs(results.map((row) => row.id)));
}

/** A `ping` to one webhook, so its owner can check their receiver and its signature check. */
export async function enqueueWebhookPing(env: Env, webhook: typeof webhooks.$inferSelect) {
  const db = openDatabase(env.DB);
  const payload = {
    account: { id: webhook.accountId },
    webhook: { id: webhook.id, name: webhook.name, url: webhook.url, subscriptions: webhook.subscriptions },
  };
  const [row] = await db
    .insert(webhookDeliveries)
    .values({
      accountId: webhook.accountId,
      webhookId: webhook.id,
      url: webhook.url,
      event: "ping",
      key: `ping:${crypto.randomUUID()}`,
      body: deliveryBody("ping", payload),
    })
    .returning();
  if (!row) throw new Error("webhook delivery insert returned no row");
  await enqueueJobs(env.JOBS, deliverJobs([row.id]));
  return row;
}

/** A failed attempt: the queue retries the job with backoff. */
export class WebhookAttemptFailed extends Error {}

const UNFINISHED: WebhookDeliveryStatus[] = ["queued", "failed"];

/**
 * One attempt at a delivery (the `webhook.deliver` job). A delivery already delivered or dead, or
 * gone with its webhook or account, is left alone, so a redelivered job changes nothing. The
 * destination is checked again (the setting may have changed, the row may predate the check); a
 * refused one is dead at once, since retrying cannot help. Redirects are not followed: a 3xx could
 * point anywhere, so it fails like any other non-2xx answer.
 */
export async function deliverWebhook(env: Env, deliveryId: number, now = () => new Date()): Promise<void> {
  const db = openDatabase(env.DB);
  const [delivery] = await db
    .select({
      id: webhookDeliveries.id,
      accountId: webhookDeliveries.accountId,
      url: webhookDeliveries.url,
      body: webhookDeliveries.body,
      status: webhookDeliveries.status,
      secret: sql<string | null>`coalesce(${webhooks.secret}, ${agentBots.secret}, ${inboxes.webhookSecret})`,
    })
    .from(webhookDeliveries)
    .leftJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .leftJoin(agentBots, eq(agentBots.id, webhookDeliveries.agentBotId))
    .leftJoin(inboxes, eq(inboxes.id, webhookDeliveries.inboxId))
    .where(eq(webhookDeliveries.id, deliveryId));
  if (!delivery || !UNFINISHED.includes(delivery.status)) return;

  // Each attempt is also kept in the attempt log (src/jobs/webhook-attempts.ts), in the same batch.
  const recordAttempt = (
    outcome: { status: WebhookDeliveryStatus; statusCode: number | null; error: string | null },
    tried: { startedAt: Date; responseExcerpt: string | null } = { startedAt: now(), responseExcerpt: null },
  ) => {
    const at = now();
    const countAttempt = db
      .update(webhookDeliveries)
      .set({
        status: outcome.status,
        attempts: sql`${webhookDeliveries.attempts} + 1`,
        lastStatusCode: outcome.statusCode,
        lastError: outcome.error?.slice(0, LAST_ERROR_MAX_CHARS) ?? null,
        deliveredAt: outcome.status === "delivered" ? at : null,
        updatedAt: at,
      })
      .where(and(eq(webhookDeliveries.id, delivery.id), inArray(webhookDeliveries.status, UNFINISHED)));
    return db.batch([countAttempt, ...recordAttemptStatements(db, delivery, { ...outcome, ...tried, finishedAt: at })]);
  };

  const destination = checkDestination(delivery.url, { allowPrivate: privateDestinationsAllowed(env.ALLOW_PRIVATE_DESTINATIONS) });
  if (!destination.ok) {
    await recordAttempt({ status: "dead", statusCode: null, error: `destination_not_allowed (${destination.reason}): ${destination.message}` });
    await handOverFromUnreachableBot(env, delivery.id);
    return;
  }

  const headers = await webhookHeaders({
    secret: delivery.secret,
    body: delivery.body,
    timestamp: Math.floor(now().getTime() / 1000),
    deliveryId: delivery.id,
  });
  let statusCode: number | null = null;
  let error: string | null = null;
  let responseExcerpt: string | null = null;
  const startedAt = now();
  try {
    const response = await fetch(destination.url, {
      method: "POST",
      headers,
      body: delivery.body,
      redirect: "manual",
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    statusCode = response.status;
    responseExcerpt = await readResponseExcerpt(response);
    if (statusCode < 200 || statusCode > 299) error = `The receiver answered HTTP ${statusCode}.`;
  } catch (cause) {
    error =
      cause instanceof Error && cause.name === "TimeoutError"
        ? `No answer within ${DELIVERY_TIMEOUT_MS / 1000} s.`
        : `The request failed: ${cause instanceof Error ? cause.message : String(cause)}`;
  }
  await recordAttempt({ status: error === null ? "delivered" : "failed", statusCode, error }, { startedAt, responseExcerpt });
  if (error !== null) throw new WebhookAttemptFailed(`delivery ${delivery.id}: ${error}`);
}

/**
 * The dead letter queue took the delivery's job: the queue gave up, so the delivery is dead (and a
 * pending conversation whose agent bot never got a message is opened for people).
 */
export async function markWebhookDeliveryDead(env: Env, deliveryId: number, now = new Date()): Promise<void> {
  await openDatabase(env.DB)
    .update(webhookDeliveries)
    .set({ status: "dead", updatedAt: now })
    .where(and(eq(webhookDeliveries.id, deliveryId), inArray(webhookDeliveries.status, UNFINISHED)));
  await handOverFromUnreachableBot(env, deliveryId);
}

/**
 * Cron: sends again deliveries whose job was lost (still queued and never attempted well after
 * they were recorded), and deletes finished deliveries older than the log keeps.
 */
export async function sweepWebhookDeliveries(env: Env, now: Date): Promise<{ requeued: number; pruned: number }> {
  const db = openDatabase(env.DB);
  const stale = new Date(now.getTime() - REQUEUE_AFTER_SECONDS * 1000);
  const lost = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.status, "queued"), eq(webhookDeliveries.attempts, 0), lt(webhookDeliveries.updatedAt, stale)))
    .limit(500);
  if (lost.length > 0) {
    const ids = lost.map((row) => row.id);
    await enqueueJobs(env.JOBS, deliverJobs(ids));
    await db.update(webhookDeliveries).set({ updatedAt: now }).where(inJsonList(webhookDeliveries.id, ids));
  }
  const expired = new Date(now.getTime() - KEEP_FINISHED_DAYS * 24 * 3600 * 1000);
  const pruned = await db
    .delete(webhookDeliveries)
    .where(and(inArray(webhookDeliveries.status, ["delivered", "dead"]), lt(webhookDeliveries.updatedAt, expired)))
    .returning({ id: webhookDeliveries.id });
  return { requeued: lost.length, pruned: pruned.length };
}
