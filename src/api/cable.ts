/**
 * The /cable gateway. It speaks ActionCable to the client (welcome, pings every 3 s, subscription
 * confirmations) so no Durable Object wakes up just to keep a connection alive, and routes each
 * verified RoomChannel subscription to the Account object of its account over a hibernatable
 * socket, whose event frames it forwards untouched. A bare `wss://host/cable` works: the pubsub
 * token arrives in the subscribe frame and names its account (contacts) or comes with account_id (users).
 */
import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { openDatabase } from "../db/client";
import { accounts, accountUsers, users, userSessions } from "../db/schema";
import {
  chooseProtocol,
  confirmFrame,
  disconnectFrame,
  parseClientCommand,
  parseRoomChannelIdentifier,
  PING_INTERVAL_MS,
  pingFrame,
  rejectFrame,
  welcomeFrame,
} from "../domain/actioncable";
import { parsePubsubToken, verifyUserPubsubToken } from "../domain/tokens";
import { SUBSCRIBER_HEADER, type SubscriptionRequest } from "../durable/account";
import { accountStub } from "../durable/addresses";
import { ACCESS_ENDED_CLOSE_CODE } from "../durable/account/subscribers";
import type { AppEnv } from "./context";
import { errorBody } from "./errors";
import { accountExists } from "./known-ids";
import { CABLE_FRAME_LIMITS, cableSettings, clientAddress, CONNECTION_FRAMES, countHit, rateLimited } from "./limits";

export async function openCable(c: Context<AppEnv>): Promise<Response> {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    return c.json(errorBody("upgrade_required", "Connect with a WebSocket (ActionCable)."), 426);
  }
  const address = clientAddress(c.req.raw.headers);
  const retryAfter = address ? await countHit(c.env, "cable_connect.address", address) : null;
  if (retryAfter !== null) throw rateLimited(c, retryAfter, ["cable_connect.address"]);
  const pair = new WebSocketPair();
  const [client, server] = [pair[0], pair[1]];
  server.accept();
  new CableConnection(c.env, server, address).start();
  const protocol = chooseProtocol(c.req.header("sec-websocket-protocol"));
  return new Response(null, {
    status: 101,
    webSocket: client,
    headers: protocol ? { "sec-websocket-protocol": protocol } : {},
  });
}

/** Resolves a subscribe frame's identifier to the account and subscriber it may open, or null. */
async function authorize(env: Env, identifier: string): Promise<{ accountId: number; request: SubscriptionRequest } | null> {
  const room = parseRoomChannelIdentifier(identifier);
  const claim = room ? parsePubsubToken(room.pubsubToken) : null;
  if (!room || !claim) return null;
  if (claim.kind === "contact") {
    // The token names its account before the Account object checks it: never address one that does not exist.
    if (!(await accountExists(env, claim.accountId))) return null;
    return { accountId: claim.accountId, request: { kind: "contact", contactInboxId: claim.contactInboxId, pubsubToken: room.pubsubToken, identifier } };
  }
  if (room.accountId === null || (room.userId !== null && room.userId !== claim.userId)) return null;
  const accountId = room.accountId;
  const db = openDatabase(env.DB);
  const sessionId = claim.sessionId;
  const [user, [member], session] = await Promise.all([
    db.query.users.findFirst({ where: eq(users.id, claim.userId), columns: { tokenId: true, agencyId: true, agencyRole: true } }),
    db
      .select({ userId: accountUsers.userId })
      .from(accountUsers)
      .where(and(eq(accountUsers.userId, claim.userId), eq(accountUsers.accountId, accountId)))
      .limit(1),
    sessionId === null
      ? null
      : db.query.userSessions.findFirst({
          where: and(eq(userSessions.id, sessionId), eq(userSessions.userId, claim.userId)),
          columns: { tokenId: true, expiresAt: true, actingAccountId: true },
        }),
  ]);
  if (!user) return null;
  // A session's pubsub token is bound to the session's own token, and only while the session lives.
  let tokenId = user.tokenId;
  let actingAccountId: number | null = null;
  if (sessionId !== null) {
    if (!session || session.expiresAt.getTime() <= Date.now()) return null;
    tokenId = session.tokenId;
    actingAccountId = session.actingAccountId;
  }
  // Not a member: an agency user's session that opened this sub-account of their agency (POST /agency/accounts/{id}/open).
  if (!member) {
    if (actingAccountId !== accountId || user.agencyRole === null) return null;
    const account = await db.query.accounts.findFirst({
      where: and(eq(accounts.id, accountId), eq(accounts.agencyId, user.agencyId)),
      columns: { id: true },
    });
    if (!account) return null;
  }
  if (!(await verifyUserPubsubToken(env.TOKEN_SIGNING_SECRET, room.pubsubToken, claim.userId, tokenId, claim.sessionId))) return null;
  return { accountId, request: { kind: "user", userId: claim.userId, tokenId, identifier, sessionId: claim.sessionId } };
}

/**
 * One client connection and its subscriptions (identifier → socket to the Account object). It keeps
 * to the /cable limits (./limits, `cableSettings`): a connection that has not subscribed within
 * CABLE_SUBSCRIBE_WITHIN_SECONDS, sends more frames than CABLE_FRAMES_LIMIT or a frame larger than
 * CABLE_MAX_FRAME_BYTES is closed; subscriptions past CABLE_MAX_SUBSCRIPTIONS, or past the
 * address's subscribe limit, are rejected.
 */
