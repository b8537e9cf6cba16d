/**
 * The Worker's email() handler: mail that Cloudflare Email Routing delivers for an email inbox's
 * address, or for a conversation's reply address (`reply+<account>-<conversation>-<signature>@...`).
 * Anything else is refused with a permanent SMTP error, as is a mail over MAX_INBOUND_EMAIL_BYTES or
 * one past its sender's limit (`email_sender.email`, src/api/limits.ts).
 * The raw mail is kept in R2 under the account's media and handed to the queue
 * (`email_channel.received`, src/jobs/email-channel.ts), so the handler answers at once.
 */
import { eq } from "drizzle-orm";
import { openDatabase } from "../db/client";
import { inboxes } from "../db/schema";
import { conversationOfReplyAddress, isReplyAddress, normalizeAddress } from "../domain/email-channel";
import { enqueueJobs } from "../jobs/messages";
import { countHit } from "./limits";

/** Email Routing takes messages up to 25 MiB. */
const DEFAULT_MAX_INBOUND_EMAIL_BYTES = 25 * 1024 * 1024;

type Target = { accountId: number; inboxId: number | null; displayId: number | null };

async function targetOf(env: Env, to: string): Promise<Target | null> {
  if (isReplyAddress(to)) {
    const conversation = await conversationOfReplyAddress(env.TOKEN_SIGNING_SECRET, to);
    return conversation ? { accountId: conversation.accountId, inboxId: null, displayId: conversation.displayId } : null;
  }
  const inbox = await openDatabase(env.DB).query.inboxes.findFirst({ where: eq(inboxes.email, to), columns: { id: true, accountId: true, channelType: true } });
  return inbox?.channelType === "email" ? { accountId: inbox.accountId, inboxId: inbox.id, displayId: null } : null;
}

export async function receiveRoutedEmail(message: ForwardableEmailMessage, env: Env): Promise<void> {
  const to = normalizeAddress(message.to);
  const target = await targetOf(env, to);
  if (!target) return message.setReject(`No inbox receives mail at ${to}.`);
  // Email Routing has no way to say "later": a sender past the limit is refused, as a flood should be.
  if ((await countHit(env, "email_sender.email", normalizeAddress(message.from))) !== null) return message.setReject("Too many messages from this sender.");
  const maxBytes = Number(env.MAX_INBOUND_EMAIL_BYTES) || DEFAULT_MAX_INBOUND_EMAIL_BYTES;
  if (message.rawSize > maxBytes) return message.setReject(`The message is larger than ${maxBytes} bytes.`);
  const raw = await new Response(message.raw).arrayBuffer();
  if (raw.byteLength > maxBytes) return message.setReject(`The message is larger than ${maxBytes} bytes.`);
  const key = `accounts/${target.accountId}/emails/${crypto.randomUUID()}/message.eml`;
  await env.MEDIA.put(key, raw, { httpMetadata: { contentType: "message/rfc822" } });
  await enqueueJobs(env.JOBS, [
    {
      type: "email_channel.received",
      account_id: target.accountId,
      inbox_id: target.inboxId,
      display_id: target.displayId,
      raw_key: key,
      envelope_from: normalizeAddress(message.from).slice(0, 320),
    },
  ]);
}
