// The WhatsApp channel end to end: Meta's signed webhooks in (verification, messages of every type,
// statuses, redeliveries), agents' replies out through the Graph API (text, templates, the 24-hour
// window), and the inbox as the integration registry's number.
import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { bytesOf, REAL_FILE_HEADERS } from "./file-headers";
import { call, eventually, expectStatus, resolveConversation, tenant } from "./helpers";
import { programSink, sinkHost, sinkRequests } from "./outbound";
import { createWebhook } from "./webhook-fixtures";
import {
  ACCESS_TOKEN,
  APPOINTMENT_REMINDER,
  createWhatsappInbox,
  GRAPH_HOST,
  incomingMessage,
  newWamid,
  postWhatsapp,
  sentAnswer,
  statusUpdate,
  textMessage,
  uniqueWhatsappPhone,
  VERIFY_TOKEN,
} from "./whatsapp-fixtures";

type Tenant = Awaited<ReturnType<typeof tenant>>;
type Conversation = { id: number; status: string; meta: { channel: string; sender: { id: number; name: string; phone_number: string } } };
type Message = {
  id: number;
  content: string | null;
  message_type: number;
  status: string;
  source_id: string | null;
  content_attributes: Record<string, unknown>;
  attachments: { file_type: string; data_url: string }[];
};

async function whatsappTenant() {
  const t = await tenant();
  const { inbox, business } = await createWhatsappInbox(t.admin.access_token, t.account.id);
  const customer = { waId: uniqueWhatsappPhone().waId, name: "Sheena Nelson" };
  return { ...t, inbox, business, customer };
}
type WhatsappTenant = Awaited<ReturnType<typeof whatsappTenant>>;

async function conversationsOf(t: Tenant, inboxId: number) {
  const reply = await call("GET", `/api/v1/accounts/${t.account.id}/conversations?inbox_id=${inboxId}&status=all`, { token: t.admin.access_token });
  expectStatus(reply, 200);
  return reply.body.data.payload as Conversation[];
}

async function messagesOf(t: Tenant, displayId: number) {
  const reply = await call("GET", `/api/v1/accounts/${t.account.id}/conversations/${displayId}/messages`, { token: t.admin.access_token });
  expectStatus(reply, 200);
  return (reply.body.payload as Message[]).filter((message) => message.message_type !== 2);
}

async function onlyConversation(t: Tenant, inboxId: number) {
  let conversation: Conversation | undefined;
  await eventually(async () => {
    const conversations = await conversationsOf(t, inboxId);
    expect(conversations).toHaveLength(1);
    conversation = conversations[0];
  });
  return conversation as Conversation;
}

/** The conversation an incoming text opened, once its message is stored. */
async function conversationWithText(t: WhatsappTenant, body = "Does it come in another color?", extra: { timestamp?: number } = {}) {
  expectStatus(await postWhatsapp(t.business.phone, textMessage(t.business, t.customer, body, extra)), 200);
  const conversation = await onlyConversation(t, t.inbox.id);
  await eventually(async () => expect((await messagesOf(t, conversation.id)).length).toBeGreaterThan(0));
  return conversation;
}

const reply = (t: Tenant, displayId: number, body: Record<string, unknown>) =>
  call("POST", `/api/v1/accounts/${t.account.id}/conversations/${displayId}/messages`, {
    token: t.admin.access_token,
    body: { message_type: "outgoing", ...body },
  });

/** What the Graph API sink received for this inbox's number, as parsed JSON bodies. */
async function graphCalls(t: WhatsappTenant, suffix = "/messages") {
  return (await sinkRequests(GRAPH_HOST)).filter((request) => new URL(request.url).pathname.endsWith(`/${t.business.phoneNumberId}${suffix}`));
}

