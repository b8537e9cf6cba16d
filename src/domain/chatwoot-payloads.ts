/**
 * Chatwoot's JSON objects (contact, user, message, conversation) built from Parley's records, so
 * REST answers, /cable events and webhooks share one shape. Timestamps are Unix seconds as in Chatwoot.
 */
import type { Attachment, ConversationState, MessageRecord } from "./conversation";
import { appliedSlaPayload, slaEventsPayload } from "./sla";

export type ContactRecord = {
  id: number;
  name: string;
  email: string | null;
  phoneNumber: string | null;
  identifier: string | null;
  avatarUrl: string | null;
  customAttributes: Record<string, unknown>;
  additionalAttributes: Record<string, unknown>;
  createdAt: number;
  lastActivityAt: number | null;
};

export type ContactInboxRecord = {
  id: number;
  contactId: number;
  inboxId: number;
  sourceId: string;
  hmacVerified: boolean;
  createdAt: number;
  updatedAt: number;
};

export type Availability = "online" | "busy" | "offline";
export type UserSummary = { id: number; name: string; email: string; availability: Availability };
export type TeamSummary = { id: number; name: string };
/** Chatwoot's channel class names, by Parley's inbox channel type. */
export const CHANNEL_CLASSES = {
  web_widget: "Channel::WebWidget",
  api: "Channel::Api",
  sms: "Channel::Sms",
  whatsapp: "Channel::Whatsapp",
  facebook_page: "Channel::FacebookPage",
  instagram: "Channel::Instagram",
  email: "Channel::Email",
} as const;
export type ChannelName = (typeof CHANNEL_CLASSES)[keyof typeof CHANNEL_CLASSES];

export function contactPayload(contact: ContactRecord) {
  return {
    id: contact.id,
    name: contact.name,
    email: contact.email,
    phone_number: contact.phoneNumber,
    identifier: contact.identifier,
    thumbnail: contact.avatarUrl ?? "",
    avatar_url: contact.avatarUrl ?? "",
    additional_attributes: contact.additionalAttributes,
    custom_attributes: contact.customAttributes,
    created_at: contact.createdAt,
    last_activity_at: contact.lastActivityAt,
    type: "contact" as const,
  };
}
export type ContactPayload = ReturnType<typeof contactPayload>;

export function contactInboxPayload(contactInbox: ContactInboxRecord) {
  return {
    id: contactInbox.id,
    contact_id: contactInbox.contactId,
    inbox_id: contactInbox.inboxId,
    source_id: contactInbox.sourceId,
    created_at: new Date(contactInbox.createdAt * 1000).toISOString(),
    updated_at: new Date(contactInbox.updatedAt * 1000).toISOString(),
    hmac_verified: contactInbox.hmacVerified,
  };
}

export function userPayload(user: UserSummary) {
  return {
    id: user.id,
    name: user.name,
    available_name: user.name,
    avatar_url: "",
    availability_status: user.availability,
    thumbnail: "",
    type: "user" as const,
  };
}
export type UserPayload = ReturnType<typeof userPayload>;

/** An agent bot as a message's sender (Chatwoot's AgentBot push_event_data). */
export function agentBotPayload(bot: { id: number; name: string }) {
  return { id: bot.id, name: bot.name, avatar_url: "", thumbnail: "", type: "agent_bot" as const };
}
export type AgentBotPayload = ReturnType<typeof agentBotPayload>;

/** Chatwoot's `sender_type` of a message: the sender's class name. */
const SENDER_TYPES = { contact: "Contact", user: "User", agent_bot: "AgentBot" } as const;

export function attachmentPayload(attachment: Attachment, messageId: number, accountId: number) {
  return {
    id: attachment.id,
    message_id: messageId,
    file_type: attachment.file_type,
    account_id: accountId,
    extension: attachment.file_name.includes(".") ? (attachment.file_name.split(".").pop() ?? null) : null,
    data_url: attachment.dataUrl,
    thumb_url: attachment.file_type === "image" ? attachment.dataUrl : "",
    file_size: attachment.file_size,
    file_name: attachment.file_name,
  };
}

