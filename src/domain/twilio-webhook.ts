/**
 * Twilio's webhooks, as SMS inboxes receive them (Chatwoot's /twilio/callback and
 * /twilio/delivery_status): the `X-Twilio-Signature` check, what a form says (an incoming message or
 * a status callback), and the opt-out keywords Twilio honours. Pure apart from Web Crypto.
 */
import type { MessageDeliveryStatus } from "./conversation";

/**
 * Twilio's signature: HMAC-SHA1, keyed with the auth token, over the full URL Twilio called followed
 * by each POST parameter's name and value, sorted by name; base64.
 */
export async function twilioSignature(authToken: string, url: string, params: ReadonlyArray<readonly [string, string]>): Promise<string> {
  const sorted = [...params].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const data = url + sorted.map(([name, value]) => name + value).join("");
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(authToken), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(data)));
  return btoa(String.fromCharCode(...mac));
}

/** Whether `signature` is Twilio's for this request, compared in constant time. */
export async function twilioSignatureMatches(
  authToken: string,
  url: string,
  params: ReadonlyArray<readonly [string, string]>,
  signature: string,
): Promise<boolean> {
  const expected = new TextEncoder().encode(await twilioSignature(authToken, url, params));
  const given = new TextEncoder().encode(signature);
  if (expected.byteLength !== given.byteLength) return false;
  return crypto.subtle.timingSafeEqual(expected, given);
}

/** Twilio's default opt-out and opt-in keywords (the whole message, any case, surrounding space ignored). */
const OPT_OUT_KEYWORDS: ReadonlySet<string> = new Set(["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"]);
const OPT_IN_KEYWORDS: ReadonlySet<string> = new Set(["START", "YES", "UNSTOP"]);

export function smsConsentKeyword(body: string): "opt_out" | "opt_in" | null {
  const word = body.trim().toUpperCase();
  if (OPT_OUT_KEYWORDS.has(word)) return "opt_out";
  if (OPT_IN_KEYWORDS.has(word)) return "opt_in";
  return null;
}

/** Chatwoot's message status for a Twilio MessageStatus; null for those that say nothing new (accepted, sending...). */
export function deliveryStatusOf(twilioStatus: string): MessageDeliveryStatus | null {
  switch (twilioStatus) {
    case "queued":
    case "sent":
      return "sent";
    case "delivered":
      return "delivered";
    case "read":
      return "read";
    case "undelivered":
    case "failed":
      return "failed";
    default:
      return null;
  }
}

/** An incoming message's media: `MediaUrl<n>` and `MediaContentType<n>` for n below NumMedia (Twilio sends at most 10). */
export function mediaOf(form: Record<string, string>): { url: string; contentType: string | null }[] {
  const count = Math.min(10, Number.parseInt(form.NumMedia ?? "0", 10) || 0);
  const media: { url: string; contentType: string | null }[] = [];
  for (let i = 0; i < count; i++) {
    const url = form[`MediaUrl${i}`];
    if (url) media.push({ url, contentType: form[`MediaContentType${i}`] ?? null });
  }
  return media;
}
