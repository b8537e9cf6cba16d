/**
 * Application API: the account's inboxes (Chatwoot's /api/v1/accounts/:account_id/inboxes), website,
 * API and SMS channels. Administrators configure them; agents see the inboxes they are members of.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { CHANNEL_CLASSES } from "../../domain/chatwoot-payloads";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Context } from "hono";
import { accounts, CHANNEL_TYPES, REPLY_TIMES, inboxes, inboxMembers, SMS_PROVIDERS, type SmsProviderConfig } from "../../db/schema";
import { checkDestination, privateDestinationsAllowed } from "../../domain/destination-guard";
import { DEFAULT_TWILIO_BASE_URL } from "../../domain/sms-provider";
import { callbackWebhookUrl } from "../../domain/channel-callbacks";
import { randomIdentifier } from "../../domain/tokens";
import { newWebhookSecret } from "../../domain/webhook-signature";
import { accountObject } from "../../durable/addresses";
import { TimeZone } from "../../services/field-schemas";
import {
  DEFAULT_WIDGET_COLOR,
  DEFAULT_WORKING_HOURS,
  HexColor,
  inboxConfiguration,
  type InboxValues,
  visibleProviderConfig,
  visibleWhatsappConfig,
  WHATSAPP_PROVIDER,
  WorkingHoursInput,
} from "../../services/inbox-configuration";
import { enqueueJobs } from "../../jobs/messages";
import { auditEntry, changedFields } from "../audit";
import { requireRole, userOf } from "../auth";
import { type AppEnv, createRouter } from "../context";
import { ApiError, errorResponses, type FieldIssue, notFound } from "../errors";
import { idParams, iso, Name, optionalText, Timestamp } from "../schemas";
import { userSecurity } from "./profile";
import { EmailChannelInput, emailChannelUpdateFields, ensureInboxEmailFree } from "./email-inbox";
import {
  FacebookPageChannelInput,
  InstagramChannelInput,
  inboxIdByIdentifier,
  linkMetaChannel,
  metaChannelIdentities,
  metaChannelUpdateFields,
  metaTokenUpdate,
  unlinkMetaChannel,
} from "./meta-inbox-channels";
import {
  linkWhatsappNumber,
  providerConfigIssues,
  relinkWhatsappNumber,
  updatedWhatsappConfig,
  VisibleWhatsappConfigSchema,
  WhatsappChannelInput,
  whatsappConfigOf,
  whatsappConfigUpdateFields,
} from "./whatsapp-inbox";

const tags = ["Application: inboxes"];
const accountParams = idParams("account_id");
const inboxParams = idParams("account_id", "inbox_id");

const HttpUrl = z.url({ protocol: /^https?$/, error: "Expected an http(s) URL." }).max(2048);

const settingsFields = {
  greeting_enabled: z.boolean().optional(),
  greeting_message: optionalText(10_000),
  enable_email_collect: z.boolean().optional(),
  allow_messages_after_resolved: z.boolean().optional(),
  lock_to_single_conversation: z.boolean().optional(),
  working_hours_enabled: z.boolean().optional(),
  out_of_office_message: optionalText(10_000),
  csat_survey_enabled: z
    .boolean()
    .optional()
    .openapi({ description: "Resolving a conversation asks the contact for a rating (Chatwoot's input_csat message)" }),
  reply_time: z.enum(REPLY_TIMES).optional().openapi({ description: "Website inboxes: how soon the widget says the team replies" }),
  timezone: TimeZone.optional().openapi({ description: "Defaults to the account's time zone" }),
  working_hours: WorkingHoursInput.optional(),
};

const WebWidgetChannelInput = z
  .object({
    type: z.literal("web_widget"),
    website_url: HttpUrl.openapi({ example: "https://acme.test" }),
    widget_color: HexColor.optional(),
    welcome_title: optionalText(255),
    welcome_tagline: optionalText(255),
    hmac_mandatory: z.boolean().optional(),
  })
  .strict()
  .openapi("WebWidgetChannelInput");
const ApiChannelInput = z
  .object({
    type: z.literal("api"),
    webhook_url: HttpUrl.nullable().optional(),
    hmac_mandatory: z.boolean().optional(),
  })
  .strict()
  .openapi("ApiChannelInput");

export const PhoneNumber = z
  .string()
  .trim()
  .regex(/^\+[1-9]\d{1,14}$/, "Expected an E.164 phone number such as +14155550100.")
  .openapi({ example: "+14155550100" });

/** The provider's base URL: where `/2010-04-01/Accounts/{sid}/Messages.json` is appended. */
const ProviderBaseUrl = HttpUrl.refine((url) => {
  const parsed = new URL(url);
  return parsed.search === "" && parsed.hash === "" && parsed.username === "" && parsed.password === "";
}, "Expected a base URL without credentials, query or fragment.").openapi({
  description: `Where the provider's Messages API lives; null or absent: ${DEFAULT_TWILIO_BASE_URL}`,
  example: "http://localhost:8787/dev/sinks/sms",
});

