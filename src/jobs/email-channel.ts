/**
 * The email channel's queue work, and conversation continuity's.
 *
 * `email_channel.received`: a mail the Worker's email() handler took (src/api/email-routing.ts), its
 * raw MIME in R2. Parsed with postal-mime; threaded into a conversation by its reply address, else
 * by In-Reply-To / References, else a new conversation of the sender's contact (found or made by the
 * From address); a Message-ID already stored is not stored again; bounces mark the agent's email
 * failed and automatic replies become a private note, neither opening nor reopening anything.
 *
 * `email_channel.send`: an agent's message in an email inbox becomes a recorded email (the `emails`
 * table, sent by `email.send`) from the inbox's address, with the conversation's reply address as
 * Reply-To and In-Reply-To / References naming the contact's mail, so their client keeps one thread.
 *
 * `email_continuity.send`: a website visitor who left an email and is not on the page gets the
 * agents' messages by email: one email per burst (the job waits EMAIL_CONTINUITY_DELAY_SECONDS, then
 * takes every message not emailed yet), with the conversation's reply address, so their answer
 * comes back into the same conversation.
 */
import PostalMime, { type Email } from "postal-mime";
import { and, eq } from "drizzle-orm";
import { openDatabase } from "../db/client";
import { initialConversationStatus } from "../db/inbox-listeners";
import { accounts, type EmailFileRef, emails, inboxes, users } from "../db/schema";
import type { Attachment, MessageRecord } from "../domain/conversation";
import { MessageType } from "../domain/conversation";
import {
  automatedKind,
  bounceReason,
  conversationEmailBody,
  domainOf,
  messageIdsIn,
  normalizeAddress,
  recipientOf,
  replyAddress,
  replySubject,
  splitQuotedReply,
  textOfHtml,
  threadIdsOf,
  threadingHeaders,
} from "../domain/email-channel";
import { accountObject, conversationObject } from "../durable/addresses";
import { deleteStoredFiles } from "../db/account-storage";
import { mediaUrl } from "../services/media-store";
import { storeFiles } from "../services/media-store";
import { enqueueJobs, type JobMessage } from "./messages";
import { leavesOnChannel, type OutboundRef } from "./outbound";

type EmailReceivedJob = Extract<JobMessage, { type: "email_channel.received" }>;

/** Everyone's view of a conversation, for jobs. */
const EVERYONE = { kind: "user", userId: 0, role: "administrator", inboxIds: null } as const;
/** What of a mail's text and HTML is kept with its message (the whole mail stays in R2). */
const MAX_KEPT_CHARACTERS = 100_000;
const MAX_ATTACHMENTS = 20;

const clip = (text: string | undefined | null) => (text ? text.slice(0, MAX_KEPT_CHARACTERS) : null);

// ---- Receiving ----------------------------------------------------------------------------------

export async function receiveEmail(env: Env, job: EmailReceivedJob): Promise<void> {
  const stored = await env.MEDIA.get(job.raw_key);
  // Gone with its account.
  if (!stored) return;
  const mail = await PostalMime.parse(await stored.arrayBuffer(), { attachmentEncoding: "arraybuffer" });
  const target = await targetOf(env, job);
  if (!target) return;
  const { inbox, accountId } = target;
  const account = accountObject(env, accountId);
  const from = normalizeAddress(mail.from?.address ?? job.envelope_from);
  const messageId = messageIdsIn(mail.messageId)[0] ?? `${job.raw_key}@parley.invalid`;

  // A mail delivered twice is stored once, even when both deliveries are handled at the same time.
  if ((await account.claimEmailMessage(inbox.id, messageId, job.raw_key)) === "duplicate") return;
  const thread = target.displayId ?? (await account.emailThreadConversation(inbox.id, threadIdsOf(mail)))?.displayId ?? null;
  const headers = new Map<string, string>();
  for (const header of mail.headers) if (!headers.has(header.key)) headers.set(header.key, header.value);
  const automated = automatedKind(headers, from);
  const text = mail.text?.trim() ? mail.text : mail.html ? textOfHtml(mail.html) : "";

  if (automated === "bounce") {
    // The machine-readable report (RFC 3464) is a part of its own, which postal-mime lists among the attachments.
    const reports = mail.attachments
      .filter((part) => part.mimeType === "message/delivery-status")
      .map((part) => (typeof part.content === "string" ? part.content : new TextDecoder().decode(part.content)));
    if (thread !== null) await markLatestEmailFailed(env, accountId, thread, bounceReason([...reports, text].join("\n")));
    return;
  }
  if (automated === "auto_reply") {
    if (thread !== null) {
      await conversationObject(env, accountId, thread).addMessage(
        { inboxIds: null },
        {
          messageType: MessageType.outgoing,
          content: `Automatic reply from ${from}: ${splitQuotedReply(text).reply}`.slice(0, 5_000),
          contentType: "text",
          contentAttributes: { email: emailAttributes(env, job.raw_key, mail, from, text), auto_reply: true },
          private: true,
          echoId: null,
          sourceId: messageId,
          attachments: [],
        },
        null,
      );
      await account.recordEmailThread(inbox.id, thread, [{ messageId, incoming: true }]);
    }
    return;
  }

  let displayId = thread;
  if (displayId === null) {
    if (inbox.channelType !== "email") return;
    await account.emailContactSession(inbox.id, { email: from, name: mail.from?.name?.trim() || null });
    const seed = await account.reserveConversation({
      inboxId: inbox.id,
      sourceId: from,
      customAttributes: {},
      additionalAttributes: { mail_subject: mail.subject ?? "" },
      // Pending while an agent bot has the inbox, as every channel's new conversations.
      status: await initialConversationStatus(env.DB, inbox.id),
    });
    if (!seed) throw new Error(`no contact session for ${from} in inbox ${inbox.id}`);
    await conversationObject(env, accountId, seed.displayId).start(seed, { type: "contact" });
    displayId = seed.displayId;
  }
  // Claimed before the message is added: a redelivery joins this conversation and is stored once.
  await account.recordEmailThread(inbox.id, displayId, [{ messageId, incoming: true }]);

  const attachments = await storeMailAttachments(env, accountId, mail);
  const { reply } = splitQuotedReply(text);
  const result = await conversationObject(env, accountId, displayId).addMessage(
    { inboxIds: null },
    {
      messageType: MessageType.incoming,
      content: reply === "" && attachments.length > 0 ? null : reply,
      contentType: "text",
      contentAttributes: { email: emailAttributes(env, job.raw_key, mail, from, text) },
      private: false,
      echoId: null,
      sourceId: messageId,
      attachments,
    },
    { type: "contact" },
  );
  if (!result?.created) await deleteStoredFiles(env, accountId, attachments);
}

