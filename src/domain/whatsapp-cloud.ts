/**
 * The WhatsApp Cloud API as WhatsApp inboxes speak it: what a `messages` webhook says (incoming
 * messages of every type, and statuses of the messages the inbox sent), how each message reads for
 * an agent, the customer service window, and the request bodies of the Graph API's messages endpoint
 * (text, media, templates with their parameters). Pure: src/jobs/whatsapp-channel.ts does the I/O.
 */
import { z } from "zod";
import type { MessageDeliveryStatus } from "./conversation";

/** One of a WhatsApp Business account's message templates, as the Graph API lists them (stored on the inbox, shown in the console). */
export type WhatsappTemplate = {
  id: string | null;
  name: string;
  language: string;
  status: string;
  category: string | null;
  components: Record<string, unknown>[];
  parameter_format?: string | null;
};

/** Meta lets a business answer freely for 24 hours after the customer's last message; after that only templates. */
export const CUSTOMER_SERVICE_WINDOW_SECONDS = 24 * 60 * 60;

/** Whether a reply may be free-form now: the contact wrote within the window (measured from WhatsApp's own timestamp). */
export function insideServiceWindow(lastInboundAt: number | null, nowSeconds: number): boolean {
  return lastInboundAt !== null && nowSeconds - lastInboundAt < CUSTOMER_SERVICE_WINDOW_SECONDS;
}

// ---- the webhook --------------------------------------------------------------------------------

const Str = z.string().max(10_000);
const loose = <T extends z.ZodRawShape>(shape: T) => z.object(shape).passthrough();

const MediaObject = loose({ id: Str, mime_type: Str.optional(), sha256: Str.optional(), caption: Str.optional(), filename: Str.optional() });

/** One incoming message: the fields Parley reads, every other kept as sent. */
const IncomingMessage = loose({
  from: Str,
  id: Str,
  timestamp: Str,
  type: Str,
  context: loose({ from: Str.optional(), id: Str.optional() }).optional(),
  text: loose({ body: Str }).optional(),
  image: MediaObject.optional(),
  video: MediaObject.optional(),
  audio: MediaObject.optional(),
  document: MediaObject.optional(),
  sticker: MediaObject.optional(),
  location: loose({
    latitude: z.number().optional(),
    longitude: z.number().optional(),
    name: Str.optional(),
    address: Str.optional(),
    url: Str.optional(),
  }).optional(),
  contacts: z.array(z.record(z.string(), z.unknown())).max(50).optional(),
  interactive: loose({
    type: Str,
    button_reply: loose({ id: Str, title: Str }).optional(),
    list_reply: loose({ id: Str, title: Str, description: Str.optional() }).optional(),
  }).optional(),
  button: loose({ payload: Str.optional(), text: Str }).optional(),
  reaction: loose({ message_id: Str, emoji: Str.optional() }).optional(),
  errors: z.array(loose({ code: z.number().optional(), title: Str.optional(), message: Str.optional() })).optional(),
});
export type IncomingWhatsappMessage = z.infer<typeof IncomingMessage>;

const StatusError = loose({
  code: z.number().optional(),
  title: Str.optional(),
  message: Str.optional(),
  error_data: loose({ details: Str.optional() }).optional(),
});

const Status = loose({
  id: Str,
  status: Str,
  timestamp: Str.optional(),
  recipient_id: Str.optional(),
  errors: z.array(StatusError).optional(),
});

const ChangeValue = loose({
  messaging_product: Str.optional(),
  metadata: loose({ display_phone_number: Str.optional(), phone_number_id: Str }),
  contacts: z.array(loose({ wa_id: Str, profile: loose({ name: Str.optional() }).optional() })).optional(),
  messages: z.array(IncomingMessage).optional(),
  statuses: z.array(Status).optional(),
});

/** The envelope Meta posts: `{object: "whatsapp_business_account", entry: [{id, changes: [{field, value}]}]}`. */
export const WhatsappWebhook = loose({
  object: z.literal("whatsapp_business_account"),
  entry: z
    .array(
      loose({
        id: Str,
        changes: z.array(loose({ field: Str, value: z.unknown() })).max(100),
      }),
    )
    .max(100),
});
export type WhatsappWebhook = z.infer<typeof WhatsappWebhook>;

export type WhatsappEvent =
  | {
      kind: "message";
      phoneNumberId: string;
      waId: string;
      profileName: string | null;
      message: IncomingWhatsappMessage;
    }
  | {
      kind: "status";
      phoneNumberId: string;
      wamid: string;
      status: MessageDeliveryStatus;
      recipientId: string | null;
      error: string | null;
    };

