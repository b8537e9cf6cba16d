// The chat widget as a customer's website embeds it: the Get Code snippet, pasted verbatim into pages
// served from the website's own origin, loads /widget.js and the chat app from the platform's origin
// in real Chromium. The tenant, its website inbox, widgets and campaign are set up through the public
// APIs, and what the visitor does is checked through the agents' Application API.
import { createHmac } from "node:crypto";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Frame, FrameLocator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium } from "./browser";
import { callExpecting, newTenant, type Tenant } from "./platform-api";
import { recordingPage, startWebsite } from "./website";

const resultsDir = fileURLToPath(new URL("../../test-results/", import.meta.url));
const EVENTS = ["ready", "opened", "closed", "on-message", "unread-count", "postback", "error"];
const LAUNCHER = "Chat with us";
const CAMPAIGN_MESSAGE = "Looking at our plans? Ask us about financing.";
const WAIT = { timeout: 10_000, interval: 50 };

type PageEvent = { name: string; detail: any };
type Session = { sourceId: string; pubsubToken: string; contactId: number; conversationId: number | null };
type Widget = { id: number; widget_token: string; embed: string };

declare global {
  interface Window {
    parleyEvents: PageEvent[];
    parley: any;
    queuedBeforeReady: number;
  }
}

/** A customer's page: it records the widget's DOM events, then has the snippet pasted in as is. */
function customerPage(title: string, snippet: string, { body = "", after = "" } = {}) {
  return recordingPage({
    title,
    tagline: "Used cars, financing and service since 1987.",
    prefix: "parley",
    events: EVENTS,
    store: "parleyEvents",
    snippet,
    body,
    after,
    style: " iframe.ad { border: 0; width: 300px; height: 60px; }",
  });
}

