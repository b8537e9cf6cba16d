// What the console benchmarks share: a platform under `wrangler dev` (the only runtime that serves
// the console's static assets), an account with an administrator who has a password and an API
// inbox, Client API visitors, a headless Chromium signed in through the sign-in form, and a
// clock offset between the page and Node.
import { launchChromium, findChromium } from "./chromium.mjs";
import { withPlatform } from "./lib.mjs";

/** The console's hashed files come from Static Assets, which only `wrangler dev` serves locally. */
export const CONSOLE_RUNTIME = "wrangler-dev";
export const PASSWORD = "bench-password-0123";
const REQUEST_TIMEOUT_MS = 30_000;

/** Runs `fn({ platform, browser, api, account, admin, inbox })` against a fresh platform and Chromium. */
export async function withConsole(fn, { accountName = "Console bench" } = {}) {
  const install = await findChromium();
  return withPlatform(
    async (platform) => {
      const api = platformApi(platform.baseUrl);
      const agency = await api.post("/platform/api/v1/agencies", { name: `${accountName} agency` }, platform.vars.PLATFORM_TOKEN);
      const account = await api.post("/api/v1/agency/accounts", { name: accountName }, agency.access_token);
      const admin = await api.post(
        `/api/v1/agency/accounts/${account.id}/users`,
        { name: "Bench Admin", email: "bench-admin@example.test", role: "administrator", password: PASSWORD },
        agency.access_token,
      );
      const inbox = await api.post(`/api/v1/accounts/${account.id}/inboxes`, { name: "Bench API inbox", channel: { type: "api" } }, admin.access_token);
      const browser = await launchChromium(install);
      try {
        return await fn({ platform, browser, api, account, admin: { ...admin, email: "bench-admin@example.test" }, inbox });
      } finally {
        await browser.close();
      }
    },
    { runtime: CONSOLE_RUNTIME },
  );
}

/**
 * JSON calls to the platform from Node; a non-2xx answer throws with the body. A 429 is retried
 * after its `retry-after` (as a well-behaved client would), and counted in `rateLimited`.
 */
export function platformApi(baseUrl) {
  const counters = { rateLimited: 0 };
  const call = async (method, path, body, token) => {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await res.text();
      if (res.status === 429 && attempt < 30) {
        counters.rateLimited++;
        await sleep(1000 * (Number(res.headers.get("retry-after")) || 1));
        continue;
      }
      if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
      return text ? JSON.parse(text) : null;
    }
  };
  return {
    baseUrl,
    get rateLimited() {
      return counters.rateLimited;
    },
    get: (path, token) => call("GET", path, undefined, token),
    post: (path, body, token) => call("POST", path, body, token),
  };
}

/** A Client API visitor with one conversation: `{ contact, conversation, messagesPath }`. */
export async function visitorConversation(api, inbox, name) {
  const contactsPath = `/public/api/v1/inboxes/${inbox.inbox_identifier}/contacts`;
  const contact = await api.post(contactsPath, { name });
  const conversationsPath = `${contactsPath}/${contact.source_id}/conversations`;
  const conversation = await api.post(conversationsPath, {});
  return { contact, conversation, messagesPath: `${conversationsPath}/${conversation.id}/messages` };
}

/**
 * Signs in through the console's form like a person (opening the sign-in page first unless `open`
 * is false, for a page already showing it); resolves once the inbox shows.
 */
export async function signIn(page, baseUrl, { email, password }, { open = true } = {}) {
  if (open) await page.goto(`${baseUrl}/app/login`);
  await page.locator("#login-email").fill(email);
  await page.locator("#login-password").fill(password);
  await page.locator("form button[type=submit]").click();
  await page.waitForURL(/\/app\/accounts\/\d+\/conversations/, { timeout: 30_000 });
  await page.locator("#conv-listbox").waitFor({ timeout: 30_000 });
}

/**
 * The offset to add to the page's `performance.timeOrigin + performance.now()` to get Node's: the
 * round trip with the smallest delay of `samples` gives the best estimate (its midpoint), and half
 * that round trip bounds the error.
 */
export async function clockOffset(page, samples = 30) {
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < samples; i++) {
    const before = performance.timeOrigin + performance.now();
    const pageNow = await page.evaluate(() => performance.timeOrigin + performance.now());
    const after = performance.timeOrigin + performance.now();
    if (after - before < best.rtt) best = { rtt: after - before, offset: (before + after) / 2 - pageNow };
  }
  return best;
}

export const nodeNow = () => performance.timeOrigin + performance.now();
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

/** Runs `fn` over `items` with at most `concurrency` in flight. */
export async function inParallel(items, concurrency, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await fn(items[index], index);
      }
    }),
  );
}

/**
 * Every chunk of the console build the platform serves, found as a browser would: the scripts and
 * stylesheets the console page names, then every `./file.js` or `./file.css` each script imports,
 * statically or on demand. Each with its raw and gzip (level 9) size.
 */
export async function consoleChunks(baseUrl) {
  const { gzipSync } = await import("node:zlib");
  const page = await (await fetch(`${baseUrl}/app/login`)).text();
  const queue = [...page.matchAll(/(?:src|href)="(\/app\/assets\/[^"]+\.(?:js|css))"/g)].map((match) => match[1]);
  const chunks = new Map();
  while (queue.length > 0) {
    const path = queue.shift();
    if (chunks.has(path)) continue;
    const body = Buffer.from(await (await fetch(`${baseUrl}${path}`)).arrayBuffer());
    chunks.set(path, { path, raw: body.length, gzip: gzipSync(body, { level: 9 }).length });
    if (!path.endsWith(".js")) continue;
    const folder = path.slice(0, path.lastIndexOf("/") + 1);
    for (const match of body.toString("utf8").matchAll(/["'`]\.\/([\w.-]+\.(?:js|css))["'`]/g)) queue.push(`${folder}${match[1]}`);
  }
  return [...chunks.values()].sort((a, b) => b.gzip - a.gzip);
}
