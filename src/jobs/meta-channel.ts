/**
 * The Messenger and Instagram channels' queue work. `meta.received`: one messaging event Meta posted
 * to `/bot` or `/webhooks/instagram` (signature already checked), for every inbox that is the page or
 * account it names: a person's message (contact per PSID / IGSID, their open conversation, files into
 * R2, a redelivered mid stored once), an echo of a message the page sent (outgoing, once, and never
 * a second copy of Parley's own send), delivery and read receipts (our messages' status, never
 * backwards), and anything else as an unsupported message. `meta.send`: an outgoing message out
 * through the Send API, inside the messaging window.
 */
import { and, eq } from "drizzle-orm";
import { storeFiles } from "../services/media-store";
import { deleteStoredFiles } from "../db/account-storage";
import { openDatabase } from "../db/client";
import { initialConversationStatus } from "../db/inbox-listeners";
import { facebookPages, inboxes, instagramAccounts } from "../db/schema";
import { type Attachment, type MessageDeliveryStatus, MessageType } from "../domain/conversation";
import { checkDestination, privateDestinationsAllowed } from "../domain/destination-guard";
import {
  closedWindowMessage,
  isOwnSendMetadata,
  type MessagingEvent,
  messagingWindowAt,
  type MetaAttachment,
  type MetaChannel,
  readMessagingEvent,
  sendApiBodies,
  sendMetadata,
} from "../domain/meta-messaging";
import { accountObject, conversationObject } from "../durable/addresses";
import type { JobMessage } from "./messages";
import { graphUrl } from "../domain/meta-graph";
import { graphRequest, graphSettingsOf } from "./meta-graph";
import { conversationJoined, personConversations, storedBefore } from "./channel-redelivery";

type MetaReceivedJob = Extract<JobMessage, { type: "meta.received" }>;
type MetaSendJob = Extract<JobMessage, { type: "meta.send" }>;

/** An inbox that is a page or Instagram account, with the token it calls the Graph API with. */
export type MetaInbox = { id: number; accountId: number; channel: MetaChannel; businessId: string; token: string | null };

const MEDIA_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_MEDIA_BYTES = 40 * 1024 * 1024;
/** Attachment types that are files to keep; shares, reels, posts and fallbacks are links. */
const FILE_TYPES: ReadonlySet<string> = new Set(["image", "video", "audio", "file", "sticker"]);

/**
 * Where an inbox's Graph API calls go: Messenger's to GRAPH_API_BASE_URL, Instagram's to
 * INSTAGRAM_API_BASE_URL (Instagram Login's graph.instagram.com; graph.facebook.com for an app that
 * reaches Instagram through a page), both at GRAPH_API_VERSION.
 */
function graphPathOf(env: Env, inbox: MetaInbox, path: string): string {
  if (inbox.channel !== "instagram") return path;
  const settings = graphSettingsOf(env);
  return graphUrl({ ...settings, baseUrl: env.INSTAGRAM_API_BASE_URL || settings.baseUrl }, path);
}

/** Every inbox that is this page (or Instagram account): usually one; each sub-account that connected it gets the event. */
async function metaInboxesOf(env: Env, channel: MetaChannel, businessId: string): Promise<MetaInbox[]> {
  const db = openDatabase(env.DB);
  if (channel === "facebook_page") {
    const rows = await db
      .select({ id: inboxes.id, accountId: inboxes.accountId, token: facebookPages.pageAccessToken })
      .from(facebookPages)
      .innerJoin(inboxes, and(eq(inboxes.id, facebookPages.inboxId), eq(inboxes.channelType, "facebook_page")))
      .where(eq(facebookPages.pageId, businessId));
    return rows.map((row) => ({ ...row, channel, businessId }));
  }
  const rows = await db
    .select({ id: inboxes.id, accountId: inboxes.accountId, token: instagramAccounts.accessToken })
    .from(instagramAccounts)
    .innerJoin(inboxes, and(eq(inboxes.id, instagramAccounts.inboxId), eq(inboxes.channelType, "instagram")))
    .where(eq(instagramAccounts.instagramId, businessId));
  return rows.map((row) => ({ ...row, channel, businessId }));
}

