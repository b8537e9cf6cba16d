/** The events a Conversation object publishes and /cable delivers, with who may receive each. */
import type { ConversationState, MessageRecord } from "./conversation";

export const CONVERSATION_EVENTS = [
  "conversation.created",
  "conversation.updated",
  "conversation.status_changed",
  "conversation.read",
  "assignee.changed",
  "team.changed",
  "message.created",
  "message.updated",
] as const;
export type ConversationEventName = (typeof CONVERSATION_EVENTS)[number];

/** One change to a conversation, in the order its Conversation object made it (`seq`). */
export type ConversationEvent = {
  seq: number;
  name: ConversationEventName;
  state: ConversationState;
  unreadCount: number;
  /** The latest message that is not an activity message, when this event changed it. */
  lastMessage: MessageRecord | null;
  message?: MessageRecord;
};

/** Events a contact's session receives (Chatwoot's contact pubsub token), besides typing and presence. */
const CONTACT_EVENTS: ReadonlySet<string> = new Set([
  "conversation.created",
  "conversation.status_changed",
  "message.created",
  "message.updated",
  "conversation.typing_on",
  "conversation.typing_off",
  "presence.update",
]);

export function contactMayReceive(eventName: string, message: MessageRecord | undefined, isPrivate = false): boolean {
  if (!CONTACT_EVENTS.has(eventName)) return false;
  if (message?.private || isPrivate) return false;
  return true;
}
