/**
 * The WhatsApp channel's queue work. `whatsapp.received`: what Meta posted to an inbox's webhook
 * (signature already checked): incoming messages (contact by wa_id and phone, one open conversation
 * per contact, media fetched through the Graph API into R2, a redelivered wamid stored once, even
 * after its conversation was resolved) and statuses of the messages the inbox sent. `whatsapp.send`:
 * an outgoing message out through the Graph API's messages endpoint (text, media by link, or a
 * template with its parameters).
 */
import { and, eq } from "drizzle-orm";
import { storeFiles } from "../services/media-store";
import { deleteStoredFiles } from "../db/account-storage";
import { openDatabase } from "../db/client";
import { initialConversationStatus } from "../db/inbox-listeners";
import { inboxes } from "../db/schema";
import { type Attachment, MessageType } from "../domain/conversation";
import {
  messagesRequestBody,
  type OutgoingWhatsapp,
  readableMessage,
  type ReadableMessage,
  sentMessageId,
  TemplateParams,
  templateComponents,
  WhatsappWebhook,
  whatsappEventsOf,
  whatsappMediaTypeOf,
} from "../domain/whatsapp-cloud";
import { accountObject, conversationObject } from "../durable/addresses";
import type { JobMessage } from "./messages";
import { graphDownload, graphRequest } from "./meta-graph";
import { conversationJoined, personConversations, storedBefore } from "./channel-redelivery";

type WhatsappReceivedJob = Extract<JobMessage, { type: "whatsapp.received" }>;
type WhatsappSendJob = Extract<JobMessage, { type: "whatsapp.send" }>;

const DEFAULT_MAX_MEDIA_BYTES = 40 * 1024 * 1024;

export async function whatsappInbox(env: Env, inboxId: number) {
  const [inbox] = await openDatabase(env.DB)
    .select()
    .from(inboxes)
    .where(and(eq(inboxes.id, inboxId), eq(inboxes.channelType, "whatsapp")));
  return inbox?.whatsappConfig ? { ...inbox, whatsappConfig: inbox.whatsappConfig } : null;
}
type WhatsappInbox = NonNullable<Awaited<ReturnType<typeof whatsappInbox>>>;

export async function receiveWhatsapp(env: Env, job: WhatsappReceivedJob): Promise<void> {
  const inbox = await whatsappInbox(env, job.inbox_id);
  // The inbox was deleted since: nothing of it is kept.
  if (!inbox) return;
  const payload = WhatsappWebhook.safeParse(job.payload);
  if (!payload.success) return;
  for (const event of whatsappEventsOf(payload.data, inbox.whatsappConfig.phone_number_id)) {
    if (event.kind === "message") await receiveMessage(env, inbox, event);
    else await recordStatus(env, inbox, event);
  }
}

async function receiveMessage(env: Env, inbox: WhatsappInbox, event: Extract<ReturnType<typeof whatsappEventsOf>[number], { kind: "message" }>) {
  const person = { name: event.profileName, phoneNumber: `+${event.waId.replace(/^\+/, "")}` };
  // Meta delivering it again after its conversation was resolved: stored once, and no new conversation.
  const conversations = await personConversations(env, inbox.accountId, inbox.id, event.waId);
  const joined = conversationJoined(conversations, inbox.lockToSingleConversation);
  if (await storedBefore(env, inbox.accountId, conversations, event.message.id, joined)) return;
  // A new conversation starts pending when an agent bot answers the inbox, as in Chatwoot.
  const status = await initialConversationStatus(env.DB, inbox.id);
  const target = await accountObject(env, inbox.accountId).channelMessageTarget(inbox.id, event.waId, person, inbox.lockToSingleConversation, status);
  if (!target) throw new Error(`no contact session for ${event.waId} in inbox ${inbox.id}`);
  const conversation = conversationObject(env, inbox.accountId, target.seed.displayId);
  // A new conversation, or one an earlier attempt (or a message handled at the same time) reserved and is still starting.
  if (!target.ready) await conversation.start(target.seed, { type: "contact" });
  const readable = readableMessage(event.message);
  const attachments = readable.media ? await downloadMedia(env, inbox, readable.media) : [];
  const mediaMissing = readable.media !== null && attachments.length === 0;
  const result = await conversation.addMessage(
    { inboxId: inbox.id, sourceId: event.waId },
    {
      messageType: MessageType.incoming,
      content: readable.content ?? (mediaMissing ? `A ${readable.media?.type ?? "file"} that could not be downloaded.` : null),
      contentType: "text",
      contentAttributes: mediaMissing
        ? { ...readable.contentAttributes, external_error: "The media could not be downloaded from WhatsApp." }
        : readable.contentAttributes,
      private: false,
      echoId: null,
      sourceId: event.message.id,
      attachments,
    },
    { type: "contact" },
  );
  // A redelivery: the message is stored already, and so were its files.
  if (!result?.created) await deleteStoredFiles(env, inbox.accountId, attachments);
}

const EXTENSIONS: Record<string, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
  "video/mp4": "mp4",
  "video/3gpp": "3gp",
  "audio/ogg": "ogg",
  "audio/mpeg": "mp3",
  "audio/aac": "aac",
  "audio/mp4": "m4a",
  "application/pdf": "pdf",
  "text/plain": "txt",
};

/**
 * A message's file: its download URL from the media endpoint (`GET /{media_id}`), then the bytes with
 * the inbox's token, both through the destination guard; stored within the file allowlist and the
 * account's quota. A file refused or out of reach is left out (the message says so).
 */
