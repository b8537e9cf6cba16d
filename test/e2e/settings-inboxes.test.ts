// Settings > Inboxes in real Chromium against the whole platform, as an administrator connects each
// channel: Add inbox offers the channels, takes each one's fields (the API's refusal shown beside the
// field it concerns), then shows what to paste at the provider with copy buttons and asks for members.
// The WhatsApp and SMS inboxes made this way then receive a provider webhook, signed as Meta and
// Twilio sign theirs and posted to the URL the console showed, and the conversation shows in the console.
// The edit dialog sets the CSAT survey, the reply time and the website widget's look.
import { createHmac, randomInt } from "node:crypto";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium } from "./browser";
import { type ConsolePage, type ConsoleTenant, checkScreen, consoleTenant, conversationList, docsScreenshot, signIn, WAIT } from "./console-fixtures";

/** A secret the platform runs with (its .dev.vars): Meta's app secret signs WhatsApp webhooks. */
function platformSecret(name: string): string {
  const value = inject("platformVars")[name];
  if (!value) throw new Error(`the platform runs without ${name}`);
  return value;
}

/** A US number of this run's own: the webhooks find their inbox by number. */
const uniqueNumber = () => `+1415${String(randomInt(1_000_000, 9_999_999))}`;

/** Twilio's request signature (Twilio's "Webhooks security" page): HMAC-SHA1 of the URL and the sorted parameters, base64. */
function twilioSignature(authToken: string, url: string, params: Record<string, string>) {
  const data =
    url +
    Object.keys(params)
      .sort()
      .map((key) => key + params[key])
      .join("");
  return createHmac("sha1", authToken).update(data).digest("base64");
}

