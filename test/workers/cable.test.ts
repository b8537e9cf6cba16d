import { describe, expect, it } from "vitest";
import { connectCable } from "./cable-client";
import { call, clientSession, createAccount, createAgency, createInbox, expectStatus, inviteUser, tenant } from "./helpers";

describe("/cable (ActionCable, Chatwoot's RoomChannel)", () => {
  it("welcomes a bare connection and agrees on the actioncable protocol", async () => {
    const cable = await connectCable();
    expect(cable.protocol).toBe("actioncable-v1-json");
    await cable.waitFor((f) => f.type === "welcome", "welcome");
    cable.close();
  });

  it("pings every 3 seconds so ActionCable clients do not count the connection stale", async () => {
    const cable = await connectCable();
    const ping = await cable.waitFor((f) => f.type === "ping", "a ping", 4_500);
    expect(ping).toEqual({ type: "ping", message: expect.any(Number) });
    cable.close();
  });

  it("confirms a user subscription with account_id and user_id", async () => {
    const t = await tenant();
    const cable = await connectCable();
    const identifier = cable.identifierFor(t.admin.pubsub_token, t.account.id, t.admin.id);
    expect((await cable.subscribe(identifier)).type).toBe("confirm_subscription");
    const presence = await cable.waitForEvent("presence.update");
    expect(presence.message?.data).toEqual({ account_id: t.account.id, users: { [String(t.admin.id)]: "online" }, contacts: {} });
    cable.close();
  });

  it("rejects forged, unknown and misrouted tokens", async () => {
    const t = await tenant();
    const other = await tenant();
    const cable = await connectCable();
    const forged = t.admin.pubsub_token.slice(0, -3) + "AAA";
    const attempts = [
      cable.identifierFor(forged, t.account.id),
      cable.identifierFor("nonsense", t.account.id),
      cable.identifierFor(t.admin.pubsub_token),
      cable.identifierFor(t.admin.pubsub_token, other.account.id),
      cable.identifierFor(t.admin.pubsub_token, t.account.id, t.agent.id),
      JSON.stringify({ channel: "OtherChannel", pubsub_token: t.admin.pubsub_token, account_id: t.account.id }),
    ];
    for (const identifier of attempts) expect((await cable.subscribe(identifier)).type, identifier).toBe("reject_subscription");
    cable.close();
  });

  it("rejects a user token after it was rotated", async () => {
    const t = await tenant();
    await call("POST", `/api/v1/agency/accounts/${t.account.id}/users/${t.agent.id}/rotate_token`, { token: t.agency.access_token });
    const cable = await connectCable();
    expect((await cable.subscribe(cable.identifierFor(t.agent.pubsub_token, t.account.id))).type).toBe("reject_subscription");
    cable.close();
  });

  it("delivers a contact's message to the agents and the contact's own session", async () => {
    const t = await tenant();
    const session = await clientSession(t);
    const agent = await connectCable();
    await agent.subscribe(agent.identifierFor(t.admin.pubsub_token, t.account.id, t.admin.id));
    const visitor = await connectCable();
    const visitorIdentifier = visitor.identifierFor(session.contact.pubsub_token);
    expect((await visitor.subscribe(visitorIdentifier)).type).toBe("confirm_subscription");

    await call("POST", `${session.conversationPath}/messages`, { body: { content: "Is anyone there?" } });

    const atAgent = await agent.waitForEvent("message.created", (d) => d.content === "Is anyone there?");
    expect(atAgent.message?.data).toMatchObject({ message_type: 0, conversation_id: session.conversation.id, sender: { type: "contact" } });
    const atVisitor = await visitor.waitForEvent("message.created", (d) => d.content === "Is anyone there?");
    expect(atVisitor.identifier).toBe(visitorIdentifier);
    agent.close();
    visitor.close();
  });

  it("keeps contacts out of other contacts' conversations", async () => {
    const t = await tenant();
    const mine = await clientSession(t);
    const theirs = await clientSession(t);
    const visitor = await connectCable();
    await visitor.subscribe(visitor.identifierFor(mine.contact.pubsub_token));
    await call("POST", `${theirs.conversationPath}/messages`, { body: { content: "secret of another contact" } });
    await call("POST", `${mine.conversationPath}/messages`, { body: { content: "my own" } });
    await visitor.waitForEvent("message.created", (d) => d.content === "my own");
    expect(JSON.stringify(visitor.frames)).not.toContain("secret of another contact");
    expect(visitor.events("contact.created")).toEqual([]);
    visitor.close();
  });

  it("sends contact.created to the account's users when a visitor starts a session", async () => {
    const t = await tenant();
    const agent = await connectCable();
    await agent.subscribe(agent.identifierFor(t.agent.pubsub_token, t.account.id));
    const session = await clientSession(t);
    const created = await agent.waitForEvent("contact.created", (d) => d.id === session.contact.id);
    expect(created.message?.data).toMatchObject({ name: "Vera Visitor", type: "contact" });
    agent.close();
  });

  it("shows an agent only the conversations of inboxes they belong to", async () => {
    const t = await tenant();
    const session = await clientSession(t);
    const agent = await connectCable();
    await agent.subscribe(agent.identifierFor(t.agent.pubsub_token, t.account.id));
    const admin = await connectCable();
    await admin.subscribe(admin.identifierFor(t.admin.pubsub_token, t.account.id));
    await call("POST", `${session.conversationPath}/messages`, { body: { content: "before membership" } });
    await admin.waitForEvent("message.created", (d) => d.content === "before membership");

    const added = await call("POST", `/api/v1/accounts/${t.account.id}/inbox_members`, {
      token: t.admin.access_token,
      body: { inbox_id: session.inbox.id, user_ids: [t.agent.id] },
    });
    expectStatus(added, 200);
    await call("POST", `${session.conversationPath}/messages`, { body: { content: "after membership" } });
    await agent.waitForEvent("message.created", (d) => d.content === "after membership");
    expect(JSON.stringify(agent.frames)).not.toContain("before membership");
    agent.close();
    admin.close();
  });

  it("answers update_presence with the account's presence, contacts only to users", async () => {
    const t = await tenant();
    const session = await clientSession(t);
    const visitor = await connectCable();
    const visitorIdentifier = visitor.identifierFor(session.contact.pubsub_token);
    await visitor.subscribe(visitorIdentifier);
    const agent = await connectCable();
    const agentIdentifier = agent.identifierFor(t.admin.pubsub_token, t.account.id);
    await agent.subscribe(agentIdentifier);

    agent.send(agentIdentifier, { action: "update_presence" });
    await agent.waitForEvent("presence.update", (d) => d.contacts?.[String(session.contact.id)] === "online");
    visitor.send(visitorIdentifier, { action: "update_presence" });
    const seenByVisitor = await visitor.waitForEvent("presence.update", (d) => d.users?.[String(t.admin.id)] === "online");
    expect(seenByVisitor.message?.data).not.toHaveProperty("contacts");
    visitor.close();
    agent.close();
  });

  it("delivers typing from the contact to agents", async () => {
    const t = await tenant();
    const session = await clientSession(t);
    const agent = await connectCable();
    await agent.subscribe(agent.identifierFor(t.admin.pubsub_token, t.account.id));
    await call("POST", `${session.conversationPath}/toggle_typing`, { body: { typing_status: "on" } });
    const typing = await agent.waitForEvent("conversation.typing_on");
    expect(typing.message?.data).toMatchObject({
      conversation: { id: session.conversation.id },
      user: { id: session.contact.id, type: "contact" },
      is_private: false,
      account_id: t.account.id,
    });
    agent.close();
  });

  it("refuses a user of another agency even with a valid token of theirs", async () => {
    const agency = await createAgency();
    const account = await createAccount(agency.access_token);
    const stranger = await inviteUser(agency.access_token, account.id, "administrator");
    const t = await tenant();
    const cable = await connectCable();
    expect((await cable.subscribe(cable.identifierFor(stranger.pubsub_token, t.account.id))).type).toBe("reject_subscription");
    cable.close();
  });
});

