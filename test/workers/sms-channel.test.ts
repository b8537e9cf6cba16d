// The SMS channel end to end: Twilio's signed webhooks in (messages, media, STOP/START, statuses),
// agents' replies out through the provider, and one-off campaigns skipping contacts who opted out.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { twilioSignature } from "../../src/domain/twilio-webhook";
import worker from "../../src/index";
import { startDueCampaigns } from "../../src/jobs/campaigns";
import { DEAD_LETTER_QUEUE } from "../../src/jobs/queue";
import { call, eventually, expectStatus, resolveConversation, tenant } from "./helpers";
import { programSink, sinkHost, sinkRequests } from "./outbound";
import { contactLabelsPath, createLabel, createOneOffCampaign, createSmsInbox, uniquePhone } from "./sms-fixtures";

const AUTH_TOKEN = "sms-secret-token";
const ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
type Tenant = Awaited<ReturnType<typeof tenant>>;
type Conversation = { id: number; status: string; meta: { sender: { id: number; phone_number: string; additional_attributes: Record<string, unknown> } } };
type Message = {
  id: number;
  content: string | null;
  message_type: number;
  status: string;
  source_id: string | null;
  content_attributes: Record<string, unknown>;
  attachments: { file_type: string; data_url: string }[];
};

let sids = 0;
const newSid = () => `SM${Date.now().toString(16)}${String(++sids).padStart(6, "0")}`.padEnd(34, "0");

/** Posts a form to a Twilio webhook path as Twilio does: form-encoded and signed over PUBLIC_URL + path. */
async function postTwilio(path: string, form: Record<string, string>, token = AUTH_TOKEN) {
  const params = Object.entries(form);
  const signature = await twilioSignature(token, `${env.PUBLIC_URL.replace(/\/+$/, "")}${path}`, params);
  return call("POST", path, {
    headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
    rawBody: new URLSearchParams(params).toString(),
  });
}

/** An incoming SMS in Twilio's webhook format. */
const incoming = (to: string, from: string, body: string, extra: Record<string, string> = {}) => ({
  ToCountry: "US",
  SmsMessageSid: extra.MessageSid ?? "",
  NumMedia: "0",
  SmsSid: extra.MessageSid ?? "",
  SmsStatus: "received",
  Body: body,
  To: to,
  NumSegments: "1",
  MessageSid: newSid(),
  AccountSid: ACCOUNT_SID,
  From: from,
  ApiVersion: "2010-04-01",
  ...extra,
});

async function smsTenant() {
  const t = await tenant();
  const host = sinkHost("sms");
  const inbox = await createSmsInbox(t.admin.access_token, t.account.id, `https://${host}`);
  return { ...t, host, inbox };
}

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

/** Waits for the conversation an incoming SMS opened in the inbox. */
async function onlyConversation(t: Tenant, inboxId: number) {
  let conversation: Conversation | undefined;
  await eventually(async () => {
    const conversations = await conversationsOf(t, inboxId);
    expect(conversations).toHaveLength(1);
    conversation = conversations[0];
  });
  return conversation as Conversation;
}

async function reply(t: Tenant, displayId: number, content: string) {
  return call("POST", `/api/v1/accounts/${t.account.id}/conversations/${displayId}/messages`, {
    token: t.admin.access_token,
    body: { content, message_type: "outgoing" },
  });
}

