// Sites > Chat Widgets in real Chromium against the whole platform, as an administrator would use it:
// a WhatsApp widget made with no number connected cannot be saved or embedded, and says why (in a
// tooltip that is also the buttons' accessible description); connecting a number from the builder's
// picker turns both on without a reload, and Get Code shows the snippet. The preview is the real chat
// app, showing unsaved changes and the fallback a visitor would see. Every screen is checked with axe-core.
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium } from "./browser";
import { type ConsolePage, type ConsoleTenant, checkScreen, consoleContext, consoleTenant, signIn, WAIT } from "./console-fixtures";
import { startWebsite } from "./website";

/** Where the round's screenshots are looked at, besides test-results/console/. */

describe("Sites > Chat Widgets", () => {
  let browser: Browser;
  let tenant: ConsoleTenant;
  let admin: ConsolePage;
  let website: Awaited<ReturnType<typeof startWebsite>>;

  beforeAll(async () => {
    [browser, website] = await Promise.all([launchChromium(inject("chromium")), startWebsite()]);
    tenant = await consoleTenant({ name: "Harbor Dental", websiteUrl: "https://harbor-dental.example.test" });
    admin = await signIn(browser, tenant.users.admin, { viewport: { width: 1440, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await website?.close();
  });

  const check = checkScreen;

  /** The button's accessible description: the text of what its aria-describedby names. */
  const descriptionOf = (button: Locator) =>
    button.evaluate((element) =>
      (element.getAttribute("aria-describedby") ?? "")
        .split(/\s+/)
        .filter(Boolean)
        .map((id) => document.getElementById(id)?.textContent ?? "")
        .join(" "),
    );

  it("lets an administrator build a WhatsApp widget that stays unsaved until a number is connected from the picker, then gives its code", async () => {
    const { page, errors } = admin;
    await page.getByRole("link", { name: "Sites > Chat Widgets" }).click();
    await page.getByRole("heading", { name: "Chat Widgets", level: 1 }).waitFor();
    const existing = page.getByRole("row").filter({ hasText: "Harbor Dental chat" });
    await expect.poll(() => existing.textContent(), WAIT).toContain("Complete");
    expect(await existing.textContent()).toContain("Inbox Harbor Dental website");
    await check(page, "widgets-list");

    await page.getByLabel("Type of the new widget").selectOption("whatsapp");
    await page.getByRole("button", { name: "New widget" }).click();
    await page.getByRole("heading", { name: "New widget", level: 1 }).waitFor();
    await page.getByLabel("Name", { exact: true }).fill("Harbor WhatsApp");

    // No number: Save and Get Code are off but focusable, and say why.
    const save = page.getByRole("button", { name: "Save", exact: true });
    const getCode = page.getByRole("button", { name: "Get Code" });
    for (const button of [save, getCode]) {
      expect(await button.getAttribute("aria-disabled")).toBe("true");
      // aria-disabled, not disabled: it still takes keyboard focus, so its description can be heard.
      await button.focus();
      expect(await button.evaluate((element: HTMLButtonElement) => !element.disabled && document.activeElement === element)).toBe(true);
      expect(await descriptionOf(button)).toContain("Connect a WhatsApp number to this widget before saving or getting its code.");
    }
    await save.focus();
    const saveTip = page.locator(`#${await save.getAttribute("aria-describedby")}`);
    await saveTip.waitFor({ state: "visible" });
    expect(await saveTip.getByRole("link", { name: "Connect a WhatsApp number" }).isVisible()).toBe(true);
    await page.keyboard.press("Escape");
    await saveTip.waitFor({ state: "hidden" });
    await getCode.hover();
    await page.locator(`#${await getCode.getAttribute("aria-describedby")}`).waitFor({ state: "visible" });
    // Pressing it does nothing: nothing is saved, the builder stays on the new widget.
    await save.focus();
    await page.keyboard.press("Enter");
    await page.waitForTimeout(200);
    expect(page.url()).toMatch(/\/settings\/chat_widgets\/new/);

    // The preview is the chat app itself: the visitor's fallback, and an unsaved colour at once.
    const preview = page.frameLocator("iframe[title^='Preview of']");
    await preview.getByText("WhatsApp is not available yet").waitFor();
    await page.getByLabel("Widget colour").fill("#aa3300");
    await expect.poll(() => preview.locator("header").evaluate((header) => getComputedStyle(header).backgroundColor), WAIT).toBe("rgb(170, 51, 0)");
    await save.focus();
    await check(page, "widgets-builder-incomplete");

    // Connect a number from the picker: the buttons turn on without a reload.
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    await page.getByRole("button", { name: "Connect a WhatsApp number" }).click();
    const connect = page.getByRole("form", { name: "Connect a WhatsApp number" });
    await connect.getByLabel("Phone number").fill("4155550199");
    await connect.getByRole("button", { name: "Connect a WhatsApp number" }).click();
    await connect.getByText("Expected an E.164 phone number such as +14155550100.").waitFor();
    expect(await connect.getByLabel("Phone number").getAttribute("aria-invalid")).toBe("true");
    await connect.getByLabel("Phone number").fill("+14155550199");
    await connect.getByLabel("Display name").fill("Front desk");
    await connect.getByRole("button", { name: "Connect a WhatsApp number" }).click();
    await expect
      .poll(() => page.getByLabel("WhatsApp number", { exact: true }).evaluate((select: HTMLSelectElement) => select.selectedOptions[0]?.textContent), WAIT)
      .toBe("Front desk (+14155550199)");
    await expect.poll(() => save.getAttribute("aria-disabled"), WAIT).toBeNull();
    expect(await getCode.getAttribute("aria-disabled")).toBeNull();
    expect(await descriptionOf(save)).toBe("");
    await preview.getByRole("link", { name: "WhatsApp" }).waitFor();
    expect(await preview.getByRole("link", { name: "WhatsApp" }).getAttribute("href")).toBe("https://wa.me/14155550199");
    await check(page, "widgets-builder-complete");

    // Get Code saves the widget, then shows its snippet with the install steps.
    await getCode.click();
    const dialog = page.getByRole("dialog", { name: "Put the widget on your website" });
    await dialog.waitFor();
    const snippet = await dialog.getByLabel("Embed code").inputValue();
    const widgets = await tenant.as("admin")<{
      payload: { id: number; name: string; widget_token: string; whatsapp_number_id: number | null; settings: { colors: { primary: string } } }[];
    }>(200, "GET", "/chat_widgets");
    const made = widgets.payload.find((widget) => widget.name === "Harbor WhatsApp");
    expect(made?.settings.colors.primary).toBe("#aa3300");
    expect(made?.whatsapp_number_id).not.toBeNull();
    expect(snippet).toContain(`"${made?.widget_token}"`);
    expect(snippet).toContain("/widget.js");
    expect(page.url()).toMatch(new RegExp(`/settings/chat_widgets/${made?.id}$`));
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded === true)).toBe(true);
    await check(page, "widgets-get-code");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });

    await page.getByRole("link", { name: "Integrations" }).first().click();
    await page.getByRole("heading", { name: "Integrations", level: 1 }).waitFor();
    await page.getByRole("button", { name: "Remove Front desk (+14155550199)" }).waitFor();
    await check(page, "widgets-integrations");
    expect(errors.filter((error) => !/status of (401|422)/.test(error))).toEqual([]);
  });

  it("keeps settings from agents: no settings in their sidebar, and the screen says who may use it", async () => {
    const agent = await signIn(browser, tenant.users.agent);
    expect(await agent.page.getByRole("link", { name: "Sites > Chat Widgets" }).count()).toBe(0);
    await agent.page.goto(`/app/accounts/${tenant.account.id}/settings/chat_widgets`);
    await agent.page.getByRole("heading", { name: "Settings are for administrators" }).waitFor();
    await agent.context.close();
  });

  it("shows a configuration in the preview only when Parley's own console frames it, never one another site posts", async () => {
    const platform = inject("platformUrl");
    const forged = {
      type: "parley:preview",
      config: {
        token: "forged",
        type: "whatsapp",
        name: "Forged",
        locale: "en",
        colors: { primary: "#000000", text: "#ffffff" },
        greeting: { title: "Forged title", tagline: "" },
        avatar_url: null,
        logo_url: null,
        business: null,
        away_message: null,
        online: true,
        pre_chat_form: { enabled: false, message: null, fields: [] },
        unavailable: [],
        channels: { whatsapp: { url: "https://attacker.example.test/" } },
      },
    };
    // One frame names its real parent (another site), one pretends to be framed by Parley itself.
    const preview = (parent: string) => `${platform}/widget/app.html#${new URLSearchParams({ preview: "1", parent, embedded: "1" })}`;
    const url = website.page(
      "/framing-the-preview.html",
      `<!doctype html><html lang="en"><head><title>Another site</title></head><body>
<iframe id="honest" title="honest" src="${preview(website.url)}"></iframe>
<iframe id="lying" title="lying" src="${preview(platform)}"></iframe>
<script>
window.received = [];
addEventListener("message", (event) => {
  const from = ["honest", "lying"].find((id) => document.getElementById(id).contentWindow === event.source);
  window.received.push({ from, type: event.data && event.data.type });
});
</script>
</body></html>`,
    );
    const { page, context } = await consoleContext(browser);
    await page.goto(url);
    for (const id of ["honest", "lying"]) await page.frameLocator(`#${id}`).locator("#app").waitFor({ state: "attached" });
    await page.waitForTimeout(500);
    await page.evaluate((message) => {
      for (const id of ["honest", "lying"]) (document.getElementById(id) as HTMLIFrameElement).contentWindow?.postMessage(message, "*");
    }, forged);
    await page.waitForTimeout(500);
    for (const id of ["honest", "lying"]) expect(await page.frameLocator(`#${id}`).locator("body").innerText()).not.toContain("Forged title");
    // Not framed by Parley, the honest one is no preview: the plain chat app, which has no widget to show.
    expect(await page.frameLocator("#honest").locator("body").innerText()).toContain("This channel is not available yet.");
    // The lying one speaks only to Parley's origin: the other site never hears from it.
    const received = await page.evaluate(() => (window as unknown as { received: { from: string; type: string }[] }).received);
    expect(received.filter((message) => message.from === "lying")).toEqual([]);
    await context.close();
  });
});
