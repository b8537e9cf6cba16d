import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { connectCable } from "./cable-client";
import { call, clientSession, createTeam, eventually, expectStatus, tenant } from "./helpers";

async function setUp() {
  const t = await tenant();
  const session = await clientSession(t);
  const path = `/api/v1/accounts/${t.account.id}/conversations/${session.conversation.id}`;
  const asAdmin = { token: t.admin.access_token };
  return { t, session, path, asAdmin };
}

describe("Application API: conversations", () => {
  it("lists conversations with Chatwoot's meta counts", async () => {
    const { t, session, asAdmin } = await setUp();
    await call("POST", `${session.conversationPath}/messages`, { body: { content: "Hi" } });
    const reply = await call("GET", `/api/v1/accounts/${t.account.id}/conversations`, asAdmin);
    expectStatus(reply, 200);
    expect(reply.body.data.meta).toEqual({ mine_count: 0, unassigned_count: 1, assigned_count: 0, all_count: 1 });
    const [conversation] = reply.body.data.payload;
    expect(conversation).toMatchObject({
      id: session.conversation.id,
      account_id: t.account.id,
      inbox_id: session.inbox.id,
      status: "open",
      unread_count: 1,
      meta: { sender: { id: session.contact.id, name: "Vera Visitor", type: "contact" }, assignee: null, channel: "Channel::Api" },
      contact_inbox: { source_id: session.contact.source_id },
    });
    expect(conversation.messages.map((m: { content: string }) => m.content)).toEqual(["Hi"]);
  });

  it("filters by status, assignee type, inbox, team, labels and q", async () => {
    const { t, session, path, asAdmin } = await setUp();
    const other = await clientSession(t);
    const team = await createTeam(t.admin.access_token, t.account.id);
    await call("POST", `${path}/assignments`, { ...asAdmin, body: { assignee_id: t.admin.id } });
    await call("POST", `${path}/assignments`, { ...asAdmin, body: { team_id: team.id } });
    await call("POST", `${path}/labels`, { ...asAdmin, body: { labels: ["billing"] } });
    const list = async (query: string) =>
      ((await call("GET", `/api/v1/accounts/${t.account.id}/conversations?${query}`, asAdmin)).body.data.payload as { id: number }[]).map((c) => c.id);
    expect(await list("assignee_type=me")).toEqual([session.conversation.id]);
    expect(await list("assignee_type=unassigned")).toEqual([other.conversation.id]);
    expect(await list(`team_id=${team.id}`)).toEqual([session.conversation.id]);
    expect(await list("labels[]=billing")).toEqual([session.conversation.id]);
    expect(await list(`inbox_id=${other.inbox.id}`)).toEqual([other.conversation.id]);
    expect(await list("status=resolved")).toEqual([]);
    expect((await list("q=Vera")).sort()).toEqual([session.conversation.id, other.conversation.id].sort());
    const counts = (await call("GET", `/api/v1/accounts/${t.account.id}/conversations?assignee_type=me`, asAdmin)).body.data.meta;
    expect(counts).toEqual({ mine_count: 1, unassigned_count: 1, assigned_count: 1, all_count: 2 });
  });

  it("shows agents only the conversations of their inboxes", async () => {
    const { t, session, path } = await setUp();
    const asAgent = { token: t.agent.access_token };
    expectStatus(await call("GET", path, asAgent), 404);
    expect((await call("GET", `/api/v1/accounts/${t.account.id}/conversations`, asAgent)).body.data.payload).toEqual([]);
    await call("POST", `/api/v1/accounts/${t.account.id}/inbox_members`, {
      token: t.admin.access_token,
      body: { inbox_id: session.inbox.id, user_ids: [t.agent.id] },
    });
    expectStatus(await call("GET", path, asAgent), 200);
  });

  it("sends an agent reply that the contact sees, and a private note that the contact never sees", async () => {
    const { t, session, path, asAdmin } = await setUp();
    const reply = await call("POST", `${path}/messages`, { ...asAdmin, body: { content: "How can I help?" } });
    expectStatus(reply, 200);
    expect(reply.body).toMatchObject({ message_type: 1, private: false, sender: { id: t.admin.id, type: "user" } });
    const note = await call("POST", `${path}/messages`, { ...asAdmin, body: { content: "VIP customer", private: true } });
    expect(note.body.private).toBe(true);

    const seenByContact = (await call("GET", `${session.conversationPath}/messages`)).body as { content: string }[];
    expect(seenByContact.map((m) => m.content)).toEqual(["How can I help?"]);
    const seenByAgent = (await call("GET", `${path}/messages`, asAdmin)).body;
    expect(seenByAgent.payload.map((m: { content: string }) => m.content)).toEqual(["How can I help?", "VIP customer"]);
    expect(seenByAgent.meta.contact).toMatchObject({ id: session.contact.id });
  });

  it("never sends a private note to the contact's socket", async () => {
    const { t, session, path, asAdmin } = await setUp();
    const visitor = await connectCable();
    await visitor.subscribe(visitor.identifierFor(session.contact.pubsub_token));
    const agent = await connectCable();
    await agent.subscribe(agent.identifierFor(t.admin.pubsub_token, t.account.id));
    await call("POST", `${path}/messages`, { ...asAdmin, body: { content: "internal only", private: true } });
    await call("POST", `${path}/messages`, { ...asAdmin, body: { content: "public reply" } });
    await agent.waitForEvent("message.created", (d) => d.content === "internal only");
    await visitor.waitForEvent("message.created", (d) => d.content === "public reply");
    expect(JSON.stringify(visitor.frames)).not.toContain("internal only");
    visitor.close();
    agent.close();
  });

  it("fills template variables in outgoing messages, with fallbacks", async () => {
    const { path, asAdmin } = await setUp();
    const reply = await call("POST", `${path}/messages`, {
      ...asAdmin,
      body: { content: "Hi {{ contact.first_name }}, I am {{agent.first_name}}. Plan: {{ contact.custom_attribute.plan || 'free' }}" },
    });
    expect(reply.body.content).toMatch(/^Hi Vera, I am administrator\. Plan: free$/);
  });

  it("lists the variables of a draft that would render empty", async () => {
    const { path, asAdmin } = await setUp();
    const reply = await call("POST", `${path}/template_preview`, {
      ...asAdmin,
      body: { content: "Hello {{ contact.name }} {{ contact.phone_number }} {{ contact.shoe_size }}" },
    });
    expectStatus(reply, 200);
    expect(reply.body).toEqual({
      content: "Hello Vera Visitor  ",
      undefined_variables: [
        { variable: "contact.phone_number", reason: "missing" },
        { variable: "contact.shoe_size", reason: "unknown" },
      ],
    });
  });

  it("accepts the seed's interactive message payloads and refuses malformed ones", async () => {
    const { path, asAdmin } = await setUp();
    const payloads = [
      {
        content: "Select one of the items below",
        content_type: "input_select",
        content_attributes: {
          items: [
            { title: "Option1", value: "Option 1" },
            { title: "Option2", value: "Option 2" },
          ],
        },
        private: false,
      },
      {
        content: "form",
        content_type: "form",
        content_attributes: {
          items: [
            { name: "email", placeholder: "Please enter your email", type: "email", label: "Email", default: "xyc@xyc.com" },
            { name: "text_aread", placeholder: "Please enter text", type: "text_area", label: "Large Text", default: "Sample text" },
            {
              name: "select",
              label: "Select Option",
              type: "select",
              options: [
                { label: "🌯 Burito", value: "Burito" },
                { label: "🍝 Pasta", value: "Pasta" },
              ],
            },
          ],
        },
        private: false,
      },
      {
        content: "card message",
        content_type: "cards",
        content_attributes: {
          items: [
            {
              media_url: "https://assets.example.test/shoe.jpg",
              title: "Nike Shoes 2.0",
              description: "Running with Nike Shoe 2.0",
              actions: [
                { type: "link", text: "View More", uri: "google.com" },
                { type: "postback", text: "Add to cart", payload: "ITEM_SELECTED" },
              ],
            },
          ],
        },
        private: false,
      },
      {
        content: "articles",
        content_type: "article",
        content_attributes: { items: [{ title: "API start guide", description: "A random start api guide", link: "http://google.com" }] },
        private: false,
      },
    ];
    for (const body of payloads) {
      const reply = await call("POST", `${path}/messages`, { ...asAdmin, body });
      expectStatus(reply, 200);
      expect(reply.body).toMatchObject({ content_type: body.content_type, content_attributes: body.content_attributes });
    }
    const bad = await call("POST", `${path}/messages`, {
      ...asAdmin,
      body: { content: "x", content_type: "cards", content_attributes: { items: [{ actions: [] }] } },
    });
    expectStatus(bad, 422);
    expect(bad.body.error.details[0].field).toMatch(/^content_attributes\.items\.0/);
  });

  it("refuses javascript:, data: and other non-web links in cards and articles", async () => {
    const { path, asAdmin } = await setUp();
    const card = (uri: string) => ({
      content: "x",
      content_type: "cards",
      content_attributes: { items: [{ title: "T", actions: [{ type: "link", text: "Go", uri }] }] },
    });
    const article = (link: string) => ({ content: "x", content_type: "article", content_attributes: { items: [{ title: "T", link }] } });
    const image = (media_url: string) => ({ content: "x", content_type: "cards", content_attributes: { items: [{ title: "T", media_url }] } });
    for (const body of [
      card("javascript:alert(document.cookie)"),
      card(" JavaScript:alert(1)"),
      article("data:text/html,<script>alert(1)</script>"),
      article("vbscript:x"),
      image("javascript:alert(1)"),
      card("/relative/path"),
    ]) {
      const reply = await call("POST", `${path}/messages`, { ...asAdmin, body });
      expectStatus(reply, 422);
      expect(reply.body.error.details[0].field).toMatch(/^content_attributes\.items\.0\./);
    }
  });

  it("lets the contact answer an interactive form, emitting message.updated", async () => {
    const { t, session, path, asAdmin } = await setUp();
    const form = await call("POST", `${path}/messages`, {
      ...asAdmin,
      body: { content: "form", content_type: "form", content_attributes: { items: [{ name: "email", type: "email", label: "Email" }] } },
    });
    const agent = await connectCable();
    await agent.subscribe(agent.identifierFor(t.admin.pubsub_token, t.account.id));
    const answer = await call("PATCH", `${session.conversationPath}/messages/${form.body.id}`, {
      body: { submitted_values: [{ name: "email", value: "vera@example.test" }] },
    });
    expectStatus(answer, 200);
    const updated = await agent.waitForEvent("message.updated", (d) => d.id === form.body.id);
    expect(updated.message?.data.content_attributes.submitted_values).toEqual([{ name: "email", value: "vera@example.test" }]);
    agent.close();
  });

  it("toggles the status, announcing it with conversation.status_changed", async () => {
    const { t, path, asAdmin } = await setUp();
    const agent = await connectCable();
    await agent.subscribe(agent.identifierFor(t.admin.pubsub_token, t.account.id));
    const resolved = await call("POST", `${path}/toggle_status`, { ...asAdmin, body: {} });
    expect(resolved.body.payload).toMatchObject({ success: true, current_status: "resolved" });
    await agent.waitForEvent("conversation.status_changed", (d) => d.status === "resolved");
    const pending = await call("POST", `${path}/toggle_status`, { ...asAdmin, body: { status: "pending" } });
    expect(pending.body.payload.current_status).toBe("pending");
    agent.close();
  });

  it("refuses snoozed_until in the past or without status snoozed", async () => {
    const { path, asAdmin } = await setUp();
    expectStatus(await call("POST", `${path}/toggle_status`, { ...asAdmin, body: { status: "snoozed", snoozed_until: 1000 } }), 422);
    expectStatus(await call("POST", `${path}/toggle_status`, { ...asAdmin, body: { status: "open", snoozed_until: 4102444800 } }), 422);
  });

  it("assigns an agent and a team with activity messages and events", async () => {
    const { t, path, asAdmin } = await setUp();
    const team = await createTeam(t.admin.access_token, t.account.id, { name: "Billing" });
    const agent = await connectCable();
    await agent.subscribe(agent.identifierFor(t.admin.pubsub_token, t.account.id));
    const assigned = await call("POST", `${path}/assignments`, { ...asAdmin, body: { assignee_id: t.admin.id } });
    expect(assigned.body).toMatchObject({ id: t.admin.id, role: "administrator" });
    await agent.waitForEvent("assignee.changed", (d) => d.meta.assignee?.id === t.admin.id);
    const teamed = await call("POST", `${path}/assignments`, { ...asAdmin, body: { team_id: team.id } });
    expect(teamed.body).toEqual({ id: team.id, name: "Billing" });
    await agent.waitForEvent("team.changed", (d) => d.meta.team?.id === team.id);
    const activity = ((await call("GET", `${path}/messages`, asAdmin)).body.payload as { message_type: number; content: string }[])
      .filter((m) => m.message_type === 2)
      .map((m) => m.content);
    const adminName = `administrator ${t.admin.email}`;
    expect(activity).toEqual([`Assigned to ${adminName} by ${adminName}`, `Assigned to Billing team by ${adminName}`]);
    agent.close();
  });

  it("refuses to assign an agent who is not in the conversation's inbox", async () => {
    const { t, path, asAdmin } = await setUp();
    const reply = await call("POST", `${path}/assignments`, { ...asAdmin, body: { assignee_id: t.agent.id } });
    expectStatus(reply, 422);
    expect(reply.body.error.details[0].field).toBe("assignee_id");
  });

  it("sets labels, priority and custom attributes", async () => {
    const { path, asAdmin } = await setUp();
    expect((await call("POST", `${path}/labels`, { ...asAdmin, body: { labels: ["Billing", "vip", "vip"] } })).body).toEqual({ payload: ["billing", "vip"] });
    expect((await call("GET", `${path}/labels`, asAdmin)).body).toEqual({ payload: ["billing", "vip"] });
    expect((await call("POST", `${path}/toggle_priority`, { ...asAdmin, body: { priority: "urgent" } })).body.priority).toBe("urgent");
    const attrs = await call("POST", `${path}/custom_attributes`, { ...asAdmin, body: { custom_attributes: { order: "A-17" } } });
    expect(attrs.body).toEqual({ custom_attributes: { order: "A-17" } });
    expect((await call("GET", path, asAdmin)).body).toMatchObject({ labels: ["billing", "vip"], priority: "urgent", custom_attributes: { order: "A-17" } });
  });

  it("clears unread counts when an agent marks the conversation seen", async () => {
    const { session, path, asAdmin } = await setUp();
    await call("POST", `${session.conversationPath}/messages`, { body: { content: "unread" } });
    expect((await call("GET", path, asAdmin)).body.unread_count).toBe(1);
    expectStatus(await call("POST", `${path}/update_last_seen`, asAdmin), 200);
    expect((await call("GET", path, asAdmin)).body.unread_count).toBe(0);
  });

  it("delivers agent typing to the contact, but not private-note typing", async () => {
    const { t, session, path, asAdmin } = await setUp();
    const visitor = await connectCable();
    await visitor.subscribe(visitor.identifierFor(session.contact.pubsub_token));
    await call("POST", `${path}/toggle_typing_status`, { ...asAdmin, body: { typing_status: "on", is_private: true } });
    await call("POST", `${path}/toggle_typing_status`, { ...asAdmin, body: { typing_status: "off" } });
    const off = await visitor.waitForEvent("conversation.typing_off");
    expect(off.message?.data.user).toMatchObject({ id: t.admin.id, type: "user" });
    expect(visitor.events("conversation.typing_on")).toEqual([]);
    visitor.close();
  });
});

