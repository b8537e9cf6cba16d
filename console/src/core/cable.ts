/**
 * The console's one /cable connection (ActionCable, Chatwoot's RoomChannel with the user's pubsub
 * token). Stores listen with onCableEvent(); each time the subscription is confirmed, the first time
 * included, the synthetic event "cable.subscribed" tells them to catch up (`after` their last id):
 * what they loaded before it may lack events published before the subscription was live. The server pings every 3 s;
 * a connection without a ping for more than 6 s is stale and reopened, with exponential backoff
 * and jitter. A `disconnect` frame with reason "unauthorized" ends the session.
 */
import { signal } from "@preact/signals";
import { endSession } from "./session";

export type CableStatus = "connecting" | "online" | "offline";
export type CableHandler = (event: string, data: unknown) => void;

/** "connecting" until the first subscription is confirmed, "online" while it lives, "offline" while it is lost. */
export const cableStatus = signal<CableStatus>("connecting");

const PROTOCOLS = ["actioncable-v1-json", "actioncable-unsupported"];
const STALE_AFTER_MS = 6_000;
const PRESENCE_EVERY_MS = 20_000;
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 30_000;

const handlers = new Set<CableHandler>();

/** Calls `handler(event, data)` for every RoomChannel event and "cable.subscribed"; returns the unsubscribe function. */
export function onCableEvent(handler: CableHandler): () => void {
  handlers.add(handler);
  return () => handlers.delete(handler);
}

function emit(event: string, data: unknown) {
  for (const handler of [...handlers]) {
    try {
      handler(event, data);
    } catch (error) {
      console.error(`cable handler failed for ${event}`, error);
    }
  }
}

export type CableIdentity = { pubsubToken: string; accountId: number; userId: number };

let identity: CableIdentity | null = null;
let socket: WebSocket | null = null;
let identifier = "";
let lastSeen = 0;
let attempts = 0;
let everOnline = false;
let watchdog: ReturnType<typeof setInterval> | undefined;
let presence: ReturnType<typeof setInterval> | undefined;
let retry: ReturnType<typeof setTimeout> | undefined;

const send = (frame: unknown) => socket?.readyState === WebSocket.OPEN && socket.send(JSON.stringify(frame));

/** Opens (or re-targets) the connection for this user and sub-account. */
export function startCable(next: CableIdentity) {
  const same = identity && identity.pubsubToken === next.pubsubToken && identity.accountId === next.accountId && identity.userId === next.userId;
  if (same && socket) return;
  stopCable();
  identity = next;
  identifier = JSON.stringify({ channel: "RoomChannel", pubsub_token: next.pubsubToken, account_id: next.accountId, user_id: next.userId });
  everOnline = false;
  attempts = 0;
  cableStatus.value = "connecting";
  open();
  watchdog = setInterval(checkStale, 1_000);
  presence = setInterval(() => send({ command: "message", identifier, data: JSON.stringify({ action: "update_presence" }) }), PRESENCE_EVERY_MS);
  addEventListener("online", reconnectNow);
  document.addEventListener("visibilitychange", checkStale);
}

/** Closes the connection for good (sign-out, account switch). */
export function stopCable() {
  identity = null;
  clearInterval(watchdog);
  clearInterval(presence);
  clearTimeout(retry);
  removeEventListener("online", reconnectNow);
  document.removeEventListener("visibilitychange", checkStale);
  const old = socket;
  socket = null;
  if (old) {
    detach(old);
    old.close(1000, "signed out");
  }
  cableStatus.value = "connecting";
}

function detach(ws: WebSocket) {
  ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
}

function open() {
  if (!identity) return;
  const url = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/cable`;
  const ws = new WebSocket(url, PROTOCOLS);
  socket = ws;
  lastSeen = Date.now();
  ws.onmessage = (event) => onFrame(String(event.data));
  ws.onclose = () => {
    if (socket === ws) lost();
  };
}

function onFrame(text: string) {
  let frame: { type?: string; identifier?: string; message?: unknown; reason?: string; reconnect?: boolean };
  try {
    frame = JSON.parse(text);
  } catch {
    return;
  }
  lastSeen = Date.now();
  switch (frame.type) {
    case "welcome":
      send({ command: "subscribe", identifier });
      return;
    case "ping":
      return;
    case "confirm_subscription":
      if (frame.identifier !== identifier) return;
      attempts = 0;
      cableStatus.value = "online";
      send({ command: "message", identifier, data: JSON.stringify({ action: "update_presence" }) });
      everOnline = true;
      emit("cable.subscribed", null);
      return;
    case "reject_subscription":
      // The token no longer opens the room: the session is gone.
      stopCable();
      endSession("expired");
      return;
    case "disconnect":
      if (frame.reason === "unauthorized") {
        stopCable();
        endSession("expired");
      } else if (frame.reconnect === false) {
        stopCable();
        cableStatus.value = "offline";
      } else lost();
      return;
  }
  if (frame.identifier !== identifier || !frame.message || typeof frame.message !== "object") return;
  const { event, data } = frame.message as { event?: unknown; data?: unknown };
  if (typeof event === "string") emit(event, data);
}

function lost() {
  if (!identity) return;
  const old = socket;
  socket = null;
  if (old) {
    detach(old);
    if (old.readyState === WebSocket.OPEN || old.readyState === WebSocket.CONNECTING) old.close();
  }
  if (everOnline || attempts > 0) cableStatus.value = "offline";
  clearTimeout(retry);
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempts);
  const delay = ceiling / 2 + Math.random() * (ceiling / 2);
  attempts += 1;
  retry = setTimeout(open, delay);
}

function checkStale() {
  if (!identity || !socket) return;
  if (Date.now() - lastSeen > STALE_AFTER_MS) lost();
}

function reconnectNow() {
  if (!identity) return;
  attempts = 0;
  clearTimeout(retry);
  if (!socket) open();
  else checkStale();
}
