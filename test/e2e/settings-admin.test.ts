// The sub-account's administration screens in real Chromium against the whole platform, as an
// administrator uses them: custom attributes, macros, SLA policies and the audit log under Settings,
// and the notification settings every agent has in their profile. Each screen creates, edits and
// deletes through its dialogs, shows one of the API's refusals beside the field it concerns, and is
// checked with axe-core and photographed.
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium } from "./browser";
import { type ConsolePage, type ConsoleTenant, checkScreen, consoleTenant, signIn, WAIT } from "./console-fixtures";

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
const refusals = (errors: string[]) => errors.filter((error) => !/status of (400|409|422) /.test(error));

describe("the sub-account's administration screens", () => {
  let browser: Browser;
  let tenant: ConsoleTenant;
  let admin: ConsolePage;

  beforeAll(async () => {
    browser = await launchChromium(inject("chromium"));
    tenant = await consoleTenant({
      name: "Birch Street Dental",
      websiteUrl: "https://birch-street-dental.example.test",
      labels: [{ title: "billing", color: "#b45309" }],
    });
    admin = await signIn(browser, tenant.users.admin, { viewport: { width: 1280, height: 800 } });
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** Opens a settings screen from the settings navigation. */
  async function openSettings(page: Page, screen: string) {
    await page.getByRole("link", { name: "Sites > Chat Widgets" }).click();
    await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: screen, exact: true }).click();
    await page.getByRole("heading", { name: screen, level: 1 }).waitFor();
  }

  it("defines a list attribute after showing the missing values beside their field, edits it, and deletes it after a confirmation", async () => {
    const { page, errors } = admin;
    await tenant.as("admin")(200, "POST", "/custom_attribute_definitions", {
      attribute_display_name: "Insurer",
      attribute_key: "insurer",
      attribute_display_type: "text",
      attribute_model: "contact_attribute",
    });
    await openSettings(page, "Custom attributes");
    await page.getByRole("row").filter({ hasText: "Insurer" }).waitFor();

    await page.getByRole("button", { name: "Add attribute" }).click();
    const dialog = page.getByRole("dialog", { name: "Add attribute" });
    expect(await dialog.getByRole("radio", { name: "Conversation" }).isChecked()).toBe(true);
    await dialog.getByLabel("Display name").fill("Visit reason");
    // The key follows the display name until it is typed.
    expect(await dialog.getByLabel("Key").inputValue()).toBe("visit_reason");
    await dialog.getByLabel("Type").selectOption({ label: "List" });
    await dialog.getByLabel("Description").fill("Why the patient is coming in");
    await dialog.getByRole("button", { name: "Create attribute" }).click();
    const values = dialog.getByLabel("Values");
    await expect.poll(() => values.getAttribute("aria-invalid"), WAIT).toBe("true");
    expect(await descriptionOf(values)).toBe("A list attribute needs at least one value.");
    await checkScreen(page, "settings-attributes-refused");

    await values.fill("Check-up\nCleaning\nToothache");
    await dialog.getByRole("button", { name: "Create attribute" }).click();
    await dialog.waitFor({ state: "hidden" });
    const row = page.getByRole("row").filter({ hasText: "visit_reason" });
    await expect.poll(() => row.textContent(), WAIT).toContain("List (3 values)");
    expect(await row.textContent()).toContain("Conversation");
    await checkScreen(page, "settings-attributes");

    await row.getByRole("button", { name: "Edit Visit reason" }).click();
    const edit = page.getByRole("dialog", { name: "Edit attribute Visit reason" });
    // What it applies to and its key are fixed once made.
    expect(await edit.getByRole("radio", { name: "Conversation" }).isDisabled()).toBe(true);
    expect(await edit.getByLabel("Key").getAttribute("readonly")).not.toBeNull();
    await edit.getByLabel("Display name").fill("Reason for the visit");
    await edit.getByLabel("Values").fill("Check-up\nCleaning\nToothache\nBraces");
    await edit.getByRole("button", { name: "Save attribute" }).click();
    await edit.waitFor({ state: "hidden" });
    await expect.poll(() => row.textContent(), WAIT).toContain("Reason for the visit");
    expect(await row.textContent()).toContain("List (4 values)");

    // The filter shows one kind of attribute.
    await page.getByLabel("Show").selectOption({ label: "Contact" });
    await expect.poll(() => row.count(), WAIT).toBe(0);
    expect(await page.getByRole("row").filter({ hasText: "Insurer" }).count()).toBe(1);
    await page.getByLabel("Show").selectOption({ label: "All attributes" });

    await row.getByRole("button", { name: "Delete Reason for the visit" }).click();
    const confirm = page.getByRole("dialog", { name: "Delete this attribute?" });
    await expect.poll(() => confirm.getByRole("button", { name: "Cancel" }).evaluate((element) => document.activeElement === element), WAIT).toBe(true);
    await confirm.getByRole("button", { name: "Delete Reason for the visit" }).click();
    await expect.poll(() => row.count(), WAIT).toBe(0);
    const left = await tenant.as("admin")<{ attribute_key: string }[]>(200, "GET", "/custom_attribute_definitions");
    expect(left.map((definition) => definition.attribute_key)).toEqual(["insurer"]);
    expect(refusals(errors)).toEqual([]);
  });

  it("creates an SLA policy after showing the missing target beside its field and a taken name beside the name, duplicates it into a new one, and deletes it", async () => {
    const { page, errors } = admin;
    await openSettings(page, "SLA policies");
    await page.getByText("No SLA policies yet.").waitFor();

    await page.getByRole("button", { name: "Add SLA policy" }).click();
    const dialog = page.getByRole("dialog", { name: "Add SLA policy" });
    await dialog.getByLabel("Name").fill("Urgent patients");
    await dialog.getByRole("button", { name: "Create SLA policy" }).click();
    const first = dialog.getByLabel("First response within", { exact: true });
    await expect.poll(() => first.getAttribute("aria-invalid"), WAIT).toBe("true");
    expect(await descriptionOf(first)).toBe("Set at least one threshold.");
    await checkScreen(page, "settings-sla-refused");

    await first.fill("15");
    await dialog.getByLabel("Resolution within", { exact: true }).fill("2");
    await dialog.getByLabel("Unit of Resolution within").selectOption("days");
    await dialog.getByLabel("Count business hours only").check();
    await dialog.getByRole("button", { name: "Create SLA policy" }).click();
    await dialog.waitFor({ state: "hidden" });
    const row = page.getByRole("row").filter({ hasText: "Urgent patients" });
    await expect.poll(() => row.textContent(), WAIT).toContain("15 minutes");
    expect(await row.textContent()).toContain("2 days");
    expect(await row.textContent()).toContain("Business hours only");
    const [policy] = (await tenant.as("admin")<{ payload: { first_response_time_threshold: number; resolution_time_threshold: number; only_during_business_hours: boolean }[] }>(200, "GET", "/sla_policies")).payload;
    expect(policy).toMatchObject({ first_response_time_threshold: 900, resolution_time_threshold: 172_800, only_during_business_hours: true });
    await checkScreen(page, "settings-sla");

    // A policy never changes: Duplicate starts a new one from its targets; the same name is refused beside the name.
    await row.getByRole("button", { name: "Duplicate Urgent patients" }).click();
    const copy = page.getByRole("dialog", { name: "Add SLA policy" });
    expect(await copy.getByLabel("Resolution within", { exact: true }).inputValue()).toBe("2");
    const name = copy.getByLabel("Name");
    await name.fill("Urgent patients");
    await copy.getByRole("button", { name: "Create SLA policy" }).click();
    await expect.poll(() => name.getAttribute("aria-invalid"), WAIT).toBe("true");
    expect(await descriptionOf(name)).toBe("An SLA policy with this name exists.");
    await name.fill("Urgent patients, faster");
    await copy.getByLabel("First response within", { exact: true }).fill("5");
    await copy.getByRole("button", { name: "Create SLA policy" }).click();
    await copy.waitFor({ state: "hidden" });
    await expect.poll(() => page.getByRole("row").filter({ hasText: "Urgent patients, faster" }).textContent(), WAIT).toContain("5 minutes");

    await row.first().getByRole("button", { name: "Delete Urgent patients" }).first().click();
    await page.getByRole("dialog", { name: "Delete this SLA policy?" }).getByRole("button", { name: "Delete Urgent patients" }).click();
    await expect.poll(async () => (await tenant.as("admin")<{ payload: { name: string }[] }>(200, "GET", "/sla_policies")).payload.map((each) => each.name), WAIT).toEqual(["Urgent patients, faster"]);
    expect(refusals(errors)).toEqual([]);
  });
});
