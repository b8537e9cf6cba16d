/** D1 schema: the platform's configuration. Live conversation state lives in Durable Objects, not here. */
import { sql } from "drizzle-orm";
import { type AnySQLiteColumn, check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { BusinessDay } from "../domain/business-hours";
import type { Attachment } from "../domain/conversation";
import { AUTOMATION_TRIGGERS } from "../domain/events";
import { SLA_EVENT_TYPES, SLA_STATUSES } from "../domain/sla";
import type { WhatsappTemplate } from "../domain/whatsapp-cloud";

/** 32 random bytes as hex: a chat widget's command signing key. */
export const newCommandSecret = () => [...crypto.getRandomValues(new Uint8Array(32))].map((byte) => byte.toString(16).padStart(2, "0")).join("");

const createdAt = () => integer("created_at", { mode: "timestamp" }).notNull().default(sql`(unixepoch())`);
const updatedAt = () => integer("updated_at", { mode: "timestamp" }).notNull().default(sql`(unixepoch())`);

export const ROLES = ["administrator", "agent"] as const;
export type Role = (typeof ROLES)[number];

/** A person of the agency itself (not of a sub-account): owners also manage the agency's people. */
export const AGENCY_ROLES = ["owner", "admin"] as const;
export type AgencyRole = (typeof AGENCY_ROLES)[number];

/** An agency runs many sub-accounts. Its access token is stored as a lookup id plus a SHA-256 hash. */
export const agencies = sqliteTable(
  "agencies",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    name: text("name").notNull(),
    tokenId: text("token_id").notNull(),
    tokenHash: text("token_hash").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("agencies_token_id_unique").on(t.tokenId)],
);

/** A sub-account (Chatwoot's "account"): the tenant that owns inboxes, widgets and conversations. */
export const accounts = sqliteTable(
  "accounts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    agencyId: integer("agency_id")
      .notNull()
      .references(() => agencies.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    locale: text("locale").notNull().default("en"),
    country: text("country"),
    timezone: text("timezone").notNull().default("UTC"),
    businessName: text("business_name"),
    businessAddress: text("business_address"),
    businessPhone: text("business_phone"),
    supportEmail: text("support_email"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("accounts_agency_id_idx").on(t.agencyId)],
);

/** A person who works in one or more of an agency's sub-accounts. Emails are unique per agency. */
export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    agencyId: integer("agency_id")
      .notNull()
      .references(() => agencies.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    email: text("email").notNull(),
    tokenId: text("token_id").notNull(),
    tokenHash: text("token_hash").notNull(),
    /** PBKDF2 hash of the sign-in password (src/domain/passwords.ts); null until one is set. */
    passwordHash: text("password_hash"),
    /** Set for the agency's own people (the Agency View); null for users of sub-accounts only. */
    agencyRole: text("agency_role", { enum: AGENCY_ROLES }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("users_token_id_unique").on(t.tokenId), uniqueIndex("users_agency_email_unique").on(t.agencyId, t.email)],
);

/** Membership of a user in a sub-account, with the role that decides what they may change. */
export const accountUsers = sqliteTable(
  "account_users",
  {
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ROLES }).notNull(),
    /** When the user last chose this account as their active one (Chatwoot's set_active_account). */
    activeAt: integer("active_at", { mode: "timestamp" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.userId] }),
    index("account_users_user_id_idx").on(t.userId),
    check("account_users_role_check", sql`${t.role} in ('administrator', 'agent')`),
  ],
);

/**
 * A signed-in session (devise_token_auth's token per `client`): its access token is stored as a
 * lookup id plus a SHA-256 hash, like every token. It lives while used (`expires_at` slides with
 * `last_used_at`, up to a hard limit); sign-out, revocation and password changes delete the row.
 */
export const userSessions = sqliteTable(
  "user_sessions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** devise_token_auth's `client`: a random public id of the session, sent back in the `client` header. */
    clientId: text("client_id").notNull(),
    tokenId: text("token_id").notNull(),
    tokenHash: text("token_hash").notNull(),
    createdAt: createdAt(),
    lastUsedAt: integer("last_used_at", { mode: "timestamp" }).notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp" }).notNull(),
    userAgent: text("user_agent"),
    ip: text("ip"),
    /** An agency user's session opened this sub-account as its administrator (for this session only). */
    actingAccountId: integer("acting_account_id").references(() => accounts.id, { onDelete: "set null" }),
  },
  (t) => [
    uniqueIndex("user_sessions_token_id_unique").on(t.tokenId),
    uniqueIndex("user_sessions_client_id_unique").on(t.clientId),
    index("user_sessions_user_idx").on(t.userId),
  ],
);

export const PASSWORD_TOKEN_PURPOSES = ["invitation", "reset"] as const;
export type PasswordTokenPurpose = (typeof PASSWORD_TOKEN_PURPOSES)[number];

/**
 * One-time links that set a password: an invitation (a user created without one) or a reset. Only a
 * lookup id and the SHA-256 hash of the secret are stored; `used_at` makes a link work once.
 */
export const passwordTokens = sqliteTable(
  "password_tokens",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: PASSWORD_TOKEN_PURPOSES }).notNull(),
    tokenId: text("token_id").notNull(),
    tokenHash: text("token_hash").notNull(),
    createdAt: createdAt(),
    expiresAt: integer("expires_at", { mode: "timestamp" }).notNull(),
    usedAt: integer("used_at", { mode: "timestamp" }),
  },
  (t) => [
    uniqueIndex("password_tokens_token_id_unique").on(t.tokenId),
    index("password_tokens_user_idx").on(t.userId),
    check("password_tokens_purpose_check", sql`${t.purpose} in ('invitation', 'reset')`),
  ],
);

export const ACTOR_TYPES = ["Platform", "Agency", "User", "System", "AgentBot"] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

/**
 * Who changed what, when and from where. Rows outlive the agencies, accounts and users they
 * describe (an audit trail must keep "deleted" entries), so they carry ids without foreign keys.
 */
