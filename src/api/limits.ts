/**
 * The rate limits of every public door, in one table. A route declares the limits it counts against
 * with `limitedRoute(createRoute({...}), ...names)`: that adds the counting middleware, the 429 answer
 * and the `x-parley-limits` extension to its OpenAPI entry (the limits walk in the tests reads it, so
 * a public route without limits fails them). The /cable gateway and the auth middleware count
 * through `countHit` with the same names.
 *
 * Bursts go through Cloudflare's rate limiting binding (wrangler.toml `[[ratelimits]]`: 10 s or
 * 60 s windows, counted per location); longer windows through the RateCounter object, configured
 * in [vars] as "<count> per <seconds>". A client's address is `CF-Connecting-IP` only (set by
 * Cloudflare, never by the client): without it (local tools) the limits by address do not count.
 * The binding has no way to look without counting, so requests count, not only failures.
 */
import type { RouteConfig } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import type { CLIENT_COMMANDS } from "../domain/actioncable";
import { rateCounter } from "../durable/addresses";
import type { AppEnv } from "./context";
import { ApiError, ErrorSchema } from "./errors";

/** What a limit counts by: the client's address, the website token (widget or inbox), the visitor's session, or an email. */
export type CountedBy = "address" | "website_token" | "session" | "email";

type BurstBinding = { [K in keyof Env]: Env[K] extends RateLimit ? K : never }[keyof Env];
type WindowSetting = "WIDGET_CONVERSATIONS_LIMIT";

type Limit =
  | { by: CountedBy; binding: BurstBinding; period: 10 | 60; description: string; uploadsOnly?: true }
  | { by: CountedBy; setting: WindowSetting; description: string };

/**
 * Every limit by name. `period` repeats the binding's window from wrangler.toml: the binding does
 * not tell it, and a refused request is told to retry after it.
 */
export const LIMITS = {
  "sign_in.email": { by: "email", binding: "SIGN_IN_EMAIL_LIMITER", period: 60, description: "Sign-in attempts per email" },
  "sign_in.address": { by: "address", binding: "SIGN_IN_ADDRESS_LIMITER", period: 60, description: "Sign-in attempts per address" },
  "password_reset.email": { by: "email", binding: "PASSWORD_RESET_LIMITER", period: 60, description: "Reset links asked per email" },
  "password_reset.address": { by: "address", binding: "SIGN_IN_ADDRESS_LIMITER", period: 60, description: "Reset links asked per address" },
  "password_change.address": { by: "address", binding: "SIGN_IN_ADDRESS_LIMITER", period: 60, description: "Passwords set with a reset token, per address" },
  "bad_token.address": { by: "address", binding: "BAD_TOKEN_LIMITER", period: 60, description: "Requests refused 401 (no or a bad token), per address" },
  "public_read.address": { by: "address", binding: "PUBLIC_READ_LIMITER", period: 10, description: "Client and Widget API reads per address" },
  "public_write.address": { by: "address", binding: "PUBLIC_WRITE_LIMITER", period: 10, description: "Client and Widget API writes per address" },
  "public_create.address": {
    by: "address",
    binding: "PUBLIC_CREATE_LIMITER",
    period: 60,
    description: "Contacts, conversations and widget sessions created per address",
  },
  "public_create.website_token": {
    by: "website_token",
    binding: "INBOX_CREATE_LIMITER",
    period: 60,
    description: "Contacts, conversations and widget sessions created per website token",
  },
  "widget_conversations.address": {
    by: "address",
    setting: "WIDGET_CONVERSATIONS_LIMIT",
    description: "Conversations started per address over 12 hours (Chatwoot's limit)",
  },
  "session_message.session": { by: "session", binding: "SESSION_MESSAGE_LIMITER", period: 10, description: "Messages and form answers per visitor session" },
  "session_upload.session": {
    by: "session",
    binding: "SESSION_UPLOAD_LIMITER",
    period: 60,
    description: "Messages with attachments per visitor session",
    uploadsOnly: true,
  },
  "session_typing.session": { by: "session", binding: "SESSION_TYPING_LIMITER", period: 10, description: "Typing events per visitor session (one a second)" },
  "session_write.session": {
    by: "session",
    binding: "SESSION_WRITE_LIMITER",
    period: 60,
    description: "Contact, attribute, label, status and command changes per visitor session",
  },
  "provider_webhook.address": {
    by: "address",
    binding: "PUBLIC_WRITE_LIMITER",
    period: 10,
    description: "Provider webhook posts (Twilio's SMS callbacks, Meta's WhatsApp, Messenger and Instagram webhooks) per address",
  },
  "email_sender.email": {
    by: "email",
    binding: "PUBLIC_WRITE_LIMITER",
    period: 10,
    description: "Mails the email() handler takes per sender address (a flood is refused)",
  },
  "export_download.address": {
    by: "address",
    binding: "PUBLIC_READ_LIMITER",
    period: 10,
    description: "Contact export downloads through a mailed signed link, per address",
  },
  "cable_connect.address": { by: "address", binding: "CABLE_CONNECT_LIMITER", period: 60, description: "/cable connections opened per address" },
  "cable_subscribe.address": { by: "address", binding: "CABLE_SUBSCRIBE_LIMITER", period: 60, description: "/cable subscribe frames per address" },
} as const satisfies Record<string, Limit>;

