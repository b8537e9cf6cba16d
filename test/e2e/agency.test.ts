// The Agency View in real Chromium, following seed 001's "How to Use": an agency owner signs in, creates
// a snapshot of a sub-account with its chat widgets (a WhatsApp and a Voice AI widget among them),
// creates a new sub-account without a WhatsApp number, loads the snapshot from the row's Actions menu,
// sees the dry run and the progress, and opens a created widget in that sub-account's console. Every
// screen is checked with axe-core and photographed.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { seriousViolations } from "./axe";
import { launchChromium } from "./browser";
import { type ConsolePage, consoleContext, screenshot, signInForm } from "./console-fixtures";
import { call, callExpecting } from "./platform-api";

const PASSWORD = "agency owner password";

/** An agency with an owner, and a source sub-account holding a live chat, a WhatsApp and a Voice AI widget, all complete. */
async function agencyWithSource(run: string) {
  const agency = await callExpecting<{ id: number; access_token: string }>(201, "POST", "/platform/api/v1/agencies", {
    token: inject("platformToken"),
    body: { name: `Agency ${run}` },
  });
  const owner = await callExpecting<{ id: number; email: string }>(201, "POST", `/platform/api/v1/agencies/${agency.id}/users`, {
    token: inject("platformToken"),
    body: { name: "Olivia Owner", email: `owner-${run}@agency.test`, role: "owner", password: PASSWORD },
  });
  const source = await callExpecting<{ id: number; name: string }>(201, "POST", "/api/v1/agency/accounts", {
    token: agency.access_token,
    body: { name: `Source clinic ${run}`, country: "US", timezone: "America/New_York" },
  });
  const admin = await callExpecting<{ access_token: string }>(201, "POST", `/api/v1/agency/accounts/${source.id}/users`, {
    token: agency.access_token,
    body: { name: "Ada Admin", email: `ada-${run}@agency.test`, role: "administrator", password: PASSWORD },
  });
  const as = async <T = any>(method: string, path: string, body: unknown) => {
    const reply = await call<T>(method, `/api/v1/accounts/${source.id}${path}`, { token: admin.access_token, body });
    expect([200, 201], `${method} ${path}: ${JSON.stringify(reply.body)}`).toContain(reply.status);
    return reply.body;
  };
  const inbox = await as<{ id: number }>("POST", "/inboxes", { name: "Website", channel: { type: "web_widget", website_url: "https://source.example.test" } });
  const number = await as<{ id: number }>("POST", "/integrations/whatsapp_numbers", { phone_number: "+14155550177", display_name: "Front desk" });
  const agent = await as<{ id: number }>("POST", "/integrations/voice_ai_agents", { name: "Receptionist" });
  await as("POST", "/chat_widgets", { name: "Clinic chat", type: "live_chat", inbox_id: inbox.id });
  await as("POST", "/chat_widgets", { name: "Clinic WhatsApp", type: "whatsapp", whatsapp_number_id: number.id });
  await as("POST", "/chat_widgets", { name: "Clinic Voice AI", type: "voice_ai", voice_ai_agent_id: agent.id });
  return { agency, owner, source };
}

