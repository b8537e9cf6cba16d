import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { originAllowed } from "../../src/domain/allowed-domains";
import { call, createAccount, createInbox, expectStatus, inviteUser, tenant } from "./helpers";
import {
  addAttributeDefinition,
  addFacebookPage,
  addInstagramAccount,
  addVoiceAiAgent,
  addWhatsappNumber,
  createChatWidget,
  definitionsPath,
  integrationsPath,
  widgetsPath,
} from "./widget-fixtures";

const configPath = (token: string) => `/api/v1/widget/config?widget_token=${encodeURIComponent(token)}`;
const config = (token: string, origin?: string) => call("GET", configPath(token), { headers: origin ? { origin } : {} });

const closedAllWeek = [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day_of_week: day, closed_all_day: true }));
const openAllWeek = [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day_of_week: day, open_all_day: true }));

describe("Widget API: public widget configuration", () => {
  it("answers a live chat widget's configuration with its inbox's website token, cacheable for a minute", async () => {
    const { account, admin } = await tenant();
    const inbox = await createInbox(admin.access_token, account.id);
    const widget = await createChatWidget(admin.access_token, account.id, {
      name: "Website chat",
      inbox_id: inbox.id,
      settings: { colors: { primary: "#112233" }, launcher: { text: "Chat with us" }, away_message: "We reply within a day" },
    });
    const reply = await config(widget.widget_token);
    expectStatus(reply, 200);
    expect(reply.body.widget).toMatchObject({
      token: widget.widget_token,
      type: "live_chat",
      name: "Website chat",
      locale: "en",
      position: "right",
      colors: { primary: "#112233", text: "#ffffff" },
      launcher: { text: "Chat with us", icon: "chat" },
      avatar_url: null,
      logo_url: null,
      business: null,
      away_message: "We reply within a day",
      online: true,
      setup_status: "complete",
      unavailable: [],
      channels: { live_chat: { website_token: inbox.website_token } },
    });
    expect(reply.headers.get("cache-control")).toBe("public, max-age=60");
    expect(reply.headers.get("vary")).toBe("Origin");
    expect(reply.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("answers 404 for an unknown token and 400 without one", async () => {
    expectStatus(await config("no-such-widget"), 404);
    expectStatus(await call("GET", "/api/v1/widget/config"), 400);
  });

  it("uses the account's locale and time zone unless the widget sets its own", async () => {
    const { agency } = await tenant();
    const account = await createAccount(agency.access_token, { locale: "fr", timezone: "Europe/Paris" });
    const admin = await inviteUser(agency.access_token, account.id, "administrator");
    const inherited = await createChatWidget(admin.access_token, account.id);
    expect((await config(inherited.widget_token)).body.widget).toMatchObject({ locale: "fr", business_hours: { timezone: "Europe/Paris" } });
    const own = await createChatWidget(admin.access_token, account.id, { settings: { locale: "de", business_hours: { timezone: "Asia/Tokyo" } } });
    expect((await config(own.widget_token)).body.widget).toMatchObject({ locale: "de", business_hours: { timezone: "Asia/Tokyo" } });
  });

  it("shows business details, the account's where the widget leaves them empty, only when the widget shows them", async () => {
    const { agency } = await tenant();
    const account = await createAccount(agency.access_token, {
      business_name: "Acme Dental",
      business_address: "1 Main St",
      business_phone: "+1 555 0100",
      support_email: "help@acme.test",
    });
    const admin = await inviteUser(agency.access_token, account.id, "administrator");
    const shown = await createChatWidget(admin.access_token, account.id, { settings: { business: { show: true, name: "Acme Downtown" } } });
    expect((await config(shown.widget_token)).body.widget.business).toEqual({
      name: "Acme Downtown",
      address: "1 Main St",
      phone: "+1 555 0100",
      email: "help@acme.test",
    });
    const hidden = await createChatWidget(admin.access_token, account.id, { settings: { business: { name: "Acme Downtown" } } });
    expect((await config(hidden.widget_token)).body.widget.business).toBeNull();
  });

  it("is offline outside business hours and online inside them", async () => {
    const { account, admin } = await tenant();
    const closed = await createChatWidget(admin.access_token, account.id, { settings: { business_hours: { enabled: true, days: closedAllWeek } } });
    expect((await config(closed.widget_token)).body.widget.online).toBe(false);
    const open = await createChatWidget(admin.access_token, account.id, { settings: { business_hours: { enabled: true, days: openAllWeek } } });
    expect((await config(open.widget_token)).body.widget.online).toBe(true);
    const off = await createChatWidget(admin.access_token, account.id, { settings: { business_hours: { enabled: false, days: closedAllWeek } } });
    expect((await config(off.widget_token)).body.widget.online).toBe(true);
  });

  it("lists only the enabled pre-chat fields, in order, leaving out attributes deleted since", async () => {
    const { account, admin } = await tenant();
    const plan = await addAttributeDefinition(admin.access_token, account.id, { attribute_model: "contact_attribute" });
    const topic = await addAttributeDefinition(admin.access_token, account.id, { attribute_model: "conversation_attribute" });
    const widget = await createChatWidget(admin.access_token, account.id, {
      pre_chat_form: {
        enabled: true,
        message: "Tell us about you",
        fields: [
          { field_type: "conversation_attribute", name: topic.attribute_key, type: "text", label: "Topic" },
          { field_type: "standard", name: "email", type: "email", label: "Email", required: true },
          { field_type: "standard", name: "phone_number", type: "phone", label: "Phone", enabled: false },
          { field_type: "contact_attribute", name: plan.attribute_key, type: "text", label: "Plan", placeholder: "Basic?" },
        ],
      },
    });
    expectStatus(await call("DELETE", `${definitionsPath(account.id)}/${topic.id}`, { token: admin.access_token }), 204);
    const form = (await config(widget.widget_token)).body.widget.pre_chat_form;
    expect(form).toEqual({
      enabled: true,
      message: "Tell us about you",
      fields: [
        { field_type: "standard", name: "email", type: "email", label: "Email", placeholder: null, required: true },
        { field_type: "contact_attribute", name: plan.attribute_key, type: "text", label: "Plan", placeholder: "Basic?", required: false },
      ],
    });
  });

  it("links WhatsApp, Messenger and Instagram widgets to their apps, with the prefilled text", async () => {
    const { account, admin } = await tenant();
    const settings = { prefilled_text: "Hi, I'd like to book a visit & more" };
    const number = await addWhatsappNumber(admin.access_token, account.id, { phone_number: "+31201234567" });
    const page = await addFacebookPage(admin.access_token, account.id, { page_id: "104561234567890" });
    const instagram = await addInstagramAccount(admin.access_token, account.id, { username: "acme.dental" });
    const whatsapp = await createChatWidget(admin.access_token, account.id, { type: "whatsapp", whatsapp_number_id: number.id, settings });
    const facebook = await createChatWidget(admin.access_token, account.id, { type: "facebook", facebook_page_id: page.id, settings });
    const insta = await createChatWidget(admin.access_token, account.id, { type: "instagram", instagram_account_id: instagram.id });
    const text = "Hi%2C%20I'd%20like%20to%20book%20a%20visit%20%26%20more";
    expect((await config(whatsapp.widget_token)).body.widget.channels).toEqual({ whatsapp: { url: `https://wa.me/31201234567?text=${text}` } });
    expect((await config(facebook.widget_token)).body.widget.channels).toEqual({ facebook: { url: `https://m.me/104561234567890?text=${text}` } });
    expect((await config(insta.widget_token)).body.widget.channels).toEqual({ instagram: { url: "https://ig.me/m/acme.dental" } });
  });

  it("gives a Voice AI widget its agent and a tel: link, or none when the agent takes browser calls only", async () => {
    const { account, admin } = await tenant();
    const phone = await addVoiceAiAgent(admin.access_token, account.id, { name: "Ava", phone_number: "+14155550199" });
    const browserOnly = await addVoiceAiAgent(admin.access_token, account.id, { name: "Bea", phone_number: null });
    const withPhone = await createChatWidget(admin.access_token, account.id, { type: "voice_ai", voice_ai_agent_id: phone.id });
    const withoutPhone = await createChatWidget(admin.access_token, account.id, { type: "voice_ai", voice_ai_agent_id: browserOnly.id });
    expect((await config(withPhone.widget_token)).body.widget.channels).toEqual({
      voice_ai: { agent_name: "Ava", phone_number: "+14155550199", call_url: "tel:+14155550199" },
    });
    expect((await config(withoutPhone.widget_token)).body.widget.channels).toEqual({
      voice_ai: { agent_name: "Bea", phone_number: null, call_url: null },
    });
  });

  it("shows the fallback unavailable entry instead of breaking once the WhatsApp number is deleted", async () => {
    const { account, admin } = await tenant();
    const number = await addWhatsappNumber(admin.access_token, account.id);
    const widget = await createChatWidget(admin.access_token, account.id, { type: "whatsapp", whatsapp_number_id: number.id });
    await call("DELETE", `${integrationsPath(account.id, "whatsapp_numbers")}/${number.id}`, { token: admin.access_token });
    const reply = await config(widget.widget_token);
    expectStatus(reply, 200);
    expect(reply.body.widget).toMatchObject({
      setup_status: "incomplete",
      unavailable: [{ channel: "whatsapp", message: "WhatsApp is not available yet" }],
      channels: {},
    });
  });

  it("offers an all-in-one widget's enabled channels, listing the disconnected ones as unavailable", async () => {
    const { account, admin } = await tenant();
    const inbox = await createInbox(admin.access_token, account.id);
    const number = await addWhatsappNumber(admin.access_token, account.id);
    const page = await addFacebookPage(admin.access_token, account.id);
    const widget = await createChatWidget(admin.access_token, account.id, {
      type: "all_in_one",
      inbox_id: inbox.id,
      whatsapp_number_id: number.id,
      facebook_page_id: page.id,
      settings: { channels: { live_chat: true, email_sms: true, whatsapp: true, facebook: false } },
    });
    await call("PATCH", `${integrationsPath(account.id, "whatsapp_numbers")}/${number.id}`, { token: admin.access_token, body: { status: "disconnected" } });
    const reply = await config(widget.widget_token);
    expect(reply.body.widget).toMatchObject({
      setup_status: "incomplete",
      unavailable: [{ channel: "whatsapp", message: "WhatsApp is not available yet" }],
      channels: { live_chat: { website_token: inbox.website_token }, email_sms: { website_token: inbox.website_token } },
    });
    expect(Object.keys(reply.body.widget.channels)).toEqual(["live_chat", "email_sms"]);
  });

  it("gives the avatar and logo URLs", async () => {
    const { account, admin } = await tenant();
    const widget = await createChatWidget(admin.access_token, account.id);
    const form = new FormData();
    form.append("file", new File([new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61])], "logo.gif", { type: "image/gif" }));
    const res = await exports.default.fetch(
      new Request(`http://parley.test${widgetsPath(account.id)}/${widget.id}/media/logo`, {
        method: "POST",
        body: form,
        headers: { authorization: `Bearer ${admin.access_token}` },
      }),
    );
    const uploaded = (await res.json()) as { settings: { logo: { url: string } } };
    expect((await config(widget.widget_token)).body.widget).toMatchObject({ avatar_url: null, logo_url: uploaded.settings.logo.url });
  });
});

describe("Widget API: which websites may read the configuration", () => {
  it("lets any website read it when the widget allows any domain, answering its origin", async () => {
    const { account, admin } = await tenant();
    const widget = await createChatWidget(admin.access_token, account.id);
    const reply = await config(widget.widget_token, "https://anything.example");
    expectStatus(reply, 200);
    expect(reply.headers.get("access-control-allow-origin")).toBe("https://anything.example");
    expect(reply.headers.get("vary")).toBe("Origin");
  });

  it("answers the allowed domains, and a wildcard's subdomains and base domain", async () => {
    const { account, admin } = await tenant();
    const widget = await createChatWidget(admin.access_token, account.id, { settings: { allowed_domains: ["shop.acme.test", "*.acme.org"] } });
    for (const origin of ["https://shop.acme.test", "http://shop.acme.test:8080", "https://acme.org", "https://www.acme.org", "https://a.b.acme.org"]) {
      const reply = await config(widget.widget_token, origin);
      expect(reply.status, origin).toBe(200);
      expect(reply.headers.get("access-control-allow-origin")).toBe(origin);
    }
  });

  it("answers 403 origin_not_allowed without CORS headers to other websites", async () => {
    const { account, admin } = await tenant();
    const widget = await createChatWidget(admin.access_token, account.id, { settings: { allowed_domains: ["shop.acme.test", "*.acme.org"] } });
    for (const origin of ["https://acme.test", "https://evilacme.org", "https://acme.org.evil.test", "null"]) {
      const reply = await config(widget.widget_token, origin);
      expect(reply.status, origin).toBe(403);
      expect(reply.body.error.code).toBe("origin_not_allowed");
      expect(reply.headers.get("access-control-allow-origin")).toBeNull();
    }
  });

  it("lets the chat app on Parley's own origin read it whatever the allowed domains", async () => {
    const { account, admin } = await tenant();
    const widget = await createChatWidget(admin.access_token, account.id, { settings: { allowed_domains: ["shop.acme.test"] } });
    expectStatus(await config(widget.widget_token, "http://parley.test"), 200);
    expectStatus(await config(widget.widget_token), 200);
  });

  it("answers the CORS preflight for allowed websites and refuses it for others", async () => {
    const { account, admin } = await tenant();
    const widget = await createChatWidget(admin.access_token, account.id, { settings: { allowed_domains: ["*.acme.org"] } });
    const allowed = await call("OPTIONS", configPath(widget.widget_token), {
      headers: { origin: "https://www.acme.org", "access-control-request-method": "GET" },
    });
    expectStatus(allowed, 204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://www.acme.org");
    expect(allowed.headers.get("access-control-allow-methods")).toBe("GET, OPTIONS");
    const refused = await call("OPTIONS", configPath(widget.widget_token), {
      headers: { origin: "https://www.acme.test", "access-control-request-method": "GET" },
    });
    expectStatus(refused, 403);
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("matches origins against allowed domains by hostname", () => {
    expect(originAllowed("https://shop.acme.test", [])).toBe(true);
    expect(originAllowed("https://shop.acme.test", ["shop.acme.test"])).toBe(true);
    expect(originAllowed("https://SHOP.acme.test", ["shop.acme.test"])).toBe(true);
    expect(originAllowed("https://www.shop.acme.test", ["shop.acme.test"])).toBe(false);
    expect(originAllowed("https://acme.org", ["*.acme.org"])).toBe(true);
    expect(originAllowed("https://deep.sub.acme.org", ["*.acme.org"])).toBe(true);
    expect(originAllowed("https://notacme.org", ["*.acme.org"])).toBe(false);
    expect(originAllowed("null", [])).toBe(false);
    expect(originAllowed("file:///tmp/page.html", [])).toBe(false);
  });
});