describe("SMS channel", () => {
  it("turns a signed incoming SMS into a contact with that phone, a conversation and the message, answering empty TwiML", async () => {
    const t = await smsTenant();
    const from = uniquePhone();
    const answer = await postTwilio("/twilio/callback", incoming(t.inbox.phone_number, from, "Do you open on Sundays?"));
    expectStatus(answer, 200);
    expect(answer.headers.get("content-type")).toContain("text/xml");
    expect(String(answer.body)).toContain("<Response></Response>");
    const conversation = await onlyConversation(t, t.inbox.id);
    expect(conversation.status).toBe("open");
    expect(conversation.meta.sender.phone_number).toBe(from);
    await eventually(async () =>
      expect((await messagesOf(t, conversation.id)).map((m) => [m.content, m.message_type])).toEqual([["Do you open on Sundays?", 0]]),
    );
  });

  it("refuses a form whose signature is not the inbox's with 401 and stores nothing", async () => {
    const t = await smsTenant();
    const answer = await postTwilio("/twilio/callback", incoming(t.inbox.phone_number, uniquePhone(), "Hello"), "not-the-token");
    expectStatus(answer, 401);
    expect(answer.body.error.code).toBe("invalid_signature");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await conversationsOf(t, t.inbox.id)).toEqual([]);
  });

  it("stores a message Twilio redelivers with the same MessageSid once", async () => {
    const t = await smsTenant();
    const form = incoming(t.inbox.phone_number, uniquePhone(), "Only once, please");
    expectStatus(await postTwilio("/twilio/callback", form), 200);
    const conversation = await onlyConversation(t, t.inbox.id);
    await eventually(async () => expect(await messagesOf(t, conversation.id)).toHaveLength(1));
    expectStatus(await postTwilio("/twilio/callback", form), 200);
    expectStatus(await postTwilio("/twilio/callback", incoming(t.inbox.phone_number, form.From, "A second one")), 200);
    await eventually(async () => expect((await messagesOf(t, conversation.id)).map((m) => m.content)).toEqual(["Only once, please", "A second one"]));
  });

  it("stores a message Twilio redelivers after its conversation was resolved once, though a newer conversation is open", async () => {
    const t = await smsTenant();
    const form = incoming(t.inbox.phone_number, uniquePhone(), "Sent while you were down");
    expectStatus(await postTwilio("/twilio/callback", form), 200);
    const first = await onlyConversation(t, t.inbox.id);
    await eventually(async () => expect(await messagesOf(t, first.id)).toHaveLength(1));
    await resolveConversation(t, first.id);
    // Redelivered with no open conversation, then again once a new message opened one.
    expectStatus(await postTwilio("/twilio/callback", form), 200);
    expectStatus(await postTwilio("/twilio/callback", incoming(t.inbox.phone_number, form.From, "Hello again")), 200);
    await eventually(async () => expect(await conversationsOf(t, t.inbox.id)).toHaveLength(2));
    const newest = (await conversationsOf(t, t.inbox.id)).find((conversation) => conversation.id !== first.id);
    await eventually(async () => expect((await messagesOf(t, newest?.id ?? 0)).map((m) => m.content)).toEqual(["Hello again"]));
    expectStatus(await postTwilio("/twilio/callback", form), 200);
    expectStatus(await postTwilio("/twilio/callback", incoming(t.inbox.phone_number, form.From, "Still there?")), 200);
    await eventually(async () => expect((await messagesOf(t, newest?.id ?? 0)).map((m) => m.content)).toEqual(["Hello again", "Still there?"]));
    expect((await messagesOf(t, first.id)).map((m) => m.content)).toEqual(["Sent while you were down"]);
    expect(await conversationsOf(t, t.inbox.id)).toHaveLength(2);
  });

  it("sends an agent's reply through the provider as an SMS to the contact and stores the provider's sid", async () => {
    const t = await smsTenant();
    const from = uniquePhone();
    await postTwilio("/twilio/callback", incoming(t.inbox.phone_number, from, "Hi"));
    const conversation = await onlyConversation(t, t.inbox.id);
    await programSink(t.host, [{ status: 201, body: JSON.stringify({ sid: "SMreply000000000000000000000000001", status: "queued" }) }]);
    const sent = await reply(t, conversation.id, "Yes, from 10 to 4.");
    expectStatus(sent, 200);
    await eventually(async () => {
      const requests = await sinkRequests(t.host);
      expect(requests).toHaveLength(1);
      expect(Object.fromEntries(new URLSearchParams(requests[0]?.body))).toMatchObject({ To: from, From: t.inbox.phone_number, Body: "Yes, from 10 to 4." });
    });
    await eventually(async () => {
      const stored = (await messagesOf(t, conversation.id)).find((m) => m.id === sent.body.id);
      expect(stored).toMatchObject({ source_id: "SMreply000000000000000000000000001", status: "sent" });
    });
  });

  it("sends a macro's message in an SMS conversation as an SMS, like an agent's reply", async () => {
    const t = await smsTenant();
    const from = uniquePhone();
    await postTwilio("/twilio/callback", incoming(t.inbox.phone_number, from, "Hi"));
    const conversation = await onlyConversation(t, t.inbox.id);
    const macro = await call("POST", `/api/v1/accounts/${t.account.id}/macros`, {
      token: t.admin.access_token,
      body: { name: "Hours", visibility: "global", actions: [{ action_name: "send_message", action_params: ["We open at 9."] }] },
    });
    expectStatus(macro, 200);
    const run = await call("POST", `/api/v1/accounts/${t.account.id}/macros/${macro.body.payload.id}/execute`, {
      token: t.admin.access_token,
      body: { conversation_ids: [conversation.id] },
    });
    expectStatus(run, 200);
    await eventually(async () => {
      const requests = await sinkRequests(t.host);
      expect(requests.map((request) => Object.fromEntries(new URLSearchParams(request.body)))).toEqual([
        expect.objectContaining({ To: from, From: t.inbox.phone_number, Body: "We open at 9." }),
      ]);
    });
  });

  it("marks a macro's message to a contact who answered STOP failed instead of sending it", async () => {
    const t = await smsTenant();
    await postTwilio("/twilio/callback", incoming(t.inbox.phone_number, uniquePhone(), "STOP"));
    const conversation = await onlyConversation(t, t.inbox.id);
    await eventually(async () => {
      const [current] = await conversationsOf(t, t.inbox.id);
      expect(current?.meta.sender.additional_attributes.sms_opted_out_at).toEqual(expect.any(String));
    });
    const macro = await call("POST", `/api/v1/accounts/${t.account.id}/macros`, {
      token: t.admin.access_token,
      body: { name: "Nudge", visibility: "global", actions: [{ action_name: "send_message", action_params: ["Still interested?"] }] },
    });
    expectStatus(macro, 200);
    const run = await call("POST", `/api/v1/accounts/${t.account.id}/macros/${macro.body.payload.id}/execute`, {
      token: t.admin.access_token,
      body: { conversation_ids: [conversation.id] },
    });
    expectStatus(run, 200);
    await eventually(async () => {
      const message = (await messagesOf(t, conversation.id)).find((m) => m.content === "Still interested?");
      expect(message?.status).toBe("failed");
      expect(message?.content_attributes.external_error).toEqual(expect.stringContaining("opted out of text messages"));
    });
    expect(await sinkRequests(t.host)).toEqual([]);
  });

  it("opens an Email/SMS widget's lead in the SMS inbox it names, texts the agent's reply to the number left, and joins the answer to it", async () => {
    const t = await smsTenant();
    const widget = await call("POST", `/api/v1/accounts/${t.account.id}/chat_widgets`, {
      token: t.admin.access_token,
      body: { name: "Text us", type: "email_sms", inbox_id: t.inbox.id },
    });
    expectStatus(widget, 201);
    const phone = uniquePhone();
    const noPhone = await call("POST", "/api/v1/widget/sessions", {
      body: { widget_token: widget.body.widget_token, values: { full_name: "Pat", email: "pat@example.test" }, message: "Text me" },
    });
    expectStatus(noPhone, 422);
    expect(noPhone.body.error.details.map((d: { field: string }) => d.field)).toEqual(["values.phone_number"]);
    const lead = await call("POST", "/api/v1/widget/sessions", {
      body: { widget_token: widget.body.widget_token, values: { full_name: "Pat", phone_number: phone }, message: "Any slots tomorrow?" },
    });
    expectStatus(lead, 201);
    const conversation = await onlyConversation(t, t.inbox.id);
    expect(conversation.id).toBe(lead.body.conversation_id);
    await programSink(t.host, [{ status: 201, body: JSON.stringify({ sid: newSid(), status: "queued" }) }]);
    expectStatus(await reply(t, conversation.id, "Yes, at 3 pm."), 200);
    await eventually(async () => {
      const requests = await sinkRequests(t.host);
      expect(requests.map((request) => Object.fromEntries(new URLSearchParams(request.body)))).toEqual([
        expect.objectContaining({ To: phone, Body: "Yes, at 3 pm." }),
      ]);
    });
    await postTwilio("/twilio/callback", incoming(t.inbox.phone_number, phone, "Great, book it"));
    await eventually(async () =>
      expect((await messagesOf(t, conversation.id)).map((m) => m.content)).toEqual(["Any slots tomorrow?", "Yes, at 3 pm.", "Great, book it"]),
    );
  });

  it("never sends a private note as an SMS", async () => {
    const t = await smsTenant();
    await postTwilio("/twilio/callback", incoming(t.inbox.phone_number, uniquePhone(), "Hi"));
    const conversation = await onlyConversation(t, t.inbox.id);
    const note = await call("POST", `/api/v1/accounts/${t.account.id}/conversations/${conversation.id}/messages`, {
      token: t.admin.access_token,
      body: { content: "Call them back tomorrow", message_type: "outgoing", private: true },
    });
    expectStatus(note, 200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await sinkRequests(t.host)).toEqual([]);
  });

  it("marks a reply delivered, then keeps it delivered when a late 'sent' status arrives", async () => {
    const t = await smsTenant();
    const from = uniquePhone();
    await postTwilio("/twilio/callback", incoming(t.inbox.phone_number, from, "Hi"));
    const conversation = await onlyConversation(t, t.inbox.id);
    const sid = newSid();
    await programSink(t.host, [{ status: 201, body: JSON.stringify({ sid, status: "queued" }) }]);
    const sent = await reply(t, conversation.id, "On its way");
    const stored = async () => (await messagesOf(t, conversation.id)).find((m) => m.id === sent.body.id);
    await eventually(async () => expect((await stored())?.source_id).toBe(sid));
    const status = (MessageStatus: string) => ({
      MessageSid: sid,
      SmsSid: sid,
      AccountSid: ACCOUNT_SID,
      From: t.inbox.phone_number,
      To: from,
      MessageStatus,
      SmsStatus: MessageStatus,
      ApiVersion: "2010-04-01",
    });
    expectStatus(await postTwilio("/twilio/delivery_status", status("delivered")), 200);
    await eventually(async () => expect((await stored())?.status).toBe("delivered"));
    expectStatus(await postTwilio("/twilio/delivery_status", status("sent")), 200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await stored())?.status).toBe("delivered");
  });

  it("marks a reply failed with the provider's error when the carrier could not deliver it", async () => {
    const t = await smsTenant();
    const from = uniquePhone();
    await postTwilio("/twilio/callback", incoming(t.inbox.phone_number, from, "Hi"));
    const conversation = await onlyConversation(t, t.inbox.id);
    const sid = newSid();
    await programSink(t.host, [{ status: 201, body: JSON.stringify({ sid, status: "queued" }) }]);
    const sent = await reply(t, conversation.id, "Are you there?");
    const stored = async () => (await messagesOf(t, conversation.id)).find((m) => m.id === sent.body.id);
    await eventually(async () => expect((await stored())?.source_id).toBe(sid));
    await postTwilio("/twilio/delivery_status", {
      MessageSid: sid,
      AccountSid: ACCOUNT_SID,
      From: t.inbox.phone_number,
      To: from,
      MessageStatus: "undelivered",
      ErrorCode: "30003",
    });
    await eventually(async () => {
      const message = await stored();
      expect(message?.status).toBe("failed");
      expect(message?.content_attributes.external_error).toBe("The carrier could not deliver the message (error 30003)");
    });
  });

  it("marks a reply failed with the provider's reason when the provider refuses it", async () => {
    const t = await smsTenant();
    await postTwilio("/twilio/callback", incoming(t.inbox.phone_number, uniquePhone(), "Hi"));
    const conversation = await onlyConversation(t, t.inbox.id);
    await programSink(t.host, [{ status: 400, body: JSON.stringify({ code: 21610, message: "Attempt to send to unsubscribed recipient", status: 400 }) }]);
    const sent = await reply(t, conversation.id, "Hello?");
    await eventually(async () => {
      const message = (await messagesOf(t, conversation.id)).find((m) => m.id === sent.body.id);
      expect(message?.status).toBe("failed");
      expect(message?.content_attributes.external_error).toBe("HTTP 400 (code 21610): Attempt to send to unsubscribed recipient");
    });
  });

  it("retries a reply while the provider answers 5xx, and marks it failed when the queue gives up", async () => {
    const t = await smsTenant();
    await postTwilio("/twilio/callback", incoming(t.inbox.phone_number, uniquePhone(), "Hi"));
    const conversation = await onlyConversation(t, t.inbox.id);
    await programSink(
      t.host,
      Array.from({ length: 5 }, () => ({ status: 503, body: "Service Unavailable" })),
    );
    const job = { type: "sms.send" as const, account_id: t.account.id, display_id: conversation.id, message_id: 0 };
    const sent = await reply(t, conversation.id, "Still there?");
    job.message_id = sent.body.id;
    await eventually(async () => expect((await sinkRequests(t.host)).length).toBeGreaterThanOrEqual(1));
    const stored = async () => (await messagesOf(t, conversation.id)).find((m) => m.id === sent.body.id);
    expect((await stored())?.source_id).toBeNull();
    const batch = createMessageBatch(DEAD_LETTER_QUEUE, [{ id: `dead-sms-${sent.body.id}`, timestamp: new Date(), attempts: 6, body: job }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual([`dead-sms-${sent.body.id}`]);
    const message = await stored();
    expect(message?.status).toBe("failed");
    expect(message?.content_attributes.external_error).toBe("The SMS provider could not take the message after several attempts.");
  });

  it("opts a contact out on STOP: the contact shows it, a reply answers 422 and a one-off campaign skips them", async () => {
    const t = await smsTenant();
    const from = uniquePhone();
    await postTwilio("/twilio/callback", incoming(t.inbox.phone_number, from, "stop"));
    const conversation = await onlyConversation(t, t.inbox.id);
    let contactId = 0;
    await eventually(async () => {
      const [current] = await conversationsOf(t, t.inbox.id);
      expect(current?.meta.sender.additional_attributes.sms_opted_out_at).toEqual(expect.any(String));
      contactId = current?.meta.sender.id ?? 0;
    });
    const refused = await reply(t, conversation.id, "Sorry to see you go");
    expectStatus(refused, 422);
    expect(refused.body.error.code).toBe("contact_opted_out");

    const label = await createLabel(t.admin.access_token, t.account.id);
    expectStatus(await call("POST", contactLabelsPath(t.account.id, contactId), { token: t.admin.access_token, body: { labels: [label.title] } }), 200);
    const campaign = await createOneOffCampaign(t.admin.access_token, t.account.id, t.inbox.id, [label.id]);
    await startDueCampaigns(env, new Date((campaign.scheduled_at + 1) * 1000));
    const recipients = await call("GET", `/api/v1/accounts/${t.account.id}/campaigns/${campaign.id}/recipients`, { token: t.admin.access_token });
    expectStatus(recipients, 200);
    expect(recipients.body.payload).toEqual([
      expect.objectContaining({ contact_id: contactId, status: "skipped", error: expect.stringContaining("Skipped: the contact opted out") }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await sinkRequests(t.host)).toEqual([]);
  });

  it("opts a contact back in on START, so replies go out again", async () => {
    const t = await smsTenant();
    const from = uniquePhone();
    await postTwilio("/twilio/callback", incoming(t.inbox.phone_number, from, "STOP"));
    const conversation = await onlyConversation(t, t.inbox.id);
    await eventually(async () => expectStatus(await reply(t, conversation.id, "Refused"), 422));
    await postTwilio("/twilio/callback", incoming(t.inbox.phone_number, from, "START"));
    await eventually(async () => {
      const [current] = await conversationsOf(t, t.inbox.id);
      expect(current?.meta.sender.additional_attributes.sms_opted_out_at).toBeNull();
    });
    expectStatus(await reply(t, conversation.id, "Welcome back"), 200);
    await eventually(async () => expect(await sinkRequests(t.host)).toHaveLength(1));
  });

  it("lets the local SMS sink simulate an incoming text: signed and posted to /twilio/callback as Twilio would", async () => {
    const t = await smsTenant();
    const from = uniquePhone();
    const request = new Request("http://parley.test/dev/sinks/sms/inbound", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ from, to: t.inbox.phone_number, body: "Simulated hello" }),
    });
    const answer = await worker.fetch(request, { ...env, LOCAL_SINKS: "true" }, createExecutionContext());
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ status: 200, twiml: expect.stringContaining("<Response></Response>") });
    const conversation = await onlyConversation(t, t.inbox.id);
    expect(conversation.meta.sender.phone_number).toBe(from);
    await eventually(async () => expect((await messagesOf(t, conversation.id)).map((m) => m.content)).toEqual(["Simulated hello"]));
  });

  it("stores an MMS's media in R2 as the message's attachment", async () => {
    const t = await smsTenant();
    const mediaHost = sinkHost("media");
    await programSink(mediaHost, [{ status: 200, body: "a photo's worth of words" }]);
    const form = incoming(t.inbox.phone_number, uniquePhone(), "Here is the receipt", {
      NumMedia: "1",
      MediaUrl0: `https://${mediaHost}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/MM1/Media/ME1`,
      MediaContentType0: "text/plain",
    });
    expectStatus(await postTwilio("/twilio/callback", form), 200);
    const conversation = await onlyConversation(t, t.inbox.id);
    let attachment: Message["attachments"][number] | undefined;
    await eventually(async () => {
      const [message] = await messagesOf(t, conversation.id);
      expect(message?.attachments).toHaveLength(1);
      attachment = message?.attachments[0];
    });
    const key = new URL(attachment?.data_url ?? "http://x/").pathname.replace(/^\/media\//, "");
    const object = await env.MEDIA.get(key);
    expect(await object?.text()).toBe("a photo's worth of words");
    expect(key.startsWith(`accounts/${t.account.id}/attachments/`)).toBe(true);
  });
});
