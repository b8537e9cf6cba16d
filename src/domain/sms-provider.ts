/**
 * Twilio's Messages API, as SMS inboxes speak it (Twilio itself or any provider, or local sink, that
 * answers the same way): the request that sends one message and what its answer means. Pure: the
 * job that sends (src/jobs/send-sms.ts) does the fetch.
 */
import type { SmsProviderConfig } from "../db/schema";

export const DEFAULT_TWILIO_BASE_URL = "https://api.twilio.com";

export type OutgoingSms = { from: string; to: string; body: string };

/** `{base}/2010-04-01/Accounts/{AccountSid}/Messages.json`; a base URL may carry a path (e.g. /dev/sinks/sms). */
export function twilioMessagesUrl(config: Pick<SmsProviderConfig, "account_sid" | "api_base_url">): string {
  const base = (config.api_base_url ?? DEFAULT_TWILIO_BASE_URL).replace(/\/+$/, "");
  return `${base}/2010-04-01/Accounts/${encodeURIComponent(config.account_sid)}/Messages.json`;
}

/** A form-encoded POST of To, From and Body with HTTP Basic auth (account SID : auth token). */
export function twilioMessageRequest(config: SmsProviderConfig, sms: OutgoingSms): { url: string; init: RequestInit } {
  const credentials = btoa(String.fromCharCode(...new TextEncoder().encode(`${config.account_sid}:${config.auth_token}`)));
  return {
    url: twilioMessagesUrl(config),
    init: {
      method: "POST",
      headers: {
        authorization: `Basic ${credentials}`,
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body: new URLSearchParams({ To: sms.to, From: sms.from, Body: sms.body }).toString(),
      redirect: "manual",
    },
  };
}

export type SmsSendResult =
  | { ok: true; sid: string | null; status: string | null }
  /** `retryable`: the provider may take it later (no answer, 429, 5xx); anything else it refused for good. */
  | { ok: false; error: string; retryable?: boolean };

const MAX_ERROR_LENGTH = 500;

/**
 * What the provider's answer says: any 2xx means it took the message (Twilio answers 201 with the
 * message's `sid` and status "queued"; a provider that leaves them out still accepted it). Anything
 * else is a failure, described with Twilio's `code` and `message` when the body has them.
 */
export function readTwilioAnswer(httpStatus: number, body: string): SmsSendResult {
  const json = parseObject(body);
  if (httpStatus >= 200 && httpStatus < 300) {
    return {
      ok: true,
      sid: typeof json?.sid === "string" ? json.sid : null,
      status: typeof json?.status === "string" ? json.status : null,
    };
  }
  const code = typeof json?.code === "number" || typeof json?.code === "string" ? ` (code ${json.code})` : "";
  const message = typeof json?.message === "string" ? json.message : body.trim() || "no body";
  return { ok: false, error: `HTTP ${httpStatus}${code}: ${message}`.slice(0, MAX_ERROR_LENGTH) };
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