/**
 * The messages and statuses a webhook carries, for `phoneNumberId` only (a business account's app
 * may receive several numbers' events at one URL). Changes of other fields (template reviews,
 * quality updates) and values Parley cannot read are left out rather than refused.
 */
export function whatsappEventsOf(payload: WhatsappWebhook, phoneNumberId: string | null): WhatsappEvent[] {
  const events: WhatsappEvent[] = [];
  for (const entry of payload.entry) {
    for (const change of entry.changes) {
      if (change.field !== "messages") continue;
      const parsed = ChangeValue.safeParse(change.value);
      if (!parsed.success) continue;
      const value = parsed.data;
      const numberId = value.metadata.phone_number_id;
      if (phoneNumberId !== null && numberId !== phoneNumberId) continue;
      for (const message of value.messages ?? []) {
        const contact = value.contacts?.find((candidate) => candidate.wa_id === message.from) ?? value.contacts?.[0];
        events.push({ kind: "message", phoneNumberId: numberId, waId: message.from, profileName: contact?.profile?.name ?? null, message });
      }
      for (const status of value.statuses ?? []) {
        const mapped = deliveryStatusOf(status.status);
        if (!mapped) continue;
        events.push({
          kind: "status",
          phoneNumberId: numberId,
          wamid: status.id,
          status: mapped,
          recipientId: status.recipient_id ?? null,
          error: mapped === "failed" ? statusErrorOf(status.errors) : null,
        });
      }
    }
  }
  return events;
}

/** Chatwoot's message status for a WhatsApp status; null for those Parley does not track (deleted, warning...). */
export function deliveryStatusOf(status: string): MessageDeliveryStatus | null {
  switch (status) {
    case "sent":
    case "delivered":
    case "read":
    case "failed":
      return status;
    default:
      return null;
  }
}

/** A failed status's first error in words: "Message undeliverable (error 131026)". */
function statusErrorOf(errors: z.infer<typeof StatusError>[] | undefined): string {
  const first = errors?.[0];
  if (!first) return "WhatsApp could not deliver the message";
  const title = first.title ?? first.message ?? "WhatsApp could not deliver the message";
  const details = first.error_data?.details && first.error_data.details !== title ? `: ${first.error_data.details}` : "";
  const code = first.code === undefined ? "" : ` (error ${first.code})`;
  return `${title}${details}${code}`.slice(0, 500);
}

// ---- how an incoming message reads ---------------------------------------------------------------

export const WHATSAPP_MEDIA_TYPES = ["image", "video", "audio", "document", "sticker"] as const;
export type WhatsappMediaType = (typeof WHATSAPP_MEDIA_TYPES)[number];

export type ReadableMessage = {
  /** The text an agent reads; null when the message is only media. */
  content: string | null;
  /** Chatwoot's content_attributes for it: `external_created_at`, `in_reply_to_external_id`, `is_reaction`, `is_unsupported`... */
  contentAttributes: Record<string, unknown>;
  /** A file to fetch through the media endpoint. */
  media: { id: string; type: WhatsappMediaType; mimeType: string | null; filename: string | null } | null;
};

const vcardName = (card: Record<string, unknown>): string => {
  const name = card.name as Record<string, unknown> | undefined;
  return typeof name?.formatted_name === "string" ? name.formatted_name : typeof name?.first_name === "string" ? name.first_name : "Contact";
};
const vcardPhones = (card: Record<string, unknown>): string[] =>
  Array.isArray(card.phones)
    ? card.phones.flatMap((phone) =>
        phone && typeof phone === "object" && typeof (phone as Record<string, unknown>).phone === "string"
          ? [String((phone as Record<string, unknown>).phone)]
          : [],
      )
    : [];

/**
 * An incoming message as an agent reads it. Text, media with their caption, location (name,
 * address, a map link), shared contacts, button and list replies, template quick replies and
 * reactions; anything else is kept as an unsupported message that says what arrived, so nothing a
 * customer sends disappears.
 */
