import { describe, expect, it } from "vitest";
import type { SnapshotAttributeDefinition, SnapshotInbox, SnapshotWidget } from "../../src/domain/snapshot-contents";
import {
  countReport,
  dependencyWarning,
  finishedStatus,
  inboxCreatable,
  inboxSettingsFor,
  matchChannelInbox,
  integrationTypesOf,
  keepKnownPreChatFields,
  mapDependencies,
  mapFacebookPage,
  mapInstagramAccount,
  mapVoiceAiAgent,
  mapWhatsappNumber,
  matchInbox,
  planAttributeDefinitions,
  snapshotSourceOf,
  type TargetIntegrations,
  widgetAction,
  type WidgetReportEntry,
  withTargetLocation,
} from "../../src/domain/snapshot-mapping";

const nothing: TargetIntegrations = { whatsapp_numbers: [], facebook_pages: [], instagram_accounts: [], voice_ai_agents: [] };
const noDependencies: SnapshotWidget["dependencies"] = { whatsapp_number: null, facebook_page: null, instagram_account: null, voice_ai_agent: null };
const allChannels = { live_chat: true, email_sms: false, whatsapp: true, facebook: false, instagram: false, voice_ai: true };

describe("snapshot mapping: WhatsApp numbers", () => {
  const source = { phone_number: "+14155550100", display_name: "Front desk" };

  it("maps to the target's connected number with the same E.164 number", () => {
    const numbers: TargetIntegrations["whatsapp_numbers"] = [
      { id: 3, phone_number: "+14155550199", display_name: null, status: "connected" },
      { id: 7, phone_number: "+14155550100", display_name: "Reception", status: "connected" },
    ];
    expect(mapWhatsappNumber(source, numbers)).toEqual({
      type: "whatsapp_number",
      outcome: "mapped",
      mapped_to: { id: 7, phone_number: "+14155550100", display_name: "Reception" },
    });
  });

  it("leaves the widget empty when the same number is disconnected", () => {
    expect(mapWhatsappNumber(source, [{ id: 7, phone_number: "+14155550100", display_name: null, status: "disconnected" }])).toEqual({
      type: "whatsapp_number",
      outcome: "left_empty",
      reason: "The account's WhatsApp number +14155550100 is disconnected.",
    });
  });

  it("never picks another number", () => {
    expect(mapWhatsappNumber(source, [{ id: 3, phone_number: "+14155550199", display_name: null, status: "connected" }])).toMatchObject({
      outcome: "left_empty",
      reason: "The account has no connected WhatsApp number +14155550100.",
    });
  });

  it("leaves it empty when the source had none", () => {
    expect(mapWhatsappNumber(null, [{ id: 3, phone_number: "+14155550199", display_name: null, status: "connected" }])).toEqual({
      type: "whatsapp_number",
      outcome: "left_empty",
      reason: "The source widget had no WhatsApp number.",
    });
  });
});

describe("snapshot mapping: Voice AI agents", () => {
  const agents: TargetIntegrations["voice_ai_agents"] = [
    { id: 9, name: "Cleo", status: "active" },
    { id: 2, name: "Ava", status: "inactive" },
    { id: 5, name: "Bea", status: "active" },
  ];

  it("maps to the active agent with the same name", () => {
    expect(mapVoiceAiAgent({ name: "Cleo" }, agents)).toEqual({ type: "voice_ai_agent", outcome: "mapped", mapped_to: { id: 9, name: "Cleo" } });
  });

  it("auto-selects the oldest active agent (lowest id) when none active has the name, and says so", () => {
    expect(mapVoiceAiAgent({ name: "Ava" }, agents)).toEqual({
      type: "voice_ai_agent",
      outcome: "mapped",
      mapped_to: { id: 5, name: "Bea" },
      auto_selected: true,
      reason: "The account has no active Voice AI agent named Ava; its oldest active agent, Bea, was selected.",
    });
  });

  it("auto-selects for a source widget that had no agent", () => {
    expect(mapVoiceAiAgent(null, agents)).toMatchObject({ outcome: "mapped", mapped_to: { id: 5 }, auto_selected: true });
  });

  it("leaves the widget empty when the target has no active agent", () => {
    expect(mapVoiceAiAgent({ name: "Ava" }, [{ id: 2, name: "Ava", status: "inactive" }])).toEqual({
      type: "voice_ai_agent",
      outcome: "left_empty",
      reason: "The account has no active Voice AI agent.",
    });
  });
});

