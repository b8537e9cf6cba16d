import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { identifierHash } from "../../src/domain/identity";
import { connectCable } from "./cable-client";
import { call, createInbox, expectStatus, type Reply, tenant, unique } from "./helpers";

type Tenant = Awaited<ReturnType<typeof tenant>>;
type PublicContact = { id: number; source_id: string; pubsub_token: string; name: string; email: string | null; identifier: string | null };

/** A website inbox and what its widget does for a visitor: start a session, setUser, talk. */
async function website(t: Tenant) {
  const inbox = await createInbox(t.admin.access_token, t.account.id);
  const token = inbox.website_token as string;
  const contacts = `/public/api/v1/inboxes/${token}/contacts`;
  const session = (sourceId: string) => `${contacts}/${sourceId}`;
  return {
    inbox,
    /** A new device: a bare session, as the widget starts one before setUser. */
    async newDevice(): Promise<PublicContact> {
      const reply = await call("POST", contacts, { body: {} });
      expectStatus(reply, 200);
      return reply.body;
    },
    setUser: (sourceId: string, body: Record<string, unknown>) => call("PATCH", session(sourceId), { body }),
    hash: (identifier: string) => identifierHash(inbox.hmac_token, identifier),
    async startConversation(sourceId: string, content: string) {
      const conversation = await call("POST", `${session(sourceId)}/conversations`, { body: {} });
      expectStatus(conversation, 200);
      expectStatus(await call("POST", `${session(sourceId)}/conversations/${conversation.body.id}/messages`, { body: { content } }), 200);
      return conversation.body.id as number;
    },
    conversations: (sourceId: string) => call("GET", `${session(sourceId)}/conversations`),
    contact: (sourceId: string) => call("GET", session(sourceId)),
  };
}

const asAgent = (t: Tenant, contactId: number) => call("GET", `/api/v1/accounts/${t.account.id}/contacts/${contactId}`, { token: t.admin.access_token });

/** Visitor A claims "user-42" without proof; then the real user-42 identifies with a valid hash on another device. */
async function squattedIdentifier() {
  const t = await tenant();
  const site = await website(t);
  const squatter = await site.newDevice();
  expectStatus(await site.setUser(squatter.source_id, { identifier: "user-42", name: "Mallory" }), 200);
  const squatterConversation = await site.startConversation(squatter.source_id, "I am user 42, honest");
  const device = await site.newDevice();
  const person = await site.setUser(device.source_id, {
    identifier: "user-42",
    identifier_hash: await site.hash("user-42"),
    name: "Real 42",
    email: "real42@example.test",
  });
  expectStatus(person, 200);
  const personConversation = await site.startConversation(person.body.source_id, "My order number is 9001");
  return { t, site, squatter, squatterConversation, person: person.body as PublicContact, personConversation };
}