/** The Messenger or Instagram inbox with this id, with its page's or account's token; null for any other. */
export async function metaInboxOf(env: Env, inboxId: number): Promise<MetaInbox | null> {
  const db = openDatabase(env.DB);
  const [page] = await db
    .select({ id: inboxes.id, accountId: inboxes.accountId, businessId: facebookPages.pageId, token: facebookPages.pageAccessToken })
    .from(inboxes)
    .innerJoin(facebookPages, eq(facebookPages.inboxId, inboxes.id))
    .where(and(eq(inboxes.id, inboxId), eq(inboxes.channelType, "facebook_page")));
  if (page) return { ...page, channel: "facebook_page" };
  const [account] = await db
    .select({ id: inboxes.id, accountId: inboxes.accountId, businessId: instagramAccounts.instagramId, token: instagramAccounts.accessToken })
    .from(inboxes)
    .innerJoin(instagramAccounts, eq(instagramAccounts.inboxId, inboxes.id))
    .where(and(eq(inboxes.id, inboxId), eq(inboxes.channelType, "instagram")));
  return account ? { ...account, channel: "instagram" } : null;
}

export async function receiveMetaEvent(env: Env, job: MetaReceivedJob): Promise<void> {
  const event = readMessagingEvent(job.event, job.business_id);
  if (event.kind === "ignored") return;
  // No inbox is this page or account (any more): nothing of it is kept.
  for (const inbox of await metaInboxesOf(env, job.channel, job.business_id)) {
    switch (event.kind) {
      case "message":
      case "postback":
      case "unsupported":
        await receiveFromPerson(env, inbox, event);
        break;
      case "echo":
        await receiveEcho(env, inbox, event);
        break;
      case "delivery":
        await recordReceipt(env, inbox, event.customerId, "delivered", { mids: event.mids, watermarkMs: event.watermarkMs });
        break;
      case "read":
        await recordReceipt(env, inbox, event.customerId, "read", { mids: event.mid ? [event.mid] : [], watermarkMs: event.watermarkMs });
        break;
    }
  }
}

/**
 * The person's contact session in the inbox (source id: their PSID or IGSID), made with the name
 * their profile gives (Meta's user profile API), else a name saying where they write from.
 */
async function contactSessionOf(env: Env, inbox: MetaInbox, personId: string) {
  const account = accountObject(env, inbox.accountId);
  const existing = await account.contactSession(inbox.id, personId);
  if (existing) return existing;
  const name = (await profileName(env, inbox, personId)) ?? `${inbox.channel === "instagram" ? "Instagram" : "Messenger"} user ${personId.slice(-6)}`;
  const started = await account.startContactSession({ inboxId: inbox.id, sourceId: personId, fields: { name }, identifierVerified: false });
  if ("contact" in started) return started;
  // Made meanwhile by another event of the same person.
  const made = await account.contactSession(inbox.id, personId);
  if (!made) throw new Error(`no contact session for ${personId} in inbox ${inbox.id}`);
  return made;
}

/** Messenger's `first_name last_name`, Instagram's `name` or `username`; null when the profile can't be read. */
async function profileName(env: Env, inbox: MetaInbox, personId: string): Promise<string | null> {
  if (!inbox.token) return null;
  const fields = inbox.channel === "instagram" ? "name,username" : "first_name,last_name";
  const answer = await graphRequest(env, graphPathOf(env, inbox, encodeURIComponent(personId)), { token: inbox.token, query: { fields } });
  if (!answer.ok) return null;
  const text = (key: string) => (typeof answer.json[key] === "string" ? (answer.json[key] as string).trim() : "");
  const name = inbox.channel === "instagram" ? text("name") || text("username") : `${text("first_name")} ${text("last_name")}`.trim();
  return name === "" ? null : name.slice(0, 255);
}

