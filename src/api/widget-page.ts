/**
 * The chat app's page (`GET /widget/app.html?token=<widget token>`), served by the Worker so that it
 * can say who may frame it: `Content-Security-Policy: frame-ancestors` lists the widget's allowed
 * domains, as Chatwoot's widget page does, plus Parley's own origin for the console's preview. A
 * widget without allowed domains may be framed by any site. The page itself is the built static
 * asset (widget/public/widget/app.html); a request without the token in its query (an older loader
 * that put it in the fragment) gets the page with no frame restriction, and the app's first act is
 * to load itself again with the token in the query.
 */
import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { chatWidgets } from "../db/schema";
import { storedWidgetSettings } from "../services/chat-widget-settings";
import type { AppEnv } from "./context";
import { errorBody } from "./errors";

/** The policy every widget page has (as widget/public/_headers gives the rest of /widget/*). */
const BASE_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' https: data:",
  "connect-src 'self' ws: wss:",
  "base-uri 'none'",
  "form-action 'none'",
];

/** CSP sources for an allowed domain (`example.com` or `*.example.com`, which covers example.com too), any port, http or https. */
function sourcesFor(domain: string): string[] {
  const hosts = domain.startsWith("*.") ? [domain.slice(2), domain] : [domain];
  return hosts.flatMap((host) => [`https://${host}:*`, `http://${host}:*`]);
}

/**
 * Who may frame the page: null (anyone) when the widget allows any site, else its allowed domains,
 * this origin and PUBLIC_URL's. An unknown token may be framed by Parley itself only.
 */
export function frameAncestors(allowedDomains: readonly string[] | null, ownOrigins: readonly string[]): string | null {
  if (allowedDomains !== null && allowedDomains.length === 0) return null;
  return ["'self'", ...new Set(ownOrigins), ...(allowedDomains ?? []).flatMap(sourcesFor)].join(" ");
}

async function allowedDomainsOf(c: Context<AppEnv>, token: string): Promise<string[] | null> {
  const [widget] = await c.var.db
    .select({ type: chatWidgets.type, settings: chatWidgets.settings })
    .from(chatWidgets)
    .where(eq(chatWidgets.widgetToken, token));
  return widget ? storedWidgetSettings(widget.type, widget.settings).allowed_domains : null;
}

function ownOrigins(c: Context<AppEnv>): string[] {
  const origins = [new URL(c.req.url).origin];
  try {
    origins.push(new URL(c.env.PUBLIC_URL).origin);
  } catch {
    // PUBLIC_URL unset or not a URL: this origin alone.
  }
  return origins;
}

export async function serveWidgetPage(c: Context<AppEnv>): Promise<Response> {
  const url = new URL(c.req.url);
  // Static Assets answer the built page at its pretty path (html_handling), so ask for that one.
  const page = await c.env.ASSETS.fetch(new Request(new URL("/widget/app", url.origin)));
  if (!page.ok) {
    await page.body?.cancel();
    return c.json(errorBody("widget_not_built", "The widget is not built: run `npm run build:widget`."), 503);
  }
  const token = url.searchParams.get("token");
  const ancestors = token ? frameAncestors(await allowedDomainsOf(c, token.slice(0, 64)), ownOrigins(c)) : null;
  const policy = [...BASE_POLICY, ...(ancestors ? [`frame-ancestors ${ancestors}`] : [])].join("; ");
  return new Response(page.body, {
    status: 200,
    headers: {
      "content-type": "text/html; charset=utf-8",
      // The frame policy follows the widget's settings: the page is checked again on every load.
      "cache-control": "no-cache",
      "content-security-policy": policy,
      "x-content-type-options": "nosniff",
      "referrer-policy": "strict-origin",
    },
  });
}
