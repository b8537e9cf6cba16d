/**
 * The SMS channel's queue work. `sms.received`: what Twilio posted to an inbox's webhook (signature
 * already checked), either an incoming message (contact by phone, one open conversation per contact
 * phone, media into R2, STOP/START honoured, a redelivered MessageSid stored once, even after its
 * conversation was resolved) or a status callback for a message Parley sent. `sms.send`: an outgoing
 * message (an agent's reply, automation's or a macro's message: src/jobs/outbound.ts) out through the
 * provider.
 */
import { and, eq } from "drizzle-orm";
import { openDatabase } from "../db/client";
import { inboxes } from "../db/schema";
import { type Attachment, MessageType } from "../domain/conversation";
import { checkDestination, privateDestinationsAllowed } from "../domain/destination-guard";
import { recipientOf } from "../domain/email-channel";
import { deliveryStatusOf, mediaOf, smsConsentKeyword } from "../domain/twilio-webhook";
import { accountObject, conversationObject } from "../durable/addresses";
import { storeFiles } from "../services/media-store";
import { deleteStoredFiles } from "../db/account-storage";
import type { JobMessage } from "./messages";
import { sendSms } from "./send-sms";
import { initialConversationStatus } from "../db/inbox-listeners";
import { personConversations, storedBefore } from "./channel-redelivery";

type SmsReceivedJob = Extract<JobMessage, { type: "sms.received" }>;
type SmsSendJob = Extract<JobMessage, { type: "sms.send" }>;

const MEDIA_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_MEDIA_BYTES = 40 * 1024 * 1024;

async function smsInbox(env: Env, inboxId: number) {
  const [inbox] = await openDatabase(env.DB)
    .select()
    .from(inboxes)
    .where(and(eq(inboxes.id, inboxId), eq(inboxes.channelType, "sms")));
  return inbox ?? null;
}

export async function receiveSms(env: Env, job: SmsReceivedJob): Promise<void> {
  const inbox = await smsInbox(env, job.inbox_id);
  // The inbox was deleted since: nothing of it is kept.
  if (!inbox) return;
  const { form } = job;
  if (form.MessageStatus !== undefined && form.Body === undefined) return recordDeliveryStatus(env, inbox, form);
  const from = form.From?.trim();
  const sid = form.MessageSid ?? form.SmsSid;
  if (!from || !sid) return;

  const account = accountObject(env, inbox.accountId);
  const session = await account.smsContactSession(inbox.id, from);
  // A redelivery is dropped before it does anything: a STOP sent again after a START opts nobody out.
  const conversations = await personConversations(env, inbox.accountId, inbox.id, from);
  if (await storedBefore(env, inbox.accountId, conversations, sid, null)) return;
  const consent = smsConsentKeyword(form.Body ?? "");
  if (consent) await account.setSmsOptOut(session.contact.id, consent === "opt_out" ? new Date().toISOString() : null);

  const displayId = await openConversationOf(env, inbox.accountId, inbox.id, from, conversations);
  const attachments = await downloadMedia(env, inbox, form);
  const body = form.Body?.trim() ? form.Body : null;
  const result = await conversationObject(env, inbox.accountId, displayId).addMessage(
    { inboxId: inbox.id, sourceId: from },
    {
      messageType: MessageType.incoming,
      content: body ?? (attachments.length === 0 ? "" : null),
      contentType: "text",
      contentAttributes: {},
      private: false,
      echoId: null,
      sourceId: sid,
      attachments,
    },
    { type: "contact" },
  );
  // A redelivery: the message is stored already, and so were its files.
  if (!result?.created) await deleteStoredFiles(env, inbox.accountId, attachments);
}

/** The contact phone's latest open or pending conversation in the inbox (of `conversations`, newest first), else a new one. */
async function openConversationOf(
  env: Env,
  accountId: number,
  inboxId: number,
  phone: string,
  conversations: Awaited<ReturnType<typeof personConversations>>,
): Promise<number> {
  const account = accountObject(env, accountId);
  const latest = conversations.find((conversation) => conversation.status === "open" || conversation.status === "pending")?.id ?? null;
  if (latest !== null) return latest;
  const status = await initialConversationStatus(env.DB, inboxId);
  const seed = await account.reserveConversation({ inboxId, sourceId: phone, customAttributes: {}, additionalAttributes: {}, status });
  if (!seed) throw new Error(`no contact session for ${phone} in inbox ${inboxId}`);
  await conversationObject(env, accountId, seed.displayId).start(seed, { type: "contact" });
  return seed.displayId;
}

/**
 * An MMS's media (`MediaUrl0`...), downloaded through the destination guard and stored as
 * attachments within the file allowlist and the account's quota. Twilio's media links ask for the
 * account's credentials, so they go only to the provider's own host. A file refused or out of reach
 * is left out (the message says so) rather than losing the message.
 */
