/**
 * Messenger and Instagram messaging as Meta's webhooks and Send API speak it: what one `messaging`
 * event says (a message, an echo of one the page sent, a delivery or read receipt, a postback, or
 * something Parley doesn't know), which messaging window a reply falls in (24 hours after the
 * person's last message, the HUMAN_AGENT tag up to 7 days, nothing after), and the Send API bodies
 * of a reply. Pure: the webhook route and the jobs do the I/O.
 */
import { z } from "zod";

export type MetaChannel = "facebook_page" | "instagram";

/** Meta's attachment types Parley stores as files; others (fallback, template, share...) are kept as a link or left out. */
export type MetaAttachment = { type: string; url: string | null };

export type MessagingEvent =
  | {
      kind: "message";
      customerId: string;
      mid: string;
      timestampMs: number;
      text: string | null;
      attachments: MetaAttachment[];
      replyToMid: string | null;
      quickReplyPayload: string | null;
    }
  | { kind: "echo"; customerId: string; mid: string; timestampMs: number; text: string | null; attachments: MetaAttachment[]; metadata: string | null }
  | { kind: "delivery"; customerId: string; mids: string[]; watermarkMs: number | null }
  | { kind: "read"; customerId: string; mid: string | null; watermarkMs: number | null }
  | { kind: "postback"; customerId: string; mid: string; timestampMs: number; title: string; payload: string | null }
  /** An event Parley doesn't know (reactions, referrals, opt-ins, a deleted or unsupported message...): stored as unsupported. */
  | { kind: "unsupported"; customerId: string; key: string; timestampMs: number; field: string }
  /** Nothing to do: no person in it, or a message the person deleted. */
  | { kind: "ignored"; reason: string };

const Id = z.union([z.string(), z.number()]).transform(String);
const Timestamp = z.number().nonnegative();
const Party = z.object({ id: Id }).loose();
const AttachmentShape = z
  .object({
    type: z.string().max(64),
    payload: z
      .object({ url: z.string().max(4096).optional() })
      .loose()
      .nullish(),
  })
  .loose();
const MessageShape = z
  .object({
    mid: Id,
    text: z.string().max(100_000).optional(),
    is_echo: z.boolean().optional(),
    is_deleted: z.boolean().optional(),
    is_unsupported: z.boolean().optional(),
    metadata: z.string().max(1000).optional(),
    attachments: z.array(AttachmentShape).max(100).optional(),
    reply_to: z.object({ mid: Id.optional() }).loose().optional(),
    quick_reply: z
      .object({ payload: z.string().max(1000).optional() })
      .loose()
      .optional(),
  })
  .loose();
const EventShape = z
  .object({
    sender: Party.optional(),
    recipient: Party.optional(),
    timestamp: Timestamp.optional(),
    message: MessageShape.optional(),
    delivery: z
      .object({ mids: z.array(Id).max(1000).optional(), watermark: Timestamp.optional() })
      .loose()
      .optional(),
    read: z.object({ watermark: Timestamp.optional(), mid: Id.optional() }).loose().optional(),
    postback: z
      .object({ mid: Id.optional(), title: z.string().max(1000).optional(), payload: z.string().max(1000).optional() })
      .loose()
      .optional(),
  })
  .loose();

const attachmentsOf = (attachments: z.infer<typeof AttachmentShape>[] | undefined): MetaAttachment[] =>
  (attachments ?? []).map((attachment) => ({ type: attachment.type, url: attachment.payload?.url ?? null }));

/** The first field of an event that is not one of its envelope's, for naming an unknown event. */
function eventField(event: Record<string, unknown>): string {
  return Object.keys(event).find((key) => !["sender", "recipient", "timestamp"].includes(key)) ?? "unknown";
}

/**
 * What one entry of `entry[].messaging` (or `standby`) says. `businessId` is the entry's id: the page
 * or Instagram account; the person is whichever of sender and recipient is not the business (an echo
 * is sent by the business to the person).
 */
