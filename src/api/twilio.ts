/**
 * Twilio's webhooks for SMS inboxes, at Chatwoot's paths: `POST /twilio/callback` (incoming messages,
 * and status callbacks too) and `POST /twilio/delivery_status` (status callbacks). The form must carry
 * the inbox's `X-Twilio-Signature` (its auth token, over PUBLIC_URL's address of the request); the
 * answer is empty TwiML at once, and the form goes to the jobs queue (src/jobs/sms-channel.ts).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, eq, inArray } from "drizzle-orm";
import type { Context } from "hono";
import { inboxes } from "../db/schema";
import { twilioSignatureMatches } from "../domain/twilio-webhook";
import { enqueueJobs } from "../jobs/messages";
import { type AppEnv, createRouter } from "./context";
import { ApiError, errorResponses } from "./errors";
import { limitedRoute } from "./limits";
import { readJson } from "./messages";

export const twilioWebhooks = createRouter();

const TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/** What Parley reads of Twilio's form; every other parameter is kept as sent (and signed). */
const TwilioForm = z
  .record(z.string().max(100), z.string().max(10_000))
  .refine((form) => Object.keys(form).length <= 200, "Too many parameters.")
  .refine((form) => typeof (form.MessageSid ?? form.SmsSid) === "string", "MessageSid is required.");

const formBody = {
  required: true,
  content: {
    "application/x-www-form-urlencoded": {
      schema: {
        type: "object" as const,
        description: "Twilio's webhook parameters, as Twilio sends them",
        properties: {
          MessageSid: { type: "string" as const },
          AccountSid: { type: "string" as const },
          From: { type: "string" as const },
          To: { type: "string" as const },
          Body: { type: "string" as const },
          NumMedia: { type: "string" as const },
          MediaUrl0: { type: "string" as const },
          MediaContentType0: { type: "string" as const },
          MessageStatus: { type: "string" as const, description: "Status callbacks: queued, sent, delivered, undelivered, failed" },
          ErrorCode: { type: "string" as const },
        },
      },
    },
  },
};

const twimlResponse = { 200: { description: "Taken: empty TwiML", content: { "text/xml": { schema: z.string() } } } };

async function receive(c: Context<AppEnv>) {
  if (!/^application\/x-www-form-urlencoded\b/i.test(c.req.header("content-type") ?? "")) {
    await readJson(c);
    throw new ApiError(422, "validation_failed", "Twilio's webhooks are application/x-www-form-urlencoded forms.");
  }
  // Read as bytes: the form is signed exactly as sent.
  const params = [...new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()))];
  const parsed = TwilioForm.safeParse(Object.fromEntries(params));
  if (!parsed.success) throw new ApiError(400, "bad_request", "This is not a Twilio webhook form.");
  const form = parsed.data;
  const isStatus = form.MessageStatus !== undefined && form.Body === undefined;
  // A status callback is about a message the inbox sent (From); anything else was sent to it (To).
  const phone = (isStatus ? form.From : form.To)?.trim();
  const signature = c.req.header("x-twilio-signature") ?? "";
  const candidates =
    phone && signature
      ? await c.var.db
          .select({ id: inboxes.id, providerConfig: inboxes.providerConfig })
          .from(inboxes)
          .where(and(eq(inboxes.channelType, "sms"), inArray(inboxes.phoneNumber, [phone])))
      : [];
  const requested = new URL(c.req.url);
  const url = `${c.env.PUBLIC_URL.replace(/\/+$/, "")}${requested.pathname}${requested.search}`;
  let inboxId: number | null = null;
  for (const inbox of candidates) {
    if (inbox.providerConfig && (await twilioSignatureMatches(inbox.providerConfig.auth_token, url, params, signature))) {
      inboxId = inbox.id;
      break;
    }
  }
  // As every inbound webhook: a signature that matches no inbox is 401, and nothing is stored.
  if (inboxId === null) throw new ApiError(401, "invalid_signature", "X-Twilio-Signature does not match an SMS inbox of this number.");
  await enqueueJobs(c.env.JOBS, [{ type: "sms.received", inbox_id: inboxId, form }]);
  return c.body(TWIML_EMPTY, 200, { "content-type": "text/xml; charset=utf-8" });
}

const webhookRoute = (path: string, summary: string, description: string) =>
  limitedRoute(
    createRoute({
      method: "post",
      path,
      tags: ["Channels"],
      summary,
      description,
      request: { body: formBody },
      responses: { ...twimlResponse, ...errorResponses(400, 401, 413, 422) },
    }),
    "provider_webhook.address",
  );

twilioWebhooks.openapi(
  webhookRoute(
    "/twilio/callback",
    "Twilio: incoming SMS and MMS",
    "Give this URL to Twilio as the number's messaging webhook (HTTP POST). Signed with the SMS inbox's auth token " +
      "(`X-Twilio-Signature` over PUBLIC_URL + path); a repeated MessageSid is stored once. Status callbacks are taken here too.",
  ),
  receive,
);

twilioWebhooks.openapi(
  webhookRoute(
    "/twilio/delivery_status",
    "Twilio: status callbacks",
    "queued, sent, delivered, undelivered and failed update the agent's message (`status`, `content_attributes.external_error`).",
  ),
  receive,
);
