import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { connectCable } from "./cable-client";
import { call, createInbox, expectStatus, tenant, unique } from "./helpers";

/** A chat widget row routed to a new website inbox (the chat widgets API is tested on its own). */
async function widgetFor(type: string, preChatForm: Record<string, unknown> = { enabled: false, fields: [] }) {
  const t = await tenant();
  const inbox = await createInbox(t.admin.access_token, t.account.id);
  for (const field of (preChatForm.fields as { field_type: string; name: string; type: string; values?: string[] }[] | undefined) ?? []) {
    if (field.field_type === "standard") continue;
    const definition = await call("POST", `/api/v1/accounts/${t.account.id}/custom_attribute_definitions`, {
      token: t.admin.access_token,
      body: {
        attribute_display_name: field.name,
        attribute_key: field.name,
        attribute_display_type: field.type,
        attribute_model: field.field_type,
        ...(field.values ? { attribute_values: field.values } : {}),
      },
    });
    expect(definition.status, JSON.stringify(definition.body)).toBeLessThan(300);
  }
  const token = unique("wt");
  await env.DB.prepare("insert into chat_widgets (account_id, name, type, widget_token, inbox_id, settings, pre_chat_form) values (?, ?, ?, ?, ?, '{}', ?)")
    .bind(t.account.id, "Site widget", type, token, inbox.id, JSON.stringify(preChatForm))
    .run();
  return { t, inbox, token };
}

const preChat = {
  enabled: true,
  message: "Tell us who you are",
  fields: [
    { field_type: "standard", name: "full_name", type: "text", label: "Name", required: true, enabled: true },
    { field_type: "standard", name: "email", type: "email", label: "Email", required: true, enabled: true },
    { field_type: "contact_attribute", name: "plan", type: "list", label: "Plan", required: false, enabled: true, values: ["free", "pro"] },
    { field_type: "conversation_attribute", name: "order", type: "text", label: "Order", required: false, enabled: true, regex_pattern: "^A-\\d+$" },
  ],
};

