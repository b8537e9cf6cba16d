// Settings > Webhooks and Settings > Automation in real Chromium against the whole platform, as an
// administrator would use them: a webhook made on the screen to the local sink shows its secret once
// and logs the deliveries a visitor's message causes; a rule built in the builder ("message created,
// content contains refund → add label billing") labels the next visitor message's conversation.
// Every screen is checked with axe-core.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium } from "./browser";
import { type ConsolePage, type ConsoleTenant, checkScreen, consoleTenant, signIn, visitorConversation, WAIT } from "./console-fixtures";

/** Where the round's screenshots are looked at, besides test-results/console/. */
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

  const check = checkScreen;

  it("creates a webhook to the local sink, shows its secret once, logs the delivery of a visitor's message and a test ping, rotates, edits and deletes it", async () => {
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

    // A test ping lands in the log; rotating shows the new secret once; an edit keeps to the events chosen.
    await row.getByRole("button", { name: "Send test ping Lakeside CRM" }).click();
    const pinged = log.getByRole("row").filter({ hasText: "Test ping" }).filter({ hasText: "Delivered" });
    await expect
      .poll(async () => {
        await log.getByRole("button", { name: "Refresh" }).click();
        return pinged.count();
      }, SLOW)
      .toBe(1);
    await page.keyboard.press("Escape");
    await row.getByRole("button", { name: "Rotate secret Lakeside CRM" }).click();
    const rotated = await secretDialog.getByLabel("Secret").inputValue();
    expect(rotated).not.toBe(secret);
    await secretDialog.getByRole("button", { name: "I have copied it" }).click();
    await row.getByRole("button", { name: "Edit Lakeside CRM" }).click();
    const edit = page.getByRole("dialog", { name: "Edit Lakeside CRM" });
    await edit.getByLabel("Contact created").uncheck();
    await edit.getByRole("button", { name: "Save webhook" }).click();
    await expect.poll(() => row.textContent(), WAIT).not.toContain("Contact created");
    const hooks = await tenant.as("admin")<{ payload: { webhooks: { subscriptions: string[] }[] } }>(200, "GET", "/webhooks");
    expect(hooks.payload.webhooks[0]?.subscriptions.sort()).toEqual(["conversation_created", "message_created"]);
    await row.getByRole("button", { name: "Delete Lakeside CRM" }).click();
    const confirm = page.getByRole("dialog", { name: "Delete this webhook?" });
    await check(page, "automation-webhook-delete");
    await confirm.getByRole("button", { name: "Delete" }).click();
    await page.getByText("No webhooks yet.").waitFor();
    // The browser logs the refused create itself; nothing else went wrong.
    expect(errors.filter((error) => !error.includes("422"))).toEqual([]);
  });

  it("builds a rule in the builder that labels the conversation of the next visitor message about a refund, and lists its run", async () => {
    const { page, errors } = admin;
    await page.goto(`${inject("platformUrl")}/app/accounts/${tenant.account.id}/settings/chat_widgets`);
    await page.getByRole("link", { name: "Automation" }).click();
    await page.getByRole("heading", { name: "Automation", level: 1 }).waitFor();
    await page.getByText("No rules yet.").waitFor();
    await check(page, "automation-rules-empty");

    await tenant.as("admin")(200, "POST", "/custom_attribute_definitions", {
      attribute_display_name: "Plan",
      attribute_key: "plan",
      attribute_display_type: "list",
      attribute_model: "conversation_attribute",
      attribute_values: ["Gold", "Silver"],
    });
    await page.getByRole("button", { name: "Add rule" }).click();
    await page.getByRole("heading", { name: "New automation rule", level: 1 }).waitFor();
    // Saved as it starts (no name, an action without a label), the API's words show beside the field and the row.
    await page.getByRole("button", { name: "Save rule" }).click();
    await page.getByText("The rule is not saved: check the rows marked below.").waitFor();
    await expect.poll(() => page.getByLabel("Name", { exact: true }).getAttribute("aria-invalid"), WAIT).toBe("true");
    expect(await page.locator(".rule-row-errors").allTextContents()).toEqual([expect.stringContaining("Action 1")]);

    await page.getByLabel("Name", { exact: true }).fill("Refunds to billing");
    expect(await page.getByLabel("Event").inputValue()).toBe("message_created");
    expect(await page.getByLabel("Action 1", { exact: true }).inputValue()).toBe("add_label");
    await page.getByRole("checkbox", { name: "billing (Action 1 parameter)" }).check();
    await page.getByLabel("Condition 1 attribute").selectOption("content");
    await page.getByLabel("Condition 1 operator").selectOption("contains");
    // A condition without its value is refused on its own row.
    await page.getByRole("button", { name: "Save rule" }).click();
    await expect.poll(() => page.getByLabel("Condition 1 value").getAttribute("aria-invalid"), WAIT).toBe("true");
    expect(await page.locator(".rule-row-errors").allTextContents()).toEqual([expect.stringContaining("Condition 1")]);
    await check(page, "automation-builder-errors");
    await page.getByLabel("Condition 1 value").fill("refund");
    expect(await page.locator(".rule-row-errors").count()).toBe(0);
    expect(await page.getByText("The rule is not saved").count()).toBe(0);
    // A second condition joined by AND: only what visitors write.
    await page.getByRole("button", { name: "Add condition" }).click();
    await page.getByLabel("Condition 2 attribute").selectOption("message_type");
    await page.getByLabel("Condition 2 value").selectOption("incoming");
    expect(await page.getByLabel("Join condition 1 and condition 2").inputValue()).toBe("AND");
    // Custom attributes are offered with the operators their type allows and their list's values; this one is dropped again.
    await page.getByRole("button", { name: "Add condition" }).click();
    await page.getByLabel("Condition 3 attribute").selectOption({ label: "Plan (conversation)" });
    expect(await page.getByLabel("Condition 3 operator").locator("option").allTextContents()).toEqual([
      "Equal to",
      "Not equal to",
      "Is present",
      "Is not present",
    ]);
    expect(await page.getByLabel("Condition 3 value").locator("option").allTextContents()).toEqual(["Choose…", "Gold", "Silver"]);
    await page.getByRole("button", { name: "Remove condition 3" }).click();
    await check(page, "automation-builder");
    // On a phone-sized screen the rows wrap instead of leaving the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
    await check(page, "automation-builder-phone");
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByRole("button", { name: "Save rule" }).click();

    const row = page.getByRole("row").filter({ hasText: "Refunds to billing" });
    await expect.poll(() => row.textContent(), WAIT).toContain("Message created");
    expect(await row.getByRole("switch", { name: "Refunds to billing is active" }).isChecked()).toBe(true);
    await check(page, "automation-rules-list");

    // The next visitor message about a refund gets the label.
    const visit = await visitorConversation(tenant, { name: "Rob Visitor" }, ["Hi, I would like a refund for my cleaning"]);
    await expect
      .poll(async () => (await tenant.as("admin")<{ payload: string[] }>(200, "GET", `/conversations/${visit.id}/labels`)).payload, SLOW)
      .toContain("billing");

    await row.getByRole("button", { name: "Runs Refunds to billing" }).click();
    const runs = page.getByRole("dialog", { name: "Runs of Refunds to billing" });
    await expect
      .poll(async () => {
        await runs.getByRole("button", { name: "Refresh" }).click();
        return runs
          .getByRole("row")
          .filter({ hasText: `#${visit.id}` })
          .count();
      }, SLOW)
      .toBeGreaterThan(0);
    expect(
      await runs
        .getByRole("row")
        .filter({ hasText: `#${visit.id}` })
        .textContent(),
    ).toContain("Add labels: done");
    await check(page, "automation-rule-runs");
    await page.keyboard.press("Escape");

    // Editing opens the builder with the rule as saved.
    await row.getByRole("button", { name: "Edit Refunds to billing" }).click();
    await page.getByRole("heading", { name: "Edit Refunds to billing", level: 1 }).waitFor();
    expect(await page.getByLabel("Condition 1 value").inputValue()).toBe("refund");
    expect(await page.getByLabel("Condition 2 value").inputValue()).toBe("incoming");
    expect(await page.getByRole("checkbox", { name: "billing (Action 1 parameter)" }).isChecked()).toBe(true);
    await page.getByRole("button", { name: "Cancel" }).click();

    // Clone, pause the clone, delete it after confirming.
    await row.getByRole("button", { name: "Clone Refunds to billing" }).click();
    await expect.poll(() => page.getByRole("row").filter({ hasText: "Refunds to billing" }).count(), WAIT).toBe(2);
    const rules = await tenant.as("admin")<{ payload: { id: number; name: string; active: boolean }[] }>(200, "GET", "/automation_rules");
    expect(rules.payload.map((rule) => rule.name)).toEqual(["Refunds to billing", "Refunds to billing (copy)"]);
    const copy = page.getByRole("row").filter({ hasText: "Refunds to billing (copy)" });
    // By keyboard: the switch takes Space.
    await copy.getByRole("switch", { name: "Refunds to billing (copy) is active" }).focus();
    await page.keyboard.press("Space");
    await expect
      .poll(
        async () => (await tenant.as("admin")<{ payload: { active: boolean }[] }>(200, "GET", "/automation_rules")).payload.map((rule) => rule.active),
        WAIT,
      )
      .toEqual([true, false]);
    await copy.getByRole("button", { name: "Delete Refunds to billing (copy)" }).click();
    const confirm = page.getByRole("dialog", { name: "Delete this rule?" });
    await check(page, "automation-rule-delete");
    await confirm.getByRole("button", { name: "Delete" }).click();
    await expect.poll(() => page.getByRole("row").filter({ hasText: "Refunds to billing" }).count(), WAIT).toBe(1);
    expect(errors.filter((error) => !error.includes("422"))).toEqual([]);
  });
});