describe("WhatsApp inboxes", () => {
  it("creates a WhatsApp inbox in Chatwoot's shape, with the access token masked", async () => {
    const t = await whatsappTenant();
    expect(t.inbox).toMatchObject({
      channel_type: "Channel::Whatsapp",
      provider: "whatsapp_cloud",
      phone_number: t.business.phone,
      provider_config: { phone_number_id: t.business.phoneNumberId, business_account_id: t.business.businessAccountId, webhook_verify_token: VERIFY_TOKEN },
    });
    expect(t.inbox.provider_config.api_key).not.toContain(ACCESS_TOKEN.slice(0, 10));
  });

  it("registers the inbox's number in the integration registry, connected, and unlinks it when the inbox is deleted", async () => {
    const t = await whatsappTenant();
    const listed = await call("GET", `/api/v1/accounts/${t.account.id}/integrations/whatsapp_numbers`, { token: t.admin.access_token });
    expect(listed.body.payload).toEqual([expect.objectContaining({ phone_number: t.business.phone, status: "connected" })]);
    const linked = () =>
      env.DB.prepare("select inbox_id from whatsapp_numbers where account_id = ? and phone_number = ?")
        .bind(t.account.id, t.business.phone)
        .first<{ inbox_id: number | null }>();
    expect((await linked())?.inbox_id).toBe(t.inbox.id);
    expectStatus(await call("DELETE", `/api/v1/accounts/${t.account.id}/inboxes/${t.inbox.id}`, { token: t.admin.access_token }), 204);
    expect((await linked())?.inbox_id).toBeNull();
  });

  it("replaces the access token on PATCH without showing it, in the answer or the audit log, and refuses SMS settings", async () => {
    const t = await whatsappTenant();
    const path = `/api/v1/accounts/${t.account.id}/inboxes/${t.inbox.id}`;
    const newToken = "EAAG-rotated-access-token-9876";
    const patched = await call("PATCH", path, { token: t.admin.access_token, body: { channel: { provider_config: { api_key: newToken } } } });
    expectStatus(patched, 200);
    expect(patched.body.provider_config).toMatchObject({ api_key: "********9876", phone_number_id: t.business.phoneNumberId });
    const audit = await call("GET", `/api/v1/accounts/${t.account.id}/audit_logs`, { token: t.admin.access_token });
    expect(JSON.stringify(audit.body)).not.toContain(newToken);
    expect(JSON.stringify(audit.body)).not.toContain(ACCESS_TOKEN);
    expect(audit.body.audit_logs[0].audited_changes.api_key).toEqual(["[FILTERED]", "[FILTERED]"]);
    const wrong = await call("PATCH", path, { token: t.admin.access_token, body: { channel: { provider_config: { auth_token: "x" } } } });
    expectStatus(wrong, 422);
    expect(wrong.body.error.details[0]).toMatchObject({ field: "channel.provider_config.auth_token", code: "not_for_channel_type" });
  });

  it("moves the registry link when the inbox's number changes", async () => {
    const t = await whatsappTenant();
    const next = uniqueWhatsappPhone().e164;
    expectStatus(
      await call("PATCH", `/api/v1/accounts/${t.account.id}/inboxes/${t.inbox.id}`, { token: t.admin.access_token, body: { channel: { phone_number: next } } }),
      200,
    );
    const rows = await env.DB.prepare("select phone_number, inbox_id from whatsapp_numbers where account_id = ? order by id")
      .bind(t.account.id)
      .all<{ phone_number: string; inbox_id: number | null }>();
    expect(rows.results).toEqual([
      { phone_number: t.business.phone, inbox_id: null },
      { phone_number: next, inbox_id: t.inbox.id },
    ]);
  });

  it("links a number already in the registry instead of registering it twice", async () => {
    const t = await tenant();
    const phone = uniqueWhatsappPhone().e164;
    const registered = await call("POST", `/api/v1/accounts/${t.account.id}/integrations/whatsapp_numbers`, {
      token: t.admin.access_token,
      body: { phone_number: phone, display_name: "Front desk", status: "disconnected" },
    });
    expectStatus(registered, 201);
    await createWhatsappInbox(t.admin.access_token, t.account.id, { phone_number: phone });
    const listed = await call("GET", `/api/v1/accounts/${t.account.id}/integrations/whatsapp_numbers`, { token: t.admin.access_token });
    expect(listed.body.payload).toEqual([expect.objectContaining({ id: registered.body.id, phone_number: phone, status: "connected" })]);
  });
});