export const auditLogs = sqliteTable(
  "audit_logs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    agencyId: integer("agency_id"),
    accountId: integer("account_id"),
    actorType: text("actor_type", { enum: ACTOR_TYPES }).notNull(),
    actorId: integer("actor_id"),
    actorName: text("actor_name"),
    actorEmail: text("actor_email"),
    action: text("action").notNull(),
    auditableType: text("auditable_type").notNull(),
    auditableId: integer("auditable_id"),
    auditedChanges: text("audited_changes", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    remoteAddress: text("remote_address"),
    createdAt: createdAt(),
  },
  (t) => [index("audit_logs_account_idx").on(t.accountId, t.id), index("audit_logs_agency_idx").on(t.agencyId, t.id)],
);

/**
 * Sub-accounts deleted from D1 whose media (R2) and live state (Durable Objects) still need
 * removing. The purge job deletes the row when done; the cron sweep re-enqueues stale rows.
 */
export const accountPurges = sqliteTable("account_purges", {
  accountId: integer("account_id").primaryKey(),
  requestedAt: integer("requested_at", { mode: "timestamp" }).notNull().default(sql`(unixepoch())`),
  enqueuedAt: integer("enqueued_at", { mode: "timestamp" }),
});

/** Queue messages that exhausted their retries, kept for operators to inspect. */
export const deadJobs = sqliteTable("dead_jobs", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  messageId: text("message_id").notNull().unique(),
  body: text("body", { mode: "json" }).notNull(),
  attempts: integer("attempts").notNull(),
  createdAt: createdAt(),
});

/** Inbox channels by the `channel.type` Chatwoot creates them with (their Channel:: classes in src/domain/chatwoot-payloads.ts). */
export const CHANNEL_TYPES = ["web_widget", "api", "sms", "whatsapp", "facebook_page", "instagram", "email"] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

export const SMS_PROVIDERS = ["twilio"] as const;

/**
 * How an SMS inbox reaches its provider (Twilio's Messages API or one that speaks it). The auth
 * token must be sent, not compared, so it is stored as is; the API never returns it.
 */
export type SmsProviderConfig = { account_sid: string; auth_token: string; api_base_url: string | null };

/**
 * How a WhatsApp inbox reaches the WhatsApp Cloud API (Chatwoot's `provider_config` for
 * `whatsapp_cloud`): the access token (`api_key`) must be sent, so it is stored as is and never
 * returned; the webhook verify token answers Meta's subscription handshake.
 */
export type WhatsappProviderConfig = { api_key: string; phone_number_id: string; business_account_id: string; webhook_verify_token: string };

/** A WhatsApp Business account's message template as the Graph API lists it (src/domain/whatsapp-cloud.ts), cached on the inbox. */
export type { WhatsappTemplate };

/** One day of an inbox's working hours, in Chatwoot's shape (day_of_week 0 = Sunday). */
export type WorkingHoursDay = BusinessDay;

/** Chatwoot's web widget reply times, in its order. */
export const REPLY_TIMES = ["in_a_few_minutes", "in_a_few_hours", "in_a_day"] as const;
export type ReplyTime = (typeof REPLY_TIMES)[number];

/**
 * An inbox: where conversations arrive. Website inboxes are reached by `website_token`, API
 * inboxes by `inbox_identifier`; both are public identifiers, not secrets. `hmac_token` is the key
 * a website uses to sign visitor identities, so it is stored as is (it must be used, not compared).
 */
export const inboxes = sqliteTable(
  "inboxes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    channelType: text("channel_type", { enum: CHANNEL_TYPES }).notNull(),
    /** Public identifier for the Client API: the website_token of website inboxes, a random id for API inboxes. */
    inboxIdentifier: text("inbox_identifier").notNull(),
    websiteToken: text("website_token"),
    websiteUrl: text("website_url"),
    widgetColor: text("widget_color"),
    welcomeTitle: text("welcome_title"),
    welcomeTagline: text("welcome_tagline"),
    webhookUrl: text("webhook_url"),
    hmacToken: text("hmac_token").notNull(),
    hmacMandatory: integer("hmac_mandatory", { mode: "boolean" }).notNull().default(false),
    greetingEnabled: integer("greeting_enabled", { mode: "boolean" }).notNull().default(false),
    greetingMessage: text("greeting_message"),
    enableEmailCollect: integer("enable_email_collect", { mode: "boolean" }).notNull().default(true),
    allowMessagesAfterResolved: integer("allow_messages_after_resolved", { mode: "boolean" }).notNull().default(true),
    lockToSingleConversation: integer("lock_to_single_conversation", { mode: "boolean" }).notNull().default(false),
    workingHoursEnabled: integer("working_hours_enabled", { mode: "boolean" }).notNull().default(false),
    timezone: text("timezone").notNull().default("UTC"),
    outOfOfficeMessage: text("out_of_office_message"),
    workingHours: text("working_hours", { mode: "json" }).$type<WorkingHoursDay[]>().notNull(),
    /** Chatwoot's `csat_survey_enabled`: resolving a conversation asks the contact for a rating (an input_csat message). */
    csatSurveyEnabled: integer("csat_survey_enabled", { mode: "boolean" }).notNull().default(false),
    /** Chatwoot's web widget `reply_time`: what the widget says about how soon the team answers. */
    replyTime: text("reply_time", { enum: REPLY_TIMES }).notNull().default("in_a_few_minutes"),
    /** SMS inboxes: the E.164 number messages are sent from, the provider and its credentials. */
    phoneNumber: text("phone_number"),
    smsProvider: text("sms_provider", { enum: SMS_PROVIDERS }),
    providerConfig: text("provider_config", { mode: "json" }).$type<SmsProviderConfig>(),
    /** WhatsApp inboxes (`phone_number` is theirs too): the Cloud API settings and the message templates last synced from it. */
    whatsappConfig: text("whatsapp_config", { mode: "json" }).$type<WhatsappProviderConfig>(),
    whatsappTemplates: text("whatsapp_templates", { mode: "json" }).$type<WhatsappTemplate[]>(),
    whatsappTemplatesSyncedAt: integer("whatsapp_templates_synced_at", { mode: "timestamp" }),
    /** Email inboxes: the address mail arrives at (Email Routing sends it to the Worker), lower case, one inbox per address. */
    email: text("email"),
    /**
     * API inboxes: the secret that signs the callbacks to `webhook_url` (Chatwoot's Channel::Api `secret`),
     * made with the inbox, rotated by `reset_secret`; an inbox without one gets it on its first callback.
     */
    webhookSecret: text("webhook_secret"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("inboxes_account_id_idx").on(t.accountId),
    // An SMS and a WhatsApp inbox may share the business's number.
    uniqueIndex("inboxes_account_channel_phone_unique").on(t.accountId, t.channelType, t.phoneNumber),
    uniqueIndex("inboxes_inbox_identifier_unique").on(t.inboxIdentifier),
    uniqueIndex("inboxes_website_token_unique").on(t.websiteToken),
    uniqueIndex("inboxes_email_unique").on(t.email),
    check("inboxes_channel_type_check", sql`${t.channelType} in ('web_widget', 'api', 'sms', 'whatsapp', 'facebook_page', 'instagram', 'email')`),
  ],
);