async function downloadMedia(env: Env, inbox: WhatsappInbox, media: NonNullable<ReadableMessage["media"]>): Promise<Attachment[]> {
  const token = inbox.whatsappConfig.api_key;
  const info = await graphRequest(env, encodeURIComponent(media.id), { token, query: { phone_number_id: inbox.whatsappConfig.phone_number_id } });
  if (!info.ok) {
    // Meta may answer later; the message waits rather than arriving without its file.
    if (info.retryable) throw new Error(`WhatsApp media ${media.id}: ${info.error}`);
    return [];
  }
  const url = typeof info.json.url === "string" ? info.json.url : null;
  if (!url) return [];
  const file = await graphDownload(env, url, token, Number(env.MAX_UPLOAD_BYTES) || DEFAULT_MAX_MEDIA_BYTES);
  if (!file) return [];
  const type = media.mimeType ?? (typeof info.json.mime_type === "string" ? info.json.mime_type : null) ?? file.contentType ?? "application/octet-stream";
  const essence = type.split(";")[0]?.trim() ?? type;
  const name = media.filename ?? `whatsapp-${media.type}.${EXTENSIONS[essence] ?? "bin"}`;
  try {
    return await storeFiles(env, env.PUBLIC_URL.replace(/\/+$/, ""), inbox.accountId, [new File([file.bytes], name, { type: essence })]);
  } catch (error) {
    // Not an allowed type, or no room left: the message still arrives.
    console.error("whatsapp media refused", inbox.id, error);
    return [];
  }
}

/**
 * A status: the message with this wamid (its `source_id`) gets Chatwoot's status, never going back
 * (a late "sent" after "read" changes nothing), and a failure the provider's reason. It is looked for
 * in the recipient's conversations in the inbox, newest first.
 */
async function recordStatus(env: Env, inbox: WhatsappInbox, event: Extract<ReturnType<typeof whatsappEventsOf>[number], { kind: "status" }>) {
  if (!event.recipientId) return;
  for (const { id } of await personConversations(env, inbox.accountId, inbox.id, event.recipientId)) {
    const updated = await conversationObject(env, inbox.accountId, id).setDeliveryStatus(
      { sourceId: event.wamid },
      { status: event.status, externalError: event.error },
    );
    if (updated) return;
  }
}

/** What goes out for a stored message: its template, else its files (the text as the first one's caption), else its text. */
function outgoingParts(message: { content: string | null; contentAttributes: Record<string, unknown>; attachments: Attachment[] }): OutgoingWhatsapp[] {
  const template = TemplateParams.safeParse(message.contentAttributes.template_params);
  if (message.contentAttributes.template_params !== undefined && template.success) {
    return [{ kind: "template", name: template.data.name, language: template.data.language, components: templateComponents(template.data.processed_params) }];
  }
  const text = message.content?.trim() ? message.content : null;
  if (message.attachments.length === 0) return text ? [{ kind: "text", body: text }] : [];
  return message.attachments.map((attachment, index) => ({
    kind: "media" as const,
    type: whatsappMediaTypeOf(attachment.file_type),
    link: attachment.dataUrl,
    caption: index === 0 ? text : null,
    filename: attachment.file_name,
  }));
}

/**
 * Sends an outgoing message once: a message that has a wamid or a status is done. A refusal Meta may
 * take back later (no answer, 429, 5xx, throttling) throws, so the queue retries it with backoff; any
 * other marks the message failed with Meta's reason (outside the 24-hour window, for one).
 */
export async function sendWhatsappMessage(env: Env, job: WhatsappSendJob): Promise<void> {
  const conversation = conversationObject(env, job.account_id, job.display_id);
  const [message, state] = await Promise.all([conversation.message(job.message_id), conversation.currentState({ inboxIds: null })]);
  if (!message || !state || message.private || message.messageType !== MessageType.outgoing) return;
  if (message.sourceId !== null || message.status !== undefined) return;
  const fail = (reason: string) => conversation.setDeliveryStatus({ messageId: message.id }, { status: "failed", externalError: reason });
  const inbox = await whatsappInbox(env, state.inboxId);
  if (!inbox) return void (await fail("The inbox has no WhatsApp Cloud API settings."));
  const parts = outgoingParts(message);
  if (parts.length === 0) return void (await fail("This message has nothing WhatsApp can carry."));
  let firstId: string | null = null;
  for (const [index, part] of parts.entries()) {
    const answer = await graphRequest(env, `${encodeURIComponent(inbox.whatsappConfig.phone_number_id)}/messages`, {
      token: inbox.whatsappConfig.api_key,
      json: messagesRequestBody(state.sourceId, part),
    });
    if (!answer.ok) {
      // Nothing went out yet: a retry cannot send twice.
      if (answer.retryable && index === 0) throw new Error(answer.error);
      const sentBefore = index === 0 ? "" : `Only ${index} of ${parts.length} files were sent. `;
      if (firstId)
        await conversation.setDeliveryStatus({ messageId: message.id }, { status: "failed", sourceId: firstId, externalError: `${sentBefore}${answer.error}` });
      else await fail(`${sentBefore}${answer.error}`);
      return;
    }
    firstId ??= sentMessageId(answer.json);
  }
  await conversation.setDeliveryStatus({ messageId: message.id }, { status: "sent", ...(firstId ? { sourceId: firstId } : {}) });
}

/** The queue gave up on a message (the Graph API never answered, or kept answering 429 or 5xx): the agent sees it failed. */
export async function failDeadWhatsappMessage(env: Env, job: WhatsappSendJob): Promise<void> {
  const conversation = conversationObject(env, job.account_id, job.display_id);
  const message = await conversation.message(job.message_id);
  if (!message || message.sourceId !== null || message.status !== undefined) return;
  await conversation.setDeliveryStatus(
    { messageId: job.message_id },
    { status: "failed", externalError: "WhatsApp could not take the message after several attempts." },
  );
}
