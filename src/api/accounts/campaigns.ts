/**
 * Application API: the account's campaigns (Chatwoot's /api/v1/accounts/:account_id/campaigns).
 * Ongoing campaigns greet visitors of a website inbox on pages matching a URL pattern; one-off
 * campaigns send an SMS from an SMS inbox to the contacts with any of their audience's labels at
 * `scheduled_at` (src/jobs/campaigns.ts runs them). Administrators change campaigns; agents read
 * those of the inboxes they are members of.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, count, eq, sql } from "drizzle-orm";
import type { Context } from "hono";
import { inJsonList } from "../../db/queries";
import {
  accountUsers,
  campaignRecipients,
  CAMPAIGN_TYPES,
  campaigns,
  inboxes,
  inboxMembers,
  labels,
  ONE_OFF_STATUSES,
  RECIPIENT_STATUSES,
  users,
} from "../../db/schema";
import { SUPPORTED_VARIABLES, templateVariables } from "../../domain/template-variables";
import { campaignUrlMatches, validCampaignUrlPattern } from "../../domain/url-patterns";
import { auditEntry, changedFields } from "../audit";
import { requireRole } from "../auth";
import { type AppEnv, createRouter } from "../context";
import { ApiError, conflict, errorResponses, type FieldIssue, notFound } from "../errors";
import { BodyId, idParams, iso, Name, offsetOf, optionalText, PageMeta, PageQuery, Timestamp } from "../schemas";
import { visibleToCaller } from "./inboxes";
import { userSecurity } from "./profile";

const tags = ["Application: campaigns"];
const accountParams = idParams("account_id");
const campaignParams = idParams("account_id", "campaign_id");

/** Twilio refuses longer bodies. */
const MAX_SMS_LENGTH = 1600;

export const CampaignUrlPattern = z
  .string()
  .trim()
  .max(2048)
  .refine(
    validCampaignUrlPattern,
    "Expected an http(s) URL pattern (the URL Pattern standard): * for any characters, :name for one path segment, " +
      "{*.}? before the domain for its subdomains; no regular-expression groups, at most two wildcards in each part.",
  )
  .openapi({ example: "https://{*.}?acme.test/pricing/*" });

const TriggerRules = z
  .object({
    url: CampaignUrlPattern.openapi({ description: "The pages the campaign runs on (Chatwoot's wildcard URL patterns)" }),
    time_on_page: z.number().int().min(0).max(3600).openapi({ description: "Seconds on the page before the message shows", example: 10 }),
  })
  .strict()
  .openapi("CampaignTriggerRules");

const AudienceInput = z
  .array(z.object({ type: z.literal("Label"), id: BodyId.openapi({ description: "A label of the account" }) }).strict())
  .min(1)
  .max(100)
  .openapi({ description: "One-off campaigns: the contacts with any of these labels (and a phone number)", example: [{ type: "Label", id: 1 }] });

/** An ISO 8601 time with its offset, or Unix seconds; kept as Unix seconds. */
const ScheduledAtInput = z
  .union([z.iso.datetime({ offset: true }).transform((text) => Math.floor(Date.parse(text) / 1000)), z.number().int().positive().max(253_402_300_799)])
  .openapi({ description: "One-off campaigns: when to send, in the future (ISO 8601 or Unix seconds)", example: "2026-12-01T09:00:00Z" });

const CampaignCreateInput = z
  .object({
    title: Name.openapi({ description: "For internal reference; visitors do not see it", example: "Pricing page" }),
    description: optionalText(1000),
    message: z
      .string()
      .trim()
      .min(1)
      .max(10_000)
      .openapi({
        description: `One-off campaigns: the SMS (at most ${MAX_SMS_LENGTH} characters), with contact template variables`,
        example: "Questions about our plans? Ask away.",
      }),
    inbox_id: BodyId.openapi({ description: "A website (web_widget) inbox for ongoing campaigns, an SMS inbox for one-off ones" }),
    sender_id: BodyId.nullable()
      .optional()
      .openapi({ description: "Ongoing campaigns: an administrator of the account or a member of the inbox; null: sent by a bot" }),
    enabled: z.boolean().optional(),
    trigger_only_during_business_hours: z.boolean().optional().openapi({ description: "Ongoing campaigns only" }),
    trigger_rules: TriggerRules.optional().openapi({ description: "Ongoing campaigns: required" }),
    campaign_type: z
      .enum(CAMPAIGN_TYPES)
      .optional()
      .openapi({ description: "Follows the inbox when absent, as in Chatwoot: website inboxes run ongoing campaigns, SMS inboxes one-off ones" }),
    audience: AudienceInput.optional(),
    scheduled_at: ScheduledAtInput.optional(),
  })
  .strict()
  .openapi("CampaignCreateInput");
