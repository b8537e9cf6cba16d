/**
 * The email channel's rules, pure apart from Web Crypto: per-conversation reply addresses
 * (`reply+<account>-<conversation>-<signature>@<domain>`), the Message-IDs that thread a mail,
 * what marks a mail as a bounce or an automatic reply, the quoted history trimmed from the text an
 * agent is shown, and the headers that keep an agent's answer in the contact's thread.
 */
import { escapeHtml } from "./emails";

/** Lower case, without surrounding space or angle brackets: how addresses are compared and stored. */
export function normalizeAddress(address: string): string {
  return address.trim().replace(/^<|>$/g, "").toLowerCase();
}

export function domainOf(address: string): string {
  return normalizeAddress(address).split("@")[1] ?? "";
}

/** A plausible mailbox (local@domain.tld), as an inbox's address must be. */
export const EMAIL_ADDRESS_PATTERN = /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

const REPLY_PREFIX = "reply+";
const SIGNATURE_HEX = 20;

async function replySignature(secret: string, accountId: number, displayId: number): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`email-reply:${accountId}:${displayId}`)));
  return [...mac]
    .map((byte) => byte.toString(16).padStart(2, "0"))
    .join("")
    .slice(0, SIGNATURE_HEX);
}

/**
 * The address a conversation's emails carry as Reply-To: whoever answers it reaches that
 * conversation. Signed with the installation's secret, so no table maps it and nobody can make up
 * the address of another conversation; it names ids, not content.
 */
export async function replyAddress(secret: string, conversation: { accountId: number; displayId: number }, domain: string): Promise<string> {
  const signature = await replySignature(secret, conversation.accountId, conversation.displayId);
  return `${REPLY_PREFIX}${conversation.accountId}-${conversation.displayId}-${signature}@${domain.toLowerCase()}`;
}

/** The conversation a reply address names, when its signature holds; null for any other address. */
export async function conversationOfReplyAddress(secret: string, address: string): Promise<{ accountId: number; displayId: number } | null> {
  const local = normalizeAddress(address).split("@")[0] ?? "";
  const match = /^reply\+(\d{1,12})-(\d{1,12})-([0-9a-f]+)$/.exec(local);
  if (!match?.[1] || !match[2] || !match[3]) return null;
  const accountId = Number(match[1]);
  const displayId = Number(match[2]);
  const expected = new TextEncoder().encode(await replySignature(secret, accountId, displayId));
  const given = new TextEncoder().encode(match[3]);
  if (expected.byteLength !== given.byteLength || !crypto.subtle.timingSafeEqual(expected, given)) return null;
  return { accountId, displayId };
}

export const isReplyAddress = (address: string) => normalizeAddress(address).startsWith(REPLY_PREFIX);

/** The Message-IDs a header names (`<a@b> <c@d>`), without brackets, in order, each once. */
export function messageIdsIn(header: string | undefined | null): string[] {
  if (!header) return [];
  const ids = [...header.matchAll(/<([^<>\s]{1,250})>/g)].map((match) => match[1] ?? "");
  const bare = ids.length === 0 && /^[^<>\s]{1,250}$/.test(header.trim()) ? [header.trim()] : [];
  return [...new Set([...ids, ...bare].filter((id) => id !== ""))];
}

/** The Message-IDs a reply points at, most specific first: In-Reply-To, then References from the newest. */
export function threadIdsOf(mail: { inReplyTo?: string | null; references?: string | null }): string[] {
  return [...new Set([...messageIdsIn(mail.inReplyTo), ...messageIdsIn(mail.references).reverse()])].slice(0, 50);
}

export type AutomatedKind = "bounce" | "auto_reply";

/**
 * Whether a mail was sent by a machine rather than the contact: a delivery status notification
 * (RFC 3464: `multipart/report; report-type=delivery-status`, or from MAILER-DAEMON / postmaster) is a
 * bounce; `Auto-Submitted` other than `no` (RFC 3834), `X-Autoreply`/`X-Autorespond`,
 * `Precedence: bulk|junk|list|auto_reply` and Microsoft's `X-Auto-Response-Suppress`-carrying
 * out-of-office replies are automatic replies. Neither opens or reopens a conversation.
 */
