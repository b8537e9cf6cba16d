/**
 * How the Account object applies what its Conversation objects publish: each event, in order, to
 * the index (a redelivered one changes nothing), the message search and the contact's activity;
 * its frames to the subscribers who see the conversation; the notifications it calls for. The frames
 * go out once the writes are durable.
 */
import type { ConversationEvent } from "../../domain/events";
import { contactMayReceive, notificationsOfEvent, type WorkflowListeners } from "../../domain/listeners";
import type { ContactStore } from "./contacts";
import { type ConversationIndex, messageDrivenAttributesOf, sameMessageDrivenAttributes } from "./conversation-index";
import { fanOut } from "./fan-out";
import type { MessageSearch } from "./message-search";
import type { EventNotification, Notifier } from "./notifier";
import { type AccountPayloads, contactView, visitorMessage } from "./payloads";
import type { Presence } from "./presence";
import type { Subscriptions } from "./subscriptions";
import type { AccountWorkflowListeners } from "./workflow-listeners";

/**
 * What applying an outbox entry built for the HTTP answer: the event's Chatwoot payload (a message
 * or a conversation) as JSON text, or null when the entry was applied before. Text crosses the two
 * RPC hops back to the Worker as one copy and goes out as the body as it is, where an object would
 * be cloned twice and serialized again.
 */
export type PublishedEvent = { seq: number; json: string | null };

export type EventApplicationParts = {
  ctx: DurableObjectState;
  index: ConversationIndex;
  contacts: ContactStore;
  messageSearch: MessageSearch;
  payloads: AccountPayloads;
  presence: Presence;
  subscriptions: Subscriptions;
  notifier: Notifier;
  workflowListeners: AccountWorkflowListeners;
};

/**
 * Applies events published by a Conversation object, in order, to the index and fans them out.
 * Redelivered events (seq already applied) change nothing and are not sent again. Returns the
 * payload built for each event (as JSON text), for the caller's HTTP answer, and which workflow
 * events the account listens for, so the caller sends only what someone hears to the queue.
 *
 * The frames go out once the index writes are durable (`storage.sync()`), in the events' order.
 * Sent during the write they would wait at the output gate anyway, one by one, which costs
 * several times more per socket than sending after the commit.
 */
export async function applyConversationEvents(
  parts: EventApplicationParts,
  events: ConversationEvent[],
): Promise<{ published: PublishedEvent[]; listeners: WorkflowListeners }> {
  const { ctx, index, contacts, messageSearch, payloads, presence, notifier } = parts;
  await parts.subscriptions.current();
  const results: PublishedEvent[] = [];
  const fanOuts: (() => void)[] = [];
  const notifications: EventNotification[] = [];
  const wantNotifications = (event: ConversationEvent) => {
    for (const notification of notificationsOfEvent(event)) {
      const userIds = notifier.namedUsers(notification);
      if (userIds.length > 0) notifications.push({ state: event.state, notification, userIds });
    }
  };
  for (const event of events) {
    const applied = index.apply(event.seq, event.state, event.lastMessage, event.unreadCount);
    if (!applied) {
      results.push({ seq: event.seq, json: null });
      continue;
    }
    const { fresh, contactId, before } = applied;
    const { message } = event;
    if (message) {
      const [payload] = await payloads.messages({ state: event.state, contactId }, [message]);
      if (!payload) continue;
      const withConversation = {
        ...payload,
        conversation: {
          id: event.state.displayId,
          assignee_id: event.state.assigneeId,
          unread_count: event.unreadCount,
          last_activity_at: event.state.lastActivityAt,
          contact_inbox: { source_id: event.state.sourceId },
        },
      };
      if (fresh) {
        fanOuts.push(() =>
          fanOut(
            presence.registry(),
            event.state,
            event.name,
            withConversation,
            contactMayReceive(event.name, message) ? visitorMessage(withConversation) : null,
          ),
        );
        if (message.sender?.type === "contact") contacts.touch(contactId, message.createdAt);
        messageSearch.put(event.state.displayId, message, event.name === "message.created");
        if (!sameMessageDrivenAttributes(before, messageDrivenAttributesOf(event.state))) {
          // As Chatwoot does when a message changes waiting_since, the first reply or the SLA: the whole conversation, to users.
          const row = index.get(event.state.displayId);
          const [conversation] = row ? await payloads.conversations([row]) : [];
          if (conversation) fanOuts.push(() => fanOut(presence.registry(), event.state, "conversation.updated", conversation, null));
        }
        wantNotifications(event);
      }
      results.push({ seq: event.seq, json: JSON.stringify(payload) });
      continue;
    }
    const row = index.get(event.state.displayId);
    const [payload] = row ? await payloads.conversations([row]) : [];
    if (!payload) continue;
    if (fresh) {
      fanOuts.push(() => fanOut(presence.registry(), event.state, event.name, payload, contactMayReceive(event.name, undefined) ? contactView(payload) : null));
      wantNotifications(event);
    }
    results.push({ seq: event.seq, json: JSON.stringify(payload) });
  }
  if (notifications.length > 0) fanOuts.push(await notifier.storeForEvents(notifications));
  if (fanOuts.length > 0) {
    await ctx.storage.sync();
    for (const send of fanOuts) send();
  }
  return { published: results, listeners: await parts.workflowListeners.get() };
}
