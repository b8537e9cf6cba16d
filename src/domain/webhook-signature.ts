/**
 * Signing webhook deliveries, and checking a signature as a receiver would.
 *
 * Every delivery carries `X-Parley-Timestamp` (Unix seconds when it was sent), `X-Parley-Delivery`
 * (the delivery's id: the same on every retry, so receivers can drop duplicates) and, when the
 * destination has a secret, `X-Parley-Signature: sha256=<hex>`, the HMAC-SHA256 of
 * `"<timestamp>.<raw body>"` with the webhook's secret. A receiver recomputes it over the raw body
 * it got (before parsing the JSON), compares in constant time, and refuses timestamps too far
 * from its clock so a captured request cannot be replayed later: `verifyWebhookSignature` does all
 * three and runs anywhere WebCrypto does (Workers, Node 20+, Deno, browsers).
 *
 * Every delivery is also signed the way Chatwoot signs its webhooks (lib/webhooks/trigger.rb), so a
 * receiver written for Chatwoot verifies it unchanged: `X-Chatwoot-Timestamp` (Unix seconds),
 * `X-Chatwoot-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">` with the same secret,
 * and `X-Chatwoot-Delivery` (the delivery id). Both schemes sign the same text with the same key.
 */

export const SIGNATURE_HEADER = "X-Parley-Signature";
export const TIMESTAMP_HEADER = "X-Parley-Timestamp";
export const DELIVERY_HEADER = "X-Parley-Delivery";
export const WEBHOOK_USER_AGENT = "Parley-Webhooks/1.0";
export const CHATWOOT_SIGNATURE_HEADER = "X-Chatwoot-Signature";
export const CHATWOOT_TIMESTAMP_HEADER = "X-Chatwoot-Timestamp";
export const CHATWOOT_DELIVERY_HEADER = "X-Chatwoot-Delivery";

/** How far a receiver should let a timestamp stray from its own clock. */
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

const encoder = new TextEncoder();

const hmacKey = (secret: string, usage: "sign" | "verify") =>
  crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [usage]);

const signedText = (timestamp: number | string, body: string) => encoder.encode(`${timestamp}.${body}`);

const toHex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, "0")).join("");

/** A fresh per-webhook secret: 32 random bytes, hex. */
export function newWebhookSecret(): string {
  return toHex(crypto.getRandomValues(new Uint8Array(32)).buffer);
}

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`, the value of X-Parley-Signature. */
export async function webhookSignature(secret: string, timestamp: number, body: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret, "sign"), signedText(timestamp, body));
  return `sha256=${toHex(mac)}`;
}

/** The headers of one delivery attempt, Parley's and Chatwoot's; without a secret the request is sent unsigned. */
export async function webhookHeaders(input: { secret: string | null; body: string; timestamp: number; deliveryId: number }): Promise<Record<string, string>> {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "User-Agent": WEBHOOK_USER_AGENT,
    [TIMESTAMP_HEADER]: String(input.timestamp),
    [DELIVERY_HEADER]: String(input.deliveryId),
    [CHATWOOT_TIMESTAMP_HEADER]: String(input.timestamp),
    [CHATWOOT_DELIVERY_HEADER]: String(input.deliveryId),
  };
  if (input.secret !== null) {
    const signature = await webhookSignature(input.secret, input.timestamp, input.body);
    headers[SIGNATURE_HEADER] = signature;
    headers[CHATWOOT_SIGNATURE_HEADER] = signature;
  }
  return headers;
}

/**
 * What a receiver runs on each request: true when `signature` (the X-Parley-Signature header) is
 * the HMAC of `timestamp` (X-Parley-Timestamp) and the raw `body` under `secret`, and the timestamp
 * is within `toleranceSeconds` of `now` (Unix seconds). The MAC comparison is WebCrypto's own
 * `verify`, which takes constant time.
 */
export async function verifyWebhookSignature(input: {
  secret: string;
  body: string;
  timestamp: string | null;
  signature: string | null;
  now?: number;
  toleranceSeconds?: number;
}): Promise<boolean> {
  const { timestamp, signature } = input;
  if (timestamp === null || signature === null || !/^\d{1,12}$/.test(timestamp)) return false;
  const now = input.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > (input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return false;
  const match = /^sha256=([0-9a-f]{64})$/.exec(signature.trim().toLowerCase());
  const hex = match?.[1];
  if (!hex) return false;
  const mac = new Uint8Array(hex.match(/../g)?.map((pair) => Number.parseInt(pair, 16)) ?? []);
  return crypto.subtle.verify("HMAC", await hmacKey(input.secret, "verify"), mac, signedText(timestamp, input.body));
}