export function automatedKind(headers: ReadonlyMap<string, string>, from: string): AutomatedKind | null {
  const header = (name: string) => headers.get(name)?.trim().toLowerCase() ?? "";
  const sender = normalizeAddress(from).split("@")[0] ?? "";
  const contentType = header("content-type");
  if (/multipart\/report/.test(contentType) && /report-type="?delivery-status/.test(contentType)) return "bounce";
  if (sender === "mailer-daemon" || sender === "postmaster") return "bounce";
  if (header("x-failed-recipients") !== "") return "bounce";
  const autoSubmitted = header("auto-submitted");
  if (autoSubmitted !== "" && autoSubmitted !== "no") return "auto_reply";
  if (headers.has("x-autoreply") || headers.has("x-autorespond")) return "auto_reply";
  if (["bulk", "junk", "list", "auto_reply"].includes(header("precedence"))) return "auto_reply";
  return null;
}

/** A bounce's reason in words: the DSN's Diagnostic-Code or Status of the failed recipient, when the text has them. */
export function bounceReason(text: string): string {
  const diagnostic = /^Diagnostic-Code:\s*(?:smtp;\s*)?(.+)$/im.exec(text)?.[1]?.trim();
  const status = /^Status:\s*(\d\.\d{1,3}\.\d{1,3})/im.exec(text)?.[1];
  const recipient = /^Final-Recipient:\s*(?:rfc822;\s*)?(.+)$/im.exec(text)?.[1]?.trim();
  const parts = [recipient ? `to ${recipient}` : null, status ? `status ${status}` : null, diagnostic ?? null].filter((part) => part !== null);
  return `The email could not be delivered${parts.length > 0 ? `: ${parts.join(", ")}` : "."}`.slice(0, 500);
}

/**
 * Lines that start the quoted history a mail client adds under a reply: Gmail's and Apple Mail's
 * "On <date>, <name> wrote:", Outlook's "-----Original Message-----" and its From:/Sent: block,
 * and "________________________________" separators. The first `>` quote block counts too.
 */
const QUOTE_STARTS: readonly RegExp[] = [
  /^\s*On\s.{1,300}\swrote:\s*$/i,
  /^\s*Le\s.{1,300}\sa écrit\s?:\s*$/i,
  /^\s*Am\s.{1,300}\sschrieb\s.{0,200}:\s*$/i,
  /^\s*-{2,}\s*Original Message\s*-{2,}\s*$/i,
  /^\s*-{2,}\s*Forwarded message\s*-{2,}\s*$/i,
  /^\s*_{20,}\s*$/,
  /^\s*From:\s.+$/i,
];

/**
 * The text an agent is shown: the contact's new words, without the quoted history their mail
 * client added under them (`reply`); the whole text stays available (`full`). A mail that is all
 * quote keeps its full text as the reply.
 */
export function splitQuotedReply(text: string): { reply: string; quoted: string | null } {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  let cut = lines.length;
  for (const [index, line] of lines.entries()) {
    // "On … wrote:" may wrap over two lines.
    const joined = `${line} ${lines[index + 1] ?? ""}`;
    const isQuoteStart =
      QUOTE_STARTS.some((pattern) => pattern.test(line)) ||
      (/^\s*On\s/i.test(line) && /\swrote:\s*$/i.test(joined) && !/\swrote:\s*$/i.test(line)) ||
      (line.startsWith(">") && lines.slice(index).every((rest) => rest.startsWith(">") || rest.trim() === ""));
    if (isQuoteStart) {
      cut = index;
      break;
    }
  }
  const reply = lines.slice(0, cut).join("\n").trim();
  if (reply === "" || cut === lines.length) return { reply: text.trim(), quoted: null };
  return { reply, quoted: lines.slice(cut).join("\n").trim() };
}

/** A plain text version of an HTML body, for a mail that has no text part: tags dropped, blocks on their own lines, entities read. */
export function textOfHtml(html: string): string {
  const entities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };
  return html
    .replace(/<(script|style|head)[\s\S]*?<\/\1>/gi, "")
    .replace(
      /<blockquote[\s\S]*$/i,
      (quote) =>
        `\n${quote
          .replace(/<[^>]+>/g, "")
          .split("\n")
          .map((line) => `> ${line}`)
          .join("\n")}`,
    )
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(p|div|li|tr|h[1-6])>/gi, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (whole, name: string) => {
      if (name.startsWith("#x") || name.startsWith("#X")) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
      if (name.startsWith("#")) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
      return entities[name.toLowerCase()] ?? whole;
    })
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** `Re: <subject>` once, whatever the contact's client already put in front. */
export function replySubject(subject: string | null | undefined, fallback: string): string {
  const base = subject?.trim() || fallback;
  return /^re:/i.test(base) ? base : `Re: ${base}`;
}

/**
 * The threading headers of an answer: In-Reply-To names the contact's latest message, References
 * the thread's ids, oldest first, so every client keeps one thread (RFC 5322 §3.6.4). Ids are
 * written in angle brackets; References keeps at most the last 20.
 */
export function threadingHeaders(threadIds: readonly string[], inReplyTo: string | null): Record<string, string> {
  const ids = [...new Set(threadIds)].slice(-20);
  const headers: Record<string, string> = {};
  if (inReplyTo) headers["In-Reply-To"] = `<${inReplyTo}>`;
  if (ids.length > 0) headers.References = ids.map((id) => `<${id}>`).join(" ");
  return headers;
}

/** An agent's message as an email body: its text, then links to its files; HTML with the same words. */
export function conversationEmailBody(parts: { author: string | null; content: string; files: { fileName: string; url: string }[] }[]): {
  text: string;
  html: string;
} {
  const text = parts
    .map((part) =>
      [part.author ? `${part.author}:` : null, part.content.trim(), ...part.files.map((file) => `${file.fileName}: ${file.url}`)]
        .filter((line) => line)
        .join("\n"),
    )
    .join("\n\n");
  const html = parts
    .map((part) => {
      const author = part.author ? `<p><strong>${escapeHtml(part.author)}</strong></p>` : "";
      const content = part.content.trim() ? `<p>${escapeHtml(part.content.trim()).replace(/\n/g, "<br>")}</p>` : "";
      const files = part.files.map((file) => `<p><a href="${escapeHtml(file.url)}">${escapeHtml(file.fileName)}</a></p>`).join("");
      return `${author}${content}${files}`;
    })
    .join("<hr>");
  return { text, html: `<!doctype html><html><body>${html}</body></html>` };
}

/**
 * Where a contact is answered on a channel: their own email or phone number, else the one they
 * claimed when another contact held it (a widget lead's `claimed_<field>`), which is where they asked
 * to be answered.
 */
export function recipientOf(
  contact: { email?: string | null; phone_number?: string | null; additional_attributes: Record<string, unknown> } | null,
  field: "email" | "phone_number",
): string | null {
  if (!contact) return null;
  const own = contact[field];
  if (typeof own === "string" && own !== "") return field === "email" ? normalizeAddress(own) : own;
  const claimed = contact.additional_attributes[`claimed_${field}`];
  return typeof claimed === "string" && claimed !== "" ? (field === "email" ? normalizeAddress(claimed) : claimed) : null;
}
