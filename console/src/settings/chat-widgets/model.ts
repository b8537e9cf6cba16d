/**
 * A chat widget in the builder: the API's shape, the unsaved draft the form edits, its setup (the
 * same rules the API applies, from src/domain/widget-setup.ts), the body Save sends, and the
 * configuration the preview iframe shows, fallbacks included.
 */
import { DEFAULT_PRE_CHAT_FORM, type PreChatForm, type PreChatFormField } from "../../../../src/domain/pre-chat";
import { callLink, instagramLink, messengerLink, whatsappLink } from "../../../../src/domain/widget-links";
import {
  type ChannelToggles,
  DEPENDENCY_FIELDS,
  type DependencyType,
  dependencyTypesOf,
  offeredChannels,
  unavailableChannels,
  WIDGET_CHANNELS,
  type WidgetChannel,
  type WidgetDependencies,
  widgetInboxChannels,
  widgetSetup,
  type WidgetSetup,
} from "../../../../src/domain/widget-setup";
import type { WidgetConfig } from "../../../../widget/src/app/types";
import type { InboxSummary } from "../../stores/lookups";
import type { FacebookPage, InstagramAccount, Integrations, VoiceAiAgent, WhatsappNumber } from "../integrations/store";

export type WidgetType = WidgetConfig["type"];
export const WIDGET_TYPES: WidgetType[] = ["live_chat", "email_sms", "whatsapp", "facebook", "instagram", "voice_ai", "all_in_one"];
export { WIDGET_CHANNELS, type WidgetChannel, type DependencyType, DEPENDENCY_FIELDS };

export type PreChatField = PreChatFormField;
export type { PreChatForm };
export type Media = { url: string; key: string; content_type: string } | null;

/** The settings the builder edits (the API's, without the read-only parts). */
export type DraftSettings = {
  colors: { primary: string; text: string };
  position: "right" | "left";
  launcher: { text: string | null; icon: "chat" | "message" | "help" | "phone" };
  greeting: { title: string; tagline: string };
  away_message: string | null;
  allowed_domains: string[];
  channels: ChannelToggles | null;
  prefilled_text: string | null;
  business: { show: boolean; name: string | null; address: string | null; phone: string | null; email: string | null };
};

export type ChatWidget = {
  id: number;
  name: string;
  type: WidgetType;
  widget_token: string;
  inbox_id: number | null;
  whatsapp_number_id: number | null;
  facebook_page_id: number | null;
  instagram_account_id: number | null;
  voice_ai_agent_id: number | null;
  settings: DraftSettings & { locale: string | null; avatar: Media; logo: Media };
  pre_chat_form: PreChatForm;
  setup_status: "complete" | "incomplete";
  missing_dependencies: { type: DependencyType | "channel"; field: string; message: string }[];
  actions: { save: { enabled: boolean; reason: string | null }; get_code: { enabled: boolean; reason: string | null } };
  snapshot: { snapshot_id: number; snapshot_name: string | null; load_id: number | null; loaded_at: string } | null;
  created_at: string;
  updated_at: string;
};

type DependencyIds = Record<(typeof DEPENDENCY_FIELDS)[DependencyType], number | null>;
export type Draft = { name: string; type: WidgetType; settings: DraftSettings; pre_chat_form: PreChatForm } & DependencyIds;

const NO_CHANNELS: ChannelToggles = { live_chat: false, email_sms: false, whatsapp: false, facebook: false, instagram: false, voice_ai: false };

/** A new widget of `type` with the API's defaults. */
export function newDraft(type: WidgetType, name: string): Draft {
  return {
    name,
    type,
    inbox_id: null,
    whatsapp_number_id: null,
    facebook_page_id: null,
    instagram_account_id: null,
    voice_ai_agent_id: null,
    settings: {
      colors: { primary: "#1f93ff", text: "#ffffff" },
      position: "right",
      launcher: { text: null, icon: "chat" },
      greeting: { title: "Hi there!", tagline: "We make it simple to connect with us. Ask us anything, or share your feedback." },
      away_message: null,
      allowed_domains: [],
      channels: type === "all_in_one" ? { ...NO_CHANNELS, live_chat: true } : null,
      prefilled_text: null,
      business: { show: false, name: null, address: null, phone: null, email: null },
    },
    pre_chat_form: structuredClone(DEFAULT_PRE_CHAT_FORM),
  };
}

export function draftOf(widget: ChatWidget): Draft {
  const { colors, position, launcher, greeting, away_message, allowed_domains, channels, prefilled_text, business } = widget.settings;
  return {
    name: widget.name,
    type: widget.type,
    inbox_id: widget.inbox_id,
    whatsapp_number_id: widget.whatsapp_number_id,
    facebook_page_id: widget.facebook_page_id,
    instagram_account_id: widget.instagram_account_id,
    voice_ai_agent_id: widget.voice_ai_agent_id,
    settings: structuredClone({ colors, position, launcher, greeting, away_message, allowed_domains, channels, prefilled_text, business }),
    pre_chat_form: structuredClone(widget.pre_chat_form),
  };
}

/** The dependencies a type may point at, as the API allows them. */
export const dependenciesOf = (type: WidgetType): DependencyType[] => dependencyTypesOf(type);

/** Which channels the widget offers: its own, or those switched on for all-in-one. */
export const channelsOf = (draft: Draft): WidgetChannel[] => offeredChannels(draft.type, draft.settings.channels);

