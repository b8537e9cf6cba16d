/**
 * Notifications leave the account (Chatwoot's Notification::PushNotificationService and its email
 * notifications): Web Push to the user's browsers, the mobile app's device tokens through the push
 * relay, and one email per conversation for a user who was away.
 *
 * - Web Push: the payload is encrypted for the subscription and signed with the installation's VAPID
 *   key (@block65/webcrypto-web-push, WebCrypto only), sent through the destination guard. A
 *   subscription the push service no longer knows (404, 410) or refuses (401, 403) is removed; other
 *   failures are dropped, as Chatwoot does: a late push is worth less than a duplicate one.
 * - Mobile: `{"fcm_options": {...}}` POSTed to PUSH_RELAY_URL, the shape Chatwoot's push relay takes.
 * - Email: the first notification of a conversation opens a batch and schedules its email
 *   NOTIFICATION_EMAIL_DELAY_SECONDS later; the others of that conversation join the batch, so a burst
 *   of fifty messages sends one email.
 *
 * Each notification's push and email are claimed in D1 (`notification_deliveries`) before they go, so
 * a job the queue delivers again pushes and batches nothing twice. A push claimed and then lost stays
 * lost, as above; an email that could not join its batch gives its claim back for the retry.
 */
import { buildPushPayload, type PushSubscription } from "@block65/webcrypto-web-push";
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { openDatabase, type Database } from "../db/client";
import { notificationEmailBatches, notificationSubscriptions, users } from "../db/schema";
import { checkDestination, privateDestinationsAllowed } from "../domain/destination-guard";
import { notificationDigestEmail } from "../domain/emails";
import type { JobMessage } from "./messages";
import { queueEmails } from "./send-email";

type DeliverJob = Extract<JobMessage, { type: "notifications.deliver" }>;
type Delivered = DeliverJob["notifications"][number];
type SubscriptionRow = typeof notificationSubscriptions.$inferSelect;

const PUSH_TIMEOUT_MS = 10_000;
/** Titles an email batch keeps (it counts every notification). */
export const NOTIFICATION_EMAIL_MAX_ITEMS = 20;
/** Push services keep a notification for an offline browser this long. */
const PUSH_TTL_SECONDS = 24 * 60 * 60;

const conversationLink = (env: Env, accountId: number, displayId: number) =>
  `${env.PUBLIC_URL.replace(/\/+$/, "")}/app/accounts/${accountId}/conversations/${displayId}`;

/** Chatwoot's push message: what the console's service worker shows. */
export function pushMessage(env: Env, accountId: number, notification: Delivered) {
  return {
    title: notification.title,
    tag: `${notification.notification_type}_${notification.display_id}_${notification.id}`,
    url: conversationLink(env, accountId, notification.display_id),
  };
}

async function guardedPost(env: Env, url: string, init: RequestInit): Promise<Response | null> {
  const check = checkDestination(url, { allowPrivate: privateDestinationsAllowed(env.ALLOW_PRIVATE_DESTINATIONS) });
  if (!check.ok) return null;
  try {
    return await fetch(check.url, { ...init, redirect: "manual", signal: AbortSignal.timeout(PUSH_TIMEOUT_MS) });
  } catch {
    return null;
  }
}

async function sendBrowserPush(env: Env, db: Database, subscription: SubscriptionRow, message: ReturnType<typeof pushMessage>): Promise<void> {
  const { endpoint, p256dh, auth } = subscription.attributes;
  if (!endpoint || !p256dh || !auth || !env.VAPID_PUBLIC_KEY || !env.VAPID_PRIVATE_KEY) return;
  const target: PushSubscription = { endpoint, expirationTime: null, keys: { p256dh, auth } };
  let request: Awaited<ReturnType<typeof buildPushPayload>>;
  try {
    request = await buildPushPayload({ data: message, options: { ttl: PUSH_TTL_SECONDS, urgency: "high" } }, target, {
      subject: env.PUBLIC_URL,
      publicKey: env.VAPID_PUBLIC_KEY,
      privateKey: env.VAPID_PRIVATE_KEY,
    });
  } catch {
    // Keys the browser gave that are not a P-256 point: the subscription can never be reached.
    await db.delete(notificationSubscriptions).where(eq(notificationSubscriptions.id, subscription.id));
    return;
  }
  const answer = await guardedPost(env, endpoint, { method: "POST", headers: request.headers, body: request.body });
  if (answer && [401, 403, 404, 410].includes(answer.status)) {
    await db.delete(notificationSubscriptions).where(eq(notificationSubscriptions.id, subscription.id));
  }
}

