/**
 * Access and pubsub tokens. Access tokens are `<kind>_<lookup id>_<secret>`: the lookup id finds the
 * row, the secret is kept only as a SHA-256 hash and compared in constant time. Pubsub tokens are
 * derived (HMAC of the owner and its current access token id), so they are never stored at all and
 * change whenever the access token is rotated.
 */

/**
 * agency and user: API tokens; session: the access token of a signed-in session (src/api/sign-in);
 * agent_bot: an agent bot's own token for the Application API.
 */
export type TokenKind = "agency" | "user" | "session" | "agent_bot";

const PREFIX: Record<TokenKind, string> = { agency: "pag", user: "pus", session: "pse", agent_bot: "pab" };
const KIND_OF_PREFIX: Record<string, TokenKind> = { pag: "agency", pus: "user", pse: "session", pab: "agent_bot" };
const TOKEN_PATTERN = /^(pag|pus|pse|pab)_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export type IssuedToken = { token: string; tokenId: string; tokenHash: string };
export type ParsedToken = { kind: TokenKind; tokenId: string; secret: string };

const encoder = new TextEncoder();

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function fromHex(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

/** Constant-time equality of two byte strings (length is not secret). */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  return crypto.subtle.timingSafeEqual(a, b);
}

const URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** `length` random URL-safe characters, for public identifiers such as website tokens (64 symbols: `byte & 63` is uniform). */
export function randomIdentifier(length: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(length)), (byte) => URL_SAFE[byte & 63]).join("");
}

/** A fresh token for `kind`; store `tokenId` and `tokenHash`, hand `token` to the caller once. */
export async function issueAccessToken(kind: TokenKind): Promise<IssuedToken> {
  const tokenId = toHex(crypto.getRandomValues(new Uint8Array(8)));
  const secret = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  return { token: `${PREFIX[kind]}_${tokenId}_${secret}`, tokenId, tokenHash: toHex(await sha256(secret)) };
}

export function parseAccessToken(token: string): ParsedToken | null {
  const match = TOKEN_PATTERN.exec(token);
  if (!match) return null;
  const [, prefix, tokenId, secret] = match;
  const kind = prefix ? KIND_OF_PREFIX[prefix] : undefined;
  if (!kind || !tokenId || !secret) return null;
  return { kind, tokenId, secret };
}

/** A random lookup id, as access tokens have (16 hex characters). */
export function randomTokenId(): string {
  return toHex(crypto.getRandomValues(new Uint8Array(8)));
}

/** SHA-256 of a secret as hex, the form tokens are stored in. */
export async function hashSecret(secret: string): Promise<string> {
  return toHex(await sha256(secret));
}

const PASSWORD_TOKEN_PATTERN = /^ppw_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/**
 * The one-time token of a password link (invitation or reset): `ppw_<lookup id>_<secret>`, where the
 * secret is derived from the lookup id with the signing secret. D1 keeps only the id and the secret's
 * hash, and the email job derives the link again when it sends, so no clear token is ever stored
 * (administrators list the emails; their copy shows the link redacted).
 */
export async function passwordToken(signingSecret: string, tokenId: string): Promise<string> {
  const secret = toBase64Url(await hmac(signingSecret, `password-token:${tokenId}`));
  return `ppw_${tokenId}_${secret}`;
}

export function parsePasswordToken(token: string): { tokenId: string; secret: string } | null {
  const match = PASSWORD_TOKEN_PATTERN.exec(token);
  return match?.[1] && match[2] ? { tokenId: match[1], secret: match[2] } : null;
}

/** Whether `secret` hashes to `storedHash`, compared in constant time. */
export async function secretMatches(secret: string, storedHash: string): Promise<boolean> {
  return timingSafeEqual(await sha256(secret), fromHex(storedHash));
}

/** Compares two secrets of arbitrary length in constant time by comparing their hashes. */
export async function secretsEqual(given: string, expected: string): Promise<boolean> {
  return timingSafeEqual(await sha256(given), await sha256(expected));
}

async function hmac(key: string, message: string): Promise<Uint8Array> {
  const cryptoKey = await crypto.subtle.importKey("raw", encoder.encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(message)));
}

/**
 * A UUID-shaped identifier derived from `seed` with the signing secret: the same seed gives the same
 * id (so a repeated copy lands on the same key), and nobody without the secret can predict it.
 */
export async function derivedUuid(signingSecret: string, seed: string): Promise<string> {
  const hex = toHex((await hmac(signingSecret, `uuid:${seed}`)).slice(0, 16));
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The pubsub token a user subscribes to /cable with: `u<userId>_<mac>` for the user's API token,
 * `u<userId>s<sessionId>_<mac>` for a signed-in session. The ids make it routable; the MAC binds it
 * to the credential's access token id, so it dies when that token is rotated or the session ends.
 */
export async function userPubsubToken(signingSecret: string, userId: number, accessTokenId: string, sessionId: number | null = null): Promise<string> {
  const mac = await hmac(signingSecret, `pubsub:user:${userId}:${accessTokenId}`);
  return `u${userId}${sessionId === null ? "" : `s${sessionId}`}_${toBase64Url(mac.slice(0, 24))}`;
}

export async function verifyUserPubsubToken(
  signingSecret: string,
  token: string,
  userId: number,
  accessTokenId: string,
  sessionId: number | null = null,
): Promise<boolean> {
  return sameToken(token, await userPubsubToken(signingSecret, userId, accessTokenId, sessionId));
}

/**
 * The pubsub token of a contact's session in one inbox (Chatwoot's contact_inbox pubsub token):
 * `c<accountId>_<contactInboxId>_<mac>`. The ids make it routable to the account's live state.
 */
export async function contactPubsubToken(signingSecret: string, accountId: number, contactInboxId: number, sourceId: string): Promise<string> {
  const mac = await hmac(signingSecret, `pubsub:contact:${accountId}:${contactInboxId}:${sourceId}`);
  return `c${accountId}_${contactInboxId}_${toBase64Url(mac.slice(0, 24))}`;
}

export type PubsubClaim = { kind: "user"; userId: number; sessionId: number | null } | { kind: "contact"; accountId: number; contactInboxId: number };

/** What a pubsub token claims to be, before it is verified. */
export function parsePubsubToken(token: string): PubsubClaim | null {
  const user = /^u(\d{1,15})(?:s(\d{1,15}))?_[A-Za-z0-9_-]{32}$/.exec(token);
  if (user?.[1]) return { kind: "user", userId: Number(user[1]), sessionId: user[2] ? Number(user[2]) : null };
  const contact = /^c(\d{1,15})_(\d{1,15})_[A-Za-z0-9_-]{32}$/.exec(token);
  if (contact?.[1] && contact[2]) {
    return { kind: "contact", accountId: Number(contact[1]), contactInboxId: Number(contact[2]) };
  }
  return null;
}

export function sameToken(a: string, b: string): boolean {
  return timingSafeEqual(encoder.encode(a), encoder.encode(b));
}
