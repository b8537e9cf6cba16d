import { describe, expect, it } from "vitest";
import { identifierHash } from "../../src/domain/identity";
import { call, clientSession, createInbox, expectStatus, tenant, unique } from "./helpers";

describe("Client API: contacts", () => {
  it("creates a contact session with a source id and a pubsub token", async () => {
    const t = await tenant();
    const inbox = await createInbox(t.admin.access_token, t.account.id, { channel: { type: "api" } });
    const reply = await call("POST", `/public/api/v1/inboxes/${inbox.inbox_identifier}/contacts`, {
      body: { name: "Vera", email: "vera@example.test", phone_number: "+14155550100", custom_attributes: { plan: "gold" } },
    });
    expectStatus(reply, 200);
    expect(reply.body).toEqual({
      id: expect.any(Number),
      source_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      pubsub_token: expect.stringMatching(new RegExp(`^c${t.account.id}_\\d+_`)),
      name: "Vera",
      email: "vera@example.test",
      phone_number: "+14155550100",
      identifier: null,
      custom_attributes: { plan: "gold" },
    });
  });

  it("serves website inboxes by their website token", async () => {
    const t = await tenant();
    const inbox = await createInbox(t.admin.access_token, t.account.id);
    const reply = await call("POST", `/public/api/v1/inboxes/${inbox.website_token}/contacts`, { body: { name: "Web visitor" } });
    expectStatus(reply, 200);
  });

  it("answers 404 for an unknown inbox or source id", async () => {
    const t = await tenant();
    const { identifier } = await clientSession(t);
    expectStatus(await call("POST", "/public/api/v1/inboxes/nope/contacts", { body: {} }), 404);
    expectStatus(await call("GET", `/public/api/v1/inboxes/${identifier}/contacts/not-a-source`), 404);
  });

  it("does not let a source id of one inbox work in another", async () => {
    const t = await tenant();
    const session = await clientSession(t);
    const other = await createInbox(t.admin.access_token, t.account.id, { channel: { type: "api" } });
    expectStatus(await call("GET", `/public/api/v1/inboxes/${other.inbox_identifier}/contacts/${session.contact.source_id}`), 404);
  });

  it("verifies identifier_hash against the inbox's hmac token", async () => {
    const t = await tenant();
    const inbox = await createInbox(t.admin.access_token, t.account.id, { channel: { type: "api" } });
    const identifier = unique("customer");
    const good = await identifierHash(inbox.hmac_token, identifier);
    const path = `/public/api/v1/inboxes/${inbox.inbox_identifier}/contacts`;
    const wrong = await call("POST", path, { body: { identifier, identifier_hash: "00".repeat(32) } });
    expectStatus(wrong, 401);
    expect(wrong.body.error.code).toBe("invalid_identifier_hash");
    const right = await call("POST", path, { body: { identifier, identifier_hash: good, name: "Known" } });
    expectStatus(right, 200);
    expect(right.body.identifier).toBe(identifier);
  });

  it("requires identifier_hash when the inbox makes it mandatory", async () => {
    const t = await tenant();
    const inbox = await createInbox(t.admin.access_token, t.account.id, { channel: { type: "api", hmac_mandatory: true } });
    const reply = await call("POST", `/public/api/v1/inboxes/${inbox.inbox_identifier}/contacts`, { body: { identifier: "abc" } });
    expectStatus(reply, 401);
    expect(reply.body.error.code).toBe("identifier_hash_required");
  });

  it("reuses the contact of a verified identifier for a new session", async () => {
    const t = await tenant();
    const inbox = await createInbox(t.admin.access_token, t.account.id, { channel: { type: "api" } });
    const identifier = unique("customer");
    const identifier_hash = await identifierHash(inbox.hmac_token, identifier);
    const path = `/public/api/v1/inboxes/${inbox.inbox_identifier}/contacts`;
    const first = await call("POST", path, { body: { identifier, identifier_hash, name: "First" } });
    const second = await call("POST", path, { body: { identifier, identifier_hash, name: "Renamed" } });
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.source_id).not.toBe(first.body.source_id);
    expect(second.body.name).toBe("Renamed");
  });

  it("never attaches an unverified visitor to another contact, keeping the claimed email for agents", async () => {
    const t = await tenant();
    const inbox = await createInbox(t.admin.access_token, t.account.id, { channel: { type: "api" } });
    const path = `/public/api/v1/inboxes/${inbox.inbox_identifier}/contacts`;
    const owner = await call("POST", path, { body: { name: "Owner", email: "owner@example.test", custom_attributes: { secret: "s3" } } });
    const claimant = await call("POST", path, { body: { name: "Claimant", email: "owner@example.test" } });
    expectStatus(claimant, 200);
    expect(claimant.body.id).not.toBe(owner.body.id);
    expect(claimant.body).toMatchObject({ name: "Claimant", email: "owner@example.test", custom_attributes: {} });
    const asAgent = await call("GET", `/api/v1/accounts/${t.account.id}/contacts/${claimant.body.id}`, { token: t.admin.access_token });
    expect(asAgent.body.payload).toMatchObject({ email: null, additional_attributes: { claimed_email: "owner@example.test" } });
  });

  it("keeps a phone number another contact has as the visitor's claim, leaving it unique within the account", async () => {
    const t = await tenant();
    const first = await clientSession(t);
    const second = await clientSession(t);
    await call("PATCH", first.base, { body: { phone_number: "+14155550111" } });
    const reply = await call("PATCH", second.base, { body: { phone_number: "+14155550111" } });
    expectStatus(reply, 200);
    expect(reply.body.phone_number).toBe("+14155550111");
    const asAgent = await call("GET", `/api/v1/accounts/${t.account.id}/contacts/${second.contact.id}`, { token: t.admin.access_token });
    expect(asAgent.body.payload).toMatchObject({ phone_number: null, additional_attributes: { claimed_phone_number: "+14155550111" } });
  });

  it("updates the session's contact, merging custom attributes", async () => {
    const t = await tenant();
    const { base } = await clientSession(t);
    await call("PATCH", base, { body: { custom_attributes: { plan: "gold" } } });
    const reply = await call("PATCH", base, { body: { name: "Vera V.", custom_attributes: { seats: 3 } } });
    expectStatus(reply, 200);
    expect(reply.body).toMatchObject({ name: "Vera V.", custom_attributes: { plan: "gold", seats: 3 } });
  });

  it("rejects a phone number that is not E.164", async () => {
    const t = await tenant();
    const { base } = await clientSession(t);
    const reply = await call("PATCH", base, { body: { phone_number: "555-0100" } });
    expectStatus(reply, 422);
    expect(reply.body.error.details[0].field).toBe("phone_number");
  });
});

