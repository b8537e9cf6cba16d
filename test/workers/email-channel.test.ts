// The email channel end to end: mail handed to the Worker's email() handler as Email Routing does,
// through the queue into conversations (contact by From, threading, attachments, quoted history,
// bounces, automatic replies, redeliveries), and agents' replies out as threaded emails.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { conversationOfReplyAddress } from "../../src/domain/email-channel";
import { laneOf } from "../../src/jobs/batch-lanes";
import { sweepEmails } from "../../src/jobs/send-email";
import { call, eventually, expectStatus, tenant, unique } from "./helpers";
import {
  agentReply,
  bounceMail,
  conversationEmails,
  createEmailInbox,
  deliverMail,
  multipartMail,
  newMessageId,
  plainMail,
  PNG_BASE64,
} from "./email-fixtures";

type Tenant = Awaited<ReturnType<typeof tenant>>;
type Conversation = {
  id: number;
  status: string;
  additional_attributes: Record<string, unknown>;
  meta: { sender: { id: number; email: string | null; name: string } };
};
type Message = {
  id: number;
  content: string | null;
  message_type: number;
  private: boolean;
  status: string;
  source_id: string | null;
  content_attributes: {
    email?: { text_content: { full: string; reply: string }; subject: string; from: string[]; raw_url: string };
    external_error?: string;
    auto_reply?: boolean;
  };
  attachments: { file_type: string; data_url: string; file_name?: string }[];
};

