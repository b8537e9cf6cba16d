/**
 * Email: automation's send_email_to_team and send_email_transcript become rows of `emails` (one per
 * recipient, idempotent by key), each sent by an `email.send` job through Cloudflare's email binding,
 * or only recorded (the local outbox) when EMAIL_DELIVERY is "outbox".
 */
import { and, eq, inArray, lt, or, sql } from "drizzle-orm";
import { openDatabase } from "../db/client";
import { accounts, type EmailFileRef, emails, inboxes } from "../db/schema";
import { MessageType } from "../domain/conversation";
import {
  type ConversationSummary,
  type EmailContent,
  emailAddresses,
  invitationEmail,
  passwordLink,
  passwordResetEmail,
  REDACTED_TOKEN,
  teamEmail,
  type TranscriptMessage,
  transcriptEmail,
  withPasswordToken,
} from "../domain/emails";
import { passwordToken } from "../domain/tokens";
import { accountObject, conversationObject } from "../durable/addresses";
import { conversationEmailGivenUp, conversationEmailSent } from "./email-channel";
import { enqueueJobs } from "./messages";

/** Attempts before an email is given up (`dead`): the first delivery and the queue's 5 retries. */
export const EMAIL_MAX_ATTEMPTS = 6;
/** An attempt that has held an email this long without finishing is taken to have died. */
const SENDING_STALE_SECONDS = 60;
/** Emails still queued this long after they were recorded are enqueued again by the cron sweep. */
const QUEUED_STALE_SECONDS = 5 * 60;
/** The queue retries within minutes (backoff of at most 5 min, 5 retries): a `failed` email older than this was dropped. */
const FAILED_ABANDONED_SECONDS = 60 * 60;

/**
 * Email Service errors that sending again cannot fix (Cloudflare's send() error codes): the email is
 * marked `dead` at once instead of being retried.
 */
const PERMANENT_ERRORS: ReadonlySet<string> = new Set([
  "E_VALIDATION_ERROR",
  "E_FIELD_MISSING",
  "E_TOO_MANY_RECIPIENTS",
  "E_SENDER_NOT_VERIFIED",
  "E_RECIPIENT_NOT_ALLOWED",
  "E_RECIPIENT_SUPPRESSED",
  "E_SENDER_DOMAIN_NOT_AVAILABLE",
  "E_CONTENT_TOO_LARGE",
  "E_HEADER_NOT_ALLOWED",
  "E_HEADER_USE_API_FIELD",
  "E_HEADER_VALUE_INVALID",
  "E_HEADER_VALUE_TOO_LONG",
  "E_HEADER_NAME_INVALID",
  "E_HEADERS_TOO_LARGE",
  "E_HEADERS_TOO_MANY",
]);

type NewEmail = EmailContent & { key: string; to: string[] };

/** Rows per insert: D1 binds at most 100 parameters per statement. */
const INSERT_CHUNK = 10;

/** Records emails (a key already recorded adds nothing) and enqueues the new ones; returns how many were new. */
export async function queueEmails(
  env: Env,
  accountId: number,
  displayId: number,
  kind: "team_notification" | "transcript" | "agent_notification",
  list: NewEmail[],
): Promise<number> {
  const db = openDatabase(env.DB);
  const ids: number[] = [];
  for (let i = 0; i < list.length; i += INSERT_CHUNK) {
    const rows = await db
      .insert(emails)
      .values(
        list.slice(i, i + INSERT_CHUNK).map((email) => ({
          accountId,
          key: email.key,
          kind,
          displayId,
          to: email.to,
          subject: email.subject,
          text: email.text,
          html: email.html,
        })),
      )
      .onConflictDoNothing()
      .returning({ id: emails.id });
    ids.push(...rows.map((row) => row.id));
  }
  await enqueueJobs(
    env.JOBS,
    ids.map((id) => ({ type: "email.send", email_id: id })),
  );
  return ids.length;
}