export function readMessagingEvent(raw: unknown, businessId: string): MessagingEvent {
  const parsed = EventShape.safeParse(raw);
  if (!parsed.success) return { kind: "ignored", reason: "not a messaging event" };
  const event = parsed.data;
  const sender = event.sender?.id ?? null;
  const recipient = event.recipient?.id ?? null;
  const customerId = sender !== null && sender !== businessId ? sender : recipient !== null && recipient !== businessId ? recipient : null;
  if (customerId === null) return { kind: "ignored", reason: "no person in the event" };
  const timestampMs = event.timestamp ?? 0;
  const { message } = event;
  if (message?.is_echo) {
    return {
      kind: "echo",
      customerId,
      mid: message.mid,
      timestampMs,
      text: message.text ?? null,
      attachments: attachmentsOf(message.attachments),
      metadata: message.metadata ?? null,
    };
  }
  if (message?.is_deleted) return { kind: "ignored", reason: "the person deleted the message" };
  if (message && !message.is_unsupported && (message.text !== undefined || (message.attachments?.length ?? 0) > 0)) {
    return {
      kind: "message",
      customerId,
      mid: message.mid,
      timestampMs,
      text: message.text ?? null,
      attachments: attachmentsOf(message.attachments),
      replyToMid: message.reply_to?.mid ?? null,
      quickReplyPayload: message.quick_reply?.payload ?? null,
    };
  }
  if (event.delivery) return { kind: "delivery", customerId, mids: event.delivery.mids ?? [], watermarkMs: event.delivery.watermark ?? null };
  if (event.read) return { kind: "read", customerId, mid: event.read.mid ?? null, watermarkMs: event.read.watermark ?? null };
  if (event.postback?.title) {
    return {
      kind: "postback",
      customerId,
      mid: event.postback.mid ?? `postback:${customerId}:${timestampMs}`,
      timestampMs,
      title: event.postback.title,
      payload: event.postback.payload ?? null,
    };
  }
  const field = message ? "message" : eventField(parsed.data);
  return { kind: "unsupported", customerId, key: message?.mid ?? `${field}:${customerId}:${timestampMs}`, timestampMs, field };
}

/** The standard messaging window: a reply within 24 hours of the person's last message needs no tag. */
export const STANDARD_WINDOW_MS = 24 * 60 * 60 * 1000;
/** The HUMAN_AGENT tag lets a person answer up to 7 days after the person's last message. */
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

export type MessagingWindow = { type: "standard"; closesAt: number } | { type: "human_agent"; closesAt: number } | { type: "closed"; closedAt: number | null };

/** Where a reply sent at `nowMs` falls, measured from the person's last message's provider timestamp (null: they never wrote). */
export function messagingWindowAt(lastInboundMs: number | null, nowMs: number): MessagingWindow {
  if (lastInboundMs === null) return { type: "closed", closedAt: null };
  if (nowMs <= lastInboundMs + STANDARD_WINDOW_MS) return { type: "standard", closesAt: lastInboundMs + STANDARD_WINDOW_MS };
  if (nowMs <= lastInboundMs + HUMAN_AGENT_WINDOW_MS) return { type: "human_agent", closesAt: lastInboundMs + HUMAN_AGENT_WINDOW_MS };
  return { type: "closed", closedAt: lastInboundMs + HUMAN_AGENT_WINDOW_MS };
}

/** Words for an agent about a closed window. */
export function closedWindowMessage(window: Extract<MessagingWindow, { type: "closed" }>): string {
  return window.closedAt === null
    ? "This person has not written to the page or account, so Meta allows no message to them."
    : `Meta allows replies up to 7 days after the person's last message (with the human agent tag after 24 hours); that ended at ${new Date(window.closedAt).toISOString()}. They must write again first.`;
}

/** Meta's attachment types for a file's MIME type. */
export function sendAttachmentType(contentType: string): "image" | "video" | "audio" | "file" {
  if (contentType.startsWith("image/")) return "image";
  if (contentType.startsWith("video/")) return "video";
  if (contentType.startsWith("audio/")) return "audio";
  return "file";
}

type OpenWindow = Exclude<MessagingWindow, { type: "closed" }>;

/**
 * The Send API bodies (`POST /me/messages`) of one reply: its text, then each attachment by URL, all
 * as a RESPONSE inside the standard window and tagged HUMAN_AGENT after it. `metadata` comes back in
 * the page's message echo, so Parley knows the echo of its own send (Messenger only).
 */
export function sendApiBodies(
  recipientId: string,
  reply: { text: string | null; attachments: { url: string; contentType: string }[]; metadata: string | null },
  window: OpenWindow,
): Record<string, unknown>[] {
  const envelope = {
    recipient: { id: recipientId },
    ...(window.type === "standard" ? { messaging_type: "RESPONSE" } : { messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT" }),
  };
  const messages: Record<string, unknown>[] = [];
  if (reply.text) messages.push({ text: reply.text, ...(reply.metadata ? { metadata: reply.metadata } : {}) });
  for (const file of reply.attachments) {
    messages.push({
      attachment: { type: sendAttachmentType(file.contentType), payload: { url: file.url, is_reusable: false } },
      ...(reply.metadata ? { metadata: reply.metadata } : {}),
    });
  }
  return messages.map((message) => ({ ...envelope, message }));
}

/** Our metadata on a Messenger send, which its echo carries back: the message it was. */
export const sendMetadata = (accountId: number, displayId: number, messageId: number) => `parley:${accountId}:${displayId}:${messageId}`;
export const isOwnSendMetadata = (metadata: string | null) => metadata?.startsWith("parley:") ?? false;
