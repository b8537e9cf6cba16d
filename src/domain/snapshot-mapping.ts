/**
 * How a snapshot's chat widgets map onto a target sub-account: which of the target's integrations
 * and inboxes each widget points at, what happens to location-level settings and pre-chat fields,
 * whether a widget is created, updated or skipped, and the report that says so. Pure: the
 * snapshot.load job reads the target, asks these functions, and writes what they decide.
 */
import type { ChatWidgetType } from "../db/schema";
import type { SnapshotAttributeDefinition, SnapshotDependencies, SnapshotInbox, SnapshotMediaSlot, SnapshotWidget } from "./snapshot-contents";
import { dependencyTypesOf, offeredChannels, type ChannelToggles, type DependencyType } from "./widget-setup";

/** Where a loaded widget came from, unique per account: a later load of the same snapshot finds it by this. */
export const snapshotSourceOf = (snapshotId: number, sourceWidgetId: number) => `${snapshotId}:${sourceWidgetId}`;

// ---- The target's side --------------------------------------------------------------------------

export type TargetIntegrations = {
  whatsapp_numbers: { id: number; phone_number: string; display_name: string | null; status: "connected" | "disconnected" }[];
  facebook_pages: { id: number; page_id: string; name: string; status: "connected" | "disconnected" }[];
  instagram_accounts: { id: number; instagram_id: string; username: string; status: "connected" | "disconnected" }[];
  voice_ai_agents: { id: number; name: string; status: "active" | "inactive" }[];
};

export type IntegrationType = Exclude<DependencyType, "inbox">;

export type DependencyOutcome = {
  type: IntegrationType;
  outcome: "mapped" | "left_empty";
  /** The target's object the widget now points at. */
  mapped_to?: { id: number } & Record<string, string | number | null>;
  /** Why it was left empty, or how it was chosen when not by identity. */
  reason?: string;
  /** Voice AI only: chosen as the target's oldest active agent because none had the source's name. */
  auto_selected?: boolean;
};

const LABELS: Record<IntegrationType, string> = {
  whatsapp_number: "WhatsApp number",
  facebook_page: "Facebook page",
  instagram_account: "Instagram account",
  voice_ai_agent: "Voice AI agent",
};

const noSource = (type: IntegrationType): DependencyOutcome => ({
  type,
  outcome: "left_empty",
  reason: `The source widget had no ${LABELS[type]}.`,
});

/** WhatsApp: the target's connected number with the same E.164 number, else none. */
export function mapWhatsappNumber(source: SnapshotDependencies["whatsapp_number"], target: TargetIntegrations["whatsapp_numbers"]): DependencyOutcome {
  if (!source) return noSource("whatsapp_number");
  const same = target.find((number) => number.phone_number === source.phone_number);
  if (same?.status === "connected") {
    return { type: "whatsapp_number", outcome: "mapped", mapped_to: { id: same.id, phone_number: same.phone_number, display_name: same.display_name } };
  }
  return {
    type: "whatsapp_number",
    outcome: "left_empty",
    reason: same
      ? `The account's WhatsApp number ${source.phone_number} is disconnected.`
      : `The account has no connected WhatsApp number ${source.phone_number}.`,
  };
}

/** Facebook: the same page, connected in the target, else none. */
export function mapFacebookPage(source: SnapshotDependencies["facebook_page"], target: TargetIntegrations["facebook_pages"]): DependencyOutcome {
  if (!source) return noSource("facebook_page");
  const same = target.find((page) => page.page_id === source.page_id);
  if (same?.status === "connected") return { type: "facebook_page", outcome: "mapped", mapped_to: { id: same.id, page_id: same.page_id, name: same.name } };
  return {
    type: "facebook_page",
    outcome: "left_empty",
    reason: same
      ? `The account's Facebook page ${source.name} (${source.page_id}) is disconnected.`
      : `The account has no connected Facebook page ${source.name} (${source.page_id}).`,
  };
}

