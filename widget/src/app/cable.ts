/**
 * A small ActionCable client for the contact's RoomChannel subscription, reconnecting with back-off.
 * `onSubscribed` runs after every confirmation, the first one included: events sent before it (or
 * while disconnected) never reach the socket, so the caller fetches what it missed.
 */

type Handler = (event: string, data: unknown) => void;

export function connectCable(pubsubToken: string, onEvent: Handler, onSubscribed: () => void): () => void {
  const identifier = JSON.stringify({ channel: "RoomChannel", pubsub_token: pubsubToken });
  let socket: WebSocket | null = null;
  let closed = false;
  let attempt = 0;
  let lastSeen = Date.now();
  let watchdog: ReturnType<typeof setInterval> | undefined;

  const open = () => {
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/cable`;
    socket = new WebSocket(url, ["actioncable-v1-json", "actioncable-unsupported"]);
    socket.onmessage = (event) => {
      lastSeen = Date.now();
      const frame = JSON.parse(String(event.data)) as { type?: string; message?: { event: string; data: unknown } };
      if (frame.type === "welcome") socket?.send(JSON.stringify({ command: "subscribe", identifier }));
      else if (frame.type === "confirm_subscription") {
        attempt = 0;
        onSubscribed();
        presence();
      } else if (typeof frame.message?.event === "string") onEvent(frame.message.event, frame.message.data);
    };
    socket.onclose = () => {
      if (closed) return;
      attempt++;
      setTimeout(open, Math.min(10_000, 500 * 2 ** attempt));
    };
  };
  const presence = () =>
    socket?.readyState === WebSocket.OPEN &&
    socket.send(JSON.stringify({ command: "message", identifier, data: JSON.stringify({ action: "update_presence" }) }));

  open();
  watchdog = setInterval(() => {
    presence();
    // ActionCable servers ping every 3 s; a silent socket is a dead one.
    if (Date.now() - lastSeen > 12_000) socket?.close();
  }, 20_000);
  return () => {
    closed = true;
    if (watchdog !== undefined) clearInterval(watchdog);
    socket?.close();
  };
}
