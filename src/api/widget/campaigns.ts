/**
 * Widget API: the ongoing campaigns a website inbox runs on the page a visitor is on (Chatwoot's
 * /api/v1/widget/campaigns). Public and read-only, so any origin may call it.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq } from "drizzle-orm";
import { cors } from "hono/cors";
import { accountUsers, campaigns, inboxes, users } from "../../db/schema";
import { isOpenAt } from "../../domain/business-hours";
import { campaignUrlMatches } from "../../domain/url-patterns";
import { createRouter } from "../context";
import { errorResponses, notFound } from "../errors";
import { limitedRoute } from "../limits";

const tags = ["Widget API"];
const CACHE_SECONDS = 30;

const CampaignsQuery = z.object({
  website_token: z.string().min(1).max(128).openapi({ description: "The website inbox's token" }),
  url: z.string().max(8192).optional().openapi({
    description: "The page the visitor is on; only campaigns whose URL pattern matches it are returned. Without it, every enabled campaign.",
    example: "https://acme.test/pricing",
  }),
});

const WidgetCampaignSchema = z
  .object({
    id: z.number().int(),
    message: z.string(),
    trigger_rules: z.object({ url: z.string(), time_on_page: z.number().int() }),
    sender: z.object({ name: z.string(), avatar_url: z.string() }).nullable().openapi({ description: "null: sent by a bot" }),
    trigger_only_during_business_hours: z.boolean(),
  })
  .openapi("WidgetCampaign");

export const widgetCampaigns = createRouter();

widgetCampaigns.use("/campaigns", cors({ origin: "*", allowMethods: ["GET", "OPTIONS"], maxAge: 86_400 }));

widgetCampaigns.openapi(
  limitedRoute(
    createRoute({
      method: "get",
      path: "/campaigns",
      tags,
      summary: "List the campaigns to run on a page",
      description:
        "The enabled ongoing campaigns of the website inbox whose `trigger_rules.url` matches `url`. A campaign that " +
        "triggers only during business hours is left out while the inbox (with working hours enabled) is closed. The " +
        "widget shows a campaign's message after `time_on_page` seconds. Cached for 30 seconds; any origin may call it.",
      request: { query: CampaignsQuery },
      responses: {
        200: { description: "The campaigns", content: { "application/json": { schema: z.array(WidgetCampaignSchema) } } },
        ...errorResponses(400, 404),
      },
    }),
    "public_read.address",
  ),
  async (c) => {
    const { website_token, url } = c.req.valid("query");
    const db = c.var.db;
    const inbox = await db.query.inboxes.findFirst({
      where: and(eq(inboxes.websiteToken, website_token), eq(inboxes.channelType, "web_widget")),
    });
    if (!inbox) throw notFound("Inbox");
    const rows = await db
      .select({ campaign: campaigns, senderName: users.name })
      .from(campaigns)
      .leftJoin(accountUsers, and(eq(accountUsers.accountId, campaigns.accountId), eq(accountUsers.userId, campaigns.senderId)))
      .leftJoin(users, eq(users.id, accountUsers.userId))
      .where(and(eq(campaigns.inboxId, inbox.id), eq(campaigns.enabled, true), eq(campaigns.campaignType, "ongoing")))
      .orderBy(asc(campaigns.id));
    const open = !inbox.workingHoursEnabled || isOpenAt(inbox.workingHours, inbox.timezone, new Date());
    const running = rows.filter(
      ({ campaign }) => (url === undefined || campaignUrlMatches(campaign.triggerRules.url, url)) && (open || !campaign.triggerOnlyDuringBusinessHours),
    );
    c.header("Cache-Control", `public, max-age=${CACHE_SECONDS}`);
    return c.json(
      running.map(({ campaign, senderName }) => ({
        id: campaign.id,
        message: campaign.message,
        // Ongoing campaigns always have both; only one-off ones (never listed here) store {}.
        trigger_rules: { url: campaign.triggerRules.url, time_on_page: campaign.triggerRules.time_on_page },
        sender: senderName === null ? null : { name: senderName, avatar_url: "" },
        trigger_only_during_business_hours: campaign.triggerOnlyDuringBusinessHours,
      })),
      200,
    );
  },
);
