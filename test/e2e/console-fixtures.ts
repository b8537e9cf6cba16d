// What the console's browser tests share: a tenant made through the Agency API with users who have
// passwords, a website inbox with its chat widget's Get Code snippet, agents signed in through the
// console's sign-in form in their own browser contexts, a visitor on the customer's page, and
// screenshots under test-results/console/.
import { copyFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Frame, FrameLocator, Locator, Page, ViewportSize } from "playwright-core";
import { expect, inject } from "vitest";
import { seriousViolations } from "./axe";
import { callExpecting } from "./platform-api";

export const WAIT = { timeout: 10_000, interval: 50 };

let addresses = 0;
/**
 * A client address of its own (from TEST-NET-3) for one visitor or one agent's browser, sent as
 * CF-Connecting-IP. On Cloudflare the edge sets that header; locally `wrangler dev` passes on the one
 * a request carries, so each person of a test counts against the per-address limits as a person of
 * their own would, rather than the whole suite counting as one client at 127.0.0.1.
 */
export function clientAddress(): string {
  addresses += 1;
  return `203.0.113.${addresses % 254 || 254}`;
}

/** A Client API call made from a visitor's own address, asserting the status. */
export async function visitorCall<T = any>(address: string, status: number, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${inject("platformUrl")}${path}`, {
    method,
    headers: { "cf-connecting-ip": address, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.status, `${method} ${path}: ${text}`).toBe(status);
  return (text ? JSON.parse(text) : null) as T;
}
export const screenshotsDir = fileURLToPath(new URL("../../test-results/console/", import.meta.url));
export const LAUNCHER = "Chat with us";

export type Person = { id: number; name: string; email: string; password: string; access_token: string };
export type Who = "admin" | "agent";

export type ConsoleTenant = {
  account: { id: number; name: string };
  inbox: { id: number; identifier: string };
  widget: { token: string; embed: string };
  users: Record<Who, Person>;
  /** Calls the account's Application API as `who`, asserting the status. */
  as: (who: Who) => <T = any>(status: number, method: string, path: string, body?: unknown) => Promise<T>;
};

type TenantOptions = {
  /** The account's name, as the console shows it. */
  name: string;
  websiteUrl: string;
  people?: Record<Who, string>;
  labels?: { title: string; color: string; description?: string }[];
  cannedResponses?: { short_code: string; content: string }[];
};

/**
 * A new agency with one sub-account whose administrator and agent are created with passwords
 * (Chatwoot's Platform API `password`), a website inbox both work, its live chat widget and Get Code
 * snippet, and the labels and canned responses asked for.
 */
export async function consoleTenant(options: TenantOptions): Promise<ConsoleTenant> {
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const people = options.people ?? { admin: "Ada Admin", agent: "Alex Agent" };
  const agency = await callExpecting<{ access_token: string }>(201, "POST", "/platform/api/v1/agencies", {
    token: inject("platformToken"),
    body: { name: `${options.name} agency ${run}` },
  });
  const account = await callExpecting<{ id: number; name: string }>(201, "POST", "/api/v1/agency/accounts", {
    token: agency.access_token,
    body: { name: options.name },
  });
  const create = async (who: Who): Promise<Person> => {
    const name = people[who];
    const email = `${name.split(" ")[0]?.toLowerCase()}-${run}@example.test`;
    const password = `${who}-password-${run}`;
    const user = await callExpecting<{ id: number; access_token: string }>(201, "POST", `/api/v1/agency/accounts/${account.id}/users`, {
      token: agency.access_token,
      body: { name, email, role: who === "admin" ? "administrator" : "agent", password },
    });
    return { id: user.id, name, email, password, access_token: user.access_token };
  };
  const [admin, agent] = await Promise.all([create("admin"), create("agent")]);
  const users = { admin, agent };
  const as =
    (who: Who) =>
    <T = any>(status: number, method: string, path: string, body?: unknown) =>
      callExpecting<T>(status, method, `/api/v1/accounts/${account.id}${path}`, { token: users[who].access_token, header: "api_access_token", body });

  const inbox = await as("admin")<{ id: number; inbox_identifier: string }>(201, "POST", "/inboxes", {
    name: `${options.name} website`,
    channel: { type: "web_widget", website_url: options.websiteUrl },
  });
  await as("admin")(200, "POST", "/inbox_members", { inbox_id: inbox.id, user_ids: [admin.id, agent.id] });
  const widget = await as("admin")<{ id: number; widget_token: string }>(201, "POST", "/chat_widgets", {
    name: `${options.name} chat`,
    type: "live_chat",
    inbox_id: inbox.id,
    settings: {
      colors: { primary: "#0f766e", text: "#ffffff" },
      launcher: { text: LAUNCHER },
      greeting: { title: options.name, tagline: "We usually reply in a few minutes." },
    },
  });
  const { html } = await as("admin")<{ html: string }>(200, "GET", `/chat_widgets/${widget.id}/embed_code`);
  await Promise.all([
    ...(options.labels ?? []).map((label) => as("admin")(200, "POST", "/labels", label)),
    ...(options.cannedResponses ?? []).map((canned) => as("admin")(200, "POST", "/canned_responses", canned)),
  ]);
  return { account, inbox: { id: inbox.id, identifier: inbox.inbox_identifier }, widget: { token: widget.widget_token, embed: html }, users, as };
}

/** A visitor's conversation started through the Client API, as the widget starts one, with their first messages. */
export async function visitorConversation(tenant: ConsoleTenant, contact: { name?: string; email?: string }, messages: string[]) {
  const address = clientAddress();
  const contactsPath = `/public/api/v1/inboxes/${tenant.inbox.identifier}/contacts`;
  const made = await visitorCall<{ id: number; source_id: string }>(address, 200, "POST", contactsPath, contact);
  const conversationsPath = `${contactsPath}/${made.source_id}/conversations`;
  const conversation = await visitorCall<{ id: number }>(address, 200, "POST", conversationsPath, {});
  const visitorPath = `${conversationsPath}/${conversation.id}`;
  const say = (content: string) => visitorCall(address, 200, "POST", `${visitorPath}/messages`, { content });
  for (const content of messages) await say(content);
  return { id: conversation.id, contactId: made.id, visitorPath, say };
}

export type ConsolePage = {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors and console errors (a Content-Security-Policy refusal shows there). */
  errors: string[];
};

type ContextOptions = {
  viewport?: ViewportSize;
  colorScheme?: "light" | "dark";
  storageState?: Awaited<ReturnType<BrowserContext["storageState"]>>;
  timezoneId?: string;
};

/** A browser context on the platform's origin, recording the page's errors. */
export async function consoleContext(browser: Browser, options: ContextOptions = {}): Promise<ConsolePage> {
  const context = await browser.newContext({
    baseURL: inject("platformUrl"),
    viewport: options.viewport ?? { width: 1280, height: 800 },
    colorScheme: options.colorScheme ?? "light",
    storageState: options.storageState,
    locale: "en-US",
    timezoneId: options.timezoneId ?? "America/New_York",
    extraHTTPHeaders: { "cf-connecting-ip": clientAddress() },
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    // Asking for the profile before signing in answers 401 by design, a dropped socket logs its
    // failure, and so does a request made while the browser is offline; every other error is a defect.
    const text = message.text();
    if (message.type() !== "error" || /status of 401 \(Unauthorized\)|WebSocket connection to .* failed|net::ERR_INTERNET_DISCONNECTED/.test(text)) return;
    errors.push(`${text} (${message.location().url})`);
  });
  return { context, page, errors };
}

/** The sign-in form, filled by its labels. */
export function signInForm(page: Page) {
  return {
    email: page.getByLabel("Email", { exact: true }),
    password: page.getByLabel("Password", { exact: true }),
    submit: page.getByRole("button", { name: "Sign in", exact: true }),
    heading: page.getByRole("heading", { name: "Sign in to Parley" }),
  };
}

/** Signs `person` in through the console's sign-in form and waits for their conversation list. */
export async function signIn(browser: Browser, person: Person, options: ContextOptions = {}): Promise<ConsolePage> {
  const opened = await consoleContext(browser, options);
  const { page } = opened;
  await page.goto("/app/login");
  const form = signInForm(page);
  await form.email.fill(person.email);
  await form.password.fill(person.password);
  await form.submit.click();
  await conversationList(page).heading.waitFor();
  return opened;
}

/** The conversation list as agents see it, by roles and names. */
export function conversationList(page: Page) {
  const listbox = page.getByRole("listbox", { name: /Mine|Unassigned|All/ });
  return {
    heading: page.getByRole("heading", { name: "Conversations", level: 1 }),
    tab: (name: "Mine" | "Unassigned" | "All") => page.getByRole("tab", { name: new RegExp(`^${name}`) }),
    listbox,
    /** The row (listbox option) of a conversation, found by text it shows. */
    row: (text: string | RegExp) => listbox.getByRole("option").filter({ hasText: text }),
    rows: () => listbox.getByRole("option"),
  };
}

/** The open conversation, by roles and names. */
export function conversationPane(page: Page) {
  const messages = page.getByRole("region", { name: "Messages" });
  return {
    region: page.getByRole("region", { name: /^Conversation with/ }),
    messages,
    /** A message (sent, or still on its way) showing `text`. */
    message: (text: string | RegExp) => messages.getByRole("listitem").filter({ hasText: text }),
    reply: page.getByRole("textbox", { name: "Reply to the contact" }),
    note: page.getByRole("textbox", { name: "Private note, seen by agents only" }),
    noteTab: page.getByRole("tab", { name: "Private note" }),
    replyTab: page.getByRole("tab", { name: "Reply", exact: true }),
    canned: page.getByRole("listbox", { name: "Canned responses" }),
    resolve: page.getByRole("button", { name: "Resolve", exact: true }),
    assign: page.getByRole("button", { name: "Assign an agent" }),
    back: page.getByRole("button", { name: "Back to conversations" }),
  };
}

/** A customer's page with the widget's Get Code snippet pasted in as is. */
export function customerPage(title: string, snippet: string) {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${title}</title>
    <script>
      window.parleyEvents = [];
      addEventListener("parley:ready", () => window.parleyEvents.push("ready"));
    </script>
    <style>body { font: 16px/1.5 system-ui, sans-serif; margin: 2rem; color: #1f2933; }</style>
  </head>
  <body>
    <main><h1>${title}</h1><p>Cleanings, fillings and braces since 1987.</p></main>
${snippet}
  </body>
</html>`;
}