/** Instagram: the same account, connected in the target, else none. */
export function mapInstagramAccount(source: SnapshotDependencies["instagram_account"], target: TargetIntegrations["instagram_accounts"]): DependencyOutcome {
  if (!source) return noSource("instagram_account");
  const same = target.find((account) => account.instagram_id === source.instagram_id);
  if (same?.status === "connected") {
    return { type: "instagram_account", outcome: "mapped", mapped_to: { id: same.id, instagram_id: same.instagram_id, username: same.username } };
  }
  return {
    type: "instagram_account",
    outcome: "left_empty",
    reason: same
      ? `The account's Instagram account @${source.username} (${source.instagram_id}) is disconnected.`
      : `The account has no connected Instagram account @${source.username} (${source.instagram_id}).`,
  };
}

/**
 * Voice AI: the target's active agent with the source agent's name. Without one, the target's oldest
 * active agent (lowest id) is chosen, and the outcome says it was auto-selected; without any active
 * agent the widget is left without one.
 */
export function mapVoiceAiAgent(source: SnapshotDependencies["voice_ai_agent"], target: TargetIntegrations["voice_ai_agents"]): DependencyOutcome {
  const active = target.filter((agent) => agent.status === "active").sort((a, b) => a.id - b.id);
  const named = source ? active.find((agent) => agent.name === source.name) : undefined;
  if (named) return { type: "voice_ai_agent", outcome: "mapped", mapped_to: { id: named.id, name: named.name } };
  const oldest = active[0];
  if (oldest) {
    return {
      type: "voice_ai_agent",
      outcome: "mapped",
      mapped_to: { id: oldest.id, name: oldest.name },
      auto_selected: true,
      reason: source
        ? `The account has no active Voice AI agent named ${source.name}; its oldest active agent, ${oldest.name}, was selected.`
        : `The source widget had no Voice AI agent; the account's oldest active agent, ${oldest.name}, was selected.`,
    };
  }
  return { type: "voice_ai_agent", outcome: "left_empty", reason: "The account has no active Voice AI agent." };
}

/**
 * The integrations the widget is mapped for: those its offered channels need, and any other the
 * source had chosen (an all-in-one widget keeps a number for a channel switched off).
 */
export function integrationTypesOf(widget: Pick<SnapshotWidget, "type" | "dependencies">, channels: ChannelToggles | null): IntegrationType[] {
  const needed = new Set(offeredChannels(widget.type, channels).flatMap((channel) => dependencyTypesOf(channel)));
  const types: IntegrationType[] = ["whatsapp_number", "facebook_page", "instagram_account", "voice_ai_agent"];
  return types.filter((type) => needed.has(type) || widget.dependencies[type] !== null);
}

export type DependencyIds = {
  whatsapp_number_id: number | null;
  facebook_page_id: number | null;
  instagram_account_id: number | null;
  voice_ai_agent_id: number | null;
};

/** Every integration the widget uses, mapped onto the target: the ids to store and one outcome each. */
export function mapDependencies(
  widget: Pick<SnapshotWidget, "type" | "dependencies">,
  channels: ChannelToggles | null,
  target: TargetIntegrations,
): { ids: DependencyIds; outcomes: DependencyOutcome[] } {
  const map: Record<IntegrationType, () => DependencyOutcome> = {
    whatsapp_number: () => mapWhatsappNumber(widget.dependencies.whatsapp_number, target.whatsapp_numbers),
    facebook_page: () => mapFacebookPage(widget.dependencies.facebook_page, target.facebook_pages),
    instagram_account: () => mapInstagramAccount(widget.dependencies.instagram_account, target.instagram_accounts),
    voice_ai_agent: () => mapVoiceAiAgent(widget.dependencies.voice_ai_agent, target.voice_ai_agents),
  };
  const outcomes = integrationTypesOf(widget, channels).map((type) => map[type]());
  const idOf = (type: IntegrationType) => outcomes.find((outcome) => outcome.type === type)?.mapped_to?.id ?? null;
  return {
    ids: {
      whatsapp_number_id: idOf("whatsapp_number"),
      facebook_page_id: idOf("facebook_page"),
      instagram_account_id: idOf("instagram_account"),
      voice_ai_agent_id: idOf("voice_ai_agent"),
    },
    outcomes,
  };
}

/** The warning a dependency outcome puts in the report: every one left empty, and an auto-selected agent. */
export function dependencyWarning(outcome: DependencyOutcome): string | null {
  if (outcome.outcome === "left_empty") return `${outcome.reason ?? ""} The widget stays incomplete until a ${LABELS[outcome.type]} is chosen.`.trim();
  if (outcome.auto_selected) return outcome.reason ?? null;
  return null;
}

