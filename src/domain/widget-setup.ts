/**
 * Whether a chat widget has what it needs to go live: which account-specific dependencies (inbox,
 * WhatsApp number, Facebook page, Instagram account, Voice AI agent) each type needs, which are
 * missing, and the helper texts that explain why Save and Get Code are disabled. Pure: the API,
 * snapshot loads and the public widget configuration all decide the same way.
 */
import type { ChannelType, ChatWidgetType } from "../db/schema";

/** What a widget offers a visitor: every widget type but all-in-one, which bundles them. */
export type WidgetChannel = Exclude<ChatWidgetType, "all_in_one">;
export const WIDGET_CHANNELS = ["live_chat", "email_sms", "whatsapp", "facebook", "instagram", "voice_ai"] as const satisfies readonly WidgetChannel[];
export type ChannelToggles = Record<WidgetChannel, boolean>;

export type DependencyType = "inbox" | "whatsapp_number" | "facebook_page" | "instagram_account" | "voice_ai_agent";

/**
 * The widget's dependencies as they are now: null when none is chosen (or it was deleted). Integrations
 * carry their status: a disconnected number, page or account, or an inactive agent, counts as missing.
 */
export type WidgetDependencies = {
  inbox: object | null;
  whatsapp_number: { status: "connected" | "disconnected" } | null;
  facebook_page: { status: "connected" | "disconnected" } | null;
  instagram_account: { status: "connected" | "disconnected" } | null;
  voice_ai_agent: { status: "active" | "inactive" } | null;
};

export type MissingDependency = { type: DependencyType | "channel"; field: string; message: string };

export type WidgetSetup = {
  setup_status: "complete" | "incomplete";
  missing_dependencies: MissingDependency[];
  actions: { save: { enabled: boolean; reason: string | null }; get_code: { enabled: boolean; reason: string | null } };
};

const CHANNEL_DEPENDENCY: Record<WidgetChannel, DependencyType> = {
  live_chat: "inbox",
  email_sms: "inbox",
  whatsapp: "whatsapp_number",
  facebook: "facebook_page",
  instagram: "instagram_account",
  voice_ai: "voice_ai_agent",
};

/** The widget field that holds each dependency. */
export const DEPENDENCY_FIELDS = {
  inbox: "inbox_id",
  whatsapp_number: "whatsapp_number_id",
  facebook_page: "facebook_page_id",
  instagram_account: "instagram_account_id",
  voice_ai_agent: "voice_ai_agent_id",
} as const satisfies Record<DependencyType, string>;

/**
 * The inbox channels a widget may route to. Chat needs a website inbox. The Email/SMS widget's lead
 * opens its conversation in the email or SMS inbox it names, so agents answer on that channel; a
 * website inbox still serves, its replies reaching a visitor who left an email by continuity.
 */
export function widgetInboxChannels(type: ChatWidgetType): readonly ChannelType[] {
  return type === "email_sms" ? ["email", "sms", "web_widget"] : ["web_widget"];
}

export const inboxFitsWidget = (type: ChatWidgetType, channelType: ChannelType) => widgetInboxChannels(type).includes(channelType);

/** The Email/SMS widget's helper text when it has no inbox. */
export const EMAIL_SMS_INBOX_TEXT = "Choose an email, SMS or website inbox for this widget before saving or getting its code.";

/** The helper tooltip for each missing dependency. */
export const HELPER_TEXTS: Record<DependencyType | "channel", string> = {
  inbox: "Choose a website inbox for this widget before saving or getting its code.",
  whatsapp_number: "Connect a WhatsApp number to this widget before saving or getting its code.",
  facebook_page: "Connect a Facebook page to this widget before saving or getting its code.",
  instagram_account: "Connect an Instagram account to this widget before saving or getting its code.",
  voice_ai_agent: "Choose an active Voice AI agent for this widget before saving or getting its code.",
  channel: "Turn on at least one channel for this widget before saving or getting its code.",
};

/** What a website visitor sees instead of a channel that is not set up. */
export const UNAVAILABLE_TEXTS: Record<WidgetChannel, string> = {
  live_chat: "Live chat is not available yet",
  email_sms: "Email and text messages are not available yet",
  whatsapp: "WhatsApp is not available yet",
  facebook: "Messenger is not available yet",
  instagram: "Instagram is not available yet",
  voice_ai: "Voice AI is not available yet",
};

/** The channels a widget offers: its own for single-channel types, the ones switched on for all-in-one. */
export function offeredChannels(type: ChatWidgetType, channels: ChannelToggles | null): WidgetChannel[] {
  if (type !== "all_in_one") return [type];
  return WIDGET_CHANNELS.filter((channel) => channels?.[channel] === true);
}

/** Which dependencies each widget type may point at: its channels', or all of them for all-in-one. */
export function dependencyTypesOf(type: ChatWidgetType): DependencyType[] {
  const channels = type === "all_in_one" ? WIDGET_CHANNELS : [type];
  return [...new Set(channels.map((channel) => CHANNEL_DEPENDENCY[channel]))];
}

function usable(type: DependencyType, dependencies: WidgetDependencies): boolean {
  const dependency = dependencies[type];
  if (dependency === null) return false;
  if ("status" in dependency) return dependency.status === "connected" || dependency.status === "active";
  return true;
}

/** Whether the channel can reach visitors now. */
export const channelAvailable = (channel: WidgetChannel, dependencies: WidgetDependencies) => usable(CHANNEL_DEPENDENCY[channel], dependencies);

/** The widget's setup: complete when every offered channel's dependency is there and usable. */
export function widgetSetup(type: ChatWidgetType, settings: { channels: ChannelToggles | null }, dependencies: WidgetDependencies): WidgetSetup {
  const offered = offeredChannels(type, settings.channels);
  const missing: MissingDependency[] = offered.length === 0 ? [{ type: "channel", field: "settings.channels", message: HELPER_TEXTS.channel }] : [];
  const missingTypes = new Set(offered.map((channel) => CHANNEL_DEPENDENCY[channel]).filter((dependency) => !usable(dependency, dependencies)));
  for (const dependency of missingTypes) {
    const message = dependency === "inbox" && type === "email_sms" ? EMAIL_SMS_INBOX_TEXT : HELPER_TEXTS[dependency];
    missing.push({ type: dependency, field: DEPENDENCY_FIELDS[dependency], message });
  }
  const reason = missing[0]?.message ?? null;
  const action = { enabled: reason === null, reason };
  return {
    setup_status: reason === null ? "complete" : "incomplete",
    missing_dependencies: missing,
    actions: { save: action, get_code: { ...action } },
  };
}

/** The offered channels a visitor cannot use yet, with the fallback text the widget shows for each. */
export function unavailableChannels(type: ChatWidgetType, channels: ChannelToggles | null, dependencies: WidgetDependencies) {
  return offeredChannels(type, channels)
    .filter((channel) => !channelAvailable(channel, dependencies))
    .map((channel) => ({ channel, message: UNAVAILABLE_TEXTS[channel] }));
}