/**
 * The conversation a person's new message (or the page's echo to them) joins: their latest open or
 * pending one, else a new one, pending when an agent bot answers the inbox (as in Chatwoot).
 */
async function conversationFor(env: Env, inbox: MetaInbox, personId: string) {
  const status = await initialConversationStatus(env.DB, inbox.id);
  const seed = await accountObject(env, inbox.accountId).channelConversation(inbox.id, personId, status);
  if (!seed) throw new Error(`no contact session for ${personId} in inbox ${inbox.id}`);
  const conversation = conversationObject(env, inbox.accountId, seed.displayId);
  // Harmless when it has started already; finishes a start an earlier attempt left half done.
  await conversation.start(seed, { type: "contact" });
  return conversation;
}

/**
 * Whether the person's message is stored already in one of their latest conversations other than the
 * one it would join: that one drops a second copy itself, but the conversation it went to may have
 * been resolved since, and its redelivery would otherwise open another (src/jobs/channel-redelivery.ts).
 */
async function receivedBefore(env: Env, inbox: MetaInbox, personId: string, sourceId: string): Promise<boolean> {
  const conversations = await personConversations(env, inbox.accountId, inbox.id, personId);
  return storedBefore(env, inbox.accountId, conversations, sourceId, conversationJoined(conversations));
}

async function receiveFromPerson(env: Env, inbox: MetaInbox, event: Extract<MessagingEvent, { kind: "message" | "postback" | "unsupported" }>) {
  const sourceId = event.kind === "unsupported" ? event.key : event.mid;
  if (await receivedBefore(env, inbox, event.customerId, sourceId)) return;
  await contactSessionOf(env, inbox, event.customerId);
  const conversation = await conversationFor(env, inbox, event.customerId);
  const files = event.kind === "message" ? await downloadAttachments(env, inbox, event.attachments) : { attachments: [], links: [], missing: 0 };
  // The window is measured from this: Meta's own clock, in seconds as Chatwoot keeps it.
  const contentAttributes: Record<string, unknown> = { external_created_at: Math.floor(event.timestampMs / 1000) };
  let content: string | null;
  if (event.kind === "message") {
    content = [event.text, ...files.links].filter((part): part is string => !!part).join("\n") || null;
    if (event.replyToMid) contentAttributes.in_reply_to_external_id = event.replyToMid;
    if (event.quickReplyPayload) contentAttributes.quick_reply_payload = event.quickReplyPayload;
    if (files.missing > 0) contentAttributes.external_error = `${files.missing} attachment(s) could not be downloaded from Meta.`;
  } else if (event.kind === "postback") {
    content = event.title;
    if (event.payload) contentAttributes.postback_payload = event.payload;
  } else {
    content = null;
    contentAttributes.is_unsupported = true;
    contentAttributes.meta_event = event.field;
  }
  const result = await conversation.addMessage(
    { inboxId: inbox.id, sourceId: event.customerId },
    {
      messageType: MessageType.incoming,
      content: content ?? (files.attachments.length === 0 && event.kind !== "unsupported" ? "" : null),
      contentType: "text",
      contentAttributes,
      private: false,
      echoId: null,
      sourceId,
      attachments: files.attachments,
    },
    { type: "contact" },
  );
  // A redelivery: the message is stored already, and so were its files.
  if (!result?.created) await deleteStoredFiles(env, inbox.accountId, files.attachments);
}

/**
 * Files of a message, downloaded from the links Meta gives (its CDN: no token goes along) through the
 * destination guard and stored within the file allowlist and the account's quota. Shares and other
 * links are kept as text; a file that can't be had is counted, and the message still arrives.
 */
