import { describe, expect, it } from "vitest";
import { HELPER_TEXTS, inboxFitsWidget, unavailableChannels, type WidgetDependencies, widgetSetup } from "../../src/domain/widget-setup";

const none: WidgetDependencies = { inbox: null, whatsapp_number: null, facebook_page: null, instagram_account: null, voice_ai_agent: null };
const all: WidgetDependencies = {
  inbox: {},
  whatsapp_number: { status: "connected" },
  facebook_page: { status: "connected" },
  instagram_account: { status: "connected" },
  voice_ai_agent: { status: "active" },
};
const single = { channels: null };
const channels = (on: string[]) => ({
  channels: {
    live_chat: on.includes("live_chat"),
    email_sms: on.includes("email_sms"),
    whatsapp: on.includes("whatsapp"),
    facebook: on.includes("facebook"),
    instagram: on.includes("instagram"),
    voice_ai: on.includes("voice_ai"),
  },
});

describe("widget setup", () => {
  it.each([
    ["live_chat", "inbox", "inbox_id", "Choose a website inbox for this widget before saving or getting its code."],
    ["email_sms", "inbox", "inbox_id", "Choose an email, SMS or website inbox for this widget before saving or getting its code."],
    ["whatsapp", "whatsapp_number", "whatsapp_number_id", "Connect a WhatsApp number to this widget before saving or getting its code."],
    ["facebook", "facebook_page", "facebook_page_id", "Connect a Facebook page to this widget before saving or getting its code."],
    ["instagram", "instagram_account", "instagram_account_id", "Connect an Instagram account to this widget before saving or getting its code."],
    ["voice_ai", "voice_ai_agent", "voice_ai_agent_id", "Choose an active Voice AI agent for this widget before saving or getting its code."],
  ] as const)("says a %s widget without its dependency misses the %s, with its helper text", (type, dependency, field, message) => {
    expect(widgetSetup(type, single, none)).toEqual({
      setup_status: "incomplete",
      missing_dependencies: [{ type: dependency, field, message }],
      actions: { save: { enabled: false, reason: message }, get_code: { enabled: false, reason: message } },
    });
  });

  it.each(["live_chat", "email_sms", "whatsapp", "facebook", "instagram", "voice_ai"] as const)(
    "calls a %s widget with its dependency complete, with Save and Get Code enabled",
    (type) => {
      expect(widgetSetup(type, single, all)).toEqual({
        setup_status: "complete",
        missing_dependencies: [],
        actions: { save: { enabled: true, reason: null }, get_code: { enabled: true, reason: null } },
      });
    },
  );

  it("counts a disconnected WhatsApp number as missing", () => {
    const setup = widgetSetup("whatsapp", single, { ...all, whatsapp_number: { status: "disconnected" } });
    expect(setup.setup_status).toBe("incomplete");
    expect(setup.missing_dependencies).toEqual([{ type: "whatsapp_number", field: "whatsapp_number_id", message: HELPER_TEXTS.whatsapp_number }]);
  });

  it("counts a disconnected Facebook page and Instagram account as missing", () => {
    expect(widgetSetup("facebook", single, { ...all, facebook_page: { status: "disconnected" } }).setup_status).toBe("incomplete");
    expect(widgetSetup("instagram", single, { ...all, instagram_account: { status: "disconnected" } }).setup_status).toBe("incomplete");
  });

  it("counts an inactive Voice AI agent as missing", () => {
    const setup = widgetSetup("voice_ai", single, { ...all, voice_ai_agent: { status: "inactive" } });
    expect(setup.missing_dependencies.map((missing) => missing.type)).toEqual(["voice_ai_agent"]);
  });

  it("ignores dependencies a widget type does not use", () => {
    expect(widgetSetup("whatsapp", single, { ...none, whatsapp_number: { status: "connected" } }).setup_status).toBe("complete");
  });

  it("asks an all-in-one widget for the dependency of each channel it turns on, in channel order", () => {
    const setup = widgetSetup("all_in_one", channels(["whatsapp", "live_chat", "voice_ai"]), none);
    expect(setup.missing_dependencies.map((missing) => missing.type)).toEqual(["inbox", "whatsapp_number", "voice_ai_agent"]);
    expect(setup.actions.save.reason).toBe(HELPER_TEXTS.inbox);
  });

  it("asks an all-in-one widget for its inbox once when live chat and email/SMS both need it", () => {
    const setup = widgetSetup("all_in_one", channels(["live_chat", "email_sms"]), none);
    expect(setup.missing_dependencies).toEqual([{ type: "inbox", field: "inbox_id", message: HELPER_TEXTS.inbox }]);
  });

  it("does not ask an all-in-one widget for the dependencies of channels it turns off", () => {
    expect(widgetSetup("all_in_one", channels(["facebook"]), { ...none, facebook_page: { status: "connected" } }).setup_status).toBe("complete");
  });

  it("calls an all-in-one widget without any channel incomplete", () => {
    const setup = widgetSetup("all_in_one", channels([]), all);
    expect(setup.missing_dependencies).toEqual([{ type: "channel", field: "settings.channels", message: HELPER_TEXTS.channel }]);
  });

  it("lists the offered channels a visitor cannot use yet with their fallback texts", () => {
    expect(unavailableChannels("all_in_one", channels(["live_chat", "whatsapp", "instagram"]).channels, { ...all, whatsapp_number: null })).toEqual([
      { channel: "whatsapp", message: "WhatsApp is not available yet" },
    ]);
    expect(unavailableChannels("voice_ai", null, none)).toEqual([{ channel: "voice_ai", message: "Voice AI is not available yet" }]);
    expect(unavailableChannels("live_chat", null, all)).toEqual([]);
  });

  it("routes chat to a website inbox, and the Email/SMS widget also to an email or SMS inbox", () => {
    expect(inboxFitsWidget("live_chat", "web_widget")).toBe(true);
    expect(inboxFitsWidget("live_chat", "email")).toBe(false);
    expect(inboxFitsWidget("all_in_one", "sms")).toBe(false);
    expect(["web_widget", "email", "sms", "api", "whatsapp"].filter((channel) => inboxFitsWidget("email_sms", channel as never))).toEqual([
      "web_widget",
      "email",
      "sms",
    ]);
  });
});