describe("Client API: conversations and messages", () => {
  it("starts a conversation with an account-scoped display id", async () => {
    const t = await tenant();
    const first = await clientSession(t);
    const second = await clientSession(t);
    expect(first.conversation).toMatchObject({ id: 1, status: "open", messages: [] });
    expect(second.conversation.id).toBe(2);
  });

  it("sends a message and lists it", async () => {
    const t = await tenant();
    const { conversationPath, contact } = await clientSession(t);
    const sent = await call("POST", `${conversationPath}/messages`, { body: { content: "Hello there", echo_id: "e-1" } });
    expectStatus(sent, 200);
    expect(sent.body).toMatchObject({
      id: 1,
      content: "Hello there",
      message_type: 0,
      content_type: "text",
      conversation_id: expect.any(Number),
      echo_id: "e-1",
      sender_type: "Contact",
      sender: { id: contact.id, type: "contact" },
    });
    const list = await call("GET", `${conversationPath}/messages`);
    expectStatus(list, 200);
    expect(list.body.map((m: { content: string }) => m.content)).toEqual(["Hello there"]);
  });

  it("creates one message for a send retried with the same echo_id", async () => {
    const t = await tenant();
    const { conversationPath } = await clientSession(t);
    const first = await call("POST", `${conversationPath}/messages`, { body: { content: "Once", echo_id: "same" } });
    const again = await call("POST", `${conversationPath}/messages`, { body: { content: "Once", echo_id: "same" } });
    expect(again.body.id).toBe(first.body.id);
    expect((await call("GET", `${conversationPath}/messages`)).body).toHaveLength(1);
  });

  it("keeps messages in order and pages with before and after", async () => {
    const t = await tenant();
    const { conversationPath } = await clientSession(t);
    for (let i = 1; i <= 25; i++) await call("POST", `${conversationPath}/messages`, { body: { content: `m${i}` } });
    const latest = (await call("GET", `${conversationPath}/messages`)).body as { id: number; content: string }[];
    expect(latest.map((m) => m.content)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i + 6}`));
    const older = (await call("GET", `${conversationPath}/messages?before=${latest[0]?.id}`)).body as { content: string }[];
    expect(older.map((m) => m.content)).toEqual(["m1", "m2", "m3", "m4", "m5"]);
    const newer = (await call("GET", `${conversationPath}/messages?after=23`)).body as { content: string }[];
    expect(newer.map((m) => m.content)).toEqual(["m24", "m25"]);
  });

  it("refuses an empty message", async () => {
    const t = await tenant();
    const { conversationPath } = await clientSession(t);
    expectStatus(await call("POST", `${conversationPath}/messages`, { body: {} }), 422);
    expectStatus(await call("POST", `${conversationPath}/messages`, { body: { content: "   " } }), 422);
  });

  it("does not let one contact read or write another contact's conversation", async () => {
    const t = await tenant();
    const mine = await clientSession(t);
    const theirs = await clientSession(t);
    const foreign = `${mine.base}/conversations/${theirs.conversation.id}`;
    expectStatus(await call("GET", foreign), 404);
    expectStatus(await call("GET", `${foreign}/messages`), 404);
    expectStatus(await call("POST", `${foreign}/messages`, { body: { content: "intrusion" } }), 404);
    expectStatus(await call("POST", `${foreign}/toggle_status`), 404);
    expect((await call("GET", `${theirs.conversationPath}/messages`)).body).toEqual([]);
  });

  it("lists the session's conversations with their latest message", async () => {
    const t = await tenant();
    const { base, conversationPath } = await clientSession(t);
    await call("POST", `${conversationPath}/messages`, { body: { content: "latest words" } });
    const list = await call("GET", `${base}/conversations`);
    expectStatus(list, 200);
    expect(list.body).toHaveLength(1);
    expect(list.body[0].messages.map((m: { content: string }) => m.content)).toEqual(["latest words"]);
  });

  it("toggles the status between resolved and open, recording activity messages", async () => {
    const t = await tenant();
    const { conversationPath } = await clientSession(t);
    expect((await call("POST", `${conversationPath}/toggle_status`)).body.status).toBe("resolved");
    expect((await call("POST", `${conversationPath}/toggle_status`)).body.status).toBe("open");
    const messages = (await call("GET", `${conversationPath}/messages`)).body as { message_type: number; content: string }[];
    expect(messages.map((m) => [m.message_type, m.content])).toEqual([
      [2, "Conversation was marked resolved by Vera Visitor"],
      [2, "Conversation was reopened by Vera Visitor"],
    ]);
  });

  it("reopens a resolved conversation when the contact writes again", async () => {
    const t = await tenant();
    const { conversationPath } = await clientSession(t);
    await call("POST", `${conversationPath}/toggle_status`);
    await call("POST", `${conversationPath}/messages`, { body: { content: "one more thing" } });
    expect((await call("GET", conversationPath)).body.status).toBe("open");
  });

  it("accepts typing and last-seen updates", async () => {
    const t = await tenant();
    const { conversationPath } = await clientSession(t);
    expectStatus(await call("POST", `${conversationPath}/toggle_typing`, { body: { typing_status: "on" } }), 200);
    expectStatus(await call("POST", `${conversationPath}/toggle_typing`, { body: { typing_status: "sideways" } }), 422);
    expectStatus(await call("POST", `${conversationPath}/update_last_seen`), 200);
    expect((await call("GET", conversationPath)).body.contact_last_seen_at).toBeGreaterThan(0);
  });
});
