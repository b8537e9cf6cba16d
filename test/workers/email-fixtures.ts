// Mail as it reaches the Worker's email() handler: real MIME messages (RFC 5322 headers, RFC 2046
// multiparts, RFC 3464 delivery status notifications, RFC 3834 automatic replies), shaped like those
// Gmail, Apple Mail and Postfix send, and the ForwardableEmailMessage Email Routing hands the handler
// (https://developers.cloudflare.com/email-routing/email-workers/runtime-api/).
import { env } from "cloudflare:workers";
import worker from "../../src/index";
import { call, createInbox, expectStatus, unique } from "./helpers";

/** A 1x1 PNG, base64 (its first bytes are the PNG signature the allowlist checks). */
export const PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

export const newMessageId = (host = "mail.example.test") => `${crypto.randomUUID()}@${host}`;

type Mail = {
  from: string;
  fromName?: string;
  to: string;
  subject: string;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  extraHeaders?: string[];
};

function headerBlock(mail: Mail): string[] {
  return [
    `From: ${mail.fromName ? `"${mail.fromName}" ` : ""}<${mail.from}>`,
    `To: <${mail.to}>`,
    `Subject: ${mail.subject}`,
    "Date: Mon, 07 Dec 2026 10:15:00 +0000",
    `Message-ID: <${mail.messageId}>`,
    ...(mail.inReplyTo ? [`In-Reply-To: <${mail.inReplyTo}>`] : []),
    ...(mail.references?.length ? [`References: ${mail.references.map((id) => `<${id}>`).join(" ")}`] : []),
    "MIME-Version: 1.0",
    ...(mail.extraHeaders ?? []),
  ];
}

/** A plain text mail. */
export function plainMail(mail: Mail & { text: string }): string {
  return [...headerBlock(mail), "Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: 7bit", "", mail.text, ""].join("\r\n");
}

/** multipart/mixed: multipart/alternative (text and HTML) and base64 attachments, as Gmail sends them. */
export function multipartMail(mail: Mail & { text: string; html: string; attachments: { filename: string; type: string; base64: string }[] }): string {
  const mixed = `mixed-${crypto.randomUUID()}`;
  const alternative = `alt-${crypto.randomUUID()}`;
  return [
    ...headerBlock(mail),
    `Content-Type: multipart/mixed; boundary="${mixed}"`,
    "",
    `--${mixed}`,
    `Content-Type: multipart/alternative; boundary="${alternative}"`,
    "",
    `--${alternative}`,
    "Content-Type: text/plain; charset=UTF-8",
    "",
    mail.text,
    `--${alternative}`,
    "Content-Type: text/html; charset=UTF-8",
    "",
    mail.html,
    `--${alternative}--`,
    ...mail.attachments.flatMap((file) => [
      `--${mixed}`,
      `Content-Type: ${file.type}; name="${file.filename}"`,
      `Content-Disposition: attachment; filename="${file.filename}"`,
      "Content-Transfer-Encoding: base64",
      "",
      file.base64,
    ]),
    `--${mixed}--`,
    "",
  ].join("\r\n");
}

/** A Postfix delivery status notification (RFC 3464): the original message's headers come back in the third part. */
export function bounceMail(input: { to: string; failedRecipient: string; originalMessageId: string; originalTo: string }): string {
  const boundary = `dsn-${crypto.randomUUID()}`;
  return [
    "From: MAILER-DAEMON@mx.example.test (Mail Delivery System)",
    `To: <${input.to}>`,
    "Subject: Undelivered Mail Returned to Sender",
    "Date: Mon, 07 Dec 2026 10:20:00 +0000",
    `Message-ID: <${newMessageId("mx.example.test")}>`,
    "Auto-Submitted: auto-replied",
    "MIME-Version: 1.0",
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    "",
    `--${boundary}`,
    "Content-Description: Notification",
    "Content-Type: text/plain; charset=us-ascii",
    "",
    "This is the mail system at host mx.example.test.",
    "",
    "I'm sorry to have to inform you that your message could not",
    "be delivered to one or more recipients.",
    "",
    `<${input.failedRecipient}>: host mx.example.test said: 550 5.1.1 User unknown`,
    "",
    `--${boundary}`,
    "Content-Description: Delivery report",
    "Content-Type: message/delivery-status",
    "",
    "Reporting-MTA: dns; mx.example.test",
    "",
    `Final-Recipient: rfc822; ${input.failedRecipient}`,
    "Action: failed",
    "Status: 5.1.1",
    "Diagnostic-Code: smtp; 550 5.1.1 User unknown",
    "",
    `--${boundary}`,
    "Content-Description: Undelivered Message Headers",
    "Content-Type: text/rfc822-headers",
    "",
    `Message-ID: <${input.originalMessageId}>`,
    `To: <${input.originalTo}>`,
    "",
    `--${boundary}--`,
    "",
  ].join("\r\n");
}

/** Email Routing's message for the handler: the envelope, the raw bytes, and what the handler decided (rejected or not). */
export function routedEmail(raw: string, envelope: { from: string; to: string }) {
  const bytes = new TextEncoder().encode(raw);
  let rejection: string | null = null;
  const message = {
    from: envelope.from,
    to: envelope.to,
    headers: new Headers(),
    raw: new Blob([bytes]).stream(),
    rawSize: bytes.byteLength,
    canBeForwarded: false,
    setReject(reason: string) {
      rejection = reason;
    },
    forward: async () => ({ messageId: "" }),
    reply: async () => ({ messageId: "" }),
  };
  return { message: message as unknown as ForwardableEmailMessage, rejection: () => rejection };
}

/** Hands a mail to the Worker's email() handler, as Email Routing does; answers the rejection, if any. */
export async function deliverMail(raw: string, envelope: { from: string; to: string }, runEnv: Env = env): Promise<string | null> {
  const routed = routedEmail(raw, envelope);
  const handler = worker.email;
  if (!handler) throw new Error("the Worker has no email() handler");
  await handler(routed.message, runEnv);
  return routed.rejection();
}

export async function createEmailInbox(adminToken: string, accountId: number, email = `${unique("support")}@acme.example.test`) {
  const inbox = await createInbox(adminToken, accountId, { name: "Support mail", channel: { type: "email", email } });
  return { ...inbox, email: String(inbox.email) };
}

export type EmailRow = {
  id: number;
  kind: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  status: string;
  from_address: string | null;
  reply_to: string | null;
  headers: string | null;
  message_id: string | null;
  display_id: number | null;
};

/** The account's conversation emails (replies and continuity), oldest first. */
export async function conversationEmails(accountId: number): Promise<EmailRow[]> {
  const { results } = await env.DB.prepare("select * from emails where account_id = ? and kind in ('conversation_reply', 'continuity') order by id")
    .bind(accountId)
    .all<EmailRow>();
  return results;
}

export async function agentReply(token: string, accountId: number, displayId: number, content: string) {
  const reply = await call("POST", `/api/v1/accounts/${accountId}/conversations/${displayId}/messages`, { token, body: { content, message_type: "outgoing" } });
  expectStatus(reply, 200);
  return reply.body as { id: number };
}