/** The dependencies a channel of the draft needs: for all-in-one, only the channels switched on. */
export const neededDependencies = (draft: Draft): DependencyType[] =>
  dependenciesOf(draft.type).filter((dependency) => channelsOf(draft).some((channel) => dependencyTypesOf(channel).includes(dependency)));

type Found = {
  inbox: InboxSummary | null;
  whatsapp_number: WhatsappNumber | null;
  facebook_page: FacebookPage | null;
  instagram_account: InstagramAccount | null;
  voice_ai_agent: VoiceAiAgent | null;
};

/** Chatwoot's channel classes, as inbox lists carry them, for the inbox channels a widget may route to. */
const CHANNEL_CLASSES = { web_widget: "Channel::WebWidget", email: "Channel::Email", sms: "Channel::Sms" } as const;
type InboxChannel = keyof typeof CHANNEL_CLASSES;
const channelOfInbox = (inbox: InboxSummary): InboxChannel | null =>
  (Object.keys(CHANNEL_CLASSES) as InboxChannel[]).find((channel) => CHANNEL_CLASSES[channel] === inbox.channel_type) ?? null;

/** The inboxes a widget of this type may route to: website inboxes, and for the Email/SMS widget email and SMS inboxes too. */
export const inboxesFor = (type: Draft["type"], inboxes: InboxSummary[]) =>
  inboxes.filter((inbox) => {
    const channel = channelOfInbox(inbox);
    return channel !== null && (widgetInboxChannels(type) as readonly string[]).includes(channel);
  });

/** The rows behind the draft's ids (null for none, or one that no longer exists). */
export function foundDependencies(draft: Draft, inboxes: InboxSummary[], lists: Integrations): Found {
  return {
    inbox: inboxesFor(draft.type, inboxes).find((inbox) => inbox.id === draft.inbox_id) ?? null,
    whatsapp_number: lists.whatsapp_numbers.find((row) => row.id === draft.whatsapp_number_id) ?? null,
    facebook_page: lists.facebook_pages.find((row) => row.id === draft.facebook_page_id) ?? null,
    instagram_account: lists.instagram_accounts.find((row) => row.id === draft.instagram_account_id) ?? null,
    voice_ai_agent: lists.voice_ai_agents.find((row) => row.id === draft.voice_ai_agent_id) ?? null,
  };
}

/** Setup as the API would answer it for this draft: what is missing, whether Save and Get Code are on. */
export const setupOf = (draft: Draft, found: Found): WidgetSetup => widgetSetup(draft.type, draft.settings, found satisfies WidgetDependencies);

/** What Save sends: the draft, with only the dependency ids the type uses. */
export function bodyOf(draft: Draft, isNew: boolean): Record<string, unknown> {
  const ids = Object.fromEntries(dependenciesOf(draft.type).map((dependency) => [DEPENDENCY_FIELDS[dependency], draft[DEPENDENCY_FIELDS[dependency]]]));
  const { channels, ...rest } = draft.settings;
  const settings = { ...rest, allowed_domains: rest.allowed_domains.filter((domain) => domain !== "") };
  return {
    name: draft.name.trim(),
    ...(isNew ? { type: draft.type } : {}),
    ...ids,
    settings: draft.type === "all_in_one" ? { ...settings, channels } : settings,
    pre_chat_form: draft.pre_chat_form,
  };
}

/**
 * The configuration the chat app would fetch for this draft (GET /api/v1/widget/config), built here
 * because the draft is not saved: links for the channels that are set up, fallbacks for the others.
 */
export function previewConfig(draft: Draft, found: Found, media: { avatar: Media; logo: Media }, locale: string): WidgetConfig {
  const { settings } = draft;
  const channels: WidgetConfig["channels"] = {};
  const previewToken = "preview";
  for (const channel of channelsOf(draft)) {
    if (channel === "live_chat" && found.inbox) channels.live_chat = { website_token: previewToken };
    const inboxChannel = found.inbox ? channelOfInbox(found.inbox) : null;
    if (channel === "email_sms" && inboxChannel) {
      channels.email_sms = { inbox_channel: inboxChannel, ...(inboxChannel === "web_widget" ? { website_token: previewToken } : {}) };
    }
    if (channel === "whatsapp" && found.whatsapp_number?.status === "connected")
      channels.whatsapp = { url: whatsappLink(found.whatsapp_number.phone_number, settings.prefilled_text) };
    if (channel === "facebook" && found.facebook_page?.status === "connected")
      channels.facebook = { url: messengerLink(found.facebook_page.page_id, settings.prefilled_text) };
    if (channel === "instagram" && found.instagram_account?.status === "connected")
      channels.instagram = { url: instagramLink(found.instagram_account.username) };
    if (channel === "voice_ai" && found.voice_ai_agent?.status === "active") {
      const phone = found.voice_ai_agent.phone_number;
      channels.voice_ai = { agent_name: found.voice_ai_agent.name, phone_number: phone, call_url: callLink(phone) };
    }
  }
  const business = settings.business.show
    ? { name: settings.business.name, address: settings.business.address, phone: settings.business.phone, email: settings.business.email }
    : null;
  return {
    token: previewToken,
    type: draft.type,
    name: draft.name,
    locale,
    colors: settings.colors,
    greeting: settings.greeting,
    avatar_url: media.avatar?.url ?? null,
    logo_url: media.logo?.url ?? null,
    business,
    away_message: settings.away_message,
    online: true,
    pre_chat_form: { ...draft.pre_chat_form, fields: draft.pre_chat_form.fields.filter((field) => field.enabled) },
    unavailable: unavailableChannels(draft.type, settings.channels, found),
    channels,
  };
}
