// Settings > Agents in real Chromium against the whole platform, as a sub-account's administrator uses
// it: invite someone by email (the API's refusal of an email already in the sub-account said beside the
// field), make them an administrator, remove them after a confirmation, and be told why the only
// administrator cannot remove themself. Agents do not see the screen. Each state is checked with
// axe-core and photographed; UPDATE_DOCS_SCREENSHOTS=1 also writes the invitation into docs/screenshots.
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium } from "./browser";
import { type ConsolePage, type ConsoleTenant, checkScreen, consoleTenant, docsScreenshot, signIn, WAIT } from "./console-fixtures";

type Agent = { id: number; name: string; email: string; role: string };

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
const refusals = (errors: string[]) => errors.filter((error) => !/status of (409|422) /.test(error));

describe("Settings > Agents", () => {
  let browser: Browser;
  let tenant: ConsoleTenant;
  let admin: ConsolePage;

  beforeAll(async () => {
    browser = await launchChromium(inject("chromium"));
    tenant = await consoleTenant({ name: "Harbor Physio", websiteUrl: "https://harbor-physio.example.test" });
    admin = await signIn(browser, tenant.users.admin);
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function openAgents(page: Page) {
    await page.goto(`/app/accounts/${tenant.account.id}/settings/agents`);
    await page.getByRole("heading", { name: "Agents", level: 1 }).waitFor();
    return page.getByRole("table", { name: "Agents" });
  }

  it("invites a person by email after saying beside the field that an email is already taken, then makes them an administrator", async () => {
    const { page, errors } = admin;
    const table = await openAgents(page);
    await expect.poll(() => table.getByRole("row").filter({ hasText: tenant.users.agent.email }).textContent(), WAIT).toContain("Agent");
    await check(page, "settings-agents");

    await page.getByRole("button", { name: "Invite agent" }).click();
    const dialog = page.getByRole("dialog", { name: "Invite agent" });
    await dialog.getByLabel("Name").fill("Ines Invitee");
    const email = dialog.getByLabel("Email");
    await email.fill(tenant.users.agent.email);
    await dialog.getByRole("button", { name: "Send invitation" }).click();
    await expect.poll(() => email.getAttribute("aria-invalid"), WAIT).toBe("true");
    expect(await descriptionOf(email)).toBe(`${tenant.users.agent.email} is already an agent of this account.`);
    await check(page, "settings-agents-refused");
    await docsScreenshot(page, "settings-agents-invite");

    const invitee = `ines-${Date.now().toString(36)}@example.test`;
    await email.fill(invitee);
    await dialog.getByRole("button", { name: "Send invitation" }).click();
    await dialog.waitFor({ state: "hidden" });
    const row = table.getByRole("row").filter({ hasText: invitee });
    await expect.poll(() => row.textContent(), WAIT).toContain("Ines Invitee");
    expect(await row.textContent()).toContain("Agent");
    const mailed = await tenant.as("admin")<{ payload: { to: string[]; kind: string }[] }>(200, "GET", "/emails");
    expect(mailed.payload.find((mail) => mail.to[0] === invitee)?.kind).toBe("invitation");

    await row.getByRole("button", { name: "Edit Ines Invitee" }).click();
    const edit = page.getByRole("dialog", { name: "Edit Ines Invitee" });
    await edit.getByLabel("Role").selectOption({ label: "Administrator" });
    await edit.getByRole("button", { name: "Save agent" }).click();
    await edit.waitFor({ state: "hidden" });
    await expect.poll(() => row.textContent(), WAIT).toContain("Administrator");
    const agents = await tenant.as("admin")<Agent[]>(200, "GET", "/agents");
    expect(agents.find((agent) => agent.email === invitee)?.role).toBe("administrator");
    expect(refusals(errors)).toEqual([]);
  });

  it("removes a person after a confirmation whose focus starts on Cancel, and their access ends", async () => {
    const { page, errors } = admin;
    const table = await openAgents(page);
    const row = table.getByRole("row").filter({ hasText: tenant.users.agent.email });
    await row.getByRole("button", { name: "Remove Alex Agent" }).click();
    const confirm = page.getByRole("dialog", { name: "Remove this person?" });
    await expect.poll(() => confirm.getByRole("button", { name: "Cancel" }).evaluate((element) => document.activeElement === element), WAIT).toBe(true);
    await check(page, "settings-agents-remove");
    await confirm.getByRole("button", { name: "Remove Alex Agent" }).click();
    await expect.poll(() => row.count(), WAIT).toBe(0);
    const agents = await tenant.as("admin")<Agent[]>(200, "GET", "/agents");
    expect(agents.map((agent) => agent.email)).not.toContain(tenant.users.agent.email);
    expect(refusals(errors)).toEqual([]);
  });

  it("says in the dialog why the only administrator cannot leave, and keeps them", async () => {
    const { page, errors } = admin;
    // Ines (made an administrator above) leaves first, so Ada is the only administrator.
    const ines = (await tenant.as("admin")<Agent[]>(200, "GET", "/agents")).find((agent) => agent.name === "Ines Invitee");
    if (ines) await tenant.as("admin")(204, "DELETE", `/agents/${ines.id}`);
    const table = await openAgents(page);
    const row = table.getByRole("row").filter({ hasText: tenant.users.admin.email });
    await expect.poll(() => row.textContent(), WAIT).toContain("(you)");
    await row.getByRole("button", { name: "Remove Ada Admin" }).click();
    const confirm = page.getByRole("dialog", { name: "Remove this person?" });
    await confirm.getByRole("button", { name: "Remove Ada Admin" }).click();
    await expect.poll(() => confirm.getByRole("alert").textContent(), WAIT).toContain("only administrator");
    await check(page, "settings-agents-last-administrator");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    expect(await row.count()).toBe(1);
    expect(refusals(errors)).toEqual([]);
  });

  it("takes the settings away at once from an administrator who makes themself an agent", async () => {
    const other = await consoleTenant({ name: "Harbor Physio North", websiteUrl: "https://north.harbor-physio.example.test" });
    await other.as("admin")(200, "PATCH", `/agents/${other.users.agent.id}`, { role: "administrator" });
    const { page, errors, context } = await signIn(browser, other.users.admin);
    await page.goto(`/app/accounts/${other.account.id}/settings/agents`);
    const row = page.getByRole("table", { name: "Agents" }).getByRole("row").filter({ hasText: other.users.admin.email });
    await row.getByRole("button", { name: `Edit ${other.users.admin.name}` }).click();
    const edit = page.getByRole("dialog", { name: `Edit ${other.users.admin.name}` });
    const role = edit.getByLabel("Role");
    await role.selectOption({ label: "Agent" });
    expect(await descriptionOf(role)).toBe("If you make yourself an agent you lose these settings at once.");
    await edit.getByRole("button", { name: "Save agent" }).click();
    await page.getByRole("heading", { name: "Settings are for administrators" }).waitFor();
    expect(await page.getByRole("button", { name: "Invite agent" }).count()).toBe(0);
    await check(page, "settings-agents-demoted-self");
    expect(errors).toEqual([]);
    await context.close();
  });

  const check = checkScreen;
});