describe("the chat widget on a customer's website", () => {
  let browser: Browser;
  let website: Awaited<ReturnType<typeof startWebsite>>;
  /** A third origin: neither the platform's nor the website's. */
  let elsewhere: Awaited<ReturnType<typeof startWebsite>>;
  let tenant: Tenant;
  let inboxId: number;
  /** The website inbox's secret for identity validation, as the customer's server keeps it. */
  let hmacToken: string;
  let liveChat: Widget;
  let preChat: Widget;
  let whatsapp: Widget;
  const contexts: BrowserContext[] = [];

  const admin = <T = any>(status: number, method: string, path: string, body?: unknown) => tenant.as("admin")<T>(status, method, path, body);
  const agent = <T = any>(status: number, method: string, path: string, body?: unknown) => tenant.as("agent")<T>(status, method, path, body);

  async function createWidget(body: Record<string, unknown>): Promise<Widget> {
    const widget = await admin<{ id: number; widget_token: string }>(201, "POST", "/chat_widgets", body);
    const { html } = await admin<{ html: string }>(200, "GET", `/chat_widgets/${widget.id}/embed_code`);
    return { id: widget.id, widget_token: widget.widget_token, embed: html };
  }

  beforeAll(async () => {
    let launched: Browser;
    [launched, website, elsewhere, tenant] = await Promise.all([launchChromium(inject("chromium")), startWebsite(), startWebsite(), newTenant("Acme Motors")]);
    browser = launched;
    // Email collect (asking an anonymous visitor for an email after the first answer) is
    // widget-visitor.test.ts's subject; here it would add its messages to every conversation.
    const inbox = await admin<{ id: number; hmac_token: string }>(201, "POST", "/inboxes", {
      name: "Acme Motors website",
      channel: { type: "web_widget", website_url: website.url },
      enable_email_collect: false,
    });
    inboxId = inbox.id;
    hmacToken = inbox.hmac_token;
    const [, , number] = await Promise.all([
      admin(200, "POST", "/inbox_members", { inbox_id: inboxId, user_ids: [tenant.agent.id] }),
      admin(200, "POST", "/custom_attribute_definitions", {
        attribute_display_name: "Company",
        attribute_display_type: "text",
        attribute_key: "company",
        attribute_model: "contact_attribute",
      }),
      admin<{ id: number }>(201, "POST", "/integrations/whatsapp_numbers", { phone_number: "+14155550100", display_name: "Acme WhatsApp" }),
      admin(201, "POST", "/campaigns", {
        title: "Pricing page",
        message: CAMPAIGN_MESSAGE,
        inbox_id: inboxId,
        sender_id: tenant.admin.id,
        trigger_rules: { url: `${website.url}/pricing`, time_on_page: 1 },
      }),
    ]);
    const looks = {
      colors: { primary: "#0f766e", text: "#ffffff" },
      launcher: { text: LAUNCHER },
      greeting: { title: "Acme Motors", tagline: "We usually reply in a few minutes." },
    };
    [liveChat, preChat, whatsapp] = await Promise.all([
      createWidget({ name: "Acme chat", type: "live_chat", inbox_id: inboxId, settings: looks }),
      createWidget({
        name: "Acme chat with pre-chat form",
        type: "live_chat",
        inbox_id: inboxId,
        settings: looks,
        pre_chat_form: {
          enabled: true,
          message: "Tell us who you are and we will get right back to you.",
          fields: [
            { field_type: "standard", name: "full_name", type: "text", label: "Full name", required: true },
            { field_type: "standard", name: "email", type: "email", label: "Email", required: true },
            { field_type: "contact_attribute", name: "company", type: "text", label: "Company", required: false },
          ],
        },
      }),
      createWidget({ name: "Acme WhatsApp", type: "whatsapp", whatsapp_number_id: number.id, settings: { ...looks, launcher: { text: "WhatsApp us" } } }),
    ]);
    // The number goes away after the code was pasted: the widget is incomplete but still on the page.
    await admin(204, "DELETE", `/integrations/whatsapp_numbers/${number.id}`);
    mkdirSync(resultsDir, { recursive: true });
  });

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([website?.close(), elsewhere?.close()]);
  });

  /** Opens `url` in a fresh browser context (its own storage: a new visitor) and waits for parley:ready. */
  async function visit(url: string, { ready = true } = {}) {
    const context = await browser.newContext({ viewport: { width: 1000, height: 760 } });
    contexts.push(context);
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(url);
    if (ready) await page.waitForFunction(() => window.parleyEvents.some((e) => e.name === "ready"), null, { timeout: 10_000 });
    return { page, errors, ...widgetOn(page) };
  }

  function widgetOn(page: Page) {
    const app: FrameLocator = page.frameLocator('iframe[title="Chat"]');
    return {
      launcher: page.getByRole("button", { name: LAUNCHER, exact: true }),
      dialog: page.getByRole("dialog"),
      app,
      input: app.getByRole("textbox", { name: "Message" }),
      log: app.getByRole("log"),
      events: (name?: string) => page.evaluate((only) => window.parleyEvents.filter((e) => !only || e.name === only), name),
      /** The chat app's frame, for what only code inside it can read. */
      frame: async (): Promise<Frame> => {
        const frame = await (await page.waitForSelector('iframe[title="Chat"]', { state: "attached" })).contentFrame();
        if (!frame) throw new Error("the chat iframe has no frame");
        return frame;
      },
    };
  }

  /** The visitor's session as the chat app keeps it (in the platform origin's storage, partitioned by site). */
  async function sessionOf(frame: Frame, widget: Widget): Promise<Session | null> {
    return frame.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? "null"), `parley:session:${widget.widget_token}`);
  }

  async function conversationOf(frame: Frame, widget: Widget): Promise<number> {
    await expect.poll(async () => (await sessionOf(frame, widget))?.conversationId ?? null, WAIT).not.toBeNull();
    return (await sessionOf(frame, widget))?.conversationId as number;
  }

  async function open(visitor: Awaited<ReturnType<typeof visit>>) {
    await visitor.page.evaluate(() => window.parley.open());
    await visitor.input.waitFor({ state: "visible" });
  }

  const screenshot = (page: Page, name: string) => page.screenshot({ path: `${resultsDir}${name}.png` });

  it("shows the launcher as a labelled button and fires parley:ready", async () => {
    const visitor = await visit(website.page("/", customerPage("Acme Motors", liveChat.embed)));
    await visitor.launcher.waitFor({ state: "visible" });
    expect(await visitor.launcher.getAttribute("aria-expanded")).toBe("false");
    expect((await visitor.launcher.textContent())?.trim()).toBe(LAUNCHER);
    expect(await visitor.events("ready")).toHaveLength(1);
    expect(await visitor.page.evaluate(() => window.parley.isOpened())).toBe(false);
    // The chat app is loaded on first use, not with the page.
    expect(await visitor.page.locator("iframe").count()).toBe(0);
    expect(await visitor.dialog.isVisible()).toBe(false);
    expect(visitor.errors).toEqual([]);
  });

  it("opens and closes with open(), close(), toggle() and isOpened(), firing parley:opened and parley:closed", async () => {
    const visitor = await visit(website.page("/open-close", customerPage("Acme Motors", liveChat.embed)));
    const opened = () => visitor.page.evaluate(() => window.parley.isOpened() as boolean);

    await visitor.page.evaluate(() => window.parley.open());
    expect(await opened()).toBe(true);
    await visitor.input.waitFor({ state: "visible" });
    expect(await visitor.dialog.isVisible()).toBe(true);
    expect(await visitor.dialog.getAttribute("aria-label")).toBe("Acme chat");
    expect(await visitor.launcher.getAttribute("aria-expanded")).toBe("true");

    await visitor.page.evaluate(() => window.parley.close());
    expect(await opened()).toBe(false);
    expect(await visitor.dialog.isVisible()).toBe(false);
    expect(await visitor.launcher.getAttribute("aria-expanded")).toBe("false");

    await visitor.page.evaluate(() => window.parley.toggle());
    expect(await opened()).toBe(true);
    expect(await visitor.dialog.isVisible()).toBe(true);
    await visitor.page.evaluate(() => window.parley.toggle());
    expect(await opened()).toBe(false);

    await visitor.launcher.click();
    expect(await opened()).toBe(true);
    // The app's own close button asks the loader to close the panel.
    await visitor.app.getByRole("button", { name: "Close chat" }).click();
    await expect.poll(opened, WAIT).toBe(false);

    expect((await visitor.events()).map((e) => e.name).filter((name) => name === "opened" || name === "closed")).toEqual([
      "opened",
      "closed",
      "opened",
      "closed",
      "opened",
      "closed",
    ]);
  });

  it("queues calls made before the loader is ready and replays them", async () => {
    const prefill = "Is the blue hatchback still available?";
    const after = `<script>
      window.parley.setPredefinedMessage(${JSON.stringify(prefill)});
      window.queuedBeforeReady = window.parley.q.length;
    </script>`;
    const visitor = await visit(website.page("/queued", customerPage("Acme Motors", liveChat.embed, { after })));
    expect(await visitor.page.evaluate(() => window.queuedBeforeReady)).toBe(1);
    await open(visitor);
    await expect.poll(() => visitor.input.inputValue(), WAIT).toBe(prefill);
    expect(visitor.errors).toEqual([]);
  });

  it("fills the chat input with setPredefinedMessage", async () => {
    const visitor = await visit(website.page("/prefill", customerPage("Acme Motors", liveChat.embed)));
    await visitor.page.evaluate(() => window.parley.setPredefinedMessage("I'd like to book a test drive"));
    await open(visitor);
    await expect.poll(() => visitor.input.inputValue(), WAIT).toBe("I'd like to book a test drive");
    await visitor.page.evaluate(() => window.parley.setPredefinedMessage("Actually, a service appointment"));
    await expect.poll(() => visitor.input.inputValue(), WAIT).toBe("Actually, a service appointment");
  });

  it("shows api.showFakeAgentMessage as a message from the given agent, without starting a conversation", async () => {
    const visitor = await visit(website.page("/fake", customerPage("Acme Motors", liveChat.embed)));
    await open(visitor);
    await visitor.page.evaluate(() => {
      window.parley.api.showFakeAgentMessage("Welcome to Acme Motors!", "Sam from Acme");
      window.parley.api.showFakeAgentMessage("Ask me anything about our cars.", "Sam from Acme");
    });
    const message = visitor.log.locator(".message.m1", { hasText: "Welcome to Acme Motors!" });
    await message.waitFor();
    expect(await message.locator(".sender").textContent()).toBe("Sam from Acme");
    await expect
      .poll(() => visitor.log.locator(".message.m1 .text").allTextContents(), WAIT)
      .toEqual(["Welcome to Acme Motors!", "Ask me anything about our cars."]);
    expect(await sessionOf(await visitor.frame(), liveChat)).toBeNull();
  });

  it("delivers api.sendClientMessage('hello') to the agents' conversation list", async () => {
    const visitor = await visit(website.page("/hello", customerPage("Acme Motors", liveChat.embed)));
    await open(visitor);
    await visitor.page.evaluate(() => window.parley.api.sendClientMessage("hello"));
    await visitor.log.locator(".message.m0", { hasText: "hello" }).waitFor();
    const conversationId = await conversationOf(await visitor.frame(), liveChat);
    const listed = async () =>
      (await admin<{ data: { payload: any[] } }>(200, "GET", `/conversations?inbox_id=${inboxId}`)).data.payload.find((c) => c.id === conversationId);
    await expect.poll(listed, WAIT).toMatchObject({ inbox_id: inboxId, status: "open", messages: [{ content: "hello", message_type: 0 }] });
    const conversation = await listed();
    expect(conversation.additional_attributes).toMatchObject({ referer: `${website.url}/hello`, widget_id: liveChat.id });
  });

  it("runs a >cs /set @category command on the conversation without showing it as chat text", async () => {
    const visitor = await visit(website.page("/command", customerPage("Acme Motors", liveChat.embed)));
    await open(visitor);
    await visitor.page.evaluate(() => window.parley.api.sendClientMessage(">cs /set @category Used Car"));
    const conversationId = await conversationOf(await visitor.frame(), liveChat);
    await expect
      .poll(async () => (await admin(200, "GET", `/conversations/${conversationId}`)).custom_attributes, WAIT)
      .toMatchObject({ category: "Used Car" });
    // What the command changed is for the agents only. An agent reply sent afterwards is the marker:
    // once it shows in the widget, anything the command made visible would have arrived before it.
    await agent(200, "POST", `/conversations/${conversationId}/messages`, { content: "Marker reply" });
    await visitor.log.getByText("Marker reply").waitFor();
    expect(await visitor.log.textContent()).not.toContain(">cs");
    expect(await visitor.log.textContent()).not.toContain("Website set the category");
    expect(await visitor.log.locator(".message.m0").count()).toBe(0);
    const messages = await admin<{ payload: any[] }>(200, "GET", `/conversations/${conversationId}/messages`);
    expect(messages.payload.map((m) => [m.message_type, m.private, m.content])).toEqual([
      [2, true, "Website set the category to Used Car"],
      [1, false, "Marker reply"],
    ]);
  });

  it("shows an agent's reply, firing parley:on-message, and counts unread replies while closed", async () => {
    const visitor = await visit(website.page("/reply", customerPage("Acme Motors", liveChat.embed)));
    await open(visitor);
    await visitor.input.fill("Do you still have the red coupe?");
    await visitor.app.getByRole("button", { name: "Send" }).click();
    await visitor.log.locator(".message.m0", { hasText: "red coupe" }).waitFor();
    const conversationId = await conversationOf(await visitor.frame(), liveChat);

    await agent(200, "POST", `/conversations/${conversationId}/messages`, { content: "Yes, it is on the lot today." });
    await visitor.log.locator(".message.m1", { hasText: "Yes, it is on the lot today." }).waitFor();
    await expect.poll(() => visitor.events("on-message"), WAIT).toMatchObject([{ detail: { content: "Yes, it is on the lot today.", message_type: 1 } }]);
    expect((await visitor.events("unread-count")).filter((e) => e.detail > 0)).toEqual([]);
    await screenshot(visitor.page, "widget-conversation");

    await visitor.page.evaluate(() => window.parley.close());
    await agent(200, "POST", `/conversations/${conversationId}/messages`, { content: "Want to book a test drive?" });
    await expect.poll(async () => (await visitor.events("unread-count")).at(-1)?.detail, WAIT).toBe(1);
    expect(await visitor.events("on-message")).toHaveLength(2);
    const badge = visitor.launcher.locator("span");
    expect(await badge.textContent()).toBe("1");
    expect(await badge.isVisible()).toBe(true);

    await visitor.page.evaluate(() => window.parley.open());
    await expect.poll(async () => (await visitor.events("unread-count")).at(-1)?.detail, WAIT).toBe(0);
    expect(await badge.isVisible()).toBe(false);
    expect(await visitor.log.getByText("Want to book a test drive?").isVisible()).toBe(true);
  });

  it("keeps the conversation across page loads without announcing its earlier messages as new", async () => {
    const visitor = await visit(website.page("/return", customerPage("Acme Motors", liveChat.embed)));
    await open(visitor);
    await visitor.input.fill("Is the showroom open on Sunday?");
    await visitor.input.press("Enter");
    const conversationId = await conversationOf(await visitor.frame(), liveChat);
    await agent(200, "POST", `/conversations/${conversationId}/messages`, { content: "Sundays 10 to 4." });
    await visitor.log.getByText("Sundays 10 to 4.").waitFor();

    await visitor.page.reload();
    await visitor.page.waitForFunction(() => window.parleyEvents.some((e) => e.name === "ready"));
    await open(visitor);
    await visitor.log.getByText("Sundays 10 to 4.").waitFor();
    expect(await visitor.log.locator(".message .text").allTextContents()).toEqual(["Is the showroom open on Sunday?", "Sundays 10 to 4."]);
    expect(await visitor.log.locator(".message.m1 .sender").allTextContents()).toEqual(["Alex Agent"]);
    // Only what arrives now is news to the page.
    await agent(200, "POST", `/conversations/${conversationId}/messages`, { content: "See you then!" });
    await visitor.log.getByText("See you then!").waitFor();
    await expect.poll(() => visitor.events("on-message"), WAIT).toMatchObject([{ detail: { content: "See you then!" } }]);
    expect(await visitor.events("on-message")).toHaveLength(1);
  });

  it("forgets the visitor and their messages on reset()", async () => {
    const visitor = await visit(website.page("/reset", customerPage("Acme Motors", liveChat.embed)));
    await open(visitor);
    await visitor.input.fill("My account number is 1234");
    await visitor.input.press("Enter");
    await visitor.log.locator(".message.m0").waitFor();
    const frame = await visitor.frame();
    await conversationOf(frame, liveChat);

    await visitor.page.evaluate(() => window.parley.reset());
    await expect.poll(() => sessionOf(frame, liveChat), WAIT).toBeNull();
    await expect.poll(() => visitor.log.locator(".message").count(), WAIT).toBe(0);
    await visitor.input.waitFor({ state: "visible" });
  });

  it("shows a signed-in customer their earlier conversation on a new device after setUser", async () => {
    const identifier = `driver-${Date.now()}`;
    const user = { name: "Dana Driver", identifier_hash: createHmac("sha256", hmacToken).update(identifier).digest("hex") };
    const setUser = (visitor: Awaited<ReturnType<typeof visit>>) =>
      visitor.page.evaluate(([id, details]) => window.parley.setUser(id, details), [identifier, user] as const);

    const laptop = await visit(website.page("/account", customerPage("Acme Motors — My account", liveChat.embed)));
    await open(laptop);
    await setUser(laptop);
    const laptopFrame = await laptop.frame();
    await expect.poll(async () => (await sessionOf(laptopFrame, liveChat))?.contactId ?? null, WAIT).not.toBeNull();
    const contactId = (await sessionOf(laptopFrame, liveChat))?.contactId as number;
    await expect.poll(async () => (await admin(200, "GET", `/contacts/${contactId}`)).payload.identifier, WAIT).toBe(identifier);
    await laptop.input.fill("Is my car ready?");
    await laptop.input.press("Enter");
    const conversationId = await conversationOf(laptopFrame, liveChat);
    await agent(200, "POST", `/conversations/${conversationId}/messages`, { content: "Ready at 5pm." });
    await laptop.log.getByText("Ready at 5pm.").waitFor();

    const phone = await visit(website.page("/account", customerPage("Acme Motors — My account", liveChat.embed)));
    await open(phone);
    await setUser(phone);
    await phone.log.getByText("Ready at 5pm.").waitFor();
    expect(await phone.log.locator(".message .text").allTextContents()).toEqual(["Is my car ready?", "Ready at 5pm."]);
    expect(await conversationOf(await phone.frame(), liveChat)).toBe(conversationId);
    await agent(200, "POST", `/conversations/${conversationId}/messages`, { content: "Bring the spare key." });
    await phone.log.getByText("Bring the spare key.").waitFor();
    expect(phone.errors).toEqual([]);
  });

  it("checks the pre-chat form, then starts the chat with the answers on the contact", async () => {
    const visitor = await visit(website.page("/pre-chat", customerPage("Acme Motors", preChat.embed)));
    await visitor.page.evaluate(() => window.parley.open());
    const form = visitor.app.locator("form.prechat");
    await form.getByText("Tell us who you are and we will get right back to you.").waitFor();
    const name = visitor.app.getByLabel("Full name *");
    const email = visitor.app.getByLabel("Email *");
    const company = visitor.app.getByLabel("Company", { exact: true });
    const start = visitor.app.getByRole("button", { name: "Start conversation" });

    await start.click();
    expect(await visitor.app.locator("#e-full_name").textContent()).toBe("This field is required");
    expect(await visitor.app.locator("#e-email").textContent()).toBe("This field is required");
    expect(await email.getAttribute("aria-invalid")).toBe("true");
    expect(await email.getAttribute("aria-describedby")).toBe("e-email");
    await screenshot(visitor.page, "widget-pre-chat-errors");

    await name.fill("Vera Visitor");
    await email.fill("vera@");
    await start.click();
    expect(await visitor.app.locator("#e-full_name").textContent()).toBe("");
    expect(await visitor.app.locator("#e-email").textContent()).toBe("Please check this field");
    expect(await sessionOf(await visitor.frame(), preChat)).toBeNull();

    await email.fill("Vera@Example.test");
    await company.fill("Vera's Garage");
    await start.click();
    await visitor.input.waitFor({ state: "visible" });
    expect(await form.count()).toBe(0);

    const session = (await sessionOf(await visitor.frame(), preChat)) as Session;
    const contact = await agent<{ payload: any }>(200, "GET", `/contacts/${session.contactId}`);
    expect(contact.payload).toMatchObject({ name: "Vera Visitor", email: "vera@example.test", custom_attributes: { company: "Vera's Garage" } });
    expect(await admin(200, "GET", `/conversations/${session.conversationId}`)).toMatchObject({ meta: { sender: { id: session.contactId } } });
  });

  it("answers an agent's form message in the widget, and the agent API shows submitted_values", async () => {
    const visitor = await visit(website.page("/form", customerPage("Acme Motors", liveChat.embed)));
    await open(visitor);
    await visitor.input.fill("Could I get a quote?");
    await visitor.input.press("Enter");
    await visitor.log.locator(".message.m0", { hasText: "quote" }).waitFor();
    const conversationId = await conversationOf(await visitor.frame(), liveChat);

    const sent = await agent<{ id: number }>(200, "POST", `/conversations/${conversationId}/messages`, {
      content: "A few details, please",
      content_type: "form",
      content_attributes: {
        items: [
          { name: "email", type: "email", label: "Your email", placeholder: "you@example.com", required: true },
          {
            name: "budget",
            type: "select",
            label: "Budget",
            options: [
              { label: "Under $10k", value: "low" },
              { label: "$10k or more", value: "high" },
            ],
          },
          { name: "notes", type: "text_area", label: "Anything else?" },
          { name: "offers", type: "checkbox", label: "Email me offers" },
        ],
      },
    });
    const form = visitor.log.locator("form.interactive-form");
    await form.waitFor();
    // A required field left empty keeps the form from being sent.
    await form.getByRole("button", { name: "Submit" }).click();
    expect(await form.getByLabel("Your email").evaluate((field: HTMLInputElement) => field.validity.valueMissing)).toBe(true);
    await form.getByLabel("Your email").fill("vera@example.test");
    await form.getByLabel("Budget").selectOption("high");
    await form.getByLabel("Anything else?").fill("Trade-in: a 2015 wagon");
    await form.getByLabel("Email me offers").check();
    await form.getByRole("button", { name: "Submit" }).click();
    // Answered: the form is shown again with its values, read-only and without a Submit button.
    await expect.poll(() => form.getByLabel("Your email").isDisabled(), WAIT).toBe(true);
    expect(await form.getByRole("button", { name: "Submit" }).count()).toBe(0);

    const expected = [
      { name: "email", value: "vera@example.test" },
      { name: "budget", value: "high" },
      { name: "notes", value: "Trade-in: a 2015 wagon" },
      { name: "offers", value: true },
    ];
    const messages = await admin<{ payload: any[] }>(200, "GET", `/conversations/${conversationId}/messages`);
    expect(messages.payload.find((m) => m.id === sent.id)?.content_attributes.submitted_values).toEqual(expected);
  });

  it("shows a campaign as a bubble on its page after its delay, not on other paths, and after pushState to its page", async () => {
    const campaignBubble = (page: Page) => page.getByRole("button", { name: `Ada Admin: ${CAMPAIGN_MESSAGE}` });
    // With ?leave the visitor moves on (pushState) while the widget is still asking about /pricing.
    const leave = `<script>
      if (location.search === "?leave") addEventListener("parley:ready", () => setTimeout(() => history.pushState({}, "", "/about")));
    </script>`;
    const pricingUrl = website.page("/pricing", customerPage("Acme Motors — Pricing", liveChat.embed, { after: leave }));
    const [pricing, about, leaving] = await Promise.all([
      visit(pricingUrl),
      visit(website.page("/about", customerPage("Acme Motors — About us", liveChat.embed))),
      visit(`${pricingUrl}?leave`),
    ]);
    await expect.poll(() => leaving.page.evaluate(() => location.pathname), WAIT).toBe("/about");

    // time_on_page is 1 s: not there at first, then shown.
    await pricing.page.waitForTimeout(400);
    expect(await campaignBubble(pricing.page).count()).toBe(0);
    await campaignBubble(pricing.page).waitFor({ timeout: 5_000 });
    expect(await campaignBubble(pricing.page).textContent()).toBe(CAMPAIGN_MESSAGE);
    await screenshot(pricing.page, "widget-campaign");

    // Another path never shows it (by now it would have) …
    expect(await campaignBubble(about.page).count()).toBe(0);
    // … until a single-page navigation lands on the campaign's page.
    await about.page.evaluate(() => history.pushState({}, "", "/pricing?plan=basic"));
    await about.page.waitForTimeout(400);
    expect(await campaignBubble(about.page).count()).toBe(0);
    await campaignBubble(about.page).waitFor({ timeout: 5_000 });
    // The answer about /pricing that came back after the visitor left it starts nothing.
    expect(await campaignBubble(leaving.page).count()).toBe(0);

    // Clicking the bubble opens the chat with the campaign's message in it; a reply starts a
    // conversation that begins with that message, which the widget then shows once, not twice.
    await campaignBubble(pricing.page).click();
    const shown = pricing.log.locator(".message.m1", { hasText: CAMPAIGN_MESSAGE });
    await shown.waitFor();
    expect(await campaignBubble(pricing.page).count()).toBe(0);
    await pricing.input.fill("Yes, what are the rates?");
    await pricing.input.press("Enter");
    await pricing.log.locator(".message.m0", { hasText: "rates" }).waitFor();
    const conversationId = await conversationOf(await pricing.frame(), liveChat);
    const messages = await admin<{ payload: any[] }>(200, "GET", `/conversations/${conversationId}/messages`);
    expect(messages.payload.map((m) => [m.message_type, m.content])).toEqual([
      [1, CAMPAIGN_MESSAGE],
      [0, "Yes, what are the rates?"],
    ]);
    await agent(200, "POST", `/conversations/${conversationId}/messages`, { content: "From 3.9% APR." });
    await pricing.log.getByText("From 3.9% APR.").waitFor();
    expect(await shown.count()).toBe(1);
    expect(await pricing.events("on-message")).toMatchObject([{ detail: { content: "From 3.9% APR." } }]);
  });

  it("works with the keyboard alone: Tab to the launcher, Enter opens, type and Enter sends, Escape closes", async () => {
    const visitor = await visit(website.page("/keyboard", customerPage("Acme Motors", liveChat.embed)));
    await visitor.launcher.waitFor();
    await visitor.page.keyboard.press("Tab");
    expect(await visitor.launcher.evaluate((launcher) => document.activeElement === launcher)).toBe(true);

    await visitor.page.keyboard.press("Enter");
    await visitor.input.waitFor({ state: "visible" });
    // Focus moves into the chat, onto the message box.
    const frame = await visitor.frame();
    await expect.poll(() => frame.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.tagName), WAIT).toBe("Message");
    expect(await visitor.page.evaluate(() => document.activeElement?.tagName)).toBe("IFRAME");

    await visitor.page.keyboard.type("Typed without a mouse");
    await visitor.page.keyboard.press("Enter");
    await visitor.log.locator(".message.m0", { hasText: "Typed without a mouse" }).waitFor();
    expect(await visitor.input.inputValue()).toBe("");
    await screenshot(visitor.page, "widget-keyboard");

    await visitor.page.keyboard.press("Escape");
    await expect.poll(() => visitor.page.evaluate(() => window.parley.isOpened()), WAIT).toBe(false);
    expect(await visitor.launcher.evaluate((launcher) => document.activeElement === launcher)).toBe(true);
    expect((await visitor.events()).map((e) => e.name).filter((name) => name !== "unread-count")).toEqual(["ready", "opened", "closed"]);
  });

  it("ignores postMessage commands and events from any origin but the embedding page's and the platform's", async () => {
    const forged = { type: "parley:command", name: "setPredefinedMessage", args: ["forged"] };

    // 1. On the customer's page, a frame from another origin (an ad, say) posts to the chat app and to the page.
    const ad = elsewhere.page("/ad", "<!doctype html><title>Ad</title><p>Buy tyres</p>");
    const visitor = await visit(
      website.page("/framed-ad", customerPage("Acme Motors", liveChat.embed, { body: `<iframe class="ad" title="Ad" src="${ad}"></iframe>` })),
    );
    await open(visitor);
    const adFrame = visitor.page.frame({ url: ad });
    if (!adFrame) throw new Error("the ad frame did not load");
    await adFrame.evaluate((command) => {
      for (let i = 0; i < parent.frames.length; i++) if (parent.frames[i] !== window) parent.frames[i]?.postMessage(command, "*");
      parent.postMessage({ type: "parley:event", event: "on-message", detail: { content: "forged" } }, "*");
      parent.postMessage({ type: "parley:event", event: "close" }, "*");
    }, forged);
    // The page's own command, sent after the forged ones, is carried out: by then those were seen and dropped.
    await visitor.page.evaluate(() => window.parley.setPredefinedMessage("from the page"));
    await expect.poll(() => visitor.input.inputValue(), WAIT).toBe("from the page");
    expect(await visitor.page.evaluate(() => window.parley.isOpened())).toBe(true);
    expect(await visitor.events("on-message")).toEqual([]);
    expect(await visitor.input.inputValue()).toBe("from the page");

    // 2. A site on another origin frames the chat app itself, claiming the customer's origin as its parent.
    const appUrl = (parent: string, page: string) =>
      `${inject("platformUrl")}/widget/app.html#${new URLSearchParams({ token: liveChat.widget_token, parent, page, embedded: "0" })}`;
    const framing = (parent: string) =>
      `<!doctype html><title>Elsewhere</title><iframe title="Chat" style="width:380px;height:500px" src="${appUrl(parent, `${website.url}/`)}"></iframe>`;
    const impostor = await visit(elsewhere.page("/impostor", framing(website.url)), { ready: false });
    // 3. The control: the same page, honest about its origin, is obeyed (any site may embed this widget).
    const honest = await visit(elsewhere.page("/honest", framing(elsewhere.url)), { ready: false });
    for (const { page, input } of [impostor, honest]) {
      await input.waitFor({ state: "visible" });
      await page.evaluate((command) => window.frames[0]?.postMessage(command, "*"), forged);
    }
    await expect.poll(() => honest.input.inputValue(), WAIT).toBe("forged");
    await impostor.page.waitForTimeout(200);
    expect(await impostor.input.inputValue()).toBe("");
  });

  it("still loads a WhatsApp widget whose number was deleted, in its fallback state", async () => {
    const config = await callExpecting<{ widget: any }>(200, "GET", `/api/v1/widget/config?widget_token=${whatsapp.widget_token}`);
    expect(config.widget).toMatchObject({ setup_status: "incomplete", channels: {}, unavailable: [{ channel: "whatsapp" }] });
    const fallback = config.widget.unavailable[0].message as string;
    expect(fallback).toBe("WhatsApp is not available yet");

    const visitor = await visit(website.page("/whatsapp", customerPage("Acme Motors", whatsapp.embed)));
    const launcher = visitor.page.getByRole("button", { name: "WhatsApp us" });
    await launcher.click();
    const status = visitor.app.getByRole("status");
    await status.waitFor();
    expect(await status.textContent()).toBe(fallback);
    expect(await visitor.app.getByRole("link").count()).toBe(0);
    expect(visitor.errors).toEqual([]);
    await screenshot(visitor.page, "widget-whatsapp-fallback");
  });
});