describe("Visitor identity", () => {
  it("keeps an identifier set without a hash as a claim, never on the contact", async () => {
    const t = await tenant();
    const site = await website(t);
    const visitor = await site.newDevice();
    const reply = await site.setUser(visitor.source_id, { identifier: "crm-7" });
    expectStatus(reply, 200);
    const contact = (await asAgent(t, visitor.id)).body.payload;
    expect(contact.identifier).toBeNull();
    expect(contact.additional_attributes).toEqual({ claimed_identifier: "crm-7" });
  });

  it("lands the verified person on a contact the squatter's session does not own", async () => {
    const { t, squatter, person } = await squattedIdentifier();
    expect(person.id).not.toBe(squatter.id);
    const personContact = (await asAgent(t, person.id)).body.payload;
    expect(personContact).toMatchObject({ identifier: "user-42", name: "Real 42", email: "real42@example.test" });
    const squatterContact = (await asAgent(t, squatter.id)).body.payload;
    expect(squatterContact).toMatchObject({ identifier: null, name: "Mallory", email: null, additional_attributes: { claimed_identifier: "user-42" } });
  });

  it("never shows the squatter's session the verified person's conversations or data", async () => {
    const { site, squatter, squatterConversation, personConversation } = await squattedIdentifier();
    const own = await site.contact(squatter.source_id);
    expect(own.body).toMatchObject({ id: squatter.id, name: "Mallory", email: null, identifier: "user-42" });
    const conversations = await site.conversations(squatter.source_id);
    expect(conversations.body.map((c: { id: number }) => c.id)).toEqual([squatterConversation]);
    expectStatus(
      await call("GET", `/public/api/v1/inboxes/${site.inbox.website_token}/contacts/${squatter.source_id}/conversations/${personConversation}/messages`),
      404,
    );
  });

  it("never sends the verified person's later messages to the squatter's socket", async () => {
    const { t, squatter, person, personConversation } = await squattedIdentifier();
    const squatterSocket = await connectCable();
    const personSocket = await connectCable();
    expect((await squatterSocket.subscribe(squatterSocket.identifierFor(squatter.pubsub_token))).type).toBe("confirm_subscription");
    expect((await personSocket.subscribe(personSocket.identifierFor(person.pubsub_token))).type).toBe("confirm_subscription");
    await call("POST", `/api/v1/accounts/${t.account.id}/conversations/${personConversation}/messages`, {
      token: t.admin.access_token,
      body: { content: "Your order 9001 ships today" },
    });
    await personSocket.waitForEvent("message.created", (d) => d.content === "Your order 9001 ships today");
    expect(JSON.stringify(squatterSocket.frames)).not.toContain("9001");
    squatterSocket.close();
    personSocket.close();
  });

  it("keeps a claim made after the person identified away from the person's contact", async () => {
    const t = await tenant();
    const site = await website(t);
    const device = await site.newDevice();
    const person = (await site.setUser(device.source_id, { identifier: "user-9", identifier_hash: await site.hash("user-9"), name: "Nine" })).body;
    const squatter = await site.newDevice();
    const claim = await site.setUser(squatter.source_id, { identifier: "user-9", name: "Mallory" });
    expectStatus(claim, 200);
    expect(claim.body).toMatchObject({ id: squatter.id, source_id: squatter.source_id, name: "Mallory", identifier: "user-9" });
    expect((await asAgent(t, person.id)).body.payload).toMatchObject({ name: "Nine", identifier: "user-9" });
  });

  it("shows a returning visitor on a new device the conversation they had", async () => {
    const t = await tenant();
    const site = await website(t);
    const identity = { identifier: "user-77", identifier_hash: await site.hash("user-77") };
    const first = await site.newDevice();
    const firstSession = (await site.setUser(first.source_id, identity)).body;
    const earlier = await site.startConversation(firstSession.source_id, "Where is my parcel?");

    const second = await site.newDevice();
    const reply = await site.setUser(second.source_id, identity);
    expectStatus(reply, 200);
    expect(reply.body).toMatchObject({ id: firstSession.id, source_id: firstSession.source_id, identifier: "user-77" });
    const conversations = await site.conversations(reply.body.source_id);
    expect(conversations.body.map((c: { id: number }) => c.id)).toEqual([earlier]);
  });

  it("gives the returning visitor's new device a pubsub token that receives their conversation's messages", async () => {
    const t = await tenant();
    const site = await website(t);
    const identity = { identifier: "user-78", identifier_hash: await site.hash("user-78") };
    const first = await site.newDevice();
    const earlier = await site.startConversation((await site.setUser(first.source_id, identity)).body.source_id, "Hello");
    const second = await site.newDevice();
    const session = (await site.setUser(second.source_id, identity)).body as PublicContact;
    const socket = await connectCable();
    expect((await socket.subscribe(socket.identifierFor(session.pubsub_token))).type).toBe("confirm_subscription");
    await call("POST", `/api/v1/accounts/${t.account.id}/conversations/${earlier}/messages`, { token: t.admin.access_token, body: { content: "Hi again" } });
    await socket.waitForEvent("message.created", (d) => d.content === "Hi again");
    socket.close();
  });

  it("joins the new device's anonymous contact to the person's, not the other way round", async () => {
    const t = await tenant();
    const site = await website(t);
    const identity = { identifier: "user-79", identifier_hash: await site.hash("user-79") };
    const first = await site.newDevice();
    const person = (await site.setUser(first.source_id, { ...identity, name: "Person" })).body;
    const second = await site.newDevice();
    const anonymous = await site.startConversation(second.source_id, "Asking before signing in");
    await site.setUser(second.source_id, identity);
    expectStatus(await asAgent(t, second.id), 404);
    const moved = await call("GET", `/api/v1/accounts/${t.account.id}/conversations/${anonymous}`, { token: t.admin.access_token });
    expect(moved.body.meta.sender).toMatchObject({ id: person.id, name: "Person", identifier: "user-79" });
  });

  it("gives a device that was another person's its own session for the new person", async () => {
    const t = await tenant();
    const site = await website(t);
    const device = await site.newDevice();
    const alice = (await site.setUser(device.source_id, { identifier: "alice", identifier_hash: await site.hash("alice"), name: "Alice" })).body;
    const aliceConversation = await site.startConversation(alice.source_id, "Alice's question");
    const bob = await site.setUser(alice.source_id, { identifier: "bob", identifier_hash: await site.hash("bob"), name: "Bob" });
    expectStatus(bob, 200);
    expect(bob.body.id).not.toBe(alice.id);
    expect(bob.body.source_id).not.toBe(alice.source_id);
    expect((await site.conversations(bob.body.source_id)).body).toEqual([]);
    expect((await asAgent(t, alice.id)).body.payload).toMatchObject({ name: "Alice", identifier: "alice" });
    expect((await site.conversations(alice.source_id)).body.map((c: { id: number }) => c.id)).toEqual([aliceConversation]);
  });

  it("updates the visitor's own contact on a setUser without a hash, with the identifier as a claim", async () => {
    const t = await tenant();
    const site = await website(t);
    const owner = await site.newDevice();
    await site.setUser(owner.source_id, {
      identifier: "user-5",
      identifier_hash: await site.hash("user-5"),
      name: "Owner",
      custom_attributes: { plan: "gold" },
    });
    const visitor = await site.newDevice();
    const reply = await site.setUser(visitor.source_id, {
      identifier: "user-5",
      name: "Visitor",
      email: "visitor@example.test",
      custom_attributes: { cart: 3 },
    });
    expectStatus(reply, 200);
    expect(reply.body).toMatchObject({
      id: visitor.id,
      source_id: visitor.source_id,
      name: "Visitor",
      email: "visitor@example.test",
      custom_attributes: { cart: 3 },
    });
    expect((await asAgent(t, visitor.id)).body.payload).toMatchObject({
      name: "Visitor",
      email: "visitor@example.test",
      identifier: null,
      custom_attributes: { cart: 3 },
      additional_attributes: { claimed_identifier: "user-5" },
    });
    expect((await asAgent(t, owner.id)).body.payload).toMatchObject({ name: "Owner", identifier: "user-5", custom_attributes: { plan: "gold" } });
  });
});

