/**
 * What a snapshot holds: a sub-account's chat widgets with everything needed to rebuild them in
 * another sub-account (settings and layout, pre-chat form, the routed inbox's settings, the
 * identities of the integrations they used, their media) and the custom attribute definitions the
 * agency chose to include. Captured once, when the snapshot is created, and never changed.
 */
import type {
  ATTRIBUTE_DISPLAY_TYPES,
  ATTRIBUTE_MODELS,
  ChannelType,
  ChatWidgetType,
  customAttributeDefinitions,
  facebookPages,
  inboxes,
  instagramAccounts,
  voiceAiAgents,
  whatsappNumbers,
  WorkingHoursDay,
} from "../db/schema";

export const SNAPSHOT_MEDIA_SLOTS = ["avatar", "logo"] as const;
export type SnapshotMediaSlot = (typeof SNAPSHOT_MEDIA_SLOTS)[number];

/** A website inbox's settings, without its tokens: a load creates an inbox like it when the target has none. */
export type SnapshotInbox = {
  name: string;
  channel_type: ChannelType;
  website_url: string | null;
  widget_color: string | null;
  welcome_title: string | null;
  welcome_tagline: string | null;
  hmac_mandatory: boolean;
  greeting_enabled: boolean;
  greeting_message: string | null;
  enable_email_collect: boolean;
  allow_messages_after_resolved: boolean;
  lock_to_single_conversation: boolean;
  working_hours_enabled: boolean;
  out_of_office_message: string | null;
  timezone: string;
  working_hours: WorkingHoursDay[];
};

/** Who the source's integrations were: what a load looks for in the target. Null: the widget had none. */
export type SnapshotDependencies = {
  whatsapp_number: { phone_number: string; display_name: string | null } | null;
  facebook_page: { page_id: string; name: string } | null;
  instagram_account: { instagram_id: string; username: string } | null;
  voice_ai_agent: { name: string } | null;
};

/** A media file the snapshot owns, at `snapshotMediaKey(...)`. */
export type SnapshotMedia = { file_name: string; content_type: string };

export type SnapshotWidget = {
  source_widget_id: number;
  name: string;
  type: ChatWidgetType;
  /** The widget's settings and layout as stored, avatar and logo left out (see `media`). */
  settings: Record<string, unknown>;
  pre_chat_form: Record<string, unknown>;
  inbox: SnapshotInbox | null;
  dependencies: SnapshotDependencies;
  media: Record<SnapshotMediaSlot, SnapshotMedia | null>;
};

export type SnapshotAttributeDefinition = {
  attribute_display_name: string;
  attribute_key: string;
  attribute_display_type: (typeof ATTRIBUTE_DISPLAY_TYPES)[number];
  attribute_model: (typeof ATTRIBUTE_MODELS)[number];
  attribute_description: string | null;
  attribute_values: string[];
  regex_pattern: string | null;
  regex_cue: string | null;
  default_value: string | null;
};

export const SNAPSHOT_CONTENTS_VERSION = 1;

export type SnapshotContents = {
  version: typeof SNAPSHOT_CONTENTS_VERSION;
  chat_widgets: SnapshotWidget[];
  custom_attribute_definitions: SnapshotAttributeDefinition[];
};

/** The contents as stored, or null when they are not in a format this version reads. */
export function snapshotContentsOf(stored: Record<string, unknown>): SnapshotContents | null {
  const valid = stored.version === SNAPSHOT_CONTENTS_VERSION && Array.isArray(stored.chat_widgets) && Array.isArray(stored.custom_attribute_definitions);
  return valid ? (stored as unknown as SnapshotContents) : null;
}

/** Everything under this prefix belongs to the snapshot and is deleted with it. */
export const snapshotMediaPrefix = (snapshotId: number) => `snapshots/${snapshotId}/`;

export const snapshotMediaKey = (snapshotId: number, sourceWidgetId: number, slot: SnapshotMediaSlot, fileName: string) =>
  `${snapshotMediaPrefix(snapshotId)}widgets/${sourceWidgetId}/${slot}/${fileName}`;

type StoredMedia = { key: string; content_type: string };