export type LimitName = keyof typeof LIMITS;

/** The OpenAPI extension that lists a route's limits. */
export const LIMITS_EXTENSION = "x-parley-limits";

/** "<count> per <seconds>", as the window settings and CABLE_FRAMES_LIMIT are written. */
export function parseRate(setting: string | undefined, fallback: { count: number; seconds: number }) {
  const match = /^\s*(\d+)\s+per\s+(\d+)\s*$/.exec(setting ?? "");
  return match ? { count: Number(match[1]), seconds: Number(match[2]) } : fallback;
}

const WINDOW_DEFAULTS: Record<WindowSetting, { count: number; seconds: number }> = {
  WIDGET_CONVERSATIONS_LIMIT: { count: 6, seconds: 12 * 3600 },
};

/** The client's address as Cloudflare saw it; never `X-Forwarded-For`, which the client writes. */
export const clientAddress = (headers: Headers): string | null => headers.get("cf-connecting-ip")?.trim() || null;

/** Keys longer than this are not counted: no route accepts such an identifier, its validation refuses it next. */
const MAX_KEY_CHARS = 256;

/**
 * Counts one hit of `name` for `key`. Answers null when it fits, else the seconds until its window
 * ends (the binding's period, the counter's exact end).
 */
export async function countHit(env: Env, name: LimitName, key: string): Promise<number | null> {
  const limit: Limit = LIMITS[name];
  const counted = `${name}:${key}`;
  if ("binding" in limit) {
    const { success } = await env[limit.binding].limit({ key: counted });
    return success ? null : limit.period;
  }
  const rate = parseRate(env[limit.setting], WINDOW_DEFAULTS[limit.setting]);
  const outcome = await rateCounter(env, name, key).hit(counted, rate.count, rate.seconds);
  return outcome.allowed ? null : Math.max(1, outcome.endsAt - Math.floor(Date.now() / 1000));
}

/** The 429 in the one error shape, with `Retry-After` set to the end of the longest refusing window. */
export function rateLimited(c: Context<AppEnv>, retryAfter: number, limits: LimitName[]): ApiError {
  c.header("retry-after", String(retryAfter));
  const when =
    retryAfter < 60
      ? `in ${retryAfter} seconds`
      : retryAfter === 60
        ? "in a minute"
        : retryAfter < 7200
          ? `in ${Math.ceil(retryAfter / 60)} minutes`
          : `in ${Math.ceil(retryAfter / 3600)} hours`;
  return new ApiError(429, "rate_limited", `Too many attempts. Try again ${when}.`, { retry_after: retryAfter, limits });
}

/**
 * Middleware for what is served without a token outside the API document (media, the console's and
 * the chat app's pages, health): each request counts against `name` by the client's address.
 */
export function limitByAddress(name: LimitName & `${string}.address`): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const address = clientAddress(c.req.raw.headers);
    if (address) await enforceLimits(c, [name], { address });
    await next();
  };
}

/** Keys one client holds alone; the others (a website token, an email) are shared by everyone who names them. */
const OWN_KEYS: ReadonlySet<CountedBy> = new Set(["address", "session"]);

/**
 * Counts `names` for their keys; throws the 429 when any is over. The client's own limits (address,
 * session) are counted first and the shared ones (website token, email) only for a request those let
 * through, so one address flooding a site spends its own window, not the window every new visitor
 * of that site shares.
 */
export async function enforceLimits(c: Context<AppEnv>, names: readonly LimitName[], keys: Partial<Record<CountedBy, string>>): Promise<void> {
  const uploading = /^multipart\/form-data/i.test(c.req.header("content-type") ?? "");
  const counted = names.filter((name) => {
    const limit: Limit = LIMITS[name];
    const key = keys[limit.by];
    return key !== undefined && key.length <= MAX_KEY_CHARS && !("uploadsOnly" in limit && limit.uploadsOnly && !uploading);
  });
  await countAll(
    c,
    counted.filter((name) => OWN_KEYS.has(LIMITS[name].by)),
    keys,
  );
  await countAll(
    c,
    counted.filter((name) => !OWN_KEYS.has(LIMITS[name].by)),
    keys,
  );
}

async function countAll(c: Context<AppEnv>, names: LimitName[], keys: Partial<Record<CountedBy, string>>): Promise<void> {
  if (names.length === 0) return;
  const outcomes = await Promise.all(names.map((name) => countHit(c.env, name, keys[LIMITS[name].by] ?? "")));
  const refused = names.filter((_, i) => outcomes[i] !== null);
  if (refused.length > 0) throw rateLimited(c, Math.max(...outcomes.map((seconds) => seconds ?? 0)), refused);
}

type Fields = Record<string, unknown>;
const text = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? value.trim() : undefined);

