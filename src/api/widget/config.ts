/**
 * Widget API: a chat widget's public configuration (/api/v1/widget/config), what the loader and the
 * chat app on a website read. No token: the widget token is public. Only the sites in the widget's
 * `allowed_domains` may read it from a browser (CORS); a widget missing a dependency still answers,
 * with the channels it cannot offer yet listed as `unavailable`.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, eq, inArray } from "drizzle-orm";
import type { Context } from "hono";
import { accounts, chatWidgets, customAttributeDefinitions } from "../../db/schema";
import { originAllowed } from "../../domain/allowed-domains";
import { isOpenAt } from "../../domain/business-hours";
import { callLink, instagramLink, messengerLink, whatsappLink } from "../../domain/widget-links";
import { channelAvailable, offeredChannels, unavailableChannels, WIDGET_CHANNELS } from "../../domain/widget-setup";
import { LAUNCHER_ICONS, type PreChatField, WIDGET_THEMES } from "../../services/chat-widget-settings";
import { type LoadedChatWidget, loadChatWidgets } from "../../services/loaded-chat-widgets";
import { PreChatFieldSchema, WidgetSettingsSchema } from "../chat-widget-settings";
import { type AppEnv, createRouter } from "../context";
import { ApiError, errorResponses, notFound } from "../errors";
import { mediaUrl } from "../media";
import { limitedRoute } from "../limits";

const tags = ["Widget API"];
const CACHE_SECONDS = 60;

const ConfigQuery = z.object({
  widget_token: z.string().min(1).max(64).openapi({ description: "The token in the widget's embed code" }),
});

const ChannelsSchema = z.object({
  live_chat: z.object({ website_token: z.string() }).optional(),
  email_sms: z
    .object({
      website_token: z.string().optional().openapi({ description: "When the widget's inbox is a website inbox" }),
      inbox_channel: z.enum(["web_widget", "email", "sms"]).openapi({ description: "Where the lead's conversation opens, and so how agents answer" }),
    })
    .optional(),
  whatsapp: z.object({ url: z.string() }).optional(),
  facebook: z.object({ url: z.string() }).optional(),
  instagram: z.object({ url: z.string() }).optional(),
  voice_ai: z.object({ agent_name: z.string(), phone_number: z.string().nullable(), call_url: z.string().nullable() }).optional(),
});
type Channels = z.infer<typeof ChannelsSchema>;

const WidgetConfigSchema = z
  .object({
    widget: z.object({
      token: z.string(),
      type: z.enum(["live_chat", "email_sms", "whatsapp", "facebook", "instagram", "voice_ai", "all_in_one"]),
      name: z.string(),
      locale: z.string().openapi({ description: "The widget's, else the account's" }),
      position: z.enum(["right", "left"]),
      colors: WidgetSettingsSchema.shape.colors,
      launcher: z.object({ text: z.string().nullable(), icon: z.enum(LAUNCHER_ICONS) }),
      greeting: WidgetSettingsSchema.shape.greeting,
      avatar_url: z.string().nullable(),
      logo_url: z.string().nullable(),
      business: z
        .object({ name: z.string().nullable(), address: z.string().nullable(), phone: z.string().nullable(), email: z.string().nullable() })
        .nullable()
        .openapi({ description: "Shown when the widget shows business details; empty fields are the account's" }),
      away_message: z.string().nullable(),
      theme: z.enum(WIDGET_THEMES),
      business_hours: WidgetSettingsSchema.shape.business_hours.extend({ timezone: z.string() }),
      online: z.boolean().openapi({ description: "Inside business hours now; always true without business hours" }),
      pre_chat_form: z.object({
        enabled: z.boolean(),
        message: z.string().nullable(),
        fields: z.array(PreChatFieldSchema.omit({ enabled: true })).openapi({ description: "The enabled fields, in order" }),
      }),
      setup_status: z.enum(["complete", "incomplete"]),
      unavailable: z
        .array(z.object({ channel: z.enum(WIDGET_CHANNELS), message: z.string() }))
        .openapi({ description: "Offered channels that are not set up yet, with the text to show instead" }),
      channels: ChannelsSchema.openapi({ description: "How to reach each offered channel that is set up" }),
    }),
  })
  .openapi("WidgetConfig");

/**
 * The widget for `token`, after checking the request's origin against its allowed domains: 403
 * `origin_not_allowed` without CORS headers, or the CORS headers for that origin. Requests without
 * an Origin (servers, same-origin reads by the chat app) need no CORS and are answered.
 */
async function widgetForOrigin(c: Context<AppEnv>, token: string): Promise<LoadedChatWidget> {
  const [widget] = await loadChatWidgets(c.var.db, eq(chatWidgets.widgetToken, token));
  if (!widget) throw notFound("Widget");
  const origin = c.req.header("origin");
  c.header("Vary", "Origin");
  if (origin === undefined) return widget;
  const ownOrigin = new URL(c.req.url).origin;
  if (origin !== ownOrigin && !originAllowed(origin, widget.settings.allowed_domains)) {
    throw new ApiError(403, "origin_not_allowed", "This website may not load the widget.", { origin });
  }
  c.header("Access-Control-Allow-Origin", origin);
  return widget;
}