/** Where a mail goes: the conversation its reply address names, or the email inbox whose address it was sent to. */
async function targetOf(env: Env, job: EmailReceivedJob) {
  const db = openDatabase(env.DB);
  if (job.display_id !== null) {
    const state = await conversationObject(env, job.account_id, job.display_id).currentState({ inboxIds: null });
    if (!state) return null;
    const inbox = await db.query.inboxes.findFirst({ where: eq(inboxes.id, state.inboxId) });
    return inbox ? { inbox, accountId: job.account_id, displayId: job.display_id } : null;
  }
  if (job.inbox_id === null) return null;
  const inbox = await db.query.inboxes.findFirst({
    where: and(eq(inboxes.id, job.inbox_id), eq(inboxes.accountId, job.account_id), eq(inboxes.channelType, "email")),
  });
  return inbox ? { inbox, accountId: job.account_id, displayId: null } : null;
}

/**
 * Chatwoot's `content_attributes.email`: the mail's addresses, subject, ids, and its text and HTML
 * in full and as the reply without quoted history (what the message shows).
 */
function emailAttributes(env: Env, rawKey: string, mail: Email, from: string, text: string) {
  const addresses = (list: Email["to"]) =>
    (list ?? []).flatMap((address) => (address.address ? [address.address] : (address.group ?? []).map((member) => member.address)));
  const split = splitQuotedReply(text);
  return {
    from: [from],
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    subject: mail.subject ?? null,
    date: mail.date ?? null,
    message_id: messageIdsIn(mail.messageId)[0] ?? null,
    in_reply_to: messageIdsIn(mail.inReplyTo)[0] ?? null,
    references: messageIdsIn(mail.references),
    multipart: mail.html !== undefined && mail.text !== undefined,
    number_of_attachments: mail.attachments.length,
    text_content: { full: clip(text), reply: clip(split.reply), quoted: clip(split.quoted) },
    html_content: { full: clip(mail.html) },
    /** The mail as it arrived (RFC 822), to download. */
    raw_url: mediaUrl(env.PUBLIC_URL.replace(/\/+$/, ""), rawKey),
  };
}

/** The mail's files, each within the allowlist and the account's storage quota; a file refused is left out, the mail still arrives. */
async function storeMailAttachments(env: Env, accountId: number, mail: Email): Promise<Attachment[]> {
  const origin = env.PUBLIC_URL.replace(/\/+$/, "");
  const stored: Attachment[] = [];
  for (const [index, attachment] of mail.attachments.slice(0, MAX_ATTACHMENTS).entries()) {
    const file = new File([attachment.content], attachment.filename ?? `attachment-${index + 1}`, { type: attachment.mimeType });
    try {
      const [one] = await storeFiles(env, origin, accountId, [file]);
      if (one) stored.push({ ...one, id: stored.length + 1 });
    } catch (error) {
      console.error("email attachment refused", accountId, attachment.filename, error instanceof Error ? error.message : error);
    }
  }
  return stored;
}