const providerConfigFields = {
  account_sid: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "Expected an account SID: letters, digits, _ and -.")
    .openapi({ example: "AC00000000000000000000000000000000" }),
  auth_token: z.string().trim().min(1).max(256).openapi({ description: "Stored to authenticate to the provider; never returned" }),
  api_base_url: ProviderBaseUrl.nullable().optional(),
};

const SmsChannelInput = z
  .object({
    type: z.literal("sms"),
    phone_number: PhoneNumber.openapi({ description: "The number messages are sent from (E.164), unique within the account" }),
    provider: z.enum(SMS_PROVIDERS).optional().openapi({ description: "Defaults to twilio: Twilio's Messages API, or any provider that speaks it" }),
    provider_config: z.object(providerConfigFields).strict().openapi("SmsProviderConfigInput"),
  })
  .strict()
  .openapi("SmsChannelInput");

const InboxCreateInput = z
  .object({
    name: Name.openapi({ example: "Website" }),
    ...settingsFields,
    channel: z.discriminatedUnion("type", [
      WebWidgetChannelInput,
      ApiChannelInput,
      SmsChannelInput,
      FacebookPageChannelInput,
      InstagramChannelInput,
      WhatsappChannelInput,
      EmailChannelInput,
    ]),
  })
  .strict()
  .openapi("InboxCreateInput");

const ChannelUpdateInput = z
  .object({
    website_url: HttpUrl.optional(),
    widget_color: HexColor.optional(),
    welcome_title: optionalText(255),
    welcome_tagline: optionalText(255),
    webhook_url: HttpUrl.nullable().optional(),
    hmac_mandatory: z.boolean().optional(),
    phone_number: PhoneNumber.optional(),
    provider_config: z
      .object({ ...providerConfigFields, ...whatsappConfigUpdateFields })
      .partial()
      .strict()
      .optional()
      .openapi({
        description:
          "Fields given replace the stored ones; the others (the auth token, say) are kept. SMS: account_sid, auth_token, api_base_url; WhatsApp: api_key, phone_number_id, business_account_id, webhook_verify_token",
      }),
    ...metaChannelUpdateFields,
    ...emailChannelUpdateFields,
  })
  .strict()
  .openapi("ChannelUpdateInput", {
    description:
      "The channel's own fields: website_url, widget_color and the welcome texts for website inboxes, " +
      "webhook_url for API inboxes, hmac_mandatory for both, phone_number and provider_config for SMS inboxes, " +
      "page_access_token for Messenger inboxes and access_token for Instagram inboxes (a new token; never returned). " +
      "The channel type cannot change.",
  });

const InboxUpdateInput = z
  .object({ name: Name.optional(), ...settingsFields, channel: ChannelUpdateInput.optional() })
  .strict()
  .openapi("InboxUpdateInput");
type InboxUpdateInput = z.infer<typeof InboxUpdateInput>;