/**
 * The same request in two accounts, one where another contact already holds the values and one
 * where nobody does; the answers must be the same apart from the ids and tokens each session gets.
 */
async function inBothAccounts(holder: Record<string, unknown>, request: (site: Awaited<ReturnType<typeof website>>, t: Tenant) => Promise<Reply>) {
  const answers: Reply[] = [];
  for (const existing of [true, false]) {
    const t = await tenant();
    const site = await website(t);
    if (existing) {
      const other = await site.newDevice();
      const identifier = holder.identifier as string | undefined;
      const proof = identifier ? { identifier_hash: await site.hash(identifier) } : {};
      expectStatus(await site.setUser(other.source_id, { ...holder, ...proof }), 200);
    }
    answers.push(await request(site, t));
  }
  const [exists, absent] = answers.map((reply) => ({ status: reply.status, body: withoutOwnIds(reply.body) }));
  if (!exists || !absent) throw new Error("expected an answer from each account");
  return { exists, absent };
}

/** An answer with the ids and tokens that differ between any two sessions blanked out. */
function withoutOwnIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutOwnIds);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => {
      if (key === "id" || key.endsWith("_id")) return [key, typeof inner === "number" ? 0 : inner === null ? null : ""];
      if (key === "pubsub_token" || key === "uuid" || key === "echo_id") return [key, ""];
      if (key.endsWith("_at")) return [key, typeof inner];
      return [key, withoutOwnIds(inner)];
    }),
  );
}