/** A source widget as read from D1: its row, settings and form as stored, and the rows it depends on. */
export type SourceWidget = {
  widget: { id: number; name: string; type: ChatWidgetType };
  settings: { avatar: StoredMedia | null; logo: StoredMedia | null } & Record<string, unknown>;
  preChatForm: object;
  dependencies: {
    inbox: typeof inboxes.$inferSelect | null;
    whatsapp_number: typeof whatsappNumbers.$inferSelect | null;
    facebook_page: typeof facebookPages.$inferSelect | null;
    instagram_account: typeof instagramAccounts.$inferSelect | null;
    voice_ai_agent: typeof voiceAiAgents.$inferSelect | null;
  };
};

const fileNameOf = (key: string) => key.slice(key.lastIndexOf("/") + 1) || "file";

function snapshotInboxOf(inbox: typeof inboxes.$inferSelect): SnapshotInbox {
  return {
    name: inbox.name,
    channel_type: inbox.channelType,
    website_url: inbox.websiteUrl,
    widget_color: inbox.widgetColor,
    welcome_title: inbox.welcomeTitle,
    welcome_tagline: inbox.welcomeTagline,
    hmac_mandatory: inbox.hmacMandatory,
    greeting_enabled: inbox.greetingEnabled,
    greeting_message: inbox.greetingMessage,
    enable_email_collect: inbox.enableEmailCollect,
    allow_messages_after_resolved: inbox.allowMessagesAfterResolved,
    lock_to_single_conversation: inbox.lockToSingleConversation,
    working_hours_enabled: inbox.workingHoursEnabled,
    out_of_office_message: inbox.outOfOfficeMessage,
    timezone: inbox.timezone,
    working_hours: inbox.workingHours,
  };
}

/**
 * The widget as a snapshot keeps it. `mediaExists` says whether a stored media key still has its
 * object in R2; media that is gone is left out rather than copied as nothing.
 */
export function snapshotWidgetOf(source: SourceWidget, mediaExists: (key: string) => boolean): SnapshotWidget {
  const { avatar, logo, ...settings } = source.settings;
  const media = (stored: StoredMedia | null): SnapshotMedia | null =>
    stored && mediaExists(stored.key) ? { file_name: fileNameOf(stored.key), content_type: stored.content_type } : null;
  const { inbox, whatsapp_number, facebook_page, instagram_account, voice_ai_agent } = source.dependencies;
  return {
    source_widget_id: source.widget.id,
    name: source.widget.name,
    type: source.widget.type,
    settings,
    pre_chat_form: { ...source.preChatForm },
    inbox: inbox ? snapshotInboxOf(inbox) : null,
    dependencies: {
      whatsapp_number: whatsapp_number ? { phone_number: whatsapp_number.phoneNumber, display_name: whatsapp_number.displayName } : null,
      facebook_page: facebook_page ? { page_id: facebook_page.pageId, name: facebook_page.name } : null,
      instagram_account: instagram_account ? { instagram_id: instagram_account.instagramId, username: instagram_account.username } : null,
      voice_ai_agent: voice_ai_agent ? { name: voice_ai_agent.name } : null,
    },
    media: { avatar: media(avatar), logo: media(logo) },
  };
}

export function snapshotAttributeDefinitionOf(row: typeof customAttributeDefinitions.$inferSelect): SnapshotAttributeDefinition {
  return {
    attribute_display_name: row.attributeDisplayName,
    attribute_key: row.attributeKey,
    attribute_display_type: row.attributeDisplayType,
    attribute_model: row.attributeModel,
    attribute_description: row.attributeDescription,
    attribute_values: row.attributeValues,
    regex_pattern: row.regexPattern,
    regex_cue: row.regexCue,
    default_value: row.defaultValue,
  };
}

/** The source media keys of a widget and where the snapshot keeps their copies. */
export function snapshotMediaCopies(snapshotId: number, source: SourceWidget, captured: SnapshotWidget) {
  return SNAPSHOT_MEDIA_SLOTS.flatMap((slot) => {
    const stored = source.settings[slot];
    const kept = captured.media[slot];
    return stored && kept ? [{ from: stored.key, to: snapshotMediaKey(snapshotId, captured.source_widget_id, slot, kept.file_name) }] : [];
  });
}