/** Chatwoot's FCM options (Notification::PushNotificationService#fcm_options) for its push relay. */
function fcmOptions(accountId: number, notification: Delivered, token: string) {
  const pushData = {
    id: notification.id,
    notification_type: notification.notification_type,
    primary_actor_type: "Conversation",
    primary_actor_id: notification.display_id,
    primary_actor: { id: notification.display_id },
    account_id: accountId,
  };
  return {
    token,
    data: { payload: JSON.stringify({ data: { notification: pushData } }) },
    notification: { title: notification.title, body: notification.title },
    android: { priority: "high" },
    apns: { payload: { aps: { sound: "default" } } },
    fcm_options: { analytics_label: "Label" },
  };
}

async function sendRelayPush(env: Env, accountId: number, subscription: SubscriptionRow, notification: Delivered): Promise<void> {
  const token = subscription.attributes.push_token;
  if (!env.PUSH_RELAY_URL || !token) return;
  await guardedPost(env, env.PUSH_RELAY_URL, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ fcm_options: fcmOptions(accountId, notification, token) }),
  });
}

/** What of a notification went out (notification_deliveries.kind). */
type DeliveryKind = "push" | "email";

/** Claims `kind` of delivery for these notifications; answers the ids no earlier run of the job claimed. */
async function claimDeliveries(env: Env, accountId: number, notificationIds: number[], kind: DeliveryKind): Promise<Set<number>> {
  if (notificationIds.length === 0) return new Set();
  // One statement for up to 500 ids: D1 binds at most 100 parameters.
  const claimed = await env.DB.prepare(
    `insert into notification_deliveries (account_id, notification_id, kind)
     select ?, value, ? from json_each(?) where true
     on conflict do nothing returning notification_id`,
  )
    .bind(accountId, kind, JSON.stringify(notificationIds))
    .all<{ notification_id: number }>();
  return new Set(claimed.results.map((row) => row.notification_id));
}

/** Gives claims back, for work that did not happen: the job's retry does it. */
async function releaseDeliveries(env: Env, accountId: number, notificationIds: number[], kind: DeliveryKind): Promise<void> {
  await env.DB.prepare("delete from notification_deliveries where account_id = ? and kind = ? and notification_id in (select value from json_each(?))")
    .bind(accountId, kind, JSON.stringify(notificationIds))
    .run();
}

/** How long a delivery is remembered: the queue retries a job for minutes, never a week later. */
const DELIVERY_MEMORY_SECONDS = 7 * 24 * 60 * 60;

/** Cron: forgets deliveries older than a week. */
export async function sweepNotificationDeliveries(env: Env, now: Date): Promise<number> {
  const before = Math.floor(now.getTime() / 1000) - DELIVERY_MEMORY_SECONDS;
  const result = await env.DB.prepare("delete from notification_deliveries where created_at < ?").bind(before).run();
  return result.meta.changes ?? 0;
}

async function pushAll(env: Env, db: Database, job: DeliverJob): Promise<void> {
  const asked = job.notifications.filter((notification) => notification.push);
  const claimed = await claimDeliveries(
    env,
    job.account_id,
    asked.map(({ id }) => id),
    "push",
  );
  const wanted = asked.filter((notification) => claimed.has(notification.id));
  if (wanted.length === 0) return;
  const rows = await db
    .select()
    .from(notificationSubscriptions)
    .where(inArray(notificationSubscriptions.userId, [...new Set(wanted.map((notification) => notification.user_id))]));
  const sends = wanted.flatMap((notification) =>
    rows
      .filter((row) => row.userId === notification.user_id)
      .map((row) =>
        row.subscriptionType === "browser_push"
          ? sendBrowserPush(env, db, row, pushMessage(env, job.account_id, notification))
          : sendRelayPush(env, job.account_id, row, notification),
      ),
  );
  await Promise.all(sends);
}

