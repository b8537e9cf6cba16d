import { describe, expect, it } from "vitest";
import { connectCable } from "./cable-client";
import { call, expectStatus, tenant } from "./helpers";
import { widgetCommandSession } from "./widget-fixtures";

/** The secret of the widget the signed tests use, as its administrator reads it from command_secret. */
const SECRET = "5f0c3e9a8b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e";

/** What a site's server computes: HMAC-SHA256 in hex of `<contact id>.<expires_at>.<command>` (docs/SECURITY.md). */
async function sign(secret: string, contactId: number, expiresAt: number, command: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${contactId}.${expiresAt}.${command}`));
  return [...new Uint8Array(mac)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

const inSeconds = (seconds: number) => Math.floor(Date.now() / 1000) + seconds;

async function setUp(widget: Parameters<typeof widgetCommandSession>[1] = {}) {
  const t = await tenant();
  const { inbox, token, session, send } = await widgetCommandSession(t, widget);
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

  it("assigns the conversation to an agent of the inbox when the widget trusts the page's script", async () => {
    const { t, inbox, send, asAdmin, conversationPath } = await setUp({ settings: { trust_page_script: true } });
    expectStatus(await send(`>cs /assign ${t.agent.id}`), 422);
    await call("POST", `/api/v1/accounts/${t.account.id}/inbox_members`, { ...asAdmin, body: { inbox_id: inbox.id, user_ids: [t.agent.id] } });
    expectStatus(await send(`>cs /assign ${t.agent.id}`), 200);
    expect((await call("GET", conversationPath, asAdmin)).body.meta.assignee.id).toBe(t.agent.id);
  });

  it("notifies the inbox's agents and mentions a user with notification.created when the widget trusts the page's script", async () => {
    const { t, inbox, send } = await setUp({ settings: { trust_page_script: true } });
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

  it("refuses unsigned /assign, /notify and @mention by default, while field and /set commands keep working", async () => {
    const { t, inbox, send, asAdmin, conversationPath } = await setUp();
    await call("POST", `/api/v1/accounts/${t.account.id}/inbox_members`, { ...asAdmin, body: { inbox_id: inbox.id, user_ids: [t.agent.id] } });
    for (const command of [`>cs /assign ${t.agent.id}`, `>cs /notify ${inbox.id}`, ">cs /notify", `>cs @${t.admin.id} Hello this is for you`]) {
      const reply = await send(command);
      expectStatus(reply, 422);
      expect(reply.body.error.code, command).toBe("command_not_allowed");
    }
    expect((await call("GET", conversationPath, asAdmin)).body.meta.assignee).toBeFalsy();
    expectStatus(await send(">cs .brand Toyota"), 200);
    expectStatus(await send(">cs /set isLead yes"), 200);
  });

  it("runs a command the site signed for this visitor once, and refuses the same signature again", async () => {
    const { t, inbox, session, send, asAdmin, conversationPath } = await setUp({ commandSecret: SECRET });
    await call("POST", `/api/v1/accounts/${t.account.id}/inbox_members`, { ...asAdmin, body: { inbox_id: inbox.id, user_ids: [t.agent.id] } });
    const command = `>cs /assign ${t.agent.id}`;
    const expires_at = inSeconds(300);
    const signature = await sign(SECRET, session.contact.id, expires_at, command);
    expectStatus(await send(command, { signature, expires_at }), 200);
    expect((await call("GET", conversationPath, asAdmin)).body.meta.assignee.id).toBe(t.agent.id);
    const again = await send(command, { signature, expires_at });
    expectStatus(again, 422);
    expect(again.body.error.code).toBe("signature_used");
  });

  it("refuses an expired signature", async () => {
    const { t, session, send } = await setUp({ commandSecret: SECRET });
    const command = `>cs @${t.admin.id} Hello`;
    const expires_at = inSeconds(-1);
    const reply = await send(command, { signature: await sign(SECRET, session.contact.id, expires_at, command), expires_at });
    expectStatus(reply, 422);
    expect(reply.body.error.code).toBe("signature_expired");
  });

  it("refuses a signature made for another visitor, another command or with another key", async () => {
    const { t, session, send } = await setUp({ commandSecret: SECRET });
    const command = `>cs @${t.admin.id} Hello`;
    const expires_at = inSeconds(300);
    for (const signature of [
      await sign(SECRET, session.contact.id + 1, expires_at, command),
      await sign(SECRET, session.contact.id, expires_at, ">cs /notify"),
      await sign(SECRET.replace("5f", "00"), session.contact.id, expires_at, command),
    ]) {
      const reply = await send(command, { signature, expires_at });
      expectStatus(reply, 422);
      expect(reply.body.error.code).toBe("invalid_signature");
    }
  });

  it("never shows a command as chat text to the contact or the agents", async () => {
    const { inbox, session, send, asAdmin, conversationPath } = await setUp();
    await send(">cs /set @category Used Car");
    const agentView = (await call("GET", `${conversationPath}/messages`, asAdmin)).body.payload as { content: string }[];
    const contactView = (
      await call("GET", `/public/api/v1/inboxes/${inbox.website_token}/contacts/${session.source_id}/conversations/${session.conversation_id}/messages`)
    ).body as { content: string; message_type: number }[];
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