const CHANNEL_FIELDS: Record<(typeof CHANNEL_TYPES)[number], readonly string[]> = {
  web_widget: ["website_url", "widget_color", "welcome_title", "welcome_tagline", "hmac_mandatory"],
  api: ["webhook_url", "hmac_mandatory"],
  sms: ["phone_number", "provider_config"],
  whatsapp: ["phone_number", "provider_config"],
  facebook_page: ["page_access_token"],
  instagram: ["access_token"],
  email: ["email"],
};

export const WorkingHoursDaySchema = z
  .object({
    day_of_week: z.number().int(),
    closed_all_day: z.boolean(),
    open_all_day: z.boolean(),
    open_hour: z.number().int().nullable(),
    open_minutes: z.number().int().nullable(),
    close_hour: z.number().int().nullable(),
    close_minutes: z.number().int().nullable(),
  })
  .openapi("WorkingHoursDay");

const InboxSchema = z
  .object({
    id: z.number().int(),
    account_id: z.number().int(),
    name: z.string(),
    channel_type: z.enum(Object.values(CHANNEL_CLASSES)),
    channel_id: z.number().int(),
    avatar_url: z.null(),
    greeting_enabled: z.boolean(),
    greeting_message: z.string().nullable(),
    enable_email_collect: z.boolean(),
    allow_messages_after_resolved: z.boolean(),
    lock_to_single_conversation: z.boolean(),
    working_hours_enabled: z.boolean(),
    out_of_office_message: z.string().nullable(),
    csat_survey_enabled: z.boolean(),
    reply_time: z.enum(REPLY_TIMES),
    timezone: z.string(),
    working_hours: z.array(WorkingHoursDaySchema),
    website_url: z.string().nullable(),
    widget_color: z.string().nullable(),
    welcome_title: z.string().nullable(),
    welcome_tagline: z.string().nullable(),
    website_token: z.string().nullable(),
    web_widget_script: z.string().nullable().openapi({ description: "The snippet that puts the widget on a website" }),
    inbox_identifier: z.string().openapi({ description: "The inbox's id in the Client API" }),
    webhook_url: z.string().nullable(),
    hmac_mandatory: z.boolean(),
    phone_number: z.string().nullable().openapi({ description: "SMS inboxes: the number messages are sent from" }),
    provider: z
      .enum([...SMS_PROVIDERS, WHATSAPP_PROVIDER])
      .nullable()
      .openapi({ description: "SMS and WhatsApp inboxes: the provider" }),
    provider_config: z
      .union([z.object({ account_sid: z.string(), api_base_url: z.string().nullable() }), VisibleWhatsappConfigSchema])
      .nullable()
      .optional()
      .openapi({
        description: `SMS and WhatsApp inboxes, shown to administrators only; never the auth token, the WhatsApp access token masked. api_base_url null: ${DEFAULT_TWILIO_BASE_URL}`,
      }),
    page_id: z.string().optional().openapi({ description: "Messenger inboxes: the Facebook page that is this inbox" }),
    instagram_id: z.string().optional().openapi({ description: "Instagram inboxes: the Instagram account that is this inbox" }),
    email: z.string().nullable().openapi({ description: "Email inboxes: the address mail arrives at" }),
    message_templates: z.array(z.record(z.string(), z.unknown())).optional().openapi({
      description:
        "WhatsApp inboxes: the business account's message templates as the Graph API lists them, last synced on creation, by POST .../sync_templates or by the whatsapp_templates route",
    }),
    message_templates_last_updated: z.string().nullable().optional().openapi({ description: "WhatsApp inboxes: when the templates were last synced" }),
    callback_webhook_url: z.string().nullable().openapi({
      description:
        "WhatsApp, SMS, Messenger and Instagram inboxes: the URL to give the provider for its webhooks (PUBLIC_URL and the channel's webhook path); null for the others",
      example: "https://parley.example.com/webhooks/whatsapp/+14155550100",
    }),
    hmac_token: z.string().optional().openapi({ description: "Signs visitor identities; shown to administrators only" }),
    secret: z.string().nullable().optional().openapi({
      description:
        "API inboxes, shown to administrators only: signs every callback to webhook_url (X-Chatwoot-Signature and X-Parley-Signature), as Chatwoot's API channel secret; rotated by POST .../reset_secret",
    }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Inbox");
type Inbox = z.infer<typeof InboxSchema>;

type InboxRow = typeof inboxes.$inferSelect;

/** The snippet a website pastes to load the widget from this deployment. */
const widgetScript = (origin: string, websiteToken: string) => `<script src="${origin}/widget.js" data-website-token="${websiteToken}" defer></script>`;

/** The inbox as the caller may see it: the hmac_token and an SMS provider's settings only for administrators. */
function serializeInbox(c: Context<AppEnv>, inbox: InboxRow, identity: { page_id?: string; instagram_id?: string } = {}): Inbox {
  const origin = new URL(c.req.url).origin;
  const { provider_config, ...configuration } = inboxConfiguration(inbox);
  const administrator = c.var.membership.role === "administrator";
  return {
    id: inbox.id,
    account_id: inbox.accountId,
    channel_id: inbox.id,
    avatar_url: null,
    ...configuration,
    web_widget_script: inbox.websiteToken === null ? null : widgetScript(origin, inbox.websiteToken),
    callback_webhook_url: callbackWebhookUrl(c.env.PUBLIC_URL || origin, inbox.channelType, inbox.phoneNumber ?? null),
    ...identity,
    ...(inbox.channelType === "whatsapp"
      ? {
          message_templates: inbox.whatsappTemplates ?? [],
          message_templates_last_updated: inbox.whatsappTemplatesSyncedAt ? iso(inbox.whatsappTemplatesSyncedAt) : null,
        }
      : {}),
    ...(administrator ? { hmac_token: inbox.hmacToken, provider_config } : {}),
    ...(administrator && inbox.channelType === "api" ? { secret: inbox.webhookSecret } : {}),
    created_at: iso(inbox.createdAt),
    updated_at: iso(inbox.updatedAt),
  };
}

/** API field names to row field names, for updates. */
function inboxColumns(patch: Partial<ReturnType<typeof inboxConfiguration>>) {
  return {
    name: patch.name,
    greetingEnabled: patch.greeting_enabled,
    greetingMessage: patch.greeting_message,
    enableEmailCollect: patch.enable_email_collect,
    allowMessagesAfterResolved: patch.allow_messages_after_resolved,
    lockToSingleConversation: patch.lock_to_single_conversation,
    workingHoursEnabled: patch.working_hours_enabled,
    outOfOfficeMessage: patch.out_of_office_message,
    csatSurveyEnabled: patch.csat_survey_enabled,
    replyTime: patch.reply_time,
    timezone: patch.timezone,
    workingHours: patch.working_hours,
    websiteUrl: patch.website_url,
    widgetColor: patch.widget_color,
    welcomeTitle: patch.welcome_title,
    welcomeTagline: patch.welcome_tagline,
    webhookUrl: patch.webhook_url,
    hmacMandatory: patch.hmac_mandatory,
    phoneNumber: patch.phone_number ?? undefined,
    email: patch.email ?? undefined,
  };
}

/**
 * 422 unless an SMS provider's base URL is a destination this installation may call; plain http
 * only where private destinations are allowed (local development), since the auth token goes along.
 */
function ensureProviderDestination(c: Context<AppEnv>, url: string | null | undefined) {
  if (url === null || url === undefined) return;
  const allowPrivate = privateDestinationsAllowed(c.env.ALLOW_PRIVATE_DESTINATIONS);
  const check = checkDestination(url, { allowPrivate });
  const refusal = !check.ok
    ? { code: check.reason, message: check.message }
    : !allowPrivate && check.url.protocol !== "https:"
      ? { code: "insecure_scheme", message: "The provider's base URL must use https: the auth token is sent with every message." }
      : null;
  if (refusal) {
    throw new ApiError(422, "destination_not_allowed", refusal.message, [
      { field: "channel.provider_config.api_base_url", message: refusal.message, code: refusal.code },
    ]);
  }
}

/** One of the account's inboxes, or 404 for any other id. */
export async function accountInbox(c: Context<AppEnv>, inboxId: number): Promise<InboxRow> {
  const inbox = await c.var.db.query.inboxes.findFirst({
    where: and(eq(inboxes.id, inboxId), eq(inboxes.accountId, c.var.membership.accountId)),
  });
  if (!inbox) throw notFound("Inbox");
  return inbox;
}

/** Administrators see every inbox of the account; agents those they are members of. */
export const visibleToCaller = (c: Context<AppEnv>) =>
  c.var.membership.role === "administrator"
    ? eq(inboxes.accountId, c.var.membership.accountId)
    : and(
        eq(inboxes.accountId, c.var.membership.accountId),
        inArray(
          inboxes.id,
          c.var.db
            .select({ id: inboxMembers.inboxId })
            .from(inboxMembers)
            .where(eq(inboxMembers.userId, userOf(c).id)),
        ),
      );

export const accountInboxes = createRouter();

accountInboxes.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/inboxes",
    tags,
    security: userSecurity,
    summary: "List the inboxes the caller can see",
    description: "Administrators see every inbox of the account, agents the inboxes they are members of.",
    request: { params: accountParams },
    responses: {
      200: {
        description: "The inboxes",
        content: { "application/json": { schema: z.object({ payload: z.array(InboxSchema) }) } },
      },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const rows = await c.var.db.select().from(inboxes).where(visibleToCaller(c)).orderBy(asc(inboxes.id));
    const identities = await metaChannelIdentities(
      c.var.db,
      rows.map((row) => row.id),
    );
    return c.json({ payload: rows.map((row) => serializeInbox(c, row, identities.get(row.id))) }, 200);
  },
);

accountInboxes.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/inboxes/{inbox_id}",
    tags,
    security: userSecurity,
    summary: "Show an inbox",
    description: "Agents see only inboxes they are members of; others answer 404.",
    request: { params: inboxParams },
    responses: {
      200: { description: "The inbox", content: { "application/json": { schema: InboxSchema } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { inbox_id } = c.req.valid("param");
    const [inbox] = await c.var.db
      .select()
      .from(inboxes)
      .where(and(eq(inboxes.id, inbox_id), visibleToCaller(c)));
    if (!inbox) throw notFound("Inbox");
    const identities = await metaChannelIdentities(c.var.db, [inbox.id]);
    return c.json(serializeInbox(c, inbox, identities.get(inbox.id)), 200);
  },
);

accountInboxes.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/inboxes",
    tags,
    security: userSecurity,
    summary: "Create an inbox (administrators)",
    description:
      "A website inbox (`channel.type` web_widget) gets a `website_token` for its widget; an API inbox gets an " +
      "`inbox_identifier` for the Client API. Both get an `hmac_token` for verifying visitor identities.",
    middleware: [requireRole("administrator")] as const,
    request: {
      params: accountParams,
      body: { required: true, content: { "application/json": { schema: InboxCreateInput } } },
    },
    responses: {
      201: { description: "Created", content: { "application/json": { schema: InboxSchema } } },
      ...errorResponses(400, 401, 403, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const input = c.req.valid("json");
    const { accountId } = c.var.membership;
    const db = c.var.db;
    const account = await db.query.accounts.findFirst({ where: eq(accounts.id, accountId) });
    if (!account) throw notFound("Account");
    const { channel } = input;
    const website = channel.type === "web_widget" ? channel : null;
    const sms = channel.type === "sms" ? channel : null;
    const whatsapp = channel.type === "whatsapp" ? channel : null;
    ensureProviderDestination(c, sms?.provider_config.api_base_url);
    const websiteToken = website ? randomIdentifier(24) : null;
    const values: InboxValues = {
      accountId,
      name: input.name,
      channelType: channel.type,
      inboxIdentifier: websiteToken ?? randomIdentifier(24),
      websiteToken,
      websiteUrl: website?.website_url ?? null,
      widgetColor: website ? (website.widget_color ?? DEFAULT_WIDGET_COLOR) : null,
      welcomeTitle: website?.welcome_title ?? null,
      welcomeTagline: website?.welcome_tagline ?? null,
      webhookUrl: channel.type === "api" ? (channel.webhook_url ?? null) : null,
      // Chatwoot's Channel::Api `secret`: signs the callbacks to webhook_url.
      webhookSecret: channel.type === "api" ? newWebhookSecret() : null,
      hmacToken: randomIdentifier(32),
      hmacMandatory: "hmac_mandatory" in channel ? (channel.hmac_mandatory ?? false) : false,
      greetingEnabled: input.greeting_enabled ?? false,
      greetingMessage: input.greeting_message ?? null,
      enableEmailCollect: input.enable_email_collect ?? true,
      allowMessagesAfterResolved: input.allow_messages_after_resolved ?? true,
      lockToSingleConversation: input.lock_to_single_conversation ?? false,
      workingHoursEnabled: input.working_hours_enabled ?? false,
      outOfOfficeMessage: input.out_of_office_message ?? null,
      csatSurveyEnabled: input.csat_survey_enabled ?? false,
      replyTime: input.reply_time ?? "in_a_few_minutes",
      timezone: input.timezone ?? account.timezone,
      workingHours: input.working_hours ?? DEFAULT_WORKING_HOURS,
      phoneNumber: sms?.phone_number ?? whatsapp?.phone_number ?? null,
      email: channel.type === "email" ? channel.email : null,
      whatsappConfig: whatsapp ? whatsappConfigOf(whatsapp) : null,
      smsProvider: sms ? (sms.provider ?? "twilio") : null,
      providerConfig: sms
        ? {
            account_sid: sms.provider_config.account_sid,
            auth_token: sms.provider_config.auth_token,
            api_base_url: sms.provider_config.api_base_url ?? null,
          }
        : null,
    };
    if (values.phoneNumber) await ensurePhoneNumberFree(c, values.phoneNumber, channel.type);
    if (values.email) await ensureInboxEmailFree(c, values.email);
    // The WhatsApp inbox is the registry's number: registered or linked in the same batch.
    const whatsappLink = whatsapp
      ? await linkWhatsappNumber(c, whatsapp.phone_number, { name: input.name, inboxId: inboxIdByIdentifier(values.inboxIdentifier) })
      : [];
    const metaChannel = channel.type === "facebook_page" || channel.type === "instagram" ? channel : null;
    // The page or account becomes this inbox in the same batch (after the inbox's own audit entry, which names it by last_insert_rowid()).
    const metaLink = metaChannel ? await linkMetaChannel(c, metaChannel, { name: input.name, inboxId: inboxIdByIdentifier(values.inboxIdentifier) }) : [];
    const [[inbox]] = await db.batch([
      db.insert(inboxes).values(values).returning(),
      auditEntry(c, {
        action: "create",
        auditableType: "Inbox",
        auditableId: sql`last_insert_rowid()`,
        agencyId: c.var.membership.agencyId,
        accountId,
        changes: inboxConfiguration(values),
      }),
      ...metaLink,
      ...whatsappLink,
    ]);
    if (!inbox) throw new Error("inbox insert returned no row");
    // Chatwoot's Channel::Whatsapp syncs its templates once created.
    if (inbox.channelType === "whatsapp") await enqueueJobs(c.env.JOBS, [{ type: "whatsapp.templates_sync", inbox_id: inbox.id }]);
    const identities = await metaChannelIdentities(db, [inbox.id]);
    return c.json(serializeInbox(c, inbox, identities.get(inbox.id)), 201);
  },
);

/** The update's fields under their API names, flattened; 422 for channel fields of another channel type. */
function flatPatch(inbox: InboxRow, input: InboxUpdateInput): Partial<Omit<ReturnType<typeof inboxConfiguration>, "provider_config">> {
  const { channel = {}, ...settings } = input;
  const allowed = CHANNEL_FIELDS[inbox.channelType];
  const issues: FieldIssue[] = Object.keys(channel)
    .filter((field) => !allowed.includes(field))
    .map((field) => ({
      field: `channel.${field}`,
      message: `${CHANNEL_CLASSES[inbox.channelType]} inboxes have no ${field}.`,
      code: "not_for_channel_type",
    }));
  if (issues.length > 0) throw new ApiError(422, "validation_failed", "The request body is not valid.", issues);
  const { provider_config: _providerConfig, page_access_token: _pageToken, access_token: _accessToken, ...channelFields } = channel;
  return { ...settings, ...channelFields };
}

/** An SMS inbox's provider settings after an update: the fields given replace the stored ones. */
function updatedProviderConfig(inbox: InboxRow, patch: InboxUpdateInput["channel"]): SmsProviderConfig | null {
  const given = patch?.provider_config;
  if (!inbox.providerConfig || !given) return inbox.providerConfig;
  return {
    account_sid: given.account_sid ?? inbox.providerConfig.account_sid,
    auth_token: given.auth_token ?? inbox.providerConfig.auth_token,
    api_base_url: given.api_base_url === undefined ? inbox.providerConfig.api_base_url : given.api_base_url,
  };
}

/** SMS and WhatsApp numbers are unique within an account and channel (422 `taken`): an SMS and a WhatsApp inbox may share one. */
async function ensurePhoneNumberFree(c: Context<AppEnv>, phoneNumber: string, channelType: InboxRow["channelType"]) {
  const taken = await c.var.db.query.inboxes.findFirst({
    where: and(eq(inboxes.accountId, c.var.membership.accountId), eq(inboxes.channelType, channelType), eq(inboxes.phoneNumber, phoneNumber)),
  });
  if (taken) {
    throw new ApiError(422, "validation_failed", "The request body is not valid.", [
      { field: "channel.phone_number", message: "has already been taken", code: "taken" },
    ]);
  }
}

accountInboxes.openapi(
  createRoute({
    method: "patch",
    path: "/{account_id}/inboxes/{inbox_id}",
    tags,
    security: userSecurity,
    summary: "Update an inbox (administrators)",
    middleware: [requireRole("administrator")] as const,
    request: {
      params: inboxParams,
      body: { required: true, content: { "application/json": { schema: InboxUpdateInput } } },
    },
    responses: {
      200: { description: "The updated inbox", content: { "application/json": { schema: InboxSchema } } },
      ...errorResponses(400, 401, 403, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const { inbox_id } = c.req.valid("param");
    const input = c.req.valid("json");
    const inbox = await accountInbox(c, inbox_id);
    const patch = flatPatch(inbox, input);
    const configIssues = providerConfigIssues(inbox.channelType, input.channel?.provider_config);
    if (configIssues.length > 0) throw new ApiError(422, "validation_failed", "The request body is not valid.", configIssues);
    const providerConfig = updatedProviderConfig(inbox, input.channel);
    const whatsapp = inbox.whatsappConfig ? updatedWhatsappConfig(inbox.whatsappConfig, input.channel?.provider_config) : null;
    const changes = changedFields(inboxConfiguration(inbox), {
      ...patch,
      provider_config: visibleProviderConfig(providerConfig) ?? visibleWhatsappConfig(whatsapp?.config),
    });
    const tokenChanged = providerConfig?.auth_token !== inbox.providerConfig?.auth_token;
    // The audit log says the token changed, never what it was or became.
    if (tokenChanged) changes.auth_token = ["[FILTERED]", "[FILTERED]"];
    if (whatsapp?.tokenChanged) changes.api_key = ["[FILTERED]", "[FILTERED]"];
    const metaToken = metaTokenUpdate(c.var.db, inbox, input.channel);
    if (metaToken) changes[inbox.channelType === "instagram" ? "access_token" : "page_access_token"] = ["[FILTERED]", "[FILTERED]"];
    const identities = await metaChannelIdentities(c.var.db, [inbox.id]);
    if (Object.keys(changes).length === 0) return c.json(serializeInbox(c, inbox, identities.get(inbox.id)), 200);
    if ("provider_config" in changes) ensureProviderDestination(c, providerConfig?.api_base_url);
    if ("phone_number" in changes && patch.phone_number) await ensurePhoneNumberFree(c, patch.phone_number, inbox.channelType);
    if ("email" in changes && patch.email) await ensureInboxEmailFree(c, patch.email, inbox.id);
    const whatsappRelink =
      inbox.channelType === "whatsapp" && "phone_number" in changes && patch.phone_number ? await relinkWhatsappNumber(c, inbox, patch.phone_number) : [];
    const db = c.var.db;
    const [[updated]] = await db.batch([
      db
        .update(inboxes)
        .set({ ...inboxColumns(patch), providerConfig: providerConfig ?? undefined, whatsappConfig: whatsapp?.config, updatedAt: new Date() })
        .where(eq(inboxes.id, inbox.id))
        .returning(),
      auditEntry(c, {
        action: "update",
        auditableType: "Inbox",
        auditableId: inbox.id,
        agencyId: c.var.membership.agencyId,
        accountId: inbox.accountId,
        changes,
      }),
      ...(metaToken ? [metaToken] : []),
      ...whatsappRelink,
    ]);
    return c.json(serializeInbox(c, updated ?? inbox, identities.get(inbox.id)), 200);
  },
);

accountInboxes.openapi(
  createRoute({
    method: "delete",
    path: "/{account_id}/inboxes/{inbox_id}",
    tags,
    security: userSecurity,
    summary: "Delete an inbox (administrators)",
    description: "Its member list goes with it at once; its contact sessions and conversations are removed in the background.",
    middleware: [requireRole("administrator")] as const,
    request: { params: inboxParams },
    responses: { 204: { description: "Deleted" }, ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const { inbox_id } = c.req.valid("param");
    const inbox = await accountInbox(c, inbox_id);
    const db = c.var.db;
    await db.batch([
      // Before the delete, whose foreign key would only unlink the page or account and keep its token.
      ...unlinkMetaChannel(db, inbox.id),
      db.delete(inboxes).where(eq(inboxes.id, inbox.id)),
      auditEntry(c, {
        action: "destroy",
        auditableType: "Inbox",
        auditableId: inbox.id,
        agencyId: c.var.membership.agencyId,
        accountId: inbox.accountId,
        changes: inboxConfiguration(inbox),
      }),
    ]);
    await accountObject(c.env, inbox.accountId).invalidateMemberAccess();
    await enqueueJobs(c.env.JOBS, [{ type: "inbox.purge", account_id: inbox.accountId, inbox_id: inbox.id }]);
    return c.body(null, 204);
  },
);

accountInboxes.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/inboxes/{inbox_id}/reset_secret",
    tags,
    security: userSecurity,
    summary: "Replace an API inbox's callback secret (administrators)",
    description:
      "Chatwoot's `reset_secret`: the API inbox gets a new `secret`, and every callback to its webhook_url from now on (retries of " +
      "earlier events included) is signed with it. Other inboxes answer 404, as in Chatwoot.",
    middleware: [requireRole("administrator")] as const,
    request: { params: inboxParams },
    responses: {
      200: { description: "The inbox, with its new secret", content: { "application/json": { schema: InboxSchema } } },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const inbox = await accountInbox(c, c.req.valid("param").inbox_id);
    if (inbox.channelType !== "api") throw notFound("API inbox");
    const db = c.var.db;
    const [[updated]] = await db.batch([
      db.update(inboxes).set({ webhookSecret: newWebhookSecret(), updatedAt: new Date() }).where(eq(inboxes.id, inbox.id)).returning(),
      auditEntry(c, {
        action: "rotate_secret",
        auditableType: "Inbox",
        auditableId: inbox.id,
        agencyId: c.var.membership.agencyId,
        accountId: inbox.accountId,
        changes: { secret: "rotated" },
      }),
    ]);
    return c.json(serializeInbox(c, updated ?? inbox), 200);
  },
);