/** Adds a notification to its user's open batch for the conversation, or opens one and schedules its email. */
async function batchEmail(env: Env, db: Database, accountId: number, notification: Delivered): Promise<void> {
  const where = and(
    eq(notificationEmailBatches.accountId, accountId),
    eq(notificationEmailBatches.userId, notification.user_id),
    eq(notificationEmailBatches.displayId, notification.display_id),
    isNull(notificationEmailBatches.sentAt),
  );
  // Twice at most: a batch that was sent between our insert and our update leaves room for a new one.
  for (let attempt = 0; attempt < 2; attempt++) {
    const [opened] = await db
      .insert(notificationEmailBatches)
      .values({ accountId, userId: notification.user_id, displayId: notification.display_id, titles: [notification.title] })
      .onConflictDoNothing()
      .returning({ id: notificationEmailBatches.id });
    if (opened) {
      const delaySeconds = Math.max(0, Number(env.NOTIFICATION_EMAIL_DELAY_SECONDS) || 0);
      await env.JOBS.send({ type: "notifications.email", batch_id: opened.id } satisfies JobMessage, { delaySeconds });
      return;
    }
    const joined = await db
      .update(notificationEmailBatches)
      .set({
        count: sql`${notificationEmailBatches.count} + 1`,
        titles: sql`case when json_array_length(${notificationEmailBatches.titles}) < ${NOTIFICATION_EMAIL_MAX_ITEMS}
          then json_insert(${notificationEmailBatches.titles}, '$[#]', ${notification.title}) else ${notificationEmailBatches.titles} end`,
      })
      .where(where)
      .returning({ id: notificationEmailBatches.id });
    if (joined.length > 0) return;
  }
}

/** Adds each notification that asks for an email, and was not added by an earlier run of the job, to its batch. */
async function emailAll(env: Env, db: Database, job: DeliverJob): Promise<void> {
  const asked = job.notifications.filter((notification) => notification.email);
  const claimed = await claimDeliveries(
    env,
    job.account_id,
    asked.map(({ id }) => id),
    "email",
  );
  const wanted = asked.filter((notification) => claimed.has(notification.id));
  for (const [index, notification] of wanted.entries()) {
    try {
      await batchEmail(env, db, job.account_id, notification);
    } catch (error) {
      await releaseDeliveries(
        env,
        job.account_id,
        wanted.slice(index).map(({ id }) => id),
        "email",
      );
      throw error;
    }
  }
}

export async function deliverNotifications(env: Env, job: DeliverJob): Promise<void> {
  const db = openDatabase(env.DB);
  await pushAll(env, db, job);
  await emailAll(env, db, job);
}

/** Sends a batch's one email, once: the batch is claimed before the email is queued. */
export async function emailNotificationBatch(env: Env, batchId: number): Promise<void> {
  const db = openDatabase(env.DB);
  const [batch] = await db
    .update(notificationEmailBatches)
    .set({ sentAt: new Date() })
    .where(and(eq(notificationEmailBatches.id, batchId), isNull(notificationEmailBatches.sentAt)))
    .returning();
  if (!batch) return;
  const [user] = await db.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, batch.userId));
  if (!user) return;
  const content = notificationDigestEmail({
    recipientName: user.name,
    displayId: batch.displayId,
    count: batch.count,
    titles: batch.titles,
    link: conversationLink(env, batch.accountId, batch.displayId),
  });
  await queueEmails(env, batch.accountId, batch.displayId, "agent_notification", [{ key: `notification-batch:${batch.id}`, to: [user.email], ...content }]);
}
