/**
 * Where a channel inbox's provider sends its webhooks (Chatwoot's `callback_webhook_url`): the URL an
 * administrator pastes at Meta or Twilio. Built from the installation's PUBLIC_URL, since Twilio signs
 * the exact address it calls and Parley checks the signature over that same address.
 */
import type { ChannelType } from "../db/schema";

/** The public webhook path of each channel a provider calls; website, API and email inboxes have none. */
export function callbackWebhookPath(channelType: ChannelType, phoneNumber: string | null): string | null {
  switch (channelType) {
    case "whatsapp":
      return phoneNumber ? `/webhooks/whatsapp/${phoneNumber}` : null;
    case "sms":
      return "/twilio/callback";
    case "facebook_page":
      return "/bot";
    case "instagram":
      return "/webhooks/instagram";
    default:
      return null;
  }
}

/** The full callback URL under `publicUrl`, or null for channels that receive no provider webhooks. */
export function callbackWebhookUrl(publicUrl: string, channelType: ChannelType, phoneNumber: string | null): string | null {
  const path = callbackWebhookPath(channelType, phoneNumber);
  return path === null ? null : `${publicUrl.replace(/\/+$/, "")}${path}`;
}