export function readableMessage(message: IncomingWhatsappMessage): ReadableMessage {
  const timestamp = Number.parseInt(message.timestamp, 10);
  const attributes: Record<string, unknown> = { external_created_at: Number.isFinite(timestamp) ? timestamp : null };
  if (message.context?.id) attributes.in_reply_to_external_id = message.context.id;
  const plain = (content: string | null, media: ReadableMessage["media"] = null): ReadableMessage => ({ content, contentAttributes: attributes, media });

  if (message.type === "text" && message.text) return plain(message.text.body);
  if ((WHATSAPP_MEDIA_TYPES as readonly string[]).includes(message.type)) {
    const type = message.type as WhatsappMediaType;
    const media = message[type];
    if (media)
      return plain(media.caption?.trim() ? media.caption : null, { id: media.id, type, mimeType: media.mime_type ?? null, filename: media.filename ?? null });
  }
  if (message.type === "location" && message.location) {
    const { latitude, longitude, name, address, url } = message.location;
    const place = [name, address].filter((part): part is string => Boolean(part?.trim())).join(", ");
    const map = latitude !== undefined && longitude !== undefined ? `https://maps.google.com/?q=${latitude},${longitude}` : null;
    attributes.location = { latitude: latitude ?? null, longitude: longitude ?? null, name: name ?? null, address: address ?? null, url: url ?? null };
    return plain([`📍 ${place || "Location"}`, map].filter(Boolean).join("\n"));
  }
  if (message.type === "contacts" && message.contacts) {
    attributes.contacts = message.contacts;
    const lines = message.contacts.map((card) => [vcardName(card), ...vcardPhones(card)].join(" "));
    return plain(`👤 ${lines.join("\n👤 ")}`);
  }
  if (message.type === "interactive" && message.interactive) {
    const reply = message.interactive.button_reply ?? message.interactive.list_reply;
    if (reply) {
      attributes.interactive_reply = { type: message.interactive.type, id: reply.id, title: reply.title };
      return plain(reply.title);
    }
  }
  if (message.type === "button" && message.button) {
    attributes.interactive_reply = { type: "button", id: message.button.payload ?? null, title: message.button.text };
    return plain(message.button.text);
  }
  if (message.type === "reaction" && message.reaction) {
    attributes.is_reaction = true;
    attributes.in_reply_to_external_id = message.reaction.message_id;
    // An empty emoji takes a reaction back.
    return plain(message.reaction.emoji?.trim() ? message.reaction.emoji : "Removed a reaction");
  }
  attributes.is_unsupported = true;
  const error = message.errors?.[0];
  if (error) attributes.external_error = `${error.title ?? error.message ?? "Unsupported"}${error.code === undefined ? "" : ` (error ${error.code})`}`;
  return plain(
    `This ${message.type === "unsupported" ? "kind of" : `"${message.type}"`} message is not supported here yet: open WhatsApp on the phone to see it.`,
  );
}

// ---- outbound ------------------------------------------------------------------------------------

export type OutgoingWhatsapp =
  | { kind: "text"; body: string }
  | { kind: "media"; type: "image" | "video" | "audio" | "document"; link: string; caption: string | null; filename: string | null }
  | { kind: "template"; name: string; language: string; components: Record<string, unknown>[] };

/** The JSON body of `POST /{phone_number_id}/messages` for one message to `to` (a wa_id or E.164 number). */
export function messagesRequestBody(to: string, message: OutgoingWhatsapp): Record<string, unknown> {
  const base = { messaging_product: "whatsapp", recipient_type: "individual", to: to.replace(/^\+/, "") };
  switch (message.kind) {
    case "text":
      return { ...base, type: "text", text: { preview_url: false, body: message.body } };
    case "media": {
      const media: Record<string, unknown> = { link: message.link };
      if (message.caption && message.type !== "audio") media.caption = message.caption;
      if (message.filename && message.type === "document") media.filename = message.filename;
      return { ...base, type: message.type, [message.type]: media };
    }
    case "template":
      return {
        ...base,
        type: "template",
        template: { name: message.name, language: { code: message.language }, ...(message.components.length > 0 ? { components: message.components } : {}) },
      };
  }
}

/** The WhatsApp message id (wamid) of a messages answer: `{messages: [{id}]}`. */
export function sentMessageId(answer: Record<string, unknown>): string | null {
  const messages = answer.messages;
  if (!Array.isArray(messages)) return null;
  const first = messages[0] as Record<string, unknown> | undefined;
  return typeof first?.id === "string" ? first.id : null;
}

/** Which WhatsApp media type carries a file of this Chatwoot file type. */
export function whatsappMediaTypeOf(fileType: string): "image" | "video" | "audio" | "document" {
  return fileType === "image" || fileType === "video" || fileType === "audio" ? fileType : "document";
}

// ---- templates -----------------------------------------------------------------------------------

/**
 * Chatwoot's `template_params` on message create: the template by name, category and language, and
 * `processed_params` either as a flat map of body variables (`{"1": "Ada"}`) or by component
 * (`{body: {...}, header: {media_url | text}, buttons: [{type, parameter}]}`).
 */