/** The enabled pre-chat fields; attribute fields whose definition was deleted since are left out. */
/** The enabled pre-chat fields visitors are asked: attribute fields whose definition was deleted are left out. */
export async function visiblePreChatFields(c: Context<AppEnv>, accountId: number, fields: PreChatField[]) {
  const enabled = fields.filter((field) => field.enabled);
  const attributeKeys = enabled.filter((field) => field.field_type !== "standard").map((field) => field.name);
  const definitions =
    attributeKeys.length === 0
      ? []
      : await c.var.db
          .select({ key: customAttributeDefinitions.attributeKey, model: customAttributeDefinitions.attributeModel })
          .from(customAttributeDefinitions)
          .where(and(eq(customAttributeDefinitions.accountId, accountId), inArray(customAttributeDefinitions.attributeKey, attributeKeys)));
  return enabled
    .filter((field) => field.field_type === "standard" || definitions.some((d) => d.key === field.name && d.model === field.field_type))
    .map(({ enabled: _, ...field }) => field);
}

/** How a visitor reaches each offered channel that is set up. */
function channelsOf({ widget, settings, dependencies }: LoadedChatWidget): Channels {
  const channels: Channels = {};
  const { inbox, whatsapp_number, facebook_page, instagram_account, voice_ai_agent } = dependencies;
  for (const channel of offeredChannels(widget.type, settings.channels)) {
    if (!channelAvailable(channel, dependencies)) continue;
    if (channel === "live_chat" && inbox?.websiteToken) channels.live_chat = { website_token: inbox.websiteToken };
    if (channel === "email_sms" && inbox && (inbox.channelType === "web_widget" || inbox.channelType === "email" || inbox.channelType === "sms")) {
      channels.email_sms = { ...(inbox.websiteToken ? { website_token: inbox.websiteToken } : {}), inbox_channel: inbox.channelType };
    }
    if (channel === "whatsapp" && whatsapp_number) channels.whatsapp = { url: whatsappLink(whatsapp_number.phoneNumber, settings.prefilled_text) };
    if (channel === "facebook" && facebook_page) channels.facebook = { url: messengerLink(facebook_page.pageId, settings.prefilled_text) };
    if (channel === "instagram" && instagram_account) channels.instagram = { url: instagramLink(instagram_account.username) };
    if (channel === "voice_ai" && voice_ai_agent) {
      const phone = voice_ai_agent.phoneNumber;
      channels.voice_ai = { agent_name: voice_ai_agent.name, phone_number: phone, call_url: callLink(phone) };
    }
  }
  return channels;
}

export const widgetConfig = createRouter();

widgetConfig.openapi(
  limitedRoute(
    createRoute({
      method: "get",
      path: "/config",
      tags,
      summary: "A chat widget's public configuration",
      description:
        "What a website needs to show the widget: looks, business details (the account's where the widget leaves them " +
        "empty), whether it is within business hours, the enabled pre-chat fields and how to reach each channel. " +
        "Channels that are not set up yet are listed in `unavailable` instead. Browsers may read it from the widget's " +
        "`allowed_domains` (any site when empty); other origins get 403 `origin_not_allowed`. Cached for 60 seconds.",
      request: { query: ConfigQuery },
      responses: {
        200: { description: "The configuration", content: { "application/json": { schema: WidgetConfigSchema } } },
        ...errorResponses(400, 403, 404),
      },
    }),
    "public_read.address",
  ),
  async (c) => {
    const { widget_token } = c.req.valid("query");
    const loaded = await widgetForOrigin(c, widget_token);
    const { widget, settings, preChatForm, dependencies, setup } = loaded;
    const account = await c.var.db.query.accounts.findFirst({ where: eq(accounts.id, widget.accountId) });
    if (!account) throw notFound("Widget");
    const origin = new URL(c.req.url).origin;
    const timezone = settings.business_hours.timezone ?? account.timezone;
    const { business } = settings;
    c.header("Cache-Control", `public, max-age=${CACHE_SECONDS}`);
    return c.json(
      {
        widget: {
          token: widget.widgetToken,
          type: widget.type,
          name: widget.name,
          locale: settings.locale ?? account.locale,
          position: settings.position,
          colors: settings.colors,
          launcher: settings.launcher,
          greeting: settings.greeting,
          avatar_url: settings.avatar ? mediaUrl(origin, settings.avatar.key) : null,
          logo_url: settings.logo ? mediaUrl(origin, settings.logo.key) : null,
          business: business.show
            ? {
                name: business.name ?? account.businessName,
                address: business.address ?? account.businessAddress,
                phone: business.phone ?? account.businessPhone,
                email: business.email ?? account.supportEmail,
              }
            : null,
          away_message: settings.away_message,
          theme: settings.theme,
          business_hours: { ...settings.business_hours, timezone },
          online: !settings.business_hours.enabled || isOpenAt(settings.business_hours.days, timezone, new Date()),
          pre_chat_form: {
            enabled: preChatForm.enabled,
            message: preChatForm.message,
            fields: await visiblePreChatFields(c, widget.accountId, preChatForm.fields),
          },
          setup_status: setup.setup_status,
          unavailable: unavailableChannels(widget.type, settings.channels, dependencies),
          channels: channelsOf(loaded),
        },
      },
      200,
    );
  },
);

widgetConfig.openapi(
  limitedRoute(
    createRoute({
      method: "options",
      path: "/config",
      tags,
      summary: "CORS preflight for the widget configuration",
      description: "204 with CORS headers for an allowed origin; 403 `origin_not_allowed` for any other.",
      request: { query: ConfigQuery },
      responses: { 204: { description: "The origin may read the configuration" }, ...errorResponses(400, 403, 404) },
    }),
    "public_read.address",
  ),
  async (c) => {
    const { widget_token } = c.req.valid("query");
    await widgetForOrigin(c, widget_token);
    c.header("Access-Control-Allow-Methods", "GET, OPTIONS");
    c.header("Access-Control-Allow-Headers", "Content-Type");
    c.header("Access-Control-Max-Age", "600");
    return c.body(null, 204);
  },
);
