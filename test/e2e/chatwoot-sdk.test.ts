// Chatwoot's website SDK against Parley: a customer's page with the snippet from Chatwoot's
// documentation pasted in (test/e2e/chatwoot-snippet.ts, source named there), with only the base URL
// changed to the platform's, in real Chromium. The site calls `window.$chatwoot` and listens to
// `chatwoot:*` window events as Chatwoot's docs say; what the visitor does is checked through the
// agents' Application API, and the agents answer through it.
import { createHmac } from "node:crypto";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Frame, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { seriousViolations } from "./axe";
import { launchChromium } from "./browser";
import { chatwootSnippet } from "./chatwoot-snippet";
import { newTenant, type Tenant } from "./platform-api";
import { recordingPage, startWebsite } from "./website";

const resultsDir = fileURLToPath(new URL("../../test-results/", import.meta.url));
const EVENTS = ["ready", "opened", "closed", "on-message", "on-unread-message-count-changed", "error", "on-start-conversation"];
const WAIT = { timeout: 10_000, interval: 50 };
const LAUNCHER = "Chat with us";

type PageEvent = { name: string; detail: any };
type Session = { sourceId: string; pubsubToken: string; contactId: number; conversationId: number | null };

declare global {
  interface Window {
    chatwootEvents: PageEvent[];
    $chatwoot?: any;
  }
}

/** A customer's page: it records Chatwoot's window events, then has the snippet pasted in. */
function customerPage(title: string, snippet: string) {
  return recordingPage({ title, tagline: "Garden tools, seeds and advice since 1972.", prefix: "chatwoot", events: EVENTS, store: "chatwootEvents", snippet });
}

