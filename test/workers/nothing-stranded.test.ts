// Nothing stranded (issue 15, section 4): an outbox entry and its retry alarm are written together, so
// an object reset after the commit and before the publish still publishes; changes that depend on the
// conversation's current state are decided by the Conversation object, so concurrent ones all land;
// and what a visitor does is recorded as the contact's doing.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ContactRecord } from "../../src/domain/chatwoot-payloads";
import type { ConversationState } from "../../src/domain/conversation";
import { call, clientSession, eventually, expectStatus, tenant } from "./helpers";
import { sinkHost, sinkRequests } from "./outbound";
import { widgetCommandSession } from "./widget-fixtures";

/** The write half of a Conversation object's change (what `change()` does before it publishes). */
type ConversationWrites = {
  transact<T>(write: () => T): T;
  readState(): ConversationState | null;
  writeState(state: ConversationState): void;
  record(name: "conversation.updated", state: ConversationState, cause: { origin: { type: "system" }; before: ConversationState }): number;
};

/** The write half of an Account object's contact change. */
type AccountWrites = {
  getContact(id: number): ContactRecord | null;
  contactEvents: { publish(eventName: "contact.updated", contact: ContactRecord): void };
};

describe("an object reset between the commit and the publish", () => {
  it("still publishes the Conversation object's change: its retry alarm was written with the entry", async () => {
    const t = await tenant();
    const session = await clientSession(t);
    const stub = env.CONVERSATION.getByName(`${t.account.id}:${session.conversation.id}`);
    await runInDurableObject(stub, async (instance, state) => {
      const conversation = instance as unknown as ConversationWrites;
      conversation.transact(() => {
        const before = conversation.readState();
        if (!before) throw new Error("the conversation has no state");
        const next: ConversationState = { ...before, priority: "urgent" };
        conversation.writeState(next);
        conversation.record("conversation.updated", next, { origin: { type: "system" }, before });
      });
      await state.storage.sync();
    });
    // The instance goes with what it held in memory; storage stays.
    await evictDurableObject(stub);

    expect(await runInDurableObject(stub, (_, state) => state.storage.getAlarm())).not.toBeNull();
    // Nothing but the alarm touches the conversation from here: only it can publish the change.
    await runDurableObjectAlarm(stub);
    await eventually(async () => {
      const shown = await call("GET", `/api/v1/accounts/${t.account.id}/conversations/${session.conversation.id}`, { token: t.admin.access_token });
      expect(shown.body.priority).toBe("urgent");
    });
  });

  it("still sends the Account object's contact event: its retry alarm was written with the entry", async () => {
    const t = await tenant();
    const host = sinkHost("reset-contact");
    const hook = await call("POST", `/api/v1/accounts/${t.account.id}/webhooks`, {
      token: t.admin.access_token,
      body: { url: `https://${host}/in`, subscriptions: ["contact_updated"] },
    });
    expectStatus(hook, 200);
    const created = await call("POST", `/api/v1/accounts/${t.account.id}/contacts`, { token: t.admin.access_token, body: { name: "Rita Reset" } });
    expectStatus(created, 201);
    const contactId = created.body.payload.contact.id as number;
    const stub = env.ACCOUNT.getByName(String(t.account.id));
    await runInDurableObject(stub, async (instance, state) => {
      const account = instance as unknown as AccountWrites;
      const contact = account.getContact(contactId);
      if (!contact) throw new Error("the contact is missing");
      state.storage.transactionSync(() => account.contactEvents.publish("contact.updated", contact));
      await state.storage.sync();
    });
    await evictDurableObject(stub);

    expect(await runInDurableObject(stub, (_, state) => state.storage.getAlarm())).not.toBeNull();
    await runDurableObjectAlarm(stub);
    await eventually(async () => {
      const bodies = (await sinkRequests(host)).map((request) => JSON.parse(request.body) as { event: string; id: number });
      expect(bodies).toEqual([expect.objectContaining({ event: "contact_updated", id: contactId })]);
    });
  });
});

describe("changes that depend on the conversation's current state", () => {
  it("keeps every one of a visitor's concurrent widget attribute changes", async () => {
    const t = await tenant();
    const { token, session } = await widgetCommandSession(t);
    const ref = { widget_token: token, source_id: session.source_id, conversation_id: session.conversation_id };
    const keys = ["cart", "plan", "coupon", "step", "referrer"];
    const replies = await Promise.all(
      keys.map((key) => call("POST", "/api/v1/widget/conversation/custom_attributes", { body: { ...ref, custom_attributes: { [key]: `${key}-value` } } })),
    );
    for (const reply of replies) expectStatus(reply, 200);
    const shown = await call("GET", `/api/v1/accounts/${t.account.id}/conversations/${session.conversation_id}`, { token: t.admin.access_token });
    expect(shown.body.custom_attributes).toEqual(Object.fromEntries(keys.map((key) => [key, `${key}-value`])));
  });

  it("keeps every one of a visitor's concurrent widget labels", async () => {
    const t = await tenant();
    const { token, session } = await widgetCommandSession(t);
    const ref = { widget_token: token, source_id: session.source_id, conversation_id: session.conversation_id };
    const labels = ["billing", "vip", "urgent", "returns"];
    const replies = await Promise.all(labels.map((label) => call("POST", "/api/v1/widget/conversation/labels/add", { body: { ...ref, label } })));
    for (const reply of replies) expectStatus(reply, 200);
    const shown = await call("GET", `/api/v1/accounts/${t.account.id}/conversations/${session.conversation_id}`, { token: t.admin.access_token });
    expect([...shown.body.labels].sort()).toEqual([...labels].sort());
  });

  it("keeps every one of a page's concurrent `>cs /set` commands", async () => {
    const t = await tenant();
    const { session, send } = await widgetCommandSession(t);
    const keys = ["model", "trim", "colour", "dealer"];
    const replies = await Promise.all(keys.map((key) => send(`>cs /set ${key} ${key}-value`)));
    for (const reply of replies) expectStatus(reply, 200);
    const shown = await call("GET", `/api/v1/accounts/${t.account.id}/conversations/${session.conversation_id}`, { token: t.admin.access_token });
    expect(shown.body.custom_attributes).toEqual(Object.fromEntries(keys.map((key) => [key, `${key}-value`])));
  });
});

describe("a visitor's own changes", () => {
  it("records a visitor's status toggle with the contact as its actor", async () => {
    const t = await tenant();
    const session = await clientSession(t);
    expectStatus(await call("POST", `${session.conversationPath}/toggle_status`), 200);
    const stub = env.CONVERSATION.getByName(`${t.account.id}:${session.conversation.id}`);
    const entries = await runInDurableObject(stub, (_, state) =>
      state.storage.sql
        .exec<{ event: string }>("select event from outbox order by seq")
        .toArray()
        .map((row) => JSON.parse(row.event) as { name: string; origin: unknown; state: { status: string } }),
    );
    expect(entries.filter((entry) => entry.name === "conversation.status_changed")).toEqual([
      expect.objectContaining({ origin: { type: "contact" }, state: expect.objectContaining({ status: "resolved" }) }),
    ]);
  });
});