async function emailTenant() {
  const t = await tenant();
  const inbox = await createEmailInbox(t.admin.access_token, t.account.id);
  return { ...t, inbox };
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

async function onlyConversation(t: Tenant, inboxId: number) {
  let conversation: Conversation | undefined;
  await eventually(async () => {
    const conversations = await conversationsOf(t, inboxId);
    expect(conversations).toHaveLength(1);
    conversation = conversations[0];
  });
  return conversation as Conversation;
}

// Replies pass through several queue hops (the message's event, the reply, its sending).
describe("Email channel", { timeout: 30_000 }, () => {
  it("creates an email inbox with Chatwoot's channel shape and refuses an address another inbox has", async () => {
    const t = await tenant();
    const address = `${unique("help")}@Acme.Example.Test`;
    const inbox = await createEmailInbox(t.admin.access_token, t.account.id, address);
    expect(inbox).toMatchObject({ channel_type: "Channel::Email", email: address.toLowerCase() });
    const other = await tenant();
    const taken = await call("POST", `/api/v1/accounts/${other.account.id}/inboxes`, {
      token: other.admin.access_token,
      body: { name: "Copy", channel: { type: "email", email: address } },
    });
    expectStatus(taken, 422);
    expect(taken.body.error.details).toEqual([{ field: "channel.email", message: "has already been taken", code: "taken" }]);
  });

  it("turns a mail to the inbox's address into a conversation of the contact the From address names", async () => {
    const t = await emailTenant();
    const from = `${unique("ada")}@customer.example.test`;
    const rejection = await deliverMail(
      plainMail({ from, fromName: "Ada Lovelace", to: t.inbox.email, subject: "Order 1234", messageId: newMessageId(), text: "Where is my order?" }),
      {
        from,
        to: t.inbox.email,
      },
    );
    expect(rejection).toBeNull();
    const conversation = await onlyConversation(t, t.inbox.id);
    expect(conversation.meta.sender).toMatchObject({ email: from, name: "Ada Lovelace" });
    expect(conversation.additional_attributes.mail_subject).toBe("Order 1234");
    await eventually(async () => {
      const [message] = await messagesOf(t, conversation.id);
      expect(message).toMatchObject({ content: "Where is my order?", message_type: 0 });
      expect(message?.content_attributes.email).toMatchObject({ subject: "Order 1234", from: [from] });
    });
  });

  it("finds the contact who already has the From address instead of making another", async () => {
    const t = await emailTenant();
    const from = `${unique("known")}@customer.example.test`;
    const created = await call("POST", `/api/v1/accounts/${t.account.id}/contacts`, {
      token: t.admin.access_token,
      body: { name: "Known Person", email: from },
    });
    expectStatus(created, 201);
    await deliverMail(plainMail({ from, to: t.inbox.email, subject: "Hello", messageId: newMessageId(), text: "It's me." }), { from, to: t.inbox.email });
    const conversation = await onlyConversation(t, t.inbox.id);
    expect(conversation.meta.sender.id).toBe(created.body.payload.contact.id);
  });

  it("shows the new words of a reply without the quoted history, and keeps the full text", async () => {
    const t = await emailTenant();
    const from = `${unique("quoter")}@customer.example.test`;
    const text = [
      "Thanks, that works!",
      "",
      "On Mon, Dec 7, 2026 at 10:00 AM Support <support@acme.example.test> wrote:",
      "> Could you try again?",
      "> Best, Support",
    ].join("\r\n");
    await deliverMail(plainMail({ from, to: t.inbox.email, subject: "Re: Login", messageId: newMessageId(), text }), { from, to: t.inbox.email });
    const conversation = await onlyConversation(t, t.inbox.id);
    await eventually(async () => {
      const [message] = await messagesOf(t, conversation.id);
      expect(message?.content).toBe("Thanks, that works!");
      expect(message?.content_attributes.email?.text_content.full).toContain("> Could you try again?");
    });
  });

  it("stores an allowed attachment of a multipart mail in R2 and leaves out a refused one, the mail still arriving", async () => {
    const t = await emailTenant();
    const from = `${unique("files")}@customer.example.test`;
    const raw = multipartMail({
      from,
      to: t.inbox.email,
      subject: "Screenshot",
      messageId: newMessageId(),
      text: "See the picture.",
      html: "<p>See the <b>picture</b>.</p>",
      attachments: [
        { filename: "screen.png", type: "image/png", base64: PNG_BASE64 },
        { filename: "setup.exe", type: "application/x-msdownload", base64: btoa("MZ\x90\x00\x03\x00\x00\x00") },
      ],
    });
    await deliverMail(raw, { from, to: t.inbox.email });
    const conversation = await onlyConversation(t, t.inbox.id);
    let message: Message | undefined;
    await eventually(async () => {
      [message] = await messagesOf(t, conversation.id);
      expect(message?.content).toBe("See the picture.");
      expect(message?.attachments).toHaveLength(1);
    });
    expect(message?.attachments[0]?.file_type).toBe("image");
    const key = new URL(message?.attachments[0]?.data_url ?? "").pathname.replace(/^\/media\//, "");
    const stored = await env.MEDIA.get(key);
    expect(new Uint8Array((await stored?.arrayBuffer()) ?? new ArrayBuffer(0)).slice(0, 4)).toEqual(new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
  });

  it("threads a reply naming an earlier mail in In-Reply-To into that conversation, and a new mail into a new one", async () => {
    const t = await emailTenant();
    const from = `${unique("thread")}@customer.example.test`;
    const first = newMessageId();
    await deliverMail(plainMail({ from, to: t.inbox.email, subject: "Question", messageId: first, text: "First" }), { from, to: t.inbox.email });
    const conversation = await onlyConversation(t, t.inbox.id);
    await eventually(async () => expect(await messagesOf(t, conversation.id)).toHaveLength(1));
    await deliverMail(
      plainMail({ from, to: t.inbox.email, subject: "Re: Question", messageId: newMessageId(), inReplyTo: first, references: [first], text: "Second" }),
      {
        from,
        to: t.inbox.email,
      },
    );
    await eventually(async () => expect((await messagesOf(t, conversation.id)).map((m) => m.content)).toEqual(["First", "Second"]));
    await deliverMail(plainMail({ from, to: t.inbox.email, subject: "Another matter", messageId: newMessageId(), text: "Third" }), { from, to: t.inbox.email });
    await eventually(async () => expect(await conversationsOf(t, t.inbox.id)).toHaveLength(2));
  });

  it("stores a mail delivered twice with the same Message-ID once", async () => {
    const t = await emailTenant();
    const from = `${unique("twice")}@customer.example.test`;
    const raw = plainMail({ from, to: t.inbox.email, subject: "Once", messageId: newMessageId(), text: "Only once, please" });
    await deliverMail(raw, { from, to: t.inbox.email });
    const conversation = await onlyConversation(t, t.inbox.id);
    await eventually(async () => expect(await messagesOf(t, conversation.id)).toHaveLength(1));
    await deliverMail(raw, { from, to: t.inbox.email });
    await deliverMail(plainMail({ from, to: t.inbox.email, subject: "Re: Once", messageId: newMessageId(), references: [], text: "Later" }), {
      from,
      to: t.inbox.email,
    });
    await eventually(async () => expect(await conversationsOf(t, t.inbox.id)).toHaveLength(2));
    expect((await messagesOf(t, conversation.id)).map((m) => m.content)).toEqual(["Only once, please"]);
  });

  it("stores one message when two deliveries of a new mail arrive at the same time", async () => {
    const t = await emailTenant();
    const from = `${unique("race")}@customer.example.test`;
    const raw = plainMail({ from, to: t.inbox.email, subject: "Twice at once", messageId: newMessageId(), text: "Hello once" });
    await Promise.all([deliverMail(raw, { from, to: t.inbox.email }), deliverMail(raw, { from, to: t.inbox.email })]);
    const conversation = await onlyConversation(t, t.inbox.id);
    await eventually(async () => expect(await messagesOf(t, conversation.id)).toHaveLength(1));
    // Both jobs have run once the next mail of the sender is stored.
    await deliverMail(plainMail({ from, to: t.inbox.email, subject: "Later", messageId: newMessageId(), text: "Later" }), { from, to: t.inbox.email });
    await eventually(async () => expect(await conversationsOf(t, t.inbox.id)).toHaveLength(2));
    expect((await messagesOf(t, conversation.id)).map((m) => m.content)).toEqual(["Hello once"]);
  });

  it("sends an agent's reply from the inbox's address with the conversation's reply address and the contact's thread headers", async () => {
    const t = await emailTenant();
    const from = `${unique("reply")}@customer.example.test`;
    const contactMessageId = newMessageId();
    await deliverMail(plainMail({ from, to: t.inbox.email, subject: "Invoice", messageId: contactMessageId, text: "Please resend the invoice." }), {
      from,
      to: t.inbox.email,
    });
    const conversation = await onlyConversation(t, t.inbox.id);
    await eventually(async () => expect(await messagesOf(t, conversation.id)).toHaveLength(1));
    const sent = await agentReply(t.admin.access_token, t.account.id, conversation.id, "Sent again, see your inbox.");
    let email: Awaited<ReturnType<typeof conversationEmails>>[number] | undefined;
    await eventually(async () => {
      [email] = await conversationEmails(t.account.id);
      expect(email?.status).toBe("sent");
    });
    expect(email).toMatchObject({ kind: "conversation_reply", to: JSON.stringify([from]), subject: "Re: Invoice", display_id: conversation.id });
    expect(email?.from_address).toContain(`<${t.inbox.email}>`);
    expect(email?.text).toContain("Sent again, see your inbox.");
    expect(JSON.parse(email?.headers ?? "{}")).toEqual({ "In-Reply-To": `<${contactMessageId}>`, References: `<${contactMessageId}>` });
    expect(email?.reply_to?.endsWith(`@${t.inbox.email.split("@")[1]}`)).toBe(true);
    expect(await conversationOfReplyAddress(env.TOKEN_SIGNING_SECRET, email?.reply_to ?? "")).toEqual({ accountId: t.account.id, displayId: conversation.id });
    await eventually(async () => {
      const reply = (await messagesOf(t, conversation.id)).find((m) => m.id === sent.id);
      expect(reply?.status).toBe("sent");
    });
  });

  it("marks a reply failed with Email Service's reason when its email is given up", async () => {
    const t = await emailTenant();
    const from = `${unique("giveup")}@customer.example.test`;
    await deliverMail(plainMail({ from, to: t.inbox.email, subject: "Hi", messageId: newMessageId(), text: "Hi" }), { from, to: t.inbox.email });
    const conversation = await onlyConversation(t, t.inbox.id);
    await eventually(async () => expect(await messagesOf(t, conversation.id)).toHaveLength(1));
    const sent = await agentReply(t.admin.access_token, t.account.id, conversation.id, "Hello back");
    let emailId = 0;
    await eventually(async () => {
      const [email] = await conversationEmails(t.account.id);
      expect(email?.status).toBe("sent");
      emailId = email?.id ?? 0;
    });
    // As it would stand had the queue kept failing for over an hour (its job has run, so nothing races the sweep).
    await env.DB.prepare("update emails set status = 'failed', error = 'E_DELIVERY_FAILED: mailbox unavailable', updated_at = unixepoch() - 7200 where id = ?")
      .bind(emailId)
      .run();
    await sweepEmails(env, new Date());
    await eventually(async () => {
      const message = (await messagesOf(t, conversation.id)).find((m) => m.id === sent.id);
      expect(message?.status).toBe("failed");
      expect(message?.content_attributes.external_error).toBe("The email could not be sent: E_DELIVERY_FAILED: mailbox unavailable");
    });
  });

  it("brings the contact's answer to the reply address back into the same conversation", async () => {
    const t = await emailTenant();
    const from = `${unique("answer")}@customer.example.test`;
    await deliverMail(plainMail({ from, to: t.inbox.email, subject: "Hours", messageId: newMessageId(), text: "When are you open?" }), {
      from,
      to: t.inbox.email,
    });
    const conversation = await onlyConversation(t, t.inbox.id);
    await eventually(async () => expect(await messagesOf(t, conversation.id)).toHaveLength(1));
    await agentReply(t.admin.access_token, t.account.id, conversation.id, "From 9 to 5.");
    let replyTo = "";
    await eventually(async () => {
      const [email] = await conversationEmails(t.account.id);
      expect(email?.status).toBe("sent");
      replyTo = email?.reply_to ?? "";
    });
    // A client that drops In-Reply-To still reaches the conversation through the address.
    expect(
      await deliverMail(plainMail({ from, to: replyTo, subject: "Re: Hours", messageId: newMessageId(), text: "Thanks!" }), { from, to: replyTo }),
    ).toBeNull();
    await eventually(async () =>
      expect((await messagesOf(t, conversation.id)).map((m) => m.content)).toEqual(["When are you open?", "From 9 to 5.", "Thanks!"]),
    );
    expect(await conversationsOf(t, t.inbox.id)).toHaveLength(1);
  });

  it("marks the agent's email failed with the reason when it bounces, without reopening the resolved conversation", async () => {
    const t = await emailTenant();
    const from = `${unique("bounce")}@customer.example.test`;
    await deliverMail(plainMail({ from, to: t.inbox.email, subject: "Help", messageId: newMessageId(), text: "Help me" }), { from, to: t.inbox.email });
    const conversation = await onlyConversation(t, t.inbox.id);
    await eventually(async () => expect(await messagesOf(t, conversation.id)).toHaveLength(1));
    const sent = await agentReply(t.admin.access_token, t.account.id, conversation.id, "Here is the answer.");
    let email: Awaited<ReturnType<typeof conversationEmails>>[number] | undefined;
    await eventually(async () => {
      [email] = await conversationEmails(t.account.id);
      expect(email?.status).toBe("sent");
    });
    expectStatus(
      await call("POST", `/api/v1/accounts/${t.account.id}/conversations/${conversation.id}/toggle_status`, {
        token: t.admin.access_token,
        body: { status: "resolved" },
      }),
      200,
    );
    const replyTo = email?.reply_to ?? "";
    const dsn = bounceMail({ to: replyTo, failedRecipient: from, originalMessageId: (email?.message_id ?? "").replace(/[<>]/g, ""), originalTo: from });
    expect(await deliverMail(dsn, { from: "", to: replyTo })).toBeNull();
    await eventually(async () => {
      const message = (await messagesOf(t, conversation.id)).find((m) => m.id === sent.id);
      expect(message?.status).toBe("failed");
      expect(message?.content_attributes.external_error).toContain("5.1.1");
    });
    const [current] = await conversationsOf(t, t.inbox.id);
    expect(current?.status).toBe("resolved");
  });

  it("keeps an automatic reply as a private note that leaves the resolved conversation resolved", async () => {
    const t = await emailTenant();
    const from = `${unique("ooo")}@customer.example.test`;
    const first = newMessageId();
    await deliverMail(plainMail({ from, to: t.inbox.email, subject: "Quote", messageId: first, text: "A quote, please" }), { from, to: t.inbox.email });
    const conversation = await onlyConversation(t, t.inbox.id);
    await eventually(async () => expect(await messagesOf(t, conversation.id)).toHaveLength(1));
    expectStatus(
      await call("POST", `/api/v1/accounts/${t.account.id}/conversations/${conversation.id}/toggle_status`, {
        token: t.admin.access_token,
        body: { status: "resolved" },
      }),
      200,
    );
    const autoReply = plainMail({
      from,
      to: t.inbox.email,
      subject: "Automatic reply: Quote",
      messageId: newMessageId(),
      inReplyTo: first,
      references: [first],
      extraHeaders: ["Auto-Submitted: auto-replied", "X-Autoreply: yes"],
      text: "I am out of the office until Monday.",
    });
    await deliverMail(autoReply, { from, to: t.inbox.email });
    await eventually(async () => {
      const note = (await messagesOf(t, conversation.id)).find((m) => m.content_attributes.auto_reply);
      expect(note).toMatchObject({ private: true, content: `Automatic reply from ${from}: I am out of the office until Monday.` });
    });
    const [current] = await conversationsOf(t, t.inbox.id);
    expect(current?.status).toBe("resolved");
  });

  it("opens an Email/SMS widget's lead in the email inbox it names and answers the address the visitor left", async () => {
    const t = await emailTenant();
    const widget = await call("POST", `/api/v1/accounts/${t.account.id}/chat_widgets`, {
      token: t.admin.access_token,
      body: { name: "Contact us", type: "email_sms", inbox_id: t.inbox.id },
    });
    expectStatus(widget, 201);
    const visitor = `${unique("lead")}@customer.example.test`;
    const noEmail = await call("POST", "/api/v1/widget/sessions", {
      body: { widget_token: widget.body.widget_token, values: { full_name: "Lee", phone_number: "+14155550123" }, message: "Call me" },
    });
    expectStatus(noEmail, 422);
    expect(noEmail.body.error.details.map((d: { field: string }) => d.field)).toEqual(["values.email"]);
    const lead = await call("POST", "/api/v1/widget/sessions", {
      body: { widget_token: widget.body.widget_token, values: { full_name: "Lee", email: visitor }, message: "Do you have a catalogue?" },
    });
    expectStatus(lead, 201);
    const conversation = await onlyConversation(t, t.inbox.id);
    expect(conversation.id).toBe(lead.body.conversation_id);
    await agentReply(t.admin.access_token, t.account.id, conversation.id, "Attached to this email soon.");
    await eventually(async () => {
      const [email] = await conversationEmails(t.account.id);
      expect(email).toMatchObject({ kind: "conversation_reply", to: JSON.stringify([visitor]), status: "sent" });
    });
  });

  it("works one sender's mails to an inbox in order, and different senders' at once", () => {
    const mail = (from: string, inboxId: number | null, displayId: number | null) =>
      ({ type: "email_channel.received", account_id: 1, inbox_id: inboxId, display_id: displayId, raw_key: "k", envelope_from: from }) as const;
    expect(laneOf(mail("ana@x.test", 3, null))).toBe(laneOf(mail("ana@x.test", 3, null)));
    expect(laneOf(mail("ana@x.test", 3, null))).not.toBe(laneOf(mail("ben@x.test", 3, null)));
    expect(laneOf(mail("ana@x.test", null, 9))).not.toBe(laneOf(mail("ana@x.test", 3, null)));
  });

  it("refuses mail for an address no inbox has, and for a reply address whose signature is wrong", async () => {
    const t = await emailTenant();
    const from = `${unique("stranger")}@customer.example.test`;
    const nobody = `nobody-${unique("x")}@acme.example.test`;
    expect(await deliverMail(plainMail({ from, to: nobody, subject: "Hi", messageId: newMessageId(), text: "Hi" }), { from, to: nobody })).toContain(
      "No inbox",
    );
    const forged = `reply+${t.account.id}-1-00000000000000000000@acme.example.test`;
    expect(await deliverMail(plainMail({ from, to: forged, subject: "Hi", messageId: newMessageId(), text: "Hi" }), { from, to: forged })).toContain(
      "No inbox",
    );
  });

  it("refuses a mail larger than MAX_INBOUND_EMAIL_BYTES before storing anything", async () => {
    const t = await emailTenant();
    const from = `${unique("big")}@customer.example.test`;
    const raw = plainMail({ from, to: t.inbox.email, subject: "Big", messageId: newMessageId(), text: "x".repeat(5_000) });
    expect(await deliverMail(raw, { from, to: t.inbox.email }, { ...env, MAX_INBOUND_EMAIL_BYTES: "4096" })).toContain("larger than");
    const listed = await env.MEDIA.list({ prefix: `accounts/${t.account.id}/emails/` });
    expect(listed.objects).toEqual([]);
  });
});
