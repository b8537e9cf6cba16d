/**
 * Sign-in limits through Cloudflare's rate limiting binding (wrangler.toml `[[ratelimits]]`): every
 * sign-in attempt counts against its email and its client address, every reset request against its
 * own limiter. The binding has no way to look without counting, so attempts count, not only failures:
 * a person signs in once, a guesser many times. The client address is `CF-Connecting-IP` only (set
 * by Cloudflare, never by the client); without it (local tools) only the email counts.
 */
import type { Context } from "hono";
import type { AppEnv } from "../context";
import { ApiError, ErrorSchema } from "../errors";

/** The binding's window: a refused client may try again after it. */
const RETRY_AFTER_SECONDS = 60;

async function allowed(limiter: RateLimit, key: string): Promise<boolean> {
  return (await limiter.limit({ key })).success;
}

function refuse(c: Context<AppEnv>): never {
  c.header("retry-after", String(RETRY_AFTER_SECONDS));
  throw new ApiError(429, "rate_limited", "Too many attempts. Try again in a minute.", { retry_after: RETRY_AFTER_SECONDS });
}

const clientAddress = (c: Context<AppEnv>) => c.req.header("cf-connecting-ip")?.trim() || null;

/** Counts a sign-in attempt for `email` and the client address; answers 429 when either is over its limit. */
export async function limitSignIn(c: Context<AppEnv>, email: string): Promise<void> {
  const address = clientAddress(c);
  const [byEmail, byAddress] = await Promise.all([
    allowed(c.env.SIGN_IN_EMAIL_LIMITER, `email:${email}`),
    address ? allowed(c.env.SIGN_IN_ADDRESS_LIMITER, `address:${address}`) : true,
  ]);
  if (!byEmail || !byAddress) refuse(c);
}

/** Counts a password reset request for `email` and the client address. */
export async function limitPasswordReset(c: Context<AppEnv>, email: string): Promise<void> {
  const address = clientAddress(c);
  const [byEmail, byAddress] = await Promise.all([
    allowed(c.env.PASSWORD_RESET_LIMITER, `email:${email}`),
    address ? allowed(c.env.SIGN_IN_ADDRESS_LIMITER, `reset:${address}`) : true,
  ]);
  if (!byEmail || !byAddress) refuse(c);
}

/** The 429 answer, for the routes' OpenAPI entries. */
export const rateLimitedResponse = {
  429: {
    description: "Too many attempts for this email or client address",
    headers: { "retry-after": { schema: { type: "string" as const }, description: "Seconds to wait" } },
    content: { "application/json": { schema: ErrorSchema } },
  },
};

