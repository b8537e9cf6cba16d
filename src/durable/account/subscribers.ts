/**
 * The Account object's /cable subscribers, kept in memory by socket and indexed by who may receive a
 * conversation's events: every user subscription, and contact subscriptions by contact session. A
 * conversation event then costs O(users + that contact's sockets), not O(every open socket).
 */

/**
 * The close code of a subscription socket whose user lost access (session ended, removed from the
 * account): the gateway answers the client with ActionCable's `disconnect` (reason "unauthorized",
 * no reconnect) and closes the connection.
 */
export const ACCESS_ENDED_CLOSE_CODE = 4401;

/**
 * Who a /cable subscription belongs to; kept in the socket's attachment across hibernation. A user's
 * `tokenId` names the credential the pubsub token came from (API token or session), so ending that
 * credential closes exactly its subscriptions.
 */
export type Subscriber =
  | {
      kind: "user";
      userId: number;
      tokenId: string;
      role: "administrator" | "agent";
      inboxIds: number[] | null;
      identifier: string;
      presenceAt: number;
      /** An agency user's session acting in the account (no membership): an administrator, never in presence. */
      actingSessionId?: number;
    }
  | { kind: "contact"; contactId: number; contactInboxId: number; identifier: string; presenceAt: number };

export type UserSubscriber = Extract<Subscriber, { kind: "user" }>;
export type ContactSubscriber = Extract<Subscriber, { kind: "contact" }>;

export type Subscription<S extends Subscriber = Subscriber> = { ws: WebSocket; subscriber: S };

export class SubscriberRegistry {
  private readonly all = new Map<WebSocket, Subscriber>();
  private readonly users = new Map<WebSocket, UserSubscriber>();
  private readonly contactSessions = new Map<number, Map<WebSocket, ContactSubscriber>>();

  get(ws: WebSocket): Subscriber | null {
    return this.all.get(ws) ?? null;
  }

  set(ws: WebSocket, subscriber: Subscriber) {
    this.delete(ws);
    this.all.set(ws, subscriber);
    if (subscriber.kind === "user") {
      this.users.set(ws, subscriber);
      return;
    }
    let sockets = this.contactSessions.get(subscriber.contactInboxId);
    if (!sockets) this.contactSessions.set(subscriber.contactInboxId, (sockets = new Map()));
    sockets.set(ws, subscriber);
  }

  delete(ws: WebSocket) {
    const subscriber = this.all.get(ws);
    if (!subscriber) return;
    this.all.delete(ws);
    if (subscriber.kind === "user") {
      this.users.delete(ws);
      return;
    }
    const sockets = this.contactSessions.get(subscriber.contactInboxId);
    sockets?.delete(ws);
    if (sockets?.size === 0) this.contactSessions.delete(subscriber.contactInboxId);
  }

  /** Every open subscription but `except`. */
  open(except?: WebSocket): Subscription[] {
    return this.openOf(this.all, except);
  }

  /** Open user subscriptions. */
  openUsers(except?: WebSocket): Subscription<UserSubscriber>[] {
    return this.openOf(this.users, except);
  }

  /** Open subscriptions of one contact session. */
  openContactSession(contactInboxId: number): Subscription<ContactSubscriber>[] {
    const sockets = this.contactSessions.get(contactInboxId);
    return sockets ? this.openOf(sockets) : [];
  }

  /** The open ones among `sockets`; closed sockets are forgotten on the way. */
  private openOf<S extends Subscriber>(sockets: Map<WebSocket, S>, except?: WebSocket): Subscription<S>[] {
    const open: Subscription<S>[] = [];
    const closed: WebSocket[] = [];
    for (const [ws, subscriber] of sockets) {
      const state = ws.readyState;
      if (state !== WebSocket.OPEN) {
        if (state === WebSocket.CLOSED) closed.push(ws);
        continue;
      }
      if (ws !== except) open.push({ ws, subscriber });
    }
    for (const ws of closed) this.delete(ws);
    return open;
  }
}
