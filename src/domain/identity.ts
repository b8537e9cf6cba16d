/**
 * Identity validation for contacts (Chatwoot's `identifier_hash`): the website signs the visitor's
 * identifier with the inbox's HMAC token, HMAC-SHA256 in hex, and Parley checks it in constant time.
 */
import { timingSafeEqual } from "./tokens";

const encoder = new TextEncoder();

export async function identifierHash(hmacToken: string, identifier: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(hmacToken), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(identifier)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

export async function identifierHashValid(hmacToken: string, identifier: string, hash: string): Promise<boolean> {
  const expected = await identifierHash(hmacToken, identifier);
  return timingSafeEqual(encoder.encode(hash.toLowerCase()), encoder.encode(expected));
}
