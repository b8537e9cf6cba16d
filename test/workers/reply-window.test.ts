// Chatwoot's `can_reply` on the conversation payloads (REST and /cable): whether the channel's
// provider takes a free-form reply now, measured from the contact's last message by the provider's
// own timestamp, which the tests set through Meta's signed webhooks (WhatsApp 24 hours; Messenger and
// Instagram 7 days with the HUMAN_AGENT tag; channels without a window always).
import { describe, expect, it } from "vitest";
import { CHANNEL_CLASSES } from "../../src/domain/chatwoot-payloads";
import { canReply, lastIncomingAtAfter } from "../../src/domain/reply-window";
import { connectCable } from "./cable-client";
import { call, clientSession, eventually, expectStatus, tenant } from "./helpers";
import {
  createInstagramInbox,
  createMessengerInbox,
  instagramNotification,
  pageNotification,
  postMeta,
  textMessage as metaText,
  uniqueMetaId,
} from "./meta-fixtures";
import { programSink } from "./outbound";
import {
  APPOINTMENT_REMINDER,
  createWhatsappInbox,
  GRAPH_HOST,
  newWamid,
  postWhatsapp,
  sentAnswer,
  textMessage,
  uniqueWhatsappPhone,
} from "./whatsapp-fixtures";

const HOUR = 60 * 60;
const DAY = 24 * HOUR;
const nowSeconds = () => Math.floor(Date.now() / 1000);

type Tenant = Awaited<ReturnType<typeof tenant>>;
type Conversation = { id: number; can_reply: boolean; meta: { channel: string } };

async function conversationsOf(t: Tenant, inboxId: number) {
  const reply = await call("GET", `/api/v1/accounts/${t.account.id}/conversations?inbox_id=${inboxId}&status=all`, { token: t.admin.access_token });
  expectStatus(reply, 200);
  return reply.body.data.payload as Conversation[];
}

/** The inbox's one conversation as the list and the conversation's own route show it, once its message is in. */
async function canReplyIn(t: Tenant, inboxId: number, expected: boolean) {
  let displayId = 0;
  await eventually(async () => {
    const [listed] = await conversationsOf(t, inboxId);
    expect(listed?.can_reply).toBe(expected);
    displayId = listed?.id ?? 0;
  });
  const shown = await call("GET", `/api/v1/accounts/${t.account.id}/conversations/${displayId}`, { token: t.admin.access_token });
  expectStatus(shown, 200);
  expect(shown.body.can_reply).toBe(expected);
  return displayId;
}

async function whatsappWrites(t: Tenant, sentAt: number) {
  const { inbox, business } = await createWhatsappInbox(t.admin.access_token, t.account.id);
  expectStatus(await postWhatsapp(inbox.phone_number, textMessage(business, { waId: uniqueWhatsappPhone().waId }, "Hi", { timestamp: sentAt })), 200);
  return inbox;
}