describe("Widget API: sessions", () => {
  it("does not ask for attribute fields whose definition was deleted", async () => {
    const { t, token } = await widgetFor("live_chat", preChat);
    const definitions = await call("GET", `/api/v1/accounts/${t.account.id}/custom_attribute_definitions?attribute_model=conversation_attribute`, {
      token: t.admin.access_token,
    });
    const order = definitions.body.find((d: { attribute_key: string }) => d.attribute_key === "order");
    expectStatus(await call("DELETE", `/api/v1/accounts/${t.account.id}/custom_attribute_definitions/${order.id}`, { token: t.admin.access_token }), 204);
    const reply = await call("POST", "/api/v1/widget/sessions", {
      body: { widget_token: token, values: { full_name: "V", email: "v@example.test", order: "nonsense" } },
    });
    expectStatus(reply, 201);
  });

  it("answers the widget's pre-chat form with per-field errors", async () => {
    const { token } = await widgetFor("live_chat", preChat);
    const reply = await call("POST", "/api/v1/widget/sessions", { body: { widget_token: token, values: { email: "nope", order: "B-7" } } });
    expectStatus(reply, 422);
    expect(reply.body.error.details.map((d: { field: string }) => d.field)).toEqual(["values.full_name", "values.email", "values.order"]);
  });

  it("refuses a referer that is not an http or https URL", async () => {
    const { token } = await widgetFor("live_chat", { enabled: false });
    const reply = await call("POST", "/api/v1/widget/sessions", { body: { widget_token: token, referer: "javascript:alert(document.cookie)" } });
    expectStatus(reply, 422);
    expect(reply.body.error.details[0].field).toBe("referer");
  });

  it("puts pre-chat answers on the contact and the conversation", async () => {
    const { t, token } = await widgetFor("live_chat", preChat);
    const reply = await call("POST", "/api/v1/widget/sessions", {
      body: {
        widget_token: token,
        values: { full_name: "Vera", email: "vera@example.test", plan: "pro", order: "A-17" },
        referer: "https://shop.example.test/cart",
      },
      headers: { "accept-language": "fr-FR,fr;q=0.9" },
    });
    expectStatus(reply, 201);
    const conversation = await call("GET", `/api/v1/accounts/${t.account.id}/conversations/${reply.body.conversation_id}`, { token: t.admin.access_token });
    expect(conversation.body).toMatchObject({
      custom_attributes: { order: "A-17" },
      additional_attributes: { referer: "https://shop.example.test/cart", browser_language: "fr-FR", widget_type: "live_chat" },
      meta: { sender: { name: "Vera", email: "vera@example.test", custom_attributes: { plan: "pro" } } },
    });
  });

  it("starts an email/SMS conversation with the visitor's message", async () => {
    const { t, token } = await widgetFor("email_sms");
    const missing = await call("POST", "/api/v1/widget/sessions", { body: { widget_token: token, values: { full_name: "Sam" } } });
    expectStatus(missing, 422);
    expect(missing.body.error.details.map((d: { field: string }) => d.field)).toEqual(["values.email", "message"]);
    const reply = await call("POST", "/api/v1/widget/sessions", {
      body: { widget_token: token, values: { full_name: "Sam", phone_number: "+14155550123" }, message: "Call me back please" },
    });
    expectStatus(reply, 201);
    const messages = await call("GET", `/api/v1/accounts/${t.account.id}/conversations/${reply.body.conversation_id}/messages`, {
      token: t.admin.access_token,
    });
    expect(messages.body.payload.map((m: { content: string }) => m.content)).toEqual(["Call me back please"]);
  });

  it("gives the visitor a pubsub token for their own conversation", async () => {
    const { t, token } = await widgetFor("live_chat");
    const session = await call("POST", "/api/v1/widget/sessions", { body: { widget_token: token } });
    const cable = await connectCable();
    expect((await cable.subscribe(cable.identifierFor(session.body.pubsub_token))).type).toBe("confirm_subscription");
    await call("POST", `/api/v1/accounts/${t.account.id}/conversations/${session.body.conversation_id}/messages`, {
      token: t.admin.access_token,
      body: { content: "Welcome!" },
    });
    await cable.waitForEvent("message.created", (d) => d.content === "Welcome!");
    cable.close();
  });

  it("sets conversation attributes and labels, and deletes contact attributes, for the session only", async () => {
    const { t, token } = await widgetFor("live_chat");
    const session = (await call("POST", "/api/v1/widget/sessions", { body: { widget_token: token } })).body;
    const ref = { widget_token: token, source_id: session.source_id, conversation_id: session.conversation_id };
    expectStatus(await call("POST", "/api/v1/widget/conversation/custom_attributes", { body: { ...ref, custom_attributes: { cart: 42 } } }), 200);
    expectStatus(await call("POST", "/api/v1/widget/conversation/labels/add", { body: { ...ref, label: "VIP" } }), 200);
    const conversation = await call("GET", `/api/v1/accounts/${t.account.id}/conversations/${session.conversation_id}`, { token: t.admin.access_token });
    expect(conversation.body).toMatchObject({ custom_attributes: { cart: 42 }, labels: ["vip"] });
    expectStatus(await call("POST", "/api/v1/widget/conversation/labels/remove", { body: { ...ref, label: "vip" } }), 200);

    const other = (await call("POST", "/api/v1/widget/sessions", { body: { widget_token: token } })).body;
    const foreign = { ...ref, source_id: other.source_id };
    expectStatus(await call("POST", "/api/v1/widget/conversation/labels/add", { body: { ...foreign, label: "intruder" } }), 404);
  });

  it("deletes the keys deleteConversationCustomAttribute names from the session's own conversation, and no other's", async () => {
    const { t, token } = await widgetFor("live_chat");
    const session = (await call("POST", "/api/v1/widget/sessions", { body: { widget_token: token } })).body;
    const ref = { widget_token: token, source_id: session.source_id, conversation_id: session.conversation_id };
    expectStatus(
      await call("POST", "/api/v1/widget/conversation/custom_attributes", { body: { ...ref, custom_attributes: { cart: 42, coupon: "SPRING" } } }),
      200,
    );
    const deleted = await call("POST", "/api/v1/widget/conversation/custom_attributes/delete", { body: { ...ref, keys: ["coupon", "never-set"] } });
    expectStatus(deleted, 200);
    expect(deleted.body).toEqual({ custom_attributes: { cart: 42 } });
    const conversation = await call("GET", `/api/v1/accounts/${t.account.id}/conversations/${session.conversation_id}`, { token: t.admin.access_token });
    expect(conversation.body.custom_attributes).toEqual({ cart: 42 });

    const other = (await call("POST", "/api/v1/widget/sessions", { body: { widget_token: token } })).body;
    const foreign = { ...ref, source_id: other.source_id, keys: ["cart"] };
    expectStatus(await call("POST", "/api/v1/widget/conversation/custom_attributes/delete", { body: foreign }), 404);
    const after = await call("GET", `/api/v1/accounts/${t.account.id}/conversations/${session.conversation_id}`, { token: t.admin.access_token });
    expect(after.body.custom_attributes).toEqual({ cart: 42 });
  });

  it("answers 404 for an unknown widget and 409 for a widget without a website inbox", async () => {
    expectStatus(await call("POST", "/api/v1/widget/sessions", { body: { widget_token: "nope" } }), 404);
    const { t } = await widgetFor("live_chat");
    const token = unique("wt");
    await env.DB.prepare("insert into chat_widgets (account_id, name, type, widget_token, settings, pre_chat_form) values (?, 'x', 'live_chat', ?, '{}', '{}')")
      .bind(t.account.id, token)
      .run();
    const reply = await call("POST", "/api/v1/widget/sessions", { body: { widget_token: token } });
    expectStatus(reply, 409);
    expect(reply.body.error.code).toBe("setup_incomplete");
  });
});

