// The reply box of a WhatsApp conversation whose 24-hour customer service window has closed, in real
// Chromium against the whole platform: the contact's message arrives through the local Graph API
// sink's signed inbound webhook with a WhatsApp timestamp two days old; the agent reads why a free
// reply is not possible, picks an approved template, fills its variables by their labels, checks the
// preview and sends it; the sink records Meta's template message. Private notes still work. A Messenger
// conversation 8 days after the person wrote says no reply is possible and offers no template.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium } from "./browser";
import { type ConsolePage, type ConsoleTenant, checkScreen, consoleTenant, conversationPane, signIn, WAIT } from "./console-fixtures";
import { callExpecting } from "./platform-api";

const DAY = 24 * 60 * 60;

/** The inbox's conversation, once the queue has worked the channel's webhook: its display id, after checking it takes no free reply. */
async function conversationWithoutFreeReply(tenant: ConsoleTenant, inboxId: number): Promise<number> {
  let displayId = 0;
  for (const started = Date.now(); Date.now() - started < WAIT.timeout; await new Promise((resolve) => setTimeout(resolve, WAIT.interval))) {
    const listed = await tenant.as("agent")<{ data: { payload: { id: number; can_reply: boolean }[] } }>(200, "GET", `/conversations?inbox_id=${inboxId}`);
    const [conversation] = listed.data.payload;
    if (conversation) {
      expect(conversation.can_reply).toBe(false);
      displayId = conversation.id;
      break;
    }
  }
  expect(displayId).toBeGreaterThan(0);
  return displayId;
}

/** The agent's console at the conversation, once its first message shows. */
async function openConversation(agent: ConsolePage, tenant: ConsoleTenant, displayId: number, firstMessage: string) {
  const { page } = agent;
  await page.goto(`/app/accounts/${tenant.account.id}/conversations/${displayId}`);
  const pane = conversationPane(page);
  await pane.message(firstMessage).waitFor();
  return { page, pane };
}

