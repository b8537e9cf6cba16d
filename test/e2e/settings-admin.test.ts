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

  it("refuses a text attribute's validation pattern that could run away, beside the pattern, and keeps a safe one", async () => {
    const { page, errors } = admin;
    await openSettings(page, "Custom attributes");
    await page.getByRole("button", { name: "Add attribute" }).click();
    const dialog = page.getByRole("dialog", { name: "Add attribute" });
    await dialog.getByRole("radio", { name: "Contact" }).check();
    await dialog.getByLabel("Display name").fill("Member number");
    const pattern = dialog.getByLabel("Validation pattern");
    await pattern.fill("^(\\d+)+$");
    await dialog.getByLabel("Message when a value does not match").fill("Two letters, a dash and four digits, as on the card.");
    await dialog.getByRole("button", { name: "Create attribute" }).click();
    await expect.poll(() => pattern.getAttribute("aria-invalid"), WAIT).toBe("true");
    expect(await descriptionOf(pattern)).toBe("A repeated group may not itself repeat or alternate, as in (a+)+ or (a|b)*.");
    await checkScreen(page, "settings-attributes-pattern-refused");
    await pattern.fill("^[A-Z]{2}-\\d{4}$");
    expect(await pattern.getAttribute("aria-invalid")).toBeNull();
    await dialog.getByRole("button", { name: "Create attribute" }).click();
    await dialog.waitFor({ state: "hidden" });
    await page.getByRole("row").filter({ hasText: "member_number" }).waitFor();
    const made = (
      await tenant.as("admin")<{ attribute_key: string; regex_pattern: string | null; regex_cue: string | null }[]>(200, "GET", "/custom_attribute_definitions")
    ).find((each) => each.attribute_key === "member_number");
    expect(made).toMatchObject({ regex_pattern: "^[A-Z]{2}-\\d{4}$", regex_cue: "Two letters, a dash and four digits, as on the card." });
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
    const [policy] = (
      await tenant.as("admin")<{
        payload: { first_response_time_threshold: number; resolution_time_threshold: number; only_during_business_hours: boolean }[];
      }>(200, "GET", "/sla_policies")
    ).payload;
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
    await expect
      .poll(async () => (await tenant.as("admin")<{ payload: { name: string }[] }>(200, "GET", "/sla_policies")).payload.map((each) => each.name), WAIT)
      .toEqual(["Urgent patients, faster"]);
    expect(refusals(errors)).toEqual([]);
  });

  it("builds a global macro whose refused action is said beneath its row, reorders its actions by keyboard, edits it into a personal one, and deletes it", async () => {
    const { page, errors } = admin;
    await openSettings(page, "Macros");
    await page.getByText("No macros yet.", { exact: false }).waitFor();

    await page.getByRole("button", { name: "Add macro" }).click();
    const builder = page.getByRole("form", { name: "New macro" });
    await builder.getByLabel("Name").fill("Billing follow-up");
    expect(await builder.getByRole("radio", { name: "Everyone in the sub-account" }).isChecked()).toBe(true);
    await builder.getByLabel("Action 1", { exact: true }).selectOption({ label: "Add labels" });
    await builder.getByRole("checkbox", { name: /^billing/ }).check();
    await builder.getByRole("button", { name: "Add action" }).click();
    await builder.getByLabel("Action 2", { exact: true }).selectOption({ label: "Send the transcript by email" });
    const emails = builder.getByLabel("Action 2 parameter");
    await emails.fill("the patient");
    await builder.getByRole("button", { name: "Add action" }).click();
    await builder.getByLabel("Action 3", { exact: true }).selectOption({ label: "Assign an agent" });
    await builder.getByLabel("Action 3 parameter").selectOption({ label: "Whoever runs the macro" });
    await builder.getByRole("button", { name: "Save macro" }).click();
    await expect.poll(() => emails.getAttribute("aria-invalid"), WAIT).toBe("true");
    expect(await descriptionOf(emails)).toContain("Expected email addresses separated by commas.");
    await builder.getByText("The macro is not saved: check the fields and rows marked below.").waitFor();
    await checkScreen(page, "settings-macros-refused");

    await emails.fill("billing@birch-street-dental.example.test");
    expect(await emails.getAttribute("aria-invalid")).toBeNull();
    // Move the assignment up by keyboard: focus follows the row.
    await builder.getByRole("button", { name: "Move action 3 up" }).focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => builder.getByLabel("Action 2", { exact: true }).inputValue(), WAIT).toBe("assign_agent");
    expect(await builder.getByRole("button", { name: "Move action 2 up" }).evaluate((element) => document.activeElement === element)).toBe(true);
    await page.getByRole("status").filter({ hasText: "Action 3 is now action 2." }).waitFor({ state: "attached" });
    await builder.getByRole("button", { name: "Save macro" }).click();
    await builder.waitFor({ state: "hidden" });
    const row = page.getByRole("row").filter({ hasText: "Billing follow-up" });
    await expect.poll(() => row.textContent(), WAIT).toContain("Global");
    expect(await row.getByRole("listitem").allTextContents()).toEqual(["Add labels", "Assign an agent", "Send the transcript by email"]);
    const [saved] = (await tenant.as("admin")<{ payload: { actions: { action_name: string; action_params: unknown[] }[] }[] }>(200, "GET", "/macros")).payload;
    expect(saved?.actions).toEqual([
      { action_name: "add_label", action_params: ["billing"] },
      { action_name: "assign_agent", action_params: ["self"] },
      { action_name: "send_email_transcript", action_params: ["billing@birch-street-dental.example.test"] },
    ]);
    await checkScreen(page, "settings-macros");

    await row.getByRole("button", { name: "Edit Billing follow-up" }).click();
    const edit = page.getByRole("form", { name: "Edit macro Billing follow-up" });
    await edit.getByRole("radio", { name: "Only me" }).check();
    await edit.getByRole("button", { name: "Remove action 3" }).click();
    await edit.getByRole("button", { name: "Add action" }).click();
    await edit.getByLabel("Action 3", { exact: true }).selectOption({ label: "Add a private note" });
    await edit.getByLabel("Action 3 parameter").fill("Invoice questions: check the insurer first.");
    // A file for send_attachment is uploaded as it is picked, and listed by name.
    await edit.getByRole("button", { name: "Add action" }).click();
    await edit.getByLabel("Action 4", { exact: true }).selectOption({ label: "Send files" });
    await edit
      .getByLabel("Action 4 parameter")
      .setInputFiles({ name: "payment-options.txt", mimeType: "text/plain", buffer: Buffer.from("Card, bank transfer or a payment plan.\n") });
    await edit.getByRole("list", { name: "Files of Action 4 parameter" }).getByText("payment-options.txt").waitFor();
    await checkScreen(page, "settings-macros-edit");
    await edit.getByRole("button", { name: "Save macro" }).click();
    await edit.waitFor({ state: "hidden" });
    await expect.poll(() => row.textContent(), WAIT).toContain("Personal");
    expect(await row.getByRole("listitem").allTextContents()).toEqual(["Add labels", "Assign an agent", "Add a private note", "Send files"]);
    const [edited] = (await tenant.as("admin")<{ payload: { actions: { action_name: string; action_params: unknown[] }[] }[] }>(200, "GET", "/macros")).payload;
    expect(edited?.actions[3]).toEqual({ action_name: "send_attachment", action_params: [expect.any(Number)] });

    await row.getByRole("button", { name: "Delete Billing follow-up" }).click();
    await page.getByRole("dialog", { name: "Delete this macro?" }).getByRole("button", { name: "Delete Billing follow-up" }).click();
    await expect.poll(() => row.count(), WAIT).toBe(0);
    expect((await tenant.as("admin")<{ payload: unknown[] }>(200, "GET", "/macros")).payload).toEqual([]);
    expect(refusals(errors)).toEqual([]);
  });

  it("filters the audit log by action, kind, person and days, says a backwards range beside the To field, and pages it", async () => {
    const { page, errors } = admin;
    const [billing] = (await tenant.as("admin")<{ payload: { id: number; title: string }[] }>(200, "GET", "/labels")).payload.filter(
      (label) => label.title === "billing",
    );
    await tenant.as("admin")(200, "PATCH", `/labels/${billing?.id}`, { color: "#2563eb" });
    await tenant.as("agent")(200, "POST", "/macros", {
      name: "Agent's own",
      visibility: "personal",
      actions: [{ action_name: "resolve_conversation", action_params: [] }],
    });
    // Enough entries for a second page of 25.
    await Promise.all(Array.from({ length: 26 }, (_, index) => tenant.as("admin")(200, "POST", "/labels", { title: `audit-${index}` })));

    await openSettings(page, "Audit log");
    const log = page.getByRole("table", { name: "Audit log" });
    await log.getByRole("row").filter({ hasText: "Created a label" }).first().waitFor();
    const pager = page.getByRole("navigation", { name: "Audit log pages" });
    expect(await pager.textContent()).toMatch(/Page 1 of [2-9]/);
    await pager.getByRole("button", { name: "Next page" }).click();
    await expect.poll(() => pager.textContent(), WAIT).toContain("Page 2 of");
    expect(new URL(page.url()).searchParams.get("page")).toBe("2");

    const filters = page.getByRole("form", { name: "Filter the audit log" });
    await filters.getByLabel("Action").selectOption({ label: "Updated" });
    await filters.getByLabel("Kind of object").selectOption({ label: "Labels" });
    await filters.getByRole("button", { name: "Apply filters" }).click();
    await expect.poll(async () => (await log.getByRole("row").allTextContents()).length, WAIT).toBe(2);
    const updated = log.getByRole("row").filter({ hasText: "Updated a label" });
    expect(await updated.textContent()).toContain("color: from #b45309 to #2563eb");
    expect(await updated.textContent()).toContain(tenant.users.admin.name);
    expect(new URL(page.url()).searchParams.get("action")).toBe("update");
    await checkScreen(page, "settings-audit-log");

    await filters.getByLabel("Action").selectOption({ label: "All actions" });
    await filters.getByLabel("Kind of object").selectOption({ label: "All kinds" });
    await filters.getByLabel("Changed by").selectOption({ label: tenant.users.agent.name });
    await filters.getByRole("button", { name: "Apply filters" }).click();
    await expect.poll(async () => (await log.getByRole("row").allTextContents()).slice(1), WAIT).toEqual([expect.stringContaining("Created a macro")]);

    // Today's entries are in today's range; a range that ends before it starts is refused beside To.
    const today = await page.evaluate(() => new Date().toLocaleDateString("en-CA"));
    const tomorrow = await page.evaluate(() => new Date(Date.now() + 86_400_000).toLocaleDateString("en-CA"));
    await filters.getByLabel("From").fill(today);
    await filters.getByLabel("To").fill(today);
    await filters.getByRole("button", { name: "Apply filters" }).click();
    await expect.poll(async () => (await log.getByRole("row").allTextContents()).length, WAIT).toBe(2);
    expect(new URL(page.url()).searchParams.get("to")).toBe(today);
    await filters.getByLabel("From").fill(tomorrow);
    await filters.getByLabel("To").fill(today);
    await filters.getByRole("button", { name: "Apply filters" }).click();
    const to = filters.getByLabel("To");
    await expect.poll(() => to.getAttribute("aria-invalid"), WAIT).toBe("true");
    expect(await descriptionOf(to)).toBe("must be after the start of the range");
    await checkScreen(page, "settings-audit-log-refused");

    await filters.getByRole("button", { name: "Clear filters" }).click();
    await expect.poll(() => new URL(page.url()).search, WAIT).toBe("");
    await log.getByRole("row").filter({ hasText: "Created a label" }).first().waitFor();
    expect(refusals(errors)).toEqual([]);
  });

  it("lets an agent keep their own notification settings in their profile", async () => {
    const agent = await signIn(browser, tenant.users.agent);
    const { page, errors } = agent;
    await page.goto(`/app/accounts/${tenant.account.id}/profile`);
    const card = page.getByRole("region", { name: "Notifications" });
    const assignedByEmail = card.getByRole("checkbox", { name: "Email me when a conversation is assigned to me" });
    const newByPush = card.getByRole("checkbox", { name: "Push notification when a new conversation is created" });
    await assignedByEmail.waitFor();
    // Chatwoot's defaults: no email, push for all but new conversations.
    expect(await assignedByEmail.isChecked()).toBe(false);
    expect(await newByPush.isChecked()).toBe(false);
    expect(await card.getByRole("checkbox", { name: "Push notification when a conversation is assigned to me" }).isChecked()).toBe(true);
    await assignedByEmail.check();
    await newByPush.press("Space");
    await card.getByRole("button", { name: "Save notification settings" }).click();
    await card.getByText("Notification settings saved.").waitFor();
    await checkScreen(page, "profile-notifications");
    const saved = await tenant.as("agent")<{ selected_email_flags: string[]; selected_push_flags: string[] }>(200, "GET", "/notification_settings");
    expect(saved.selected_email_flags).toEqual(["email_conversation_assignment"]);
    expect(saved.selected_push_flags).toContain("push_conversation_creation");

    await page.reload();
    await expect.poll(() => card.getByRole("checkbox", { name: "Email me when a conversation is assigned to me" }).isChecked(), WAIT).toBe(true);
    // The administrator's own settings are untouched.
    const admins = await tenant.as("admin")<{ selected_email_flags: string[] }>(200, "GET", "/notification_settings");
    expect(admins.selected_email_flags).toEqual([]);
    expect(errors).toEqual([]);
    await agent.context.close();
  });

  it("keeps the administration screens from agents", async () => {
    const agent = await signIn(browser, tenant.users.agent);
    for (const screen of ["custom_attributes", "macros", "sla_policies", "audit_log"]) {
      await agent.page.goto(`/app/accounts/${tenant.account.id}/settings/${screen}`);
      await agent.page.getByRole("heading", { name: "Settings are for administrators" }).waitFor();
    }
    await agent.context.close();
  });
});