describe("Widget API: answering a campaign", () => {
  it("starts a conversation that begins with the campaign's message", async () => {
    const { t, inbox, token } = await widgetFor("live_chat");
    const campaign = await call("POST", `/api/v1/accounts/${t.account.id}/campaigns`, {
      token: t.admin.access_token,
      body: {
        title: "Pricing help",
        message: "Questions about pricing?",
        inbox_id: inbox.id,
        sender_id: t.admin.id,
        trigger_rules: { url: "https://shop.example.test/pricing", time_on_page: 5 },
      },
    });
    expectStatus(campaign, 201);
    const session = await call("POST", "/api/v1/widget/sessions", {
      body: { widget_token: token, campaign_id: campaign.body.id, message: "Yes, is there a discount?" },
    });
    expectStatus(session, 201);
    const messages = await call("GET", `/api/v1/accounts/${t.account.id}/conversations/${session.body.conversation_id}/messages`, {
      token: t.admin.access_token,
    });
    expect(
      messages.body.payload.map((m: { message_type: number; content: string; sender?: { id: number } }) => [m.message_type, m.content, m.sender?.id]),
    ).toEqual([
      [1, "Questions about pricing?", t.admin.id],
      [0, "Yes, is there a discount?", expect.any(Number)],
    ]);
  });

  it("refuses a campaign of another inbox", async () => {
    const { t, token } = await widgetFor("live_chat");
    const otherInbox = await createInbox(t.admin.access_token, t.account.id);
    const campaign = await call("POST", `/api/v1/accounts/${t.account.id}/campaigns`, {
      token: t.admin.access_token,
      body: { title: "Elsewhere", message: "Hi", inbox_id: otherInbox.id, trigger_rules: { url: "https://example.test/*", time_on_page: 0 } },
    });
    const reply = await call("POST", "/api/v1/widget/sessions", { body: { widget_token: token, campaign_id: campaign.body.id } });
    expectStatus(reply, 422);
    expect(reply.body.error.details[0].field).toBe("campaign_id");
  });
});
