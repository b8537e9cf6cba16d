// Settings > Webhooks in real Chromium: a delivery of the delivery log opens, from its row's button
// and by keyboard, a table of its attempts (when, the receiver's status or the error in words, how
// long). One webhook's receiver (the local sink asked to answer 503) fails every attempt, so its
// test ping is retried; another's takes the ping at once. Every screen is checked with axe-core.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium } from "./browser";
import { type ConsolePage, type ConsoleTenant, checkScreen, consoleTenant, docsScreenshot, signIn, WAIT } from "./console-fixtures";

/** Long enough for the queue's first retry of a webhook delivery (10 s after a failed attempt). */
const RETRIED = { timeout: 40_000, interval: 500 };

type Delivery = { id: number; event: string; status: string; attempts_count: number };

describe("Settings > Webhooks: a delivery's attempts", () => {
  let browser: Browser;
  let tenant: ConsoleTenant;
  let admin: ConsolePage;

  beforeAll(async () => {
    browser = await launchChromium(inject("chromium"));
    tenant = await consoleTenant({ name: "Harbor Bikes", websiteUrl: "https://harbor-bikes.example.test" });
    admin = await signIn(browser, tenant.users.admin, { viewport: { width: 1440, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** A webhook on the local sink (`?status=` makes the sink answer with that status) and its test ping's delivery id. */
  async function pingedWebhook(name: string, query = "") {
    const sink = `${inject("platformUrl")}/dev/sinks/webhooks/${name.toLowerCase().replaceAll(" ", "-")}-${Date.now().toString(36)}${query}`;
    const created = await tenant.as("admin")<{ payload: { webhook: { id: number } } }>(200, "POST", "/webhooks", {
      url: sink,
      name,
      subscriptions: ["conversation_created"],
    });
    const hook = created.payload.webhook;
    const ping = await tenant.as("admin")<{ payload: { delivery: { id: number } } }>(202, "POST", `/webhooks/${hook.id}/test`);
    return { id: hook.id, deliveryId: ping.payload.delivery.id };
  }

  const deliveryOf = async (webhookId: number, deliveryId: number) => {
    const log = await tenant.as("admin")<{ payload: Delivery[] }>(200, "GET", `/webhooks/${webhookId}/deliveries`);
    return log.payload.find((delivery) => delivery.id === deliveryId);
  };

  it("opens a retried delivery's attempts by keyboard, each with its HTTP status, the error in words and its duration", async () => {
    const { page, errors } = admin;
    const failing = await pingedWebhook("Failing CRM", "?status=503");
    const taking = await pingedWebhook("Harbor CRM");
    // The failing receiver's ping is retried by the queue: wait for its second attempt.
    await expect.poll(async () => (await deliveryOf(failing.id, failing.deliveryId))?.attempts_count, RETRIED).toBeGreaterThanOrEqual(2);
    await expect.poll(async () => (await deliveryOf(taking.id, taking.deliveryId))?.status, WAIT).toBe("delivered");

    await page.goto(`${inject("platformUrl")}/app/accounts/${tenant.account.id}/settings/chat_widgets`);
    await page.getByRole("link", { name: "Webhooks" }).click();
    await page.getByRole("heading", { name: "Webhooks", level: 1 }).waitFor();
    const failingRow = page.getByRole("row").filter({ hasText: "Failing CRM" });
    await failingRow.getByRole("button", { name: "Delivery log Failing CRM" }).click();
    const log = page.getByRole("dialog", { name: "Delivery log of Failing CRM" });
    const open = log.getByRole("button", { name: `Attempts Test ping delivery ${failing.deliveryId}` });
    await open.waitFor();
    await checkScreen(page, "webhook-attempts-log");
    await open.focus();
    await page.keyboard.press("Enter");

    const dialog = page.getByRole("dialog", { name: `Attempts of Test ping delivery ${failing.deliveryId}` });
    const table = dialog.getByRole("table", { name: "Attempts, oldest first" });
    await table.waitFor();
    expect(await table.getByRole("columnheader").allTextContents()).toEqual(["Attempt", "Started", "Status or error", "Duration", "Response"]);
    const first = table.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "1", exact: true }) });
    const second = table.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "2", exact: true }) });
    for (const attempt of [first, second]) {
      const text = await attempt.textContent();
      expect(text).toContain("HTTP 503");
      expect(text).toContain("The receiver answered HTTP 503.");
      expect(text).toMatch(/\d+ ms/);
      expect(text).toContain('"recorded":true');
    }
    await checkScreen(page, "webhook-attempts-retried");
    await docsScreenshot(page, "settings-webhook-attempts");

    // Escape closes the attempts and gives focus back to the button that opened them.
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    await expect.poll(() => open.evaluate((button) => button === document.activeElement), WAIT).toBe(true);
    await page.keyboard.press("Escape");
    await log.waitFor({ state: "detached" });

    // A receiver that took the ping at once: one attempt, HTTP 200, no error.
    const takingRow = page.getByRole("row").filter({ hasText: "Harbor CRM" });
    await takingRow.getByRole("button", { name: "Delivery log Harbor CRM" }).click();
    const takingLog = page.getByRole("dialog", { name: "Delivery log of Harbor CRM" });
    await takingLog.getByRole("button", { name: `Attempts Test ping delivery ${taking.deliveryId}` }).click();
    const once = page
      .getByRole("dialog", { name: `Attempts of Test ping delivery ${taking.deliveryId}` })
      .getByRole("table", { name: "Attempts, oldest first" });
    await once.waitFor();
    const rows = once.getByRole("row");
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(1).textContent()).toContain("HTTP 200");
    expect(await rows.nth(1).textContent()).not.toContain("answered");
    await checkScreen(page, "webhook-attempts-delivered");
    expect(errors).toEqual([]);
  }, 90_000);
});