describe("/cable: contact and read events", () => {
  it("sends conversation.contact_changed for each conversation a merge moves", async () => {
    const t = await tenant();
    const base = await clientSession(t);
    const mergee = await clientSession(t);
    const agent = await connectCable();
    await agent.subscribe(agent.identifierFor(t.admin.pubsub_token, t.account.id));
    const merged = await call("POST", `/api/v1/accounts/${t.account.id}/actions/contact_merge`, {
      token: t.admin.access_token,
      body: { base_contact_id: base.contact.id, mergee_contact_id: mergee.contact.id },
    });
    expectStatus(merged, 200);
    const changed = await agent.waitForEvent("conversation.contact_changed", (d) => d.id === mergee.conversation.id);
    expect(changed.message?.data.meta.sender.id).toBe(base.contact.id);
    await agent.waitForEvent("contact.updated", (d) => d.id === base.contact.id);
    agent.close();
  });

  it("tells agents with conversation.read when the contact has read the conversation", async () => {
    const t = await tenant();
    const session = await clientSession(t);
    const agent = await connectCable();
    await agent.subscribe(agent.identifierFor(t.admin.pubsub_token, t.account.id));
    await call("POST", `${session.conversationPath}/update_last_seen`);
    const read = await agent.waitForEvent("conversation.read");
    expect(read.message?.data).toMatchObject({ id: session.conversation.id, contact_last_seen_at: expect.any(Number) });
    agent.close();
  });

  it("sends conversation.created to the agents and the contact's own session", async () => {
    const t = await tenant();
    const inbox = await createInbox(t.admin.access_token, t.account.id, { channel: { type: "api" } });
    const contact = await call("POST", `/public/api/v1/inboxes/${inbox.inbox_identifier}/contacts`, { body: { name: "Early" } });
    const agent = await connectCable();
    await agent.subscribe(agent.identifierFor(t.admin.pubsub_token, t.account.id));
    const visitor = await connectCable();
    await visitor.subscribe(visitor.identifierFor(contact.body.pubsub_token));
    const started = await call("POST", `/public/api/v1/inboxes/${inbox.inbox_identifier}/contacts/${contact.body.source_id}/conversations`, { body: {} });
    await agent.waitForEvent("conversation.created", (d) => d.id === started.body.id);
    const seen = await visitor.waitForEvent("conversation.created", (d) => d.id === started.body.id);
    expect(seen.message?.data).not.toHaveProperty("labels");
    agent.close();
    visitor.close();
  });
});