/** Which agents see an inbox's conversations. Administrators see every inbox of their account. */
export const inboxMembers = sqliteTable(
  "inbox_members",
  {
    inboxId: integer("inbox_id")
      .notNull()
      .references(() => inboxes.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.inboxId, t.userId] }), index("inbox_members_user_id_idx").on(t.userId)],
);

export const teams = sqliteTable(
  "teams",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description"),
    allowAutoAssign: integer("allow_auto_assign", { mode: "boolean" }).notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("teams_account_name_unique").on(t.accountId, t.name)],
);

export const teamMembers = sqliteTable(
  "team_members",
  {
    teamId: integer("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] }), index("team_members_user_id_idx").on(t.userId)],
);

// ---- Integrations: the account-specific dependencies chat widgets point at ---------------------

export const INTEGRATION_STATUSES = ["connected", "disconnected"] as const;

export const whatsappNumbers = sqliteTable(
  "whatsapp_numbers",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    /** E.164, e.g. +14155550100. */
    phoneNumber: text("phone_number").notNull(),
    displayName: text("display_name"),
    status: text("status", { enum: INTEGRATION_STATUSES }).notNull().default("connected"),
    /** The WhatsApp inbox that holds this number's credentials and conversations (one home); null for a number only linked from widgets. */
    inboxId: integer("inbox_id").references(() => inboxes.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("whatsapp_numbers_account_phone_unique").on(t.accountId, t.phoneNumber), uniqueIndex("whatsapp_numbers_inbox_unique").on(t.inboxId)],
);

export const facebookPages = sqliteTable(
  "facebook_pages",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    pageId: text("page_id").notNull(),
    name: text("name").notNull(),
    status: text("status", { enum: INTEGRATION_STATUSES }).notNull().default("connected"),
    /** The Messenger inbox that is this page (`Channel::FacebookPage`), and the page access token it sends with; never returned. */
    inboxId: integer("inbox_id").references((): AnySQLiteColumn => inboxes.id, { onDelete: "set null" }),
    pageAccessToken: text("page_access_token"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("facebook_pages_account_page_unique").on(t.accountId, t.pageId), uniqueIndex("facebook_pages_inbox_unique").on(t.inboxId)],
);

export const instagramAccounts = sqliteTable(
  "instagram_accounts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    instagramId: text("instagram_id").notNull(),
    username: text("username").notNull(),
    status: text("status", { enum: INTEGRATION_STATUSES }).notNull().default("connected"),
    /** The Instagram inbox that is this account (`Channel::Instagram`), and the access token it sends with; never returned. */
    inboxId: integer("inbox_id").references((): AnySQLiteColumn => inboxes.id, { onDelete: "set null" }),
    accessToken: text("access_token"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("instagram_accounts_account_ig_unique").on(t.accountId, t.instagramId), uniqueIndex("instagram_accounts_inbox_unique").on(t.inboxId)],
);

export const VOICE_AI_STATUSES = ["active", "inactive"] as const;

export const voiceAiAgents = sqliteTable(
  "voice_ai_agents",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    status: text("status", { enum: VOICE_AI_STATUSES }).notNull().default("active"),
    /** How a visitor reaches the agent: an E.164 number to call, or null for in-browser calls only. */
    phoneNumber: text("phone_number"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("voice_ai_agents_account_idx").on(t.accountId)],
);

// ---- Custom attributes (Chatwoot's custom_attribute_definitions) ------------------------------

export const ATTRIBUTE_MODELS = ["contact_attribute", "conversation_attribute"] as const;
export const ATTRIBUTE_DISPLAY_TYPES = ["text", "number", "currency", "percent", "link", "date", "list", "checkbox"] as const;

export const customAttributeDefinitions = sqliteTable(
  "custom_attribute_definitions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    attributeDisplayName: text("attribute_display_name").notNull(),
    attributeKey: text("attribute_key").notNull(),
    attributeDisplayType: text("attribute_display_type", { enum: ATTRIBUTE_DISPLAY_TYPES }).notNull(),
    attributeModel: text("attribute_model", { enum: ATTRIBUTE_MODELS }).notNull(),
    attributeDescription: text("attribute_description"),
    attributeValues: text("attribute_values", { mode: "json" }).$type<string[]>().notNull(),
    regexPattern: text("regex_pattern"),
    regexCue: text("regex_cue"),
    defaultValue: text("default_value"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("custom_attribute_definitions_unique").on(t.accountId, t.attributeModel, t.attributeKey)],
);

// ---- Chat widgets --------------------------------------------------------------------------------

export const CHAT_WIDGET_TYPES = ["live_chat", "email_sms", "whatsapp", "facebook", "instagram", "voice_ai", "all_in_one"] as const;
export type ChatWidgetType = (typeof CHAT_WIDGET_TYPES)[number];

/**
 * A chat widget a website embeds. Settings, layout and the pre-chat form are JSON documents
 * validated by the API's zod schemas; dependencies are foreign keys that become null when the
 * integration goes away, which leaves the widget incomplete rather than broken.
 */
export const chatWidgets = sqliteTable(
  "chat_widgets",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    type: text("type", { enum: CHAT_WIDGET_TYPES }).notNull(),
    /** Public identifier the embed snippet carries. */
    widgetToken: text("widget_token").notNull(),
    inboxId: integer("inbox_id").references(() => inboxes.id, { onDelete: "set null" }),
    whatsappNumberId: integer("whatsapp_number_id").references(() => whatsappNumbers.id, { onDelete: "set null" }),
    facebookPageId: integer("facebook_page_id").references(() => facebookPages.id, { onDelete: "set null" }),
    instagramAccountId: integer("instagram_account_id").references(() => instagramAccounts.id, { onDelete: "set null" }),
    voiceAiAgentId: integer("voice_ai_agent_id").references(() => voiceAiAgents.id, { onDelete: "set null" }),
    settings: text("settings", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    preChatForm: text("pre_chat_form", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    /** Where a snapshot load created this widget from: `<snapshot id>:<source widget id>`, so a reload updates it. */
    snapshotSource: text("snapshot_source"),
    /** The key a site's server signs `>cs` commands that act on people with (docs/SECURITY.md, "What a site owner signs"). */
    commandSecret: text("command_secret").notNull().$defaultFn(newCommandSecret),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("chat_widgets_account_idx").on(t.accountId),
    uniqueIndex("chat_widgets_token_unique").on(t.widgetToken),
    uniqueIndex("chat_widgets_snapshot_source_unique").on(t.accountId, t.snapshotSource),
  ],
);

// ---- Labels (Chatwoot's account labels): what contacts and campaign audiences are tagged with ----

export const labels = sqliteTable(
  "labels",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    /** Lower case letters, digits, _ and -, unique within the account (Chatwoot's rules). */
    title: text("title").notNull(),
    description: text("description"),
    color: text("color").notNull().default("#1f93ff"),
    showOnSidebar: integer("show_on_sidebar", { mode: "boolean" }).notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("labels_account_title_unique").on(t.accountId, t.title)],
);

// ---- Campaigns (Chatwoot's): ongoing ones on websites, one-off ones by SMS ----------------------

export const CAMPAIGN_TYPES = ["ongoing", "one_off"] as const;
/** A one-off campaign's progress; Chatwoot's `campaign_status` (active/completed) is derived from it. */
export const ONE_OFF_STATUSES = ["scheduled", "running", "completed"] as const;
export type CampaignAudience = { type: "Label"; id: number };

export const campaigns = sqliteTable(
  "campaigns",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    description: text("description"),
    message: text("message").notNull(),
    inboxId: integer("inbox_id")
      .notNull()
      .references(() => inboxes.id, { onDelete: "cascade" }),
    /** The agent who sends it; null: sent by a bot. */
    senderId: integer("sender_id").references(() => users.id, { onDelete: "set null" }),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    triggerOnlyDuringBusinessHours: integer("trigger_only_during_business_hours", { mode: "boolean" }).notNull().default(false),
    /** Ongoing campaigns: the page and delay; one-off campaigns: `{}`. */
    triggerRules: text("trigger_rules", { mode: "json" }).$type<{ url: string; time_on_page: number } | Record<string, never>>().notNull(),
    campaignType: text("campaign_type", { enum: CAMPAIGN_TYPES }).notNull().default("ongoing"),
    // One-off campaigns only (null for ongoing ones):
    audience: text("audience", { mode: "json" }).$type<CampaignAudience[]>(),
    scheduledAt: integer("scheduled_at", { mode: "timestamp" }),
    status: text("status", { enum: ONE_OFF_STATUSES }),
    startedAt: integer("started_at", { mode: "timestamp" }),
    /** When the audience was resolved into campaign_recipients rows (a start may stop before that). */
    audienceRecordedAt: integer("audience_recorded_at", { mode: "timestamp" }),
    /** When its pending recipients were last sent to the queue; the sweep sends them again after a while. */
    enqueuedAt: integer("enqueued_at", { mode: "timestamp" }),
    completedAt: integer("completed_at", { mode: "timestamp" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("campaigns_account_idx").on(t.accountId),
    index("campaigns_inbox_idx").on(t.inboxId),
    index("campaigns_status_idx").on(t.status, t.scheduledAt),
  ],
);

/** `skipped`: never sent, by rule (the contact opted out of text messages); `failed`: tried, or could not be. */
export const RECIPIENT_STATUSES = ["pending", "sending", "sent", "failed", "skipped"] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];

/**
 * One contact of a one-off campaign's audience and what became of its message. A row is claimed
 * (pending -> sending) before the provider is called, so a redelivered job never sends twice.
 */
export const campaignRecipients = sqliteTable(
  "campaign_recipients",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    campaignId: integer("campaign_id")
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    /** The contact's id in the account (contacts live in the Account object, hence no foreign key). */
    contactId: integer("contact_id").notNull(),
    phoneNumber: text("phone_number").notNull(),
    /** The message rendered for this contact. */
    body: text("body").notNull(),
    status: text("status", { enum: RECIPIENT_STATUSES }).notNull().default("pending"),
    providerSid: text("provider_sid"),
    providerStatus: text("provider_status"),
    error: text("error"),
    claimedAt: integer("claimed_at", { mode: "timestamp" }),
    finishedAt: integer("finished_at", { mode: "timestamp" }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("campaign_recipients_contact_unique").on(t.campaignId, t.contactId),
    index("campaign_recipients_status_idx").on(t.campaignId, t.status),
    check("campaign_recipients_status_check", sql`${t.status} in ('pending', 'sending', 'sent', 'failed', 'skipped')`),
  ],
);

/** Local development only: what the built-in SMS sink (/dev/sinks/sms) received instead of a provider. */
export const smsSinkMessages = sqliteTable("sms_sink_messages", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  sid: text("sid").notNull().unique(),
  accountSid: text("account_sid").notNull(),
  fromNumber: text("from_number").notNull(),
  toNumber: text("to_number").notNull(),
  body: text("body").notNull(),
  createdAt: createdAt(),
});

/** Local development's WhatsApp Cloud API sink (src/api/dev/whatsapp-sink.ts): what WhatsApp inboxes would have sent. */
export const whatsappSinkMessages = sqliteTable("whatsapp_sink_messages", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  wamid: text("wamid").notNull().unique(),
  phoneNumberId: text("phone_number_id").notNull(),
  toNumber: text("to_number").notNull(),
  type: text("type").notNull(),
  /** The messages request body as sent. */
  body: text("body", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  createdAt: createdAt(),
});

/** Local development's Graph API Send API sink (src/api/dev/meta-sink.ts): what Messenger and Instagram replies would have sent. */
export const metaSinkMessages = sqliteTable("meta_sink_messages", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  mid: text("mid").notNull().unique(),
  /** The page or Instagram account whose token sent it. */
  senderId: text("sender_id").notNull(),
  channel: text("channel", { enum: ["facebook_page", "instagram"] }).notNull(),
  recipientId: text("recipient_id").notNull(),
  messagingType: text("messaging_type").notNull(),
  tag: text("tag"),
  /** The Send API request body as sent. */
  body: text("body", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  createdAt: createdAt(),
});

// ---- Snapshots: an agency copies chat-widget setups from one sub-account into others ---------------

export const SNAPSHOT_LOAD_STATUSES = ["queued", "running", "completed", "completed_with_warnings", "failed"] as const;
export type SnapshotLoadStatus = (typeof SNAPSHOT_LOAD_STATUSES)[number];

/**
 * What a snapshot captured, frozen at creation: the widgets with their settings, pre-chat forms,
 * inbox settings and dependency identities, the included custom attribute definitions, and media
 * copied into snapshot-owned R2 keys (`snapshots/<id>/...`). Nothing here changes afterwards.
 */
export const snapshots = sqliteTable(
  "snapshots",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    agencyId: integer("agency_id")
      .notNull()
      .references(() => agencies.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** The sub-account it was taken from; kept as a plain id so deleting that account breaks nothing. */
    sourceAccountId: integer("source_account_id").notNull(),
    assets: text("assets", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    contents: text("contents", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("snapshots_agency_idx").on(t.agencyId)],
);

/** One load of a snapshot into one target sub-account, run by the jobs queue. */
export const snapshotLoads = sqliteTable(
  "snapshot_loads",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    snapshotId: integer("snapshot_id")
      .notNull()
      .references(() => snapshots.id, { onDelete: "cascade" }),
    agencyId: integer("agency_id").notNull(),
    accountId: integer("account_id").notNull(),
    status: text("status", { enum: SNAPSHOT_LOAD_STATUSES }).notNull().default("queued"),
    dryRun: integer("dry_run", { mode: "boolean" }).notNull().default(false),
    onConflict: text("on_conflict", { enum: ["override", "skip"] })
      .notNull()
      .default("override"),
    progressDone: integer("progress_done").notNull().default(0),
    progressTotal: integer("progress_total").notNull().default(0),
    report: text("report", { mode: "json" }).$type<Record<string, unknown>[]>().notNull(),
    error: text("error"),
    createdAt: createdAt(),
    startedAt: integer("started_at", { mode: "timestamp" }),
    finishedAt: integer("finished_at", { mode: "timestamp" }),
    /** When the sweep last sent the load to the queue again (null: only when it was requested). */
    resentAt: integer("resent_at", { mode: "timestamp" }),
  },
  (t) => [
    index("snapshot_loads_snapshot_idx").on(t.snapshotId),
    index("snapshot_loads_account_idx").on(t.accountId),
    index("snapshot_loads_status_idx").on(t.status),
  ],
);

// ---- The account's workflow: canned responses and automation rules ------------------------------

/** Chatwoot's canned responses: a short code and the text it expands to (with template variables). */
export const cannedResponses = sqliteTable(
  "canned_responses",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    shortCode: text("short_code").notNull(),
    content: text("content").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("canned_responses_account_code_unique").on(t.accountId, t.shortCode)],
);

export const AUTOMATION_EVENTS = AUTOMATION_TRIGGERS;

/** Chatwoot's automation rules: an event, conditions joined by AND/OR, and ordered actions. */
export const automationRules = sqliteTable(
  "automation_rules",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description"),
    eventName: text("event_name", { enum: AUTOMATION_EVENTS }).notNull(),
    conditions: text("conditions", { mode: "json" }).$type<Record<string, unknown>[]>().notNull(),
    actions: text("actions", { mode: "json" }).$type<Record<string, unknown>[]>().notNull(),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("automation_rules_account_event_idx").on(t.accountId, t.eventName)],
);

