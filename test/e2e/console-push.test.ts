// Browser notifications in real Chromium: the profile's card tells a person, in words, whether this
// browser receives their notifications and why not.
//
// The test Chromium is a headless shell, which answers "denied" to every notification permission
// request, so it shows the blocked state: a subscribed browser and a displayed notification cannot be
// driven here (see the closing notes of issue 18). Parley's side of a push — VAPID-signed, encrypted
// for the browser's keys, an expired subscription removed — is proven in the Workers tests
// (notification-delivery.test.ts), which decrypt what the push service receives.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium } from "./browser";
import { type ConsolePage, type ConsoleTenant, checkScreen, consoleTenant, signIn } from "./console-fixtures";

describe("browser notifications", () => {
  let browser: Browser;
  let tenant: ConsoleTenant;
  let agent: ConsolePage;

  beforeAll(async () => {
    browser = await launchChromium(inject("chromium"));
    tenant = await consoleTenant({ name: "Harbor Clinic", websiteUrl: "https://harbor-clinic.example.test" });
    agent = await signIn(browser, tenant.users.agent);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("says in words when the browser blocks notifications, in a card a person reaches from the profile", async () => {
    const { page } = agent;
    await page.goto(`/app/accounts/${tenant.account.id}/profile`);
    const card = page.getByRole("region", { name: "Browser notifications" });
    const permission = await page.evaluate(() => Notification.permission);
    if (permission === "denied") {
      await card.getByText("Notifications are blocked for this site", { exact: false }).waitFor();
    } else {
      await card.getByRole("button", { name: "Turn on browser notifications" }).waitFor();
    }
    await card.scrollIntoViewIfNeeded();
    await checkScreen(page, "profile-browser-notifications");
    expect(agent.errors).toEqual([]);
  });
});