export const TemplateParams = z
  .object({
    name: z.string().trim().min(1).max(512),
    category: z.string().trim().max(64).optional(),
    language: z.string().trim().min(2).max(16),
    processed_params: z
      .union([
        z.record(z.string().max(64), z.string().max(1024)),
        z
          .object({
            body: z.record(z.string().max(64), z.string().max(1024)).optional(),
            header: z
              .object({
                media_url: z.url().max(2048).optional(),
                media_type: z.enum(["image", "video", "document"]).optional(),
                text: z.string().max(1024).optional(),
              })
              .strict()
              .optional(),
            buttons: z
              .array(z.object({ type: z.string().max(32), parameter: z.string().max(2048) }).strict())
              .max(10)
              .optional(),
          })
          .strict(),
      ])
      .optional(),
  })
  .strict();
export type TemplateParams = z.infer<typeof TemplateParams>;

type StructuredParams = {
  body?: Record<string, string>;
  header?: { media_url?: string; media_type?: string; text?: string };
  buttons?: { type: string; parameter: string }[];
};

function structuredParams(params: TemplateParams["processed_params"]): StructuredParams {
  if (!params) return {};
  if ("body" in params || "header" in params || "buttons" in params) return params as StructuredParams;
  return { body: params as Record<string, string> };
}

/** Positional keys ("1", "2") in order, else named parameters (Meta's NAMED parameter format). */
function textParameters(values: Record<string, string> | undefined): Record<string, unknown>[] {
  const entries = Object.entries(values ?? {});
  const positional = entries.every(([key]) => /^\d+$/.test(key));
  return entries
    .sort(([a], [b]) => (positional ? Number(a) - Number(b) : 0))
    .map(([key, text]) => (positional ? { type: "text", text } : { type: "text", parameter_name: key, text }));
}

/** The template's `components` for the messages endpoint, from Chatwoot's processed_params. */
export function templateComponents(params: TemplateParams["processed_params"]): Record<string, unknown>[] {
  const { body, header, buttons } = structuredParams(params);
  const components: Record<string, unknown>[] = [];
  if (header?.media_url) {
    const type = header.media_type ?? "image";
    components.push({ type: "header", parameters: [{ type, [type]: { link: header.media_url } }] });
  } else if (header?.text) {
    components.push({ type: "header", parameters: [{ type: "text", text: header.text }] });
  }
  const bodyParameters = textParameters(body);
  if (bodyParameters.length > 0) components.push({ type: "body", parameters: bodyParameters });
  for (const [index, button] of (buttons ?? []).entries()) {
    const subType = button.type.toLowerCase() === "copy_code" ? "copy_code" : "url";
    const parameter = subType === "copy_code" ? { type: "coupon_code", coupon_code: button.parameter } : { type: "text", text: button.parameter };
    components.push({ type: "button", sub_type: subType, index: String(index), parameters: [parameter] });
  }
  return components;
}

/** What the agent's copy of a template message reads: the template's body with its variables filled in. */
export function renderedTemplate(template: WhatsappTemplate | null, params: TemplateParams): string {
  const bodyComponent = template?.components.find((component) => String(component.type).toUpperCase() === "BODY");
  const text = typeof bodyComponent?.text === "string" ? bodyComponent.text : null;
  if (!text) return `Template: ${params.name}`;
  const values = structuredParams(params.processed_params).body ?? {};
  return text.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (whole, key: string) => values[key] ?? whole);
}

const GraphTemplate = z
  .object({
    id: z.string().optional(),
    name: z.string(),
    language: z.string(),
    status: z.string(),
    category: z.string().optional(),
    components: z.array(z.record(z.string(), z.unknown())).default([]),
    parameter_format: z.string().optional(),
  })
  .passthrough();

/** The templates of a message_templates answer page (`{data: [...], paging: {next}}`), and the next page's URL. */
export function templatesPage(answer: Record<string, unknown>): { templates: WhatsappTemplate[]; next: string | null } {
  const data = Array.isArray(answer.data) ? answer.data : [];
  const templates: WhatsappTemplate[] = [];
  for (const item of data) {
    const parsed = GraphTemplate.safeParse(item);
    if (!parsed.success) continue;
    const { id, name, language, status, category, components, parameter_format } = parsed.data;
    templates.push({ id: id ?? null, name, language, status, category: category ?? null, components, parameter_format: parameter_format ?? null });
  }
  const paging = answer.paging as Record<string, unknown> | undefined;
  return { templates, next: typeof paging?.next === "string" ? paging.next : null };
}
