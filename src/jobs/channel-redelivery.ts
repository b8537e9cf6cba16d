/**
 * A provider's message delivered again (Meta and Twilio redeliver until they hear 200, and the queue
 * may run a job twice) is stored once, whenever it comes: Chatwoot ignores a message whose source id
 * its inbox holds already. The conversation the message joins drops a second copy itself
 * (Conversation.addMessage); this looks in the person's other latest conversations, so that a
 * redelivery after its conversation was resolved neither opens a new one nor lands in a newer one.
 * Each conversation answers by one indexed query in its object (Conversation.hasMessageWithSourceId).
 */
import { MessageType } from "../domain/conversation";
import type { ConversationRef } from "../durable/account/session-conversation-refs";
import { accountObject, conversationObject } from "../durable/addresses";

/** How many of the person's latest conversations a redelivery is looked for in. */
const CONVERSATIONS_SEARCHED = 3;

/** The person's conversations in the inbox (their session's: PSID, IGSID, wa_id or phone), newest first, as ids and statuses. */
export function personConversations(env: Env, accountId: number, inboxId: number, personSourceId: string): Promise<ConversationRef[]> {
  return accountObject(env, accountId).sessionConversationRefs(inboxId, personSourceId);
}

/**
 * The conversation a channel's new message joins (src/durable/account/channel-contacts.ts): the
 * latest one that is not resolved, or the latest of all when the inbox locks a contact to a single
 * conversation; null when it will open a new one.
 */
export function conversationJoined(conversations: ConversationRef[], singleConversation = false): number | null {
  const joined = singleConversation ? conversations[0] : conversations.find((conversation) => conversation.status !== "resolved");
  return joined?.id ?? null;
}

/**
 * Whether one of the person's latest conversations stores their message with this provider id
 * already. `except`: the conversation the message joins, left to drop its copy itself (null: look in
 * that one too, for a message that does more than add itself, such as an SMS STOP).
 */
export async function storedBefore(env: Env, accountId: number, conversations: ConversationRef[], sourceId: string, except: number | null): Promise<boolean> {
  const searched = conversations.filter((conversation) => conversation.id !== except).slice(0, CONVERSATIONS_SEARCHED);
  for (const { id } of searched) {
    if (await conversationObject(env, accountId, id).hasMessageWithSourceId(sourceId, MessageType.incoming)) return true;
  }
  return false;
}
