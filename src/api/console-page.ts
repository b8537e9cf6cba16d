/**
 * The agent console's page: `GET /app` and `GET /app/*` (deep links such as
 * /app/accounts/1/conversations/42, reloaded) answer the console's index.html from the static
 * assets, never cached without revalidation and with a strict Content-Security-Policy. The hashed
 * files under /app/assets/ are served by Static Assets directly (wrangler.toml `run_worker_first`
 * sends only the rest of /app here); a missing one is a 404, not the page. Other paths keep their
 * own answers: this is no catch-all fallback.
 */
import type { Context } from "hono";
import type { AppEnv } from "./context";
import { errorBody } from "./errors";

/** Where the build (scripts/build-console.mjs) puts the page, as the assets binding names it. */
const PAGE_PATH = "/app/";

/** The console's policy: its own scripts, styles and API only, /cable over ws(s) of the same host. */
export function consoleContentSecurityPolicy(host: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob: https:",
    "media-src 'self' blob: https:",
    "font-src 'self'",
    `connect-src 'self' ws://${host} wss://${host}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export async function serveConsolePage(c: Context<AppEnv>) {
  const url = new URL(c.req.url);
  if (url.pathname.startsWith("/app/assets/")) {
    return c.json(errorBody("not_found", `No console asset at ${url.pathname}.`), 404);
  }
  const page = await c.env.ASSETS.fetch(new Request(new URL(PAGE_PATH, url.origin)));
  if (!page.ok) {
    await page.body?.cancel();
    return c.json(errorBody("console_not_built", "The console is not built: run `npm run build:widget`."), 503);
  }
  return new Response(page.body, {
    status: 200,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-cache",
      "content-security-policy": consoleContentSecurityPolicy(url.host),
      "x-content-type-options": "nosniff",
      "referrer-policy": "same-origin",
      "x-frame-options": "DENY",
    },
  });
}