export const AUTOMATION_RUN_STATUSES = ["running", "completed"] as const;

/**
 * One rule run for one conversation event: which actions did what (`results`). `event_key` (the
 * conversation event's `<account>:<conversation>:<seq>`) makes a redelivered event run a rule once;
 * a run left `running` by a failure runs again, and its actions are safe to repeat.
 */
export const automationRuns = sqliteTable(
  "automation_runs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    ruleId: integer("rule_id")
      .notNull()
      .references(() => automationRules.id, { onDelete: "cascade" }),
    eventKey: text("event_key").notNull(),
    eventName: text("event_name", { enum: AUTOMATION_EVENTS }).notNull(),
    conversationId: integer("conversation_id").notNull(),
    status: text("status", { enum: AUTOMATION_RUN_STATUSES }).notNull().default("running"),
    results: text("results", { mode: "json" }).$type<{ action_name: string; status: string; message?: string }[]>().notNull().default(sql`'[]'`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("automation_runs_rule_event_unique").on(t.ruleId, t.eventKey), index("automation_runs_rule_idx").on(t.ruleId, t.id)],
);

export const MACRO_VISIBILITIES = ["personal", "global"] as const;

/** Chatwoot's macros: ordered actions an agent runs on conversations; personal ones only their creator sees. */
export const macros = sqliteTable(
  "macros",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    visibility: text("visibility", { enum: MACRO_VISIBILITIES }).notNull().default("personal"),
    actions: text("actions", { mode: "json" }).$type<Record<string, unknown>[]>().notNull(),
    createdById: integer("created_by_id").references(() => users.id, { onDelete: "set null" }),
    updatedById: integer("updated_by_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("macros_account_idx").on(t.accountId), check("macros_visibility_check", sql`${t.visibility} in ('personal', 'global')`)],
);

/** A file automation rules and macros send (`send_attachment`), uploaded first as Chatwoot's attach_file: stored in R2 like a message attachment. */
export type WorkflowFile = Omit<Attachment, "id">;

export const workflowFiles = sqliteTable(
  "workflow_files",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    /** The attachment a message gets, without its per-message id. */
    attachment: text("attachment", { mode: "json" }).$type<WorkflowFile>().notNull(),
    createdById: integer("created_by_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("workflow_files_account_idx").on(t.accountId)],
);

/** Bytes of files (message attachments, workflow files) an account stores in R2, against MAX_ACCOUNT_STORAGE_BYTES. */
export const accountStorage = sqliteTable("account_storage", {
  accountId: integer("account_id")
    .primaryKey()
    .references(() => accounts.id, { onDelete: "cascade" }),
  bytes: integer("bytes").notNull().default(0),
});

/** Signatures of `>cs` commands already run, kept until they expire, so each works once. */
export const usedCommandSignatures = sqliteTable(
  "used_command_signatures",
  {
    signature: text("signature").primaryKey(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("used_command_signatures_expires_idx").on(t.expiresAt)],
);

/** Chatwoot's SLA policies: thresholds in seconds; once created, never changed (only deleted). */
export const slaPolicies = sqliteTable(
  "sla_policies",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description"),
    firstResponseTimeThreshold: integer("first_response_time_threshold"),
    nextResponseTimeThreshold: integer("next_response_time_threshold"),
    resolutionTimeThreshold: integer("resolution_time_threshold"),
    onlyDuringBusinessHours: integer("only_during_business_hours", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("sla_policies_account_name_unique").on(t.accountId, t.name)],
);

/**
 * The SLA applied to each conversation (one at most), as its Conversation object last reported it:
 * for reports, and for the cron sweep, which asks the object to look again once `next_deadline_at`
 * (the earliest deadline still open, Unix seconds) has passed without a report. The conversation's
 * state is the source of truth; the policy may have been deleted since (no foreign key to it).
 */
export const appliedSlas = sqliteTable(
  "applied_slas",
  {
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    /** The conversation's display id. */
    displayId: integer("display_id").notNull(),
    inboxId: integer("inbox_id")
      .notNull()
      .references(() => inboxes.id, { onDelete: "cascade" }),
    slaPolicyId: integer("sla_policy_id").notNull(),
    status: text("sla_status", { enum: SLA_STATUSES }).notNull(),
    frtDueAt: integer("frt_due_at"),
    nrtDueAt: integer("nrt_due_at"),
    rtDueAt: integer("rt_due_at"),
    nextDeadlineAt: integer("next_deadline_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.displayId] }),
    index("applied_slas_next_deadline_idx").on(t.nextDeadlineAt),
    check("applied_slas_status_check", sql`${t.status} in ('active', 'active_with_misses', 'hit', 'missed')`),
  ],
);

/**
 * Chatwoot's SLA events: one row per missed deadline, written once (unique per conversation, type
 * and period: the waiting follow-up's `waiting_since` for nrt, 0 for frt and rt).
 */
export const slaEvents = sqliteTable(
  "sla_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    displayId: integer("display_id").notNull(),
    inboxId: integer("inbox_id")
      .notNull()
      .references(() => inboxes.id, { onDelete: "cascade" }),
    slaPolicyId: integer("sla_policy_id").notNull(),
    eventType: text("event_type", { enum: SLA_EVENT_TYPES }).notNull(),
    period: integer("period").notNull().default(0),
    meta: text("meta", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    /** When the miss was recorded. */
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("sla_events_miss_unique").on(t.accountId, t.displayId, t.eventType, t.period),
    index("sla_events_account_created_idx").on(t.accountId, t.createdAt),
    check("sla_events_event_type_check", sql`${t.eventType} in ('frt', 'nrt', 'rt')`),
  ],
);

/**
 * Chatwoot's account webhooks: a URL, the events it subscribes to (Chatwoot's names) and
 * optionally one inbox whose events alone it gets. `secret` signs every delivery; it is shown when
 * created or rotated and never listed.
 */
export const webhooks = sqliteTable(
  "webhooks",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    inboxId: integer("inbox_id").references(() => inboxes.id, { onDelete: "cascade" }),
    name: text("name"),
    url: text("url").notNull(),
    subscriptions: text("subscriptions", { mode: "json" }).$type<string[]>().notNull(),
    secret: text("secret").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("webhooks_account_url_unique").on(t.accountId, t.url)],
);

export const WEBHOOK_DELIVERY_STATUSES = ["queued", "delivered", "failed", "dead"] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/**
 * One event on its way to one URL, and the outcome of its last attempt. `key` (with the event)
 * makes an event recorded twice one delivery: per webhook, or per URL for automation's
 * send_webhook_event to a URL that is no webhook of the account (`webhook_id` null).
 * `failed` means the last attempt failed and the queue will try again; `dead` that it gave up.
 */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    webhookId: integer("webhook_id").references(() => webhooks.id, { onDelete: "cascade" }),
    /** The agent bot whose outgoing_url this is (signed with its secret), for deliveries to a bot. */
    agentBotId: integer("agent_bot_id").references((): AnySQLiteColumn => agentBots.id, { onDelete: "cascade" }),
    /** The API inbox whose webhook_url this is (signed with the inbox's secret), for its callbacks. */
    inboxId: integer("inbox_id").references((): AnySQLiteColumn => inboxes.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    event: text("event").notNull(),
    key: text("key").notNull(),
    /** The exact JSON sent (and signed). */
    body: text("body").notNull(),
    status: text("status", { enum: WEBHOOK_DELIVERY_STATUSES }).notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    deliveredAt: integer("delivered_at", { mode: "timestamp" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_webhook_event_key_unique").on(t.webhookId, t.event, t.key),
    uniqueIndex("webhook_deliveries_url_event_key_unique").on(t.accountId, t.url, t.event, t.key).where(sql`${t.webhookId} is null`),
    index("webhook_deliveries_webhook_idx").on(t.webhookId, t.id),
    index("webhook_deliveries_status_idx").on(t.status, t.updatedAt),
    check("webhook_deliveries_status_check", sql`${t.status} in ('queued', 'delivered', 'failed', 'dead')`),
  ],
);

/**
 * Each attempt at a webhook delivery (the delivery row keeps only the last one's outcome): when it
 * started and ended, the receiver's HTTP status or why no answer came, in words, and the first
 * kilobyte of the answer. The newest attempts of a delivery are kept (src/jobs/webhook-attempts.ts).
 */
export const webhookDeliveryAttempts = sqliteTable(
  "webhook_delivery_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    deliveryId: integer("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    /** 1 for the first attempt; the delivery's `attempts` once this one is recorded. */
    attempt: integer("attempt").notNull(),
    startedAt: integer("started_at", { mode: "timestamp_ms" }).notNull(),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }).notNull(),
    /** The receiver's HTTP status; null when no answer came (timeout, refused destination, network error). */
    statusCode: integer("status_code"),
    /** Why the attempt failed, in words; null when it succeeded. */
    error: text("error"),
    durationMs: integer("duration_ms").notNull(),
    /** The start of the answer's body (at most 1 KB of text). */
    responseExcerpt: text("response_excerpt"),
  },
  (t) => [uniqueIndex("webhook_delivery_attempts_delivery_attempt_unique").on(t.deliveryId, t.attempt)],
);

/**
 * What the local webhook sink (`/dev/sinks/webhooks/:name`, served only when LOCAL_SINKS is
 * "true") received: the newest requests per sink name, for someone trying webhooks locally.
 */
export const webhookSinkRequests = sqliteTable(
  "webhook_sink_requests",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    sinkName: text("sink_name").notNull(),
    method: text("method").notNull(),
    headers: text("headers", { mode: "json" }).$type<Record<string, string>>().notNull(),
    body: text("body").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("webhook_sink_requests_sink_idx").on(t.sinkName, t.id)],
);

