/**
 * The signed link a contact export is mailed as (Chatwoot mails a signed blob URL that needs no
 * session): `<account id>.<export id>.<expires>.<mac>`, where `expires` is Unix seconds and `mac` the
 * HMAC-SHA256, base64url, of `contact-export:<account id>:<export id>:<expires>:<file key>` with the
 * installation's TOKEN_SIGNING_SECRET. The MAC binds the link to one account, one export and the one
 * file written for it (its R2 key holds a random UUID the link never shows), and to its expiry: change
 * any part and it no longer verifies. Nothing of it is stored; the server signs it again to check it.
 */

const TOKEN_PATTERN = /^(\d{1,15})\.(\d{1,15})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/** The longest token: the query parameter's cap. */
export const EXPORT_TOKEN_MAX_CHARS = 100;

export type ExportLinkClaim = { accountId: number; exportId: number; expiresAt: number; mac: string };

const encoder = new TextEncoder();

const toBase64Url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

async function macOf(signingSecret: string, claim: Omit<ExportLinkClaim, "mac">, fileKey: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(signingSecret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const text = `contact-export:${claim.accountId}:${claim.exportId}:${claim.expiresAt}:${fileKey}`;
  return toBase64Url(new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(text))));
}

/** The token for one export's file, valid until `expiresAt` (Unix seconds). */
export async function exportLinkToken(
  signingSecret: string,
  input: { accountId: number; exportId: number; expiresAt: number; fileKey: string },
): Promise<string> {
  const mac = await macOf(signingSecret, input, input.fileKey);
  return `${input.accountId}.${input.exportId}.${input.expiresAt}.${mac}`;
}

/** What a token claims, before it is verified; null when it is not a token at all. */
export function parseExportLinkToken(token: string): ExportLinkClaim | null {
  const match = TOKEN_PATTERN.exec(token);
  if (!match?.[1] || !match[2] || !match[3] || !match[4]) return null;
  return { accountId: Number(match[1]), exportId: Number(match[2]), expiresAt: Number(match[3]), mac: match[4] };
}

/** Whether the claim was signed for this file: its MAC recomputed and compared in constant time. */
export async function exportLinkSigned(signingSecret: string, claim: ExportLinkClaim, fileKey: string): Promise<boolean> {
  const expected = encoder.encode(await macOf(signingSecret, claim, fileKey));
  const given = encoder.encode(claim.mac);
  return expected.byteLength === given.byteLength && crypto.subtle.timingSafeEqual(expected, given);
}