class CableConnection {
  private readonly subscriptions = new Map<string, WebSocket>();
  private pinger: ReturnType<typeof setInterval> | undefined;
  private subscribeDeadline: ReturnType<typeof setTimeout> | undefined;
  private readonly settings: ReturnType<typeof cableSettings>;
  private framesWindowStart = Date.now();
  private framesInWindow = 0;
  /** Subscriptions being authorized: they count against CABLE_MAX_SUBSCRIPTIONS already. */
  private pending = 0;

  constructor(
    private readonly env: Env,
    private readonly client: WebSocket,
    private readonly address: string | null,
  ) {
    this.settings = cableSettings(env);
  }

  start() {
    this.sendToClient(welcomeFrame());
    this.pinger = setInterval(() => this.sendToClient(pingFrame()), PING_INTERVAL_MS);
    this.subscribeDeadline = setTimeout(() => {
      if (this.subscriptions.size === 0) this.refuse("never subscribed");
    }, this.settings.subscribeWithinMs);
    this.client.addEventListener("message", (event) => {
      if (typeof event.data === "string") void this.handle(event.data);
    });
    this.client.addEventListener("close", () => this.stop());
    this.client.addEventListener("error", () => this.stop());
  }

  private stop() {
    if (this.pinger !== undefined) clearInterval(this.pinger);
    if (this.subscribeDeadline !== undefined) clearTimeout(this.subscribeDeadline);
    for (const socket of this.subscriptions.values()) closeQuietly(socket);
    this.subscriptions.clear();
    closeQuietly(this.client);
  }

  private sendToClient(frame: string) {
    try {
      this.client.send(frame);
    } catch {
      this.stop();
    }
  }

  /** Ends a connection that broke a limit: ActionCable's disconnect frame (no reconnect), then close 1008. */
  private refuse(reason: string) {
    this.sendToClient(disconnectFrame("invalid_request", false));
    try {
      this.client.close(1008, reason);
    } catch {
      // already closed
    }
    this.stop();
  }

  /** Whether the frame fits the connection's frame budget and size cap; closes the connection otherwise. */
  private withinLimits(frame: string): boolean {
    const now = Date.now();
    if (now - this.framesWindowStart >= this.settings.frames.seconds * 1000) {
      this.framesWindowStart = now;
      this.framesInWindow = 0;
    }
    this.framesInWindow++;
    // A frame's UTF-8 size is at most three bytes per UTF-16 unit: measure only when that could exceed the cap.
    const tooLarge = frame.length * 3 > this.settings.maxFrameBytes && new TextEncoder().encode(frame).length > this.settings.maxFrameBytes;
    if (tooLarge) this.refuse("frame too large");
    else if (this.framesInWindow > this.settings.frames.count) this.refuse("too many frames");
    return !tooLarge && this.framesInWindow <= this.settings.frames.count;
  }

  private async handle(frame: string) {
    if (!this.withinLimits(frame)) return;
    const command = parseClientCommand(frame);
    if (!command) return;
    switch (command.command) {
      case "subscribe":
        return this.subscribe(command.identifier);
      case "unsubscribe": {
        const socket = this.subscriptions.get(command.identifier);
        this.subscriptions.delete(command.identifier);
        if (socket) closeQuietly(socket);
        return;
      }
      case "message":
        this.subscriptions.get(command.identifier)?.send(command.data);
        return;
    }
  }

  private async subscribe(identifier: string) {
    if (this.subscriptions.has(identifier)) return this.sendToClient(confirmFrame(identifier));
    if (this.subscriptions.size + this.pending >= this.settings.maxSubscriptions) return this.sendToClient(rejectFrame(identifier));
    this.pending++;
    try {
      await this.openSubscription(identifier);
    } finally {
      this.pending--;
    }
  }

  private async openSubscription(identifier: string) {
    if (!(await this.subscribeAllowed().catch(() => false))) return this.sendToClient(rejectFrame(identifier));
    const allowed = await authorize(this.env, identifier).catch(() => null);
    const socket = allowed ? await this.openAccountSocket(allowed.accountId, allowed.request) : null;
    if (!socket) return this.sendToClient(rejectFrame(identifier));
    this.subscriptions.set(identifier, socket);
    socket.addEventListener("message", (event) => {
      if (typeof event.data === "string") this.sendToClient(event.data);
    });
    socket.addEventListener("close", (event) => {
      if (this.subscriptions.get(identifier) === socket) this.subscriptions.delete(identifier);
      // The user lost access (session ended, removed from the account): the whole connection ends.
      if (event.code === ACCESS_ENDED_CLOSE_CODE) {
        this.sendToClient(disconnectFrame("unauthorized", false));
        this.stop();
      }
    });
    this.sendToClient(confirmFrame(identifier));
  }

  /** Counts the subscribe frame against its limits by address (CABLE_FRAME_LIMITS.subscribe). */
  private async subscribeAllowed(): Promise<boolean> {
    if (!this.address) return true;
    for (const name of CABLE_FRAME_LIMITS.subscribe) {
      if (name !== CONNECTION_FRAMES && (await countHit(this.env, name, this.address)) !== null) return false;
    }
    return true;
  }

  private async openAccountSocket(accountId: number, request: SubscriptionRequest): Promise<WebSocket | null> {
    const response = await accountStub(this.env, accountId)
      .fetch("https://account.internal/cable", {
        headers: { upgrade: "websocket", [SUBSCRIBER_HEADER]: JSON.stringify(request) },
      })
      .catch(() => null);
    const socket = response?.status === 101 ? response.webSocket : null;
    if (!socket) return null;
    socket.accept();
    return socket;
  }
}

function closeQuietly(socket: WebSocket) {
  try {
    socket.close(1000, "closed");
  } catch {
    // already closed
  }
}