type CampaignCreateInput = z.infer<typeof CampaignCreateInput>;
const CampaignUpdateInput = CampaignCreateInput.partial().strict().openapi("CampaignUpdateInput");
type CampaignUpdateInput = z.infer<typeof CampaignUpdateInput>;

const CampaignSchema = z
  .object({
    id: z.number().int(),
    title: z.string(),
    description: z.string().nullable(),
    message: z.string(),
    enabled: z.boolean(),
    campaign_type: z.enum(CAMPAIGN_TYPES),
    inbox: z.object({ id: z.number().int(), name: z.string() }),
    sender: z
      .object({ id: z.number().int(), name: z.string(), avatar_url: z.string(), thumbnail: z.string() })
      .nullable()
      .openapi({ description: "null: sent by a bot" }),
    trigger_rules: z
      .object({ url: z.string(), time_on_page: z.number().int() })
      .partial()
      .openapi({ description: "Ongoing campaigns: the page and delay; one-off campaigns: {}" }),
    trigger_only_during_business_hours: z.boolean(),
    campaign_status: z
      .enum(["active", "completed"])
      .openapi({ description: "Chatwoot's status: completed once a one-off campaign has sent to everyone, active otherwise" }),
    status: z.enum(ONE_OFF_STATUSES).optional().openapi({ description: "One-off campaigns: scheduled, then running, then completed" }),
    audience: z
      .array(z.object({ type: z.literal("Label"), id: z.number().int() }))
      .optional()
      .openapi({ description: "One-off campaigns" }),
    scheduled_at: z.number().int().optional().openapi({ description: "One-off campaigns: Unix seconds" }),
    started_at: z.number().int().nullable().optional().openapi({ description: "One-off campaigns: Unix seconds" }),
    completed_at: z.number().int().nullable().optional().openapi({ description: "One-off campaigns: Unix seconds" }),
    account_id: z.number().int(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Campaign");

type CampaignRow = typeof campaigns.$inferSelect;
type CampaignValues = Omit<CampaignRow, "id" | "createdAt" | "updatedAt">;
type CampaignView = { campaign: CampaignRow; inboxName: string; senderName: string | null };

/** A new campaign has not started anything. */
const emptyOneOffProgress = { startedAt: null, audienceRecordedAt: null, enqueuedAt: null, completedAt: null } as const;

const unixSeconds = (date: Date | null) => (date === null ? null : Math.floor(date.getTime() / 1000));

/** The campaign's configuration under its API names: what the audit log records. */
const configurationOf = (campaign: CampaignValues) => ({
  title: campaign.title,
  description: campaign.description,
  message: campaign.message,
  inbox_id: campaign.inboxId,
  sender_id: campaign.senderId,
  enabled: campaign.enabled,
  trigger_only_during_business_hours: campaign.triggerOnlyDuringBusinessHours,
  trigger_rules: campaign.triggerRules,
  campaign_type: campaign.campaignType,
  ...(campaign.campaignType === "one_off" ? { audience: campaign.audience, scheduled_at: unixSeconds(campaign.scheduledAt) } : {}),
});

function serializeCampaign({ campaign, inboxName, senderName }: CampaignView): z.infer<typeof CampaignSchema> {
  return {
    id: campaign.id,
    title: campaign.title,
    description: campaign.description,
    message: campaign.message,
    enabled: campaign.enabled,
    campaign_type: campaign.campaignType,
    inbox: { id: campaign.inboxId, name: inboxName },
    sender: campaign.senderId === null || senderName === null ? null : { id: campaign.senderId, name: senderName, avatar_url: "", thumbnail: "" },
    trigger_rules: campaign.triggerRules,
    trigger_only_during_business_hours: campaign.triggerOnlyDuringBusinessHours,
    campaign_status: campaign.status === "completed" ? "completed" : "active",
    ...(campaign.campaignType === "one_off"
      ? {
          status: campaign.status ?? "scheduled",
          audience: campaign.audience ?? [],
          scheduled_at: unixSeconds(campaign.scheduledAt) ?? 0,
          started_at: unixSeconds(campaign.startedAt),
          completed_at: unixSeconds(campaign.completedAt),
        }
      : {}),
    account_id: campaign.accountId,
    created_at: iso(campaign.createdAt),
    updated_at: iso(campaign.updatedAt),
  };
}

/**
 * The account's campaigns the caller may see (or the one with `campaignId`), with their inbox's
 * name and their sender's, who shows only while still a member of the account.
 */
function visibleCampaigns(c: Context<AppEnv>, campaignId?: number): Promise<CampaignView[]> {
  return c.var.db
    .select({ campaign: campaigns, inboxName: inboxes.name, senderName: users.name })
    .from(campaigns)
    .innerJoin(inboxes, eq(inboxes.id, campaigns.inboxId))
    .leftJoin(accountUsers, and(eq(accountUsers.accountId, campaigns.accountId), eq(accountUsers.userId, campaigns.senderId)))
    .leftJoin(users, eq(users.id, accountUsers.userId))
    .where(and(eq(campaigns.accountId, c.var.membership.accountId), visibleToCaller(c), campaignId === undefined ? undefined : eq(campaigns.id, campaignId)))
    .orderBy(asc(campaigns.id));
}

async function visibleCampaign(c: Context<AppEnv>, campaignId: number): Promise<CampaignView> {
  const [view] = await visibleCampaigns(c, campaignId);
  if (!view) throw notFound("Campaign");
  return view;
}

/** One of the account's campaigns, or 404 for any other id. */
async function accountCampaign(c: Context<AppEnv>, campaignId: number): Promise<CampaignRow> {
  const campaign = await c.var.db.query.campaigns.findFirst({
    where: and(eq(campaigns.id, campaignId), eq(campaigns.accountId, c.var.membership.accountId)),
  });
  if (!campaign) throw notFound("Campaign");
  return campaign;
}

const invalidBody = (issues: FieldIssue[]) => new ApiError(422, "validation_failed", "The request body is not valid.", issues);

type CampaignType = (typeof CAMPAIGN_TYPES)[number];

/** The account's inbox `inboxId` (its channel type), or 422. */
async function campaignInbox(c: Context<AppEnv>, inboxId: number) {
  const inbox = await c.var.db.query.inboxes.findFirst({
    where: and(eq(inboxes.id, inboxId), eq(inboxes.accountId, c.var.membership.accountId)),
  });
  if (!inbox) {
    throw invalidBody([{ field: "inbox_id", message: `Inbox ${inboxId} is not an inbox of this account.`, code: "not_account_inbox" }]);
  }
  return inbox;
}

/** 422 unless a one-off campaign's inbox is an SMS inbox. */
function ensureSmsInbox(channelType: string, field: "campaign_type" | "inbox_id") {
  if (channelType === "sms") return;
  throw invalidBody([{ field, message: "One-off campaigns send SMS and need an SMS inbox (channel type sms).", code: "sms_inbox_required" }]);
}

const ONGOING_ONLY = ["sender_id", "trigger_rules", "trigger_only_during_business_hours"] as const;
const ONE_OFF_ONLY = ["audience", "scheduled_at"] as const;

/** 422 for fields the other campaign type has (a null sender is the bot, which any campaign may name). */
function ensureFieldsOfType(campaignType: CampaignType, input: CampaignUpdateInput) {
  const foreign = campaignType === "one_off" ? ONGOING_ONLY : ONE_OFF_ONLY;
  const issues = foreign
    .filter((field) => input[field] !== undefined && !(field === "sender_id" && input[field] === null))
    .map((field) => ({
      field,
      message: campaignType === "one_off" ? `One-off campaigns have no ${field}.` : `Ongoing campaigns have no ${field}.`,
      code: "not_for_campaign_type",
    }));
  if (issues.length > 0) throw invalidBody(issues);
}

/**
 * 422 unless a one-off campaign's fields hold: every audience entry a label of the account, the time
 * in the future, an SMS-sized message that only uses contact variables (there is no conversation or
 * agent behind a campaign message). `input` holds the fields being set.
 */
async function ensureOneOffFields(c: Context<AppEnv>, input: Pick<CampaignUpdateInput, "audience" | "scheduled_at" | "message">, now: Date) {
  const issues: FieldIssue[] = [];
  if (input.audience !== undefined) {
    const ids = [...new Set(input.audience.map((entry) => entry.id))];
    const known = await c.var.db
      .select({ id: labels.id })
      .from(labels)
      .where(and(eq(labels.accountId, c.var.membership.accountId), inJsonList(labels.id, ids)));
    const unknown = ids.filter((id) => !known.some((row) => row.id === id));
    if (unknown.length > 0) {
      issues.push({ field: "audience", message: `Not labels of this account: ${unknown.join(", ")}.`, code: "unknown_label" });
    }
  }
  if (input.scheduled_at !== undefined && input.scheduled_at * 1000 <= now.getTime()) {
    issues.push({ field: "scheduled_at", message: "Expected a time in the future.", code: "in_the_past" });
  }
  if (input.message !== undefined) {
    if (input.message.length > MAX_SMS_LENGTH) {
      issues.push({ field: "message", message: `An SMS holds at most ${MAX_SMS_LENGTH} characters.`, code: "too_long" });
    }
    const unsupported = templateVariables(input.message).filter(
      (name) => !(name.startsWith("contact.") && (SUPPORTED_VARIABLES.includes(name) || /^contact\.custom_attribute\.[\w-]+$/.test(name))),
    );
    if (unsupported.length > 0) {
      issues.push({
        field: "message",
        message: `Campaign messages use contact variables only; not available: ${unsupported.join(", ")}.`,
        code: "unsupported_variable",
      });
    }
  }
  if (issues.length > 0) throw invalidBody(issues);
}

/** 422 for what a new one-off campaign lacks. */
function ensureOneOffComplete(input: CampaignCreateInput) {
  const missing = ONE_OFF_ONLY.filter((field) => input[field] === undefined);
  if (missing.length > 0) {
    throw invalidBody(missing.map((field) => ({ field, message: "Required for one-off campaigns.", code: "required" })));
  }
}

/**
 * 422 unless `inboxId` is a website inbox of the account and `senderId` (when not the bot) is an
 * administrator of the account or a member of that inbox.
 */
async function ensureInboxAndSender(c: Context<AppEnv>, inboxId: number, senderId: number | null) {
  const { accountId } = c.var.membership;
  const db = c.var.db;
  const [inbox, sender] = await Promise.all([
    db.query.inboxes.findFirst({ where: and(eq(inboxes.id, inboxId), eq(inboxes.accountId, accountId)) }),
    senderId === null
      ? null
      : db
          .select({ role: accountUsers.role, inboxMember: inboxMembers.userId })
          .from(accountUsers)
          .leftJoin(inboxMembers, and(eq(inboxMembers.userId, accountUsers.userId), eq(inboxMembers.inboxId, inboxId)))
          .where(and(eq(accountUsers.accountId, accountId), eq(accountUsers.userId, senderId)))
          .then((rows) => rows[0] ?? null),
  ]);
  const issues: FieldIssue[] = [];
  if (!inbox) {
    issues.push({ field: "inbox_id", message: `Inbox ${inboxId} is not an inbox of this account.`, code: "not_account_inbox" });
  } else if (inbox.channelType !== "web_widget") {
    issues.push({ field: "inbox_id", message: "Ongoing campaigns run on website (web_widget) inboxes.", code: "not_website_inbox" });
  }
  if (senderId !== null && (!sender || (sender.role !== "administrator" && sender.inboxMember === null))) {
    issues.push({
      field: "sender_id",
      message: `User ${senderId} is neither an administrator of this account nor a member of inbox ${inboxId}.`,
      code: "not_inbox_agent",
    });
  }
  if (issues.length > 0) throw invalidBody(issues);
}

/** API field names to row field names, for updates. */
const campaignColumns = (patch: CampaignUpdateInput) => ({
  title: patch.title,
  description: patch.description,
  message: patch.message,
  inboxId: patch.inbox_id,
  senderId: patch.sender_id,
  enabled: patch.enabled,
  triggerOnlyDuringBusinessHours: patch.trigger_only_during_business_hours,
  triggerRules: patch.trigger_rules,
  audience: patch.audience,
  scheduledAt: patch.scheduled_at === undefined ? undefined : new Date(patch.scheduled_at * 1000),
});

export const accountCampaigns = createRouter();

accountCampaigns.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/campaigns",
    tags,
    security: userSecurity,
    summary: "List the account's campaigns",
    description: "Administrators see every campaign, agents those of the inboxes they are members of.",
    request: { params: accountParams },
    responses: {
      200: { description: "The campaigns", content: { "application/json": { schema: z.array(CampaignSchema) } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    return c.json((await visibleCampaigns(c)).map(serializeCampaign), 200);
  },
);

const UrlTestInput = z
  .object({
    url_pattern: CampaignUrlPattern.openapi({ description: "A campaign's `trigger_rules.url`" }),
    url: z
      .string()
      .max(2048)
      .openapi({ description: "A page address, as a visitor's browser would report it", example: "https://shop.acme.test/pricing/team" }),
  })
  .strict()
  .openapi("CampaignUrlTestInput");

accountCampaigns.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/campaigns/url_test",
    tags,
    security: userSecurity,
    summary: "Test a URL pattern against a page address (administrators)",
    description:
      "Whether an ongoing campaign with `trigger_rules.url` = `url_pattern` would run on the page at `url`, decided by " +
      "the same matcher that picks the campaigns a widget shows, so the console's pattern tester answers as visitors' " +
      "pages will. A pattern the API would refuse for a campaign is refused here with the same 422; an address that " +
      "is not an http(s) URL matches nothing.",
    middleware: [requireRole("administrator")] as const,
    request: {
      params: accountParams,
      body: { required: true, content: { "application/json": { schema: UrlTestInput } } },
    },
    responses: {
      200: {
        description: "The answer",
        content: { "application/json": { schema: z.object({ matches: z.boolean() }).openapi("CampaignUrlTestResult") } },
      },
      ...errorResponses(400, 401, 403, 404, 413, 415, 422),
    },
  }),
  (c) => {
    const { url_pattern, url } = c.req.valid("json");
    return c.json({ matches: campaignUrlMatches(url_pattern, url) }, 200);
  },
);

accountCampaigns.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/campaigns/{campaign_id}",
    tags,
    security: userSecurity,
    summary: "Show a campaign",
    description: "Agents see only campaigns of inboxes they are members of; others answer 404.",
    request: { params: campaignParams },
    responses: {
      200: { description: "The campaign", content: { "application/json": { schema: CampaignSchema } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { campaign_id } = c.req.valid("param");
    return c.json(serializeCampaign(await visibleCampaign(c, campaign_id)), 200);
  },
);

accountCampaigns.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/campaigns",
    tags,
    security: userSecurity,
    summary: "Create a campaign (administrators)",
    description:
      "An ongoing campaign shows `message` to visitors of the website inbox `inbox_id` after `trigger_rules.time_on_page` " +
      "seconds on a page matching `trigger_rules.url`; with `trigger_only_during_business_hours`, only while the inbox " +
      "is open. A one-off campaign sends `message` as an SMS from the SMS inbox `inbox_id` at `scheduled_at` to every " +
      "contact with any of the `audience` labels and a phone number, once each; `campaign_type` follows the inbox when " +
      "absent. 422 for an inbox of the wrong type, labels that are not the account's, or a time that has passed.",
    middleware: [requireRole("administrator")] as const,
    request: {
      params: accountParams,
      body: { required: true, content: { "application/json": { schema: CampaignCreateInput } } },
    },
    responses: {
      201: { description: "Created", content: { "application/json": { schema: CampaignSchema } } },
      ...errorResponses(400, 401, 403, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const input = c.req.valid("json");
    const { accountId, agencyId } = c.var.membership;
    const inbox = await campaignInbox(c, input.inbox_id);
    const campaignType: CampaignType = input.campaign_type ?? (inbox.channelType === "sms" ? "one_off" : "ongoing");
    let values: CampaignValues;
    if (campaignType === "one_off") {
      ensureSmsInbox(inbox.channelType, input.campaign_type === undefined ? "inbox_id" : "campaign_type");
      ensureFieldsOfType("one_off", input);
      ensureOneOffComplete(input);
      await ensureOneOffFields(c, input, new Date());
      values = {
        ...emptyOneOffProgress,
        accountId,
        title: input.title,
        description: input.description ?? null,
        message: input.message,
        inboxId: input.inbox_id,
        senderId: null,
        enabled: input.enabled ?? true,
        triggerOnlyDuringBusinessHours: false,
        triggerRules: {},
        campaignType,
        audience: input.audience ?? [],
        scheduledAt: new Date((input.scheduled_at ?? 0) * 1000),
        status: "scheduled",
      };
    } else {
      ensureFieldsOfType("ongoing", input);
      if (!input.trigger_rules) {
        throw invalidBody([{ field: "trigger_rules", message: "Required for ongoing campaigns.", code: "required" }]);
      }
      values = {
        ...emptyOneOffProgress,
        accountId,
        title: input.title,
        description: input.description ?? null,
        message: input.message,
        inboxId: input.inbox_id,
        senderId: input.sender_id ?? null,
        enabled: input.enabled ?? true,
        triggerOnlyDuringBusinessHours: input.trigger_only_during_business_hours ?? false,
        triggerRules: input.trigger_rules,
        campaignType,
        audience: null,
        scheduledAt: null,
        status: null,
      };
      await ensureInboxAndSender(c, values.inboxId, values.senderId);
    }
    const db = c.var.db;
    const [[campaign]] = await db.batch([
      db.insert(campaigns).values(values).returning({ id: campaigns.id }),
      auditEntry(c, {
        action: "create",
        auditableType: "Campaign",
        auditableId: sql`last_insert_rowid()`,
        agencyId,
        accountId,
        changes: configurationOf(values),
      }),
    ]);
    if (!campaign) throw new Error("campaign insert returned no row");
    return c.json(serializeCampaign(await visibleCampaign(c, campaign.id)), 201);
  },
);

accountCampaigns.openapi(
  createRoute({
    method: "patch",
    path: "/{account_id}/campaigns/{campaign_id}",
    tags,
    security: userSecurity,
    summary: "Update a campaign (administrators)",
    description:
      "`trigger_rules` and `audience` are replaced as a whole. Changing the inbox or the sender checks both again. " +
      "`campaign_type` cannot change. A one-off campaign can change only while it is scheduled (409 once it has started).",
    middleware: [requireRole("administrator")] as const,
    request: {
      params: campaignParams,
      body: { required: true, content: { "application/json": { schema: CampaignUpdateInput } } },
    },
    responses: {
      200: { description: "The updated campaign", content: { "application/json": { schema: CampaignSchema } } },
      ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
    },
  }),
  async (c) => {
    const { campaign_id } = c.req.valid("param");
    const input = c.req.valid("json");
    const campaign = await accountCampaign(c, campaign_id);
    if (input.campaign_type !== undefined && input.campaign_type !== campaign.campaignType) {
      throw invalidBody([
        {
          field: "campaign_type",
          message: `This campaign is ${campaign.campaignType}; the type of a campaign cannot change, create a new one instead.`,
          code: "cannot_change",
        },
      ]);
    }
    ensureFieldsOfType(campaign.campaignType, input);
    const changes = changedFields(configurationOf(campaign), input);
    if (Object.keys(changes).length === 0) return c.json(serializeCampaign(await visibleCampaign(c, campaign.id)), 200);
    if (campaign.campaignType === "one_off") {
      if (campaign.status !== "scheduled") throw conflict(`This campaign is ${campaign.status ?? "scheduled"}; only a scheduled campaign can change.`);
      if (input.inbox_id !== undefined && "inbox_id" in changes) ensureSmsInbox((await campaignInbox(c, input.inbox_id)).channelType, "inbox_id");
      await ensureOneOffFields(
        c,
        {
          audience: "audience" in changes ? input.audience : undefined,
          scheduled_at: "scheduled_at" in changes ? input.scheduled_at : undefined,
          message: "message" in changes ? input.message : undefined,
        },
        new Date(),
      );
    } else if ("inbox_id" in changes || "sender_id" in changes) {
      const senderId = input.sender_id === undefined ? campaign.senderId : input.sender_id;
      await ensureInboxAndSender(c, input.inbox_id ?? campaign.inboxId, senderId);
    }
    const db = c.var.db;
    // A one-off campaign's messages are rendered when it starts, so a change racing the start reaches no one.
    await db.batch([
      db
        .update(campaigns)
        .set({ ...campaignColumns(input), updatedAt: new Date() })
        .where(eq(campaigns.id, campaign.id)),
      auditEntry(c, {
        action: "update",
        auditableType: "Campaign",
        auditableId: campaign.id,
        agencyId: c.var.membership.agencyId,
        accountId: campaign.accountId,
        changes,
      }),
    ]);
    return c.json(serializeCampaign(await visibleCampaign(c, campaign.id)), 200);
  },
);

accountCampaigns.openapi(
  createRoute({
    method: "delete",
    path: "/{account_id}/campaigns/{campaign_id}",
    tags,
    security: userSecurity,
    summary: "Delete a campaign (administrators)",
    middleware: [requireRole("administrator")] as const,
    request: { params: campaignParams },
    responses: { 204: { description: "Deleted" }, ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const { campaign_id } = c.req.valid("param");
    const campaign = await accountCampaign(c, campaign_id);
    const db = c.var.db;
    await db.batch([
      db.delete(campaigns).where(eq(campaigns.id, campaign.id)),
      auditEntry(c, {
        action: "destroy",
        auditableType: "Campaign",
        auditableId: campaign.id,
        agencyId: c.var.membership.agencyId,
        accountId: campaign.accountId,
        changes: configurationOf(campaign),
      }),
    ]);
    return c.body(null, 204);
  },
);

const RecipientSchema = z
  .object({
    contact_id: z.number().int(),
    phone_number: z.string(),
    message: z.string().openapi({ description: "The message as rendered for this contact" }),
    status: z
      .enum(RECIPIENT_STATUSES)
      .openapi({ description: "pending, sending (handed to the provider), sent, failed, or skipped (the contact opted out of text messages: never sent)" }),
    provider_sid: z.string().nullable().openapi({ description: "The provider's message id (Twilio's sid)" }),
    provider_status: z.string().nullable().openapi({ description: "What the provider said, e.g. queued" }),
    error: z.string().nullable(),
    finished_at: z.number().int().nullable().openapi({ description: "Unix seconds" }),
  })
  .openapi("CampaignRecipient");

const RecipientsQuery = PageQuery.extend({ status: z.enum(RECIPIENT_STATUSES).optional() });

accountCampaigns.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/campaigns/{campaign_id}/recipients",
    tags,
    security: userSecurity,
    summary: "A one-off campaign's per-contact results",
    description:
      "One entry per contact of the audience, recorded when the campaign starts, in contact id order; `meta.statuses` " +
      "counts them by status. Empty until the campaign starts, and for ongoing campaigns.",
    request: { params: campaignParams, query: RecipientsQuery },
    responses: {
      200: {
        description: "The recipients",
        content: {
          "application/json": {
            schema: z.object({
              meta: PageMeta.extend({ statuses: z.record(z.enum(RECIPIENT_STATUSES), z.number().int()) }),
              payload: z.array(RecipientSchema),
            }),
          },
        },
      },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { campaign_id } = c.req.valid("param");
    const query = c.req.valid("query");
    const { campaign } = await visibleCampaign(c, campaign_id);
    const db = c.var.db;
    const ofCampaign = eq(campaignRecipients.campaignId, campaign.id);
    const [rows, byStatus] = await Promise.all([
      db
        .select()
        .from(campaignRecipients)
        .where(and(ofCampaign, query.status === undefined ? undefined : eq(campaignRecipients.status, query.status)))
        .orderBy(asc(campaignRecipients.contactId))
        .limit(query.per_page)
        .offset(offsetOf(query)),
      db.select({ status: campaignRecipients.status, n: count() }).from(campaignRecipients).where(ofCampaign).groupBy(campaignRecipients.status),
    ]);
    const statuses = Object.fromEntries(RECIPIENT_STATUSES.map((status) => [status, byStatus.find((row) => row.status === status)?.n ?? 0])) as Record<
      (typeof RECIPIENT_STATUSES)[number],
      number
    >;
    return c.json(
      {
        meta: {
          count: query.status === undefined ? Object.values(statuses).reduce((sum, n) => sum + n, 0) : statuses[query.status],
          current_page: query.page,
          per_page: query.per_page,
          statuses,
        },
        payload: rows.map((row) => ({
          contact_id: row.contactId,
          phone_number: row.phoneNumber,
          message: row.body,
          status: row.status,
          provider_sid: row.providerSid,
          provider_status: row.providerStatus,
          error: row.error,
          finished_at: unixSeconds(row.finishedAt),
        })),
      },
      200,
    );
  },
);
