// Messenger and Instagram as Meta sends them: webhook notifications shaped exactly as Meta's
// documentation shows them, signed with the test app secrets, and the inboxes that receive them.
import { env } from "cloudflare:workers";
import { metaSignature } from "../../src/domain/meta-graph";
import { call, expectStatus, unique } from "./helpers";

/** The Meta settings vitest.config.ts gives the tests (installation secrets, not in the generated Env). */
export const metaTestSetting = (name: "FB_APP_SECRET" | "INSTAGRAM_APP_SECRET" | "FB_VERIFY_TOKEN" | "IG_VERIFY_TOKEN") =>
  String((env as unknown as Record<string, unknown>)[name]);

let ids = 0;
/** A numeric id (page, PSID, IGSID) no other test of the run uses. */
export const uniqueMetaId = (prefix = "1") => `${prefix}${Date.now()}${String(++ids).padStart(4, "0")}`;
export const uniqueMid = () => `m_${Date.now().toString(36)}${String(++ids).padStart(6, "0")}AbCdEfGhIjKlMnOpQrStUv`;

/**
 * Posts a notification to `/bot` or `/webhooks/instagram` as Meta does: JSON, with
 * `X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body with the app secret>`
 * (Meta for Developers, Webhooks > "Validating Payloads").
 */
export async function postMeta(path: "/bot" | "/webhooks/instagram", payload: unknown, secret?: string) {
  const rawBody = JSON.stringify(payload);
  const key = secret ?? (path === "/bot" ? metaTestSetting("FB_APP_SECRET") : metaTestSetting("INSTAGRAM_APP_SECRET"));
  return call("POST", path, {
    headers: { "content-type": "application/json", "x-hub-signature-256": await metaSignature(key, rawBody) },
    rawBody,
  });
}

/** The page notification's envelope (Messenger Platform, Webhooks: `{"object": "page", "entry": [{"id", "time", "messaging": [...]}]}`). */
export const pageNotification = (pageId: string, ...messaging: unknown[]) => ({
  object: "page",
  entry: [{ id: pageId, time: Date.now(), messaging }],
});

/**
 * Instagram Messaging, Webhooks (developers.facebook.com/docs/messenger-platform/instagram/features/webhook):
 * `{"object": "instagram", "entry": [{"id": "IGID", "time": 1569262486134, "messaging": [...]}]}`.
 */
export const instagramNotification = (instagramId: string, ...messaging: unknown[]) => ({
  object: "instagram",
  entry: [{ id: instagramId, time: Date.now(), messaging }],
});

/**
 * messages Webhook Event Reference, "Text Message":
 * { "sender":{"id":"<PSID>"}, "recipient":{"id":"<PAGE_ID>"}, "timestamp":1458692752478,
 *   "message":{ "mid":"mid.1457764197618:41d102a3e1ae206a38", "text":"hello, world!",
 *   "quick_reply": {"payload": "<DEVELOPER_DEFINED_PAYLOAD>"} } }
 */
export const textMessage = (psid: string, pageId: string, text: string, options: { mid?: string; timestamp?: number } = {}) => ({
  sender: { id: psid },
  recipient: { id: pageId },
  timestamp: options.timestamp ?? Date.now(),
  message: { mid: options.mid ?? uniqueMid(), text },
});

/**
 * messages Webhook Event Reference, "Message with attachment":
 * { "sender":{"id":"<PSID>"}, "recipient":{"id":"<PAGE_ID>"}, "timestamp":1518479195308,
 *   "message":{ "mid":"mid.$cAAJdkrCd2ORnva8ErFhjGm0X_Q_c",
 *   "attachments":[ { "type":"<image|video|audio|file>", "payload":{ "url":"<ATTACHMENT_URL>" } } ] } }
 */
export const attachmentMessage = (psid: string, pageId: string, type: string, url: string, mid = uniqueMid()) => ({
  sender: { id: psid },
  recipient: { id: pageId },
  timestamp: Date.now(),
  message: { mid, attachments: [{ type, payload: { url } }] },
});

/**
 * message_echoes Webhook Event Reference, "Text message":
 * { "sender":{"id":"<PAGE_ID>"}, "recipient":{"id":"<PSID>"}, "timestamp":1457764197627,
 *   "message":{ "is_echo":true, "app_id":1517776481860111, "metadata": "<DEVELOPER_DEFINED_METADATA_STRING>",
 *   "mid":"mid.1457764197618:41d102a3e1ae206a38", "text":"hello, world!" } }
 */