async function downloadMedia(env: Env, inbox: NonNullable<Awaited<ReturnType<typeof smsInbox>>>, form: Record<string, string>): Promise<Attachment[]> {
  const media = mediaOf(form);
  if (media.length === 0) return [];
  const allowPrivate = privateDestinationsAllowed(env.ALLOW_PRIVATE_DESTINATIONS);
  const maxBytes = Number(env.MAX_UPLOAD_BYTES) || DEFAULT_MAX_MEDIA_BYTES;
  const files: File[] = [];
  for (const [index, item] of media.entries()) {
    if (!checkDestination(item.url, { allowPrivate }).ok) continue;
    const config = inbox.providerConfig;
    const providerHost = config?.api_base_url ? new URL(config.api_base_url).host : "api.twilio.com";
    const headers: Record<string, string> = {};
    if (config && new URL(item.url).host === providerHost) headers.authorization = `Basic ${btoa(`${config.account_sid}:${config.auth_token}`)}`;
    try {
      const response = await fetch(item.url, { headers, redirect: "manual", signal: AbortSignal.timeout(MEDIA_TIMEOUT_MS) });
      if (!response.ok) continue;
      const bytes = await response.arrayBuffer();
      if (bytes.byteLength > maxBytes) continue;
      const type = item.contentType ?? response.headers.get("content-type") ?? "application/octet-stream";
      files.push(new File([bytes], `media-${index + 1}`, { type }));
    } catch (error) {
      console.error("sms media download failed", inbox.id, error);
    }
  }
  if (files.length === 0) return [];
  try {
    return await storeFiles(env, env.PUBLIC_URL.replace(/\/+$/, ""), inbox.accountId, files);
  } catch (error) {
    // Not an allowed type, or no room left: the text still arrives.
    console.error("sms media refused", inbox.id, error);
    return [];
  }
}

/**
 * A status callback: the agent's message with this MessageSid (its `source_id`) gets Chatwoot's
 * status, and the provider's error when it failed. The message is looked for in the conversations of
 * the contact the message went `To`, newest first.
 */
async function recordDeliveryStatus(env: Env, inbox: NonNullable<Awaited<ReturnType<typeof smsInbox>>>, form: Record<string, string>) {
  const status = deliveryStatusOf(form.MessageStatus ?? "");
  const sid = form.MessageSid ?? form.SmsSid;
  const to = form.To?.trim();
  if (!status || !sid || !to) return;
  const externalError = status === "failed" ? providerError(form) : null;
  for (const { id } of await personConversations(env, inbox.accountId, inbox.id, to)) {
    const updated = await conversationObject(env, inbox.accountId, id).setDeliveryStatus({ sourceId: sid }, { status, externalError });
    if (updated) return;
  }
}

/** Twilio's ErrorCode (and ErrorMessage when sent) in words. */
function providerError(form: Record<string, string>): string {
  const code = form.ErrorCode ? ` (error ${form.ErrorCode})` : "";
  const words = form.ErrorMessage ?? (form.MessageStatus === "undelivered" ? "The carrier could not deliver the message" : "The message could not be sent");
  return `${words}${code}`;
}

/**
 * Sends an agent's reply once: a message that has a provider sid or a status is done. A refusal
 * the provider may take later (no answer, 429, 5xx) throws, so the queue retries it with backoff;
 * any other marks the message failed with the provider's reason.
 */
export async function sendSmsReply(env: Env, job: SmsSendJob): Promise<void> {
  const conversation = conversationObject(env, job.account_id, job.display_id);
  const [message, state] = await Promise.all([conversation.message(job.message_id), conversation.currentState({ inboxIds: null })]);
  if (!message || !state || message.private || message.messageType !== MessageType.outgoing) return;
  // A status is set once the provider answered (sent, with or without a sid) or refused: sent once.
  if (message.sourceId !== null || message.status !== undefined) return;
  const inbox = await smsInbox(env, state.inboxId);
  const fail = (reason: string) => conversation.setDeliveryStatus({ messageId: message.id }, { status: "failed", externalError: reason });
  if (!inbox?.phoneNumber || !inbox.providerConfig) return void (await fail("The inbox has no SMS provider."));
  const body = message.content?.trim() ?? "";
  if (body === "") return void (await fail("SMS replies carry text: this message has none."));
  // An agent's reply was refused already; automation and macros write without asking, so they are stopped here.
  const conversationPayload = await accountObject(env, job.account_id).conversation(job.display_id, {
    kind: "user",
    userId: 0,
    role: "administrator",
    inboxIds: null,
  });
  const optedOutAt = conversationPayload?.meta.sender.additional_attributes.sms_opted_out_at;
  if (typeof optedOutAt === "string") return void (await fail(`The contact opted out of text messages (they answered STOP on ${optedOutAt}).`));
  // An SMS session is the contact's number; an Email/SMS widget lead may have its own id, and then the number it left is used.
  const to = /^\+[1-9]\d{1,14}$/.test(state.sourceId) ? state.sourceId : recipientOf(conversationPayload?.meta.sender ?? null, "phone_number");
  if (!to) return void (await fail("The contact has no phone number."));
  const result = await sendSms(env, inbox.providerConfig, { from: inbox.phoneNumber, to, body });
  if (result.ok) {
    await conversation.setDeliveryStatus({ messageId: message.id }, { status: "sent", ...(result.sid ? { sourceId: result.sid } : {}) });
    return;
  }
  if (result.retryable) throw new Error(result.error);
  await fail(result.error);
}

/** The queue gave up on a reply (the provider never answered, or kept answering 429 or 5xx): the agent sees it failed. */
export async function failDeadSmsReply(env: Env, job: SmsSendJob): Promise<void> {
  const conversation = conversationObject(env, job.account_id, job.display_id);
  const message = await conversation.message(job.message_id);
  if (!message || message.sourceId !== null || message.status !== undefined) return;
  await conversation.setDeliveryStatus(
    { messageId: job.message_id },
    { status: "failed", externalError: "The SMS provider could not take the message after several attempts." },
  );
}
