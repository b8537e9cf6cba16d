// WhatsApp inboxes through the real API, and Meta's webhook payloads shaped exactly as the WhatsApp
// Cloud API's webhook reference shows them:
// - incoming messages: https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
//   (its text example: entry id "102290129340398", metadata {display_phone_number "15550783881",
//   phone_number_id "106540352242922"}, contacts [{profile {name "Sheena Nelson"}, wa_id "16505551234"}],
//   messages [{from, id "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=", timestamp "1749416383",
//   type "text", text {body "Does it come in another color?"}}], field "messages");
// - statuses: .../webhooks/reference/messages/status (statuses [{id, status, timestamp, recipient_id,
//   pricing?, errors? [{code, title, message, error_data {details}, href}]}]);
// - reactions: .../webhooks/reference/messages/reaction (reaction {message_id, emoji}; no emoji when removed);
// - unsupported: .../webhooks/reference/messages/unsupported (type "unsupported", errors [{code 131051,
//   title "Message type unknown", ...}]);
// - media, location, contacts and interactive replies: the same reference's image, location, contacts
//   and interactive (button_reply, list_reply) pages.
// Each test gets its own business number, phone number id and customer wa_id, so the shared Graph
// API sink host (graph.sink.test) and the inboxes never mix tests.
import { env } from "cloudflare:workers";
import { metaSignature } from "../../src/domain/meta-graph";
import { expect } from "vitest";
import { call, eventually, expectStatus, unique } from "./helpers";

export const GRAPH_HOST = "graph.sink.test";
export const ACCESS_TOKEN = "EAAG-test-access-token-0001";
export const VERIFY_TOKEN = "parley-verify-token";

let counter = 0;
const digits = (length: number) => `${Date.now()}${String(++counter).padStart(4, "0")}`.slice(-length);

/** A number no other test uses: E.164 with its +, and as WhatsApp writes it (no +). */
export function uniqueWhatsappPhone() {
  const national = `1555${digits(7)}`;
  return { e164: `+${national}`, waId: national };
}

export type WhatsappInbox = {
  id: number;
  name: string;
  phone_number: string;
  provider: string;
  provider_config: { api_key: string; phone_number_id: string; business_account_id: string; webhook_verify_token: string };
  channel_type: string;
};

/** A WhatsApp Cloud inbox with its own numbers, and the business as Meta's webhooks name it. */
export async function createWhatsappInbox(adminToken: string, accountId: number, input: { phone_number?: string; name?: string } = {}) {
  const phoneNumberId = `1065${digits(11)}`;
  const businessAccountId = `1022${digits(11)}`;
  const reply = await call("POST", `/api/v1/accounts/${accountId}/inboxes`, {
    token: adminToken,
    body: {
      name: input.name ?? unique("whatsapp"),
      channel: {
        type: "whatsapp",
        phone_number: input.phone_number ?? uniqueWhatsappPhone().e164,
        provider: "whatsapp_cloud",
        provider_config: { api_key: ACCESS_TOKEN, phone_number_id: phoneNumberId, business_account_id: businessAccountId, webhook_verify_token: VERIFY_TOKEN },
      },
    },
  });
  expectStatus(reply, 201);
  const inbox = reply.body as WhatsappInbox;
  // Creating the inbox queues a sync of its templates (the sink answers an empty list): done before a
  // test programs the Graph API's answers, so that sync never takes one of them.
  await eventually(async () => {
    const shown = await call("GET", `/api/v1/accounts/${accountId}/inboxes/${inbox.id}`, { token: adminToken });
    expect(shown.body.message_templates_last_updated).not.toBeNull();
  });
  const business: Business = { phone: inbox.phone_number, phoneNumberId, businessAccountId };
  return { inbox, phoneNumberId, businessAccountId, business };
}

/** Posts a payload to the inbox's webhook as Meta does: the exact bytes, signed with the app secret. */
export async function postWhatsapp(phone: string, payload: unknown, appSecret = env.WHATSAPP_APP_SECRET) {
  const body = JSON.stringify(payload);
  return call("POST", `/webhooks/whatsapp/${encodeURIComponent(phone)}`, {
    headers: { "content-type": "application/json", "x-hub-signature-256": await metaSignature(appSecret, body) },
    rawBody: body,
  });
}

type Business = { phone: string; phoneNumberId: string; businessAccountId: string };
type Customer = { waId: string; name?: string };

/** The `messages` webhook envelope around one change value. */
function envelope(business: Business, value: Record<string, unknown>) {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: business.businessAccountId,
        changes: [
          {
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: business.phone.replace(/^\+/, ""), phone_number_id: business.phoneNumberId },
              ...value,
            },
            field: "messages",
          },
        ],
      },
    ],
  };
}

let wamids = 0;
export const newWamid = () => `wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQz${Date.now().toString(36)}${++wamids}RgA=`;

/** An incoming message of any type: `fields` is the type's own object, e.g. `{text: {body}}`. */
export function incomingMessage(
  business: Business,
  customer: Customer,
  type: string,
  fields: Record<string, unknown>,
  extra: { id?: string; timestamp?: number } = {},
) {
  return envelope(business, {
    contacts: [{ profile: { name: customer.name ?? "Sheena Nelson" }, wa_id: customer.waId }],
    messages: [
      {
        from: customer.waId,
        id: extra.id ?? newWamid(),
        timestamp: String(extra.timestamp ?? Math.floor(Date.now() / 1000)),
        type,
        ...fields,
      },
    ],
  });
}

export const textMessage = (business: Business, customer: Customer, body: string, extra: { id?: string; timestamp?: number } = {}) =>
  incomingMessage(business, customer, "text", { text: { body } }, extra);

/** A status of a message the business sent; `errors` for failed ones. */
export function statusUpdate(business: Business, customerWaId: string, wamid: string, status: string, errors?: Record<string, unknown>[]) {
  return envelope(business, {
    statuses: [
      {
        id: wamid,
        status,
        timestamp: String(Math.floor(Date.now() / 1000)),
        recipient_id: customerWaId,
        ...(status === "failed" ? {} : { pricing: { billable: true, pricing_model: "PMP", category: "service", type: "regular" } }),
        ...(errors ? { errors } : {}),
      },
    ],
  });
}

/** What the Graph API's messages endpoint answers for a sent message. */
export const sentAnswer = (waId: string, wamid: string) =>
  JSON.stringify({ messaging_product: "whatsapp", contacts: [{ input: waId, wa_id: waId }], messages: [{ id: wamid }] });

/** A template as the Graph API's message_templates endpoint lists it (Meta's "Get templates" reference example). */
export const APPOINTMENT_REMINDER = {
  name: "appointment_reminder",
  parameter_format: "POSITIONAL",
  components: [{ type: "BODY", text: "Hi {{1}}, this is a reminder of your appointment on {{2}}.", example: { body_text: [["Ada", "Monday"]] } }],
  language: "en_US",
  status: "APPROVED",
  category: "UTILITY",
  id: "594425479261596",
};
