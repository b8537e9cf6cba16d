/**
 * The WhatsApp Cloud API's webhook for WhatsApp inboxes, at Chatwoot's path
 * `/webhooks/whatsapp/:phone_number`. `GET` answers Meta's subscription handshake with the inbox's
 * webhook verify token; `POST` must carry `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with
 * the installation's WHATSAPP_APP_SECRET), checked before anything is kept; then the payload goes to
 * the jobs queue (src/jobs/whatsapp-channel.ts) and Meta gets its 200 at once.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { inboxes } from "../db/schema";
import { metaSignatureMatches, verificationChallenge } from "../domain/meta-graph";
import { WhatsappWebhook } from "../domain/whatsapp-cloud";
import { enqueueJobs } from "../jobs/messages";
import { createRouter } from "./context";
import { ApiError, errorResponses, validationError } from "./errors";
import { limitedRoute } from "./limits";

export const whatsappWebhooks = createRouter();

const tags = ["Channels"];

/** A queue message holds at most 128 KB: a webhook body must fit in one job, with room to spare. */
export const MAX_WHATSAPP_WEBHOOK_BYTES = 96 * 1024;

const PhoneParams = z.object({
  phone_number: z
    .string()
    .max(32)
    .regex(/^\+?[1-9]\d{1,14}$/, "Expected the inbox's phone number, e.g. +14155550100.")
    .openapi({
      param: { name: "phone_number", in: "path" },
      example: "+14155550100",
      description: "The WhatsApp inbox's number (E.164; the + may be left out)",
    }),
});

/** Meta's envelope: an object and its entries; what each entry holds is read later. */
const WebhookEnvelope = z.object({ object: z.string().max(100), entry: z.array(z.record(z.string(), z.unknown())).max(100) }).strict();

/** The inbox's number as stored: E.164 with its +. */
const e164 = (phone: string) => (phone.startsWith("+") ? phone : `+${phone}`);

async function whatsappInboxesWithNumber(db: Database, phone: string) {
  return db
    .select({ id: inboxes.id, accountId: inboxes.accountId, whatsappConfig: inboxes.whatsappConfig })
    .from(inboxes)
    .where(and(eq(inboxes.channelType, "whatsapp"), eq(inboxes.phoneNumber, e164(phone))));
}

whatsappWebhooks.openapi(
  limitedRoute(
    createRoute({
      method: "get",
      path: "/webhooks/whatsapp/{phone_number}",
      tags,
      summary: "WhatsApp: Meta's webhook verification",
      description:
        "Meta calls this when the callback URL is saved in the app's WhatsApp configuration: `hub.mode=subscribe`, the " +
        "verify token given there (the inbox's `webhook_verify_token`) and a challenge, which is echoed as text/plain.",
      request: {
        params: PhoneParams,
        query: z.object({
          "hub.mode": z.string().max(32).optional(),
          "hub.verify_token": z.string().max(256).optional(),
          "hub.challenge": z.string().max(256).optional(),
        }),
      },
      responses: {
        200: { description: "The challenge, echoed", content: { "text/plain": { schema: z.string() } } },
        ...errorResponses(400, 403),
      },
    }),
    "provider_webhook.address",
  ),
  async (c) => {
    const { phone_number } = c.req.valid("param");
    const query = c.req.valid("query");
    for (const inbox of await whatsappInboxesWithNumber(c.var.db, phone_number)) {
      const challenge = verificationChallenge(
        { mode: query["hub.mode"], verifyToken: query["hub.verify_token"], challenge: query["hub.challenge"] },
        inbox.whatsappConfig?.webhook_verify_token ?? "",
      );
      if (challenge !== null) return c.text(challenge, 200);
    }
    throw new ApiError(403, "verification_failed", "hub.verify_token is not the webhook verify token of a WhatsApp inbox with this number.");
  },
);

whatsappWebhooks.openapi(
  limitedRoute(
    createRoute({
      method: "post",
      path: "/webhooks/whatsapp/{phone_number}",
      tags,
      summary: "WhatsApp: incoming messages and statuses",
      description:
        "Give `{PUBLIC_URL}/webhooks/whatsapp/{phone_number}` to Meta as the callback URL and subscribe to the `messages` field. " +
        "Signed by Meta with the app secret (`X-Hub-Signature-256`, WHATSAPP_APP_SECRET); 401 otherwise, and nothing is kept. " +
        "Answered 200 at once; messages and statuses are processed in the background, a redelivered message id (wamid) once.",
      request: {
        params: PhoneParams,
        // A plain schema, not zod: no validator reads the body, which must be checked exactly as signed.
        body: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object" as const,
                description: "Meta's webhook payload, as Meta sends it (`object: whatsapp_business_account`, `entry[].changes[].value`)",
                properties: { object: { type: "string" as const }, entry: { type: "array" as const, items: { type: "object" as const } } },
              },
            },
          },
        },
      },
      responses: {
        200: { description: "Taken", content: { "text/plain": { schema: z.string() } } },
        ...errorResponses(400, 401, 413, 422),
      },
    }),
    "provider_webhook.address",
  ),
  async (c) => {
    const { phone_number } = c.req.valid("param");
    const tooLarge = () => new ApiError(413, "payload_too_large", "The request body is larger than the limit.", { max_bytes: MAX_WHATSAPP_WEBHOOK_BYTES });
    if (Number(c.req.header("content-length") ?? "0") > MAX_WHATSAPP_WEBHOOK_BYTES) throw tooLarge();
    // The raw bytes, exactly as signed.
    const raw = await c.req.arrayBuffer();
    if (raw.byteLength > MAX_WHATSAPP_WEBHOOK_BYTES) throw tooLarge();
    // Reading and shape checks keep nothing; the signature is checked before anything is.
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(raw));
    } catch {
      throw new ApiError(400, "malformed_json", "The body is not JSON.");
    }
    const envelope = WebhookEnvelope.safeParse(json);
    if (!envelope.success) throw validationError(envelope.error, "json");
    if (!(await metaSignatureMatches(c.env.WHATSAPP_APP_SECRET ?? "", raw, c.req.header("x-hub-signature-256")))) {
      throw new ApiError(401, "invalid_signature", "X-Hub-Signature-256 is not Meta's signature of this body with the app secret.");
    }
    const parsed = WhatsappWebhook.safeParse(json);
    // Signed by Meta but of another kind (another product's object): nothing for an inbox, and no reason for Meta to retry.
    if (!parsed.success) return c.text("ignored", 200);
    const payload = parsed.data;
    const numberIds = new Set(
      payload.entry.flatMap((entry) =>
        entry.changes.flatMap((change) => {
          const value = change.value as { metadata?: { phone_number_id?: unknown } } | null;
          return typeof value?.metadata?.phone_number_id === "string" ? [value.metadata.phone_number_id] : [];
        }),
      ),
    );
    const targets = (await whatsappInboxesWithNumber(c.var.db, phone_number)).filter(
      (inbox) => inbox.whatsappConfig && numberIds.has(inbox.whatsappConfig.phone_number_id),
    );
    await enqueueJobs(
      c.env.JOBS,
      targets.map((inbox) => ({ type: "whatsapp.received" as const, inbox_id: inbox.id, payload })),
    );
    return c.text("ok", 200);
  },
);