describe("snapshot mapping: Facebook pages and Instagram accounts", () => {
  it("maps a page connected in the target by its page id", () => {
    const pages: TargetIntegrations["facebook_pages"] = [{ id: 4, page_id: "1045", name: "Acme (target)", status: "connected" }];
    expect(mapFacebookPage({ page_id: "1045", name: "Acme" }, pages)).toEqual({
      type: "facebook_page",
      outcome: "mapped",
      mapped_to: { id: 4, page_id: "1045", name: "Acme (target)" },
    });
    expect(mapFacebookPage({ page_id: "2000", name: "Other" }, pages)).toMatchObject({
      outcome: "left_empty",
      reason: "The account has no connected Facebook page Other (2000).",
    });
    expect(
      mapFacebookPage(
        { page_id: "1045", name: "Acme" },
        pages.map((page) => ({ ...page, status: "disconnected" as const })),
      ),
    ).toMatchObject({
      outcome: "left_empty",
      reason: "The account's Facebook page Acme (1045) is disconnected.",
    });
  });

  it("maps an Instagram account connected in the target by its instagram id", () => {
    const accounts: TargetIntegrations["instagram_accounts"] = [{ id: 6, instagram_id: "1784", username: "acme", status: "connected" }];
    expect(mapInstagramAccount({ instagram_id: "1784", username: "acme.old" }, accounts)).toEqual({
      type: "instagram_account",
      outcome: "mapped",
      mapped_to: { id: 6, instagram_id: "1784", username: "acme" },
    });
    expect(mapInstagramAccount({ instagram_id: "1785", username: "acme" }, accounts)).toMatchObject({ outcome: "left_empty" });
  });
});

describe("snapshot mapping: which integrations a widget maps", () => {
  it("maps the integration of a single-channel widget, even when the source had none", () => {
    expect(integrationTypesOf({ type: "whatsapp", dependencies: noDependencies }, null)).toEqual(["whatsapp_number"]);
    expect(integrationTypesOf({ type: "live_chat", dependencies: noDependencies }, null)).toEqual([]);
  });

  it("maps what an all-in-one widget's channels need, and any integration the source had chosen", () => {
    const dependencies = { ...noDependencies, facebook_page: { page_id: "1", name: "P" } };
    expect(integrationTypesOf({ type: "all_in_one", dependencies }, allChannels)).toEqual(["whatsapp_number", "facebook_page", "voice_ai_agent"]);
  });

  it("gives the ids to store and one outcome per integration", () => {
    const target: TargetIntegrations = {
      ...nothing,
      whatsapp_numbers: [{ id: 11, phone_number: "+14155550100", display_name: null, status: "connected" }],
    };
    const widget = { type: "all_in_one" as const, dependencies: { ...noDependencies, whatsapp_number: { phone_number: "+14155550100", display_name: null } } };
    const { ids, outcomes } = mapDependencies(widget, allChannels, target);
    expect(ids).toEqual({ whatsapp_number_id: 11, facebook_page_id: null, instagram_account_id: null, voice_ai_agent_id: null });
    expect(outcomes.map((outcome) => [outcome.type, outcome.outcome])).toEqual([
      ["whatsapp_number", "mapped"],
      ["voice_ai_agent", "left_empty"],
    ]);
  });

  it("warns for every dependency left empty and every auto-selected agent", () => {
    expect(dependencyWarning({ type: "whatsapp_number", outcome: "left_empty", reason: "No number." })).toBe(
      "No number. The widget stays incomplete until a WhatsApp number is chosen.",
    );
    expect(dependencyWarning({ type: "voice_ai_agent", outcome: "mapped", mapped_to: { id: 1 }, auto_selected: true, reason: "Picked Bea." })).toBe(
      "Picked Bea.",
    );
    expect(dependencyWarning({ type: "voice_ai_agent", outcome: "mapped", mapped_to: { id: 1 } })).toBeNull();
  });
});