describe("Visitor identity: answers that reveal nothing", () => {
  const taken = { email: "known@example.test", phone_number: "+14155550142", identifier: "known-1" };

  it("answers a contact creation the same whether the email, phone and identifier exist or not", async () => {
    const { exists, absent } = await inBothAccounts(taken, (site) =>
      call("POST", `/public/api/v1/inboxes/${site.inbox.website_token}/contacts`, { body: { name: "Probe", ...taken } }),
    );
    expect(exists).toEqual(absent);
    expect(exists.status).toBe(200);
  });

  it("answers a contact update the same whether the email, phone and identifier exist or not", async () => {
    const { exists, absent } = await inBothAccounts(taken, async (site) => {
      const probe = await site.newDevice();
      return site.setUser(probe.source_id, { name: "Probe", ...taken });
    });
    expect(exists).toEqual(absent);
    expect(exists.status).toBe(200);
  });

  it("answers a widget session the same whether the pre-chat email exists or not", async () => {
    const { exists, absent } = await inBothAccounts({ email: taken.email }, async (site, t) => {
      const token = unique("wt");
      await env.DB.prepare(
        "insert into chat_widgets (account_id, name, type, widget_token, inbox_id, settings, pre_chat_form) values (?, 'Site widget', 'live_chat', ?, ?, '{}', ?)",
      )
        .bind(
          t.account.id,
          token,
          site.inbox.id,
          JSON.stringify({ enabled: true, fields: [{ field_type: "standard", name: "email", type: "email", label: "Email", required: true, enabled: true }] }),
        )
        .run();
      return call("POST", "/api/v1/widget/sessions", { body: { widget_token: token, values: { email: taken.email } } });
    });
    expect(exists).toEqual(absent);
    expect(exists.status).toBe(201);
  });

  it("answers the visitor's conversation list the same whether their email exists or not", async () => {
    const { exists, absent } = await inBothAccounts({ email: taken.email }, async (site) => {
      const probe = await site.newDevice();
      await site.setUser(probe.source_id, { email: taken.email });
      await call("POST", `/public/api/v1/inboxes/${site.inbox.website_token}/contacts/${probe.source_id}/conversations`, { body: {} });
      return site.conversations(probe.source_id);
    });
    expect(exists).toEqual(absent);
  });

  it("lists the visitor's own messages the same whether their email exists or not", async () => {
    const { exists, absent } = await inBothAccounts({ email: taken.email }, async (site) => {
      const probe = await site.newDevice();
      await site.setUser(probe.source_id, { email: taken.email, name: "Probe" });
      const conversation = await site.startConversation(probe.source_id, "Hello?");
      return call("GET", `/public/api/v1/inboxes/${site.inbox.website_token}/contacts/${probe.source_id}/conversations/${conversation}/messages`);
    });
    expect(exists).toEqual(absent);
    expect(exists.body).toMatchObject([{ content: "Hello?", sender: { email: taken.email } }]);
  });

  it("sends the visitor's socket the same message events whether their email exists or not", async () => {
    const { exists, absent } = await inBothAccounts({ email: taken.email }, async (site, t) => {
      const probe = await site.newDevice();
      const identified = (await site.setUser(probe.source_id, { email: taken.email, name: "Probe" })).body as PublicContact;
      const socket = await connectCable();
      await socket.subscribe(socket.identifierFor(identified.pubsub_token));
      const conversation = await site.startConversation(probe.source_id, "Hello?");
      await call("POST", `/api/v1/accounts/${t.account.id}/conversations/${conversation}/messages`, { token: t.admin.access_token, body: { content: "Hi!" } });
      await socket.waitForEvent("message.created", (d) => d.content === "Hi!");
      socket.close();
      // The agent's reply marks the end; the visitor's own message is what could carry their contact.
      const events = socket.frames.filter((f) => f.message?.event === "message.created" && f.message.data.sender_type === "Contact").map((f) => f.message);
      return { status: 200, body: events, headers: new Headers() };
    });
    expect(exists).toEqual(absent);
    expect(exists.body).toMatchObject([{ data: { content: "Hello?", sender: { email: taken.email } } }]);
  });
});
