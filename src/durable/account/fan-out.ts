/**
 * Sends frames to the account's /cable subscribers: a conversation's events to those allowed to see
 * it, account-wide events to every member, and each user's own frames. Every frame is serialized
 * once per audience, whatever the number of sockets.
 */
import type { ConversationState } from "../../domain/conversation";
import type { Subscriber, SubscriberRegistry } from "./subscribers";

/** Sends an ActionCable message (its JSON as text) to one subscription socket. */
export function sendRaw(ws: WebSocket, identifier: string, messageJson: string) {
  try {
    ws.send(`{"identifier":${JSON.stringify(identifier)},"message":${messageJson}}`);
  } catch {
    // the socket closed while we were sending; webSocketClose cleans up
  }
}

export function sendEvent(ws: WebSocket, identifier: string, event: string, data: unknown) {
  sendRaw(ws, identifier, JSON.stringify({ event, data }));
}

/** Whether a subscriber receives a conversation's events: its own contact session, or a user whose inboxes include it. */
export function canSee(subscriber: Subscriber, state: ConversationState): boolean {
  if (subscriber.kind === "contact") return subscriber.contactInboxId === state.contactInboxId;
  return subscriber.inboxIds === null || subscriber.inboxIds.includes(state.inboxId);
}

/**
 * Sends a conversation-scoped event to every subscriber allowed to see it: the users whose inboxes
 * include it, and the sockets of its own contact session (when `forContact` is not null).
 */
export function fanOut(registry: SubscriberRegistry, state: ConversationState, eventName: string, forUsers: unknown, forContact: unknown | null) {
  const userFrame = JSON.stringify({ event: eventName, data: forUsers });
  for (const { ws, subscriber } of registry.openUsers()) {
    if (canSee(subscriber, state)) sendRaw(ws, subscriber.identifier, userFrame);
  }
  if (forContact === null) return;
  const contactSockets = registry.openContactSession(state.contactInboxId);
  if (contactSockets.length === 0) return;
  const contactFrame = forContact === forUsers ? userFrame : JSON.stringify({ event: eventName, data: forContact });
  for (const { ws, subscriber } of contactSockets) {
    if (canSee(subscriber, state)) sendRaw(ws, subscriber.identifier, contactFrame);
  }
}

/**
 * An event for every member of the account (contacts, as Chatwoot sends them to agents whatever
 * their inboxes): each open user subscription is one, since a read that finds a user no longer a
 * member closes their sockets.
 */
export function fanOutToUsers(registry: SubscriberRegistry, eventName: string, data: unknown) {
  const frame = JSON.stringify({ event: eventName, data });
  for (const { ws, subscriber } of registry.openUsers()) sendRaw(ws, subscriber.identifier, frame);
}

/** Each user's own frames (notification.created), to every socket of theirs. */
export function sendToUsers(registry: SubscriberRegistry, frames: Map<number, string[]>) {
  if (frames.size === 0) return;
  for (const { ws, subscriber } of registry.openUsers()) {
    for (const frame of frames.get(subscriber.userId) ?? []) sendRaw(ws, subscriber.identifier, frame);
  }
}
