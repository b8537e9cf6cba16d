/** What Parley's emails say: automation's note to a team's members and a conversation's transcript (text and simple HTML). */

export type EmailContent = { subject: string; text: string; html: string };

/** The conversation an email is about, as its reader needs to recognise it. */
export type ConversationSummary = { displayId: number; inboxName: string; contactName: string };

/** One message of a transcript: who wrote it, when (Unix seconds), what, and its files. */
export type TranscriptMessage = { author: string; createdAt: number; content: string; attachments: { fileName: string; url: string }[] };

/** Transcripts longer than this keep their newest messages; email services refuse very large messages. */
export const TRANSCRIPT_MAX_CHARACTERS = 200_000;

const ADDRESS = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]+$/;

/**
 * The addresses of a list that look like email addresses, trimmed, lower-cased and each once, in
 * order. Chatwoot's send_email_transcript takes them comma-separated in one string; both forms work.
 */
export function emailAddresses(list: string[]): string[] {
  const found: string[] = [];
  for (const address of list.flatMap((entry) => entry.split(","))) {
    const normalized = address.trim().toLowerCase();
    if (ADDRESS.test(normalized) && normalized.length <= 254 && !found.includes(normalized)) found.push(normalized);
  }
  return found;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

const about = (conversation: ConversationSummary) => `conversation #${conversation.displayId} in ${conversation.inboxName} with ${conversation.contactName}`;

const page = (body: string) =>
  `<!doctype html><html><body style="font-family: sans-serif; font-size: 14px; line-height: 1.5; color: #1f2937">${body}</body></html>`;

/** Automation's send_email_to_team: the rule's message to one member of the team. */
export function teamEmail(input: { recipientName: string; message: string; conversation: ConversationSummary }): EmailContent {
  const { conversation } = input;
  const subject = `${input.recipientName}, this email has been sent via automation rule actions [#${conversation.displayId}]`;
  const text = `${input.message}\n\n-- \nSent by an automation rule about ${about(conversation)}.\n`;
  const html = page(
    `<p>${escapeHtml(input.message).replace(/\n/g, "<br>")}</p>` +
      `<p style="color: #6b7280">Sent by an automation rule about ${escapeHtml(about(conversation))}.</p>`,
  );
  return { subject, text, html };
}

const when = (seconds: number) => new Date(seconds * 1000).toISOString().replace("T", " ").slice(0, 16) + " UTC";

/** Chatwoot's send_email_transcript: the conversation's public messages, oldest first. */
export function transcriptEmail(input: { conversation: ConversationSummary; messages: TranscriptMessage[] }): EmailContent {
  const { conversation } = input;
  const subject = `[#${conversation.displayId}] Conversation Transcript`;
  const header = `Transcript of ${about(conversation)}`;
  const textOf = (m: TranscriptMessage) =>
    `[${when(m.createdAt)}] ${m.author}:\n${m.content}${m.attachments.map((a) => `\n[attachment: ${a.fileName} ${a.url}]`).join("")}\n`;
  const htmlOf = (m: TranscriptMessage) =>
    `<div style="margin: 0 0 16px"><div style="color: #6b7280; font-size: 12px">${escapeHtml(when(m.createdAt))} · <strong>${escapeHtml(m.author)}</strong></div>` +
    `<div>${escapeHtml(m.content).replace(/\n/g, "<br>")}</div>` +
    m.attachments.map((a) => `<div><a href="${escapeHtml(a.url)}">${escapeHtml(a.fileName)}</a></div>`).join("") +
    "</div>";

  // Newest messages first while measuring, so a long conversation keeps its end.
  const kept: TranscriptMessage[] = [];
  let size = 0;
  for (const message of [...input.messages].reverse()) {
    size += textOf(message).length + htmlOf(message).length;
    if (size > TRANSCRIPT_MAX_CHARACTERS) break;
    kept.unshift(message);
  }
  const omitted = input.messages.length - kept.length;
  const note = omitted > 0 ? `(${omitted} earlier messages are not included.)\n\n` : "";
  const body = kept.length > 0 ? kept.map(textOf).join("\n") : "No messages.\n";
  const text = `${header}\n\n${note}${body}`;
  const html = page(
    `<h2 style="font-size: 16px">${escapeHtml(header)}</h2>` +
      (note ? `<p style="color: #6b7280">${escapeHtml(note.trim())}</p>` : "") +
      (kept.length > 0 ? kept.map(htmlOf).join("") : "<p>No messages.</p>"),
  );
  return { subject, text, html };
}

/**
 * Password links (invitations and resets) carry a one-time token. The stored copy of the email, which
 * administrators can list, has it replaced by this mark; only the copy handed to the sender carries it.
 */
export const REDACTED_TOKEN = "[FILTERED]";
const TOKEN_PARAMETER = "reset_password_token=";

/** Chatwoot's link to set a password: `${PUBLIC_URL}/app/auth/password/edit?reset_password_token=<token>`. */
export function passwordLink(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/app/auth/password/edit?${TOKEN_PARAMETER}${token === REDACTED_TOKEN ? token : encodeURIComponent(token)}`;
}

/** The email as it goes out: the redacted link carries `token` again. */
export function withPasswordToken(content: string, token: string): string {
  return content.split(`${TOKEN_PARAMETER}${REDACTED_TOKEN}`).join(`${TOKEN_PARAMETER}${encodeURIComponent(token)}`);
}

const hoursOrDays = (seconds: number) => (seconds >= 48 * 3600 ? `${Math.round(seconds / 86400)} days` : `${Math.round(seconds / 3600)} hours`);

/** A user created without a password: the link sets one and signs them in to the console. */
export function invitationEmail(input: { recipientName: string; accountName: string; link: string; validForSeconds: number }): EmailContent {
  const subject = `You have been invited to ${input.accountName} on Parley`;
  const validity = `The link works once and expires in ${hoursOrDays(input.validForSeconds)}.`;
  const text = `Hi ${input.recipientName},\n\nYou have been added to ${input.accountName}. Choose your password to sign in:\n\n${input.link}\n\n${validity}\n`;
  const html = page(
    `<p>Hi ${escapeHtml(input.recipientName)},</p><p>You have been added to ${escapeHtml(input.accountName)}. Choose your password to sign in:</p>` +
      `<p><a href="${escapeHtml(input.link)}">Set my password</a></p><p style="color: #6b7280">${escapeHtml(validity)}</p>`,
  );
  return { subject, text, html };
}

/** `POST /auth/password`: a link to choose a new password. */
export function passwordResetEmail(input: { recipientName: string; link: string; validForSeconds: number }): EmailContent {
  const subject = "Reset your Parley password";
  const validity = `The link works once and expires in ${hoursOrDays(input.validForSeconds)}. If you did not ask for it, ignore this email: your password stays as it is.`;
  const text = `Hi ${input.recipientName},\n\nSomeone asked to reset your password. Choose a new one here:\n\n${input.link}\n\n${validity}\n`;
  const html = page(
    `<p>Hi ${escapeHtml(input.recipientName)},</p><p>Someone asked to reset your password. Choose a new one here:</p>` +
      `<p><a href="${escapeHtml(input.link)}">Reset my password</a></p><p style="color: #6b7280">${escapeHtml(validity)}</p>`,
  );
  return { subject, text, html };
}

/**
 * The notifications of one conversation that arrived while an agent was away, in one email: how
 * many, the latest titles, and a link to the conversation in the console.
 */
export function notificationDigestEmail(input: { recipientName: string; displayId: number; count: number; titles: string[]; link: string }): EmailContent {
  const { count, displayId } = input;
  const subject = count === 1 ? `[#${displayId}] ${input.titles[0] ?? "A new notification"}` : `[#${displayId}] ${count} new notifications`;
  const shown = input.titles.slice(-10);
  const more = count - shown.length;
  const text =
    `Hi ${input.recipientName},\n\n${count === 1 ? "While you were away:" : `While you were away, ${count} notifications arrived in conversation #${displayId}:`}\n\n` +
    shown.map((title) => `- ${title}\n`).join("") +
    (more > 0 ? `- and ${more} more\n` : "") +
    `\nOpen the conversation: ${input.link}\n`;
  const html = page(
    `<p>Hi ${escapeHtml(input.recipientName)},</p>` +
      `<p>${count === 1 ? "While you were away:" : `While you were away, ${count} notifications arrived in conversation #${displayId}:`}</p>` +
      `<ul>${shown.map((title) => `<li>${escapeHtml(title)}</li>`).join("")}${more > 0 ? `<li>and ${more} more</li>` : ""}</ul>` +
      `<p><a href="${escapeHtml(input.link)}">Open the conversation</a></p>`,
  );
  return { subject, text, html };
}
