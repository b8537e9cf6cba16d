/**
 * Local development's WhatsApp Cloud API: speaks the Graph API's WhatsApp endpoints under
 * /dev/sinks/graph, which `npm run dev` makes GRAPH_API_BASE_URL, so WhatsApp inboxes send here
 * instead of to Meta. Every Graph call must carry the inbox's access token (`Authorization: Bearer`),
 * as Meta checks it:
 * - `POST /:version/:phone_number_id/messages` records the message and answers as Meta does
 *   (`{messaging_product, contacts: [{input, wa_id}], messages: [{id: "wamid..."}]}`), or Meta's
 *   error object for a body it would refuse;
 * - `GET /:version/:business_account_id/message_templates` lists two approved templates;
 * - `GET /:version/:media_id` describes a file and `GET /media/:media_id` serves its bytes.
 * `GET /whatsapp/messages` lists what would have been sent (newest first, `?to=`), `DELETE` forgets
 * it. `POST /whatsapp/inbound {from, to, body?, type?, ...}` plays Meta's part the other way: it
 * builds Meta's webhook payload, signs it with WHATSAPP_APP_SECRET and posts it to the Worker's own
 * /webhooks/whatsapp/:phone_number. Served only when LOCAL_SINKS is "true"; keeps 1,000 messages.
 */
import { and, desc, eq, lte, sql } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { openDatabase } from "../../db/client";
import { inboxes, whatsappSinkMessages } from "../../db/schema";
import { metaSignature } from "../../domain/meta-graph";
import { errorBody } from "../errors";

const KEEP_MESSAGES = 1000;
const LIST_LIMIT = 200;

export const whatsappSink = new Hono<{ Bindings: Env }>();

whatsappSink.use("*", async (c, next) => {
  if (c.env.LOCAL_SINKS !== "true") return c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}.`), 404);
  await next();
});

/** Meta's error object: `{error: {message, type, code, error_subcode?, error_data?, fbtrace_id}}`. */
const graphError = (code: number, message: string, details?: string) => ({
  error: {
    message,
    type: "OAuthException",
    code,
    ...(details ? { error_data: { messaging_product: "whatsapp", details } } : {}),
    fbtrace_id: crypto.randomUUID().replaceAll("-", "").slice(0, 24),
  },
});

/** The WhatsApp inbox whose settings name this Graph id (phone number id or business account id) and whose token the request carries. */
async function inboxFor(env: Env, field: "phone_number_id" | "business_account_id", id: string, authorization: string | undefined) {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
  if (!token) return { status: 401, error: graphError(190, "An active access token must be used to query information about the current user.") } as const;
  const rows = await openDatabase(env.DB)
    .select({ id: inboxes.id, phoneNumber: inboxes.phoneNumber, whatsappConfig: inboxes.whatsappConfig })
    .from(inboxes)
    .where(and(eq(inboxes.channelType, "whatsapp"), sql`json_extract(${inboxes.whatsappConfig}, ${`$.${field}`}) = ${id}`));
  if (rows.length === 0)
    return {
      status: 400,
      error: graphError(
        100,
        `Unsupported post request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
      ),
    } as const;
  const inbox = rows.find((row) => row.whatsappConfig?.api_key === token);
  if (!inbox) return { status: 401, error: graphError(190, "Invalid OAuth access token - Cannot parse access token") } as const;
  return { status: 200, error: null, inbox } as const;
}

const newWamid = () => `wamid.${btoa(crypto.randomUUID()).replaceAll("=", "")}`;

const OutgoingRequest = z
  .object({
    messaging_product: z.literal("whatsapp"),
    recipient_type: z.string().optional(),
    to: z.string().min(1).max(32),
    type: z.string().default("text"),
    text: z.object({ body: z.string().min(1).max(4096), preview_url: z.boolean().optional() }).optional(),
    template: z.object({ name: z.string(), language: z.object({ code: z.string() }), components: z.array(z.unknown()).optional() }).optional(),
  })
  .passthrough();

