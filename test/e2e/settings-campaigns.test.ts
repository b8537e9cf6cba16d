// Settings > Ongoing campaigns and SMS campaigns in real Chromium against the whole platform, as a
// sub-account's administrator uses them: an ongoing campaign is refused a pattern beside its field, the
// URL pattern tester answers yes and no for page addresses, the campaign is created, edited and deleted;
// an SMS campaign is scheduled in the sub-account's time zone (a past time refused beside its field),
// and after a campaign ran against the local SMS sink its recipients' report says who was sent to, who
// failed and who was skipped for having answered STOP, and why. Each state is checked with axe-core and
// photographed; UPDATE_DOCS_SCREENSHOTS=1 also writes the tester and the report into docs/screenshots.
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium } from "./browser";
import { type ConsolePage, type ConsoleTenant, checkScreen, consoleTenant, docsScreenshot, signIn, WAIT } from "./console-fixtures";

type Campaign = { id: number; title: string; enabled: boolean; status?: string; trigger_rules: { url?: string; time_on_page?: number } };

const SITE = "https://lakeside-dental.example.test";
const TIME_ZONE = "Europe/Berlin";

/** The words a field's aria-describedby points at: its refusal or its hint. */
const descriptionOf = (field: Locator) =>
  field.evaluate((element) =>
    (element.getAttribute("aria-describedby") ?? "")
      .split(/\s+/)
      .filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent ?? "")
      .join(" "),
  );

/** Failed requests the browser logs because a test asked for a refusal on purpose. */
const refusals = (errors: string[]) => errors.filter((error) => !/status of 422 /.test(error));

let phones = 0;
const phone = () => `+1555${String(Date.now() % 100_000).padStart(5, "0")}${String(++phones).padStart(3, "0")}`;