type VisitorSession = { sourceId: string; pubsubToken: string; contactId: number; conversationId: number | null };

/** A visitor on the customer's page in a browser context of their own, the chat open. */
export async function visitorOn(browser: Browser, url: string, widgetToken: string) {
  const address = clientAddress();
  const context = await browser.newContext({ viewport: { width: 1000, height: 760 } });
  // Only the platform's requests carry the address: as a header of the page's own, it would turn the
  // widget's cross-origin requests into ones that need a CORS preflight, which a real visitor's do not.
  await context.route(`${inject("platformUrl")}/**`, (route) => route.continue({ headers: { ...route.request().headers(), "cf-connecting-ip": address } }));
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { parleyEvents: string[] }).parleyEvents.includes("ready"), null, { timeout: 10_000 });
  await page.getByRole("button", { name: LAUNCHER, exact: true }).click();
  const app: FrameLocator = page.frameLocator('iframe[title="Chat"]');
  const input = app.getByRole("textbox", { name: "Message" });
  await input.waitFor({ state: "visible" });
  const frame = async (): Promise<Frame> => {
    const found = await (await page.waitForSelector('iframe[title="Chat"]', { state: "attached" })).contentFrame();
    if (!found) throw new Error("the chat iframe has no frame");
    return found;
  };
  const session = async (): Promise<VisitorSession | null> =>
    (await frame()).evaluate((key) => JSON.parse(localStorage.getItem(key) ?? "null"), `parley:session:${widgetToken}`);
  return {
    context,
    page,
    /** The visitor's client address, for Client API calls made as them. */
    address,
    input,
    log: app.getByRole("log") as Locator,
    session,
    /** Writes a message in the widget and waits for it to show as sent. */
    say: async (text: string) => {
      await input.fill(text);
      await input.press("Enter");
      await app.getByRole("log").locator(".message.m0", { hasText: text }).waitFor();
    },
    /** The conversation's id once the widget has one. */
    conversationId: async (): Promise<number> => {
      await expect.poll(async () => (await session())?.conversationId ?? null, WAIT).not.toBeNull();
      return (await session())?.conversationId as number;
    },
  };
}