describe("snapshot mapping: inboxes", () => {
  const source: SnapshotInbox = {
    name: "Website",
    channel_type: "web_widget",
    website_url: "https://acme.test",
    widget_color: "#123456",
    welcome_title: null,
    welcome_tagline: null,
    hmac_mandatory: false,
    greeting_enabled: false,
    greeting_message: null,
    enable_email_collect: true,
    allow_messages_after_resolved: true,
    lock_to_single_conversation: false,
    working_hours_enabled: false,
    out_of_office_message: null,
    timezone: "Europe/Berlin",
    working_hours: [],
  };

  it("uses the target's oldest inbox with the same name and channel type", () => {
    const inboxes = [
      { id: 8, name: "Website", channel_type: "web_widget" },
      { id: 3, name: "Website", channel_type: "api" },
      { id: 5, name: "Website", channel_type: "web_widget" },
    ];
    expect(matchInbox(source, inboxes)?.id).toBe(5);
    expect(matchInbox(source, [{ id: 1, name: "website", channel_type: "web_widget" }])).toBeNull();
  });

  it("maps an Email/SMS widget's email or SMS inbox by name, else to the target's only one of that channel, and never makes one", () => {
    const email = { ...source, name: "Support mail", channel_type: "email" as const };
    expect(inboxCreatable("web_widget")).toBe(true);
    expect(inboxCreatable("email")).toBe(false);
    expect(inboxCreatable("sms")).toBe(false);
    const named = [
      { id: 4, name: "Billing mail", channel_type: "email" },
      { id: 6, name: "Support mail", channel_type: "email" },
    ];
    expect(matchChannelInbox(email, named)).toEqual({ inbox: named[1], auto_selected: false });
    const only = [
      { id: 2, name: "Website", channel_type: "web_widget" },
      { id: 9, name: "Inbound", channel_type: "email" },
    ];
    expect(matchChannelInbox(email, only)).toEqual({ inbox: only[1], auto_selected: true });
    expect(matchChannelInbox(email, [...named.map((inbox) => ({ ...inbox, name: "Other" }))])).toBeNull();
    expect(matchChannelInbox(email, [{ id: 2, name: "Support mail", channel_type: "sms" }])).toBeNull();
  });

  it("creates a missing inbox with the source's settings in the target's time zone", () => {
    expect(inboxSettingsFor(source, "America/New_York")).toEqual({ ...source, timezone: "America/New_York" });
  });
});

describe("snapshot mapping: location-level settings and pre-chat fields", () => {
  it("resets locale, business details and the business hours' time zone to the account's", () => {
    const settings = {
      position: "left",
      locale: "de",
      business: { show: true, name: "Source GmbH", address: "Hauptstr. 1", phone: "+4930123456", email: "hi@source.test" },
      business_hours: { enabled: true, timezone: "Europe/Berlin", days: [] },
    };
    expect(withTargetLocation(settings)).toEqual({
      position: "left",
      locale: null,
      business: { show: true, name: null, address: null, phone: null, email: null },
      business_hours: { enabled: true, timezone: null, days: [] },
    });
  });

  it("drops attribute fields the target has no definition for, and keeps standard fields", () => {
    const form = {
      enabled: true,
      fields: [
        { field_type: "standard", name: "email" },
        { field_type: "contact_attribute", name: "plan" },
        { field_type: "conversation_attribute", name: "plan" },
        { field_type: "conversation_attribute", name: "tier" },
      ],
    };
    const { form: kept, dropped } = keepKnownPreChatFields(form, [
      { attribute_key: "plan", attribute_model: "contact_attribute" },
      { attribute_key: "tier", attribute_model: "conversation_attribute" },
    ]);
    expect(kept.fields.map((field) => `${field.field_type}:${field.name}`)).toEqual([
      "standard:email",
      "contact_attribute:plan",
      "conversation_attribute:tier",
    ]);
    expect(dropped).toEqual([{ name: "plan", field_type: "conversation_attribute" }]);
  });
});

