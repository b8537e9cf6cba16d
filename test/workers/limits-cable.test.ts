// /cable's limits: connections that never subscribe, flood or send oversized frames are closed; subscriptions are capped;
// and ids named from outside never create Durable Objects.
import { env } from "cloudflare:workers";
import { listDurableObjectIds } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, clientSession, expectStatus, tenant } from "./helpers";
import { connectCable } from "./cable-client";

type Cable = Awaited<ReturnType<typeof connectCable>>;

/** Resolves with the close code once the server closes the connection. */
const closed = (cable: Cable) => new Promise<number>((resolve) => cable.ws.addEventListener("close", (event) => resolve(event.code)));

const refusedFrame = (cable: Cable) => cable.waitFor((f) => f.type === "disconnect", "a disconnect frame", 10_000);

describe("/cable limits", () => {
  it("closes a connection that never subscribes", { timeout: 15_000 }, async () => {
    const cable = await connectCable();
    const code = closed(cable);
    const started = Date.now();
    expect(await refusedFrame(cable)).toMatchObject({ type: "disconnect", reason: "invalid_request", reconnect: false });
    expect(await code).toBe(1008);
    expect(Date.now() - started).toBeGreaterThanOrEqual(Number(env.CABLE_SUBSCRIBE_WITHIN_SECONDS) * 1000 - 100);
  });

  it("keeps a connection that subscribed in time", { timeout: 15_000 }, async () => {
    const { contact } = await clientSession(await tenant());
    const cable = await connectCable();
    expect((await cable.subscribe(cable.identifierFor(contact.pubsub_token))).type).toBe("confirm_subscription");
    await new Promise((resolve) => setTimeout(resolve, Number(env.CABLE_SUBSCRIBE_WITHIN_SECONDS) * 1000 + 500));
    expect(cable.frames.some((f) => f.type === "disconnect")).toBe(false);
    cable.close();
  });

  it("closes a connection that floods frames", async () => {
    const cable = await connectCable();
    const code = closed(cable);
    const [count] = env.CABLE_FRAMES_LIMIT.split(" per ").map(Number);
    for (let i = 0; i <= (count ?? 0); i++) cable.ws.send(JSON.stringify({ command: "unsubscribe", identifier: `{"n":${i}}` }));
    expect(await refusedFrame(cable)).toMatchObject({ reason: "invalid_request", reconnect: false });
    expect(await code).toBe(1008);
  });

  it("closes a connection that sends a frame over the size cap", async () => {
    const cable = await connectCable();
    const code = closed(cable);
    cable.ws.send(JSON.stringify({ command: "message", identifier: "{}", data: "x".repeat(Number(env.CABLE_MAX_FRAME_BYTES)) }));
    expect(await refusedFrame(cable)).toMatchObject({ reason: "invalid_request" });
    expect(await code).toBe(1008);
  });

  it("rejects subscriptions past the cap per connection", async () => {
    const { contact } = await clientSession(await tenant());
    const cable = await connectCable();
    const max = Number(env.CABLE_MAX_SUBSCRIPTIONS);
    const answers = [];
    for (let i = 0; i <= max; i++) {
      const identifier = JSON.stringify({ channel: "RoomChannel", pubsub_token: contact.pubsub_token, tab: i });
      answers.push((await cable.subscribe(identifier)).type);
    }
    expect(answers).toEqual([...Array(max).fill("confirm_subscription"), "reject_subscription"]);
    cable.close();
  });

  it("creates no Account object for a subscribe frame naming an account that does not exist", async () => {
    const t = await tenant();
    const { contact } = await clientSession(t);
    const cable = await connectCable();
    const answer = await cable.subscribe(cable.identifierFor(`c999999_1_${"a".repeat(32)}`));
    expect(answer.type).toBe("reject_subscription");
    const ids = await listDurableObjectIds(env.ACCOUNT);
    expect(ids.some((id) => id.equals(env.ACCOUNT.idFromName("999999")))).toBe(false);
    // The listing does show an account that exists.
    expect(contact.pubsub_token).toMatch(new RegExp(`^c${t.account.id}_`));
    expect(ids.some((id) => id.equals(env.ACCOUNT.idFromName(String(t.account.id))))).toBe(true);
    cable.close();
  });

  it("creates no Conversation object for a Client API message to a conversation that does not exist", async () => {
    const t = await tenant();
    const { base, conversation } = await clientSession(t);
    expectStatus(await call("POST", `${base}/conversations/424242/messages`, { body: { content: "Anyone there?" } }), 404);
    expectStatus(await call("POST", `${base}/conversations/424243/update_last_seen`), 404);
    const ghosts = [`${t.account.id}:424242`, `${t.account.id}:424243`].map((name) => env.CONVERSATION.idFromName(name));
    const ids = await listDurableObjectIds(env.CONVERSATION);
    expect(ids.some((id) => ghosts.some((ghost) => ghost.equals(id)))).toBe(false);
    // The listing does show the conversation that exists.
    expect(ids.some((id) => id.equals(env.CONVERSATION.idFromName(`${t.account.id}:${conversation.id}`)))).toBe(true);
  });
});