// ---- Email ----------------------------------------------------------------------------------------

export const EMAIL_KINDS = [
  "team_notification",
  "transcript",
  "invitation",
  "password_reset",
  "contact_export",
  "conversation_reply",
  "continuity",
  "agent_notification",
] as const;
/** A file an email carries: its R2 key in the account's media, and how the email names it. */
export type EmailFileRef = { key: string; file_name: string; content_type: string };
export const EMAIL_STATUSES = ["queued", "sending", "sent", "failed", "dead"] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

/**
 * Every email Parley sends for an account (automation's send_email_to_team and
 * send_email_transcript): the record of what went out and, when EMAIL_DELIVERY is "outbox"
 * (local development), the outbox itself, since nothing leaves. `key` makes an email requested
 * twice one email. `sending` means an attempt holds it; `failed` that the queue will try again;
 * `dead` that it gave up. `delivery` says how it was sent: the email binding or the local outbox.
 */
export const emails = sqliteTable(
  "emails",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** The sub-account it is sent for; null for an agency user's password email (sent for the agency). */
    accountId: integer("account_id").references(() => accounts.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    kind: text("kind", { enum: EMAIL_KINDS }).notNull(),
    /** The conversation the email is about. */
    displayId: integer("display_id"),
    to: text("to", { mode: "json" }).$type<string[]>().notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html"),
    status: text("status", { enum: EMAIL_STATUSES }).notNull().default("queued"),
    delivery: text("delivery", { enum: ["binding", "outbox"] }),
    messageId: text("message_id"),
    /**
     * Conversation emails (an email inbox's replies, continuity): the sender, Reply-To (the
     * conversation's reply address) and threading headers they carried; null for the others, sent
     * from EMAIL_FROM.
     */
    fromAddress: text("from_address"),
    replyTo: text("reply_to"),
    headers: text("headers", { mode: "json" }).$type<Record<string, string>>(),
    /** Files sent along, read from R2 when the email is sent (a conversation message's attachments). */
    attachments: text("attachments", { mode: "json" }).$type<EmailFileRef[]>(),
    attempts: integer("attempts").notNull().default(0),
    error: text("error"),
    sentAt: integer("sent_at", { mode: "timestamp" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("emails_account_key_unique").on(t.accountId, t.key),
    index("emails_account_idx").on(t.accountId, t.id),
    check("emails_status_check", sql`${t.status} in ('queued', 'sending', 'sent', 'failed', 'dead')`),
  ],
);

/**
 * Chatwoot's CSAT survey responses: a contact's answer to the input_csat message sent when their
 * conversation was resolved, one per survey message (the first answer stands). The agent credited
 * is the conversation's assignee when the survey was sent; the inbox and team are kept for filters.
 */
export const csatSurveyResponses = sqliteTable(
  "csat_survey_responses",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    /** The conversation's display id. */
    conversationId: integer("conversation_id").notNull(),
    messageId: integer("message_id").notNull(),
    inboxId: integer("inbox_id").notNull(),
    teamId: integer("team_id"),
    contactId: integer("contact_id").notNull(),
    assignedAgentId: integer("assigned_agent_id"),
    rating: integer("rating").notNull(),
    feedbackMessage: text("feedback_message"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("csat_survey_responses_message_unique").on(t.accountId, t.conversationId, t.messageId),
    index("csat_survey_responses_account_created_idx").on(t.accountId, t.createdAt),
    check("csat_survey_responses_rating_check", sql`${t.rating} between 1 and 5`),
  ],
);

// ---- Agent bots, saved filters, contact import and export ------------------------------------------

/**
 * Chatwoot's agent bots of an account: a program that gets its inboxes' events at `outgoing_url`
 * (signed with `secret`) and answers through the Application API with its own access token (stored
 * as a lookup id plus a SHA-256 hash, shown once when created or reset).
 */
export const agentBots = sqliteTable(
  "agent_bots",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description"),
    outgoingUrl: text("outgoing_url"),
    tokenId: text("token_id").notNull(),
    tokenHash: text("token_hash").notNull(),
    secret: text("secret").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("agent_bots_token_id_unique").on(t.tokenId), index("agent_bots_account_idx").on(t.accountId)],
);

/** Which agent bot answers an inbox first (Chatwoot's agent_bot_inboxes): at most one per inbox. */
export const agentBotInboxes = sqliteTable(
  "agent_bot_inboxes",
  {
    inboxId: integer("inbox_id")
      .primaryKey()
      .references(() => inboxes.id, { onDelete: "cascade" }),
    agentBotId: integer("agent_bot_id")
      .notNull()
      .references(() => agentBots.id, { onDelete: "cascade" }),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [index("agent_bot_inboxes_bot_idx").on(t.agentBotId)],
);

export const CUSTOM_FILTER_TYPES = ["conversation", "contact", "report"] as const;

/** Chatwoot's custom filters: an agent's saved folders (conversations) and segments (contacts), each their own. */
export const customFilters = sqliteTable(
  "custom_filters",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    filterType: text("filter_type", { enum: CUSTOM_FILTER_TYPES }).notNull(),
    query: text("query", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("custom_filters_owner_idx").on(t.accountId, t.userId, t.filterType)],
);

export const CONTACT_IMPORT_STATUSES = ["queued", "completed", "failed"] as const;
export type ContactImportRefusal = { row: number; reason: string };

/** A CSV of contacts uploaded to R2 (`csv_key`) and imported by the queue, with its report. */
export const contactImports = sqliteTable(
  "contact_imports",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    userId: integer("user_id").references(() => users.id, { onDelete: "set null" }),
    status: text("status", { enum: CONTACT_IMPORT_STATUSES }).notNull().default("queued"),
    csvKey: text("csv_key").notNull(),
    totalRows: integer("total_rows").notNull().default(0),
    importedRows: integer("imported_rows").notNull().default(0),
    refusedRows: integer("refused_rows").notNull().default(0),
    refusals: text("refusals", { mode: "json" }).$type<ContactImportRefusal[]>().notNull().default(sql`'[]'`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("contact_imports_account_idx").on(t.accountId, t.id)],
);

export const CONTACT_EXPORT_STATUSES = ["queued", "completed", "failed"] as const;

/** A CSV of the account's contacts written to R2 by the queue and mailed to who asked as a link that expires. */
export const contactExports = sqliteTable(
  "contact_exports",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    userId: integer("user_id").references(() => users.id, { onDelete: "set null" }),
    status: text("status", { enum: CONTACT_EXPORT_STATUSES }).notNull().default("queued"),
    /** R2 key of the CSV once written. */
    fileKey: text("file_key"),
    rows: integer("rows").notNull().default(0),
    expiresAt: integer("expires_at", { mode: "timestamp" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("contact_exports_account_idx").on(t.accountId, t.id)],
);

/**
 * The CSAT surveys sent (one row per input_csat message), so the metrics can say how many were
 * answered: messages live in the Conversation objects, and a survey is sent once per resolution.
 */
export const csatSurveysSent = sqliteTable(
  "csat_surveys_sent",
  {
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    conversationId: integer("conversation_id").notNull(),
    messageId: integer("message_id").notNull(),
    inboxId: integer("inbox_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.conversationId, t.messageId] }), index("csat_surveys_sent_account_created_idx").on(t.accountId, t.createdAt)],
);

/**
 * Where a user's notifications are pushed (Chatwoot's notification_subscriptions): a browser's Web
 * Push subscription (`endpoint`, `p256dh`, `auth`) or a mobile app's device token (`fcm`,
 * `push_token`), one row per user and endpoint or token.
 */
export const NOTIFICATION_SUBSCRIPTION_TYPES = ["browser_push", "fcm"] as const;
export const notificationSubscriptions = sqliteTable(
  "notification_subscriptions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    subscriptionType: text("subscription_type", { enum: NOTIFICATION_SUBSCRIPTION_TYPES }).notNull(),
    /** The browser's endpoint or the app's push token: what a later subscribe or delete names. */
    identifier: text("identifier").notNull(),
    attributes: text("attributes", { mode: "json" }).$type<Record<string, string>>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("notification_subscriptions_user_identifier_idx").on(t.userId, t.identifier)],
);

/**
 * Notifications waiting to be emailed to a user who was offline, one open batch per user and
 * conversation: the first notification opens it and schedules the email, later ones join it, so a
 * busy conversation sends one email instead of one per message.
 */
export const notificationEmailBatches = sqliteTable(
  "notification_email_batches",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    displayId: integer("display_id").notNull(),
    /** The notifications' titles, oldest first, at most NOTIFICATION_EMAIL_MAX_ITEMS. */
    titles: text("titles", { mode: "json" }).$type<string[]>().notNull(),
    count: integer("count").notNull().default(1),
    sentAt: integer("sent_at", { mode: "timestamp" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("notification_email_batches_open_idx").on(t.accountId, t.userId, t.displayId).where(sql`${t.sentAt} is null`)],
);

/**
 * What each stored notification (the Account object's id) was sent as, one row per push and per
 * email, claimed before it is sent: a `notifications.deliver` job the queue delivers again finds
 * them and sends neither a second time. A week later no redelivery can come, and cron removes them.
 */
export const notificationDeliveries = sqliteTable(
  "notification_deliveries",
  {
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    notificationId: integer("notification_id").notNull(),
    kind: text("kind", { enum: ["push", "email"] }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.notificationId, t.kind] }), index("notification_deliveries_created_idx").on(t.createdAt)],
);
