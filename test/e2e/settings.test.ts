// The sub-account's settings screens in real Chromium against the whole platform, as an administrator
// uses them (Agents has its own, settings-agents.test.ts): Labels creates, edits and deletes a label through its dialogs, showing the API's refusal
// beside the field it concerns, Canned responses does the same with search and template variables,
// Teams with the members picked from the sub-account's agents, and Inboxes with greeting, working
// hours, identity verification and members.
// Each screen is checked with axe-core and photographed.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium } from "./browser";
import { type ConsolePage, type ConsoleTenant, checkScreen, consoleTenant, signIn, WAIT } from "./console-fixtures";

/** Where the round's screenshots are looked at, besides test-results/console/. */

describe("the sub-account's settings", () => {
  let browser: Browser;
  let tenant: ConsoleTenant;
  let admin: ConsolePage;

  beforeAll(async () => {
    browser = await launchChromium(inject("chromium"));
    tenant = await consoleTenant({
      name: "Lakeside Dental",
      websiteUrl: "https://lakeside-dental.example.test",
      labels: [{ title: "billing", color: "#b45309", description: "Invoices and payments" }],
      cannedResponses: [{ short_code: "hours", content: "We are open 8 to 6, Monday to Friday." }],
    });
    admin = await signIn(browser, tenant.users.admin, { viewport: { width: 1280, height: 800 } });
  });

  afterAll(async () => {
    await browser?.close();
  });

  const check = checkScreen;

  /** Opens a settings screen from the settings navigation. */
  async function openSettings(page: Page, screen: string) {
    await page.getByRole("link", { name: "Sites > Chat Widgets" }).click();
    await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: screen, exact: true }).click();
    await page.getByRole("heading", { name: screen, level: 1 }).waitFor();
  }

  it("creates a label after showing the API's refusal beside its title, edits it, and deletes it after a confirmation", async () => {
    const { page, errors } = admin;
    await openSettings(page, "Labels");
    await page.getByRole("row").filter({ hasText: "billing" }).waitFor();

    await page.getByRole("button", { name: "Add label" }).click();
    const dialog = page.getByRole("dialog", { name: "Add label" });
    const title = dialog.getByLabel("Title");
    // The dialog takes focus on its first field.
    expect(await title.evaluate((element) => document.activeElement === element)).toBe(true);
    await title.fill("follow up!");
    await dialog.getByLabel("Description").fill("Call the patient back");
    await dialog.getByRole("button", { name: "Create label" }).click();
    await expect.poll(() => title.getAttribute("aria-invalid"), WAIT).toBe("true");
    const described = await title.evaluate((element) => document.getElementById(element.getAttribute("aria-describedby") ?? "")?.textContent ?? "");
    expect(described).toContain("letters, digits");
    await check(page, "settings-labels-refused");

    await title.fill("follow-up");
    await dialog.getByLabel("Show on the sidebar").uncheck();
    await dialog.getByRole("button", { name: "Create label" }).click();
    await dialog.waitFor({ state: "hidden" });
    const row = page.getByRole("row").filter({ hasText: "follow-up" });
    await expect.poll(() => row.textContent(), WAIT).toContain("Call the patient back");
    expect(await row.textContent()).toContain("Hidden");
    const created = (await tenant.as("admin")<{ payload: { title: string; show_on_sidebar: boolean }[] }>(200, "GET", "/labels")).payload.find(
      (label) => label.title === "follow-up",
    );
    expect(created?.show_on_sidebar).toBe(false);
    await check(page, "settings-labels");

    await row.getByRole("button", { name: "Edit follow-up" }).click();
    const edit = page.getByRole("dialog", { name: "Edit label follow-up" });
    await edit.getByLabel("Description").fill("Call the patient back within a day");
    await edit.getByLabel("Show on the sidebar").check();
    await edit.getByRole("button", { name: "Save label" }).click();
    await edit.waitFor({ state: "hidden" });
    await expect.poll(() => row.textContent(), WAIT).toContain("within a day");
    expect(await row.textContent()).toContain("Shown");

    await row.getByRole("button", { name: "Delete follow-up" }).click();
    const confirm = page.getByRole("dialog", { name: "Delete this label?" });
    // Focus lands on the safe choice.
    await expect.poll(() => confirm.getByRole("button", { name: "Cancel" }).evaluate((element) => document.activeElement === element), WAIT).toBe(true);
    await check(page, "settings-labels-delete");
    // Escape keeps the label.
    await page.keyboard.press("Escape");
    await confirm.waitFor({ state: "hidden" });
    expect(await row.count()).toBe(1);
    await row.getByRole("button", { name: "Delete follow-up" }).click();
    await confirm.getByRole("button", { name: "Delete follow-up" }).click();
    await expect.poll(() => row.count(), WAIT).toBe(0);
    const left = (await tenant.as("admin")<{ payload: { title: string }[] }>(200, "GET", "/labels")).payload.map((label) => label.title);
    expect(left).toEqual(["billing"]);
    // The refused title's 422 is logged by the browser, as every failed request is; nothing else went wrong.
    expect(errors.filter((error) => !/status of 422 \(Unprocessable Entity\) .*\/labels\)$/.test(error))).toEqual([]);
  });

  it("creates a canned response with a variable inserted at the cursor, refuses a taken short code beside the field, finds, edits and deletes it", async () => {
    const { page, errors } = admin;
    await openSettings(page, "Canned responses");
    await page.getByRole("row").filter({ hasText: "/hours" }).waitFor();

    await page.getByRole("button", { name: "Add canned response" }).click();
    const dialog = page.getByRole("dialog", { name: "Add canned response" });
    const shortCode = dialog.getByLabel("Short code");
    await shortCode.fill("hours");
    const content = dialog.getByLabel("Content");
    await content.fill("Hi , thanks for writing.");
    await content.evaluate((element: HTMLTextAreaElement) => element.setSelectionRange(3, 3));
    await dialog.getByRole("button", { name: "{{ contact.first_name }}" }).click();
    await expect.poll(() => content.inputValue(), WAIT).toBe("Hi {{ contact.first_name }}, thanks for writing.");
    await dialog.getByRole("button", { name: "Create canned response" }).click();
    await expect.poll(() => shortCode.getAttribute("aria-invalid"), WAIT).toBe("true");
    const described = await shortCode.evaluate((element) => document.getElementById(element.getAttribute("aria-describedby") ?? "")?.textContent ?? "");
    expect(described).toContain("has already been taken");
    await check(page, "settings-canned-refused");

    await shortCode.fill("welcome");
    await dialog.getByRole("button", { name: "Create canned response" }).click();
    await dialog.waitFor({ state: "hidden" });
    const row = page.getByRole("row").filter({ hasText: "/welcome" });
    await expect.poll(() => row.textContent(), WAIT).toContain("Hi {{ contact.first_name }}, thanks for writing.");

    await page.getByLabel("Search canned responses").fill("thanks");
    await expect.poll(() => page.getByRole("row").filter({ hasText: "/hours" }).count(), WAIT).toBe(0);
    expect(await row.count()).toBe(1);
    await check(page, "settings-canned");

    await row.getByRole("button", { name: "Edit welcome" }).click();
    const edit = page.getByRole("dialog", { name: "Edit /welcome" });
    await edit.getByLabel("Content").fill("Hello {{ contact.name || 'there' }}, thanks for writing.");
    await edit.getByRole("button", { name: "Save canned response" }).click();
    await edit.waitFor({ state: "hidden" });
    await expect.poll(() => row.textContent(), WAIT).toContain("Hello {{ contact.name || 'there' }}");

    await row.getByRole("button", { name: "Delete welcome" }).click();
    const confirm = page.getByRole("dialog", { name: "Delete this canned response?" });
    await confirm.getByRole("button", { name: "Delete /welcome" }).click();
    await expect.poll(() => row.count(), WAIT).toBe(0);
    const left = (await tenant.as("admin")<{ short_code: string }[]>(200, "GET", "/canned_responses")).map((canned) => canned.short_code);
    expect(left).toEqual(["hours"]);
    // The taken short code's 422 is logged by the browser, as every failed request is; nothing else went wrong.
    expect(errors.filter((error) => !/status of 422 \(Unprocessable Entity\) .*\/(labels|canned_responses)\)$/.test(error))).toEqual([]);
  });
  it("creates a team with the agent as its member, refuses a taken name beside the field, adds the administrator, and deletes it after a confirmation", async () => {
    const { page, errors } = admin;
    await tenant.as("admin")(201, "POST", "/teams", { name: "Front desk" });
    await openSettings(page, "Teams");
    await page.getByRole("row").filter({ hasText: "Front desk" }).waitFor();

    await page.getByRole("button", { name: "Add team" }).click();
    const dialog = page.getByRole("dialog", { name: "Add team" });
    const name = dialog.getByLabel("Name");
    await name.fill("Front desk");
    await dialog.getByLabel("Description").fill("Appointments and billing questions");
    await dialog.getByRole("group", { name: "Members" }).getByLabel(tenant.users.agent.name).check();
    await dialog.getByRole("button", { name: "Create team" }).click();
    await expect.poll(() => name.getAttribute("aria-invalid"), WAIT).toBe("true");
    const described = await name.evaluate((element) => document.getElementById(element.getAttribute("aria-describedby") ?? "")?.textContent ?? "");
    expect(described).toContain("already has a team with this name");
    await check(page, "settings-teams-refused");

    await name.fill("Billing");
    await dialog.getByRole("button", { name: "Create team" }).click();
    await dialog.waitFor({ state: "hidden" });
    const row = page.getByRole("row").filter({ hasText: "Billing" });
    await expect.poll(() => row.textContent(), WAIT).toContain(tenant.users.agent.name);
    expect(await row.textContent()).toContain("Appointments and billing questions");
    await check(page, "settings-teams");

    await row.getByRole("button", { name: "Edit Billing" }).click();
    const edit = page.getByRole("dialog", { name: "Edit team Billing" });
    await edit.getByRole("group", { name: "Members" }).getByLabel(tenant.users.admin.name).check();
    await edit.getByLabel("Assign new conversations to its members automatically").uncheck();
    await edit.getByRole("button", { name: "Save team" }).click();
    await edit.waitFor({ state: "hidden" });
    await expect.poll(() => row.textContent(), WAIT).toContain(tenant.users.admin.name);
    expect(await row.textContent()).toContain("Off");
    const teams = await tenant.as("admin")<{ id: number; name: string }[]>(200, "GET", "/teams");
    const billing = teams.find((team) => team.name === "Billing");
    const members = await tenant.as("admin")<{ id: number }[]>(200, "GET", `/teams/${billing?.id}/team_members`);
    expect(members.map((member) => member.id).sort()).toEqual([tenant.users.admin.id, tenant.users.agent.id].sort());

    await row.getByRole("button", { name: "Delete Billing" }).click();
    await page.getByRole("dialog", { name: "Delete this team?" }).getByRole("button", { name: "Delete Billing" }).click();
    await expect.poll(() => row.count(), WAIT).toBe(0);
    expect((await tenant.as("admin")<{ name: string }[]>(200, "GET", "/teams")).map((team) => team.name)).toEqual(["Front desk"]);
    expect(
      errors.filter((error) => !/status of (422 \(Unprocessable Entity\) .*\/(labels|canned_responses)|409 \(Conflict\) .*\/teams)\)$/.test(error)),
    ).toEqual([]);
  });
  it("creates a website inbox after showing the refused address beside its field, sets its greeting, hours, verified identity and members, and deletes it", async () => {
    const { page, errors } = admin;
    await openSettings(page, "Inboxes");
    await page.getByRole("row").filter({ hasText: "Lakeside Dental website" }).waitFor();
    await check(page, "settings-inboxes");

    await page.getByRole("button", { name: "Add inbox" }).click();
    const dialog = page.getByRole("dialog", { name: "Add inbox" });
    await dialog.getByLabel("Name").fill("Lakeside booking");
    const address = dialog.getByLabel("Website address");
    await address.fill("lakeside booking");
    await dialog.getByRole("button", { name: "Create inbox" }).click();
    await expect.poll(() => address.getAttribute("aria-invalid"), WAIT).toBe("true");
    await address.fill("https://book.lakeside-dental.example.test");
    await dialog.getByRole("button", { name: "Create inbox" }).click();
    await page.getByRole("dialog", { name: "Connect Lakeside booking" }).getByRole("button", { name: "More settings" }).click();

    const edit = page.getByRole("dialog", { name: "Edit inbox Lakeside booking" });
    await edit.waitFor();
    await edit.getByLabel("Greet new visitors").check();
    await edit.getByLabel("Greeting message").fill("Welcome! Book or ask us anything.");
    await edit.getByLabel("Time zone").fill("America/Chicago");
    await edit.getByLabel("Tell visitors when the team is away outside working hours").check();
    await edit.getByRole("group", { name: "Monday" }).getByLabel("Monday closes at").fill("18:30");
    await edit.getByLabel("Require a verified identity").check();
    expect(await edit.getByLabel("HMAC secret").inputValue()).not.toBe("");
    await edit.getByRole("group", { name: "Members" }).getByLabel(tenant.users.agent.name).check();
    await check(page, "settings-inboxes-edit");
    await edit.getByRole("button", { name: "Save inbox" }).click();
    await edit.waitFor({ state: "hidden" });
    const row = page.getByRole("row").filter({ hasText: "Lakeside booking" });
    await expect.poll(() => row.textContent(), WAIT).toContain("Verified identity required");

    const inboxes = await tenant.as("admin")<{
      payload: {
        id: number;
        name: string;
        greeting_enabled: boolean;
        greeting_message: string;
        timezone: string;
        hmac_mandatory: boolean;
        working_hours_enabled: boolean;
        working_hours: { day_of_week: number; close_hour: number; close_minutes: number }[];
      }[];
    }>(200, "GET", "/inboxes");
    const booking = inboxes.payload.find((inbox) => inbox.name === "Lakeside booking");
    expect(booking).toMatchObject({
      greeting_enabled: true,
      greeting_message: "Welcome! Book or ask us anything.",
      timezone: "America/Chicago",
      hmac_mandatory: true,
      working_hours_enabled: true,
    });
    expect(booking?.working_hours.find((day) => day.day_of_week === 1)).toMatchObject({ close_hour: 18, close_minutes: 30 });
    const members = await tenant.as("admin")<{ payload: { id: number }[] }>(200, "GET", `/inbox_members/${booking?.id}`);
    expect(members.payload.map((member) => member.id)).toEqual([tenant.users.agent.id]);

    await row.getByRole("button", { name: "Delete Lakeside booking" }).click();
    await page.getByRole("dialog", { name: "Delete this inbox?" }).getByRole("button", { name: "Delete Lakeside booking" }).click();
    await expect.poll(() => row.count(), WAIT).toBe(0);
    expect(
      errors.filter((error) => !/status of (422 \(Unprocessable Entity\) .*\/(labels|canned_responses|inboxes)|409 \(Conflict\) .*\/teams)\)$/.test(error)),
    ).toEqual([]);
  });
});
