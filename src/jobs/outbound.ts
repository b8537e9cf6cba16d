/**
 * Outgoing messages leave on their inbox's channel. One decision for every way a message is written
 * (an agent's reply, automation's send_message, a macro, anything later), made from the stored
 * message, not from the route that wrote it: the `conversation.event` consumer calls
 * `dispatchOutboundMessage` for each message not written by the contact, and a channel that sends
 * messages names its job in `CHANNEL_SENDERS`.
 *
 * A sender job gets `{account_id, display_id, message_id}` and must be idempotent: it skips a message
 * that already has a provider id (`source_id`) or a delivery `status`, marks it `failed` with the
 * provider's reason when the provider refuses it for good, and throws to be retried otherwise.
 */
import { eq } from "drizzle-orm";
import { openDatabase } from "../db/client";
import { type ChannelType, inboxes } from "../db/schema";
import { type MessageRecord, MessageType } from "../domain/conversation";
import { conversationObject } from "../durable/addresses";
import { scheduleContinuityEmail } from "./email-channel";
import { enqueueJobs, type ConversationEventJob, type JobMessage } from "./messages";

export type OutboundRef = { account_id: number; display_id: number; message_id: number };

/** The job that sends an outgoing message on each channel that can; website and API inboxes have none. */
const CHANNEL_SENDERS: Partial<Record<ChannelType, (ref: OutboundRef) => JobMessage>> = {
  sms: (ref) => ({ type: "sms.send", ...ref }),
  email: (ref) => ({ type: "email_channel.send", ...ref }),
  whatsapp: (ref) => ({ type: "whatsapp.send", ...ref }),
  facebook_page: (ref) => ({ type: "meta.send", ...ref }),
  instagram: (ref) => ({ type: "meta.send", ...ref }),
};

/**
 * Whether a stored message is one Parley must carry out to the contact: outgoing, not a private
 * note, and not already sent (a message that came back from the provider, such as an echo of one
 * the business sent elsewhere, carries its provider id).
 */
export function leavesOnChannel(message: Pick<MessageRecord, "messageType" | "private" | "sourceId" | "status">): boolean {
  return message.messageType === MessageType.outgoing && !message.private && message.sourceId === null && message.status === undefined;
}

/** The job that carries this message out on the inbox's channel, or null when the channel sends nothing. */
export function outboundChannelJob(inbox: { channelType: ChannelType }, ref: OutboundRef): JobMessage | null {
  return CHANNEL_SENDERS[inbox.channelType]?.(ref) ?? null;
}

/**
 * The `conversation.event` consumer's part for a created message: when it is one that leaves on a
 * channel, its sender job is queued. A redelivered event queues the job again, which the job's own
 * check turns into nothing.
 */
export async function dispatchOutboundMessage(env: Env, job: ConversationEventJob): Promise<void> {
  if (job.message_id === null || job.origin.type === "contact" || !job.automation.includes("message_created")) return;
  const conversation = conversationObject(env, job.account_id, job.display_id);
  const [message, state] = await Promise.all([conversation.message(job.message_id), conversation.currentState({ inboxIds: null })]);
  if (!message || !state || !leavesOnChannel(message)) return;
  const inbox = await openDatabase(env.DB).query.inboxes.findFirst({
    where: eq(inboxes.id, state.inboxId),
    columns: { id: true, channelType: true },
  });
  if (!inbox) return;
  const ref = { account_id: job.account_id, display_id: job.display_id, message_id: message.id };
  // Website conversations: a visitor who left an email and went away gets it by email (continuity).
  if (inbox.channelType === "web_widget") return scheduleContinuityEmail(env, ref);
  const send = outboundChannelJob(inbox, ref);
  if (send) await enqueueJobs(env.JOBS, [send]);
}
