// A minimal ActionCable client for tests in the Workers runtime: connects through the Worker's
// fetch handler and records every frame it receives.
import { exports } from "cloudflare:workers";
import { expect } from "vitest";

export type Frame = { type?: string; identifier?: string; message?: { event: string; data: any } & Record<string, unknown> };

export async function connectCable() {
  const res = await exports.default.fetch("http://parley.test/cable", {
    headers: { upgrade: "websocket", "sec-websocket-protocol": "actioncable-v1-json, actioncable-unsupported" },
  });
  expect(res.status).toBe(101);
  const ws = res.webSocket;
  if (!ws) throw new Error("no WebSocket in the /cable response");
  ws.accept();
  const frames: Frame[] = [];
  ws.addEventListener("message", (event) => frames.push(JSON.parse(String(event.data)) as Frame));

  const waitFor = async (predicate: (frame: Frame) => boolean, what: string, timeoutMs = 5_000): Promise<Frame> => {
    const started = Date.now();
    for (;;) {
      const found = frames.find(predicate);
      if (found) return found;
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(frames)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  const identifierFor = (pubsubToken: string, accountId?: number, userId?: number) =>
    JSON.stringify({
      channel: "RoomChannel",
      pubsub_token: pubsubToken,
      ...(accountId ? { account_id: accountId } : {}),
      ...(userId ? { user_id: userId } : {}),
    });

  return {
    ws,
    frames,
    protocol: res.headers.get("sec-websocket-protocol"),
    waitFor,
    identifierFor,
    /** Subscribes and waits for the confirmation (or rejection) of that identifier. */
    async subscribe(identifier: string) {
      ws.send(JSON.stringify({ command: "subscribe", identifier }));
      return waitFor((f) => f.identifier === identifier && (f.type === "confirm_subscription" || f.type === "reject_subscription"), "a subscription answer");
    },
    send(identifier: string, data: unknown) {
      ws.send(JSON.stringify({ command: "message", identifier, data: JSON.stringify(data) }));
    },
    events: (name: string) => frames.filter((f) => f.message?.event === name).map((f) => f.message?.data),
    waitForEvent: (name: string, match: (data: any) => boolean = () => true) =>
      waitFor((f) => f.message?.event === name && match(f.message.data), `event ${name}`),
    close: () => ws.close(1000, "done"),
  };
}
