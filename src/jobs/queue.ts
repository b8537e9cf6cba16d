/**
 * The queue consumers. `jobs` messages are parsed with the JobMessage union and dispatched to one
 * handler per kind; a failure retries that message alone (with backoff) until the dead letter
 * queue takes it. Messages on the dead letter queue are recorded in D1 for operators.
 */
import { openDatabase } from "../db/client";
import { deadJobs } from "../db/schema";
import { handleContactEvent, handleConversationEvent } from "./conversation-event";
import { laneOf, runInLanes } from "./batch-lanes";
import { JobMessage } from "./messages";
import { deliverNotifications, emailNotificationBatch } from "./notification-delivery";
import { loadSnapshotIntoAccount } from "./load-snapshot";
import { snapshotMediaPrefix } from "../domain/snapshot-contents";
import { deleteMediaUnder, purgeAccount, purgeInbox } from "./purge-account";
import { sendEmail } from "./send-email";
import { exportContacts, importContacts } from "./contact-files";
import { deliverWebhook, markWebhookDeliveryDead } from "./webhooks";
import { sendCampaignBatch } from "./campaigns";
import { failDeadSmsReply, receiveSms, sendSmsReply } from "./sms-channel";
import { queueEmailReply, receiveEmail, sendContinuityEmail } from "./email-channel";
import { failDeadWhatsappMessage, receiveWhatsapp, sendWhatsappMessage } from "./whatsapp-channel";
import { syncWhatsappTemplates } from "./whatsapp-templates";
import { failDeadSnapshotLoad } from "./snapshot-load-sweep";
import { failDeadMetaReply, receiveMetaEvent, sendMetaReply } from "./meta-channel";

export const DEAD_LETTER_QUEUE = "parley-jobs-dead";

async function runJob(env: Env, job: JobMessage): Promise<void> {
  const db = openDatabase(env.DB);
  switch (job.type) {
    case "account.purge":
      return purgeAccount(env, db, job.account_id);
    case "inbox.purge":
      return purgeInbox(env, job.account_id, job.inbox_id);
    case "snapshot.purge":
      return deleteMediaUnder(env.MEDIA, snapshotMediaPrefix(job.snapshot_id));
    case "snapshot.load":
      return loadSnapshotIntoAccount(env, job.load_id);
    case "conversation.event":
      return handleConversationEvent(env, job);
    case "contact.event":
      return handleContactEvent(env, job);
    case "campaign.send":
      return sendCampaignBatch(env, job);
    case "webhook.deliver":
      return deliverWebhook(env, job.delivery_id);
    case "contact.import":
      return importContacts(env, job.import_id);
    case "contact.export":
      return exportContacts(env, job.export_id);
    case "email.send":
      return sendEmail(env, job.email_id);
    case "sms.received":
      return receiveSms(env, job);
    case "notifications.deliver":
      return deliverNotifications(env, job);
    case "notifications.email":
      return emailNotificationBatch(env, job.batch_id);
    case "sms.send":
      return sendSmsReply(env, job);
    case "email_channel.received":
      return receiveEmail(env, job);
    case "email_channel.send":
      return queueEmailReply(env, job);
    case "email_continuity.send":
      return sendContinuityEmail(env, job);
    case "meta.received":
      return receiveMetaEvent(env, job);
    case "meta.send":
      return sendMetaReply(env, job);
    case "whatsapp.received":
      return receiveWhatsapp(env, job);
    case "whatsapp.send":
      return sendWhatsappMessage(env, job);
    case "whatsapp.templates_sync":
      return syncWhatsappTemplates(env, job);
  }
}

/**
 * How long a failed job waits before its next attempt (`attempts` counts the one that failed).
 * Our own work backs off exponentially up to five minutes. A webhook's receiver may be down for a
 * while, so its deliveries wait 10 s, 1 min, 5 min, 30 min and 1 h: about an hour and a half in
 * all before the dead letter queue takes them.
 */
const WEBHOOK_RETRY_DELAYS_SECONDS = [10, 60, 300, 1800, 3600] as const;
export function retryDelaySeconds(job: JobMessage, attempts: number): number {
  if (job.type === "webhook.deliver") return WEBHOOK_RETRY_DELAYS_SECONDS[Math.min(attempts, WEBHOOK_RETRY_DELAYS_SECONDS.length) - 1] ?? 10;
  return Math.min(300, 2 ** attempts);
}

export async function handleQueueBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  if (batch.queue === DEAD_LETTER_QUEUE) return recordDeadJobs(batch, env);
  const parsedMessages = batch.messages.map((message) => ({ message, parsed: JobMessage.safeParse(message.body) }));
  // Inbound channel messages of different people run at once (src/jobs/batch-lanes.ts); the rest in order.
  await runInLanes(
    parsedMessages,
    ({ parsed }) => (parsed.success ? laneOf(parsed.data) : null),
    async ({ message, parsed }) => {
      if (!parsed.success) {
        // A message no handler understands will never succeed: keep it for inspection instead of retrying.
        console.error("unknown job message", message.id, parsed.error.message);
        await recordDeadJob(env, message);
        message.ack();
        return;
      }
      try {
        await runJob(env, parsed.data);
        message.ack();
      } catch (error) {
        console.error("job failed", parsed.data.type, message.id, error);
        message.retry({ delaySeconds: retryDelaySeconds(parsed.data, message.attempts) });
      }
    },
  );
}

async function recordDeadJob(env: Env, message: Message<unknown>): Promise<void> {
  await openDatabase(env.DB).insert(deadJobs).values({ messageId: message.id, body: message.body, attempts: message.attempts }).onConflictDoNothing();
}

async function recordDeadJobs(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    await recordDeadJob(env, message);
    const job = JobMessage.safeParse(message.body);
    if (job.success && job.data.type === "webhook.deliver") await markWebhookDeliveryDead(env, job.data.delivery_id);
    if (job.success && job.data.type === "snapshot.load") await failDeadSnapshotLoad(env, job.data.load_id, message.attempts);
    if (job.success && job.data.type === "sms.send") await failDeadSmsReply(env, job.data);
    if (job.success && job.data.type === "meta.send") await failDeadMetaReply(env, job.data);
    if (job.success && job.data.type === "whatsapp.send") await failDeadWhatsappMessage(env, job.data);
    message.ack();
  }
}