describe("WhatsApp webhook", { timeout: 20_000 }, () => {
  it("answers Meta's verification with the challenge when the verify token is the inbox's", async () => {
    const t = await whatsappTenant();
    const path = `/webhooks/whatsapp/${encodeURIComponent(t.business.phone)}`;
    const ok = await call("GET", `${path}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
    expectStatus(ok, 200);
    expect(ok.body).toBe(1158201444);
    expectStatus(await call("GET", `${path}?hub.mode=subscribe&hub.verify_token=wrong-token&hub.challenge=1158201444`), 403);
  });

  it("refuses a payload whose X-Hub-Signature-256 is not the app secret's with 401 and stores nothing", async () => {
    const t = await whatsappTenant();
    const answer = await postWhatsapp(t.business.phone, textMessage(t.business, t.customer, "Hello"), "not-the-app-secret");
    expectStatus(answer, 401);
    expect(answer.body.error.code).toBe("invalid_signature");
    const unsigned = await call("POST", `/webhooks/whatsapp/${encodeURIComponent(t.business.phone)}`, { body: textMessage(t.business, t.customer, "Hello") });
    expectStatus(unsigned, 401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await conversationsOf(t, t.inbox.id)).toEqual([]);
  });

  it("turns a text message into a contact found by phone, a conversation and the message, with WhatsApp's timestamp", async () => {
    const t = await whatsappTenant();
    const sentAt = Math.floor(Date.now() / 1000) - 60;
    const conversation = await conversationWithText(t, "Does it come in another color?", { timestamp: sentAt });
    expect(conversation.meta.channel).toBe("Channel::Whatsapp");
    expect(conversation.meta.sender).toMatchObject({ name: "Sheena Nelson", phone_number: `+${t.customer.waId}` });
    const [message] = await messagesOf(t, conversation.id);
    expect(message).toMatchObject({ content: "Does it come in another color?", message_type: 0, content_attributes: { external_created_at: sentAt } });
    const contact = await call("GET", `/api/v1/accounts/${t.account.id}/contacts/${conversation.meta.sender.id}`, { token: t.admin.access_token });
    expect(JSON.stringify(contact.body)).toContain(`"source_id":"${t.customer.waId}"`);
  });

  it("stores a message Meta redelivers with the same wamid once", async () => {
    const t = await whatsappTenant();
    const payload = textMessage(t.business, t.customer, "Only once, please", { id: newWamid() });
    expectStatus(await postWhatsapp(t.business.phone, payload), 200);
    expectStatus(await postWhatsapp(t.business.phone, payload), 200);
    const conversation = await onlyConversation(t, t.inbox.id);
    expectStatus(await postWhatsapp(t.business.phone, textMessage(t.business, t.customer, "A second one")), 200);
    await eventually(async () => expect((await messagesOf(t, conversation.id)).map((m) => m.content)).toEqual(["Only once, please", "A second one"]));
  });

  it("stores a message Meta redelivers after its conversation was resolved once, without opening another conversation", async () => {
    const t = await whatsappTenant();
    const payload = textMessage(t.business, t.customer, "Sent while you were down", { id: newWamid() });
    expectStatus(await postWhatsapp(t.business.phone, payload), 200);
    const first = await onlyConversation(t, t.inbox.id);
    await eventually(async () => expect(await messagesOf(t, first.id)).toHaveLength(1));
    await resolveConversation(t, first.id);
    expectStatus(await postWhatsapp(t.business.phone, payload), 200);
    // A new message afterwards shows the redelivery was handled: it opens the only new conversation.
    expectStatus(await postWhatsapp(t.business.phone, textMessage(t.business, t.customer, "Hello again")), 200);
    await eventually(async () => expect(await conversationsOf(t, t.inbox.id)).toHaveLength(2));
    const newest = (await conversationsOf(t, t.inbox.id)).find((conversation) => conversation.id !== first.id);
    await eventually(async () => expect((await messagesOf(t, newest?.id ?? 0)).map((m) => m.content)).toEqual(["Hello again"]));
    expect((await messagesOf(t, first.id)).map((m) => m.content)).toEqual(["Sent while you were down"]);
  });

  it("keeps one contact and one conversation when a new customer's messages are handled at once", async () => {
    const t = await whatsappTenant();
    await Promise.all(["one", "two", "three"].map((body) => postWhatsapp(t.business.phone, textMessage(t.business, t.customer, body))));
    const conversation = await onlyConversation(t, t.inbox.id);
    await eventually(async () => expect((await messagesOf(t, conversation.id)).map((m) => m.content).sort()).toEqual(["one", "three", "two"]));
  });

  it("opens a new conversation for a message after the last one was resolved, and joins a snoozed one", async () => {
    const t = await whatsappTenant();
    const first = await conversationWithText(t, "First question");
    const toggle = (status: string) =>
      call("POST", `/api/v1/accounts/${t.account.id}/conversations/${first.id}/toggle_status`, { token: t.admin.access_token, body: { status } });
    expectStatus(await toggle("snoozed"), 200);
    expectStatus(await postWhatsapp(t.business.phone, textMessage(t.business, t.customer, "Still there?")), 200);
    await eventually(async () => expect((await conversationsOf(t, t.inbox.id)).map((c) => [c.id, c.status])).toEqual([[first.id, "open"]]));
    expectStatus(await toggle("resolved"), 200);
    expectStatus(await postWhatsapp(t.business.phone, textMessage(t.business, t.customer, "A new question")), 200);
    await eventually(async () => expect((await conversationsOf(t, t.inbox.id)).map((c) => c.status).sort()).toEqual(["open", "resolved"]));
  });

  it("reopens the contact's one conversation when the inbox locks contacts to a single conversation", async () => {
    const t = await whatsappTenant();
    expectStatus(
      await call("PATCH", `/api/v1/accounts/${t.account.id}/inboxes/${t.inbox.id}`, {
        token: t.admin.access_token,
        body: { lock_to_single_conversation: true },
      }),
      200,
    );
    const first = await conversationWithText(t, "First question");
    expectStatus(
      await call("POST", `/api/v1/accounts/${t.account.id}/conversations/${first.id}/toggle_status`, {
        token: t.admin.access_token,
        body: { status: "resolved" },
      }),
      200,
    );
    expectStatus(await postWhatsapp(t.business.phone, textMessage(t.business, t.customer, "One more thing")), 200);
    await eventually(async () => expect((await conversationsOf(t, t.inbox.id)).map((c) => [c.id, c.status])).toEqual([[first.id, "open"]]));
    expect((await messagesOf(t, first.id)).map((m) => m.content)).toEqual(["First question", "One more thing"]);
  });

  it("downloads a document through the Graph API's media endpoint into R2 as the message's attachment", async () => {
    const t = await whatsappTenant();
    const mediaId = `${Date.now()}7788`;
    await programSink(GRAPH_HOST, [
      {
        status: 200,
        body: JSON.stringify({
          messaging_product: "whatsapp",
          url: `https://${GRAPH_HOST}/v22.0/media-download/${mediaId}`,
          mime_type: "text/plain",
          sha256: "x",
          file_size: 24,
          id: mediaId,
        }),
        match: `/${mediaId}`,
      },
      { status: 200, body: "a receipt's worth of text", match: `/media-download/${mediaId}` },
    ]);
    const payload = incomingMessage(t.business, t.customer, "document", {
      document: { caption: "Here is the receipt", filename: "receipt.txt", mime_type: "text/plain", sha256: "x", id: mediaId },
    });
    expectStatus(await postWhatsapp(t.business.phone, payload), 200);
    const conversation = await onlyConversation(t, t.inbox.id);
    let message: Message | undefined;
    await eventually(async () => {
      [message] = await messagesOf(t, conversation.id);
      expect(message?.attachments).toHaveLength(1);
    });
    expect(message?.content).toBe("Here is the receipt");
    const requests = (await sinkRequests(GRAPH_HOST)).filter((request) => request.url.includes(mediaId));
    expect(requests.map((request) => request.headers.authorization)).toEqual([`Bearer ${ACCESS_TOKEN}`, `Bearer ${ACCESS_TOKEN}`]);
    const key = new URL(message?.attachments[0]?.data_url ?? "http://x/").pathname.replace(/^\/media\//, "");
    expect(await (await env.MEDIA.get(key))?.text()).toBe("a receipt's worth of text");
  });

  const kinds: [string, string, Record<string, unknown>, string, Record<string, unknown>][] = [
    [
      "a location",
      "location",
      { location: { latitude: 38.9806263495, longitude: -131.9428348801, name: "Philz Coffee", address: "101 Forest Ave, Palo Alto, CA 94301" } },
      "📍 Philz Coffee, 101 Forest Ave, Palo Alto, CA 94301\nhttps://maps.google.com/?q=38.9806263495,-131.9428348801",
      { location: expect.objectContaining({ name: "Philz Coffee" }) },
    ],
    [
      "shared contacts",
      "contacts",
      {
        contacts: [
          {
            name: { formatted_name: "Barbara J. Johnson", first_name: "Barbara" },
            phones: [{ phone: "+1 (940) 555-1234", wa_id: "19405551234", type: "HOME" }],
          },
        ],
      },
      "👤 Barbara J. Johnson +1 (940) 555-1234",
      { contacts: expect.any(Array) },
    ],
    [
      "a reply button press",
      "interactive",
      { interactive: { type: "button_reply", button_reply: { id: "confirm-yes", title: "Yes, confirm" } } },
      "Yes, confirm",
      { interactive_reply: { type: "button_reply", id: "confirm-yes", title: "Yes, confirm" } },
    ],
    [
      "a list choice",
      "interactive",
      { interactive: { type: "list_reply", list_reply: { id: "slot-3", title: "Tuesday 10:00", description: "With Dr. Lee" } } },
      "Tuesday 10:00",
      { interactive_reply: { type: "list_reply", id: "slot-3", title: "Tuesday 10:00" } },
    ],
    [
      "a reaction",
      "reaction",
      { reaction: { message_id: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3NjMyQkI3RkE5NjIzMDJBNEQA", emoji: "👍" } },
      "👍",
      { is_reaction: true, in_reply_to_external_id: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3NjMyQkI3RkE5NjIzMDJBNEQA" },
    ],
  ];
  for (const [what, type, fields, content, attributes] of kinds) {
    it(`stores ${what} as a message agents can read`, async () => {
      const t = await whatsappTenant();
      expectStatus(await postWhatsapp(t.business.phone, incomingMessage(t.business, t.customer, type, fields)), 200);
      const conversation = await onlyConversation(t, t.inbox.id);
      await eventually(async () => {
        const [message] = await messagesOf(t, conversation.id);
        expect(message?.content).toBe(content);
        expect(message?.content_attributes).toMatchObject(attributes);
      });
    });
  }

  it("stores a message type Meta does not support, and one Parley does not know, as unsupported messages agents see", async () => {
    const t = await whatsappTenant();
    const unsupported = incomingMessage(t.business, t.customer, "unsupported", {
      errors: [
        { code: 131051, title: "Message type unknown", message: "Message type unknown", error_data: { details: "Message type is currently not supported." } },
      ],
    });
    expectStatus(await postWhatsapp(t.business.phone, unsupported), 200);
    expectStatus(
      await postWhatsapp(t.business.phone, incomingMessage(t.business, t.customer, "order", { order: { catalog_id: "1", product_items: [] } })),
      200,
    );
    const conversation = await onlyConversation(t, t.inbox.id);
    await eventually(async () => {
      const messages = await messagesOf(t, conversation.id);
      expect(messages).toHaveLength(2);
      for (const message of messages) expect(message.content_attributes.is_unsupported).toBe(true);
      expect(messages[0]?.content_attributes.external_error).toBe("Message type unknown (error 131051)");
      expect(messages[1]?.content).toContain('"order"');
    });
  });

  it("tells the account's webhooks of an incoming WhatsApp message in Chatwoot's shape, channel Channel::Whatsapp", async () => {
    const t = await whatsappTenant();
    const host = sinkHost("wa-hooks");
    await createWebhook(t.admin.access_token, t.account.id, `https://${host}/parley`, { subscriptions: ["message_created"] });
    expectStatus(await postWhatsapp(t.business.phone, textMessage(t.business, t.customer, "Is the clinic open today?")), 200);
    await eventually(async () => {
      const [delivery] = await sinkRequests(host);
      expect(JSON.parse(delivery?.body ?? "{}")).toMatchObject({
        event: "message_created",
        message_type: "incoming",
        content: "Is the clinic open today?",
        inbox: { id: t.inbox.id },
        conversation: { channel: "Channel::Whatsapp", meta: { sender: { phone_number: `+${t.customer.waId}` } } },
      });
    });
  });

  it("answers 200 to a signed payload of a field Parley does not handle, and keeps nothing", async () => {
    const t = await whatsappTenant();
    const templateReview = {
      object: "whatsapp_business_account",
      entry: [
        {
          id: t.business.businessAccountId,
          changes: [
            {
              field: "message_template_status_update",
              value: { event: "APPROVED", message_template_id: 1, message_template_name: "x", message_template_language: "en_US", reason: "NONE" },
            },
          ],
        },
      ],
    };
    expectStatus(await postWhatsapp(t.business.phone, templateReview), 200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await conversationsOf(t, t.inbox.id)).toEqual([]);
  });
});

describe("WhatsApp replies", { timeout: 20_000 }, () => {
  it("sends an agent's reply through the Graph API's messages endpoint with the inbox's token and stores the wamid", async () => {
    const t = await whatsappTenant();
    const conversation = await conversationWithText(t);
    const wamid = newWamid();
    await programSink(GRAPH_HOST, [{ status: 200, body: sentAnswer(t.customer.waId, wamid), match: `/${t.business.phoneNumberId}/messages` }]);
    const sent = await reply(t, conversation.id, { content: "Yes: blue and green." });
    expectStatus(sent, 200);
    await eventually(async () => {
      const [request] = await graphCalls(t);
      expect(request?.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
      expect(new URL(request?.url ?? "http://x").pathname).toBe(`/v22.0/${t.business.phoneNumberId}/messages`);
      expect(JSON.parse(request?.body ?? "{}")).toEqual({
        messaging_product: "whatsapp",
        recipient_type: "individual",
        to: t.customer.waId,
        type: "text",
        text: { preview_url: false, body: "Yes: blue and green." },
      });
    });
    await eventually(async () =>
      expect((await messagesOf(t, conversation.id)).find((m) => m.id === sent.body.id)).toMatchObject({ source_id: wamid, status: "sent" }),
    );
  });

  it("sends an agent's photo as a WhatsApp image linking to its Parley media URL, the text as its caption", async () => {
    const t = await whatsappTenant();
    const conversation = await conversationWithText(t);
    const wamid = newWamid();
    await programSink(GRAPH_HOST, [{ status: 200, body: sentAnswer(t.customer.waId, wamid), match: `/${t.business.phoneNumberId}/messages` }]);
    const form = new FormData();
    form.append("content", "Here is the map to our clinic");
    form.append("attachments[]", new File([bytesOf(REAL_FILE_HEADERS.find((header) => header.name === "png")?.hex ?? "")], "map.png", { type: "image/png" }));
    const res = await exports.default.fetch(
      new Request(`http://parley.test/api/v1/accounts/${t.account.id}/conversations/${conversation.id}/messages`, {
        method: "POST",
        body: form,
        headers: { authorization: `Bearer ${t.admin.access_token}` },
      }),
    );
    expect(res.status).toBe(200);
    const sent = (await res.json()) as { id: number; attachments: { data_url: string }[] };
    await eventually(async () => {
      const [request] = await graphCalls(t);
      expect(JSON.parse(request?.body ?? "{}")).toEqual({
        messaging_product: "whatsapp",
        recipient_type: "individual",
        to: t.customer.waId,
        type: "image",
        image: { link: sent.attachments[0]?.data_url, caption: "Here is the map to our clinic" },
      });
    });
    await eventually(async () =>
      expect((await messagesOf(t, conversation.id)).find((m) => m.id === sent.id)).toMatchObject({ source_id: wamid, status: "sent" }),
    );
  });

  it("never goes back when statuses arrive out of order: read stays read after a late delivered and sent", async () => {
    const t = await whatsappTenant();
    const conversation = await conversationWithText(t);
    const wamid = newWamid();
    await programSink(GRAPH_HOST, [{ status: 200, body: sentAnswer(t.customer.waId, wamid), match: `/${t.business.phoneNumberId}/messages` }]);
    const sent = await reply(t, conversation.id, { content: "On its way" });
    const stored = async () => (await messagesOf(t, conversation.id)).find((m) => m.id === sent.body.id);
    await eventually(async () => expect((await stored())?.source_id).toBe(wamid));
    expectStatus(await postWhatsapp(t.business.phone, statusUpdate(t.business, t.customer.waId, wamid, "read")), 200);
    await eventually(async () => expect((await stored())?.status).toBe("read"));
    expectStatus(await postWhatsapp(t.business.phone, statusUpdate(t.business, t.customer.waId, wamid, "delivered")), 200);
    expectStatus(await postWhatsapp(t.business.phone, statusUpdate(t.business, t.customer.waId, wamid, "sent")), 200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await stored())?.status).toBe("read");
  });

  it("marks a reply failed with WhatsApp's reason when its status says it failed", async () => {
    const t = await whatsappTenant();
    const conversation = await conversationWithText(t);
    const wamid = newWamid();
    await programSink(GRAPH_HOST, [{ status: 200, body: sentAnswer(t.customer.waId, wamid), match: `/${t.business.phoneNumberId}/messages` }]);
    const sent = await reply(t, conversation.id, { content: "Are you there?" });
    const stored = async () => (await messagesOf(t, conversation.id)).find((m) => m.id === sent.body.id);
    await eventually(async () => expect((await stored())?.source_id).toBe(wamid));
    const errors = [
      {
        code: 131026,
        title: "Message undeliverable",
        message: "Message undeliverable",
        error_data: { details: "Message Undeliverable." },
        href: "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
      },
    ];
    expectStatus(await postWhatsapp(t.business.phone, statusUpdate(t.business, t.customer.waId, wamid, "failed", errors)), 200);
    await eventually(async () => {
      const message = await stored();
      expect(message?.status).toBe("failed");
      expect(message?.content_attributes.external_error).toBe("Message undeliverable: Message Undeliverable. (error 131026)");
    });
  });

  it("marks a reply failed with Meta's reason when the Graph API refuses it for good", async () => {
    const t = await whatsappTenant();
    const conversation = await conversationWithText(t);
    const refusal = {
      error: {
        message: "(#131009) Parameter value is not valid",
        type: "OAuthException",
        code: 131009,
        error_data: { messaging_product: "whatsapp", details: "Recipient phone number not in allowed list" },
        fbtrace_id: "A1",
      },
    };
    await programSink(GRAPH_HOST, [{ status: 400, body: JSON.stringify(refusal), match: `/${t.business.phoneNumberId}/messages` }]);
    const sent = await reply(t, conversation.id, { content: "Hello?" });
    await eventually(async () => {
      const message = (await messagesOf(t, conversation.id)).find((m) => m.id === sent.body.id);
      expect(message?.status).toBe("failed");
      expect(message?.content_attributes.external_error).toBe(
        "HTTP 400 (code 131009): (#131009) Parameter value is not valid: Recipient phone number not in allowed list",
      );
    });
  });

  it("refuses a free reply 24 hours after the contact's last message, by WhatsApp's timestamp, with 422 outside_messaging_window", async () => {
    const t = await whatsappTenant();
    const conversation = await conversationWithText(t, "Hi", { timestamp: Math.floor(Date.now() / 1000) - 24 * 60 * 60 - 5 });
    const refused = await reply(t, conversation.id, { content: "Sorry for the wait" });
    expectStatus(refused, 422);
    expect(refused.body.error.code).toBe("outside_messaging_window");
    expect(refused.body.error.message).toContain("only an approved template can be sent");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await graphCalls(t)).toEqual([]);
    // A private note is no reply: it stays possible.
    expectStatus(await reply(t, conversation.id, { content: "Send the reminder template", private: true }), 200);
  });

  it("lists the inbox's templates from the Graph API and sends one with its parameters outside the window", async () => {
    const t = await whatsappTenant();
    const conversation = await conversationWithText(t, "Hi", { timestamp: Math.floor(Date.now() / 1000) - 2 * 24 * 60 * 60 });
    const templates = {
      data: [
        APPOINTMENT_REMINDER,
        { name: "draft_offer", components: [{ type: "BODY", text: "Soon" }], language: "en_US", status: "PENDING", category: "MARKETING", id: "2" },
      ],
      paging: { cursors: { before: "MAZDZD", after: "MjQZD" } },
    };
    await programSink(GRAPH_HOST, [{ status: 200, body: JSON.stringify(templates), match: `/${t.business.businessAccountId}/message_templates` }]);
    const listed = await call("GET", `/api/v1/accounts/${t.account.id}/inboxes/${t.inbox.id}/whatsapp_templates?refresh=true`, { token: t.admin.access_token });
    expectStatus(listed, 200);
    expect(listed.body.payload.map((template: { name: string; status: string }) => [template.name, template.status])).toEqual([
      ["appointment_reminder", "APPROVED"],
      ["draft_offer", "PENDING"],
    ]);
    const pending = await reply(t, conversation.id, { template_params: { name: "draft_offer", language: "en_US" } });
    expectStatus(pending, 422);
    expect(pending.body.error.code).toBe("unknown_template");

    const wamid = newWamid();
    await programSink(GRAPH_HOST, [{ status: 200, body: sentAnswer(t.customer.waId, wamid), match: `/${t.business.phoneNumberId}/messages` }]);
    const sent = await reply(t, conversation.id, {
      template_params: { name: "appointment_reminder", category: "UTILITY", language: "en_US", processed_params: { "1": "Sheena", "2": "Monday at 10:00" } },
    });
    expectStatus(sent, 200);
    expect(sent.body.content).toBe("Hi Sheena, this is a reminder of your appointment on Monday at 10:00.");
    await eventually(async () => {
      const [request] = await graphCalls(t);
      expect(JSON.parse(request?.body ?? "{}")).toEqual({
        messaging_product: "whatsapp",
        recipient_type: "individual",
        to: t.customer.waId,
        type: "template",
        template: {
          name: "appointment_reminder",
          language: { code: "en_US" },
          components: [
            {
              type: "body",
              parameters: [
                { type: "text", text: "Sheena" },
                { type: "text", text: "Monday at 10:00" },
              ],
            },
          ],
        },
      });
    });
    await eventually(async () =>
      expect((await messagesOf(t, conversation.id)).find((m) => m.id === sent.body.id)).toMatchObject({ source_id: wamid, status: "sent" }),
    );
  });

  it("lets the local sink simulate an incoming message: Meta's payload, signed and posted to the public webhook", async () => {
    const t = await whatsappTenant();
    const request = new Request("http://parley.test/dev/sinks/graph/whatsapp/inbound", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ from: t.customer.waId, to: t.business.phone, name: "Ada Lovelace", body: "Simulated hello" }),
    });
    const answer = await worker.fetch(request, { ...env, LOCAL_SINKS: "true" }, createExecutionContext());
    expect(answer.status).toBe(200);
    const conversation = await onlyConversation(t, t.inbox.id);
    expect(conversation.meta.sender.name).toBe("Ada Lovelace");
    await eventually(async () => expect((await messagesOf(t, conversation.id)).map((m) => m.content)).toEqual(["Simulated hello"]));
  });
});
