/**
 * The Account object's subscription sockets and presence: which sockets are open and who they
 * belong to (the attachment is the durable copy, which survives hibernation; the registry is rebuilt
 * from it after a wake), who is online among them, and the presence.update frames that tell
 * subscribers when that changed.
 */
import type { Availability } from "../../domain/chatwoot-payloads";
import { nowSeconds } from "../sqlite";
import type { AvailabilityStore } from "./availability";
import { sendEvent } from "./fan-out";
import { ACCESS_ENDED_CLOSE_CODE, type Subscriber, SubscriberRegistry, type Subscription } from "./subscribers";

/** A subscriber counts as online while its socket is open and it has shown life within this window. */
const PRESENCE_WINDOW_SECONDS = 90;

export type OnlineSnapshot = { users: Record<string, Availability>; contacts: Record<string, Availability> };

export class Presence {
  /**
   * Subscribers by socket: spares a deserialization per socket per event and indexes sockets by who
   * may receive a conversation's events.
   */
  private known: SubscriberRegistry | null = null;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly accountId: () => number,
    private readonly availabilities: AvailabilityStore,
  ) {}

  registry(): SubscriberRegistry {
    if (!this.known) {
      this.known = new SubscriberRegistry();
      for (const ws of this.ctx.getWebSockets()) {
        const subscriber = ws.deserializeAttachment() as Subscriber | null;
        if (subscriber) this.known.set(ws, subscriber);
      }
    }
    return this.known;
  }

  /** Keeps `subscriber` with its socket, in the attachment and the registry. */
  remember(ws: WebSocket, subscriber: Subscriber) {
    ws.serializeAttachment(subscriber);
    this.registry().set(ws, subscriber);
  }

  subscriberOf(ws: WebSocket): Subscriber | null {
    return this.registry().get(ws);
  }

  subscriptions(except?: WebSocket): Subscription[] {
    return this.registry().open(except);
  }

  /** The sockets of a user's subscriptions. */
  userSockets(userId: number): WebSocket[] {
    return this.ctx.getWebSockets(`user:${userId}`);
  }

  /** A subscription socket the gateway opened: accepted (hibernatable), told who is online, and announced. */
  accept(ws: WebSocket, subscriber: Subscriber) {
    const wasOnline = this.onlineSnapshot();
    this.ctx.acceptWebSocket(ws, [subscriber.kind === "user" ? `user:${subscriber.userId}` : `contact:${subscriber.contactInboxId}`]);
    this.remember(ws, subscriber);
    this.sendPresence(ws, subscriber);
    this.broadcastIfChanged(wasOnline);
  }

  /** The subscriber showed life (`update_presence`): answered with who is online, and announced if that changed. */
  seen(ws: WebSocket, subscriber: Subscriber) {
    const wasOnline = this.onlineSnapshot();
    const refreshed = { ...subscriber, presenceAt: nowSeconds() };
    this.remember(ws, refreshed);
    this.sendPresence(ws, refreshed);
    this.broadcastIfChanged(wasOnline);
  }

  /** A subscription socket closed. */
  closed(ws: WebSocket, code: number) {
    const wasOnline = this.onlineSnapshot();
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "closed");
    } catch {
      // already closed
    }
    this.broadcastIfChanged(wasOnline, ws);
    this.known?.delete(ws);
  }

  /** Closes subscription sockets whose user lost access; the gateway then disconnects the client. */
  closeForLostAccess(sockets: WebSocket[]) {
    if (sockets.length === 0) return;
    const wasOnline = this.onlineSnapshot();
    for (const ws of sockets) {
      this.known?.delete(ws);
      try {
        ws.close(ACCESS_ENDED_CLOSE_CODE, "unauthorized");
      } catch {
        // already closed
      }
    }
    this.broadcastIfChanged(wasOnline);
  }

  /** Closes every socket (the account is deleted) and forgets them. */
  closeAll(reason: string) {
    for (const ws of this.ctx.getWebSockets()) ws.close(1000, reason);
    this.known = null;
  }

  onlineSnapshot(except?: WebSocket): OnlineSnapshot {
    const since = nowSeconds() - PRESENCE_WINDOW_SECONDS;
    const users: Record<string, Availability> = {};
    const contacts: Record<string, Availability> = {};
    for (const { subscriber } of this.subscriptions(except)) {
      if (subscriber.presenceAt < since) continue;
      // An agency user acting in the account is no member of it: never listed among its agents.
      if (subscriber.kind === "user" && subscriber.actingSessionId !== undefined) continue;
      if (subscriber.kind === "user") users[String(subscriber.userId)] = this.availabilities.chosen(subscriber.userId);
      else contacts[String(subscriber.contactId)] = "online";
    }
    return { users, contacts };
  }

  private presenceData(subscriber: Subscriber, online = this.onlineSnapshot()) {
    return subscriber.kind === "user"
      ? { account_id: this.accountId(), users: online.users, contacts: online.contacts }
      : { account_id: this.accountId(), users: online.users };
  }

  private sendPresence(ws: WebSocket, subscriber: Subscriber) {
    sendEvent(ws, subscriber.identifier, "presence.update", this.presenceData(subscriber));
  }

  /**
   * Tells subscribers when who is online changed: users whenever anyone came or went, contacts only
   * when an agent did (they never see other contacts). Keeps a visitor's arrival O(agents).
   */
  broadcastIfChanged(before: OnlineSnapshot, closing?: WebSocket) {
    const after = this.onlineSnapshot(closing);
    const usersChanged = JSON.stringify(after.users) !== JSON.stringify(before.users);
    const contactsChanged = JSON.stringify(after.contacts) !== JSON.stringify(before.contacts);
    if (!usersChanged && !contactsChanged) return;
    for (const { ws, subscriber } of this.subscriptions(closing)) {
      if (subscriber.kind === "contact" && !usersChanged) continue;
      sendEvent(ws, subscriber.identifier, "presence.update", this.presenceData(subscriber, after));
    }
  }

  /** What others see of a user: the availability they chose while they are connected, offline otherwise. */
  availability(userId: number): Availability {
    const since = nowSeconds() - PRESENCE_WINDOW_SECONDS;
    const connected = this.registry()
      .openUsers()
      .some(({ subscriber }) => subscriber.userId === userId && subscriber.actingSessionId === undefined && subscriber.presenceAt >= since);
    return connected ? this.availabilities.chosen(userId) : "offline";
  }

  /** Whether a contact has a subscription open and alive now. */
  contactOnline(contactId: number): boolean {
    const since = nowSeconds() - PRESENCE_WINDOW_SECONDS;
    return this.subscriptions().some(({ subscriber }) => subscriber.kind === "contact" && subscriber.contactId === contactId && subscriber.presenceAt >= since);
  }

  /** Stores the availability a user chose and tells everyone subscribed when what they see of the user changed. */
  setAvailability(userId: number, availability: Availability) {
    const before = this.onlineSnapshot();
    this.availabilities.set(userId, availability, nowSeconds());
    this.broadcastIfChanged(before);
  }

  /** Each user's chosen availability and what others see of them now (`availability_status`). */
  userAvailability(userIds: number[]): Record<string, { chosen: Availability; status: Availability }> {
    return Object.fromEntries(userIds.map((userId) => [String(userId), { chosen: this.availabilities.chosen(userId), status: this.availability(userId) }]));
  }
}
