/**
 * The Application API's side of Meta's messaging windows: an agent's reply in a Messenger or
 * Instagram conversation more than 7 days after the person last wrote (by Meta's timestamps) is
 * refused at once, 422 `outside_messaging_window`, rather than queued to fail. Inside 7 days it is
 * taken, and goes with the HUMAN_AGENT tag after the first 24 hours (src/jobs/meta-channel.ts).
 */
import { CHANNEL_CLASSES, type ChannelName } from "../domain/chatwoot-payloads";
import { closedWindowMessage, messagingWindowAt } from "../domain/meta-messaging";
import { conversationObject } from "../durable/addresses";
import { ApiError } from "./errors";

const META_CHANNELS: ReadonlySet<ChannelName> = new Set([CHANNEL_CLASSES.facebook_page, CHANNEL_CLASSES.instagram]);

export async function ensureMetaReplyWindow(env: Env, accountId: number, conversation: { id: number; meta: { channel: ChannelName } }): Promise<void> {
  if (!META_CHANNELS.has(conversation.meta.channel)) return;
  const lastIncomingAt = await conversationObject(env, accountId, conversation.id).lastIncomingAt();
  const window = messagingWindowAt(lastIncomingAt === null ? null : lastIncomingAt * 1000, Date.now());
  if (window.type !== "closed") return;
  throw new ApiError(422, "outside_messaging_window", closedWindowMessage(window), {
    last_incoming_at: lastIncomingAt,
    closed_at: window.closedAt === null ? null : Math.floor(window.closedAt / 1000),
  });
}
