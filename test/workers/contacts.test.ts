import { describe, expect, it } from "vitest";
import { call, clientSession, createInbox, expectStatus, tenant, unique } from "./helpers";

type Tenant = Awaited<ReturnType<typeof tenant>>;

const contactsPath = (accountId: number) => `/api/v1/accounts/${accountId}/contacts`;
const contactPath = (accountId: number, contactId: number) => `${contactsPath(accountId)}/${contactId}`;
const mergePath = (accountId: number) => `/api/v1/accounts/${accountId}/actions/contact_merge`;

async function createContact(t: Tenant, body: Record<string, unknown> = {}, token = t.admin.access_token) {
  const reply = await call("POST", contactsPath(t.account.id), { token, body: { name: unique("contact"), ...body } });
  expectStatus(reply, 201);
  return reply.body.payload.contact as { id: number; name: string; [field: string]: unknown };
}

async function addToInbox(t: Tenant, inboxId: number, userId: number) {
  const reply = await call("POST", `/api/v1/accounts/${t.account.id}/inbox_members`, {
    token: t.admin.access_token,
    body: { inbox_id: inboxId, user_ids: [userId] },
  });
  expectStatus(reply, 200);
}

const names = (reply: { body: { payload: { name: string }[] } }) => reply.body.payload.map((contact) => contact.name);