describe("Chatwoot's website SDK snippet on a customer's website", () => {
  let browser: Browser;
  let website: Awaited<ReturnType<typeof startWebsite>>;
  let tenant: Tenant;
  let websiteToken: string;
  let hmacToken: string;
  let widgetToken: string;
  let emptyInboxToken: string;
  const contexts: BrowserContext[] = [];
  const baseUrl = () => inject("platformUrl");

  const admin = <T = any>(status: number, method: string, path: string, body?: unknown) => tenant.as("admin")<T>(status, method, path, body);
  const agent = <T = any>(status: number, method: string, path: string, body?: unknown) => tenant.as("agent")<T>(status, method, path, body);

  beforeAll(async () => {
    [browser, website, tenant] = await Promise.all([launchChromium(inject("chromium")), startWebsite(), newTenant("Greenleaf Garden")]);
    const inbox = await admin<{ id: number; website_token: string; hmac_token: string }>(201, "POST", "/inboxes", {
      name: "Greenleaf website",
      channel: { type: "web_widget", website_url: website.url },
      enable_email_collect: false,
    });
    websiteToken = inbox.website_token;
    hmacToken = inbox.hmac_token;
    const empty = await admin<{ website_token: string }>(201, "POST", "/inboxes", {
      name: "Greenleaf shop (no widget yet)",
      channel: { type: "web_widget", website_url: website.url },
    });
    emptyInboxToken = empty.website_token;
    const [widget] = await Promise.all([
      admin<{ widget_token: string }>(201, "POST", "/chat_widgets", {
        name: "Greenleaf chat",
        type: "live_chat",
        inbox_id: inbox.id,
        settings: {
          colors: { primary: "#166534", text: "#ffffff" },
          launcher: { text: LAUNCHER },
          greeting: { title: "Greenleaf Garden", tagline: "Ask us about anything that grows." },
        },
      }),
      admin(200, "POST", "/inbox_members", { inbox_id: inbox.id, user_ids: [tenant.agent.id] }),
      admin(200, "POST", "/labels", { title: "vip" }),
    ]);
    widgetToken = widget.widget_token;
    mkdirSync(resultsDir, { recursive: true });
  });

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });

  afterAll(async () => {
    await browser?.close();
    await website?.close();
  });

  /** Opens `url` in a fresh browser context (a new visitor) and waits for chatwoot:ready. */
  async function visit(url: string, { ready = true, locale = "en-US", colorScheme = "light" as "light" | "dark" } = {}) {
    const context = await browser.newContext({ viewport: { width: 1000, height: 760 }, locale, colorScheme });
    contexts.push(context);
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(url);
    if (ready) await page.waitForFunction(() => window.chatwootEvents.some((e) => e.name === "ready"), null, { timeout: 10_000 });
    const app = page.frameLocator('iframe[title="Chat"]');
    return {
      page,
      errors,
      app,
      launcher: page.getByRole("button", { name: LAUNCHER, exact: true }),
      dialog: page.getByRole("dialog"),
      log: app.getByRole("log"),
      events: (name?: string) => page.evaluate((only) => window.chatwootEvents.filter((e) => !only || e.name === only), name),
      chatwoot: <T = unknown>(code: string) => page.evaluate(code) as Promise<T>,
      frame: async (): Promise<Frame> => {
        const frame = await (await page.waitForSelector('iframe[title="Chat"]', { state: "attached" })).contentFrame();
        if (!frame) throw new Error("the chat iframe has no frame");
        return frame;
      },
    };
  }
  type Visitor = Awaited<ReturnType<typeof visit>>;

  const pageWith = (path: string, settings?: string, token = websiteToken) =>
    website.page(path, customerPage("Greenleaf Garden", chatwootSnippet(baseUrl(), token, settings)));

  async function sessionOf(frame: Frame): Promise<Session | null> {
    return frame.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? "null"), `parley:session:${widgetToken}`);
  }

  /** Opens the chat, sends `text` and answers the conversation's id once the visitor has one. */
  async function startChat(visitor: Visitor, text: string): Promise<{ conversationId: number; contactId: number }> {
    await visitor.chatwoot("window.$chatwoot.toggle('open')");
    const input = visitor.app.getByRole("textbox", { name: "Message" });
    await input.fill(text);
    await input.press("Enter");
    await visitor.log.locator(".message.m0", { hasText: text }).waitFor();
    const frame = await visitor.frame();
    await expect.poll(async () => (await sessionOf(frame))?.conversationId ?? null, WAIT).not.toBeNull();
    const session = (await sessionOf(frame)) as Session;
    return { conversationId: session.conversationId as number, contactId: session.contactId };
  }

  const screenshot = (page: Page, name: string) => page.screenshot({ path: `${resultsDir}${name}.png` });

  it("shows the inbox's widget from Chatwoot's snippet with only the base URL changed, and fires chatwoot:ready", async () => {
    const visitor = await visit(pageWith("/"));
    await visitor.launcher.waitFor({ state: "visible" });
    expect(await visitor.chatwoot("window.$chatwoot.hasLoaded")).toBe(true);
    expect(await visitor.chatwoot("window.$chatwoot.isOpen")).toBe(false);
    expect(await visitor.chatwoot("window.$chatwoot.websiteToken")).toBe(websiteToken);
    expect(await visitor.events("ready")).toEqual([{ name: "ready", detail: null }]);
    expect(await visitor.page.locator(`script[src="${baseUrl()}/packs/js/sdk.js"]`).count()).toBe(1);
    await screenshot(visitor.page, "chatwoot-sdk-launcher");

    await visitor.launcher.click();
    await visitor.app.getByRole("textbox", { name: "Message" }).waitFor({ state: "visible" });
    expect(await visitor.chatwoot("window.$chatwoot.isOpen")).toBe(true);
    await visitor.app.getByText("Greenleaf Garden").first().waitFor();
    // Chatwoot's default: no pop-out button unless showPopoutButton asks for it.
    expect(await visitor.app.getByRole("button", { name: "Open in a new window" }).count()).toBe(0);
    await screenshot(visitor.page, "chatwoot-sdk-open");
    expect(visitor.errors).toEqual([]);
  });

  it("opens and closes with toggle(), toggle('open') and toggle('close'), firing chatwoot:opened and chatwoot:closed", async () => {
    const visitor = await visit(pageWith("/toggle"));
    const isOpen = () => visitor.chatwoot<boolean>("window.$chatwoot.isOpen");
    await visitor.chatwoot("window.$chatwoot.toggle()");
    expect(await isOpen()).toBe(true);
    expect(await visitor.dialog.isVisible()).toBe(true);
    await visitor.chatwoot("window.$chatwoot.toggle('open')");
    expect(await isOpen()).toBe(true);
    await visitor.chatwoot("window.$chatwoot.toggle('close')");
    expect(await isOpen()).toBe(false);
    expect(await visitor.dialog.isVisible()).toBe(false);
    await visitor.chatwoot("window.$chatwoot.toggle()");
    expect(await isOpen()).toBe(true);
    expect((await visitor.events()).map((e) => e.name).filter((name) => name === "opened" || name === "closed")).toEqual(["opened", "closed", "opened"]);
  });

  it("identifies the visitor with setUser and an identifier_hash made with the inbox's HMAC token", async () => {
    const identifier = `gardener-${Date.now()}`;
    const identifierHash = createHmac("sha256", hmacToken).update(identifier).digest("hex");
    const visitor = await visit(pageWith("/account"));
    await visitor.page.evaluate(([id, hash]) => window.$chatwoot.setUser(id, { name: "Rosa Gardener", email: `${id}@example.test`, identifier_hash: hash }), [
      identifier,
      identifierHash,
    ] as const);
    // The chat app loads on first use and then carries out what the site asked before.
    await visitor.chatwoot("window.$chatwoot.toggle('open')");
    const frame = await visitor.frame();
    await expect.poll(async () => (await sessionOf(frame))?.contactId ?? null, WAIT).not.toBeNull();
    const identified = (await sessionOf(frame))?.contactId as number;
    await expect.poll(async () => (await admin(200, "GET", `/contacts/${identified}`)).payload.identifier, WAIT).toBe(identifier);
    expect((await admin(200, "GET", `/contacts/${identified}`)).payload).toMatchObject({ name: "Rosa Gardener", email: `${identifier}@example.test` });
    const { conversationId, contactId } = await startChat(visitor, "Do you ship tulip bulbs abroad?");
    expect(contactId).toBe(identified);
    expect(await admin(200, "GET", `/conversations/${conversationId}`)).toMatchObject({ meta: { sender: { id: identified, identifier } } });
    expect(await visitor.chatwoot("window.$chatwoot.identifier")).toBe(identifier);
    await expect(visitor.page.evaluate(() => window.$chatwoot.setUser("someone", { plan: "gold" }))).rejects.toThrow(
      "User object should have one of the keys [avatar_url, email, name]",
    );
    expect(visitor.errors).toEqual([]);
  });

  it("fires chatwoot:on-message with the message when an agent answers through the Application API, and counts it unread while closed", async () => {
    const visitor = await visit(pageWith("/reply"));
    const { conversationId } = await startChat(visitor, "Which roses suit a shady wall?");
    await agent(200, "POST", `/conversations/${conversationId}/messages`, { content: "Try 'New Dawn' or 'Madame Alfred Carrière'." });
    await expect.poll(() => visitor.events("on-message"), WAIT).toHaveLength(1);
    const [message] = await visitor.events("on-message");
    expect(message?.detail).toMatchObject({ content: "Try 'New Dawn' or 'Madame Alfred Carrière'.", message_type: 1, conversation_id: conversationId });
    expect(message?.detail.sender).toMatchObject({ name: "Alex Agent" });

    await visitor.chatwoot("window.$chatwoot.toggle('close')");
    await agent(200, "POST", `/conversations/${conversationId}/messages`, { content: "Both flower in June." });
    await expect.poll(() => visitor.events("on-message"), WAIT).toHaveLength(2);
    await expect.poll(async () => (await visitor.events("on-unread-message-count-changed")).at(-1)?.detail, WAIT).toEqual({ unreadMessageCount: 1 });
    await screenshot(visitor.page, "chatwoot-sdk-unread");
    expect(visitor.errors).toEqual([]);
  });

  it("sets and deletes contact and conversation attributes, sets labels, and removes a label", async () => {
    const visitor = await visit(pageWith("/attributes"));
    const { conversationId, contactId } = await startChat(visitor, "Is my seed order on its way?");
    await visitor.chatwoot("window.$chatwoot.setCustomAttributes({ plan: 'allotment', orders: 3 })");
    await expect
      .poll(async () => (await admin(200, "GET", `/contacts/${contactId}`)).payload.custom_attributes, WAIT)
      .toMatchObject({ plan: "allotment", orders: 3 });
    await visitor.chatwoot("window.$chatwoot.deleteCustomAttribute('orders')");
    await expect.poll(async () => (await admin(200, "GET", `/contacts/${contactId}`)).payload.custom_attributes, WAIT).toEqual({ plan: "allotment" });

    await visitor.chatwoot("window.$chatwoot.setConversationCustomAttributes({ order_id: 'GL-1042', gift_wrap: true })");
    await expect
      .poll(async () => (await admin(200, "GET", `/conversations/${conversationId}`)).custom_attributes, WAIT)
      .toMatchObject({ order_id: "GL-1042", gift_wrap: true });
    await visitor.chatwoot("window.$chatwoot.deleteConversationCustomAttribute('gift_wrap')");
    await expect.poll(async () => (await admin(200, "GET", `/conversations/${conversationId}`)).custom_attributes, WAIT).toEqual({ order_id: "GL-1042" });
    await expect(visitor.page.evaluate(() => window.$chatwoot.deleteConversationCustomAttribute(""))).rejects.toThrow("Custom attribute is required");
    await visitor.chatwoot("window.$chatwoot.setLabel('vip')");
    await expect.poll(async () => (await admin(200, "GET", `/conversations/${conversationId}`)).labels, WAIT).toEqual(["vip"]);
    await visitor.chatwoot("window.$chatwoot.removeLabel('vip')");
    await expect.poll(async () => (await admin(200, "GET", `/conversations/${conversationId}`)).labels, WAIT).toEqual([]);
    await expect(visitor.page.evaluate(() => window.$chatwoot.setCustomAttributes({}))).rejects.toThrow("Custom attributes should have atleast one key");
    expect(visitor.errors).toEqual([]);
  });

  it("switches the language with setLocale, hides and shows the launcher with toggleBubbleVisibility, and forgets the visitor with reset", async () => {
    const visitor = await visit(pageWith("/methods"));
    await startChat(visitor, "Hello there");
    await visitor.chatwoot("window.$chatwoot.setLocale('de')");
    await visitor.app.getByRole("textbox", { name: "Nachricht" }).waitFor();
    expect(await visitor.chatwoot("window.$chatwoot.locale")).toBe("de");

    await visitor.chatwoot("window.$chatwoot.toggle('close')");
    await visitor.chatwoot("window.$chatwoot.toggleBubbleVisibility('hide')");
    expect(await visitor.launcher.isVisible()).toBe(false);
    expect(await visitor.chatwoot("window.$chatwoot.hideMessageBubble")).toBe(true);
    await screenshot(visitor.page, "chatwoot-sdk-bubble-hidden");
    await visitor.chatwoot("window.$chatwoot.toggleBubbleVisibility('show')");
    expect(await visitor.launcher.isVisible()).toBe(true);

    const frame = await visitor.frame();
    expect(await sessionOf(frame)).not.toBeNull();
    await visitor.chatwoot("window.$chatwoot.toggle('open')");
    await visitor.chatwoot("window.$chatwoot.reset()");
    expect(await visitor.chatwoot("window.$chatwoot.isOpen")).toBe(false);
    await expect.poll(() => sessionOf(frame), WAIT).toBeNull();
    expect(visitor.errors).toEqual([]);
  });

  it("opens the chat in a window of its own with popoutChatWindow, as a new visitor when the page's visitor has no conversation", async () => {
    const visitor = await visit(pageWith("/popout"));
    const [popup] = await Promise.all([visitor.page.waitForEvent("popup"), visitor.chatwoot("window.$chatwoot.popoutChatWindow()")]);
    expect(new URL(popup.url()).pathname).toBe("/widget/app.html");
    expect(new URL(popup.url()).searchParams.get("token")).toBe(widgetToken);
    await popup.getByRole("textbox", { name: "Message" }).waitFor({ state: "visible" });
    await popup.getByText("Greenleaf Garden").first().waitFor();
    await screenshot(popup, "chatwoot-sdk-popout");
  });

  it("continues the visitor's conversation in the window popoutChatWindow opens, without the session in its address", async () => {
    const visitor = await visit(pageWith("/popout-conversation"));
    const { conversationId } = await startChat(visitor, "Do you deliver compost on Saturdays?");
    const session = (await sessionOf(await visitor.frame())) as Session;
    const [popup] = await Promise.all([visitor.page.waitForEvent("popup"), visitor.chatwoot("window.$chatwoot.popoutChatWindow()")]);
    // The chat closes on the page, as Chatwoot's does, and the window shows the same conversation.
    await expect.poll(() => visitor.chatwoot("window.$chatwoot.isOpen"), WAIT).toBe(false);
    await popup.getByRole("log").getByText("Do you deliver compost on Saturdays?").waitFor();
    for (const secret of [session.sourceId, session.pubsubToken]) expect(popup.url()).not.toContain(secret);

    const input = popup.getByRole("textbox", { name: "Message" });
    await input.fill("Before noon, if possible.");
    await input.press("Enter");
    await expect
      .poll(
        async () => (await admin<{ payload: { content: string }[] }>(200, "GET", `/conversations/${conversationId}/messages`)).payload.map((m) => m.content),
        WAIT,
      )
      .toContain("Before noon, if possible.");
    await agent(200, "POST", `/conversations/${conversationId}/messages`, { content: "Saturday 9 to 12 works." });
    await popup.getByRole("log").getByText("Saturday 9 to 12 works.").waitFor();
    await screenshot(popup, "chatwoot-sdk-popout-conversation");
    expect(visitor.errors).toEqual([]);
  });

  it("shows a pop-out button with showPopoutButton that a keyboard user opens, and the conversation continues in the new window", async () => {
    const visitor = await visit(pageWith("/popout-button", "window.chatwootSettings = { showPopoutButton: true };"));
    const { conversationId } = await startChat(visitor, "Can I return a cracked terracotta pot?");
    const popout = visitor.app.getByRole("button", { name: "Open in a new window" });
    await popout.waitFor({ state: "visible" });
    expect(await popout.locator("svg").count()).toBe(1);
    await screenshot(visitor.page, "chatwoot-sdk-popout-button");
    expect(await seriousViolations(await visitor.frame())).toEqual([]);

    await popout.focus();
    const [popup] = await Promise.all([visitor.page.waitForEvent("popup"), visitor.page.keyboard.press("Enter")]);
    await expect.poll(() => visitor.chatwoot("window.$chatwoot.isOpen"), WAIT).toBe(false);
    await popup.getByRole("log").getByText("Can I return a cracked terracotta pot?").waitFor();
    // The window is the chat itself: no pop-out button and no close button of its own.
    expect(await popup.getByRole("button", { name: "Open in a new window" }).count()).toBe(0);
    expect(await popup.getByRole("button", { name: "Close chat" }).count()).toBe(0);
    await agent(200, "POST", `/conversations/${conversationId}/messages`, { content: "Yes, within 30 days." });
    await popup.getByRole("log").getByText("Yes, within 30 days.").waitFor();
    await screenshot(popup, "chatwoot-sdk-popout-window");
    expect(await seriousViolations(popup)).toEqual([]);
    expect(visitor.errors).toEqual([]);
  });

  it("switches the chat's colour scheme with setColorScheme, taking Chatwoot's light, dark and auto", async () => {
    const visitor = await visit(pageWith("/color-scheme"), { colorScheme: "dark" });
    await visitor.chatwoot("window.$chatwoot.toggle('open')");
    const frame = await visitor.frame();
    await visitor.app.getByRole("textbox", { name: "Message" }).waitFor({ state: "visible" });
    const theme = () => frame.evaluate(() => document.documentElement.dataset.theme);
    const background = () => frame.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(await theme()).toBe("light");
    const light = await background();
    await visitor.chatwoot("window.$chatwoot.setColorScheme('dark')");
    await expect.poll(theme, WAIT).toBe("dark");
    expect(await background()).not.toBe(light);
    expect(await visitor.chatwoot("window.$chatwoot.darkMode")).toBe("dark");
    await screenshot(visitor.page, "chatwoot-sdk-dark");
    // Another language redraws the chat in the scheme the site chose.
    await visitor.chatwoot("window.$chatwoot.setLocale('fr')");
    await visitor.app.getByRole("button", { name: "Envoyer" }).waitFor();
    expect(await theme()).toBe("dark");
    // auto follows the visitor's system setting, dark in this browser; a value Chatwoot does not know is light.
    await visitor.chatwoot("window.$chatwoot.setColorScheme('auto')");
    await expect.poll(theme, WAIT).toBe("auto");
    await expect.poll(background, WAIT).not.toBe(light);
    await visitor.chatwoot("window.$chatwoot.setColorScheme('sepia')");
    await expect.poll(theme, WAIT).toBe("light");
    expect(await background()).toBe(light);
    expect(visitor.errors).toEqual([]);
  });

  it("fires chatwoot:on-start-conversation when the visitor starts their first conversation, and again for a new one after it is resolved", async () => {
    const visitor = await visit(pageWith("/start-conversation"));
    expect(await visitor.events("on-start-conversation")).toEqual([]);
    const { conversationId } = await startChat(visitor, "Is it too late to plant garlic?");
    await expect.poll(() => visitor.events("on-start-conversation"), WAIT).toEqual([{ name: "on-start-conversation", detail: { hasConversation: false } }]);
    const input = visitor.app.getByRole("textbox", { name: "Message" });
    await input.fill("We are in zone 7.");
    await input.press("Enter");
    await visitor.log.locator(".message.m0", { hasText: "We are in zone 7." }).waitFor();
    expect(await visitor.events("on-start-conversation")).toHaveLength(1);

    await agent(200, "POST", `/conversations/${conversationId}/toggle_status`, { status: "resolved" });
    await visitor.app.getByRole("button", { name: "Start a new conversation" }).click();
    await expect
      .poll(async () => (await visitor.events("on-start-conversation")).map((event) => event.detail), WAIT)
      .toEqual([{ hasConversation: false }, { hasConversation: true }]);
    expect(visitor.errors).toEqual([]);
  });

  it("identifies the visitor with setUser on page load, before the chat is opened, as Chatwoot does", async () => {
    const identifier = `early-${Date.now()}`;
    const identifierHash = createHmac("sha256", hmacToken).update(identifier).digest("hex");
    // The site's script, as Chatwoot's docs show it: setUser once the SDK is ready.
    const settings = `window.chatwootSettings = {};
      window.addEventListener("chatwoot:ready", function () {
        window.$chatwoot.setUser(${JSON.stringify(identifier)}, { name: "Iris Early", email: "${identifier}@example.test", identifier_hash: "${identifierHash}" });
      });`;
    const visitor = await visit(pageWith("/early-identify", settings));
    const frame = await visitor.frame();
    await expect.poll(async () => (await sessionOf(frame))?.contactId ?? null, WAIT).not.toBeNull();
    const contactId = (await sessionOf(frame))?.contactId as number;
    await expect.poll(async () => (await admin(200, "GET", `/contacts/${contactId}`)).payload.identifier, WAIT).toBe(identifier);
    expect((await admin(200, "GET", `/contacts/${contactId}`)).payload).toMatchObject({ name: "Iris Early", email: `${identifier}@example.test` });
    // Nothing opened and no conversation started: the visitor only sees the launcher.
    expect(await visitor.chatwoot("window.$chatwoot.isOpen")).toBe(false);
    expect(await visitor.dialog.isVisible()).toBe(false);
    expect((await sessionOf(frame))?.conversationId).toBeNull();
    expect(await visitor.events("on-start-conversation")).toEqual([]);

    const { contactId: chatting } = await startChat(visitor, "Do you sharpen secateurs?");
    expect(chatting).toBe(contactId);
    expect(visitor.errors).toEqual([]);
  });

  it("follows chatwootSettings: expanded bubble with its launcherTitle on the left, the browser's language, flat style and dark mode", async () => {
    const settings = `window.chatwootSettings = {
      position: 'left',
      type: 'expanded_bubble',
      launcherTitle: 'Ask a gardener',
      useBrowserLanguage: true,
      widgetStyle: 'flat',
      darkMode: 'auto',
    };`;
    const visitor = await visit(pageWith("/settings", settings), { locale: "fr-FR" });
    const launcher = visitor.page.getByRole("button", { name: "Ask a gardener", exact: true });
    await launcher.waitFor({ state: "visible" });
    const box = await launcher.boundingBox();
    expect(box?.x).toBeLessThan(100);
    expect(await launcher.evaluate((node) => getComputedStyle(node).borderRadius)).toBe("0px");
    await screenshot(visitor.page, "chatwoot-sdk-expanded-left");
    expect(await seriousViolations(visitor.page)).toEqual([]);
    await launcher.click();
    await visitor.app.getByRole("button", { name: "Envoyer" }).waitFor();
    expect(await (await visitor.frame()).evaluate(() => document.documentElement.lang)).toBe("fr");
    await screenshot(visitor.page, "chatwoot-sdk-french-flat");
    expect(visitor.errors).toEqual([]);
  });

  it("falls back to chatwootSettings.locale when the widget does not ship the browser's language, as Chatwoot's docs say", async () => {
    const settings = "window.chatwootSettings = { useBrowserLanguage: true, locale: 'de' };";
    const visitor = await visit(pageWith("/japanese-browser", settings), { locale: "ja-JP" });
    await visitor.chatwoot("window.$chatwoot.toggle('open')");
    await visitor.app.getByRole("textbox", { name: "Nachricht" }).waitFor({ state: "visible" });
  });

  it("hides the launcher with hideMessageBubble, leaving toggle() to open the chat", async () => {
    const visitor = await visit(pageWith("/no-bubble", "window.chatwootSettings = { hideMessageBubble: true };"));
    expect(await visitor.page.getByRole("button", { name: LAUNCHER }).count()).toBe(0);
    await visitor.chatwoot("window.$chatwoot.toggle()");
    await visitor.app.getByRole("textbox", { name: "Message" }).waitFor({ state: "visible" });
  });

  it("fires chatwoot:error for a website inbox that has no widget yet, and shows nothing", async () => {
    const visitor = await visit(pageWith("/no-widget", undefined, emptyInboxToken), { ready: false });
    await expect.poll(() => visitor.events("error"), WAIT).toHaveLength(1);
    const [error] = await visitor.events("error");
    expect(error?.detail.message).toContain("no Live Chat widget");
    expect(await visitor.page.locator("button").count()).toBe(0);
    expect(await visitor.events("ready")).toEqual([]);
  });
});