describe("conversation state that outlives its objects", () => {
  it("reopens a snoozed conversation when its alarm fires", async () => {
    const { t, path, asAdmin } = await setUp();
    const agent = await connectCable();
    await agent.subscribe(agent.identifierFor(t.admin.pubsub_token, t.account.id));
    const until = Math.floor(Date.now() / 1000) + 1;
    const snoozed = await call("POST", `${path}/toggle_status`, { ...asAdmin, body: { status: "snoozed", snoozed_until: until } });
    expect(snoozed.body.payload.current_status).toBe("snoozed");
    await eventually(async () => expect((await call("GET", path, asAdmin)).body.status).toBe("open"), 5_000);
    await agent.waitForEvent("conversation.status_changed", (d) => d.status === "open");
    const last = (await call("GET", `${path}/messages`, asAdmin)).body.payload.at(-1);
    expect(last).toMatchObject({ message_type: 2, content: "Conversation was reopened" });
    agent.close();
  });

  it("keeps messages and the index across eviction of both objects", async () => {
    const { t, session, path, asAdmin } = await setUp();
    for (const content of ["one", "two", "three"]) await call("POST", `${session.conversationPath}/messages`, { body: { content } });
    await evictDurableObject(env.CONVERSATION.getByName(`${t.account.id}:${session.conversation.id}`));
    await evictDurableObject(env.ACCOUNT.getByName(String(t.account.id)));
    const messages = (await call("GET", `${path}/messages`, asAdmin)).body.payload as { content: string }[];
    expect(messages.map((m) => m.content)).toEqual(["one", "two", "three"]);
    const list = (await call("GET", `/api/v1/accounts/${t.account.id}/conversations`, asAdmin)).body.data.payload;
    expect(list[0].messages[0].content).toBe("three");
  });
});
