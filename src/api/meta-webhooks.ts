/**
 * Meta's webhooks for Messenger and Instagram inboxes, at Chatwoot's paths: `/bot` (Messenger; the
 * page object) and `/webhooks/instagram` (the instagram object). GET answers Meta's subscription
 * handshake with the installation's verify token (`FB_VERIFY_TOKEN`; `IG_VERIFY_TOKEN` or
 * `INSTAGRAM_VERIFY_TOKEN`). POST must carry `X-Hub-Signature-256` of the exact body with one of the
 * installation's Meta app secrets (`FB_APP_SECRET`, `INSTAGRAM_APP_SECRET`), else 401 and nothing is
 * kept; then each messaging event goes to the jobs queue (`meta.received`, src/jobs/meta-channel.ts)
 * and Meta gets its 200 at once.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { metaSignatureMatches, verificationChallenge } from "../domain/meta-graph";
import type { MetaChannel } from "../domain/meta-messaging";
import { enqueueJobs, type JobMessage } from "../jobs/messages";
import { type AppEnv, createRouter } from "./context";
import { ApiError, errorResponses } from "./errors";
import { limitedRoute } from "./limits";

export const metaWebhooks = createRouter();

/** An installation secret or setting that may be absent (then nothing matches it). */
export function metaSetting(
  env: Env,
  name: "FB_APP_SECRET" | "INSTAGRAM_APP_SECRET" | "FB_VERIFY_TOKEN" | "IG_VERIFY_TOKEN" | "INSTAGRAM_VERIFY_TOKEN",
): string {
  const value = (env as unknown as Record<string, unknown>)[name];
  return typeof value === "string" ? value : "";
}

/** The envelope of every Messenger and Instagram webhook: `object`, and `entry`, one per page or account. */
const MetaWebhookBody = z
  .object({
    object: z.string().max(64),
    entry: z
      .array(
        z
          .object({
            id: z.union([z.string().max(64), z.number()]).transform(String),
            time: z.number().optional(),
            messaging: z.array(z.record(z.string(), z.unknown())).max(1000).optional(),
            standby: z.array(z.record(z.string(), z.unknown())).max(1000).optional(),
          })
          .loose(),
      )
      .max(1000),
  })
  .strict();

/** What one queue message may carry of an event; a larger one (a message with a huge text) keeps only who, when and its id. */
const MAX_EVENT_BYTES = 64 * 1024;

function boundedEvent(event: Record<string, unknown>): Record<string, unknown> {
  if (JSON.stringify(event).length <= MAX_EVENT_BYTES) return event;
  const message = event.message;
  const mid = message && typeof message === "object" && "mid" in message ? (message as { mid: unknown }).mid : undefined;
  return { sender: event.sender, recipient: event.recipient, timestamp: event.timestamp, oversized: { mid } };
}

const OBJECT_CHANNELS: Record<string, MetaChannel> = { page: "facebook_page", instagram: "instagram" };

async function receive(c: Context<AppEnv>) {
  // Read as bytes: the signature is over the body exactly as sent.
  const raw = new Uint8Array(await c.req.arrayBuffer());
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(raw));
  } catch {
    throw new ApiError(400, "malformed_json", "The request body is not valid JSON.");
  }
  const parsed = MetaWebhookBody.safeParse(json);
  if (!parsed.success) throw new ApiError(422, "validation_failed", "This is not a Meta webhook: expected {object, entry: [...]}.");
  const signature = c.req.header("x-hub-signature-256");
  const secrets = [metaSetting(c.env, "FB_APP_SECRET"), metaSetting(c.env, "INSTAGRAM_APP_SECRET")].filter((secret) => secret !== "");
  let signed = false;
  for (const secret of secrets) if (!signed && (await metaSignatureMatches(secret, raw, signature))) signed = true;
  if (!signed) throw new ApiError(401, "invalid_signature", "X-Hub-Signature-256 is not this installation's Meta app signature of the body.");
  const channel = OBJECT_CHANNELS[parsed.data.object];
  if (!channel) throw new ApiError(422, "unsupported_object", `Parley takes the page and instagram objects here, not ${parsed.data.object}.`);
  const jobs: JobMessage[] = parsed.data.entry.flatMap((entry) =>
    [...(entry.messaging ?? []), ...(entry.standby ?? [])].map(
      (event): JobMessage => ({ type: "meta.received", channel, business_id: entry.id, event: boundedEvent(event) }),
    ),
  );
  await enqueueJobs(c.env.JOBS, jobs);
  return c.json({ received: jobs.length }, 200);
}

function verify(c: Context<AppEnv>, tokens: string[]) {
  const query = { mode: c.req.query("hub.mode"), verifyToken: c.req.query("hub.verify_token"), challenge: c.req.query("hub.challenge") };
  for (const token of tokens) {
    const challenge = verificationChallenge(query, token);
    if (challenge !== null) return c.text(challenge, 200);
  }
  throw new ApiError(403, "invalid_verify_token", "hub.verify_token is not this installation's verify token.");
}

const bodyDoc = (object: string) => ({
  required: true,
  content: {
    "application/json": {
      schema: {
        type: "object" as const,
        description: `Meta's webhook notification, as Meta sends it (\`object\`: "${object}", \`entry[].messaging[]\`); signed with X-Hub-Signature-256`,
        properties: { object: { type: "string" as const }, entry: { type: "array" as const, items: { type: "object" as const } } },
        required: ["object", "entry"],
      },
    },
  },
});

const VerifyQuery = z.object({
  "hub.mode": z.string().max(32).optional(),
  "hub.verify_token": z.string().max(256).optional(),
  "hub.challenge": z.string().max(256).optional(),
});

const paths = [
  { path: "/bot", name: "Messenger", object: "page", tokens: (env: Env) => [metaSetting(env, "FB_VERIFY_TOKEN")] },
  {
    path: "/webhooks/instagram",
    name: "Instagram",
    object: "instagram",
    tokens: (env: Env) => [metaSetting(env, "IG_VERIFY_TOKEN"), metaSetting(env, "INSTAGRAM_VERIFY_TOKEN")],
  },
] as const;

for (const { path, name, object, tokens } of paths) {
  metaWebhooks.openapi(
    limitedRoute(
      createRoute({
        method: "get",
        path,
        tags: ["Channels"],
        summary: `${name}: Meta's webhook verification`,
        description: "Meta calls this when the callback URL is saved: the challenge comes back when `hub.verify_token` is the installation's verify token.",
        request: { query: VerifyQuery },
        responses: {
          200: { description: "The challenge", content: { "text/plain": { schema: z.string() } } },
          ...errorResponses(400, 403),
        },
      }),
      "provider_webhook.address",
    ),
    (c) => verify(c, tokens(c.env)),
  );
  metaWebhooks.openapi(
    limitedRoute(
      createRoute({
        method: "post",
        path,
        tags: ["Channels"],
        summary: `${name}: messages, echoes, deliveries and reads`,
        description:
          `Give this URL to Meta as the ${name} webhook's callback URL. Each messaging event is taken by the queue and answered at once; ` +
          "a message Meta delivers again (same mid) is stored once. 401 without the app's X-Hub-Signature-256.",
        request: { body: bodyDoc(object) },
        responses: {
          200: { description: "Taken", content: { "application/json": { schema: z.object({ received: z.number().int() }) } } },
          ...errorResponses(400, 401, 413, 422),
        },
      }),
      "provider_webhook.address",
    ),
    receive,
  );
}
