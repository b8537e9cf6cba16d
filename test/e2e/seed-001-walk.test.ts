// Seed 001's "How to Use", tried as a new user would in the console of `npm run dev`, in one
// continuous walk: the demo is seeded as `npm run dev` seeds it, its agency owner signs in with the
// documented password, creates a snapshot of the demo sub-account with its chat widgets (a WhatsApp and
// a Voice AI widget among them), creates a new sub-account without a WhatsApp number, loads the snapshot
// into it from the row's Actions menu, watches the dry run and the progress, opens Sites > Chat Widgets
// there, finds Save and Get Code off on the imported WhatsApp widget with a tooltip that says why (on
// hover and on focus), connects a number from the builder's picker, and sees both turn on and the
// snippet appear in Get Code. Every step is checked with axe-core; with UPDATE_DOCS_SCREENSHOTS=1 the key
// steps are also saved as docs/screenshots/seed-001-*.png (the README's walk-through shows them).
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_AGENCY_OWNER, seedDemo } from "../../scripts/seed-demo.mjs";
import { launchChromium } from "./browser";
import { seriousViolations } from "./axe";
import { type ConsolePage, consoleContext, screenshot, signInForm, WAIT } from "./console-fixtures";
import { callExpecting } from "./platform-api";

const DOCS_SHOTS = fileURLToPath(new URL("../../docs/screenshots/", import.meta.url));

/** axe-core and the test's screenshot; with UPDATE_DOCS_SCREENSHOTS=1 also the committed copy in docs/screenshots. */
async function step(page: Page, name: string) {
  const violations = await seriousViolations(page);
  await screenshot(page, `seed-001-${name}`);
  expect(violations, `seed-001-${name}:\n${violations.join("\n")}`).toEqual([]);
  if (process.env.UPDATE_DOCS_SCREENSHOTS === "1") {
    mkdirSync(DOCS_SHOTS, { recursive: true });
    await page.screenshot({ path: `${DOCS_SHOTS}seed-001-${name}.png` });
  }
}

/** The button's accessible description: the text of what its aria-describedby names. */
const descriptionOf = (button: Locator) =>
  button.evaluate((element) =>
    (element.getAttribute("aria-describedby") ?? "")
      .split(/\s+/)
      .filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent ?? "")
      .join(" "),
  );

