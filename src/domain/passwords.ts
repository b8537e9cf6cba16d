/**
 * Sign-in passwords: PBKDF2-SHA256 through WebCrypto with a 16-byte random salt per hash, kept as a
 * versioned string `pbkdf2-sha256$v1$<iterations>$<salt b64>$<hash b64>` so the cost can rise later
 * (a stored hash names its own iterations; `needsRehash` says when it is below today's).
 */

/**
 * Pinned: Cloudflare's WebCrypto refuses more than 100,000 PBKDF2 iterations in production, though
 * `wrangler dev` and the tests allow more. A test holds this number.
 */
export const PASSWORD_ITERATIONS = 100_000;
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

const SCHEME = "pbkdf2-sha256";
const VERSION = "v1";
const SALT_BYTES = 16;
const HASH_BITS = 256;

const encoder = new TextEncoder();

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array | null {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, HASH_BITS);
  return new Uint8Array(bits);
}

type ParsedHash = { iterations: number; salt: Uint8Array; hash: Uint8Array };

function parseHash(stored: string): ParsedHash | null {
  const [scheme, version, iterations, salt, hash, ...rest] = stored.split("$");
  if (scheme !== SCHEME || version !== VERSION || rest.length > 0 || !iterations || !salt || !hash) return null;
  const count = Number(iterations);
  const saltBytes = fromBase64(salt);
  const hashBytes = fromBase64(hash);
  if (!Number.isSafeInteger(count) || count < 1 || count > PASSWORD_ITERATIONS || !saltBytes || !hashBytes) return null;
  return { iterations: count, salt: saltBytes, hash: hashBytes };
}

/** A fresh hash of `password` with a new random salt. */
export async function hashPassword(password: string, iterations = PASSWORD_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, iterations);
  return `${SCHEME}$${VERSION}$${iterations}$${toBase64(salt)}$${toBase64(hash)}`;
}

/** Whether `password` matches `stored`, compared in constant time. An unreadable hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) {
    await dummyVerification(password);
    return false;
  }
  const given = await derive(password, parsed.salt, parsed.iterations);
  return given.byteLength === parsed.hash.byteLength && crypto.subtle.timingSafeEqual(given, parsed.hash);
}

const DUMMY_SALT = new Uint8Array(SALT_BYTES);

/**
 * The work of one verification against nothing: sign-in runs it for an email without a user (or a
 * user without a password), so the answer takes the same time whether or not the email exists.
 */
export async function dummyVerification(password: string): Promise<void> {
  await derive(password, DUMMY_SALT, PASSWORD_ITERATIONS);
}

/** Whether a stored hash was made with fewer iterations (or an older version) than today's. */
export function needsRehash(stored: string): boolean {
  const parsed = parseHash(stored);
  return !parsed || parsed.iterations < PASSWORD_ITERATIONS;
}

/** The iteration count a stored hash names, or null when it is not one of ours. */
export function hashIterations(stored: string): number | null {
  return parseHash(stored)?.iterations ?? null;
}