async function downloadAttachments(
  env: Env,
  inbox: MetaInbox,
  attachments: MetaAttachment[],
): Promise<{ attachments: Attachment[]; links: string[]; missing: number }> {
  const allowPrivate = privateDestinationsAllowed(env.ALLOW_PRIVATE_DESTINATIONS);
  const maxBytes = Number(env.MAX_UPLOAD_BYTES) || DEFAULT_MAX_MEDIA_BYTES;
  const files: File[] = [];
  const links: string[] = [];
  let missing = 0;
  for (const [index, item] of attachments.entries()) {
    if (!item.url) {
      if (FILE_TYPES.has(item.type)) missing++;
      continue;
    }
    if (!FILE_TYPES.has(item.type)) {
      links.push(item.url);
      continue;
    }
    try {
      if (!checkDestination(item.url, { allowPrivate }).ok) throw new Error("destination not allowed");
      const response = await fetch(item.url, { redirect: "follow", signal: AbortSignal.timeout(MEDIA_TIMEOUT_MS) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const bytes = await response.arrayBuffer();
      if (bytes.byteLength > maxBytes) throw new Error("too large");
      const type = (response.headers.get("content-type") ?? "application/octet-stream").split(";")[0]?.trim() || "application/octet-stream";
      files.push(new File([bytes], `${item.type}-${index + 1}`, { type }));
    } catch (error) {
      console.error("meta attachment download failed", inbox.id, error);
      missing++;
    }
  }
  if (files.length === 0) return { attachments: [], links, missing };
  try {
    return { attachments: await storeFiles(env, env.PUBLIC_URL.replace(/\/+$/, ""), inbox.accountId, files), links, missing };
  } catch (error) {
    // Not an allowed type, or no room left: the text still arrives.
    console.error("meta attachment refused", inbox.id, error);
    return { attachments: [], links, missing: missing + files.length };
  }
}

/**
 * A message the page sent (is_echo): Parley's own send comes back too, and is recognised by its mid
 * (once its send recorded it) or its metadata (Messenger); a message sent from elsewhere (Meta's
 * inbox, another app) is stored as an outgoing message of no agent, once per mid.
 */
async function receiveEcho(env: Env, inbox: MetaInbox, event: Extract<MessagingEvent, { kind: "echo" }>) {
  if (isOwnSendMetadata(event.metadata)) return;
  for (const { id } of await personConversations(env, inbox.accountId, inbox.id, event.customerId)) {
    const conversation = conversationObject(env, inbox.accountId, id);
    if (await conversation.setDeliveryStatus({ sourceId: event.mid }, { status: "sent" })) return;
    // Instagram echoes carry no metadata: while one of our sends waits for its answer, this may be it.
    if (await conversation.sendInFlight(event.text)) throw new Error(`echo ${event.mid} may be of a send still in flight; retried`);
  }
  await contactSessionOf(env, inbox, event.customerId);
  const conversation = await conversationFor(env, inbox, event.customerId);
  const files = await downloadAttachments(env, inbox, event.attachments);
  const content = [event.text, ...files.links].filter((part): part is string => !!part).join("\n") || null;
  const result = await conversation.addMessage(
    { inboxIds: null },
    {
      messageType: MessageType.outgoing,
      content: content ?? (files.attachments.length === 0 ? "" : null),
      contentType: "text",
      contentAttributes: { external_echo: true, external_created_at: Math.floor(event.timestampMs / 1000) },
      private: false,
      // The mid keeps a redelivered echo to one message, and, as its source id, keeps it from being sent again.
      echoId: `meta:${event.mid}`,
      sourceId: event.mid,
      attachments: files.attachments,
    },
    null,
  );
  if (!result?.created) await deleteStoredFiles(env, inbox.accountId, files.attachments);
}

/**
 * A delivery or read receipt: the messages it names by mid, and Parley's messages sent before its
 * watermark (Meta's clock), get the status; a status never goes back (read stays read).
 */
async function recordReceipt(
  env: Env,
  inbox: MetaInbox,
  personId: string,
  status: Extract<MessageDeliveryStatus, "delivered" | "read">,
  receipt: { mids: string[]; watermarkMs: number | null },
) {
  const conversations = await personConversations(env, inbox.accountId, inbox.id, personId);
  const pending = new Set(receipt.mids);
  for (const { id } of conversations) {
    if (pending.size === 0) break;
    const conversation = conversationObject(env, inbox.accountId, id);
    for (const mid of [...pending]) if (await conversation.setDeliveryStatus({ sourceId: mid }, { status })) pending.delete(mid);
  }
  const latest = conversations[0];
  if (receipt.watermarkMs === null || !latest) return;
  // The watermark is applied by the conversation itself, in one write: no message crosses the RPC.
  await conversationObject(env, inbox.accountId, latest.id).markSentBefore(receipt.watermarkMs, status);
}

/**
 * Sends an outgoing message once: a message that has a mid or a status is done. Inside 24 hours of
 * the person's last message it goes as a RESPONSE, up to 7 days with the HUMAN_AGENT tag, later not
 * at all (failed, with the reason). Text first, then each file by its URL; a refusal Meta may take
 * back later (no answer, 429, 5xx, a transient code) throws so the queue retries with backoff, any
 * other marks the message failed with Meta's reason.
 */
export async function sendMetaReply(env: Env, job: MetaSendJob): Promise<void> {
  const conversation = conversationObject(env, job.account_id, job.display_id);
  const [message, state] = await Promise.all([conversation.message(job.message_id), conversation.currentState({ inboxIds: null })]);
  if (!message || !state || message.private || message.messageType !== MessageType.outgoing) return;
  if (message.sourceId !== null || message.status !== undefined) return;
  const fail = (reason: string) => conversation.setDeliveryStatus({ messageId: message.id }, { status: "failed", externalError: reason });
  const inbox = await metaInboxOf(env, state.inboxId);
  if (!inbox?.token) return void (await fail("The inbox has no page or Instagram account to send from (its token is missing)."));
  const lastInbound = await conversation.lastIncomingAt();
  const window = messagingWindowAt(lastInbound === null ? null : lastInbound * 1000, Date.now());
  if (window.type === "closed") return void (await fail(`outside_messaging_window: ${closedWindowMessage(window)}`));
  const bodies = sendApiBodies(
    state.sourceId,
    {
      text: message.content?.trim() ? message.content : null,
      attachments: message.attachments.map((file) => ({ url: file.dataUrl, contentType: file.content_type })),
      // Instagram's Send API takes no metadata; its echoes are told apart by mid.
      metadata: inbox.channel === "facebook_page" ? sendMetadata(job.account_id, job.display_id, message.id) : null,
    },
    window,
  );
  if (bodies.length === 0) return void (await fail("This message has neither text nor files to send."));
  let firstMid: string | null = null;
  const later: string[] = [];
  for (const [index, body] of bodies.entries()) {
    const answer = await graphRequest(env, graphPathOf(env, inbox, "me/messages"), { token: inbox.token, json: body });
    if (!answer.ok) {
      if (index > 0) {
        // The text went: the message stays sent, and says which part did not.
        later.push(`Part ${index + 1} was not sent: ${answer.error}`);
        continue;
      }
      if (answer.retryable) throw new Error(answer.error);
      return void (await fail(answer.error));
    }
    const mid = typeof answer.json.message_id === "string" ? answer.json.message_id : null;
    if (index === 0) {
      firstMid = mid;
      // Recorded at once: a retry after this never sends the text twice.
      await conversation.setDeliveryStatus({ messageId: message.id }, { status: "sent", ...(mid ? { sourceId: mid } : {}) });
    }
  }
  if (later.length > 0) console.error("meta send partly failed", job.account_id, job.display_id, message.id, firstMid, later.join("; "));
}

/** The queue gave up on a reply (Meta never answered, or kept answering 429 or 5xx): the agent sees it failed. */
export async function failDeadMetaReply(env: Env, job: MetaSendJob): Promise<void> {
  const conversation = conversationObject(env, job.account_id, job.display_id);
  const message = await conversation.message(job.message_id);
  if (!message || message.sourceId !== null || message.status !== undefined) return;
  await conversation.setDeliveryStatus(
    { messageId: job.message_id },
    { status: "failed", externalError: "Meta could not take the message after several attempts." },
  );
}