describe("snapshot mapping: custom attribute definitions and widgets", () => {
  const definition = (key: string, model: SnapshotAttributeDefinition["attribute_model"]): SnapshotAttributeDefinition => ({
    attribute_display_name: key,
    attribute_key: key,
    attribute_display_type: "text",
    attribute_model: model,
    attribute_description: null,
    attribute_values: [],
    regex_pattern: null,
    regex_cue: null,
    default_value: null,
  });

  it("creates included definitions unless the target has the same key and model", () => {
    const plans = planAttributeDefinitions(
      [definition("plan", "contact_attribute"), definition("tier", "contact_attribute")],
      [
        { id: 4, attribute_key: "plan", attribute_model: "contact_attribute" },
        { id: 5, attribute_key: "tier", attribute_model: "conversation_attribute" },
      ],
    );
    expect(plans.map((plan) => [plan.definition.attribute_key, plan.action, plan.existing_id])).toEqual([
      ["plan", "skip", 4],
      ["tier", "create", null],
    ]);
  });

  it("creates new widgets, updates or skips those an earlier load created, and says would_ in a dry run", () => {
    expect(widgetAction(null, "override", false)).toBe("created");
    expect(widgetAction(null, "skip", false)).toBe("created");
    expect(widgetAction(12, "override", false)).toBe("updated");
    expect(widgetAction(12, "skip", false)).toBe("skipped");
    expect(widgetAction(null, "override", true)).toBe("would_create");
    expect(widgetAction(12, "override", true)).toBe("would_update");
    expect(widgetAction(12, "skip", true)).toBe("skipped");
  });

  it("keys a loaded widget by snapshot and source widget", () => {
    expect(snapshotSourceOf(7, 42)).toBe("7:42");
  });
});

describe("snapshot mapping: the report", () => {
  const entry = (overrides: Partial<WidgetReportEntry>): WidgetReportEntry => ({
    kind: "chat_widget",
    source_widget_id: 1,
    name: "W",
    type: "live_chat",
    action: "created",
    widget_id: 1,
    setup_status: "complete",
    missing_dependencies: [],
    dependencies: [],
    media: [],
    inbox: null,
    warnings: [],
    ...overrides,
  });

  it("adds up what happened", () => {
    const counts = countReport([
      entry({ inbox: { outcome: "created", inbox_id: 3, name: "Website" }, media: [{ slot: "logo", outcome: "copied" }] }),
      entry({ action: "updated", setup_status: "incomplete", warnings: ["No number."] }),
      { kind: "custom_attribute_definition", attribute_key: "plan", attribute_model: "contact_attribute", action: "created", definition_id: 2 },
    ]);
    expect(counts).toEqual({
      chat_widgets: { created: 1, updated: 1, skipped: 0, would_create: 0, would_update: 0, complete: 1, incomplete: 1 },
      custom_attribute_definitions: { created: 1, skipped: 0, would_create: 0 },
      inboxes_created: 1,
      media_copied: 1,
      warnings: 1,
    });
  });

  it("finishes with warnings when any widget has one", () => {
    expect(finishedStatus([entry({})])).toBe("completed");
    expect(finishedStatus([entry({}), entry({ warnings: ["Pre-chat field tier was dropped"] })])).toBe("completed_with_warnings");
  });
});
