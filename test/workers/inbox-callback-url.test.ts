// Each channel inbox says where its provider sends webhooks (Chatwoot's callback_webhook_url), so the
// console can show the administrator what to paste at Meta or Twilio; the URL it names is the route
// that answers the provider.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, expectStatus, tenant } from "./helpers";

const origin = env.PUBLIC_URL.replace(/\/+$/, "");

describe("an inbox's callback webhook URL", () => {
  it("names the WhatsApp, SMS, Messenger and Instagram webhook paths under PUBLIC_URL, and nothing for website, API and email inboxes", async () => {
    const { account, admin } = await tenant();
    const create = async (name: string, channel: Record<string, unknown>) => {
      const reply = await call("POST", `/api/v1/accounts/${account.id}/inboxes`, { token: admin.access_token, body: { name, channel } });
      expectStatus(reply, 201);
      return reply.body.callback_webhook_url as string | null;
    };
    expect(
      await create("WhatsApp", {
        type: "whatsapp",
        phone_number: "+14155550177",
        provider_config: {
          api_key: "whatsapp-access-token",
          phone_number_id: "100000000000177",
          business_account_id: "100000000000002",
          webhook_verify_token: "verify-me-please",
        },
      }),
    ).toBe(`${origin}/webhooks/whatsapp/+14155550177`);
    expect(
      await create("Text messages", {
        type: "sms",
        phone_number: "+14155550178",
        provider_config: { account_sid: "AC00000000000000000000000000000178", auth_token: "twilio-auth-token" },
      }),
    ).toBe(`${origin}/twilio/callback`);
    expect(await create("Messenger", { type: "facebook_page", page_id: "104561234567178", page_access_token: "page-token" })).toBe(`${origin}/bot`);
    expect(await create("Instagram", { type: "instagram", instagram_id: "17841400000000178", access_token: "ig-token", username: "acme.178" })).toBe(
      `${origin}/webhooks/instagram`,
    );
    expect(await create("Website", { type: "web_widget", website_url: "https://acme.example.test" })).toBeNull();
    expect(await create("Backend", { type: "api" })).toBeNull();
    expect(await create("Mail", { type: "email", email: `support-${account.id}@acme.example.test` })).toBeNull();
  });

  it("is the address at which Meta's verification of the WhatsApp inbox succeeds", async () => {
    const { account, admin } = await tenant();
    const reply = await call("POST", `/api/v1/accounts/${account.id}/inboxes`, {
      token: admin.access_token,
      body: {
        name: "WhatsApp",
        channel: {
          type: "whatsapp",
          phone_number: "+14155550179",
          provider_config: {
            api_key: "whatsapp-access-token",
            phone_number_id: "100000000000179",
            business_account_id: "100000000000002",
            webhook_verify_token: "verify-me-179",
          },
        },
      },
    });
    expectStatus(reply, 201);
    const url = new URL(reply.body.callback_webhook_url);
    url.search = new URLSearchParams({ "hub.mode": "subscribe", "hub.verify_token": "verify-me-179", "hub.challenge": "1158201444" }).toString();
    const verified = await call("GET", `${url.pathname}${url.search}`);
    expectStatus(verified, 200);
    expect(String(verified.body)).toBe("1158201444");
  });
});