export type MessageContext = {
  accountId: number;
  inboxId: number;
  conversationDisplayId: number;
  /** The sender's payload, when known (contact, user or agent bot). */
  sender: ContactPayload | UserPayload | AgentBotPayload | null;
};

export function messagePayload(message: MessageRecord, context: MessageContext) {
  return {
    id: message.id,
    content: message.content,
    account_id: context.accountId,
    inbox_id: context.inboxId,
    conversation_id: context.conversationDisplayId,
    message_type: message.messageType,
    content_type: message.contentType,
    content_attributes: message.contentAttributes,
    created_at: message.createdAt,
    updated_at: new Date(message.updatedAt * 1000).toISOString(),
    private: message.private,
    status: message.status ?? ("sent" as const),
    source_id: message.sourceId,
    echo_id: message.echoId,
    sender_type: message.sender === null ? null : SENDER_TYPES[message.sender.type],
    sender_id: context.sender?.id ?? (message.sender && message.sender.type !== "contact" ? message.sender.id : null),
    external_source_ids: {},
    attachments: message.attachments.map((attachment) => attachmentPayload(attachment, message.id, context.accountId)),
    ...(context.sender ? { sender: context.sender } : {}),
  };
}
export type MessagePayload = ReturnType<typeof messagePayload>;

export type ConversationContext = {
  channel: ChannelName;
  contact: ContactRecord;
  contactInbox: ContactInboxRecord;
  assignee: UserSummary | null;
  team: TeamSummary | null;
  /** The latest messages to embed (Chatwoot embeds the last one in list payloads). */
  messages: MessagePayload[];
  /** Incoming messages the agents have not seen. */
  unreadCount: number;
  /** Whether a free-form reply is possible now (src/domain/reply-window.ts `canReply`). */
  canReply: boolean;
};

export function conversationPayload(state: ConversationState, context: ConversationContext) {
  return {
    id: state.displayId,
    uuid: state.uuid,
    account_id: state.accountId,
    inbox_id: state.inboxId,
    status: state.status,
    priority: state.priority,
    can_reply: context.canReply,
    channel: context.channel,
    contact_inbox: contactInboxPayload(context.contactInbox),
    messages: context.messages,
    last_non_activity_message: context.messages.at(-1) ?? null,
    meta: {
      sender: contactPayload(context.contact),
      assignee: context.assignee ? userPayload(context.assignee) : null,
      team: context.team ? { id: context.team.id, name: context.team.name } : null,
      hmac_verified: context.contactInbox.hmacVerified,
      channel: context.channel,
    },
    labels: state.labels,
    custom_attributes: state.customAttributes,
    additional_attributes: state.additionalAttributes,
    muted: state.muted ?? false,
    snoozed_until: state.snoozedUntil,
    unread_count: context.unreadCount,
    agent_last_seen_at: state.agentLastSeenAt,
    contact_last_seen_at: state.contactLastSeenAt,
    assignee_last_seen_at: state.assigneeLastSeenAt,
    first_reply_created_at: state.firstReplyCreatedAt,
    waiting_since: state.waitingSince,
    timestamp: state.lastActivityAt,
    last_activity_at: state.lastActivityAt,
    created_at: state.createdAt,
    assignee_id: state.assigneeId,
    team_id: state.teamId,
    sla_policy_id: state.appliedSla?.policy.id ?? null,
    applied_sla: state.appliedSla ? appliedSlaPayload(state.appliedSla, state.displayId) : null,
    sla_events: state.appliedSla ? slaEventsPayload(state.appliedSla) : [],
  };
}
export type ConversationPayload = ReturnType<typeof conversationPayload>;

/** The conversation as the Client API shows it to the contact who owns it. */
export function publicConversationPayload(state: ConversationState, contact: ContactRecord, messages: MessagePayload[]) {
  return {
    id: state.displayId,
    uuid: state.uuid,
    inbox_id: state.inboxId,
    status: state.status,
    contact_last_seen_at: state.contactLastSeenAt,
    agent_last_seen_at: state.agentLastSeenAt,
    messages,
    contact: { id: contact.id, name: contact.name, email: contact.email, phone_number: contact.phoneNumber },
  };
}