describe("a WhatsApp conversation outside the 24-hour window", () => {
  let browser: Browser;
  let tenant: ConsoleTenant;
  let agent: ConsolePage;
  let displayId: number;
  const business = `+1555${String(Date.now()).slice(-7)}`;
  const customer = `1555${String(Date.now() + 1).slice(-7)}`;

  beforeAll(async () => {
    browser = await launchChromium(inject("chromium"));
    tenant = await consoleTenant({ name: "Lakeside Dental", websiteUrl: "https://lakeside-dental.example" });
    const inbox = await tenant.as("admin")<{ id: number }>(201, "POST", "/inboxes", {
      name: "Lakeside WhatsApp",
      channel: {
        type: "whatsapp",
        phone_number: business,
        provider: "whatsapp_cloud",
        provider_config: {
          api_key: `EAAG-e2e-${Date.now()}`,
          phone_number_id: `1065${String(Date.now()).slice(-11)}`,
          business_account_id: `1022${String(Date.now()).slice(-11)}`,
          webhook_verify_token: "lakeside-verify",
        },
      },
    });
    await tenant.as("admin")(200, "POST", "/inbox_members", { inbox_id: inbox.id, user_ids: [tenant.users.admin.id, tenant.users.agent.id] });
    // Meta's webhook, signed and posted by the local sink, with WhatsApp's timestamp two days ago.
    await callExpecting(200, "POST", "/dev/sinks/graph/whatsapp/inbound", {
      body: { from: customer, to: business, name: "Sheena Nelson", body: "Can I move my appointment?", timestamp: Math.floor(Date.now() / 1000) - 2 * DAY },
    });
    displayId = await conversationWithoutFreeReply(tenant, inbox.id);
    agent = await signIn(browser, tenant.users.agent);
  }, 60_000);

  afterAll(async () => {
    await agent?.context.close();
    await browser?.close();
  });

  it("says why only a template can be sent, links to the rule, and offers no free reply", async () => {
    const { page, pane } = await openConversation(agent, tenant, displayId, "Can I move my appointment?");
    await expect
      .poll(() => page.getByText(/You can only reply to this conversation using a template message due to the 24-hour message window/).isVisible(), WAIT)
      .toBe(true);
    const link = page.getByRole("link", { name: /WhatsApp's 24-hour customer service window/ });
    expect(await link.getAttribute("href")).toMatch(/^https:\/\/developers\.facebook\.com\//);
    expect(await pane.reply.count()).toBe(0);
    await checkScreen(page, "reply-window-banner");
  });

  it("keeps private notes possible outside the window", async () => {
    const { page } = agent;
    const pane = conversationPane(page);
    await pane.noteTab.click();
    await pane.note.fill("Offer Thursday when she answers");
    await pane.note.press("Enter");
    await pane.message("Offer Thursday when she answers").waitFor();
    await pane.replyTab.click();
    await page.getByRole("button", { name: "Send a template" }).waitFor();
  });

  it("sends a template chosen by keyboard, its variables filled by their labels, as the preview shows it", async () => {
    const { page } = agent;
    await page.getByRole("button", { name: "Send a template" }).click();
    const picker = page.getByRole("form", { name: "Send a WhatsApp template" });
    const template = picker.getByLabel("Template", { exact: true });
    await expect.poll(() => template.isEnabled(), WAIT).toBe(true);
    await expect.poll(() => template.evaluate((el) => el === document.activeElement), WAIT).toBe(true);
    await template.selectOption({ label: "appointment_reminder (en_US, UTILITY)" });
    const first = picker.getByLabel("Body variable 1");
    const second = picker.getByLabel("Body variable 2");
    expect(await first.getAttribute("aria-describedby")).toBeTruthy();
    await picker.getByText("Example: Ada").waitFor();
    await first.fill("Sheena");
    await second.focus();
    await page.keyboard.type("Thursday at 14:00");
    const preview = picker.getByRole("region", { name: "Preview" });
    await expect
      .poll(() => preview.textContent(), WAIT)
      .toContain("Hi Sheena, this is a reminder of your appointment on Thursday at 14:00. Reply to confirm or reschedule.");
    await checkScreen(page, "reply-window-template-picker");
    await picker.getByRole("button", { name: "Send template" }).press("Enter");
    const pane = conversationPane(page);
    await pane.message("Hi Sheena, this is a reminder of your appointment on Thursday at 14:00.").waitFor();
    await expect.poll(() => picker.count(), WAIT).toBe(0);
    // Focus is back on the button that opened the picker.
    await expect.poll(() => page.getByRole("button", { name: "Send a template" }).evaluate((el) => el === document.activeElement), WAIT).toBe(true);
    await checkScreen(page, "reply-window-template-sent");
    // The sink recorded Meta's template message, not a text.
    await expect
      .poll(async () => {
        const { messages } = await callExpecting<{ messages: { type: string; body: { template?: { name: string; components: unknown[] } } }[] }>(
          200,
          "GET",
          `/dev/sinks/graph/whatsapp/messages?to=${customer}`,
        );
        return messages[0]?.body.template?.name ?? null;
      }, WAIT)
      .toBe("appointment_reminder");
  });
});

describe("a Messenger conversation more than 7 days after the person wrote", () => {
  let browser: Browser;
  let tenant: ConsoleTenant;
  let agent: ConsolePage;
  let displayId = 0;
  const pageId = `1${String(Date.now()).slice(-12)}`;
  const psid = `25${String(Date.now()).slice(-12)}`;

  beforeAll(async () => {
    browser = await launchChromium(inject("chromium"));
    tenant = await consoleTenant({ name: "Harbor Dental", websiteUrl: "https://harbor-dental.example" });
    const inbox = await tenant.as("admin")<{ id: number }>(201, "POST", "/inboxes", {
      name: "Harbor Messenger",
      channel: { type: "facebook_page", page_id: pageId, page_access_token: `EAAB-e2e-${Date.now()}`, page_name: "Harbor Dental" },
    });
    await tenant.as("admin")(200, "POST", "/inbox_members", { inbox_id: inbox.id, user_ids: [tenant.users.admin.id, tenant.users.agent.id] });
    // The page's webhook, signed and posted by the local sink: a message Meta stamped 8 days ago.
    await callExpecting(200, "POST", "/dev/sinks/graph/meta/inbound", {
      body: {
        channel: "facebook_page",
        business_id: pageId,
        events: [
          {
            sender: { id: psid },
            recipient: { id: pageId },
            timestamp: Date.now() - 8 * DAY * 1000,
            message: { mid: `m_e2e${Date.now()}`, text: "Do you take new patients?" },
          },
        ],
      },
    });
    displayId = await conversationWithoutFreeReply(tenant, inbox.id);
    agent = await signIn(browser, tenant.users.agent);
  }, 60_000);

  afterAll(async () => {
    await agent?.context.close();
    await browser?.close();
  });

  it("says Meta allows no reply until the person writes again, with no template to send, and still takes a note", async () => {
    const { page, pane } = await openConversation(agent, tenant, displayId, "Do you take new patients?");
    await page.getByText(/Meta allows replies up to 7 days after the person's last message/).waitFor();
    await page.getByRole("link", { name: /Meta's messaging window and the human agent tag/ }).waitFor();
    expect(await page.getByRole("button", { name: "Send a template" }).count()).toBe(0);
    expect(await pane.reply.count()).toBe(0);
    await checkScreen(page, "reply-window-messenger");
    await pane.noteTab.click();
    await pane.note.fill("Call them instead");
    await pane.note.press("Enter");
    await pane.message("Call them instead").waitFor();
  });
});