/** The keys a request is counted by: its address, and what its path, query and validated body name. */
function requestKeys(c: Context<AppEnv>, body: Fields): Partial<Record<CountedBy, string>> {
  const param = (name: string) => text(c.req.param(name));
  const websiteToken = param("inbox_identifier") ?? text(body.widget_token) ?? text(c.req.query("widget_token")) ?? text(c.req.query("website_token"));
  const visitor = param("contact_identifier") ?? text(body.source_id);
  const email = text(body.email)?.toLowerCase();
  const address = clientAddress(c.req.raw.headers);
  return {
    ...(address ? { address } : {}),
    ...(websiteToken ? { website_token: websiteToken } : {}),
    ...(websiteToken && visitor ? { session: `${websiteToken}/${visitor}` } : {}),
    ...(email ? { email } : {}),
  };
}

type JsonSchema = { safeParse(data: unknown): { success: true; data: unknown } | { success: false } };

function jsonBodySchema(route: RouteConfig): JsonSchema | null {
  const media = route.request?.body?.content?.["application/json"];
  const schema: unknown = media && "schema" in media ? media.schema : null;
  return schema && typeof schema === "object" && "safeParse" in schema ? (schema as JsonSchema) : null;
}

/**
 * The middleware a limited route runs before its validation. A JSON body is read (Hono keeps it for
 * the validator) and checked with the route's own schema: a request its validation would refuse is
 * not counted, so a typo never costs an attempt, and the keys it names are the validated ones.
 */
function countRequest(route: RouteConfig, names: readonly LimitName[]): MiddlewareHandler<AppEnv> {
  const schema = jsonBodySchema(route);
  return async (c, next) => {
    let body: Fields = {};
    if (schema && /^application\/([a-z0-9.+-]*\+)?json\b/i.test(c.req.header("content-type") ?? "")) {
      const raw: unknown = await c.req.json().catch(() => undefined);
      const parsed = schema.safeParse(raw);
      if (!parsed.success) return next();
      if (typeof parsed.data === "object" && parsed.data !== null) body = parsed.data as Fields;
    }
    await enforceLimits(c, names, requestKeys(c, body));
    await next();
  };
}

/** The 429 answer, for the OpenAPI entries of limited routes. */
export const rateLimitedResponse = {
  429: {
    description: "Over one of the route's limits (`details.limits` names them); `retry-after` says when the window ends",
    headers: { "retry-after": { schema: { type: "string" as const }, description: "Seconds until the window ends" } },
    content: { "application/json": { schema: ErrorSchema } },
  },
};

/** The route with its limits: counted before its handler, documented as 429 and in `x-parley-limits`. */
export function limitedRoute<R extends RouteConfig>(route: R, ...names: [LimitName, ...LimitName[]]) {
  const existing = route.middleware === undefined ? [] : Array.isArray(route.middleware) ? route.middleware : [route.middleware];
  return {
    ...route,
    middleware: [countRequest(route, names), ...existing] as MiddlewareHandler[],
    responses: { ...route.responses, ...rateLimitedResponse },
    [LIMITS_EXTENSION]: names,
  };
}

/**
 * For the auth middleware's 401 path: counts the refusal against the client's address, and answers
 * 429 instead once the address has been refused too often, so tokens cannot be guessed at speed.
 */
export async function refuseToken(c: Context<AppEnv>, refusal: ApiError): Promise<ApiError> {
  const address = clientAddress(c.req.raw.headers);
  if (!address) return refusal;
  const retryAfter = await countHit(c.env, "bad_token.address", address);
  return retryAfter === null ? refusal : rateLimited(c, retryAfter, ["bad_token.address"]);
}

const positive = (value: string | undefined, fallback: number) => {
  const number = Number(value);
  return Number.isSafeInteger(number) && number > 0 ? number : fallback;
};

/** What every /cable connection keeps to (wrangler.toml [vars]): over any of them it is closed, or its subscription refused. */
export function cableSettings(env: Env) {
  return {
    maxSubscriptions: positive(env.CABLE_MAX_SUBSCRIPTIONS, 10),
    subscribeWithinMs: positive(env.CABLE_SUBSCRIBE_WITHIN_SECONDS, 30) * 1000,
    frames: parseRate(env.CABLE_FRAMES_LIMIT, { count: 100, seconds: 10 }),
    maxFrameBytes: positive(env.CABLE_MAX_FRAME_BYTES, 16_384),
  };
}

/** The connection's own frame budget (CABLE_FRAMES_LIMIT), which every frame counts against. */
export const CONNECTION_FRAMES = "cable.connection_frames";

/**
 * Each /cable frame type and what limits it, besides the size cap (CABLE_MAX_FRAME_BYTES) every
 * frame keeps to. A frame type missing here does not compile; the limits walk checks each.
 */
export const CABLE_FRAME_LIMITS = {
  subscribe: [CONNECTION_FRAMES, "cable_subscribe.address"],
  unsubscribe: [CONNECTION_FRAMES],
  message: [CONNECTION_FRAMES],
} as const satisfies Record<(typeof CLIENT_COMMANDS)[number], readonly (typeof CONNECTION_FRAMES | LimitName)[]>;
