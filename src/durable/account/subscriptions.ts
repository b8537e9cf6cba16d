/**
 * Who may hold a /cable subscription in the account, decided from the current membership: a contact
 * by its session's pubsub token, a user by their role and inboxes read from D1 (or an agency user's
 * session acting here). The access kept with each user's sockets is re-read when a change is
 * announced or the read grows old, so a demoted or removed user's sockets are re-scoped or closed.
 */
import type { ContactInboxRecord } from "../../domain/chatwoot-payloads";
import { contactPubsubToken, sameToken } from "../../domain/tokens";
import { nowSeconds } from "../sqlite";
import { AnnouncedChanges, readActingSessions, readMemberAccess, visibleInboxIds } from "./member-access";
import type { Presence } from "./presence";
import type { Subscriber } from "./subscribers";

const ACCESS_CACHE_SECONDS = 30;

/** The request header in which the cable gateway names the subscriber it asks for (a SubscriptionRequest as JSON). */
export const SUBSCRIBER_HEADER = "x-parley-subscriber";

/** What the cable gateway asks for when it opens a subscription socket. */
export type SubscriptionRequest =
  | { kind: "user"; userId: number; tokenId: string; identifier: string; sessionId?: number | null }
  | { kind: "contact"; contactInboxId: number; pubsubToken: string; identifier: string };

export class Subscriptions {
  /**
   * When the role and inboxes kept with each user subscriber were last read, and which changes to
   * them were announced since (`announce`): the fan-out weighs subscribers against them.
   */
  private readonly access = new AnnouncedChanges(ACCESS_CACHE_SECONDS);

  constructor(
    private readonly env: Env,
    private readonly accountId: () => number,
    private readonly presence: Presence,
    private readonly contactInbox: (id: number) => ContactInboxRecord | null,
  ) {}

  /** The subscriber a request may open, or null when it may not. */
  async admit(wanted: SubscriptionRequest): Promise<Subscriber | null> {
    const presenceAt = nowSeconds();
    const accountId = this.accountId();
    if (wanted.kind === "contact") {
      const contactInbox = this.contactInbox(wanted.contactInboxId);
      if (!contactInbox) return null;
      const expected = await contactPubsubToken(this.env.TOKEN_SIGNING_SECRET, accountId, contactInbox.id, contactInbox.sourceId);
      if (!sameToken(wanted.pubsubToken, expected)) return null;
      return { kind: "contact", contactId: contactInbox.contactId, contactInboxId: contactInbox.id, identifier: wanted.identifier, presenceAt };
    }
    // Read here, not taken from the gateway, and read again should a change be announced meanwhile.
    const access = (await this.access.readUnchanged(() => readMemberAccess(this.env.DB, accountId, [wanted.userId]))).get(wanted.userId);
    if (access) {
      return {
        kind: "user",
        userId: wanted.userId,
        tokenId: wanted.tokenId,
        role: access.role,
        inboxIds: visibleInboxIds(access),
        identifier: wanted.identifier,
        presenceAt,
      };
    }
    // Not a member: an agency user's session that opened this sub-account sees it as an administrator.
    const sessionId = wanted.sessionId ?? null;
    if (sessionId === null) return null;
    const acting = await this.access.readUnchanged(() => readActingSessions(this.env.DB, accountId, [sessionId]));
    if (acting.get(sessionId) !== wanted.userId) return null;
    return {
      kind: "user",
      userId: wanted.userId,
      tokenId: wanted.tokenId,
      role: "administrator",
      inboxIds: null,
      identifier: wanted.identifier,
      presenceAt,
      actingSessionId: sessionId,
    };
  }

  /**
   * Closes a user's subscriptions at once: those of the credentials named by their token ids (a
   * session that ended), or all of them (the user left the account). Returns how many were closed.
   */
  endUserAccess(userId: number, tokenIds: string[] | "all"): number {
    const ending = this.presence.userSockets(userId).filter((ws) => {
      const subscriber = this.presence.subscriberOf(ws);
      return subscriber?.kind === "user" && (tokenIds === "all" || tokenIds.includes(subscriber.tokenId));
    });
    this.presence.closeForLostAccess(ending);
    return ending.length;
  }

  /** A change to who sees what was announced: re-reads every connected user's access before answering. */
  async changed(): Promise<void> {
    this.access.announce();
    await this.refresh();
  }

  /** Re-reads the subscribers' access when it is older than the cache allows (or after a wake). */
  async current(): Promise<void> {
    if (!this.access.isStale(nowSeconds())) return;
    try {
      await this.refresh();
    } catch (error) {
      // Events still go out, weighed against the access last read; the next event reads again.
      console.error("reading the subscribers' access failed", error);
    }
  }

  /**
   * The access of every connected user, read in one query and applied to their subscriptions: the
   * role and inboxes kept in each socket's attachment follow the read, and a user who is no longer a
   * member loses their sockets.
   */
  private refresh(): Promise<void> {
    return this.access.refresh(async () => {
      const accountId = this.accountId();
      const open = this.presence.registry().openUsers();
      const userIds = [...new Set(open.filter(({ subscriber }) => subscriber.actingSessionId === undefined).map(({ subscriber }) => subscriber.userId))];
      const sessionIds = open.flatMap(({ subscriber }) => (subscriber.actingSessionId === undefined ? [] : [subscriber.actingSessionId]));
      const [access, acting] = await Promise.all([readMemberAccess(this.env.DB, accountId, userIds), readActingSessions(this.env.DB, accountId, sessionIds)]);
      return () => {
        const read = new Set(userIds);
        const readSessions = new Set(sessionIds);
        const lost: WebSocket[] = [];
        for (const { ws, subscriber } of this.presence.registry().openUsers()) {
          // A session acting in the account keeps its subscription while it still acts here (not ended, not switched, still agency staff).
          if (subscriber.actingSessionId !== undefined) {
            if (readSessions.has(subscriber.actingSessionId) && acting.get(subscriber.actingSessionId) !== subscriber.userId) lost.push(ws);
            continue;
          }
          // Users who subscribed during the read were admitted with a read of their own.
          if (!read.has(subscriber.userId)) continue;
          const current = access.get(subscriber.userId);
          if (!current) {
            lost.push(ws);
            continue;
          }
          const inboxIds = visibleInboxIds(current);
          if (current.role !== subscriber.role || !sameInboxIds(inboxIds, subscriber.inboxIds)) {
            this.presence.remember(ws, { ...subscriber, role: current.role, inboxIds });
          }
        }
        this.presence.closeForLostAccess(lost);
      };
    }, nowSeconds);
  }
}

function sameInboxIds(a: number[] | null, b: number[] | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((id, i) => id === b[i]);
}