// ---- Inbox --------------------------------------------------------------------------------------

/** The target's inbox with the same name and channel type (the oldest, if several), else null: one is created. */
export function matchInbox<T extends { id: number; name: string; channel_type: string }>(source: SnapshotInbox, target: T[]): T | null {
  return target.filter((inbox) => inbox.name === source.name && inbox.channel_type === source.channel_type).sort((a, b) => a.id - b.id)[0] ?? null;
}

/**
 * Whether a load may create an inbox like the source's when the target has none: website and API
 * inboxes, yes; an email inbox needs an address of its own and an SMS inbox its provider's
 * credentials, which only the target's administrators can give.
 */
export const inboxCreatable = (channelType: string) => channelType === "web_widget" || channelType === "api";

/**
 * The Email/SMS widget's inbox in the target: the one with the same name and channel type, else the
 * target's only inbox of that channel (auto-selected), else none, and the widget is left incomplete.
 */
export function matchChannelInbox<T extends { id: number; name: string; channel_type: string }>(
  source: SnapshotInbox,
  target: T[],
): { inbox: T; auto_selected: boolean } | null {
  const named = matchInbox(source, target);
  if (named) return { inbox: named, auto_selected: false };
  const sameChannel = target.filter((inbox) => inbox.channel_type === source.channel_type);
  const only = sameChannel.length === 1 ? sameChannel[0] : undefined;
  return only ? { inbox: only, auto_selected: true } : null;
}

/**
 * The settings of an inbox created for the widget: the source inbox's, except its time zone, which is
 * location-level and becomes the target account's. Tokens are always new (the caller makes them).
 */
export const inboxSettingsFor = (source: SnapshotInbox, targetTimezone: string): SnapshotInbox => ({ ...source, timezone: targetTimezone });

// ---- Settings and pre-chat form ----------------------------------------------------------------

type LocationSettings = {
  locale?: unknown;
  business?: unknown;
  business_hours?: unknown;
};

/**
 * Location-level settings become the target's: locale, business name, address, phone and email, and
 * the business hours' time zone are reset to null, which the widget resolves to the account's values.
 */
export function withTargetLocation<S extends LocationSettings>(settings: S): S {
  const business = typeof settings.business === "object" && settings.business !== null ? settings.business : {};
  const hours = typeof settings.business_hours === "object" && settings.business_hours !== null ? settings.business_hours : {};
  return {
    ...settings,
    locale: null,
    business: { ...business, name: null, address: null, phone: null, email: null },
    business_hours: { ...hours, timezone: null },
  };
}

export type AttributeRef = { attribute_key: string; attribute_model: string };

type FormField = { field_type?: unknown; name?: unknown };

/**
 * The pre-chat form without the attribute fields whose custom attribute the target lacks (after the
 * included definitions were created). Such fields are dropped and reported, never auto-created.
 */
export function keepKnownPreChatFields<F extends { fields?: unknown }>(
  form: F,
  available: AttributeRef[],
): { form: F; dropped: { name: string; field_type: string }[] } {
  const fields: FormField[] = Array.isArray(form.fields) ? form.fields : [];
  const dropped: { name: string; field_type: string }[] = [];
  const kept = fields.filter((field) => {
    if (field.field_type === "standard" || typeof field.field_type !== "string" || typeof field.name !== "string") return true;
    const known = available.some((definition) => definition.attribute_key === field.name && definition.attribute_model === field.field_type);
    if (!known) dropped.push({ name: field.name, field_type: field.field_type });
    return known;
  });
  return { form: Array.isArray(form.fields) ? { ...form, fields: kept } : form, dropped };
}

export const droppedFieldWarning = (field: { name: string; field_type: string }) =>
  `Pre-chat field ${field.name} was dropped: the account has no ${field.field_type === "contact_attribute" ? "contact" : "conversation"} attribute ${field.name}, and snapshots do not create custom attributes they were not given.`;

// ---- Custom attribute definitions ---------------------------------------------------------------

export type AttributePlan = { definition: SnapshotAttributeDefinition; action: "create" | "skip"; existing_id: number | null };