export const echoMessage = (pageId: string, psid: string, text: string, mid: string, metadata?: string) => ({
  sender: { id: pageId },
  recipient: { id: psid },
  timestamp: Date.now(),
  message: { is_echo: true, app_id: 1517776481860111, ...(metadata ? { metadata } : {}), mid, text },
});

/**
 * message_deliveries Webhook Event Reference:
 * { "sender":{"id":"<PSID>"}, "recipient":{"id":"<PAGE_ID>"},
 *   "delivery":{ "mids":["mid.1458668856218:ed81099e15d3f4f233"], "watermark":1458668856253 } }
 */
export const deliveryEvent = (psid: string, pageId: string, mids: string[], watermark: number) => ({
  sender: { id: psid },
  recipient: { id: pageId },
  delivery: { mids, watermark },
});

/**
 * message_reads Webhook Event Reference:
 * { "sender":{"id":"<PSID>"}, "recipient":{"id":"<PAGE_ID>"}, "timestamp":1458668856463,
 *   "read":{ "watermark":1458668856253 } }
 */
export const readEvent = (psid: string, pageId: string, watermark: number) => ({
  sender: { id: psid },
  recipient: { id: pageId },
  timestamp: Date.now(),
  read: { watermark },
});

/**
 * message_reactions Webhook Event Reference (an event Parley does not handle):
 * { "sender":{"id":"<PSID>"}, "recipient":{"id":"<PAGE_ID>"}, "timestamp":1458668856463,
 *   "reaction":{ "reaction":"smile", "emoji":"\u{2764}\u{FE0F}", "action":"react", "mid":"<MID>" } }
 */
export const reactionEvent = (psid: string, pageId: string, mid: string) => ({
  sender: { id: psid },
  recipient: { id: pageId },
  timestamp: Date.now(),
  reaction: { reaction: "love", emoji: "\u{2764}\u{FE0F}", action: "react", mid },
});

/**
 * Instagram Messaging, Webhooks, messaging_seen:
 * { "sender": {"id": "<IGSID>"}, "recipient": {"id": "<IGID>"}, "timestamp": 1569262485349,
 *   "read": { "mid": "<MESSAGE_ID>" } }
 */
export const instagramSeen = (igsid: string, instagramId: string, mid: string) => ({
  sender: { id: igsid },
  recipient: { id: instagramId },
  timestamp: Date.now(),
  read: { mid },
});

/** The Send API's answer (Messenger Platform, Send API reference): `{"recipient_id": "<PSID>", "message_id": "<MID>"}`. */
export const sendApiAnswer = (recipientId: string, mid: string) => JSON.stringify({ recipient_id: recipientId, message_id: mid });

/** A Messenger inbox (Chatwoot's `channel: {type: "facebook_page", page_id, page_access_token}`). */
export async function createMessengerInbox(adminToken: string, accountId: number, input: { pageId?: string; token?: string; name?: string } = {}) {
  const pageId = input.pageId ?? uniqueMetaId("10");
  const token = input.token ?? unique("EAAPageToken");
  const reply = await call("POST", `/api/v1/accounts/${accountId}/inboxes`, {
    token: adminToken,
    body: { name: input.name ?? unique("Messenger"), channel: { type: "facebook_page", page_id: pageId, page_access_token: token } },
  });
  expectStatus(reply, 201);
  return { inbox: reply.body as { id: number; name: string; channel_type: string; page_id: string; [field: string]: unknown }, pageId, token };
}

/** An Instagram inbox (Chatwoot's `channel: {type: "instagram", instagram_id, access_token}`). */
export async function createInstagramInbox(adminToken: string, accountId: number, input: { instagramId?: string; token?: string } = {}) {
  const instagramId = input.instagramId ?? uniqueMetaId("178");
  const token = input.token ?? unique("IGAAccessToken");
  const reply = await call("POST", `/api/v1/accounts/${accountId}/inboxes`, {
    token: adminToken,
    body: { name: unique("Instagram"), channel: { type: "instagram", instagram_id: instagramId, access_token: token, username: "acme.dental" } },
  });
  expectStatus(reply, 201);
  return { inbox: reply.body as { id: number; name: string; channel_type: string; instagram_id: string; [field: string]: unknown }, instagramId, token };
}
