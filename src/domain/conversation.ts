/** What a conversation and its messages are, and the rules that change their state. */
import type { AppliedSla } from "./sla";

export const CONVERSATION_STATUSES = ["open", "resolved", "pending", "snoozed"] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

export const PRIORITIES = ["urgent", "high", "medium", "low"] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Chatwoot's integer message types. */
export const MessageType = { incoming: 0, outgoing: 1, activity: 2, template: 3 } as const;
export type MessageTypeName = keyof typeof MessageType;
export type MessageTypeCode = (typeof MessageType)[MessageTypeName];

export const CONTENT_TYPES = ["text", "input_select", "form", "cards", "article", "input_email", "input_csat"] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

/**
 * Who sent a message: the conversation's contact (whoever that is now, after merges), an agent, an
 * agent bot (Chatwoot's `sender_type: "AgentBot"`), or nobody (activity).
 */
export type SenderRef = { type: "contact" } | { type: "user"; id: number } | { type: "agent_bot"; id: number } | null;

/** A sender as stored in a message row (`sender_type`, `sender_id`), read back. */
export function senderFromRow(type: string | null, id: number | null): SenderRef {
  if (type === "contact") return { type: "contact" };
  if ((type === "user" || type === "agent_bot") && id !== null) return { type, id };
  return null;
}

/** A conversation's state, owned by its Conversation object and mirrored into the Account object's index. */
export type ConversationState = {
  accountId: number;
  /** Account-scoped display id: Chatwoot's `conversation_id`. */
  displayId: number;
  uuid: string;
  inboxId: number;
  contactInboxId: number;
  sourceId: string;
  status: ConversationStatus;
  priority: Priority | null;
  assigneeId: number | null;
  teamId: number | null;
  labels: string[];
  customAttributes: Record<string, unknown>;
  additionalAttributes: Record<string, unknown>;
  snoozedUntil: number | null;
  /** Unix seconds. */
  createdAt: number;
  lastActivityAt: number;
  agentLastSeenAt: number;
  contactLastSeenAt: number;
  assigneeLastSeenAt: number;
  firstReplyCreatedAt: number | null;
  waitingSince: number | null;
  /** Muted (Chatwoot's mute): resolved, and the contact's new messages do not reopen it. Absent: not muted. */
  muted?: boolean;
  /** The SLA applied to it, with its deadlines and misses (src/domain/sla.ts); once applied, never removed or changed. Absent: none. */
  appliedSla?: AppliedSla | null;
  /** When the contact last wrote (unix seconds, by the provider's clock; src/domain/reply-window.ts): what `can_reply` is measured from. Absent or null: never. */
  lastIncomingAt?: number | null;
};

export type Attachment = {
  id: number;
  file_type: "image" | "audio" | "video" | "file";
  /** R2 key under the account's media prefix. */
  key: string;
  /** Absolute URL the attachment is served from, fixed when it is uploaded. */
  dataUrl: string;
  file_name: string;
  content_type: string;
  file_size: number;
};

export type MessageRecord = {
  id: number;
  content: string | null;
  messageType: MessageTypeCode;
  contentType: ContentType;
  contentAttributes: Record<string, unknown>;
  private: boolean;
  sender: SenderRef;
  sourceId: string | null;
  echoId: string | null;
  attachments: Attachment[];
  /** Unix seconds. */
  createdAt: number;
  updatedAt: number;
  /** Chatwoot's delivery status, for messages a channel's provider reports on; "sent" when absent. */
  status?: MessageDeliveryStatus;
};

/** Chatwoot's message statuses, as a channel's provider reports them. */
export const MESSAGE_DELIVERY_STATUSES = ["sent", "delivered", "read", "failed"] as const;
export type MessageDeliveryStatus = (typeof MESSAGE_DELIVERY_STATUSES)[number];

/**
 * Whether a reported status replaces the one stored: providers' callbacks arrive out of order, so a
 * status never goes back (sent, then delivered, then read), and failed is final.
 */
export function deliveryStatusAdvances(current: MessageDeliveryStatus | null, next: MessageDeliveryStatus): boolean {
  if (current === null) return true;
  if (current === "failed") return false;
  if (next === "failed") return true;
  return MESSAGE_DELIVERY_STATUSES.indexOf(next) > MESSAGE_DELIVERY_STATUSES.indexOf(current);
}

/** What a deleted message reads afterwards (Chatwoot's text); `content_attributes.deleted` marks it. */
export const DELETED_MESSAGE_CONTENT = "This message was deleted";

/** An incoming message wakes a resolved or snoozed conversation, as in Chatwoot, unless it is muted. */
export function statusAfterIncomingMessage(status: ConversationStatus, muted = false): ConversationStatus {
  if (muted) return status;
  return status === "resolved" || status === "snoozed" ? "open" : status;
}

/** Chatwoot counts a conversation as waiting from the first unanswered incoming message. */
export function waitingSinceAfter(message: Pick<MessageRecord, "messageType" | "private" | "createdAt">, waitingSince: number | null) {
  if (message.messageType === MessageType.incoming) return waitingSince ?? message.createdAt;
  if (message.messageType === MessageType.outgoing && !message.private) return null;
  return waitingSince;
}

export function fileTypeOf(contentType: string): Attachment["file_type"] {
  if (contentType.startsWith("image/")) return "image";
  if (contentType.startsWith("audio/")) return "audio";
  if (contentType.startsWith("video/")) return "video";
  return "file";
}
