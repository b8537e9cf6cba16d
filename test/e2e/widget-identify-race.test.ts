// A site that calls setUser before the chat app has loaded, and a visitor who writes at once: setUser
// loads the app (hidden) and the queued identification runs there, while the visitor opens the chat
// and their first message starts the conversation. The identification's contact request is held in the browser until the visitor's
// message is on its way, so both are under way together every run; what they wrote must land in
// the identified contact's conversation, checked through the Application API, and show once.
import { createHmac } from "node:crypto";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium } from "./browser";
import { clientAddress, visitorCall } from "./console-fixtures";
import { newTenant, type Tenant } from "./platform-api";
import { startWebsite } from "./website";

const LAUNCHER = "Chat with us";
const WAIT = { timeout: 10_000, interval: 50 };

type Session = { sourceId: string; pubsubToken: string; contactId: number; conversationId: number | null };

/** A customer's page with the snippet pasted in, then the site's own script identifying its signed-in customer. */
function customerPage(snippet: string, identifier: string, user: Record<string, string>) {
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>Acme Bikes — My account</title></head>
  <body>
    <main><h1>My account</h1><p>Your orders and repairs.</p></main>
${snippet}
    <script>window.parley.setUser(${JSON.stringify(identifier)}, ${JSON.stringify(user)});</script>
  </body>
</html>`;
}

describe("a visitor identified by the site before the chat app loads", () => {
  let browser: Browser;
  let website: Awaited<ReturnType<typeof startWebsite>>;
  let tenant: Tenant;
  let widget: { token: string; embed: string };
  /** The inbox's Client API identifier and its secret for identity validation, as the customer's server keeps it. */
  let inboxIdentifier: string;
  let hmacToken: string;
  const contexts: BrowserContext[] = [];

  const admin = <T = any>(status: number, method: string, path: string, body?: unknown) => tenant.as("admin")<T>(status, method, path, body);

  beforeAll(async () => {
    [browser, website, tenant] = await Promise.all([launchChromium(inject("chromium")), startWebsite(), newTenant("Acme Bikes")]);
    // No email collect: the conversation then holds only what the visitor wrote.
    const inbox = await admin<{ id: number; inbox_identifier: string; hmac_token: string }>(201, "POST", "/inboxes", {
      name: "Acme Bikes website",
      channel: { type: "web_widget", website_url: website.url },
      enable_email_collect: false,
    });
    inboxIdentifier = inbox.inbox_identifier;
    hmacToken = inbox.hmac_token;
    await admin(200, "POST", "/inbox_members", { inbox_id: inbox.id, user_ids: [tenant.agent.id] });
    const made = await admin<{ id: number; widget_token: string }>(201, "POST", "/chat_widgets", {
      name: "Acme Bikes chat",
      type: "live_chat",
      inbox_id: inbox.id,
      settings: { launcher: { text: LAUNCHER }, greeting: { title: "Acme Bikes", tagline: "Ask us about your bike." } },
    });
    const { html } = await admin<{ html: string }>(200, "GET", `/chat_widgets/${made.id}/embed_code`);
    widget = { token: made.widget_token, embed: html };
  });

  afterAll(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
    await browser?.close();
    await website?.close();
  });

  /** The returning customer's earlier chat from another device: their contact (found by the verified identifier) and one conversation. */
  async function earlierChat(identifier: string, identifierHash: string, content: string) {
    const address = clientAddress();
    const contacts = `/public/api/v1/inboxes/${inboxIdentifier}/contacts`;
    const made = await visitorCall<{ id: number; source_id: string }>(address, 200, "POST", contacts, { identifier, identifier_hash: identifierHash });
    const conversation = await visitorCall<{ id: number }>(address, 200, "POST", `${contacts}/${made.source_id}/conversations`, {});
    await visitorCall(address, 200, "POST", `${contacts}/${made.source_id}/conversations/${conversation.id}/messages`, { content });
    return { contactId: made.id, conversationId: conversation.id };
  }

  it.each([
    { who: "a new customer", earlier: null },
    { who: "a customer who chatted on another device", earlier: "Did my new tyres arrive?" },
  ])("puts a message $who sends while setUser is still identifying into their conversation, shown once", async ({ earlier }) => {
    const identifier = `rider-${Date.now()}-${earlier ? "known" : "new"}`;
    const user = {
      name: "Robin Rider",
      email: `${identifier}@example.test`,
      identifier_hash: createHmac("sha256", hmacToken).update(identifier).digest("hex"),
    };
    const before = earlier ? await earlierChat(identifier, user.identifier_hash, earlier) : null;
    const text = `My brakes squeak (${identifier}), can you look at them?`;

    const context = await browser.newContext({ viewport: { width: 1000, height: 760 } });
    contexts.push(context);
    context.setDefaultTimeout(10_000);
    const address = clientAddress();
    // setUser starts a bare contact (POST .../contacts) for a visitor without a session: that request
    // waits here until the visitor's message shows in the log.
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let identifyStarted = () => {};
    const identifying = new Promise<void>((resolve) => {
      identifyStarted = resolve;
    });
    await context.route(`${inject("platformUrl")}/**`, async (route) => {
      const request = route.request();
      if (request.method() === "POST" && /^\/public\/api\/v1\/inboxes\/[^/]+\/contacts$/.test(new URL(request.url()).pathname)) {
        identifyStarted();
        await released;
      }
      await route.continue({ headers: { ...request.headers(), "cf-connecting-ip": address } });
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(website.page(`/account-${identifier}`, customerPage(widget.embed, identifier, user)));
    const answered = (method: string, path: RegExp) =>
      page.waitForResponse((response) => response.request().method() === method && path.test(new URL(response.url()).pathname));
    // Both the identification (its contact update) and the message are answered, in whichever order.
    const settled = Promise.all([answered("PATCH", /\/contacts\/[^/]+$/), answered("POST", /\/messages$/)]);

    await page.getByRole("button", { name: LAUNCHER, exact: true }).click();
    const app = page.frameLocator('iframe[title="Chat"]');
    const input = app.getByRole("textbox", { name: "Message" });
    const log = app.getByRole("log");
    await identifying;
    await input.fill(text);
    await input.press("Enter");
    const mine = log.locator(".message.m0", { hasText: text });
    await mine.waitFor();
    release();
    await settled;

    await mine.getByText("Sent", { exact: true }).waitFor();
    expect(await log.locator(".message .text", { hasText: text }).count()).toBe(1);
    if (earlier) await log.getByText(earlier).waitFor();

    const frame = await (await page.waitForSelector('iframe[title="Chat"]', { state: "attached" })).contentFrame();
    if (!frame) throw new Error("the chat iframe has no frame");
    const session = () => frame.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? "null") as Session | null, `parley:session:${widget.token}`);
    await expect.poll(async () => (await session())?.conversationId ?? null, WAIT).not.toBeNull();
    const { contactId, conversationId } = (await session()) as Session;
    if (before) expect({ contactId, conversationId }).toEqual(before);

    const contact = await admin<{ payload: { identifier: string; name: string; email: string } }>(200, "GET", `/contacts/${contactId}`);
    expect(contact.payload).toMatchObject({ identifier, name: user.name, email: user.email });
    const conversations = await admin<{ payload: { id: number }[] }>(200, "GET", `/contacts/${contactId}/conversations`);
    expect(conversations.payload.map((conversation) => conversation.id)).toEqual([conversationId]);
    const messages = await admin<{ payload: { content: string | null; message_type: number }[] }>(200, "GET", `/conversations/${conversationId}/messages`);
    expect(messages.payload.filter((message) => message.message_type === 0).map((message) => message.content)).toEqual(earlier ? [earlier, text] : [text]);
    // The account holds the message once: no second, anonymous contact got a conversation with it.
    const found = async () =>
      (await admin<{ payload: { id: number }[] }>(200, "GET", `/conversations/search?q=${encodeURIComponent(identifier)}`)).payload.map(
        (conversation) => conversation.id,
      );
    await expect.poll(found, WAIT).toEqual([conversationId]);
    expect(errors).toEqual([]);
  });
});
