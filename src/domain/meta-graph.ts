/**
 * Meta's platform as every Meta channel speaks it (WhatsApp Cloud API, Messenger, Instagram): Graph
 * API URLs, what a Graph answer says (Meta's error object in words, and whether a retry may help),
 * the `X-Hub-Signature-256` check of a webhook's raw body, and the subscription handshake
 * (`hub.mode`, `hub.verify_token`, `hub.challenge`). Pure apart from Web Crypto.
 */

export const DEFAULT_GRAPH_API_BASE_URL = "https://graph.facebook.com";
export const DEFAULT_GRAPH_API_VERSION = "v22.0";

/** `{base}/{version}/{path}`; the base may carry a path (a local sink such as `/dev/sinks/whatsapp`). */
export function graphUrl(settings: { baseUrl?: string | null; version?: string | null }, path: string): string {
  const base = (settings.baseUrl?.trim() || DEFAULT_GRAPH_API_BASE_URL).replace(/\/+$/, "");
  const version = settings.version?.trim() || DEFAULT_GRAPH_API_VERSION;
  return `${base}/${version.startsWith("v") ? version : `v${version}`}/${path.replace(/^\/+/, "")}`;
}

export type GraphAnswer =
  | { ok: true; status: number; json: Record<string, unknown> }
  /** `retryable`: Meta may take it later (429, 5xx, or one of its transient error codes); anything else is refused for good. */
  | { ok: false; status: number; error: string; code: number | null; retryable: boolean };

const MAX_ERROR_LENGTH = 500;
/** Graph error codes Meta documents as temporary (throttling, service unavailable, try again later). */
const TRANSIENT_CODES: ReadonlySet<number> = new Set([1, 2, 4, 17, 80007, 130429, 131000, 131016, 133004]);

/**
 * What a Graph API answer says. 2xx with a JSON object is taken; anything else is Meta's error object
 * (`{error: {message, type, code, error_subcode, error_data: {details}}}`) in words, e.g.
 * "HTTP 400 (code 131047): Re-engagement message: More than 24 hours have passed...".
 */
export function readGraphAnswer(httpStatus: number, body: string): GraphAnswer {
  const json = parseObject(body);
  if (httpStatus >= 200 && httpStatus < 300) return { ok: true, status: httpStatus, json: json ?? {} };
  const error = json && typeof json.error === "object" && json.error !== null ? (json.error as Record<string, unknown>) : null;
  const code = typeof error?.code === "number" ? error.code : null;
  const details =
    error && typeof error.error_data === "object" && error.error_data !== null && typeof (error.error_data as Record<string, unknown>).details === "string"
      ? String((error.error_data as Record<string, unknown>).details)
      : null;
  const title =
    typeof error?.error_user_msg === "string" ? error.error_user_msg : typeof error?.message === "string" ? error.message : body.trim() || "no body";
  const words = details && !title.includes(details) ? `${title}: ${details}` : title;
  const codeText = code === null ? "" : ` (code ${code})`;
  return {
    ok: false,
    status: httpStatus,
    error: `HTTP ${httpStatus}${codeText}: ${words}`.slice(0, MAX_ERROR_LENGTH),
    code,
    retryable: httpStatus === 429 || httpStatus >= 500 || (code !== null && TRANSIENT_CODES.has(code)),
  };
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const toHex = (bytes: Uint8Array) => [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");

/** Meta's webhook signature: `sha256=` and the hex HMAC-SHA256 of the raw body, keyed with the app secret. */
export async function metaSignature(appSecret: string, rawBody: ArrayBuffer | Uint8Array | string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(appSecret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const data = typeof rawBody === "string" ? new TextEncoder().encode(rawBody) : rawBody;
  return `sha256=${toHex(new Uint8Array(await crypto.subtle.sign("HMAC", key, data)))}`;
}

/** Whether `header` (X-Hub-Signature-256) is Meta's signature of this exact body, compared in constant time. */
export async function metaSignatureMatches(appSecret: string, rawBody: ArrayBuffer | Uint8Array, header: string | null | undefined): Promise<boolean> {
  if (!appSecret || !header) return false;
  const expected = new TextEncoder().encode(await metaSignature(appSecret, rawBody));
  const given = new TextEncoder().encode(header.trim().toLowerCase());
  if (expected.byteLength !== given.byteLength) return false;
  return crypto.subtle.timingSafeEqual(expected, given);
}

/**
 * The subscription handshake Meta sends when a webhook URL is saved: `hub.mode=subscribe`, the verify
 * token the app was given, and a challenge to echo. The challenge when the token is the expected
 * one (compared in constant time), else null.
 */
export function verificationChallenge(query: { mode?: string; verifyToken?: string; challenge?: string }, expectedToken: string): string | null {
  if (query.mode !== "subscribe" || !query.challenge || !query.verifyToken || !expectedToken) return null;
  const a = new TextEncoder().encode(query.verifyToken);
  const b = new TextEncoder().encode(expectedToken);
  if (a.byteLength !== b.byteLength || !crypto.subtle.timingSafeEqual(a, b)) return null;
  return query.challenge;
}
