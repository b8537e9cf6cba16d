/**
 * A browser's side of Web Push, for tests: the keys a browser subscribes with, and reading what the
 * push service received — the VAPID signature checked against the installation's public key, and the
 * payload decrypted as a browser would ("aesgcm" content encoding, draft-ietf-webpush-encryption-04,
 * the encoding Parley's Web Push library sends).
 */

/** What the push service received: the request's headers (lower-case names) and its body, base64. */
export type PushRequest = { headers: Record<string, string>; bodyBase64?: string };

type Bytes = Uint8Array<ArrayBuffer>;

const b64url = (bytes: ArrayBuffer | Uint8Array) => {
  let text = "";
  for (const byte of new Uint8Array(bytes)) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};
const fromB64url = (text: string) => Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (char) => char.charCodeAt(0));
const fromB64 = (text: string) => Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
const concat = (...parts: Bytes[]): Bytes => {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};
const text = (value: string): Bytes => new Uint8Array(new TextEncoder().encode(value));

export type PushBrowser = { endpoint: string; p256dh: string; auth: string; privateKey: CryptoKey; publicBytes: Bytes; authBytes: Bytes };

/** A browser's subscription at `endpoint`: a fresh P-256 key pair and auth secret. */
export async function pushBrowser(endpoint: string): Promise<PushBrowser> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"])) as CryptoKeyPair;
  const publicBytes = new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer);
  const authBytes = crypto.getRandomValues(new Uint8Array(16));
  return { endpoint, p256dh: b64url(publicBytes), auth: b64url(authBytes), privateKey: pair.privateKey, publicBytes, authBytes };
}

async function hkdf(salt: Bytes, ikm: Bytes, info: Bytes, length: number): Promise<Bytes> {
  const key = await crypto.subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt, info }, key, length * 8));
}

const headerParam = (header: string | undefined, name: string) =>
  (header ?? "")
    .split(/[;,]/)
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${name}=`))
    ?.slice(name.length + 1);

/** The payload of a recorded push, decrypted with the browser's keys. */
export async function readPush(browser: PushBrowser, request: PushRequest): Promise<unknown> {
  const serverPublic = fromB64url(headerParam(request.headers["crypto-key"], "dh") ?? "");
  const salt = fromB64url(headerParam(request.headers.encryption, "salt") ?? "");
  const serverKey = await crypto.subtle.importKey("raw", serverPublic, { name: "ECDH", namedCurve: "P-256" }, false, []);
  // WebCrypto's parameter is `public`; the Workers types spell it `$public`.
  const ecdh = { name: "ECDH", public: serverKey } as unknown as Parameters<SubtleCrypto["deriveBits"]>[0];
  const shared = new Uint8Array(await crypto.subtle.deriveBits(ecdh, browser.privateKey, 256));
  const ikm = await hkdf(browser.authBytes, shared, text("Content-Encoding: auth\0"), 32);
  const length = (n: number) => new Uint8Array([n >> 8, n & 0xff]);
  const context = concat(text("P-256\0"), length(browser.publicBytes.length), browser.publicBytes, length(serverPublic.length), serverPublic);
  const cek = await hkdf(salt, ikm, concat(text("Content-Encoding: aesgcm\0"), context), 16);
  const nonce = await hkdf(salt, ikm, concat(text("Content-Encoding: nonce\0"), context), 12);
  const key = await crypto.subtle.importKey("raw", cek, "AES-GCM", false, ["decrypt"]);
  const padded = new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: nonce }, key, fromB64(request.bodyBase64 ?? "")));
  const padding = (padded[0] ?? 0) * 256 + (padded[1] ?? 0);
  return JSON.parse(new TextDecoder().decode(padded.slice(2 + padding)));
}

/** The VAPID claims of a recorded push, once its ES256 signature is checked against `publicKey` (base64url, 65 bytes). */
export async function vapidClaims(request: PushRequest, publicKey: string): Promise<{ aud: string; exp: number; sub: string }> {
  const jwt = /^WebPush (.+)$/.exec(request.headers.authorization ?? "")?.[1] ?? "";
  const [header = "", payload = "", signature = ""] = jwt.split(".");
  const raw = fromB64url(publicKey);
  const key = await crypto.subtle.importKey(
    "jwk",
    { kty: "EC", crv: "P-256", x: b64url(raw.slice(1, 33)), y: b64url(raw.slice(33, 65)) },
    { name: "ECDSA", namedCurve: "P-256" },
    false,
    ["verify"],
  );
  const valid = await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, fromB64url(signature), text(`${header}.${payload}`));
  if (!valid) throw new Error("the VAPID signature does not verify");
  return JSON.parse(new TextDecoder().decode(fromB64url(payload)));
}
