/**
 * Widget API for Chatwoot's website SDK (`/packs/js/sdk.js`): which Parley widget a Chatwoot
 * `websiteToken` shows. Chatwoot's token names a website inbox; in Parley an inbox has zero or
 * several chat widgets, so the SDK asks here once per page load:
 *
 * - the inbox's Live Chat widget with the lowest id (the first one made for it);
 * - else its first All-in-one widget that offers live chat;
 * - else 404 `no_widget`: the inbox takes no visitors through the SDK until a Live Chat widget is
 *   made for it (Settings > Chat widgets), and the SDK fires `chatwoot:error` with this answer.
 *
 * Looks, pre-chat form, business hours and allowed domains are that widget's (the inbox's
 * `widget_color` and welcome texts are not read); the site's `window.chatwootSettings` then adjust
 * the launcher and the app as documented in docs/CHATWOOT.md. Like the widget configuration, only
 * the widget's `allowed_domains` may read the answer from a browser.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { chatWidgets, inboxes } from "../../db/schema";
import { originAllowed } from "../../domain/allowed-domains";
import { offeredChannels } from "../../domain/widget-setup";
import { loadChatWidgets } from "../../services/loaded-chat-widgets";
import { createRouter } from "../context";
import { ApiError, errorResponses, notFound } from "../errors";
import { limitedRoute } from "../limits";

const tags = ["Widget API"];
const CACHE_SECONDS = 60;

const SdkQuery = z.object({
  website_token: z.string().min(1).max(64).openapi({ description: "Chatwoot's `websiteToken`: the website inbox's public token" }),
});

const SdkWidgetSchema = z
  .object({
    widget_token: z.string().openapi({ description: "The widget the SDK shows: its loader and chat app run with this token" }),
    widget_type: z.enum(["live_chat", "all_in_one"]),
  })
  .openapi("SdkWidget");

export const widgetSdk = createRouter();

widgetSdk.openapi(
  limitedRoute(
    createRoute({
      method: "get",
      path: "/sdk",
      tags,
      summary: "The widget Chatwoot's website SDK shows for a website inbox",
      description:
        "Chatwoot's `window.chatwootSDK.run({websiteToken})` names a website inbox. The answer is the inbox's Live Chat " +
        "widget with the lowest id, else its first All-in-one widget offering live chat; an inbox with neither answers " +
        "404 `no_widget`. Browsers may read it from that widget's `allowed_domains` (any site when empty); other " +
        "origins get 403 `origin_not_allowed`. Cached for 60 seconds.",
      request: { query: SdkQuery },
      responses: {
        200: { description: "The widget to show", content: { "application/json": { schema: SdkWidgetSchema } } },
        ...errorResponses(400, 403, 404),
      },
    }),
    "public_read.address",
  ),
  async (c) => {
    const { website_token } = c.req.valid("query");
    const origin = c.req.header("origin");
    c.header("Vary", "Origin");
    // A page may read why there is no widget (the SDK fires chatwoot:error with it); a widget's answer only its allowed domains.
    if (origin !== undefined) c.header("Access-Control-Allow-Origin", origin);
    const inbox = await c.var.db.query.inboxes.findFirst({
      where: and(eq(inboxes.websiteToken, website_token), eq(inboxes.channelType, "web_widget")),
      columns: { id: true },
    });
    if (!inbox) throw notFound("Inbox");
    const widgets = (await loadChatWidgets(c.var.db, eq(chatWidgets.inboxId, inbox.id))).sort((a, b) => a.widget.id - b.widget.id);
    const chosen =
      widgets.find((w) => w.widget.type === "live_chat") ??
      widgets.find((w) => w.widget.type === "all_in_one" && offeredChannels(w.widget.type, w.settings.channels).includes("live_chat"));
    if (!chosen) throw new ApiError(404, "no_widget", "This inbox has no Live Chat widget yet: make one for it in Settings > Chat widgets.");
    if (origin !== undefined && origin !== new URL(c.req.url).origin && !originAllowed(origin, chosen.settings.allowed_domains)) {
      c.header("Access-Control-Allow-Origin", undefined);
      throw new ApiError(403, "origin_not_allowed", "This website may not load the widget.", { origin });
    }
    c.header("Cache-Control", `public, max-age=${CACHE_SECONDS}`);
    const widget_type: "live_chat" | "all_in_one" = chosen.widget.type === "live_chat" ? "live_chat" : "all_in_one";
    return c.json({ widget_token: chosen.widget.widgetToken, widget_type }, 200);
  },
);