/** The conversation as an email names it, or null when the account no longer has it. */
async function conversationSummary(env: Env, accountId: number, displayId: number): Promise<ConversationSummary | null> {
  const conversation = await accountObject(env, accountId).conversation(displayId, { kind: "user", userId: 0, role: "administrator", inboxIds: null });
  if (!conversation) return null;
  const inbox = await openDatabase(env.DB).query.inboxes.findFirst({ where: eq(inboxes.id, conversation.inbox_id), columns: { name: true } });
  return { displayId, inboxName: inbox?.name ?? "an inbox", contactName: conversation.meta.sender.name || "a contact" };
}

/**
 * Automation's send_email_to_team: the rule's message to each member of the teams (a member of
 * several teams gets one email). Idempotent by `key`; returns how many emails were queued.
 */
export async function emailTeams(env: Env, input: { accountId: number; displayId: number; teamIds: number[]; message: string; key: string }): Promise<number> {
  if (input.teamIds.length === 0) return 0;
  const members = await env.DB.prepare(
    `select distinct u.id, u.name, u.email from team_members tm
       join teams t on t.id = tm.team_id
       join users u on u.id = tm.user_id
       join account_users au on au.user_id = u.id and au.account_id = t.account_id
     where t.account_id = ? and t.id in (select value from json_each(?))
     order by u.id`,
  )
    .bind(input.accountId, JSON.stringify(input.teamIds))
    .all<{ id: number; name: string; email: string }>();
  if (members.results.length === 0) return 0;
  const conversation = await conversationSummary(env, input.accountId, input.displayId);
  if (!conversation) return 0;
  const list = members.results.map((member) => ({
    key: `${input.key}:user:${member.id}`,
    to: [member.email],
    ...teamEmail({ recipientName: member.name, message: input.message, conversation }),
  }));
  return queueEmails(env, input.accountId, input.displayId, "team_notification", list);
}

/**
 * Chatwoot's send_email_transcript: the conversation's messages (no private notes, no activity
 * messages) as a transcript, one email per address. Idempotent by `key`; returns how many were queued.
 */
export async function emailTranscript(env: Env, input: { accountId: number; displayId: number; to: string[]; key: string }): Promise<number> {
  const addresses = emailAddresses(input.to);
  if (addresses.length === 0) return 0;
  const conversation = await conversationSummary(env, input.accountId, input.displayId);
  if (!conversation) return 0;
  const content = transcriptEmail({ conversation, messages: await transcriptMessages(env, input.accountId, input.displayId, conversation.contactName) });
  const list = addresses.map((address) => ({ key: `${input.key}:to:${address}`, to: [address], ...content }));
  return queueEmails(env, input.accountId, input.displayId, "transcript", list);
}

/** Every public message of the conversation, oldest first, with its author's name. */
async function transcriptMessages(env: Env, accountId: number, displayId: number, contactName: string): Promise<TranscriptMessage[]> {
  const conversation = conversationObject(env, accountId, displayId);
  const records = [];
  for (let after = 0; ; ) {
    const page = (await conversation.listMessages({ inboxIds: null }, { before: null, after })) ?? [];
    records.push(...page);
    const last = page.at(-1);
    if (!last) break;
    after = last.id;
  }
  const chat = records.filter((m) => !m.private && m.messageType !== MessageType.activity);
  const userIds = [...new Set(chat.flatMap((m) => (m.sender?.type === "user" ? [m.sender.id] : [])))];
  const names = new Map<number, string>();
  if (userIds.length > 0) {
    const rows = await env.DB.prepare("select id, name from users where id in (select value from json_each(?))")
      .bind(JSON.stringify(userIds))
      .all<{ id: number; name: string }>();
    for (const row of rows.results) names.set(row.id, row.name);
  }
  return chat.map((m) => ({
    author: m.sender?.type === "contact" ? contactName : m.sender?.type === "user" ? (names.get(m.sender.id) ?? "Agent") : "Bot",
    createdAt: m.createdAt,
    content: m.content ?? "",
    attachments: m.attachments.map((a) => ({ fileName: a.file_name, url: a.dataUrl })),
  }));
}

const PASSWORD_KEY_PREFIX = "password_token:";

/**
 * The row of an invitation or password reset email, for the D1 batch that issues its link. Its text
 * holds the link with the token redacted (`REDACTED_TOKEN`): this is the copy administrators can
 * list. The key names the link's token id, from which `sendEmail` derives the token again.
 */
