// Conversations that a channel's inbound message starts in an inbox with an agent bot start `pending`,
// as Chatwoot starts them (its Conversation#determine_conversation_status: `self.status = :pending if
// inbox.active_bot?`; the help center's "How to use Agent bots?": "When an agent bot is connected to an
// inbox, conversations are created with a "pending" status"), on every channel, as the website and API
// inboxes already do.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { twilioSignature } from "../../src/domain/twilio-webhook";
import { call, eventually, expectStatus, tenant } from "./helpers";
import {
  createInstagramInbox,
  createMessengerInbox,
  instagramNotification,
  pageNotification,
  postMeta,
  textMessage as metaText,
  uniqueMetaId,
} from "./meta-fixtures";
import { sinkHost } from "./outbound";
import { createSmsInbox, uniquePhone } from "./sms-fixtures";
import { createWhatsappInbox, postWhatsapp, textMessage as whatsappText, uniqueWhatsappPhone } from "./whatsapp-fixtures";

type Tenant = Awaited<ReturnType<typeof tenant>>;

/** Connects a new agent bot (Chatwoot's agent_bots and set_agent_bot) to the inbox. */
async function connectBot(t: Tenant, inboxId: number) {
  const account = `/api/v1/accounts/${t.account.id}`;
  const bot = await call("POST", `${account}/agent_bots`, {
    token: t.admin.access_token,
    body: { name: "First answer", outgoing_url: `https://${sinkHost("bot")}/hook` },
  });
  expectStatus(bot, 200);
  expectStatus(await call("POST", `${account}/inboxes/${inboxId}/set_agent_bot`, { token: t.admin.access_token, body: { agent_bot: bot.body.id } }), 204);
}

/** The status of the one conversation an inbound message started in the inbox. */
async function startedStatus(t: Tenant, inboxId: number): Promise<string> {
  let status = "";
  await eventually(async () => {
    const reply = await call("GET", `/api/v1/accounts/${t.account.id}/conversations?inbox_id=${inboxId}&status=all`, { token: t.admin.access_token });
    expectStatus(reply, 200);
    const conversations = reply.body.data.payload as { status: string }[];
    expect(conversations).toHaveLength(1);
    status = conversations[0]?.status ?? "";
  });
  return status;
}

async function whatsappMessage(t: Tenant, withBot: boolean) {
  const { inbox, business } = await createWhatsappInbox(t.admin.access_token, t.account.id);
  if (withBot) await connectBot(t, inbox.id);
  const customer = { waId: uniqueWhatsappPhone().waId, name: "Sheena Nelson" };
  expectStatus(await postWhatsapp(business.phone, whatsappText(business, customer, "Does it come in another color?")), 200);
  return startedStatus(t, inbox.id);
}

describe("a conversation a channel's message starts in an inbox with an agent bot", { timeout: 30_000 }, () => {
  it("starts pending on WhatsApp", async () => {
    const t = await tenant();
    expect(await whatsappMessage(t, true)).toBe("pending");
  });

  it("starts open on WhatsApp when no bot answers the inbox", async () => {
    const t = await tenant();
    expect(await whatsappMessage(t, false)).toBe("open");
  });

  it("starts pending on Messenger", async () => {
    const t = await tenant();
    const { inbox, pageId } = await createMessengerInbox(t.admin.access_token, t.account.id);
    await connectBot(t, inbox.id);
    const psid = uniqueMetaId("25");
    expectStatus(await postMeta("/bot", pageNotification(pageId, metaText(psid, pageId, "Are you open on Saturday?"))), 200);
    expect(await startedStatus(t, inbox.id)).toBe("pending");
  });

  it("starts pending on Instagram", async () => {
    const t = await tenant();
    const { inbox, instagramId } = await createInstagramInbox(t.admin.access_token, t.account.id);
    await connectBot(t, inbox.id);
    const igsid = uniqueMetaId("63");
    expectStatus(
      await postMeta("/webhooks/instagram", instagramNotification(instagramId, metaText(igsid, instagramId, "Is the whitening offer still on?"))),
      200,
    );
    expect(await startedStatus(t, inbox.id)).toBe("pending");
  });

  it("starts pending on SMS", async () => {
    const t = await tenant();
    const inbox = await createSmsInbox(t.admin.access_token, t.account.id, `https://${sinkHost("sms")}`);
    await connectBot(t, inbox.id);
    // Twilio's incoming message webhook: form-encoded, signed over PUBLIC_URL and the path with the auth token.
    const form = {
      MessageSid: `SM${Date.now().toString(16)}`.padEnd(34, "0"),
      AccountSid: "AC0123456789abcdef0123456789abcdef",
      From: uniquePhone(),
      To: inbox.phone_number,
      Body: "Do you open on Sundays?",
      NumMedia: "0",
    };
    const params = Object.entries(form);
    const signature = await twilioSignature("sms-secret-token", `${env.PUBLIC_URL.replace(/\/+$/, "")}/twilio/callback`, params);
    const answer = await call("POST", "/twilio/callback", {
      headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
      rawBody: new URLSearchParams(params).toString(),
    });
    expectStatus(answer, 200);
    expect(await startedStatus(t, inbox.id)).toBe("pending");
  });
});