whatsappSink.post("/:version/:phone_number_id/messages", async (c) => {
  const found = await inboxFor(c.env, "phone_number_id", c.req.param("phone_number_id"), c.req.header("authorization"));
  if (found.error) return c.json(found.error, found.status);
  const parsed = OutgoingRequest.safeParse(await c.req.json().catch(() => undefined));
  if (!parsed.success) return c.json(graphError(100, "(#100) Invalid parameter", parsed.error.issues[0]?.message), 400);
  const message = parsed.data;
  const media = ["image", "video", "audio", "document", "sticker"].includes(message.type) ? (message as Record<string, unknown>)[message.type] : null;
  if (message.type === "text" && !message.text) return c.json(graphError(100, "(#100) The parameter text['body'] is required."), 400);
  if (message.type === "template" && !message.template) return c.json(graphError(100, "(#100) The parameter template is required."), 400);
  if (media !== null && (typeof media !== "object" || !media || typeof (media as Record<string, unknown>).link !== "string")) {
    return c.json(graphError(100, `(#100) The parameter ${message.type}['link'] or ${message.type}['id'] is required.`), 400);
  }
  const wamid = newWamid();
  const db = openDatabase(c.env.DB);
  await db.batch([
    db.insert(whatsappSinkMessages).values({ wamid, phoneNumberId: c.req.param("phone_number_id"), toNumber: message.to, type: message.type, body: message }),
    db.delete(whatsappSinkMessages).where(lte(whatsappSinkMessages.id, sql`(select max(id) - ${KEEP_MESSAGES} from ${whatsappSinkMessages})`)),
  ]);
  return c.json({ messaging_product: "whatsapp", contacts: [{ input: message.to, wa_id: message.to.replace(/^\+/, "") }], messages: [{ id: wamid }] }, 200);
});

/** Two approved templates, shaped as message_templates lists them. */
const SINK_TEMPLATES = [
  {
    name: "appointment_reminder",
    parameter_format: "POSITIONAL",
    components: [
      {
        type: "BODY",
        text: "Hi {{1}}, this is a reminder of your appointment on {{2}}. Reply to confirm or reschedule.",
        example: { body_text: [["Ada", "Monday at 10:00"]] },
      },
      { type: "FOOTER", text: "Acme Dental" },
    ],
    language: "en_US",
    status: "APPROVED",
    category: "UTILITY",
    id: "1234567890123456",
  },
  {
    name: "hello_world",
    parameter_format: "POSITIONAL",
    components: [
      { type: "HEADER", format: "TEXT", text: "Hello World" },
      {
        type: "BODY",
        text: "Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API, hosted by Meta. Thank you for taking the time to test with us.",
      },
      { type: "FOOTER", text: "WhatsApp Business Platform sample message" },
    ],
    language: "en_US",
    status: "APPROVED",
    category: "UTILITY",
    id: "1234567890123457",
  },
];

whatsappSink.get("/:version/:business_account_id/message_templates", async (c) => {
  const found = await inboxFor(c.env, "business_account_id", c.req.param("business_account_id"), c.req.header("authorization"));
  if (found.error) return c.json(found.error, found.status);
  return c.json({ data: SINK_TEMPLATES, paging: { cursors: { before: "MAZDZD", after: "MQZDZD" } } });
});

/** A small PNG: the file every simulated media message carries. */
const SAMPLE_PNG = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="), (ch) =>
  ch.charCodeAt(0),
);

whatsappSink.get("/media/:media_id", (c) => {
  if (!/^Bearer\s+\S+$/i.test(c.req.header("authorization") ?? "")) return c.json(graphError(190, "Invalid OAuth access token"), 401);
  return c.body(SAMPLE_PNG, 200, { "content-type": "image/png" });
});

whatsappSink.get("/whatsapp/messages", async (c) => {
  const to = c.req.query("to")?.replace(/^\+/, "");
  const rows = await openDatabase(c.env.DB)
    .select()
    .from(whatsappSinkMessages)
    .where(to ? eq(whatsappSinkMessages.toNumber, to) : undefined)
    .orderBy(desc(whatsappSinkMessages.id))
    .limit(LIST_LIMIT);
  return c.json({
    messages: rows.map((row) => ({
      wamid: row.wamid,
      phone_number_id: row.phoneNumberId,
      to: row.toNumber,
      type: row.type,
      body: row.body,
      received_at: row.createdAt.toISOString(),
    })),
  });
});

whatsappSink.delete("/whatsapp/messages", async (c) => {
  await openDatabase(c.env.DB).delete(whatsappSinkMessages);
  return c.body(null, 204);
});