export function passwordEmailRow(
  env: Env,
  input: {
    /** The sub-account it is sent for; null for an agency user (`accountName` is then the agency's). */
    accountId: number | null;
    purpose: "invitation" | "reset";
    tokenId: string;
    to: string;
    recipientName: string;
    accountName: string;
    validForSeconds: number;
  },
): typeof emails.$inferInsert {
  const link = passwordLink(env.PUBLIC_URL, REDACTED_TOKEN);
  const content =
    input.purpose === "invitation"
      ? invitationEmail({ recipientName: input.recipientName, accountName: input.accountName, link, validForSeconds: input.validForSeconds })
      : passwordResetEmail({ recipientName: input.recipientName, link, validForSeconds: input.validForSeconds });
  return {
    accountId: input.accountId,
    key: `${PASSWORD_KEY_PREFIX}${input.tokenId}`,
    kind: input.purpose === "invitation" ? "invitation" : "password_reset",
    to: [input.to],
    ...content,
  };
}

/** What goes to the sender: password emails get their link's token back; every other email as stored. */
async function outgoingContent(env: Env, email: typeof emails.$inferSelect): Promise<{ text: string; html: string | null }> {
  if (!email.key.startsWith(PASSWORD_KEY_PREFIX)) return { text: email.text, html: email.html };
  const token = await passwordToken(env.TOKEN_SIGNING_SECRET, email.key.slice(PASSWORD_KEY_PREFIX.length));
  return { text: withPasswordToken(email.text, token), html: email.html === null ? null : withPasswordToken(email.html, token) };
}

/** `Name <address>` (a conversation email's sender) as the binding takes it. */
function senderOf(from: string): { email: string; name: string } {
  const match = /^(.*)<([^<>]+)>\s*$/.exec(from);
  return match?.[2] ? { email: match[2].trim(), name: (match[1] ?? "").trim().replace(/^"|"$/g, "") } : { email: from.trim(), name: "" };
}

const outboxDomain = (from: string) => senderOf(from).email.split("@")[1] ?? "parley.local";

/** A conversation email's files, read from R2; one that is gone is left out. */
async function emailAttachments(env: Env, files: EmailFileRef[] | null): Promise<EmailAttachment[]> {
  const attachments: EmailAttachment[] = [];
  for (const file of files ?? []) {
    const object = await env.MEDIA.get(file.key);
    if (object) attachments.push({ disposition: "attachment", filename: file.file_name, type: file.content_type, content: await object.arrayBuffer() });
  }
  return attachments;
}

/**
 * The `email.send` job: sends one recorded email through the email binding ("binding") or leaves it
 * in the local outbox ("outbox"), and marks it sent. An email already sent, given up, or held by
 * another attempt is left alone, so a redelivered message sends nothing twice. A failure the queue
 * may fix by trying again is thrown (the queue retries with backoff) until the attempts run out.
 */
