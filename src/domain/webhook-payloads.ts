/**
 * Chatwoot's webhook bodies (without `event`, which the delivery puts first): a conversation event
 * carries the conversation as Chatwoot's `webhook_data` does (plus `changed_attributes` for
 * conversation_updated); a message event carries the message with its sender, conversation, inbox
 * and account, and `message_type` as a name, as Chatwoot's message `webhook_data` does.
 */
import type { ContactPayload, ConversationPayload, MessagePayload } from "./chatwoot-payloads";
import { MessageType, type MessageTypeName } from "./conversation";
import type { AttributeChanges, TrackedAttribute } from "./events";

const MESSAGE_TYPE_NAMES = new Map<number, MessageTypeName>(Object.entries(MessageType).map(([name, code]) => [code, name as MessageTypeName]));

export type Named = { id: number; name: string };

/**
 * The conversation; with `changed`, Chatwoot's `changed_attributes` list, each attribute with its
 * values before and after the event from `changes`. An attribute `changes` lacks (an event stored
 * before they were kept, or values too large for the queue) shows its value now and a null
 * `previous_value`.
 */
export function conversationWebhookBody(
  conversation: ConversationPayload,
  changed: readonly TrackedAttribute[] = [],
  changes: AttributeChanges = {},
): Record<string, unknown> {
  if (changed.length === 0) return { ...conversation };
  const now: Record<string, unknown> = { ...conversation, label_list: conversation.labels };
  return {
    ...conversation,
    changed_attributes: changed.map((name) => {
      const change = changes[name];
      return {
        [name]: change
          ? { previous_value: change.previous_value ?? null, current_value: change.current_value ?? null }
          : { previous_value: null, current_value: now[name] ?? null },
      };
    }),
  };
}

export function messageWebhookBody(message: MessagePayload, conversation: ConversationPayload, account: Named, inbox: Named): Record<string, unknown> {
  return {
    id: message.id,
    content: message.content,
    content_type: message.content_type,
    content_attributes: message.content_attributes,
    message_type: MESSAGE_TYPE_NAMES.get(message.message_type) ?? "incoming",
    private: message.private,
    source_id: message.source_id,
    created_at: new Date(message.created_at * 1000).toISOString(),
    additional_attributes: {},
    attachments: message.attachments,
    sender: "sender" in message ? message.sender : null,
    conversation,
    inbox: { id: inbox.id, name: inbox.name },
    account: { id: account.id, name: account.name },
  };
}

/** A contact as Chatwoot's contact `webhook_data`: its fields, `type: "contact"` and the account. */
export function contactWebhookBody(contact: ContactPayload, account: Named): Record<string, unknown> {
  return { ...contact, avatar: contact.avatar_url, account: { id: account.id, name: account.name } };
}