/** A bounce: the conversation's latest agent message sent by email is marked failed with the bounce's reason (found in the object). */
async function markLatestEmailFailed(env: Env, accountId: number, displayId: number, reason: string) {
  await conversationObject(env, accountId, displayId).failLatestOutgoing(reason);
}

// ---- Sending ------------------------------------------------------------------------------------

/** The domain the reply addresses of website conversations use: MAILER_INBOUND_EMAIL_DOMAIN, else EMAIL_FROM's. */
export function inboundDomain(env: Env): string {
  return (env.MAILER_INBOUND_EMAIL_DOMAIN || domainOf(env.EMAIL_FROM)).toLowerCase();
}

/** The name an agent's message is signed with, when an agent wrote it. */
async function authorName(env: Env, message: MessageRecord): Promise<string | null> {
  if (message.sender?.type !== "user") return null;
  const user = await openDatabase(env.DB).query.users.findFirst({ where: eq(users.id, message.sender.id), columns: { name: true } });
  return user?.name ?? null;
}

const filesOf = (message: MessageRecord) => message.attachments.map((file) => ({ fileName: file.file_name, url: file.dataUrl }));
const fileRefsOf = (message: MessageRecord): EmailFileRef[] =>
  message.attachments.map((file) => ({ key: file.key, file_name: file.file_name, content_type: file.content_type }));

/** Records one conversation email (a key recorded before adds nothing) and hands it to `email.send`. */
async function queueConversationEmail(env: Env, row: typeof emails.$inferInsert): Promise<void> {
  const [inserted] = await openDatabase(env.DB).insert(emails).values(row).onConflictDoNothing().returning({ id: emails.id });
  if (inserted) await enqueueJobs(env.JOBS, [{ type: "email.send", email_id: inserted.id }]);
}

/** `email_channel.send`: an agent's message in an email inbox, recorded as the email that answers the contact's thread. */
export async function queueEmailReply(env: Env, ref: OutboundRef): Promise<void> {
  const conversation = conversationObject(env, ref.account_id, ref.display_id);
  const [message, state] = await Promise.all([conversation.message(ref.message_id), conversation.currentState({ inboxIds: null })]);
  if (!message || !state || !leavesOnChannel(message)) return;
  const db = openDatabase(env.DB);
  const inbox = await db.query.inboxes.findFirst({ where: and(eq(inboxes.id, state.inboxId), eq(inboxes.channelType, "email")) });
  const fail = (reason: string) => conversation.setDeliveryStatus({ messageId: message.id }, { status: "failed", externalError: reason });
  if (!inbox?.email) return void (await fail("The inbox has no email address."));
  if ((message.content?.trim() ?? "") === "" && message.attachments.length === 0) return void (await fail("The message has nothing to send."));
  const account = accountObject(env, ref.account_id);
  const [payload, thread, author] = await Promise.all([
    account.conversation(ref.display_id, EVERYONE),
    account.emailThread(inbox.id, ref.display_id),
    authorName(env, message),
  ]);
  // A mail's session is its sender's address; a widget lead's is its own id, and the address the visitor left is the contact's (or their claim).
  const to = state.sourceId.includes("@") ? state.sourceId : recipientOf(payload?.meta.sender ?? null, "email");
  if (!to) return void (await fail("The contact has no email address."));
  const subject = replySubject(
    typeof payload?.additional_attributes.mail_subject === "string" ? payload.additional_attributes.mail_subject : null,
    `[#${ref.display_id}] ${inbox.name}`,
  );
  const body = conversationEmailBody([{ author: null, content: message.content ?? "", files: filesOf(message) }]);
  await queueConversationEmail(env, {
    accountId: ref.account_id,
    key: `reply:${ref.display_id}:${message.id}`,
    kind: "conversation_reply",
    displayId: ref.display_id,
    to: [to],
    subject,
    text: body.text,
    html: body.html,
    fromAddress: author ? `${author} from ${inbox.name} <${inbox.email}>` : `${inbox.name} <${inbox.email}>`,
    replyTo: await replyAddress(env.TOKEN_SIGNING_SECRET, { accountId: ref.account_id, displayId: ref.display_id }, domainOf(inbox.email)),
    headers: threadingHeaders(thread.ids, thread.latestIncoming),
    attachments: fileRefsOf(message),
  });
}

/**
 * `email_continuity.send`: when the visitor of a website conversation left an email and is not on
 * the page, the agents' messages not emailed yet leave as one email. The job that comes first takes
 * them all; the burst's later jobs find nothing left.
 */
