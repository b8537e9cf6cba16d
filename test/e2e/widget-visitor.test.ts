// The widget as a visitor meets it, at desktop and phone sizes, each state caused the way it happens
// for real: an agent connected to /cable (online) who then leaves (away), an agent reading and
// resolving through the Application API, an inbox whose working hours and time zone put the clock
// outside them, the browser going offline. axe-core checks every state, and each is photographed
// (test-results/widget-visitor/, copied to PARLEY_SHOTS_DIR when set; docs/screenshots keeps them).
import { copyFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Frame, FrameLocator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { seriousViolations } from "./axe";
import { launchChromium } from "./browser";
import { openCablePage } from "./cable-page";
import { clientAddress } from "./console-fixtures";
import { callExpecting, newTenant, type Tenant } from "./platform-api";
import { startWebsite } from "./website";

const shotsDir = fileURLToPath(new URL("../../test-results/widget-visitor/", import.meta.url));
const SHOTS_DIR = process.env.PARLEY_SHOTS_DIR;
const WAIT = { timeout: 10_000, interval: 50 };
const LAUNCHER = "Chat with Acme";
const SIZES = [
  { name: "desktop", width: 1000, height: 760 },
  { name: "phone", width: 390, height: 844 },
] as const;

/** What the customer's page and the test add to its window. */
type TestWindow = Window & { parleyEvents: string[]; chimes: number };

/** A customer's page with the snippet pasted in; `settings` become window.parleySettings. */
function customerPage(snippet: string, settings: Record<string, unknown> = {}) {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Acme Dental</title>
    <script>
      window.parleyEvents = [];
      window.parleySettings = ${JSON.stringify(settings)};
      addEventListener("parley:ready", () => window.parleyEvents.push("ready"));
    </script>
    <style>body { font: 16px/1.5 system-ui, sans-serif; margin: 2rem; color: #1f2933; }</style>
  </head>
  <body>
    <main><h1>Acme Dental</h1><p>Cleanings, implants and braces since 1987.</p><button type="button" id="ask" onclick="parley.open()">Ask us</button></main>
${snippet}
  </body>
</html>`;
}

/** Working hours for every day that open for one hour, twelve hours from now in UTC: the clock is outside them now. */
function hoursTwelveHoursAway() {
  const hour = (new Date().getUTCHours() + 12) % 24;
  return [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day_of_week: day, open_hour: hour, open_minutes: 0, close_hour: hour, close_minutes: 59 }));
}

describe.each(SIZES)("the widget a visitor meets, at $name size ($width px)", (size) => {
  let browser: Browser;
  let website: Awaited<ReturnType<typeof startWebsite>>;
  let tenant: Tenant;
  let widget: { token: string; embed: string };
  let afterHours: { token: string; embed: string };
  const contexts: BrowserContext[] = [];

  const admin = <T = any>(status: number, method: string, path: string, body?: unknown) => tenant.as("admin")<T>(status, method, path, body);
  const agent = <T = any>(status: number, method: string, path: string, body?: unknown) => tenant.as("agent")<T>(status, method, path, body);

  async function widgetFor(inbox: Record<string, unknown>, settings: Record<string, unknown>) {
    const created = await admin<{ id: number }>(201, "POST", "/inboxes", { channel: { type: "web_widget", website_url: website.url }, ...inbox });
    await admin(200, "POST", "/inbox_members", { inbox_id: created.id, user_ids: [tenant.agent.id] });
    const made = await admin<{ id: number; widget_token: string }>(201, "POST", "/chat_widgets", {
      name: "Acme chat",
      type: "live_chat",
      inbox_id: created.id,
      settings,
    });
    const { html } = await admin<{ html: string }>(200, "GET", `/chat_widgets/${made.id}/embed_code`);
    return { token: made.widget_token, embed: html };
  }

  beforeAll(async () => {
    [browser, website, tenant] = await Promise.all([launchChromium(inject("chromium")), startWebsite(), newTenant("Acme Dental")]);
    const looks = {
      colors: { primary: "#0f766e", text: "#ffffff" },
      launcher: { text: LAUNCHER },
      greeting: { title: "Acme Dental", tagline: "Questions about a visit? Ask us." },
    };
    [widget, afterHours] = await Promise.all([
      widgetFor(
        {
          name: "Acme website",
          greeting_enabled: true,
          greeting_message: "Hi! Ask us about **appointments**, prices or insurance.",
          enable_email_collect: true,
          csat_survey_enabled: true,
          reply_time: "in_a_few_minutes",
        },
        looks,
      ),
      widgetFor(
        {
          name: "Acme after hours",
          working_hours_enabled: true,
          timezone: "UTC",
          working_hours: hoursTwelveHoursAway(),
          out_of_office_message: "We are closed now. Leave a message and we will answer **first thing** when we open.",
          reply_time: "in_a_few_hours",
        },
        { ...looks, theme: "dark" },
      ),
    ]);
    mkdirSync(shotsDir, { recursive: true });
  });

  afterAll(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
    await browser?.close();
    await website?.close();
  });

  /** A new visitor (a browser context of their own) on the customer's page; the chat opened unless asked not to. */
  async function visit(
    snippet: string,
    { settings = {}, locale = "en-US", open = true }: { settings?: Record<string, unknown>; locale?: string; open?: boolean } = {},
  ) {
    const address = clientAddress();
    const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, locale, hasTouch: size.name === "phone" });
    contexts.push(context);
    await context.route(`${inject("platformUrl")}/**`, (route) => route.continue({ headers: { ...route.request().headers(), "cf-connecting-ip": address } }));
    context.setDefaultTimeout(10_000);
    // Counts the chimes the loader plays: the page's own AudioContext, wrapped before any script runs.
    await context.addInitScript(() => {
      (window as unknown as TestWindow).chimes = 0;
      const Original = window.AudioContext;
      window.AudioContext = class extends Original {
        constructor(...args: ConstructorParameters<typeof AudioContext>) {
          super(...args);
          (window as unknown as TestWindow).chimes++;
        }
      };
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(website.page(`/${Math.random().toString(36).slice(2)}`, customerPage(snippet, settings)));
    await page.waitForFunction(() => (window as unknown as TestWindow).parleyEvents.includes("ready"));
    const app: FrameLocator = page.frameLocator('iframe[title="Chat"]');
    const launcher = page.getByRole("button", { name: LAUNCHER });
    const frame = async (): Promise<Frame> => {
      const found = await (await page.waitForSelector('iframe[title="Chat"]', { state: "attached" })).contentFrame();
      if (!found) throw new Error("the chat iframe has no frame");
      return found;
    };
    const visitor = {
      context,
      page,
      errors,
      app,
      launcher,
      frame,
      input: app.getByRole("textbox", { name: "Message" }),
      log: app.getByRole("log"),
      /** The conversation's id once the widget has one. */
      conversationId: async (): Promise<number> => {
        const read = async () =>
          (await frame()).evaluate((key) => JSON.parse(localStorage.getItem(key) ?? "null")?.conversationId ?? null, `parley:session:${widget.token}`);
        await expect.poll(read, WAIT).not.toBeNull();
        return (await read()) as number;
      },
      say: async (text: string) => {
        await visitor.input.fill(text);
        await visitor.input.press("Enter");
        await visitor.log.locator(".message.m0", { hasText: text }).getByText("Sent", { exact: true }).waitFor();
      },
    };
    if (open) {
      await launcher.click();
      await app.locator("header h1").waitFor();
    }
    return visitor;
  }

  /** axe finds nothing serious or critical in the chat app (and the page around it); then the state is photographed. */
  async function checkState(visitor: Awaited<ReturnType<typeof visit>>, name: string) {
    const violations = [...(await seriousViolations(await visitor.frame())), ...(await seriousViolations(visitor.page))];
    const file = `${shotsDir}widget-${name}-${size.name}.png`;
    await visitor.page.screenshot({ path: file });
    if (SHOTS_DIR) {
      mkdirSync(SHOTS_DIR, { recursive: true });
      copyFileSync(file, `${SHOTS_DIR}/widget-${name}-${size.name}.png`);
    }
    expect(violations, `${name}:\n${violations.join("\n")}`).toEqual([]);
  }

  it("greets a new visitor and says the team is online while an agent is connected, and away once they leave", async () => {
    const agentCable = await openCablePage(browser, {
      title: "Alex's console",
      websiteUrl: website.url,
      cableUrl: `${inject("platformUrl").replace("http", "ws")}/cable`,
      params: { channel: "RoomChannel", pubsub_token: tenant.agent.pubsub_token, account_id: tenant.account.id, user_id: tenant.agent.id },
    });
    contexts.push(agentCable.page.context());
    expect((await agentCable.subscriptionAnswer()).callback).toBe("connected");
    const visitor = await visit(widget.embed);
    const status = visitor.app.locator(".team-status");
    await expect.poll(() => status.textContent(), WAIT).toBe("We are onlineTypically replies in a few minutes");
    const greeting = visitor.log.locator(".message.m1").first();
    await greeting.getByText("appointments").waitFor();
    expect(await greeting.locator("strong").textContent()).toBe("appointments");
    expect(await visitor.log.getByRole("heading", { name: "Today" }).count()).toBe(1);
    await checkState(visitor, "greeting");

    // Once the visitor writes, their session hears the agents' presence on /cable.
    await visitor.say("Hello, anyone there?");
    // The agent goes offline, as Chatwoot's dashboard and app set it.
    await callExpecting(200, "POST", "/api/v1/profile/availability", {
      token: tenant.agent.access_token,
      body: { profile: { availability: "offline", account_id: tenant.account.id } },
    });
    await expect.poll(() => status.textContent(), WAIT).toBe("We are away at the moment");
    expect(visitor.errors).toEqual([]);
  });

  it("renders an agent's formatted answer with times and read state, then asks the anonymous visitor for an email", async () => {
    const visitor = await visit(widget.embed);
    await visitor.say("Do you fit implants?");
    const conversationId = await visitor.conversationId();
    await agent(200, "POST", `/conversations/${conversationId}/messages`, {
      content:
        "We do. **Shall I book you in?**\n\nOpen slots:\n- Monday 9:00\n- Tuesday 14:30\n\nSee [our prices](https://acme-dental.example/prices) or `javascript:` links [like this](javascript:alert(1)).",
    });
    const answer = visitor.log.locator(".message.m1", { hasText: "Shall I book you in?" });
    await answer.waitFor();
    expect(await answer.locator("strong").textContent()).toBe("Shall I book you in?");
    expect(await answer.getByRole("listitem").allTextContents()).toEqual(["Monday 9:00", "Tuesday 14:30"]);
    const link = answer.getByRole("link", { name: "our prices" });
    expect(await link.getAttribute("href")).toBe("https://acme-dental.example/prices");
    expect(await link.getAttribute("rel")).toBe("noopener noreferrer");
    expect(await link.getAttribute("target")).toBe("_blank");
    expect(await answer.getByRole("link").count()).toBe(1);
    expect(await answer.locator(".sender").textContent()).toBe("Alex Agent");
    expect(await answer.locator(".avatar").textContent()).toBe("AA");
    expect(await answer.locator("time").count()).toBe(1);

    const mine = visitor.log.locator(".message.m0", { hasText: "Do you fit implants?" });
    expect(await mine.locator(".status").textContent()).toBe("Sent");
    await agent(200, "POST", `/conversations/${conversationId}/update_last_seen`);
    await expect.poll(() => mine.locator(".status").textContent(), WAIT).toBe("Read");

    const emailBox = visitor.log.locator("form.email-box");
    await emailBox.waitFor();
    await checkState(visitor, "conversation");
    const email = emailBox.getByLabel("Your email");
    await email.fill("not an email");
    await emailBox.getByRole("button", { name: "Submit" }).click();
    await emailBox.getByText("Please enter a valid email address").waitFor();
    await email.fill("vera.visitor@example.test");
    await emailBox.getByRole("button", { name: "Submit" }).click();
    await visitor.log.getByText("We will reach you at vera.visitor@example.test.").waitFor();
    const conversation = await admin(200, "GET", `/conversations/${conversationId}`);
    await expect.poll(async () => (await admin(200, "GET", `/contacts/${conversation.meta.sender.id}`)).payload.email, WAIT).toBe("vera.visitor@example.test");
    expect(visitor.errors).toEqual([]);
  });

  it("asks for a rating when the agent resolves, stores it, and lets the visitor start a new conversation and read the earlier one", async () => {
    const visitor = await visit(widget.embed);
    await visitor.say("My crown came loose.");
    const conversationId = await visitor.conversationId();
    await agent(200, "POST", `/conversations/${conversationId}/messages`, { content: "Come in at 4pm, we will fix it." });
    await agent(200, "POST", `/conversations/${conversationId}/toggle_status`, { status: "resolved" });

    const ratings = visitor.log.getByRole("group", { name: "Rate your conversation" });
    await ratings.waitFor();
    const names = await ratings.getByRole("button").evaluateAll((buttons) => buttons.map((b) => b.getAttribute("aria-label")));
    expect(names).toEqual(["1 of 5: very dissatisfied", "2 of 5: dissatisfied", "3 of 5: neutral", "4 of 5: satisfied", "5 of 5: very satisfied"]);
    await visitor.app.getByText("This conversation has been resolved.").waitFor();
    await ratings.getByRole("button", { name: "5 of 5: very satisfied" }).click();
    await visitor.log.getByLabel("Tell us more (optional)").fill("Fixed in ten minutes.");
    await checkState(visitor, "csat");
    await visitor.log.locator("form.csat-comment").getByRole("button", { name: "Submit" }).click();
    await visitor.log.getByText("Thank you for submitting the rating").waitFor();
    await expect
      .poll(async () => (await admin<any[]>(200, "GET", "/csat_survey_responses")).map((r) => [r.conversation_id, r.rating, r.feedback_message]), WAIT)
      .toContainEqual([conversationId, 5, "Fixed in ten minutes."]);

    await visitor.app.getByRole("button", { name: "Start a new conversation" }).click();
    await visitor.say("One more question: do you take my insurance?");
    const second = await visitor.conversationId();
    expect(second).not.toBe(conversationId);
    await visitor.app.getByRole("button", { name: "Earlier conversations" }).click();
    const earlier = visitor.app.getByRole("listitem");
    await expect.poll(() => earlier.count(), WAIT).toBe(2);
    // Newest first: the resolved conversation is the second.
    await earlier.nth(1).getByRole("button").click();
    await visitor.log.getByText("Come in at 4pm, we will fix it.").waitFor();
    await visitor.app.getByRole("button", { name: "Back to the conversation" }).click();
    await visitor.log.getByText("do you take my insurance?").waitFor();
    expect(visitor.errors).toEqual([]);
  });

  it("shows the away state and the out-of-office message outside the inbox's working hours, in the dark theme", async () => {
    const visitor = await visit(afterHours.embed);
    const status = visitor.app.locator(".team-status");
    await expect.poll(() => status.textContent(), WAIT).toMatch(/^We are away at the momentWe will be back online /);
    const notice = visitor.app.getByRole("status").filter({ hasText: "We are closed now." });
    expect(await notice.locator("strong").textContent()).toBe("first thing");
    expect(await (await visitor.frame()).evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    await checkState(visitor, "away");
  });

  it("shows unread agent messages above the closed launcher with a count, and a sound the site can turn off", async () => {
    const visitor = await visit(widget.embed);
    await visitor.say("Is parking free?");
    const conversationId = await visitor.conversationId();
    await agent(200, "POST", `/conversations/${conversationId}/messages`, { content: "Let me check." });
    const emailBox = visitor.log.locator("form.email-box");
    await emailBox.getByLabel("Your email").fill("parker@example.test");
    await emailBox.getByRole("button", { name: "Submit" }).click();
    await visitor.log.getByText("We will reach you at parker@example.test.").waitFor();
    await visitor.page.keyboard.press("Escape");
    await expect.poll(() => visitor.launcher.getAttribute("aria-expanded"), WAIT).toBe("false");
    await agent(200, "POST", `/conversations/${conversationId}/messages`, { content: "Yes, behind the building." });
    const preview = visitor.page.getByRole("button", { name: "1 new message. Alex Agent: Yes, behind the building." });
    await preview.waitFor();
    expect(await visitor.launcher.locator("span").textContent()).toBe("1");
    await expect.poll(() => visitor.page.evaluate(() => (window as unknown as TestWindow).chimes), WAIT).toBe(1);
    await checkState(visitor, "unread");
    await preview.click();
    await visitor.log.getByText("Yes, behind the building.").waitFor();
    expect(await preview.count()).toBe(0);

    const quiet = await visit(widget.embed, { settings: { sound: false, showUnreadMessagesDialog: false } });
    await quiet.say("And on Saturdays?");
    const quietId = await quiet.conversationId();
    await quiet.page.keyboard.press("Escape");
    await agent(200, "POST", `/conversations/${quietId}/messages`, { content: "Saturdays too." });
    // The answer, and the email collect messages that follow a first answer.
    await expect.poll(() => quiet.launcher.locator("span").textContent(), WAIT).toBe("3");
    expect(await quiet.page.getByRole("button", { name: /new message/ }).count()).toBe(0);
    expect(await quiet.page.evaluate(() => (window as unknown as TestWindow).chimes)).toBe(0);
  });

  it("brings a returning visitor's new messages above the launcher on their next page, the chat still closed", async () => {
    const visitor = await visit(widget.embed);
    await visitor.say("Can I bring my dog?");
    const conversationId = await visitor.conversationId();
    await agent(200, "POST", `/conversations/${conversationId}/messages`, { content: "Let me ask." });
    const emailBox = visitor.log.locator("form.email-box");
    await emailBox.getByLabel("Your email").fill("rex.owner@example.test");
    await emailBox.getByRole("button", { name: "Submit" }).click();
    await visitor.log.getByText("We will reach you at rex.owner@example.test.").waitFor();
    await visitor.page.reload();
    await visitor.page.waitForFunction(() => (window as unknown as TestWindow).parleyEvents.includes("ready"));
    // The app loads at once for a visitor with a conversation; what arrives once it shows the history is news.
    // Polled by interval: a hidden frame draws no animation frames.
    await (await visitor.frame()).waitForFunction(() => document.querySelectorAll(".message").length >= 4, null, { polling: 100 });
    await agent(200, "POST", `/conversations/${conversationId}/messages`, { content: "Dogs are welcome." });
    await visitor.page.getByRole("button", { name: "1 new message. Alex Agent: Dogs are welcome." }).waitFor();
    expect(await visitor.launcher.getAttribute("aria-expanded")).toBe("false");
  });

  it("keeps a message that failed to send and sends it once on retry", async () => {
    const visitor = await visit(widget.embed);
    await visitor.say("First message.");
    const conversationId = await visitor.conversationId();
    await visitor.context.setOffline(true);
    await visitor.input.fill("Sent while offline.");
    await visitor.input.press("Enter");
    const failed = visitor.log.locator(".message.m0", { hasText: "Sent while offline." });
    await failed.getByText("Not sent").waitFor();
    await visitor.context.setOffline(false);
    await failed.getByRole("button", { name: "Retry" }).click();
    await visitor.log.locator(".message.m0", { hasText: "Sent while offline." }).getByText("Sent", { exact: true }).waitFor();
    const messages = await admin<{ payload: { content: string }[] }>(200, "GET", `/conversations/${conversationId}/messages`);
    expect(messages.payload.filter((m) => m.content === "Sent while offline.")).toHaveLength(1);
  });

  it("uploads an attachment with its progress and shows its preview", async () => {
    const visitor = await visit(widget.embed);
    await visitor.say("Here is the x-ray.");
    const frame = await visitor.frame();
    await frame.evaluate(() => {
      (window as unknown as { progressSeen: boolean }).progressSeen = false;
      new MutationObserver(() => {
        if (document.querySelector(".upload progress")) (window as unknown as { progressSeen: boolean }).progressSeen = true;
      }).observe(document.body, { subtree: true, childList: true });
    });
    // A 1 × 1 PNG.
    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
    await frame.setInputFiles("#attachment", { name: "x-ray.png", mimeType: "image/png", buffer: png });
    await visitor.log.getByRole("img", { name: "x-ray.png" }).waitFor();
    expect(await frame.evaluate(() => (window as unknown as { progressSeen: boolean }).progressSeen)).toBe(true);
  });

  it("loads older messages when the visitor scrolls to the top", async () => {
    const visitor = await visit(widget.embed);
    await visitor.say("Message 0");
    const conversationId = await visitor.conversationId();
    for (let n = 1; n <= 24; n++) await agent(200, "POST", `/conversations/${conversationId}/messages`, { content: `Answer ${n}` });
    await visitor.page.reload();
    await visitor.page.waitForFunction(() => (window as unknown as TestWindow).parleyEvents.includes("ready"));
    await visitor.launcher.click();
    await visitor.log.getByText("Answer 24").waitFor();
    // The latest 20, of which some are the email collect box that followed the first answer.
    await expect.poll(() => visitor.log.locator(".message").count(), WAIT).toBe(20);
    await visitor.log.evaluate((log) => log.scrollTo(0, 0));
    await visitor.log.getByText("Message 0").waitFor();
  });

  it("speaks the browser's language when the site asks for it, and lays Arabic out right to left", async () => {
    const german = await visit(widget.embed, { settings: { useBrowserLanguage: true }, locale: "de-DE" });
    await german.app.getByRole("textbox", { name: "Nachricht" }).waitFor();
    await german.app.getByRole("button", { name: "Chat schließen" }).waitFor();

    const arabic = await visit(widget.embed, { settings: { locale: "ar" } });
    await arabic.app.getByRole("textbox", { name: "الرسالة" }).waitFor();
    const frame = await arabic.frame();
    expect(await frame.evaluate(() => [document.documentElement.dir, document.documentElement.lang])).toEqual(["rtl", "ar"]);
    await checkState(arabic, "rtl");
  });

  it(
    size.name === "phone"
      ? "takes the whole screen below 480 px and gives focus back to the page when closed"
      : "floats as a panel beside the page and gives focus back to the page when closed",
    async () => {
      const visitor = await visit(widget.embed, { open: false });
      await visitor.page.getByRole("button", { name: "Ask us" }).click();
      await visitor.app.locator("header h1").waitFor();
      const box = await visitor.page.locator('iframe[title="Chat"]').boundingBox();
      if (size.name === "phone") {
        expect(box).toMatchObject({ x: 0, y: 0, width: size.width, height: size.height });
        expect(await visitor.launcher.isVisible()).toBe(false);
      } else {
        expect(box?.width).toBeLessThanOrEqual(380);
        expect(await visitor.launcher.isVisible()).toBe(true);
      }
      await visitor.app.getByRole("button", { name: "Close chat" }).click();
      await expect.poll(() => visitor.page.evaluate(() => document.activeElement?.textContent), WAIT).toMatch(/Chat with Acme/);
    },
  );
});