const InboundWhatsapp = z
  .object({
    /** The customer's number (E.164 or bare digits: their wa_id). */
    from: z
      .string()
      .trim()
      .regex(/^\+?[1-9]\d{1,14}$/),
    /** The WhatsApp inbox's number. */
    to: z
      .string()
      .trim()
      .regex(/^\+?[1-9]\d{1,14}$/),
    name: z.string().max(100).default("WhatsApp customer"),
    body: z.string().max(4096).optional(),
    /** text (default), image (a sample file), location or reaction. */
    type: z.enum(["text", "image", "location", "reaction"]).default("text"),
    /** The provider's message id; a repeated one is a redelivery. */
    id: z.string().min(1).max(128).optional(),
    /** Unix seconds; default now. */
    timestamp: z.number().int().positive().optional(),
  })
  .strict();

/**
 * The webhook payload Meta sends for one incoming message (WhatsApp Cloud API, "Webhooks > messages",
 * developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples).
 */
function inboundPayload(input: z.infer<typeof InboundWhatsapp>, inbox: { phoneNumber: string; phoneNumberId: string; businessAccountId: string }) {
  const waId = input.from.replace(/^\+/, "");
  const message: Record<string, unknown> = {
    from: waId,
    id: input.id ?? newWamid(),
    timestamp: String(input.timestamp ?? Math.floor(Date.now() / 1000)),
    type: input.type,
  };
  if (input.type === "text") message.text = { body: input.body ?? "Hello from WhatsApp" };
  if (input.type === "image") message.image = { caption: input.body, mime_type: "image/png", sha256: "sample", id: `media-${crypto.randomUUID()}` };
  if (input.type === "location") message.location = { latitude: 52.3731, longitude: 4.8926, name: "Dam Square", address: input.body ?? "Dam, Amsterdam" };
  if (input.type === "reaction") message.reaction = { message_id: "wamid.earlier", emoji: input.body ?? "👍" };
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: inbox.businessAccountId,
        changes: [
          {
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: inbox.phoneNumber.replace(/^\+/, ""), phone_number_id: inbox.phoneNumberId },
              contacts: [{ profile: { name: input.name }, wa_id: waId }],
              messages: [message],
            },
            field: "messages",
          },
        ],
      },
    ],
  };
}

whatsappSink.post("/whatsapp/inbound", async (c) => {
  const parsed = InboundWhatsapp.safeParse(await c.req.json().catch(() => undefined));
  if (!parsed.success) return c.json(errorBody("validation_failed", "Send {from, to, body} (and optionally name, type, id, timestamp)."), 422);
  const input = parsed.data;
  const to = input.to.startsWith("+") ? input.to : `+${input.to}`;
  const [inbox] = await openDatabase(c.env.DB)
    .select({ phoneNumber: inboxes.phoneNumber, whatsappConfig: inboxes.whatsappConfig })
    .from(inboxes)
    .where(and(eq(inboxes.channelType, "whatsapp"), eq(inboxes.phoneNumber, to)))
    .limit(1);
  if (!inbox?.whatsappConfig || !inbox.phoneNumber) return c.json(errorBody("not_found", `No WhatsApp inbox has the number ${to}.`), 404);
  const payload = inboundPayload(input, {
    phoneNumber: inbox.phoneNumber,
    phoneNumberId: inbox.whatsappConfig.phone_number_id,
    businessAccountId: inbox.whatsappConfig.business_account_id,
  });
  const body = JSON.stringify(payload);
  const request = new Request(`${c.env.PUBLIC_URL.replace(/\/+$/, "")}/webhooks/whatsapp/${encodeURIComponent(to)}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-hub-signature-256": await metaSignature(c.env.WHATSAPP_APP_SECRET ?? "", body),
      "user-agent": "facebookexternalua",
    },
    body,
  });
  // The Worker itself takes the request, as it would take Meta's (imported here: the app mounts this sink).
  const { default: worker } = await import("../../index");
  const answer = await worker.fetch(request, c.env, c.executionCtx);
  return c.json({ status: answer.status, payload }, answer.status === 200 ? 200 : 502);
});

// Last: any other two-segment path is a media id (`GET /{version}/{media_id}`), as the media endpoint answers.
whatsappSink.get("/:version/:media_id", (c) => {
  if (!/^Bearer\s+\S+$/i.test(c.req.header("authorization") ?? "")) return c.json(graphError(190, "Invalid OAuth access token"), 401);
  const mediaId = c.req.param("media_id");
  return c.json({
    messaging_product: "whatsapp",
    url: `${c.env.GRAPH_API_BASE_URL.replace(/\/+$/, "")}/media/${encodeURIComponent(mediaId)}`,
    mime_type: "image/png",
    sha256: "sample",
    file_size: SAMPLE_PNG.byteLength,
    id: mediaId,
  });
});