describe("Settings > Inboxes: connecting each channel from the console", () => {
  let browser: Browser;
  let tenant: ConsoleTenant;
  let admin: ConsolePage;

  beforeAll(async () => {
    browser = await launchChromium(inject("chromium"));
    tenant = await consoleTenant({ name: "Harbour Clinic", websiteUrl: "https://harbour-clinic.example.test" });
    admin = await signIn(browser, tenant.users.admin, { viewport: { width: 1280, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function openInboxes(page: Page) {
    // A dialog an earlier step left open is closed the way a person closes it.
    for (let open = 0; open < 3 && (await page.getByRole("dialog").count()) > 0; open++) await page.keyboard.press("Escape");
    await page.getByRole("link", { name: "Sites > Chat Widgets" }).click();
    await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Inboxes", exact: true }).click();
    await page.getByRole("heading", { name: "Inboxes", level: 1 }).waitFor();
  }

  /** Opens Add inbox and chooses `channel` among the channel choices by keyboard, from the first one. */
  async function addInbox(page: Page, channel: string) {
    await page.getByRole("button", { name: "Add inbox" }).click();
    const dialog = page.getByRole("dialog", { name: "Add inbox" });
    const website = dialog.getByRole("radio", { name: "Website" });
    await expect.poll(() => website.evaluate((element) => document.activeElement === element), WAIT).toBe(true);
    for (let step = 0; step < 7 && !(await dialog.getByRole("radio", { name: channel, exact: true }).isChecked()); step++)
      await page.keyboard.press("ArrowRight");
    expect(await dialog.getByRole("radio", { name: channel, exact: true }).isChecked()).toBe(true);
    return dialog;
  }

  /** The element that describes `field` (its hint or the API's answer). */
  const description = (field: Locator) =>
    field.evaluate((element) => document.getElementById(element.getAttribute("aria-describedby") ?? "")?.textContent ?? "");

  /** Waits for the provider's message to be a conversation (the webhook is processed through the queue), then finds it in the console's list under All. */
  async function seeConversation(page: Page, text: string) {
    await expect
      .poll(
        async () => {
          const found = await tenant.as("admin")<{ data: { payload: { messages: { content: string | null }[] }[] } }>(200, "GET", "/conversations?status=all");
          return found.data.payload.some((conversation) => conversation.messages.some((message) => message.content === text));
        },
        { timeout: 30_000, interval: 250 },
      )
      .toBe(true);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Conversations" }).click();
    const list = conversationList(page);
    await list.tab("All").click();
    await expect.poll(() => list.row(text).count(), WAIT).toBe(1);
    return list.row(text);
  }

  it("creates a WhatsApp inbox after showing the refused number beside its field, shows the callback URL and verify token Meta needs, and a message signed by Meta opens a conversation in the console", async () => {
    const { page } = admin;
    await openInboxes(page);
    const dialog = await addInbox(page, "WhatsApp");
    await checkScreen(page, "settings-inboxes-add-whatsapp");
    const number = uniqueNumber();
    await dialog.getByLabel("Name", { exact: true }).fill("Harbour WhatsApp");
    const phone = dialog.getByLabel("Phone number", { exact: true });
    await phone.fill("415 555 0100");
    await dialog.getByLabel("Phone number ID").fill("106540352242922");
    await dialog.getByLabel("WhatsApp Business Account ID").fill("102290129340398");
    await dialog.getByLabel("Access token").fill("EAAG-harbour-system-user-token");
    const verifyToken = await dialog.getByLabel("Webhook verify token").inputValue();
    expect(verifyToken.length).toBeGreaterThanOrEqual(8);
    await dialog.getByRole("button", { name: "Create inbox" }).click();
    await expect.poll(() => phone.getAttribute("aria-invalid"), WAIT).toBe("true");
    expect(await description(phone)).toContain("E.164");
    await checkScreen(page, "settings-inboxes-add-refused");
    await phone.fill(number);
    await dialog.getByRole("button", { name: "Create inbox" }).click();

    const ready = page.getByRole("dialog", { name: "Connect Harbour WhatsApp" });
    await ready.waitFor();
    const callbackUrl = await ready.getByLabel("Callback URL", { exact: true }).inputValue();
    expect(callbackUrl).toMatch(new RegExp(`/webhooks/whatsapp/\\${number}$`));
    expect(await ready.getByLabel("Verify token", { exact: true }).inputValue()).toBe(verifyToken);
    await admin.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(page.url()).origin });
    await ready.getByRole("button", { name: "Copy Callback URL" }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(callbackUrl);
    await ready.getByRole("group", { name: "Members" }).getByLabel(tenant.users.agent.name).check();
    await checkScreen(page, "settings-inboxes-ready-whatsapp");
    await docsScreenshot(page, "settings-inboxes-connect-whatsapp");
    await ready.getByRole("button", { name: "Save members and finish" }).click();
    await ready.waitFor({ state: "hidden" });
    const row = page.getByRole("row").filter({ hasText: "Harbour WhatsApp" });
    await expect.poll(() => row.textContent(), WAIT).toContain(number);

    // Meta verifies the callback URL with the verify token, as when it is saved in the App Dashboard.
    const challenge = await fetch(`${callbackUrl}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(verifyToken)}&hub.challenge=1158201444`);
    expect(await challenge.text()).toBe("1158201444");

    // A text message as Meta's WhatsApp Cloud API documents the messages webhook ("Webhooks > Messages > Text").
    const body = JSON.stringify({
      object: "whatsapp_business_account",
      entry: [
        {
          id: "102290129340398",
          changes: [
            {
              value: {
                messaging_product: "whatsapp",
                metadata: { display_phone_number: number.slice(1), phone_number_id: "106540352242922" },
                contacts: [{ profile: { name: "Marta Lind" }, wa_id: "15550109876" }],
                messages: [
                  {
                    from: "15550109876",
                    id: `wamid.harbour${Date.now()}`,
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    type: "text",
                    text: { body: "Can I move my cleaning to Friday?" },
                  },
                ],
              },
              field: "messages",
            },
          ],
        },
      ],
    });
    const signature = `sha256=${createHmac("sha256", platformSecret("WHATSAPP_APP_SECRET")).update(body).digest("hex")}`;
    const posted = await fetch(callbackUrl, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": signature }, body });
    expect(posted.status).toBe(200);
    const conversation = await seeConversation(page, "Can I move my cleaning to Friday?");
    expect(await conversation.textContent()).toContain("Marta Lind");
    await checkScreen(page, "settings-inboxes-whatsapp-conversation");
  });

  it("creates an SMS inbox with its Twilio credentials, shows the webhook URLs for Twilio, and a message signed with the auth token opens a conversation in the console", async () => {
    const { page } = admin;
    await openInboxes(page);
    const dialog = await addInbox(page, "SMS");
    const number = uniqueNumber();
    const authToken = "harbour-twilio-auth-token";
    await dialog.getByLabel("Name", { exact: true }).fill("Harbour texts");
    expect(await dialog.getByLabel("Provider").inputValue()).toBe("twilio");
    await dialog.getByLabel("Phone number", { exact: true }).fill(number);
    const sid = dialog.getByLabel("Account SID");
    await sid.fill("AC 1234");
    await dialog.getByLabel("Auth token").fill(authToken);
    await dialog.getByRole("button", { name: "Create inbox" }).click();
    await expect.poll(() => sid.getAttribute("aria-invalid"), WAIT).toBe("true");
    expect(await description(sid)).toContain("account SID");
    await sid.fill("AC0123456789abcdef0123456789abcdef");
    await checkScreen(page, "settings-inboxes-add-sms");
    await dialog.getByRole("button", { name: "Create inbox" }).click();

    const ready = page.getByRole("dialog", { name: "Connect Harbour texts" });
    const incomingUrl = await ready.getByLabel("A message comes in (webhook URL)", { exact: true }).inputValue();
    expect(incomingUrl).toMatch(/\/twilio\/callback$/);
    expect(await ready.getByLabel("Status callback URL", { exact: true }).inputValue()).toMatch(/\/twilio\/delivery_status$/);
    await checkScreen(page, "settings-inboxes-ready-sms");
    await ready.getByRole("button", { name: "Save members and finish" }).click();
    await ready.waitFor({ state: "hidden" });

    // An incoming message as Twilio's Messaging webhook documents it, form-encoded and signed over the URL it calls.
    const form = {
      ToCountry: "US",
      SmsMessageSid: `SM${Date.now().toString(16).padEnd(32, "0")}`,
      NumMedia: "0",
      SmsSid: `SM${Date.now().toString(16).padEnd(32, "0")}`,
      SmsStatus: "received",
      Body: "Running 10 minutes late, sorry!",
      To: number,
      NumSegments: "1",
      MessageSid: `SM${Date.now().toString(16).padEnd(32, "0")}`,
      AccountSid: "AC0123456789abcdef0123456789abcdef",
      From: "+15550104321",
      ApiVersion: "2010-04-01",
    };
    const posted = await fetch(incomingUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": twilioSignature(authToken, incomingUrl, form) },
      body: new URLSearchParams(form).toString(),
    });
    expect(posted.status).toBe(200);
    await seeConversation(page, "Running 10 minutes late, sorry!");
  });

  it("creates Messenger, Instagram, email and API inboxes, each showing what to give the provider, and refuses a bad email address beside its field", async () => {
    const { page } = admin;
    await openInboxes(page);

    let dialog = await addInbox(page, "Messenger");
    await dialog.getByLabel("Name", { exact: true }).fill("Harbour Messenger");
    await dialog.getByLabel("Page ID").fill(String(randomInt(100_000_000, 999_999_999)));
    await dialog.getByLabel("Page access token").fill("EAAB-harbour-page-token");
    await dialog.getByRole("button", { name: "Create inbox" }).click();
    let ready = page.getByRole("dialog", { name: "Connect Harbour Messenger" });
    expect(await ready.getByLabel("Callback URL", { exact: true }).inputValue()).toMatch(/\/bot$/);
    await checkScreen(page, "settings-inboxes-ready-messenger");
    await ready.getByRole("button", { name: "Save members and finish" }).click();
    await ready.waitFor({ state: "hidden" });

    dialog = await addInbox(page, "Instagram");
    await dialog.getByLabel("Name", { exact: true }).fill("Harbour Instagram");
    await dialog.getByLabel("Instagram account ID").fill(String(randomInt(100_000_000, 999_999_999)));
    await dialog.getByLabel("Access token").fill("IGQ-harbour-token");
    await dialog.getByLabel("Instagram username").fill("@harbour.clinic");
    await checkScreen(page, "settings-inboxes-add-instagram");
    await dialog.getByRole("button", { name: "Create inbox" }).click();
    ready = page.getByRole("dialog", { name: "Connect Harbour Instagram" });
    expect(await ready.getByLabel("Callback URL", { exact: true }).inputValue()).toMatch(/\/webhooks\/instagram$/);
    await ready.getByRole("button", { name: "Save members and finish" }).click();
    await ready.waitFor({ state: "hidden" });

    dialog = await addInbox(page, "Email");
    await dialog.getByLabel("Name", { exact: true }).fill("Harbour mail");
    const address = dialog.getByLabel("Email address");
    await address.fill("reply+desk@harbour-clinic.example.test");
    await dialog.getByRole("button", { name: "Create inbox" }).click();
    await expect.poll(() => address.getAttribute("aria-invalid"), WAIT).toBe("true");
    expect(await description(address)).toContain("reply+");
    const email = `desk-${tenant.account.id}@harbour-clinic.example.test`;
    await address.fill(email);
    await dialog.getByRole("button", { name: "Create inbox" }).click();
    ready = page.getByRole("dialog", { name: "Connect Harbour mail" });
    expect(await ready.getByLabel("Receiving address", { exact: true }).inputValue()).toBe(email);
    await checkScreen(page, "settings-inboxes-ready-email");
    await ready.getByRole("button", { name: "Save members and finish" }).click();
    await ready.waitFor({ state: "hidden" });

    dialog = await addInbox(page, "API");
    await dialog.getByLabel("Name", { exact: true }).fill("Harbour app");
    await dialog.getByRole("button", { name: "Create inbox" }).click();
    ready = page.getByRole("dialog", { name: "Connect Harbour app" });
    expect(await ready.getByLabel("Inbox identifier", { exact: true }).inputValue()).toMatch(/^[A-Za-z0-9_-]{24}$/);
    await ready.getByRole("button", { name: "Save members and finish" }).click();
    await ready.waitFor({ state: "hidden" });

    const inboxes = await tenant.as("admin")<{ payload: { name: string; channel_type: string }[] }>(200, "GET", "/inboxes");
    expect(Object.fromEntries(inboxes.payload.map((inbox) => [inbox.name, inbox.channel_type]))).toMatchObject({
      "Harbour Messenger": "Channel::FacebookPage",
      "Harbour Instagram": "Channel::Instagram",
      "Harbour mail": "Channel::Email",
      "Harbour app": "Channel::Api",
    });
    await checkScreen(page, "settings-inboxes-every-channel");
    await docsScreenshot(page, "settings-inboxes");
  });

  it("creates a website inbox with its widget colour, then turns on the CSAT survey, sets the reply time and shows the WhatsApp inbox's callback URL again in its settings", async () => {
    const { page, errors } = admin;
    await openInboxes(page);
    const dialog = await addInbox(page, "Website");
    await dialog.getByLabel("Name", { exact: true }).fill("Harbour booking");
    await dialog.getByLabel("Website address").fill("https://book.harbour-clinic.example.test");
    await dialog.getByLabel("Widget colour").fill("#0f766e");
    await dialog.getByLabel("Welcome title").fill("Hi, this is Harbour Clinic");
    await dialog.getByRole("button", { name: "Create inbox" }).click();
    const ready = page.getByRole("dialog", { name: "Connect Harbour booking" });
    expect(await ready.getByLabel("Widget script", { exact: true }).inputValue()).toContain("data-website-token=");
    await ready.getByRole("button", { name: "More settings" }).click();

    const edit = page.getByRole("dialog", { name: "Edit inbox Harbour booking" });
    await edit.getByLabel("Ask for a rating when a conversation is resolved (CSAT survey)").check();
    await edit.getByLabel("Reply time shown to visitors").selectOption({ label: "In a few hours" });
    await edit.getByLabel("Welcome tagline").fill("We answer within the day.");
    await checkScreen(page, "settings-inboxes-edit-website");
    await docsScreenshot(page, "settings-inboxes-edit");
    await edit.getByRole("button", { name: "Save inbox" }).click();
    await edit.waitFor({ state: "hidden" });
    const inboxes = await tenant.as("admin")<{ payload: Record<string, unknown>[] }>(200, "GET", "/inboxes");
    expect(inboxes.payload.find((inbox) => inbox.name === "Harbour booking")).toMatchObject({
      csat_survey_enabled: true,
      reply_time: "in_a_few_hours",
      widget_color: "#0f766e",
      welcome_title: "Hi, this is Harbour Clinic",
      welcome_tagline: "We answer within the day.",
    });

    const whatsapp = page.getByRole("row").filter({ hasText: "Harbour WhatsApp" });
    await whatsapp.getByRole("button", { name: "Edit Harbour WhatsApp" }).click();
    const settings = page.getByRole("dialog", { name: "Edit inbox Harbour WhatsApp" });
    expect(await settings.getByLabel("Callback URL", { exact: true }).inputValue()).toMatch(/\/webhooks\/whatsapp\/\+1415\d{7}$/);
    // A new access token is typed in only to replace the stored one, which is never shown.
    expect(await settings.getByLabel("Access token").inputValue()).toBe("");
    await settings.getByLabel("Ask for a rating when a conversation is resolved (CSAT survey)").check();
    await checkScreen(page, "settings-inboxes-edit-whatsapp");
    await settings.getByRole("button", { name: "Save inbox" }).click();
    await settings.waitFor({ state: "hidden" });
    const after = await tenant.as("admin")<{ payload: Record<string, unknown>[] }>(200, "GET", "/inboxes");
    expect(after.payload.find((inbox) => inbox.name === "Harbour WhatsApp")).toMatchObject({ csat_survey_enabled: true });
    expect(errors.filter((error) => !/status of 422 \(Unprocessable Entity\) .*\/inboxes\)$/.test(error))).toEqual([]);
  });
});
