// The message path's in-memory shortcuts (state, unread count and outbox mirrors in the
// Conversation object; subscribers by audience and written labels in the Account object) must
// give what reading storage would, including after either object is evicted.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { OUTBOX_DROP_BATCH } from "../../src/durable/conversation";
import { connectCable } from "./cable-client";
import { call, clientSession, eventually, expectStatus, tenant } from "./helpers";

async function setUp() {
  const t = await tenant();
  const session = await clientSession(t);
  const path = `/api/v1/accounts/${t.account.id}/conversations/${session.conversation.id}`;
  const asAdmin = { token: t.admin.access_token };
  const conversationStub = () => env.CONVERSATION.getByName(`${t.account.id}:${session.conversation.id}`);
  return { t, session, path, asAdmin, conversationStub };
}

const send = (session: { conversationPath: string }, content: string) => call("POST", `${session.conversationPath}/messages`, { body: { content } });

const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1_100 - (Date.now() % 1_000)));

describe("the realtime message path", () => {
  it("delivers a burst of one conversation's messages to every subscriber once, in the order they were stored", async () => {
    const { t, session } = await setUp();
    const agent = await connectCable();
    await agent.subscribe(agent.identifierFor(t.admin.pubsub_token, t.account.id));
    const visitor = await connectCable();
    await visitor.subscribe(visitor.identifierFor(session.contact.pubsub_token));

    const contents = ["b1", "b2", "b3", "b4", "b5", "b6"];
    const replies = await Promise.all(contents.map((content) => send(session, content)));
    for (const reply of replies) expectStatus(reply, 200);
    const storedOrder = replies.map((reply) => reply.body as { id: number; content: string }).sort((a, b) => a.id - b.id);

    for (const client of [agent, visitor]) {
      await eventually(async () => expect(client.events("message.created")).toHaveLength(contents.length), 5_000);
      const received = client.events("message.created") as { id: number; content: string }[];
      expect(received.map((m) => m.id)).toEqual(storedOrder.map((m) => m.id));
      expect(received.map((m) => m.content)).toEqual(storedOrder.map((m) => m.content));
    }
    agent.close();
    visitor.close();
  });

  it("delivers to every socket of the contact's session and to no other session", async () => {
    const { t, session } = await setUp();
    const other = await clientSession(t);
    const first = await connectCable();
    await first.subscribe(first.identifierFor(session.contact.pubsub_token));
    const second = await connectCable();
    await second.subscribe(second.identifierFor(session.contact.pubsub_token));
    const stranger = await connectCable();
    await stranger.subscribe(stranger.identifierFor(other.contact.pubsub_token));

    await send(session, "to both tabs");
    await send(other, "to the stranger");
    await first.waitForEvent("message.created", (d) => d.content === "to both tabs");
    await second.waitForEvent("message.created", (d) => d.content === "to both tabs");
    await stranger.waitForEvent("message.created", (d) => d.content === "to the stranger");
    expect(JSON.stringify(stranger.frames)).not.toContain("to both tabs");
    expect(JSON.stringify([first.frames, second.frames])).not.toContain("to the stranger");

    // A closed tab leaves the session's other socket in place.
    first.close();
    await send(session, "after one tab closed");
    await second.waitForEvent("message.created", (d) => d.content === "after one tab closed");
    second.close();
    stranger.close();
  });

  it("counts unread messages as they arrive, after a last-seen and across an eviction", async () => {
    const { session, path, asAdmin, conversationStub } = await setUp();
    const unread = async () => (await call("GET", path, asAdmin)).body.unread_count as number;
    await send(session, "one");
    await send(session, "two");
    expect(await unread()).toBe(2);

    expectStatus(await call("POST", `${path}/update_last_seen`, asAdmin), 200);
    expect(await unread()).toBe(0);
    await nextSecond(); // a message in the very second of the last-seen time is not unread
    await send(session, "three");
    expect(await unread()).toBe(1);
    expectStatus(await call("POST", `${path}/messages`, { ...asAdmin, body: { content: "an answer" } }), 200);
    expect(await unread()).toBe(1);

    await evictDurableObject(conversationStub());
    await send(session, "four");
    expect(await unread()).toBe(2);
  });

  it("publishes each change once when the Conversation object goes away before clearing its outbox", async () => {
    const { t, session, path, asAdmin, conversationStub } = await setUp();
    const agent = await connectCable();
    await agent.subscribe(agent.identifierFor(t.admin.pubsub_token, t.account.id));
    const outboxSize = () =>
      runInDurableObject(conversationStub(), (_, state) => state.storage.sql.exec<{ n: number }>("select count(*) as n from outbox").one().n);

    await send(session, "before eviction");
    await evictDurableObject(conversationStub());
    await send(session, "after eviction");
    await send(session, "and one more");

    await agent.waitForEvent("message.created", (d) => d.content === "and one more");
    const contents = (agent.events("message.created") as { content: string }[]).map((m) => m.content);
    expect(contents).toEqual(["before eviction", "after eviction", "and one more"]);

    const listed = (await call("GET", `${path}/messages`, asAdmin)).body.payload as { content: string }[];
    expect(listed.map((m) => m.content)).toEqual(["before eviction", "after eviction", "and one more"]);
    expect((await call("GET", path, asAdmin)).body.unread_count).toBe(3);

    // Published entries leave the outbox in batches, so it does not grow.
    for (let i = 0; i < OUTBOX_DROP_BATCH + 2; i++) await send(session, `more ${i}`);
    await agent.waitForEvent("message.created", (d) => d.content === `more ${OUTBOX_DROP_BATCH + 1}`);
    expect(await outboxSize()).toBeLessThanOrEqual(OUTBOX_DROP_BATCH);
    expect(agent.events("message.created")).toHaveLength(3 + OUTBOX_DROP_BATCH + 2);
    agent.close();
  });

  it("keeps label filters right while labels change and messages arrive, across an eviction of the Account object", async () => {
    const { t, session, path, asAdmin } = await setUp();
    const withLabel = async (label: string) =>
      ((await call("GET", `/api/v1/accounts/${t.account.id}/conversations?labels[]=${label}`, asAdmin)).body.data.payload as { id: number }[]).map((c) => c.id);
    const mine = [session.conversation.id];

    await call("POST", `${path}/labels`, { ...asAdmin, body: { labels: ["billing"] } });
    await send(session, "a message with unchanged labels");
    expect(await withLabel("billing")).toEqual(mine);

    await call("POST", `${path}/labels`, { ...asAdmin, body: { labels: ["vip"] } });
    await send(session, "another one");
    expect(await withLabel("billing")).toEqual([]);
    expect(await withLabel("vip")).toEqual(mine);

    await evictDurableObject(env.ACCOUNT.getByName(String(t.account.id)));
    await send(session, "after the Account object was evicted");
    await call("POST", `${path}/labels`, { ...asAdmin, body: { labels: ["vip", "billing"] } });
    expect(await withLabel("vip")).toEqual(mine);
    expect(await withLabel("billing")).toEqual(mine);
  });
});
