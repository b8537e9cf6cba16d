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
import { accountUsers, users, userSessions } from "../db/schema";
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
import { accountStub, SUBSCRIBER_HEADER, type SubscriptionRequest } from "../durable/account";
import { ACCESS_ENDED_CLOSE_CODE } from "../durable/account/subscribers";
import type { AppEnv } from "./context";
import { errorBody } from "./errors";

export async function openCable(c: Context<AppEnv>): Promise<Response> {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    return c.json(errorBody("upgrade_required", "Connect with a WebSocket (ActionCable)."), 426);
  }
  const pair = new WebSocketPair();
  const [client, server] = [pair[0], pair[1]];
  server.accept();
  new CableConnection(c.env, server).start();
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
    return { accountId: claim.accountId, request: { kind: "contact", contactInboxId: claim.contactInboxId, pubsubToken: room.pubsubToken, identifier } };
  }
  if (room.accountId === null || (room.userId !== null && room.userId !== claim.userId)) return null;
  const db = openDatabase(env.DB);
  const [member] = await db
    .select({ tokenId: users.tokenId, role: accountUsers.role })
    .from(users)
    .innerJoin(accountUsers, and(eq(accountUsers.userId, users.id), eq(accountUsers.accountId, room.accountId)))
    .where(eq(users.id, claim.userId))
    .limit(1);
  if (!member) return null;
  // A session's pubsub token is bound to the session's own token, and only while the session lives.
  let tokenId = member.tokenId;
  if (claim.sessionId !== null) {
    const session = await db.query.userSessions.findFirst({
      where: and(eq(userSessions.id, claim.sessionId), eq(userSessions.userId, claim.userId)),
      columns: { tokenId: true, expiresAt: true },
    });
    if (!session || session.expiresAt.getTime() <= Date.now()) return null;
    tokenId = session.tokenId;
  }
  if (!(await verifyUserPubsubToken(env.TOKEN_SIGNING_SECRET, room.pubsubToken, claim.userId, tokenId, claim.sessionId))) return null;
  return { accountId: room.accountId, request: { kind: "user", userId: claim.userId, tokenId, role: member.role, identifier } };
}

/** One client connection and its subscriptions (identifier → socket to the Account object). */
class CableConnection {
  private readonly subscriptions = new Map<string, WebSocket>();
  private pinger: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly env: Env,
    private readonly client: WebSocket,
  ) {}

  start() {
    this.sendToClient(welcomeFrame());
    this.pinger = setInterval(() => this.sendToClient(pingFrame()), PING_INTERVAL_MS);
    this.client.addEventListener("message", (event) => {
      if (typeof event.data === "string") void this.handle(event.data);
    });
    this.client.addEventListener("close", () => this.stop());
    this.client.addEventListener("error", () => this.stop());
  }

  private stop() {
    if (this.pinger !== undefined) clearInterval(this.pinger);
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

  private async handle(frame: string) {
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