describe("can_reply", { timeout: 20_000 }, () => {
  it("is true in a WhatsApp conversation whose contact wrote 23 hours ago, by WhatsApp's timestamp", async () => {
    const t = await tenant();
    const inbox = await whatsappWrites(t, nowSeconds() - 23 * HOUR);
    await canReplyIn(t, inbox.id, true);
  });

  it("is false in a WhatsApp conversation whose contact wrote 25 hours ago, and the free reply it would allow is refused with 422", async () => {
    const t = await tenant();
    const inbox = await whatsappWrites(t, nowSeconds() - 25 * HOUR);
    const displayId = await canReplyIn(t, inbox.id, false);
    const refused = await call("POST", `/api/v1/accounts/${t.account.id}/conversations/${displayId}/messages`, {
      token: t.admin.access_token,
      body: { content: "Still there?", message_type: "outgoing" },
    });
    expectStatus(refused, 422);
    expect(refused.body.error.code).toBe("outside_messaging_window");
  });

  it("turns true on /cable when the contact answers the template an agent sent outside the window", async () => {
    const t = await tenant();
    const { inbox, phoneNumberId, businessAccountId, business } = await createWhatsappInbox(t.admin.access_token, t.account.id);
    const customer = { waId: uniqueWhatsappPhone().waId };
    expectStatus(await postWhatsapp(inbox.phone_number, textMessage(business, customer, "Hi", { timestamp: nowSeconds() - 2 * DAY })), 200);
    const displayId = await canReplyIn(t, inbox.id, false);
    await programSink(GRAPH_HOST, [
      { status: 200, body: JSON.stringify({ data: [APPOINTMENT_REMINDER] }), match: `/${businessAccountId}/message_templates` },
      { status: 200, body: sentAnswer(customer.waId, newWamid()), match: `/${phoneNumberId}/messages` },
    ]);
    const template = await call("POST", `/api/v1/accounts/${t.account.id}/conversations/${displayId}/messages`, {
      token: t.admin.access_token,
      body: {
        message_type: "outgoing",
        template_params: { name: "appointment_reminder", language: "en_US", processed_params: { "1": "Sheena", "2": "Monday" } },
      },
    });
    expectStatus(template, 200);
    const cable = await connectCable();
    await cable.subscribe(cable.identifierFor(t.admin.pubsub_token, t.account.id));
    expectStatus(await postWhatsapp(inbox.phone_number, textMessage(business, customer, "Yes, Monday works")), 200);
    const updated = await cable.waitForEvent("conversation.updated", (data) => data.id === displayId && data.can_reply === true);
    expect(updated.message?.data.meta.channel).toBe("Channel::Whatsapp");
    cable.close();
    await canReplyIn(t, inbox.id, true);
  });

  it("is true in a Messenger conversation whose person wrote 6 days ago (the human agent tag), false after 7 days", async () => {
    const t = await tenant();
    const recent = await createMessengerInbox(t.admin.access_token, t.account.id);
    const old = await createMessengerInbox(t.admin.access_token, t.account.id);
    for (const [page, daysAgo] of [
      [recent, 6],
      [old, 8],
    ] as const) {
      const psid = uniqueMetaId("25");
      const message = metaText(psid, page.pageId, "Hello?", { timestamp: Date.now() - daysAgo * DAY * 1000 });
      expectStatus(await postMeta("/bot", pageNotification(page.pageId, message)), 200);
    }
    await canReplyIn(t, recent.inbox.id, true);
    await canReplyIn(t, old.inbox.id, false);
  });

  it("is false in an Instagram conversation whose person wrote 8 days ago", async () => {
    const t = await tenant();
    const { inbox, instagramId } = await createInstagramInbox(t.admin.access_token, t.account.id);
    const igsid = uniqueMetaId("33");
    const message = metaText(igsid, instagramId, "Is the offer still on?", { timestamp: Date.now() - 8 * DAY * 1000 });
    expectStatus(await postMeta("/webhooks/instagram", instagramNotification(instagramId, message)), 200);
    await canReplyIn(t, inbox.id, false);
  });

  it("is always true on a channel without a messaging window (an API inbox)", async () => {
    const t = await tenant();
    const session = await clientSession(t);
    await canReplyIn(t, session.inbox.id, true);
  });
});

describe("the reply window rule", () => {
  it("follows each channel's window: WhatsApp 24 hours, Messenger and Instagram 7 days, others none; never written closes a window", () => {
    const now = 1_800_000_000;
    expect(canReply(CHANNEL_CLASSES.whatsapp, now - DAY + 1, now)).toBe(true);
    expect(canReply(CHANNEL_CLASSES.whatsapp, now - DAY, now)).toBe(false);
    expect(canReply(CHANNEL_CLASSES.facebook_page, now - 7 * DAY, now)).toBe(true);
    expect(canReply(CHANNEL_CLASSES.instagram, now - 7 * DAY - 1, now)).toBe(false);
    expect(canReply(CHANNEL_CLASSES.whatsapp, null, now)).toBe(false);
    expect(canReply(CHANNEL_CLASSES.facebook_page, undefined, now)).toBe(false);
    expect(canReply(CHANNEL_CLASSES.web_widget, null, now)).toBe(true);
    expect(canReply(CHANNEL_CLASSES.sms, now - 30 * DAY, now)).toBe(true);
  });

  it("measures from an incoming message's provider timestamp, else its stored time, and ignores other messages", () => {
    expect(lastIncomingAtAfter({ messageType: 0, contentAttributes: { external_created_at: 100 }, createdAt: 200 }, null)).toBe(100);
    expect(lastIncomingAtAfter({ messageType: 0, contentAttributes: {}, createdAt: 200 }, 100)).toBe(200);
    expect(lastIncomingAtAfter({ messageType: 1, contentAttributes: {}, createdAt: 300 }, 100)).toBe(100);
  });
});