describe("Settings > Campaigns", () => {
  let browser: Browser;
  let tenant: ConsoleTenant;
  let admin: ConsolePage;
  let smsInbox: { id: number; name: string; phone_number: string };

  beforeAll(async () => {
    browser = await launchChromium(inject("chromium"));
    tenant = await consoleTenant({
      name: "Lakeside Dental",
      websiteUrl: SITE,
      labels: [
        { title: "recall", color: "#0f766e", description: "Due for a check-up" },
        { title: "orthodontics", color: "#7c3aed" },
      ],
    });
    await tenant.as("admin")(200, "PATCH", "", { timezone: TIME_ZONE });
    smsInbox = await tenant.as("admin")(201, "POST", "/inboxes", {
      name: "Lakeside texts",
      channel: {
        type: "sms",
        phone_number: phone(),
        provider_config: {
          account_sid: "AC0123456789abcdef0123456789abcdef",
          auth_token: "lakeside-sms-token",
          api_base_url: `${inject("platformUrl")}/dev/sinks/sms`,
        },
      },
    });
    admin = await signIn(browser, tenant.users.admin);
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function openScreen(page: Page, name: "Ongoing campaigns" | "SMS campaigns") {
    await page.goto(`/app/accounts/${tenant.account.id}/settings/campaigns/${name === "SMS campaigns" ? "one_off" : "ongoing"}`);
    await page.getByRole("heading", { name, level: 1 }).waitFor();
  }

  it("refuses a pattern beside its field, tests page addresses with the server's matching, and creates, edits and deletes an ongoing campaign", async () => {
    const { page, errors } = admin;
    await openScreen(page, "Ongoing campaigns");
    await page.getByText("No ongoing campaigns yet.").waitFor();
    await page.getByRole("button", { name: "Add ongoing campaign" }).click();
    const dialog = page.getByRole("dialog", { name: "Add ongoing campaign" });
    await dialog.getByLabel("Title").fill("Pricing help");
    await dialog.getByLabel("Message").fill("Questions about our plans? Ask us here.");
    expect(await dialog.getByLabel("Inbox", { exact: true }).inputValue()).toBe(String(tenant.inbox.id));
    const pattern = dialog.getByLabel("URL pattern");
    await pattern.fill(`${SITE}/(\\d+)`);
    await dialog.getByRole("button", { name: "Create campaign" }).click();
    await expect.poll(() => pattern.getAttribute("aria-invalid"), WAIT).toBe("true");
    expect(await descriptionOf(pattern)).toContain("Expected an http(s) URL");
    await check(page, "settings-campaigns-ongoing-refused");

    await pattern.fill("https://{*.}?lakeside-dental.example.test/pricing/*");
    const address = dialog.getByLabel("Page address");
    const answer = dialog.getByRole("status");
    await address.fill("https://book.lakeside-dental.example.test/pricing/family");
    await dialog.getByRole("button", { name: "Test", exact: true }).click();
    await expect.poll(() => answer.textContent(), WAIT).toBe("Runs on https://book.lakeside-dental.example.test/pricing/family");
    expect(await pattern.getAttribute("aria-invalid")).toBeNull();
    await check(page, "settings-campaigns-ongoing-tester-yes");
    await docsScreenshot(page, "settings-campaigns-url-tester");
    await address.fill(`${SITE}/blog/whitening`);
    await address.press("Enter");
    await expect.poll(() => answer.textContent(), WAIT).toBe(`Does not run on ${SITE}/blog/whitening`);
    // Enter in the tester tests the address; the campaign is not submitted.
    expect(await dialog.isVisible()).toBe(true);
    await check(page, "settings-campaigns-ongoing-tester-no");

    await dialog.getByLabel("Seconds on the page").fill("20");
    await dialog.getByLabel("Sent by").selectOption({ label: tenant.users.agent.name });
    await dialog.getByRole("button", { name: "Create campaign" }).click();
    await dialog.waitFor({ state: "hidden" });
    const row = page.getByRole("table", { name: "Ongoing campaigns" }).getByRole("row").filter({ hasText: "Pricing help" });
    await expect.poll(() => row.textContent(), WAIT).toContain("20 seconds");
    expect(await row.textContent()).toContain("Enabled");
    await check(page, "settings-campaigns-ongoing");

    await row.getByRole("button", { name: "Edit Pricing help" }).click();
    const edit = page.getByRole("dialog", { name: "Edit campaign Pricing help" });
    await edit.getByLabel("Enabled").uncheck();
    await edit.getByLabel("Seconds on the page").fill("45");
    await edit.getByRole("button", { name: "Save campaign" }).click();
    await edit.waitFor({ state: "hidden" });
    await expect.poll(() => row.textContent(), WAIT).toContain("Disabled");
    const [saved] = await tenant.as("admin")<Campaign[]>(200, "GET", "/campaigns");
    expect(saved).toMatchObject({
      title: "Pricing help",
      enabled: false,
      trigger_rules: { url: "https://{*.}?lakeside-dental.example.test/pricing/*", time_on_page: 45 },
    });

    await row.getByRole("button", { name: "Delete Pricing help" }).click();
    const confirm = page.getByRole("dialog", { name: "Delete this campaign?" });
    await expect.poll(() => confirm.getByRole("button", { name: "Cancel" }).evaluate((element) => document.activeElement === element), WAIT).toBe(true);
    await confirm.getByRole("button", { name: "Delete Pricing help" }).click();
    await expect.poll(() => row.count(), WAIT).toBe(0);
    expect(await tenant.as("admin")<Campaign[]>(200, "GET", "/campaigns")).toEqual([]);
    expect(refusals(errors)).toEqual([]);
  });

  it("schedules an SMS campaign in the sub-account's time zone after refusing a time that has passed beside its field, edits and deletes it", async () => {
    const { page, errors } = admin;
    await openScreen(page, "SMS campaigns");
    await page.getByRole("button", { name: "Add SMS campaign" }).click();
    const dialog = page.getByRole("dialog", { name: "Add SMS campaign" });
    await dialog.getByLabel("Title").fill("Spring recall");
    await dialog.getByLabel("recall").check();
    await dialog.getByLabel("Message").fill("Hi {{ contact.first_name }}, time for your check-up: reply to book.");
    const when = dialog.getByLabel("Send at");
    expect(await descriptionOf(when)).toBe(`In the sub-account's time zone, ${TIME_ZONE}.`);
    await when.fill("2020-03-02T09:30");
    await dialog.getByRole("button", { name: "Schedule campaign" }).click();
    await expect.poll(() => when.getAttribute("aria-invalid"), WAIT).toBe("true");
    expect(await descriptionOf(when)).toBe("Expected a time in the future.");
    await check(page, "settings-campaigns-sms-refused");

    const nextYear = new Date().getUTCFullYear() + 1;
    await when.fill(`${nextYear}-03-02T09:30`);
    await dialog.getByRole("button", { name: "Schedule campaign" }).click();
    await dialog.waitFor({ state: "hidden" });
    const row = page.getByRole("table", { name: "SMS campaigns" }).getByRole("row").filter({ hasText: "Spring recall" });
    await expect.poll(() => row.textContent(), WAIT).toContain("Scheduled");
    expect(await row.textContent()).toContain("recall");
    const [campaign] = await tenant.as("admin")<(Campaign & { scheduled_at: number })[]>(200, "GET", "/campaigns");
    // 09:30 in Berlin in March (UTC+1) is 08:30 UTC, whatever zone the browser is in (New York here).
    expect(campaign?.scheduled_at).toBe(Date.UTC(nextYear, 2, 2, 8, 30) / 1000);
    await check(page, "settings-campaigns-sms");

    await row.getByRole("button", { name: "Edit Spring recall" }).click();
    const edit = page.getByRole("dialog", { name: "Edit campaign Spring recall" });
    expect(await edit.getByLabel("Send at").inputValue()).toBe(`${nextYear}-03-02T09:30`);
    await edit.getByLabel("Send at").fill(`${nextYear}-04-06T10:15`);
    await edit.getByLabel("orthodontics").check();
    await edit.getByRole("button", { name: "Save campaign" }).click();
    await edit.waitFor({ state: "hidden" });
    await expect.poll(() => row.textContent(), WAIT).toContain("recall, orthodontics");
    const [edited] = await tenant.as("admin")<(Campaign & { scheduled_at: number })[]>(200, "GET", "/campaigns");
    // April is summer time in Berlin (UTC+2).
    expect(edited?.scheduled_at).toBe(Date.UTC(nextYear, 3, 6, 8, 15) / 1000);

    await row.getByRole("button", { name: "Delete Spring recall" }).click();
    await page.getByRole("dialog", { name: "Delete this campaign?" }).getByRole("button", { name: "Delete Spring recall" }).click();
    await expect.poll(() => row.count(), WAIT).toBe(0);
    expect(await tenant.as("admin")<Campaign[]>(200, "GET", "/campaigns")).toEqual([]);
    expect(refusals(errors)).toEqual([]);
  });

  it("reports, once the campaign ran against the local SMS sink, who was sent to, who failed and who was skipped for answering STOP", async () => {
    const { page, errors } = admin;
    const contact = async (name: string, customAttributes: Record<string, string> = {}) => {
      const made = await tenant.as("admin")<{ payload: { contact: { id: number; phone_number: string } } }>(201, "POST", "/contacts", {
        name,
        phone_number: phone(),
        custom_attributes: customAttributes,
      });
      await tenant.as("admin")(200, "POST", `/contacts/${made.payload.contact.id}/labels`, { labels: ["orthodontics"] });
      return made.payload.contact;
    };
    const [ruth, omar, stopped] = [
      await contact("Ruth Reyes", { clinic: "North" }),
      await contact("Omar Diallo"),
      await contact("Sven Stop", { clinic: "South" }),
    ];
    const stop = await fetch(`${inject("platformUrl")}/dev/sinks/sms/inbound`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ from: stopped.phone_number, to: smsInbox.phone_number, body: "STOP" }),
    });
    expect(stop.status).toBe(200);
    // Omar has no clinic, so the message renders empty for him: a failure with its reason.
    const campaign = await tenant.as("admin")<Campaign>(201, "POST", "/campaigns", {
      title: "Braces check",
      inbox_id: smsInbox.id,
      audience: [
        {
          type: "Label",
          id: (await tenant.as("admin")<{ payload: { id: number; title: string }[] }>(200, "GET", "/labels")).payload.find((l) => l.title === "orthodontics")
            ?.id,
        },
      ],
      message: "{{ contact.custom_attribute.clinic }}",
      scheduled_at: Math.floor(Date.now() / 1000) + 2,
    });
    // The Cron Trigger starts due campaigns: fire it, as Cloudflare would each minute, until this one has run.
    await expect
      .poll(
        async () => {
          await fetch(`${inject("platformUrl")}/cdn-cgi/local/scheduled?cron=${encodeURIComponent("* * * * *")}`);
          return (await tenant.as("admin")<Campaign>(200, "GET", `/campaigns/${campaign.id}`)).status;
        },
        { timeout: 20_000, interval: 500 },
      )
      .toBe("completed");

    await openScreen(page, "SMS campaigns");
    const row = page.getByRole("table", { name: "SMS campaigns" }).getByRole("row").filter({ hasText: "Braces check" });
    await expect.poll(() => row.textContent(), WAIT).toContain("Completed");
    await row.getByRole("button", { name: "Report Braces check" }).click();
    const report = page.getByRole("dialog", { name: "Report: Braces check" });
    await expect.poll(() => report.locator(".report-summary").textContent(), WAIT).toBe("1 sent, 1 failed, 1 skipped, 0 waiting");
    const recipients = report.getByRole("table", { name: "Recipients" });
    const recipient = (id: number) => recipients.getByRole("row").filter({ hasText: `Contact ${id}` });
    expect(await recipient(ruth.id).textContent()).toContain("Sent");
    expect(await recipient(omar.id).textContent()).toContain("The message is empty for this contact.");
    expect(await recipient(stopped.id).textContent()).toContain("Skipped");
    expect(await recipient(stopped.id).textContent()).toContain("opted out");
    await check(page, "settings-campaigns-sms-report");
    await docsScreenshot(page, "settings-campaigns-sms-report");

    await report.getByLabel("Show").selectOption({ label: "Skipped" });
    await expect.poll(() => recipients.getByRole("row").count(), WAIT).toBe(2);
    expect(await recipient(stopped.id).count()).toBe(1);
    const sent = await (await fetch(`${inject("platformUrl")}/dev/sinks/sms/messages?to=${encodeURIComponent(ruth.phone_number)}`)).json();
    expect(JSON.stringify(sent)).toContain("North");
    expect(refusals(errors)).toEqual([]);
  });

  const check = checkScreen;
});
