import { describe, expect, it } from "vitest";
import { connectCable } from "./cable-client";
import { call, expectStatus, tenant } from "./helpers";
import { widgetCommandSession } from "./widget-fixtures";

async function setUp() {
  const t = await tenant();
  const { inbox, token, session, send } = await widgetCommandSession(t);
  const asAdmin = { token: t.admin.access_token };
  const conversationPath = `/api/v1/accounts/${t.account.id}/conversations/${session.conversation_id}`;
  return { t, inbox, token, session, send, asAdmin, conversationPath };
}

describe(">cs commands from the widget", () => {
  it("sets the category and a meta variable as conversation attributes, with activity messages", async () => {
    const { send, asAdmin, conversationPath } = await setUp();
    expectStatus(await send(">cs /set @category Used Car"), 200);
    expectStatus(await send(">cs /set isLead yes"), 200);
    const conversation = await call("GET", conversationPath, asAdmin);
    expect(conversation.body.custom_attributes).toEqual({ category: "Used Car", isLead: "yes" });
    const messages = (await call("GET", `${conversationPath}/messages`, asAdmin)).body.payload as { message_type: number; content: string }[];
    expect(messages.map((m) => [m.message_type, m.content])).toEqual([
      [2, "Website set the category to Used Car"],
      [2, "Website set isLead to yes"],
    ]);
  });

  it("sets contact fields and the location with its department", async () => {
    const { t, session, send, asAdmin } = await setUp();
    await send(">cs .email vera@example.test");
    await send(">cs .brand Toyota");
    await send(">cs .location 61be87aeafdf672d381a9db4#61be87aeafdf672d381a9db5");
    const contact = await call("GET", `/api/v1/accounts/${t.account.id}/contacts/${session.contact.id}`, asAdmin);
    expect(contact.body.payload).toMatchObject({
      email: "vera@example.test",
      custom_attributes: { brand: "Toyota", location: "61be87aeafdf672d381a9db4", department: "61be87aeafdf672d381a9db5" },
    });
  });

  it("keeps an email another contact holds as the visitor's claim, answering as if it were free", async () => {
    const { t, session, send, asAdmin } = await setUp();
    const holder = await call("POST", `/api/v1/accounts/${t.account.id}/contacts`, { ...asAdmin, body: { name: "Holder", email: "held@example.test" } });
    expectStatus(holder, 201);
    const taken = await send(">cs .email held@example.test");
    const free = await send(">cs .email free@example.test");
    expect([taken.status, free.status]).toEqual([200, 200]);
    const contact = (await call("GET", `/api/v1/accounts/${t.account.id}/contacts/${session.contact.id}`, asAdmin)).body.payload;
    expect(contact.email).toBe("free@example.test");
  });

  it("activates a form and fills its fields", async () => {
    const { send, asAdmin, conversationPath } = await setUp();
    const form = await call("POST", `${conversationPath}/messages`, {
      ...asAdmin,
      body: { content: "form", content_type: "form", content_attributes: { items: [{ name: "brand", type: "text", label: "Brand" }] } },
    });
    expectStatus(await send(`>cs +${form.body.id}`), 200);
    expectStatus(await send(">cs .brand Toyota"), 200);
    const messages = (await call("GET", `${conversationPath}/messages`, asAdmin)).body.payload as { id: number; content_attributes: Record<string, unknown> }[];
    expect(messages.find((m) => m.id === form.body.id)?.content_attributes.submitted_values).toEqual([{ name: "brand", value: "Toyota" }]);
  });

  it("assigns the conversation to an agent of the inbox", async () => {
    const { t, inbox, send, asAdmin, conversationPath } = await setUp();
    expectStatus(await send(`>cs /assign ${t.agent.id}`), 422);
    await call("POST", `/api/v1/accounts/${t.account.id}/inbox_members`, { ...asAdmin, body: { inbox_id: inbox.id, user_ids: [t.agent.id] } });
    expectStatus(await send(`>cs /assign ${t.agent.id}`), 200);
    expect((await call("GET", conversationPath, asAdmin)).body.meta.assignee.id).toBe(t.agent.id);
  });

  it("notifies the inbox's agents and mentions a user with notification.created", async () => {
    const { t, inbox, send } = await setUp();
    const admin = await connectCable();
    await admin.subscribe(admin.identifierFor(t.admin.pubsub_token, t.account.id));
    expectStatus(await send(`>cs /notify ${inbox.id}`), 200);
    const notified = await admin.waitForEvent("notification.created", (d) => d.notification_type === "conversation_notify");
    expect(notified.message?.data).toMatchObject({ primary_actor_type: "Conversation", account_id: t.account.id });
    expectStatus(await send(`>cs @${t.admin.id} Hello this is for you`), 200);
    const mention = await admin.waitForEvent("notification.created", (d) => d.notification_type === "conversation_mention");
    expect(mention.message?.data.push_message_title).toBe("Hello this is for you");
    admin.close();
  });

  it("never shows a command as chat text to the contact or the agents", async () => {
    const { inbox, session, send, asAdmin, conversationPath } = await setUp();
    await send(">cs /set @category Used Car");
    const agentView = (await call("GET", `${conversationPath}/messages`, asAdmin)).body.payload as { content: string }[];
    const contactView = (await call("GET", `/public/api/v1/inboxes/${inbox.website_token}/contacts/${session.source_id}/conversations/${session.conversation_id}/messages`))
      .body as { content: string; message_type: number }[];
    for (const view of [agentView, contactView]) expect(view.some((m) => m.content.includes(">cs"))).toBe(false);
    expect(agentView.map((m) => m.content)).toEqual(["Website set the category to Used Car"]);
    expect(contactView).toEqual([]);
  });

  it("answers a bad command with 422 and the reason, changing nothing", async () => {
    const { send, asAdmin, conversationPath } = await setUp();
    const reply = await send(">cs /launch rockets");
    expectStatus(reply, 422);
    expect(reply.body.error).toMatchObject({ code: "invalid_command", message: "Unknown command /launch." });
    expect((await call("GET", `${conversationPath}/messages`, asAdmin)).body.payload).toEqual([]);
  });
});