/** Where PARLEY_SHOTS_DIR asks for a copy of every screenshot (to look at them outside test-results). */
const SHOTS_DIR = process.env.PARLEY_SHOTS_DIR;

/** Saves a screenshot of `page` as test-results/console/<name>.png (and a copy in PARLEY_SHOTS_DIR when set). */
export async function screenshot(page: Page, name: string) {
  mkdirSync(screenshotsDir, { recursive: true });
  await page.screenshot({ path: `${screenshotsDir}${name}.png` });
  if (SHOTS_DIR) {
    mkdirSync(SHOTS_DIR, { recursive: true });
    copyFileSync(`${screenshotsDir}${name}.png`, `${SHOTS_DIR}/${name}.png`);
  }
}

/** Axe finds nothing serious or critical on the page as it is; then it is photographed as `name`. */
export async function checkScreen(page: Page, name: string) {
  const violations = await seriousViolations(page);
  await screenshot(page, name);
  expect(violations, `${name}:\n${violations.join("\n")}`).toEqual([]);
}

/** Where the pictures the docs show are kept (committed). */
export const docsScreenshotsDir = fileURLToPath(new URL("../../docs/screenshots/", import.meta.url));

/** With UPDATE_DOCS_SCREENSHOTS=1, writes `page` as docs/screenshots/<name>.png; otherwise does nothing. */
export async function docsScreenshot(page: Page, name: string) {
  if (process.env.UPDATE_DOCS_SCREENSHOTS !== "1") return;
  mkdirSync(docsScreenshotsDir, { recursive: true });
  await page.screenshot({ path: `${docsScreenshotsDir}${name}.png` });
}