export async function sendEmail(env: Env, emailId: number): Promise<void> {
  const db = openDatabase(env.DB);
  const [email] = await db
    .update(emails)
    .set({ status: "sending", attempts: sql`${emails.attempts} + 1`, updatedAt: sql`(unixepoch())` })
    .where(
      and(
        eq(emails.id, emailId),
        or(
          inArray(emails.status, ["queued", "failed"]),
          and(eq(emails.status, "sending"), lt(emails.updatedAt, sql`(unixepoch() - ${SENDING_STALE_SECONDS})`)),
        ),
      ),
    )
    .returning();
  if (!email) return;

  const outgoing = await outgoingContent(env, email);
  if (env.EMAIL_DELIVERY === "outbox") {
    // Local development: nothing leaves and the stored copy is redacted, so the platform's log shows
    // the password link (the only place it appears). Deployed installations never use the outbox.
    if (outgoing.text !== email.text) console.log(`outbox: ${email.subject} (to ${email.to.join(", ")}):\n${outgoing.text}`);
    // A conversation email gets the Message-ID Email Service would have given it, so its thread can be followed locally.
    const messageId = email.fromAddress ? `<outbox-${email.id}-${crypto.randomUUID()}@${outboxDomain(email.fromAddress)}>` : null;
    await db
      .update(emails)
      .set({ status: "sent", delivery: "outbox", messageId, sentAt: new Date(), error: null, updatedAt: new Date() })
      .where(eq(emails.id, email.id));
    await conversationEmailSent(env, email, messageId);
    return;
  }

  // An agency user's password email belongs to no sub-account: it is sent as Parley.
  const account = email.accountId === null ? null : await db.query.accounts.findFirst({ where: eq(accounts.id, email.accountId), columns: { name: true } });
  try {
    const attachments = await emailAttachments(env, email.attachments);
    const result = await env.EMAIL.send({
      from: email.fromAddress ? senderOf(email.fromAddress) : { email: env.EMAIL_FROM, name: account?.name ?? "Parley" },
      to: email.to,
      subject: email.subject,
      text: outgoing.text,
      ...(outgoing.html ? { html: outgoing.html } : {}),
      ...(email.replyTo ? { replyTo: email.replyTo } : {}),
      ...(email.headers && Object.keys(email.headers).length > 0 ? { headers: email.headers } : {}),
      ...(attachments.length > 0 ? { attachments } : {}),
    });
    await db
      .update(emails)
      .set({ status: "sent", delivery: "binding", messageId: result.messageId, sentAt: new Date(), error: null, updatedAt: new Date() })
      .where(eq(emails.id, email.id));
    await conversationEmailSent(env, email, result.messageId);
  } catch (error) {
    const code = typeof error === "object" && error !== null && "code" in error && typeof error.code === "string" ? error.code : null;
    const message = error instanceof Error ? error.message : String(error);
    const givenUp = (code !== null && PERMANENT_ERRORS.has(code)) || email.attempts >= EMAIL_MAX_ATTEMPTS;
    await db
      .update(emails)
      .set({ status: givenUp ? "dead" : "failed", error: code ? `${code}: ${message}` : message, updatedAt: new Date() })
      .where(eq(emails.id, email.id));
    if (givenUp) await conversationEmailGivenUp(env, email, code ? `${code}: ${message}` : message);
    if (!givenUp) throw error;
  }
}

/**
 * Cron: enqueues again emails whose job never ran (still `queued` after a while) or whose attempt
 * died while sending (`sending` for too long), and gives up (`dead`) emails left `failed` long after
 * the queue's last retry would have come. Returns how many were enqueued again.
 */
export async function sweepEmails(env: Env, now: Date): Promise<number> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  // An agent's reply given up here is marked failed on its message too, as when its last attempt gives up.
  const abandonedReplies = await openDatabase(env.DB)
    .update(emails)
    .set({ status: "dead", updatedAt: now })
    .where(
      and(eq(emails.status, "failed"), eq(emails.kind, "conversation_reply"), lt(emails.updatedAt, new Date((nowSeconds - FAILED_ABANDONED_SECONDS) * 1000))),
    )
    .returning();
  for (const email of abandonedReplies) await conversationEmailGivenUp(env, email, email.error ?? "the queue gave up");
  await env.DB.prepare("update emails set status = 'dead', updated_at = ? where status = 'failed' and updated_at < ?")
    .bind(nowSeconds, nowSeconds - FAILED_ABANDONED_SECONDS)
    .run();
  const due = await env.DB.prepare(
    `select id from emails
     where (status = 'queued' and updated_at < ?) or (status = 'sending' and updated_at < ?)
     order by id limit 500`,
  )
    .bind(nowSeconds - QUEUED_STALE_SECONDS, nowSeconds - QUEUED_STALE_SECONDS)
    .all<{ id: number }>();
  if (due.results.length === 0) return 0;
  await enqueueJobs(
    env.JOBS,
    due.results.map((row) => ({ type: "email.send", email_id: row.id })),
  );
  // Touch them so the next sweep waits its turn again.
  await env.DB.prepare("update emails set updated_at = ? where id in (select value from json_each(?)) and status = 'queued'")
    .bind(nowSeconds, JSON.stringify(due.results.map((row) => row.id)))
    .run();
  return due.results.length;
}
