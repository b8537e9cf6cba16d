/**
 * Application API: the account's campaigns (Chatwoot's /api/v1/accounts/:account_id/campaigns).
 * Ongoing campaigns greet visitors of a website inbox on pages matching a URL pattern; one-off SMS
 * campaigns need an SMS inbox, which Parley does not have yet. Administrators change campaigns;
 * agents read those of the inboxes they are members of.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, sql } from "drizzle-orm";
import type { Context } from "hono";
import { accountUsers, CAMPAIGN_TYPES, campaigns, inboxes, inboxMembers, users } from "../../db/schema";
import { validCampaignUrlPattern } from "../../domain/url-patterns";
import { auditEntry, changedFields } from "../audit";
import { requireRole } from "../auth";
import { type AppEnv, createRouter } from "../context";
import { ApiError, errorResponses, type FieldIssue, notFound } from "../errors";
import { BodyId, idParams, iso, Name, optionalText, Timestamp } from "../schemas";
import { visibleToCaller } from "./inboxes";
import { userSecurity } from "./profile";

const tags = ["Application: campaigns"];
const accountParams = idParams("account_id");
const campaignParams = idParams("account_id", "campaign_id");

export const CampaignUrlPattern = z
  .string()
  .trim()
  .max(2048)
  .refine(
    validCampaignUrlPattern,
    "Expected an http(s) URL, optionally with * for any path and {*.}? before the domain for its subdomains.",
  )
  .openapi({ example: "https://{*.}?acme.test/pricing/*" });

const TriggerRules = z
  .object({
    url: CampaignUrlPattern.openapi({ description: "The pages the campaign runs on (Chatwoot's wildcard URL patterns)" }),
    time_on_page: z.number().int().min(0).max(3600).openapi({ description: "Seconds on the page before the message shows", example: 10 }),
  })
  .strict()
  .openapi("CampaignTriggerRules");

const CampaignCreateInput = z
  .object({
    title: Name.openapi({ description: "For internal reference; visitors do not see it", example: "Pricing page" }),
    description: optionalText(1000),
    message: z.string().trim().min(1).max(10_000).openapi({ example: "Questions about our plans? Ask away." }),
    inbox_id: BodyId.openapi({ description: "A website (web_widget) inbox of the account" }),
    sender_id: BodyId.nullable()
      .optional()
      .openapi({ description: "An administrator of the account or a member of the inbox; null: sent by a bot" }),
    enabled: z.boolean().optional(),
    trigger_only_during_business_hours: z.boolean().optional(),
    trigger_rules: TriggerRules,
    campaign_type: z.enum(CAMPAIGN_TYPES).optional().openapi({ description: "Only ongoing is available; one_off answers 422" }),
  })
  .strict()
  .openapi("CampaignCreateInput");
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
    trigger_rules: z.object({ url: z.string(), time_on_page: z.number().int() }),
    trigger_only_during_business_hours: z.boolean(),
    account_id: z.number().int(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Campaign");

type CampaignRow = typeof campaigns.$inferSelect;
type CampaignValues = Omit<CampaignRow, "id" | "createdAt" | "updatedAt">;
type CampaignView = { campaign: CampaignRow; inboxName: string; senderName: string | null };

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
    sender:
      campaign.senderId === null || senderName === null
        ? null
        : { id: campaign.senderId, name: senderName, avatar_url: "", thumbnail: "" },
    trigger_rules: campaign.triggerRules,
    trigger_only_during_business_hours: campaign.triggerOnlyDuringBusinessHours,
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
    .where(
      and(
        eq(campaigns.accountId, c.var.membership.accountId),
        visibleToCaller(c),
        campaignId === undefined ? undefined : eq(campaigns.id, campaignId),
      ),
    )
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

function ensureOngoing(campaignType: (typeof CAMPAIGN_TYPES)[number] | undefined) {
  if (campaignType !== "one_off") return;
  throw invalidBody([
    {
      field: "campaign_type",
      message: "One-off campaigns send SMS and need an SMS inbox, which is not available yet; create an ongoing campaign.",
      code: "sms_inbox_required",
    },
  ]);
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
  campaignType: patch.campaign_type,
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
      "is open. `campaign_type` one_off (SMS) answers 422: it needs an SMS inbox, which is not available yet.",
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
    ensureOngoing(input.campaign_type);
    const values: CampaignValues = {
      accountId,
      title: input.title,
      description: input.description ?? null,
      message: input.message,
      inboxId: input.inbox_id,
      senderId: input.sender_id ?? null,
      enabled: input.enabled ?? true,
      triggerOnlyDuringBusinessHours: input.trigger_only_during_business_hours ?? false,
      triggerRules: input.trigger_rules,
      campaignType: "ongoing",
    };
    await ensureInboxAndSender(c, values.inboxId, values.senderId);
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
    description: "`trigger_rules` is replaced as a whole. Changing the inbox or the sender checks both again.",
    middleware: [requireRole("administrator")] as const,
    request: {
      params: campaignParams,
      body: { required: true, content: { "application/json": { schema: CampaignUpdateInput } } },
    },
    responses: {
      200: { description: "The updated campaign", content: { "application/json": { schema: CampaignSchema } } },
      ...errorResponses(400, 401, 403, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const { campaign_id } = c.req.valid("param");
    const input = c.req.valid("json");
    const campaign = await accountCampaign(c, campaign_id);
    ensureOngoing(input.campaign_type);
    const changes = changedFields(configurationOf(campaign), input);
    if (Object.keys(changes).length === 0) return c.json(serializeCampaign(await visibleCampaign(c, campaign.id)), 200);
    if ("inbox_id" in changes || "sender_id" in changes) {
      const senderId = input.sender_id === undefined ? campaign.senderId : input.sender_id;
      await ensureInboxAndSender(c, input.inbox_id ?? campaign.inboxId, senderId);
    }
    const db = c.var.db;
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