describe("seed 001, walked through in the console", () => {
  let browser: Browser;
  let signedIn: ConsolePage | undefined;
  const scratch = mkdtempSync(join(tmpdir(), "parley-seed-001-"));
  /** The demo sub-account's chat widgets, as its administrator lists them. */
  let demoWidgets: { name: string; type: string }[] = [];

  beforeAll(async () => {
    browser = await launchChromium(inject("chromium"));
    // What `npm run dev` seeds: the demo agency and its owner, Demo Dental with its live chat, WhatsApp and Voice AI widgets.
    const demo = await seedDemo({
      baseUrl: inject("platformUrl"),
      platformToken: inject("platformToken"),
      stateDir: join(scratch, "state"),
      assetsDir: join(scratch, "assets"),
    });
    const listed = await callExpecting<{ payload: { name: string; type: string }[] }>(200, "GET", `/api/v1/accounts/${demo.account.id}/chat_widgets`, {
      token: demo.admin.token,
    });
    demoWidgets = listed.payload;
  });

  afterAll(async () => {
    await signedIn?.context.close();
    await browser?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("takes the agency owner from sign-in to an imported WhatsApp widget that gives its code once a number is connected", async () => {
    const run = Date.now().toString(36);
    signedIn = await consoleContext(browser, { viewport: { width: 1280, height: 800 } });
    const { page, errors } = signedIn;

    // Sign in with the demo agency owner that `npm run dev` prints: the Agency View's Sub-Accounts.
    await page.goto("/app/login");
    const form = signInForm(page);
    await form.email.fill(DEMO_AGENCY_OWNER.email);
    await form.password.fill(DEMO_AGENCY_OWNER.password);
    await form.submit.click();
    await page.getByRole("heading", { name: "Sub-Accounts", level: 1 }).waitFor();
    await page.getByRole("row").filter({ hasText: "Demo Dental" }).waitFor();
    await step(page, "sub-accounts");

    // "Go to Account Snapshots (Agency View)", "click Create New Snapshot", "choose the source sub-account",
    // "ensure the Chat Widget option is selected".
    await page.getByRole("link", { name: "Account Snapshots" }).click();
    await page.getByRole("button", { name: "Create New Snapshot" }).click();
    const create = page.getByRole("dialog", { name: "Create New Snapshot" });
    const snapshotName = `Demo Dental widgets ${run}`;
    await create.getByLabel("Snapshot name").fill(snapshotName);
    await create.getByLabel("Source sub-account").selectOption({ label: "Demo Dental" });
    await expect.poll(() => create.getByRole("checkbox", { name: "Chat Widget" }).isChecked(), WAIT).toBe(true);
    const count = demoWidgets.length;
    expect(demoWidgets.map((widget) => widget.type)).toEqual(expect.arrayContaining(["live_chat", "whatsapp", "voice_ai"]));
    await expect.poll(() => create.getByRole("radio", { name: `All widgets (${count})` }).isChecked(), WAIT).toBe(true);
    await step(page, "create-snapshot");
    await create.getByRole("button", { name: "Create", exact: true }).click();
    const card = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: snapshotName }) });
    await card.getByText(new RegExp(`^${count} chat widgets · `)).waitFor();

    // A new sub-account: nothing connected, so no WhatsApp number and no Voice AI agent.
    await page.getByRole("link", { name: "Sub-Accounts" }).click();
    await page.getByRole("button", { name: "Create sub-account" }).click();
    const newAccount = page.getByRole("dialog", { name: "Create sub-account" });
    const target = `Riverside Dental ${run}`;
    await newAccount.getByLabel("Name", { exact: true }).fill(target);
    await newAccount.getByLabel("Country").fill("US");
    await newAccount.getByLabel("Time zone").selectOption("America/Chicago");
    await newAccount.getByLabel("Business name").fill("Riverside Dental LLC");
    await newAccount.getByLabel("Support email").fill(`help-${run}@riverside-dental.test`);
    await newAccount.getByRole("button", { name: "Create", exact: true }).click();
    const row = page.getByRole("row").filter({ hasText: target });
    await row.waitFor();

    // "From the Actions dropdown menu, select Load Snapshot".
    await row.getByRole("button", { name: `Actions for ${target}` }).click();
    const menu = page.getByRole("menu", { name: `Actions for ${target}` });
    await menu.getByRole("menuitem", { name: "Load Snapshot" }).waitFor();
    await step(page, "actions-menu");
    await menu.getByRole("menuitem", { name: "Load Snapshot" }).click();
    const load = page.getByRole("dialog", { name: `Load Snapshot into ${target}` });
    await load.getByLabel("Snapshot").selectOption({ label: snapshotName });
    await load.getByRole("button", { name: "Preview" }).click();

    // The dry run: each widget, what it maps to, and what will need setup.
    const dryRun = load.getByRole("table", { name: "What will happen" });
    await dryRun.waitFor();
    const whatsappPlan = dryRun.getByRole("row").filter({ hasText: "Demo Dental WhatsApp" });
    await expect.poll(() => whatsappPlan.textContent(), WAIT).toContain("WhatsApp number: needs setup");
    expect(await dryRun.getByRole("row").filter({ hasText: "Demo Dental Voice AI" }).textContent()).toContain("Voice AI agent: needs setup");
    await step(page, "dry-run");

    // Proceed: the progress, live until the load ends, then its report.
    await load.getByRole("button", { name: "Proceed" }).click();
    const progress = load.getByRole("progressbar", { name: target });
    await progress.waitFor();
    await load.getByRole("table", { name: "Report" }).waitFor({ timeout: 30_000 });
    await expect.poll(() => progress.getAttribute("aria-valuetext"), WAIT).toBe(`${count} of ${count} widgets loaded`);
    await load.getByText("Completed with warnings").waitFor();
    await step(page, "load-report");
    await page.keyboard.press("Escape");
    await load.waitFor({ state: "hidden" });

    // Open the sub-account (as its administrator, for this session) and its Sites > Chat Widgets.
    await row.getByRole("button", { name: `Actions for ${target}` }).click();
    await page
      .getByRole("menu", { name: `Actions for ${target}` })
      .getByRole("menuitem", { name: "Open as administrator" })
      .click();
    await page.getByRole("link", { name: "Sites > Chat Widgets" }).click();
    await page.getByRole("heading", { name: "Chat Widgets", level: 1 }).waitFor();
    const widgets = page.getByRole("table").filter({ has: page.getByRole("columnheader", { name: "From snapshot" }) });
    const whatsappRow = widgets.getByRole("row").filter({ hasText: "Demo Dental WhatsApp" });
    await expect.poll(() => whatsappRow.textContent(), WAIT).toContain("Incomplete");
    expect(await whatsappRow.textContent()).toContain("Needs a WhatsApp number");
    expect(await whatsappRow.textContent()).toContain(snapshotName);
    expect(await widgets.getByRole("row").filter({ hasText: "Demo Dental Voice AI" }).textContent()).toContain("Needs a Voice AI agent");
    expect(await widgets.getByRole("row").filter({ hasText: "Demo Dental chat" }).textContent()).toContain("Complete");
    await step(page, "imported-widgets");

    // The WhatsApp widget: Save and Get Code are off but focusable, and say why on hover and on focus.
    await whatsappRow.getByRole("link", { name: "Demo Dental WhatsApp" }).click();
    await page.getByRole("heading", { name: /Demo Dental WhatsApp/, level: 1 }).waitFor();
    const save = page.getByRole("button", { name: "Save", exact: true });
    const getCode = page.getByRole("button", { name: "Get Code" });
    const why = "Connect a WhatsApp number to this widget before saving or getting its code.";
    for (const button of [save, getCode]) {
      await expect.poll(() => button.getAttribute("aria-disabled"), WAIT).toBe("true");
      expect(await descriptionOf(button)).toContain(why);
    }
    await getCode.hover();
    const codeTip = page.locator(`#${await getCode.getAttribute("aria-describedby")}`);
    await codeTip.waitFor({ state: "visible" });
    expect(await codeTip.textContent()).toContain(why);
    await step(page, "whatsapp-tooltip-hover");
    await page.mouse.move(0, 0);
    await save.focus();
    const saveTip = page.locator(`#${await save.getAttribute("aria-describedby")}`);
    await saveTip.waitFor({ state: "visible" });
    expect(await saveTip.getByRole("link", { name: "Connect a WhatsApp number" }).isVisible()).toBe(true);
    await step(page, "whatsapp-tooltip-focus");
    // Pressing it does nothing while the number is missing.
    await page.keyboard.press("Enter");
    expect(await page.getByRole("dialog", { name: "Put the widget on your website" }).count()).toBe(0);

    // Connect a number from the builder's picker: both buttons turn on without a reload.
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    await page.getByRole("button", { name: "Connect a WhatsApp number" }).click();
    const connect = page.getByRole("form", { name: "Connect a WhatsApp number" });
    await connect.getByLabel("Phone number").fill("+13125550147");
    await connect.getByLabel("Display name").fill("Riverside front desk");
    await connect.getByRole("button", { name: "Connect a WhatsApp number" }).click();
    await expect.poll(() => save.getAttribute("aria-disabled"), WAIT).toBeNull();
    expect(await getCode.getAttribute("aria-disabled")).toBeNull();
    expect(await descriptionOf(getCode)).toBe("");
    await step(page, "whatsapp-connected");

    // Get Code: the snippet, with the widget's token, and the install steps.
    await getCode.click();
    const code = page.getByRole("dialog", { name: "Put the widget on your website" });
    await code.waitFor();
    const snippet = await code.getByLabel("Embed code").inputValue();
    expect(snippet).toContain("/widget.js");
    expect(snippet).toMatch(/"[A-Za-z0-9_-]{16,}"/);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded === true)).toBe(true);
    await step(page, "get-code");

    // The list now says the widget is complete.
    await page.keyboard.press("Escape");
    await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Chat Widgets" }).click();
    await expect.poll(() => whatsappRow.textContent(), WAIT).toContain("Complete");
    expect(errors).toEqual([]);
  });
});