describe("Application API: contacts", () => {
  it("creates a contact in Chatwoot's shape", async () => {
    const t = await tenant();
    const reply = await call("POST", contactsPath(t.account.id), {
      token: t.admin.access_token,
      body: { name: "Ada", email: "ADA@example.test", phone_number: "+14155550100", custom_attributes: { plan: "gold" } },
    });
    expectStatus(reply, 201);
    expect(reply.body).toEqual({
      payload: {
        contact: {
          id: expect.any(Number),
          name: "Ada",
          email: "ada@example.test",
          phone_number: "+14155550100",
          identifier: null,
          thumbnail: "",
          avatar_url: "",
          additional_attributes: {},
          custom_attributes: { plan: "gold" },
          created_at: expect.any(Number),
          last_activity_at: null,
          type: "contact",
          contact_inboxes: [],
        },
        contact_inbox: { inbox: null, source_id: null },
      },
    });
  });

  it("starts a session in the inbox named by inbox_id", async () => {
    const t = await tenant();
    const inbox = await createInbox(t.admin.access_token, t.account.id, { name: "Support", channel: { type: "api" } });
    const reply = await call("POST", contactsPath(t.account.id), { token: t.admin.access_token, body: { name: "Ada", inbox_id: inbox.id } });
    expectStatus(reply, 201);
    const summary = { id: inbox.id, name: "Support", channel_type: "Channel::Api" };
    const { contact, contact_inbox } = reply.body.payload;
    expect(contact_inbox).toEqual({ inbox: summary, source_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(contact.contact_inboxes).toEqual([{ source_id: contact_inbox.source_id, inbox: summary }]);
  });

  it("answers 404 for an inbox_id of another account", async () => {
    const t = await tenant();
    const other = await tenant();
    const foreign = await createInbox(other.admin.access_token, other.account.id);
    const reply = await call("POST", contactsPath(t.account.id), { token: t.admin.access_token, body: { inbox_id: foreign.id } });
    expectStatus(reply, 404);
    expect((await call("GET", contactsPath(t.account.id), { token: t.admin.access_token })).body.meta.count).toBe(0);
  });

  it("answers 422 naming the field for an email the account already has", async () => {
    const t = await tenant();
    await createContact(t, { email: "taken@example.test" });
    const reply = await call("POST", contactsPath(t.account.id), { token: t.admin.access_token, body: { email: "taken@example.test" } });
    expectStatus(reply, 422);
    expect(reply.body.error.details).toEqual([{ field: "email", message: "has already been taken", code: "taken" }]);
  });

  it("allows the same email in another account", async () => {
    await createContact(await tenant(), { email: "shared@example.test" });
    await createContact(await tenant(), { email: "shared@example.test" });
  });

  it("lets agents create and update contacts", async () => {
    const t = await tenant();
    const contact = await createContact(t, { name: "By agent" }, t.agent.access_token);
    const reply = await call("PUT", contactPath(t.account.id, contact.id), { token: t.agent.access_token, body: { name: "Renamed" } });
    expectStatus(reply, 200);
    expect(reply.body.payload.name).toBe("Renamed");
  });

  it("shows a contact with its contact inboxes", async () => {
    const t = await tenant();
    const { contact, inbox } = await clientSession(t);
    const reply = await call("GET", contactPath(t.account.id, contact.id), { token: t.admin.access_token });
    expectStatus(reply, 200);
    expect(reply.body.payload).toMatchObject({
      id: contact.id,
      name: "Vera Visitor",
      contact_inboxes: [{ source_id: contact.source_id, inbox: { id: inbox.id, name: inbox.name, channel_type: "Channel::Api" } }],
    });
  });

  it("answers 404 for a contact that does not exist", async () => {
    const t = await tenant();
    expectStatus(await call("GET", contactPath(t.account.id, 999_999), { token: t.admin.access_token }), 404);
  });

  it("lists 15 contacts per page with the total count, newest first by default", async () => {
    const t = await tenant();
    for (let i = 1; i <= 17; i++) await createContact(t, { name: `Contact ${String(i).padStart(2, "0")}` });
    const first = await call("GET", contactsPath(t.account.id), { token: t.admin.access_token });
    expectStatus(first, 200);
    expect(first.body.meta).toEqual({ count: 17, current_page: 1, per_page: 15 });
    expect(first.body.payload).toHaveLength(15);
    expect(first.body.payload[0].name).toBe("Contact 17");
    const second = await call("GET", `${contactsPath(t.account.id)}?page=2`, { token: t.admin.access_token });
    expect(second.body.meta).toEqual({ count: 17, current_page: 2, per_page: 15 });
    expect(names(second)).toEqual(["Contact 02", "Contact 01"]);
  });

  it("sorts by a field, descending with a leading minus", async () => {
    const t = await tenant();
    for (const name of ["Bravo", "Alpha", "Charlie"]) await createContact(t, { name });
    const token = t.admin.access_token;
    expect(names(await call("GET", `${contactsPath(t.account.id)}?sort=name`, { token }))).toEqual(["Alpha", "Bravo", "Charlie"]);
    expect(names(await call("GET", `${contactsPath(t.account.id)}?sort=-name`, { token }))).toEqual(["Charlie", "Bravo", "Alpha"]);
  });

  it("refuses a sort field it does not know with 400", async () => {
    const t = await tenant();
    const reply = await call("GET", `${contactsPath(t.account.id)}?sort=password`, { token: t.admin.access_token });
    expectStatus(reply, 400);
    expect(reply.body.error.details[0].field).toBe("sort");
  });

  it("includes contact_inboxes unless include_contact_inboxes is false", async () => {
    const t = await tenant();
    const { contact } = await clientSession(t);
    const token = t.admin.access_token;
    const withInboxes = await call("GET", contactsPath(t.account.id), { token });
    expect(withInboxes.body.payload[0].contact_inboxes).toEqual([
      { source_id: contact.source_id, inbox: expect.objectContaining({ channel_type: "Channel::Api" }) },
    ]);
    const without = await call("GET", `${contactsPath(t.account.id)}?include_contact_inboxes=false`, { token });
    expectStatus(without, 200);
    expect(without.body.payload[0]).not.toHaveProperty("contact_inboxes");
  });

  it("lists a contact created through the Client API", async () => {
    const t = await tenant();
    const { contact } = await clientSession(t);
    const reply = await call("GET", contactsPath(t.account.id), { token: t.admin.access_token });
    expect(reply.body.payload.map((c: { id: number }) => c.id)).toEqual([contact.id]);
  });

  it("shows agents only the contact inboxes of inboxes they are members of", async () => {
    const t = await tenant();
    const { contact, inbox } = await clientSession(t);
    const path = contactPath(t.account.id, contact.id);
    expect((await call("GET", path, { token: t.agent.access_token })).body.payload.contact_inboxes).toEqual([]);
    await addToInbox(t, inbox.id, t.agent.id);
    expect((await call("GET", path, { token: t.agent.access_token })).body.payload.contact_inboxes).toHaveLength(1);
  });

  it("searches name, email, phone number and identifier", async () => {
    const t = await tenant();
    await createContact(t, { name: "Grace Hopper", email: "grace@navy.example.test" });
    await createContact(t, { name: "Alan", phone_number: "+441234567890" });
    await createContact(t, { name: "Barbara", identifier: "crm-4242" });
    await createContact(t, { name: "Nobody" });
    const search = async (q: string) =>
      names(await call("GET", `${contactsPath(t.account.id)}/search?q=${encodeURIComponent(q)}`, { token: t.admin.access_token }));
    expect(await search("hopper")).toEqual(["Grace Hopper"]);
    expect(await search("navy.example")).toEqual(["Grace Hopper"]);
    expect(await search("+4412")).toEqual(["Alan"]);
    expect(await search("4242")).toEqual(["Barbara"]);
    expect(await search("100%")).toEqual([]);
  });

  it("answers a search page with the count of matches", async () => {
    const t = await tenant();
    for (let i = 0; i < 3; i++) await createContact(t, { name: `Match ${i}` });
    await createContact(t, { name: "Other" });
    const reply = await call("GET", `${contactsPath(t.account.id)}/search?q=match&per_page=2`, { token: t.admin.access_token });
    expectStatus(reply, 200);
    expect(reply.body.meta).toEqual({ count: 3, current_page: 1, per_page: 2 });
    expect(reply.body.payload).toHaveLength(2);
  });

  it("requires a search string", async () => {
    const t = await tenant();
    const reply = await call("GET", `${contactsPath(t.account.id)}/search`, { token: t.admin.access_token });
    expectStatus(reply, 400);
    expect(reply.body.error.details[0].field).toBe("q");
  });

  it("updates a contact with PUT or PATCH, merging custom attributes", async () => {
    const t = await tenant();
    const contact = await createContact(t, { custom_attributes: { plan: "gold" } });
    const path = contactPath(t.account.id, contact.id);
    await call("PUT", path, { token: t.admin.access_token, body: { custom_attributes: { seats: 3 } } });
    const reply = await call("PATCH", path, { token: t.admin.access_token, body: { name: "Renamed", email: "new@example.test" } });
    expectStatus(reply, 200);
    expect(reply.body.payload).toMatchObject({ name: "Renamed", email: "new@example.test", custom_attributes: { plan: "gold", seats: 3 } });
  });

  it("answers 422 for an update to an identifier another contact has", async () => {
    const t = await tenant();
    await createContact(t, { identifier: "crm-1" });
    const contact = await createContact(t);
    const reply = await call("PUT", contactPath(t.account.id, contact.id), { token: t.admin.access_token, body: { identifier: "crm-1" } });
    expectStatus(reply, 422);
    expect(reply.body.error.details[0].field).toBe("identifier");
  });

  it("removes custom attributes by key", async () => {
    const t = await tenant();
    const contact = await createContact(t, { custom_attributes: { plan: "gold", seats: 3, region: "eu" } });
    const reply = await call("POST", `${contactPath(t.account.id, contact.id)}/destroy_custom_attributes`, {
      token: t.admin.access_token,
      body: { custom_attributes: ["plan", "region", "missing"] },
    });
    expectStatus(reply, 200);
    expect(reply.body.payload.custom_attributes).toEqual({ seats: 3 });
  });

  it("deletes a contact without conversations", async () => {
    const t = await tenant();
    const contact = await createContact(t);
    const path = contactPath(t.account.id, contact.id);
    expectStatus(await call("DELETE", path, { token: t.admin.access_token }), 204);
    expectStatus(await call("GET", path, { token: t.admin.access_token }), 404);
    expectStatus(await call("DELETE", path, { token: t.admin.access_token }), 404);
  });

  it("refuses with 409 to delete a contact that has conversations", async () => {
    const t = await tenant();
    const { contact } = await clientSession(t);
    const reply = await call("DELETE", contactPath(t.account.id, contact.id), { token: t.admin.access_token });
    expectStatus(reply, 409);
    expect(reply.body.error.code).toBe("conflict");
    expectStatus(await call("GET", contactPath(t.account.id, contact.id), { token: t.admin.access_token }), 200);
  });

  it("adds a contact inbox with a given or a random source id", async () => {
    const t = await tenant();
    const inbox = await createInbox(t.admin.access_token, t.account.id, { channel: { type: "api" } });
    const contact = await createContact(t);
    const path = `${contactPath(t.account.id, contact.id)}/contact_inboxes`;
    const given = await call("POST", path, { token: t.admin.access_token, body: { inbox_id: inbox.id, source_id: "crm-session-1" } });
    expectStatus(given, 201);
    expect(given.body).toEqual({ source_id: "crm-session-1", inbox: { id: inbox.id, name: inbox.name, channel_type: "Channel::Api" } });
    const random = await call("POST", path, { token: t.admin.access_token, body: { inbox_id: inbox.id } });
    expectStatus(random, 201);
    expect(random.body.source_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers 422 for a source id the inbox already has", async () => {
    const t = await tenant();
    const { inbox, contact } = await clientSession(t);
    const other = await createContact(t);
    const reply = await call("POST", `${contactPath(t.account.id, other.id)}/contact_inboxes`, {
      token: t.admin.access_token,
      body: { inbox_id: inbox.id, source_id: contact.source_id },
    });
    expectStatus(reply, 422);
    expect(reply.body.error.details[0].field).toBe("source_id");
  });

  it("lists contactable inboxes with the contact's source id where it has one", async () => {
    const t = await tenant();
    const { contact, inbox } = await clientSession(t);
    const website = await createInbox(t.admin.access_token, t.account.id, { name: "Website" });
    const reply = await call("GET", `${contactPath(t.account.id, contact.id)}/contactable_inboxes`, { token: t.admin.access_token });
    expectStatus(reply, 200);
    expect(reply.body.payload).toEqual([
      { source_id: contact.source_id, inbox: { id: inbox.id, name: inbox.name, channel_type: "Channel::Api" } },
      { inbox: { id: website.id, name: "Website", channel_type: "Channel::WebWidget" } },
    ]);
  });

  it("lists as contactable for an agent only the inboxes they are members of", async () => {
    const t = await tenant();
    const { contact } = await clientSession(t);
    const mine = await createInbox(t.admin.access_token, t.account.id);
    await addToInbox(t, mine.id, t.agent.id);
    const reply = await call("GET", `${contactPath(t.account.id, contact.id)}/contactable_inboxes`, { token: t.agent.access_token });
    expect(reply.body.payload.map((entry: { inbox: { id: number } }) => entry.inbox.id)).toEqual([mine.id]);
  });

  it("lists the contact's conversations", async () => {
    const t = await tenant();
    const { contact, conversation } = await clientSession(t);
    const reply = await call("GET", `${contactPath(t.account.id, contact.id)}/conversations`, { token: t.admin.access_token });
    expectStatus(reply, 200);
    expect(reply.body.payload).toHaveLength(1);
    expect(reply.body.payload[0]).toMatchObject({ id: conversation.id, meta: { sender: { id: contact.id } } });
  });

  it("lists for an agent only the contact's conversations in inboxes they are members of", async () => {
    const t = await tenant();
    const { contact, inbox } = await clientSession(t);
    const path = `${contactPath(t.account.id, contact.id)}/conversations`;
    expect((await call("GET", path, { token: t.agent.access_token })).body.payload).toEqual([]);
    await addToInbox(t, inbox.id, t.agent.id);
    expect((await call("GET", path, { token: t.agent.access_token })).body.payload).toHaveLength(1);
  });

  it("merges a contact into another, moving its conversations and deleting it", async () => {
    const t = await tenant();
    const base = await createContact(t, { name: "Base", custom_attributes: { plan: "gold" } });
    const mergee = await clientSession(t);
    const reply = await call("POST", mergePath(t.account.id), {
      token: t.admin.access_token,
      body: { base_contact_id: base.id, mergee_contact_id: mergee.contact.id },
    });
    expectStatus(reply, 200);
    expect(reply.body).toMatchObject({
      id: base.id,
      name: "Base",
      email: expect.stringMatching(/^vera-/),
      custom_attributes: { plan: "gold" },
      contact_inboxes: [{ source_id: mergee.contact.source_id }],
    });
    const conversations = await call("GET", `${contactPath(t.account.id, base.id)}/conversations`, { token: t.admin.access_token });
    expect(conversations.body.payload.map((c: { id: number }) => c.id)).toEqual([mergee.conversation.id]);
    expectStatus(await call("GET", contactPath(t.account.id, mergee.contact.id), { token: t.admin.access_token }), 404);
  });

  it("refuses to merge a contact into itself with 422", async () => {
    const t = await tenant();
    const contact = await createContact(t);
    const reply = await call("POST", mergePath(t.account.id), {
      token: t.admin.access_token,
      body: { base_contact_id: contact.id, mergee_contact_id: contact.id },
    });
    expectStatus(reply, 422);
    expect(reply.body.error.details[0].field).toBe("mergee_contact_id");
  });

  it("answers 404 for a merge naming a contact that does not exist", async () => {
    const t = await tenant();
    const contact = await createContact(t);
    const reply = await call("POST", mergePath(t.account.id), {
      token: t.admin.access_token,
      body: { base_contact_id: contact.id, mergee_contact_id: 999_999 },
    });
    expectStatus(reply, 404);
    expectStatus(await call("GET", contactPath(t.account.id, contact.id), { token: t.admin.access_token }), 200);
  });

  it("refuses agents with 403 on delete and merge", async () => {
    const t = await tenant();
    const one = await createContact(t);
    const two = await createContact(t);
    const token = t.agent.access_token;
    expectStatus(await call("DELETE", contactPath(t.account.id, one.id), { token }), 403);
    const merge = await call("POST", mergePath(t.account.id), { token, body: { base_contact_id: one.id, mergee_contact_id: two.id } });
    expectStatus(merge, 403);
    expect((await call("GET", contactsPath(t.account.id), { token })).body.meta.count).toBe(2);
  });

  it("answers 404 for another account's contact", async () => {
    const t = await tenant();
    const other = await tenant();
    const { contact } = await clientSession(other);
    expectStatus(await call("GET", contactPath(t.account.id, contact.id), { token: t.admin.access_token }), 404);
    expectStatus(await call("PUT", contactPath(t.account.id, contact.id), { token: t.admin.access_token, body: { name: "Mine" } }), 404);
    expectStatus(await call("GET", contactPath(other.account.id, contact.id), { token: t.admin.access_token }), 404);
    expect((await call("GET", contactPath(other.account.id, contact.id), { token: other.admin.access_token })).body.payload.name).toBe("Vera Visitor");
  });
});
