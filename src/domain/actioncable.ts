/**
 * The ActionCable wire protocol (actioncable-v1-json) as Chatwoot's /cable speaks it: the frames a
 * client sends (subscribe, unsubscribe, message) and the control frames the server sends.
 */

export const ACTIONCABLE_PROTOCOL = "actioncable-v1-json";
/** Clients count a connection stale after 6 s without a ping; servers ping every 3 s. */
export const PING_INTERVAL_MS = 3_000;

export type ClientCommand =
  | { command: "subscribe"; identifier: string }
  | { command: "unsubscribe"; identifier: string }
  | { command: "message"; identifier: string; data: string };

/** Every frame type a client may send (the /cable limits and their walk cover each). */
export const CLIENT_COMMANDS = ["subscribe", "unsubscribe", "message"] as const satisfies readonly ClientCommand["command"][];

export function parseClientCommand(frame: string): ClientCommand | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(frame);
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const { command, identifier, data } = parsed as Record<string, unknown>;
  if (typeof identifier !== "string") return null;
  if (command === "subscribe" || command === "unsubscribe") return { command, identifier };
  if (command === "message" && typeof data === "string") return { command, identifier, data };
  return null;
}

/** Chatwoot's RoomChannel identifier: `{"channel":"RoomChannel","pubsub_token":...,"account_id":...,"user_id":...}`. */
export type RoomChannelIdentifier = { pubsubToken: string; accountId: number | null; userId: number | null };

export function parseRoomChannelIdentifier(identifier: string): RoomChannelIdentifier | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(identifier);
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const fields = parsed as Record<string, unknown>;
  if (fields.channel !== "RoomChannel" || typeof fields.pubsub_token !== "string") return null;
  const asId = (value: unknown) => {
    const id = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
    return typeof id === "number" && Number.isSafeInteger(id) && id > 0 ? id : null;
  };
  return { pubsubToken: fields.pubsub_token, accountId: asId(fields.account_id), userId: asId(fields.user_id) };
}

export const welcomeFrame = () => JSON.stringify({ type: "welcome" });
export const pingFrame = (now = Date.now()) => JSON.stringify({ type: "ping", message: Math.floor(now / 1000) });
export const confirmFrame = (identifier: string) => JSON.stringify({ identifier, type: "confirm_subscription" });
export const rejectFrame = (identifier: string) => JSON.stringify({ identifier, type: "reject_subscription" });
export const disconnectFrame = (reason: string, reconnect: boolean) => JSON.stringify({ type: "disconnect", reason, reconnect });

/** The subprotocol to answer with: ActionCable clients close connections that did not agree on theirs. */
export function chooseProtocol(requested: string | null | undefined): string | null {
  const offered = (requested ?? "").split(",").map((p) => p.trim());
  return offered.includes(ACTIONCABLE_PROTOCOL) ? ACTIONCABLE_PROTOCOL : null;
}