/** Each included definition is created unless the target has one with the same key and model, which is kept as it is. */
export function planAttributeDefinitions(included: SnapshotAttributeDefinition[], existing: ({ id: number } & AttributeRef)[]): AttributePlan[] {
  return included.map((definition) => {
    const same = existing.find((row) => row.attribute_key === definition.attribute_key && row.attribute_model === definition.attribute_model);
    return { definition, action: same ? "skip" : "create", existing_id: same?.id ?? null };
  });
}

// ---- Widgets ------------------------------------------------------------------------------------

export type OnConflict = "override" | "skip";
export type WidgetAction = "created" | "updated" | "skipped" | "would_create" | "would_update";

/** A widget an earlier load of the same snapshot created is updated (override) or left alone (skip); otherwise created. */
export function widgetAction(existingWidgetId: number | null, onConflict: OnConflict, dryRun: boolean): WidgetAction {
  if (existingWidgetId === null) return dryRun ? "would_create" : "created";
  if (onConflict === "skip") return "skipped";
  return dryRun ? "would_update" : "updated";
}

// ---- The report ---------------------------------------------------------------------------------

export type MediaOutcome = { slot: SnapshotMediaSlot; outcome: "copied" | "would_copy" | "missing" | "skipped" };

export type InboxOutcome = {
  outcome: "mapped" | "created" | "would_create" | "left_empty";
  inbox_id: number | null;
  name: string;
};

export type WidgetReportEntry = {
  kind: "chat_widget";
  source_widget_id: number;
  name: string;
  type: ChatWidgetType;
  action: WidgetAction;
  widget_id: number | null;
  setup_status: "complete" | "incomplete" | null;
  /** The helper texts the widget shows while incomplete. */
  missing_dependencies: string[];
  dependencies: DependencyOutcome[];
  media: MediaOutcome[];
  /** Null when the source widget had no inbox. */
  inbox: InboxOutcome | null;
  warnings: string[];
};

export type AttributeReportEntry = {
  kind: "custom_attribute_definition";
  attribute_key: string;
  attribute_model: string;
  action: "created" | "skipped" | "would_create";
  definition_id: number | null;
  reason?: string;
};

export type ReportEntry = WidgetReportEntry | AttributeReportEntry;

export function attributeReportEntry(plan: AttributePlan, dryRun: boolean): AttributeReportEntry {
  const { attribute_key, attribute_model } = plan.definition;
  if (plan.action === "skip") {
    return {
      kind: "custom_attribute_definition",
      attribute_key,
      attribute_model,
      action: "skipped",
      definition_id: plan.existing_id,
      reason: "The account already has an attribute with this key and model; it was kept as it is.",
    };
  }
  return { kind: "custom_attribute_definition", attribute_key, attribute_model, action: dryRun ? "would_create" : "created", definition_id: null };
}

export type LoadCounts = {
  chat_widgets: Record<WidgetAction, number> & { complete: number; incomplete: number };
  custom_attribute_definitions: { created: number; skipped: number; would_create: number };
  inboxes_created: number;
  media_copied: number;
  warnings: number;
};

/** What the entries add up to: the counts the report summary and the target's audit entry carry. */
export function countReport(entries: ReportEntry[]): LoadCounts {
  const counts: LoadCounts = {
    chat_widgets: { created: 0, updated: 0, skipped: 0, would_create: 0, would_update: 0, complete: 0, incomplete: 0 },
    custom_attribute_definitions: { created: 0, skipped: 0, would_create: 0 },
    inboxes_created: 0,
    media_copied: 0,
    warnings: 0,
  };
  for (const entry of entries) {
    if (entry.kind === "custom_attribute_definition") {
      counts.custom_attribute_definitions[entry.action]++;
      continue;
    }
    counts.chat_widgets[entry.action]++;
    if (entry.setup_status) counts.chat_widgets[entry.setup_status]++;
    if (entry.inbox?.outcome === "created") counts.inboxes_created++;
    counts.media_copied += entry.media.filter((media) => media.outcome === "copied").length;
    counts.warnings += entry.warnings.length;
  }
  return counts;
}

/** A load that left a warning (an empty dependency, a dropped field, an auto-selected agent, missing media) says so in its status. */
export const finishedStatus = (entries: ReportEntry[]) =>
  entries.some((entry) => entry.kind === "chat_widget" && entry.warnings.length > 0) ? "completed_with_warnings" : "completed";
