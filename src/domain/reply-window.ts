/**
 * Chatwoot's `can_reply` (Conversations::ReplyService): whether an agent may send a free-form reply
 * in a conversation now, by the channel's messaging window measured from the contact's last incoming
 * message. WhatsApp allows free replies for 24 hours (then only approved templates); Messenger and
 * Instagram for 7 days, with Meta's HUMAN_AGENT tag after the first 24 hours (Chatwoot's rule with
 * ENABLE_*_CHANNEL_HUMAN_AGENT on, which Parley always sends with). Other channels have no window.
 */
import { CHANNEL_CLASSES, type ChannelName } from "./chatwoot-payloads";
import { MessageType, type MessageRecord } from "./conversation";
import { messagingWindowAt } from "./meta-messaging";
import { insideServiceWindow } from "./whatsapp-cloud";

/** The channels whose provider refuses free-form messages outside a window (Chatwoot's `messaging_window_enabled?`). */
export function hasMessagingWindow(channel: ChannelName): boolean {
  return channel === CHANNEL_CLASSES.whatsapp || channel === CHANNEL_CLASSES.facebook_page || channel === CHANNEL_CLASSES.instagram;
}

/**
 * Whether a free-form reply is possible now. `lastIncomingAt` is when the contact last wrote (unix
 * seconds, by the provider's clock); null or absent when they never wrote, which closes any window.
 */
export function canReply(channel: ChannelName, lastIncomingAt: number | null | undefined, nowSeconds: number): boolean {
  if (!hasMessagingWindow(channel)) return true;
  const last = lastIncomingAt ?? null;
  if (channel === CHANNEL_CLASSES.whatsapp) return insideServiceWindow(last, nowSeconds);
  return messagingWindowAt(last === null ? null : last * 1000, nowSeconds * 1000).type !== "closed";
}

/**
 * When the contact last wrote, after `message` was stored: an incoming message's provider timestamp
 * (`content_attributes.external_created_at`, as WhatsApp and Meta stamp them) or its stored time;
 * other messages leave it as it was.
 */
export function lastIncomingAtAfter(
  message: Pick<MessageRecord, "messageType" | "contentAttributes" | "createdAt">,
  lastIncomingAt: number | null | undefined,
): number | null {
  if (message.messageType !== MessageType.incoming) return lastIncomingAt ?? null;
  const external = message.contentAttributes.external_created_at;
  return typeof external === "number" && Number.isFinite(external) ? external : message.createdAt;
}