export async function sendContinuityEmail(env: Env, ref: OutboundRef): Promise<void> {
  const account = accountObject(env, ref.account_id);
  const payload = await account.conversation(ref.display_id, EVERYONE);
  const contact = payload?.meta.sender;
  const to = recipientOf(contact ?? null, "email");
  if (!payload || !contact || !to) return;
  if (await account.contactOnline(contact.id)) return; // they read it in the widget
  const after = await account.claimEmailContinuity(ref.display_id, ref.message_id);
  if (after === null) return;
  const conversation = conversationObject(env, ref.account_id, ref.display_id);
  const burst = (await conversation.unsentRepliesAfter(after)).filter((message) => message.sender?.type !== "contact");
  const through = Math.max(ref.message_id, ...burst.map((message) => message.id));
  if (through > ref.message_id) await account.claimEmailContinuity(ref.display_id, through);
  if (burst.length === 0) return;
  const db = openDatabase(env.DB);
  const [inbox, accountRow] = await Promise.all([
    db.query.inboxes.findFirst({ where: eq(inboxes.id, payload.inbox_id), columns: { id: true, name: true } }),
    db.query.accounts.findFirst({ where: eq(accounts.id, ref.account_id), columns: { name: true } }),
  ]);
  if (!inbox) return;
  const parts = await Promise.all(
    burst.map(async (message) => ({ author: await authorName(env, message), content: message.content ?? "", files: filesOf(message) })),
  );
  const body = conversationEmailBody(parts);
  const thread = await account.emailThread(inbox.id, ref.display_id);
  const subjectOfContinuity = `Your conversation with ${accountRow?.name ?? inbox.name}`;
  await queueConversationEmail(env, {
    accountId: ref.account_id,
    key: `continuity:${ref.display_id}:${through}`,
    kind: "continuity",
    displayId: ref.display_id,
    to: [to],
    // The first email opens the thread; the next ones answer it.
    subject: thread.ids.length > 0 ? replySubject(subjectOfContinuity, subjectOfContinuity) : subjectOfContinuity,
    text: `${body.text}\n\nAnswer this email to reply.`,
    html: body.html,
    fromAddress: `${accountRow?.name ?? inbox.name} <${env.EMAIL_FROM}>`,
    replyTo: await replyAddress(env.TOKEN_SIGNING_SECRET, { accountId: ref.account_id, displayId: ref.display_id }, inboundDomain(env)),
    headers: threadingHeaders(thread.ids, thread.latestIncoming),
    attachments: burst.flatMap(fileRefsOf),
  });
}

/** Continuity waits this long after an agent's message, so a burst of them leaves as one email. */
export function continuityDelaySeconds(env: Env): number {
  const seconds = Number(env.EMAIL_CONTINUITY_DELAY_SECONDS);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 3600) : 60;
}

export async function scheduleContinuityEmail(env: Env, ref: OutboundRef): Promise<void> {
  const job: JobMessage = { type: "email_continuity.send", ...ref };
  await env.JOBS.send(job, { delaySeconds: continuityDelaySeconds(env) });
}

// ---- After sending ------------------------------------------------------------------------------

type EmailRow = typeof emails.$inferSelect;

/** What a conversation email's key names: the message a reply carries. */
function replyMessageOf(email: EmailRow): { displayId: number; messageId: number } | null {
  const match = /^reply:(\d+):(\d+)$/.exec(email.key);
  return match?.[1] && match[2] ? { displayId: Number(match[1]), messageId: Number(match[2]) } : null;
}

/**
 * A conversation email went out: a reply's message is marked sent with the email's Message-ID as its
 * source id, and that id joins the conversation's thread, so an answer naming it threads here.
 */
export async function conversationEmailSent(env: Env, email: EmailRow, messageId: string | null): Promise<void> {
  if ((email.kind !== "conversation_reply" && email.kind !== "continuity") || email.accountId === null || email.displayId === null) return;
  const id = messageIdsIn(messageId)[0] ?? null;
  const conversation = conversationObject(env, email.accountId, email.displayId);
  const state = await conversation.currentState({ inboxIds: null });
  if (!state) return;
  if (id) await accountObject(env, email.accountId).recordEmailThread(state.inboxId, email.displayId, [{ messageId: id, incoming: false }]);
  const reply = replyMessageOf(email);
  if (reply) await conversation.setDeliveryStatus({ messageId: reply.messageId }, { status: "sent", ...(id ? { sourceId: id } : {}) });
}

/** A conversation email was given up: a reply's message is marked failed with the reason, which the agent sees. */
export async function conversationEmailGivenUp(env: Env, email: EmailRow, reason: string): Promise<void> {
  const reply = replyMessageOf(email);
  if (email.kind !== "conversation_reply" || !reply || email.accountId === null) return;
  await conversationObject(env, email.accountId, reply.displayId).setDeliveryStatus(
    { messageId: reply.messageId },
    { status: "failed", externalError: `The email could not be sent: ${reason}`.slice(0, 500) },
  );
}