describe("the Agency View, as seed 001's How to Use describes it", () => {
  let browser: Browser;
  let signedIn: ConsolePage;

  beforeAll(async () => {
    browser = await launchChromium(inject("chromium"));
  });
  afterAll(async () => {
    await signedIn?.context.close();
    await browser?.close();
  });

  it("takes an agency owner from sign-in to a snapshot loaded into a new sub-account and its imported WhatsApp widget", async () => {
    const run = Date.now().toString(36);
    const { owner, source } = await agencyWithSource(run);
    signedIn = await consoleContext(browser);
    const { page, errors } = signedIn;
    const axe = async (name: string) => {
      expect(await seriousViolations(page), name).toEqual([]);
      await screenshot(page, `agency-${name}`);
    };

    // Sign in: an agency user lands on the Agency View's Sub-Accounts.
    await page.goto("/app/login");
    const form = signInForm(page);
    await form.email.fill(owner.email);
    await form.password.fill(PASSWORD);
    await form.submit.click();
    await page.getByRole("heading", { name: "Sub-Accounts", level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/app/agency/accounts");
    await page.getByRole("row").filter({ hasText: source.name }).waitFor();
    await axe("accounts");

    // Go to Account Snapshots and click Create New Snapshot.
    await page.getByRole("link", { name: "Account Snapshots" }).click();
    await page.getByRole("button", { name: "Create New Snapshot" }).click();
    const create = page.getByRole("dialog", { name: "Create New Snapshot" });
    await create.getByLabel("Snapshot name").fill(`Clinic widgets ${run}`);
    await create.getByLabel("Source sub-account").selectOption({ label: source.name });
    // The Chat Widget option is selected, with all three widgets.
    const chatWidget = create.getByRole("checkbox", { name: "Chat Widget" });
    await expect.poll(() => chatWidget.isChecked()).toBe(true);
    await expect.poll(() => create.getByRole("radio", { name: "All widgets (3)" }).isChecked()).toBe(true);
    await axe("create-snapshot");
    await create.getByRole("button", { name: "Create", exact: true }).click();
    const card = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: `Clinic widgets ${run}` }) });
    await card.getByText("3 chat widgets · 0 custom fields").waitFor();
    await axe("snapshots");

    // Create a new sub-account with its location fields; it has no WhatsApp number.
    await page.getByRole("link", { name: "Sub-Accounts" }).click();
    await page.getByRole("button", { name: "Create sub-account" }).click();
    const newAccount = page.getByRole("dialog", { name: "Create sub-account" });
    const target = `New clinic ${run}`;
    await newAccount.getByLabel("Name", { exact: true }).fill(target);
    await newAccount.getByLabel("Country").fill("US");
    await newAccount.getByLabel("Time zone").selectOption("America/Chicago");
    await newAccount.getByLabel("Business name").fill("New Clinic LLC");
    await newAccount.getByLabel("Address").fill("1 Main St, Springfield");
    await newAccount.getByLabel("Phone").fill("+1 555 0100");
    await newAccount.getByLabel("Support email").fill(`help-${run}@clinic.test`);
    await axe("create-account");
    await newAccount.getByRole("button", { name: "Create", exact: true }).click();
    const row = page.getByRole("row").filter({ hasText: target });
    await row.waitFor();
    await expect.poll(() => row.textContent()).toContain("America/Chicago");

    // From the row's Actions menu, select Load Snapshot (the menu works by keyboard).
    await row.getByRole("button", { name: `Actions for ${target}` }).focus();
    await page.keyboard.press("ArrowDown");
    const menu = page.getByRole("menu", { name: `Actions for ${target}` });
    await expect.poll(() => menu.getByRole("menuitem", { name: "Load Snapshot" }).evaluate((el) => el === document.activeElement)).toBe(true);
    await axe("actions-menu");
    await page.keyboard.press("Enter");
    const load = page.getByRole("dialog", { name: `Load Snapshot into ${target}` });
    await load.getByLabel("Snapshot").selectOption({ label: `Clinic widgets ${run}` });
    await load.getByRole("button", { name: "Preview" }).click();

    // The dry run: per widget what will map, to what, and what will need setup.
    const dryRun = load.getByRole("table", { name: "What will happen" });
    await dryRun.waitFor();
    const whatsapp = dryRun.getByRole("row").filter({ hasText: "Clinic WhatsApp" });
    await expect.poll(() => whatsapp.textContent()).toContain("Will be created");
    expect(await whatsapp.textContent()).toContain("WhatsApp number: needs setup");
    expect(await dryRun.getByRole("row").filter({ hasText: "Clinic Voice AI" }).textContent()).toContain("Voice AI agent: needs setup");
    expect(await dryRun.getByRole("row").filter({ hasText: "Clinic chat" }).textContent()).toContain("Will create inbox Website");
    await axe("dry-run");

    // Proceed: the progress shows until the load ends, then its report with a link to each widget.
    await load.getByRole("button", { name: "Proceed" }).click();
    const progress = load.getByRole("progressbar", { name: target });
    await progress.waitFor();
    const report = load.getByRole("table", { name: "Report" });
    await report.waitFor({ timeout: 30_000 });
    await expect.poll(() => progress.getAttribute("aria-valuetext")).toBe("3 of 3 widgets loaded");
    expect(await load.getByText("Completed with warnings").count()).toBe(1);
    await axe("load-report");

    const link = report.getByRole("link", { name: "Clinic WhatsApp" });
    const href = await link.getAttribute("href");
    expect(href).toMatch(/^\/app\/accounts\/\d+\/settings\/chat_widgets\/\d+$/);
    // The link opens the sub-account as its administrator for this session, and its widget there.
    await link.click();
    await page.waitForURL((url) => url.pathname === href);
    await page.getByRole("heading", { name: /Clinic WhatsApp/, level: 1 }).waitFor();
    await screenshot(page, "agency-imported-widget");

    // The switch is in the agency's audit log, filtered to openings.
    await page.goto("/app/agency/audit_logs?action=open");
    const opened = page.getByRole("row").filter({ hasText: "Opened as administrator" }).filter({ hasText: target });
    await opened.waitFor();
    await axe("audit-log");

    expect(errors).toEqual([]);
  });
});
