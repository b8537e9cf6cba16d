// The agent console at /app in real Chromium, against the whole platform: agents sign in through the
// sign-in form with passwords set through the Agency API, a visitor writes from a customer's page
// with the widget's Get Code snippet, and what each side sees is checked in the pages and through the
// APIs. Then every screen of the console is checked with axe-core and photographed.
import { copyFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium } from "./browser";
import {
  type ConsolePage,
  type ConsoleTenant,
  consoleContext,
  consoleTenant,
  conversationList,
  conversationPane,
  customerPage,
  type Person,
  screenshot,
  screenshotsDir,
  signIn,
  signInForm,
  visitorCall,
  visitorConversation,
  visitorOn,
  checkScreen,
  WAIT,
} from "./console-fixtures";
import { call, callExpecting } from "./platform-api";
import { startWebsite } from "./website";

/** The README's picture of the console; written only when UPDATE_README_SCREENSHOT=1 asks for it. */
const README_SCREENSHOT = fileURLToPath(new URL("../../docs/console.png", import.meta.url));

type StorageState = Awaited<ReturnType<BrowserContext["storageState"]>>;

/**
 * A signed-in console for `person`: the sign-in form the first time, that session's cookie (and the
 * browser's storage, unless `anotherDevice`) after.
 */
function sessions(browser: () => Browser, opened: BrowserContext[]) {
  const saved = new Map<number, StorageState>();
  return async (person: Person, options: Parameters<typeof signIn>[2] & { anotherDevice?: boolean } = {}): Promise<ConsolePage> => {
    const state = saved.get(person.id);
    let signedIn: ConsolePage;
    if (state) {
      const storageState = options.anotherDevice ? { cookies: state.cookies, origins: [] } : state;
      signedIn = await consoleContext(browser(), { ...options, storageState });
    } else {
      signedIn = await signIn(browser(), person, options);
      saved.set(person.id, await signedIn.context.storageState());
    }
    opened.push(signedIn.context);
    return signedIn;
  };
}

/** Marks the page's document, so a test can tell later that it was never reloaded. */
const markPage = (page: Page) => page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
const marked = (page: Page) => page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded === true);

/** Whether the focused element shows a focus indicator (an outline or a box-shadow ring). */
const focusShown = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return false;
    const style = getComputedStyle(el);
    return (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none";
  });

describe("the agent console, worked by two agents and a visitor", () => {
  let browser: Browser;
  let website: Awaited<ReturnType<typeof startWebsite>>;
  let tenant: ConsoleTenant;
  const opened: BrowserContext[] = [];
  let open: ReturnType<typeof sessions>;

  beforeAll(async () => {
    let launched: Browser;
    [launched, website] = await Promise.all([launchChromium(inject("chromium")), startWebsite()]);
    browser = launched;
    open = sessions(() => browser, opened);
    tenant = await consoleTenant({
      name: "Brightsmile Dental",
      websiteUrl: website.url,
      people: { admin: "Ada Admin", agent: "Alex Agent" },
      cannedResponses: [{ short_code: "hours", content: "This is {{agent.first_name}}: we are open Monday to Friday, 8am to 6pm." }],
    });
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((context) => context.close()));
  });

  afterAll(async () => {
    await browser?.close();
    await website?.close();
  });

  it("carries a visitor's chat from the widget to the agent, a canned answer back, a private note nowhere near the visitor, an assignment to the administrator and its resolution, all live", async () => {
    const { agent, admin } = tenant.users;
    const [alex, ada] = await Promise.all([open(agent), open(admin)]);
    const alexList = conversationList(alex.page);
    const adaList = conversationList(ada.page);
    await alexList.tab("Unassigned").click();
    await expect.poll(() => alexList.tab("Unassigned").getAttribute("aria-selected"), WAIT).toBe("true");
    expect(await adaList.tab("Mine").getAttribute("aria-selected")).toBe("true");
    await Promise.all([markPage(alex.page), markPage(ada.page)]);

    // A visitor writes from the customer's page.
    const visitor = await visitorOn(browser, website.page("/", customerPage("Brightsmile Dental", tenant.widget.embed)), tenant.widget.token);
    opened.push(visitor.context);
    await visitor.say("Hi, is there an opening for a cleaning this week?");
    const conversationId = await visitor.conversationId();

    // It shows in the agent's list without a reload, and opens.
    const row = alexList.row("opening for a cleaning");
    await row.waitFor();
    await row.click();
    const pane = conversationPane(alex.page);
    await pane.message("opening for a cleaning").waitFor();
    expect(alex.page.url()).toContain(`/conversations/${conversationId}`);

    // A canned response through `/`, rendered for this conversation as Chatwoot's dashboard fills it
    // (`agent` is the conversation's assignee, so Alex takes it first), sent with Enter.
    await tenant.as("admin")(200, "POST", `/conversations/${conversationId}/assignments`, { assignee_id: tenant.users.agent.id });
    await pane.reply.click();
    await pane.reply.pressSequentially("/hou");
    const hours = pane.canned.getByRole("option", { name: /\/hours/ });
    await hours.waitFor();
    await pane.reply.press("Enter");
    const answer = "This is Alex: we are open Monday to Friday, 8am to 6pm.";
    await expect.poll(() => pane.reply.inputValue(), WAIT).toBe(answer);
    await pane.reply.press("Enter");
    await visitor.log.getByText(answer).waitFor();

    // A private note: shown to agents as one, never to the visitor.
    const noteText = "Check whether Dr. Patel has Thursday afternoon free before offering it.";
    await pane.noteTab.click();
    await pane.note.fill(noteText);
    await pane.note.press("Enter");
    await pane.message(noteText).filter({ hasText: "Private note" }).waitFor();
    await pane.replyTab.click();
    await pane.reply.fill("Thursday at 3pm works. Shall I book it?");
    await pane.reply.press("Enter");
    // The reply sent after the note is the marker: once the visitor has it, the note would have come first.
    await visitor.log.getByText("Thursday at 3pm works. Shall I book it?").waitFor();
    expect(await visitor.log.textContent()).not.toContain("Dr. Patel");
    const session = await visitor.session();
    const clientView = await visitorCall<{ payload: { content: string; message_type: number }[] } | { content: string; message_type: number }[]>(
      visitor.address,
      200,
      "GET",
      `/public/api/v1/inboxes/${tenant.inbox.identifier}/contacts/${session?.sourceId}/conversations/${conversationId}/messages`,
    );
    const clientMessages = Array.isArray(clientView) ? clientView : clientView.payload;
    // What the visitor and the agent wrote (incoming and outgoing), without activity lines or the templates Parley adds (email collect after a first answer).
    expect(clientMessages.filter((m) => m.message_type === 0 || m.message_type === 1).map((m) => m.content)).toEqual([
      "Hi, is there an opening for a cleaning this week?",
      answer,
      "Thursday at 3pm works. Shall I book it?",
    ]);

    // The agent hands it to the administrator, who sees it arrive in Mine.
    await pane.assign.click();
    await alex.page.getByRole("menuitemradio", { name: /Ada Admin/ }).click();
    await adaList.row("Thursday at 3pm works").waitFor();
    await expect.poll(() => adaList.tab("Mine").textContent(), WAIT).toBe("Mine1");
    await screenshot(ada.page, "done-when-admin-mine");
    // … and it leaves the agent's Unassigned list.
    await alexList.row("Thursday at 3pm works").waitFor({ state: "detached" });

    // Resolved by the agent: it leaves the administrator's open list.
    await pane.resolve.click();
    await alex.page.getByRole("button", { name: "Reopen" }).waitFor();
    await adaList.row("Thursday at 3pm works").waitFor({ state: "detached" });
    await expect.poll(() => adaList.tab("Mine").textContent(), WAIT).toBe("Mine0");
    await expect.poll(() => alexList.tab("Unassigned").textContent(), WAIT).toBe("Unassigned0");
    const resolved = await tenant.as("admin")(200, "GET", `/conversations/${conversationId}`);
    expect(resolved).toMatchObject({ status: "resolved", meta: { assignee: { id: admin.id } } });
    await screenshot(alex.page, "done-when-agent-resolved");
    // Both pages are the ones loaded at the start: everything came live.
    expect(await Promise.all([marked(alex.page), marked(ada.page)])).toEqual([true, true]);
    expect(alex.errors).toEqual([]);
    expect(ada.errors).toEqual([]);
  });

  /** Conversations started by visitors through the Client API and assigned to the agent (their Mine list), newest last. */
  async function assignedToAgent(people: { name: string; says: string }[]) {
    const made = [];
    for (const person of people) {
      const conversation = await visitorConversation(tenant, { name: person.name }, [person.says]);
      await tenant.as("admin")(200, "POST", `/conversations/${conversation.id}/assignments`, { assignee_id: tenant.users.agent.id });
      made.push(conversation);
    }
    return made;
  }

  /** What has the keyboard focus: its accessible label (or id) and tag. */
  const focused = (page: Page) =>
    page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      const label = el?.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : null;
      return {
        tag: el?.tagName ?? null,
        name: el?.getAttribute("aria-label") ?? label ?? el?.textContent?.trim() ?? null,
        id: el?.id ?? null,
        role: el?.getAttribute("role") ?? null,
      };
    });

  it("is worked with the keyboard alone: sign in, move through the list, open, reply with Enter and Shift+Enter, resolve", async () => {
    const [, second, third] = await assignedToAgent([
      { name: "Keira Keys", says: "Can I move my appointment to Friday?" },
      { name: "Luis Lane", says: "Is my crown ready?" },
      { name: "Mona Marsh", says: "Do you do teeth whitening?" },
    ]);
    const { context, page, errors } = await consoleContext(browser);
    opened.push(context);
    const keyboard = page.keyboard;

    // Sign in: the email field has the focus, Tab reaches the password, Enter signs in.
    await page.goto("/app/login");
    await expect.poll(async () => (await focused(page)).name, WAIT).toBe("Email");
    await keyboard.type(tenant.users.agent.email);
    for (let presses = 0; presses < 3 && (await focused(page)).name !== "Password"; presses++) await keyboard.press("Tab");
    expect((await focused(page)).name).toBe("Password");
    await keyboard.type(tenant.users.agent.password);
    await keyboard.press("Enter");
    const list = conversationList(page);
    await list.row("teeth whitening").waitFor();
    // Newest activity first: Mona, Luis, Keira.
    await expect
      .poll(async () => (await list.rows().allTextContents()).map((text) => text.match(/Keira|Luis|Mona/)?.[0]), WAIT)
      .toEqual(["Mona", "Luis", "Keira"]);

    // `/` goes to search, the down arrow into the list, then from row to row; Enter opens.
    await keyboard.press("/");
    expect((await focused(page)).id).toBe("conv-search");
    expect(await focusShown(page)).toBe(true);
    await keyboard.press("ArrowDown");
    expect((await focused(page)).role).toBe("listbox");
    await keyboard.press("ArrowDown");
    const active = await list.listbox.getAttribute("aria-activedescendant");
    expect(await page.locator(`[id="${active}"]`).textContent()).toContain("Luis Lane");
    await screenshot(page, "keyboard-list");
    await keyboard.press("Enter");
    const pane = conversationPane(page);
    const header = page.getByRole("heading", { level: 2 });
    await expect.poll(() => header.textContent(), WAIT).toBe("Luis Lane");
    expect(page.url()).toContain(`/conversations/${second!.id}`);

    // Alt+J and Alt+K: the next and the previous conversation.
    await keyboard.press("Alt+KeyJ");
    await expect.poll(() => header.textContent(), WAIT).toBe("Keira Keys");
    await keyboard.press("Alt+KeyK");
    await expect.poll(() => header.textContent(), WAIT).toBe("Luis Lane");
    await keyboard.press("Alt+KeyK");
    await expect.poll(() => header.textContent(), WAIT).toBe("Mona Marsh");
    expect(page.url()).toContain(`/conversations/${third!.id}`);

    // Alt+L focuses the reply box; Shift+Enter breaks the line, Enter sends.
    await keyboard.press("Alt+KeyL");
    await expect.poll(async () => (await focused(page)).name, WAIT).toBe("Reply to the contact");
    expect(await focusShown(page)).toBe(true);
    await keyboard.type("Yes, we do.");
    await keyboard.press("Shift+Enter");
    await keyboard.type("It takes about an hour.");
    expect(await pane.reply.inputValue()).toBe("Yes, we do.\nIt takes about an hour.");
    await keyboard.press("Enter");
    await expect.poll(() => pane.reply.inputValue(), WAIT).toBe("");
    await pane.message("It takes about an hour.").filter({ hasText: "Alex Agent" }).waitFor();
    await expect
      // What the visitor and the agent wrote: not activity, nor the templates Parley adds (email collect after a first answer).
      .poll(
        async () =>
          (await tenant.as("agent")<{ payload: any[] }>(200, "GET", `/conversations/${third!.id}/messages`)).payload
            .filter((m) => m.message_type !== 2 && m.message_type !== 3)
            .map((m) => m.content),
        WAIT,
      )
      .toEqual(["Do you do teeth whitening?", "Yes, we do.\nIt takes about an hour."]);

    // Alt+E resolves it (from the reply box too), and it leaves the open list.
    await keyboard.press("Alt+KeyE");
    await page.getByRole("button", { name: "Reopen" }).waitFor();
    await list.row("teeth whitening").or(list.row("about an hour")).waitFor({ state: "detached" });
    expect(await tenant.as("agent")(200, "GET", `/conversations/${third!.id}`)).toMatchObject({ status: "resolved" });
    expect(await list.rows().count()).toBeGreaterThanOrEqual(2);
    expect(errors).toEqual([]);
  });

  it("lets the list and the conversation take turns in a phone-sized window, with a way back to the list", async () => {
    const [conversation] = await assignedToAgent([{ name: "Nadia Narrow", says: "Can you call me back this afternoon?" }]);
    // The same browser as on the wide screen, with what it remembered there (the contact panel open).
    const { page, errors } = await open(tenant.users.agent, { viewport: { width: 390, height: 844 } });
    await page.goto(`/app/accounts/${tenant.account.id}/conversations`);
    const list = conversationList(page);
    const pane = conversationPane(page);
    const row = list.row("call me back");
    await row.waitFor();
    expect(await page.getByRole("heading", { name: "Select a conversation" }).isVisible()).toBe(false);
    await screenshot(page, "narrow-list");

    await row.click();
    await pane.message("call me back").waitFor();
    expect(await page.getByRole("complementary", { name: "Contact details" }).count()).toBe(0);
    expect(await list.listbox.isVisible()).toBe(false);
    expect(await pane.region.isVisible()).toBe(true);
    expect(page.url()).toContain(`/conversations/${conversation!.id}`);
    // The page fits the window: nothing scrolls sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, "narrow-conversation");

    await pane.back.click();
    await list.listbox.waitFor({ state: "visible" });
    expect(await pane.region.count()).toBe(0);
    expect(new URL(page.url()).pathname).toBe(`/app/accounts/${tenant.account.id}/conversations`);
    // The browser's back button goes to the conversation again.
    await page.goBack();
    await pane.message("call me back").waitFor();
    expect(await list.listbox.isVisible()).toBe(false);
    expect(errors).toEqual([]);
  });

  it("calls a contact without a name, email or phone number Visitor in the list, the conversation's header, its messages and the contact panel", async () => {
    const conversation = await visitorConversation(tenant, {}, ["Hello? Is anyone reading this?"]);
    await tenant.as("admin")(200, "POST", `/conversations/${conversation.id}/assignments`, { assignee_id: tenant.users.agent.id });
    const { page, errors } = await open(tenant.users.agent, { viewport: { width: 1280, height: 800 } });
    await page.goto(`/app/accounts/${tenant.account.id}/conversations`);
    const row = conversationList(page).row("Is anyone reading this?");
    await row.waitFor();
    expect(await row.locator(".conv-row-name").textContent()).toBe("Visitor");
    await row.click();
    const pane = conversationPane(page);
    await pane.message("Is anyone reading this?").waitFor();
    expect(await page.getByRole("heading", { level: 2 }).textContent()).toBe("Visitor");
    expect(await pane.message("Is anyone reading this?").textContent()).toContain("Visitor");
    const contact = page.getByRole("complementary", { name: "Contact details" });
    if ((await contact.count()) === 0) await page.keyboard.press("Alt+KeyO");
    await contact.getByText("Visitor", { exact: true }).waitFor();
    expect(await page.getByText(/Unnamed/).count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it("keeps a row's assignee readable and its chips whole when a conversation has more labels than fit, counting the rest as +N", async () => {
    const [conversation] = await assignedToAgent([{ name: "Lena Labels", says: "I have a few things to sort out." }]);
    const labels = ["appointment", "billing", "insurance", "new-patient", "orthodontics", "follow-up"];
    await tenant.as("admin")(200, "POST", `/conversations/${conversation!.id}/labels`, { labels });
    await tenant.as("admin")(200, "POST", `/conversations/${conversation!.id}/toggle_priority`, { priority: "high" });
    const { page, errors } = await open(tenant.users.agent, { viewport: { width: 1280, height: 800 } });
    await page.goto(`/app/accounts/${tenant.account.id}/conversations`);
    const row = conversationList(page).row("a few things to sort out");
    await row.waitFor();
    const more = row.locator(".conv-row-more");
    await more.waitFor();
    const shown = await row.locator(".conv-row-chips").evaluate((box) => {
      const edge = box.getBoundingClientRect();
      const chips = [...box.querySelectorAll<HTMLElement>(".chip")];
      const inSight = chips.filter((chip) => chip.getBoundingClientRect().top < edge.bottom);
      const hidden = chips.filter((chip) => chip.getBoundingClientRect().top >= edge.bottom).map((chip) => chip.textContent?.replace(/^Label: /, ""));
      return {
        inSight: inSight.length,
        all: chips.length,
        hidden,
        whole: inSight.every((chip) => chip.scrollWidth <= chip.clientWidth && chip.getBoundingClientRect().right <= edge.right + 0.5),
      };
    });
    expect(shown.all).toBe(labels.length + 1);
    expect(shown.whole).toBe(true);
    expect(await more.textContent()).toBe(`+${shown.all - shown.inSight}`);
    // The labels out of sight are named in the +N chip's title, and every label is still in the row's text for screen readers.
    expect((await more.getAttribute("title"))?.split(", ")).toEqual(shown.hidden);
    for (const label of labels) expect(await row.textContent()).toContain(label);
    expect(await row.getByText("Alex Agent").evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await screenshot(page, "list-row-many-labels");
    expect(errors).toEqual([]);
  });

  it("shows a message the visitor sent after the conversation loaded but before its /cable subscription was confirmed", async () => {
    const [conversation] = await assignedToAgent([{ name: "Sima Early", says: "Are you open on Saturdays?" }]);
    const { context, page, errors } = await open(tenant.users.agent);
    // The socket's frames pass through here; the subscribe frame waits until the test lets it go.
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    await context.routeWebSocket(/\/cable$/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((frame) => {
        if (typeof frame === "string" && frame.includes('"subscribe"')) {
          held = true;
          void released.then(() => server.send(frame));
        } else server.send(frame);
      });
    });
    await page.goto(`/app/accounts/${tenant.account.id}/conversations/${conversation!.id}`);
    const pane = conversationPane(page);
    await pane.message("open on Saturdays?").waitFor();
    await expect.poll(() => held, WAIT).toBe(true);
    // Published while the console holds the conversation but is not yet subscribed: no live event reaches it.
    await conversation!.say("Or on Sunday mornings?");
    release();
    await pane.message("Sunday mornings").waitFor();
    expect(await pane.message("Sunday mornings").count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it("shows an offline banner while /cable is down and, once reconnected, the visitor's messages sent meanwhile, each once", async () => {
    const [conversation] = await assignedToAgent([{ name: "Omar Offline", says: "Hello, anyone there?" }]);
    const { context, page, errors } = await open(tenant.users.agent);
    // Every /cable socket of this context goes through here: passed on to the server while online,
    // refused while offline, so the drop lasts as long as the test wants it to.
    let online = true;
    const sockets: import("playwright-core").WebSocketRoute[] = [];
    await context.routeWebSocket(/\/cable$/, (ws) => {
      if (!online) return void ws.close({ code: 1011, reason: "offline" });
      ws.connectToServer();
      sockets.push(ws);
    });
    await page.goto(`/app/accounts/${tenant.account.id}/conversations/${conversation!.id}`);
    const pane = conversationPane(page);
    const list = conversationList(page);
    await pane.message("anyone there?").waitFor();
    await expect.poll(() => sockets.length, WAIT).toBe(1);
    // Live first: a message arrives over the socket.
    await conversation!.say("My tooth hurts when I drink something cold.");
    await pane.message("drink something cold").waitFor();

    const banner = page.getByRole("status").filter({ hasText: "You are offline" });
    await markPage(page);
    online = false;
    await context.setOffline(true);
    await Promise.all(sockets.map((ws) => ws.close({ code: 1001, reason: "going away" })));
    await banner.waitFor();
    await screenshot(page, "offline-banner");

    await conversation!.say("Is it OK to come in today?");
    await conversation!.say("I can be there at noon.");

    online = true;
    await context.setOffline(false);
    await banner.waitFor({ state: "detached", timeout: 15_000 });
    await pane.message("I can be there at noon.").waitFor();
    await list.row("I can be there at noon.").waitFor();
    // A message after the reconnect marks the moment everything missed has been drawn.
    await conversation!.say("Thanks!");
    await pane.message("Thanks!").waitFor();
    for (const text of ["anyone there?", "drink something cold", "Is it OK to come in today?", "I can be there at noon.", "Thanks!"]) {
      expect(await pane.message(text).count(), text).toBe(1);
    }
    expect(await list.row("Thanks!").count()).toBe(1);
    expect(await marked(page)).toBe(true);
    expect(errors).toEqual([]);
  });

  it("goes back to sign-in when its session is revoked elsewhere, and says what an API error was in words", async () => {
    const agent = tenant.users.agent;
    const asAgent = { token: agent.access_token, header: "api_access_token" } as const;
    const sessionIds = async () =>
      (await callExpecting<{ payload: { id: number | string }[] }>(200, "GET", "/api/v1/profile/sessions", asAgent)).payload.map((s) => s.id);
    const before = await sessionIds();
    const revoked = await signIn(browser, agent);
    opened.push(revoked.context);
    const made = (await sessionIds()).filter((id) => !before.includes(id));
    expect(made).toHaveLength(1);
    await markPage(revoked.page);
    const deleted = await call("DELETE", `/api/v1/profile/sessions/${made[0]}`, asAgent);
    expect([200, 204]).toContain(deleted.status);
    // No click, no reload: /cable tells the console the session ended.
    const form = signInForm(revoked.page);
    await form.heading.waitFor();
    await revoked.page.getByText("Your session has ended. Sign in again.").waitFor();
    expect(new URL(revoked.page.url()).pathname).toBe("/app/login");
    expect(await marked(revoked.page)).toBe(true);
    await screenshot(revoked.page, "session-expired");

    // An API error, in words: a conversation that does not exist …
    const { page, errors } = await open(agent);
    await page.goto(`/app/accounts/${tenant.account.id}/conversations/999999`);
    const problem = page.getByRole("alert").filter({ hasText: "could not be loaded" });
    await problem.waitFor();
    const text = (await problem.textContent()) ?? "";
    expect(text).toMatch(/^The conversation could not be loaded: [A-Z][^{}]{8,}/);
    expect(text).not.toMatch(/undefined|\[object|HTTP \d|http_\d/);
    // It cannot come back by trying again: no retry, a way back to the list instead.
    expect(await page.getByRole("button", { name: "Try again" }).count()).toBe(0);
    const backToList = page.getByRole("link", { name: "Back to conversations" });
    await backToList.waitFor();
    await screenshot(page, "api-error-conversation");
    await backToList.click();
    await expect.poll(() => new URL(page.url()).pathname, WAIT).toBe(`/app/accounts/${tenant.account.id}/conversations`);

    // … and a wrong current password on the profile.
    await page.goto(`/app/accounts/${tenant.account.id}/profile`);
    await page.getByLabel("Current password").fill("not-my-password");
    await page.getByLabel("New password", { exact: true }).fill("a-new-password-123");
    await page.getByLabel("Confirm the new password").fill("a-new-password-123");
    await page.getByRole("button", { name: "Change the password" }).click();
    const refused = page.getByRole("alert");
    await refused.waitFor();
    expect(await refused.textContent()).toMatch(/[A-Z][a-z]+ .*password/i);
    expect(await refused.textContent()).not.toMatch(/undefined|\[object|HTTP \d|http_\d/);
    // The session is still on: the failed change signed nobody out.
    await page.reload();
    await page.getByRole("heading", { name: "Profile" }).waitFor();
    expect(errors.filter((e) => !/status of (404|422)/.test(e))).toEqual([]);
  });
});

describe("every screen of the console, checked with axe-core and photographed", () => {
  let browser: Browser;
  let website: Awaited<ReturnType<typeof startWebsite>>;
  let tenant: ConsoleTenant;
  let maria: number;
  const opened: BrowserContext[] = [];
  let open: ReturnType<typeof sessions>;
  const wide = { width: 1280, height: 800 };
  const narrow = { width: 390, height: 844 };

  /** A dental practice's morning: five visitors, replies, a private note, labels, priorities and assignees. */
  async function seedPractice() {
    const agent = tenant.as("agent");
    const admin = tenant.as("admin");
    const practice = [
      {
        contact: { name: "Tom Becker", email: "tom.becker@example.test" },
        says: ["Do you take dental insurance? Mine is through my employer."],
      },
      {
        contact: { name: "Sam Reed", email: "sam.reed@example.test" },
        says: ["Could you send me a copy of my last invoice? I need it for my tax return."],
        labels: ["billing"],
        assignee: tenant.users.admin.id,
      },
      {
        contact: { name: "Daniel Kim", email: "daniel.kim@example.test" },
        says: ["Thanks for fitting me in yesterday, the filling feels great."],
        replies: ["Glad to hear it, Daniel! Call us if anything feels off."],
        status: "pending",
      },
      {
        contact: { name: "Priya Shah", email: "priya.shah@example.test" },
        says: ["My retainer cracked this morning. Can someone look at it today?"],
        labels: ["appointment"],
        priority: "urgent",
        assignee: tenant.users.agent.id,
      },
    ];
    for (const spec of practice) {
      const conversation = await visitorConversation(tenant, spec.contact, spec.says);
      for (const content of spec.replies ?? []) await agent(200, "POST", `/conversations/${conversation.id}/messages`, { content });
      if (spec.labels) await admin(200, "POST", `/conversations/${conversation.id}/labels`, { labels: spec.labels });
      if (spec.priority) await admin(200, "POST", `/conversations/${conversation.id}/toggle_priority`, { priority: spec.priority });
      if (spec.assignee) await admin(200, "POST", `/conversations/${conversation.id}/assignments`, { assignee_id: spec.assignee });
      if (spec.status) await admin(200, "POST", `/conversations/${conversation.id}/toggle_status`, { status: spec.status });
    }
    // The conversation on screen: Maria's, worked by Alex, newest of all.
    const conversation = await visitorConversation(tenant, { name: "Maria Lopez", email: "maria.lopez@example.test" }, [
      "Hi! Do you have an opening for a cleaning next week?",
    ]);
    const path = `/conversations/${conversation.id}`;
    await admin(200, "POST", `${path}/assignments`, { assignee_id: tenant.users.agent.id });
    await agent(200, "POST", `${path}/messages`, { content: "Hi Maria, we do: Tuesday at 10am or Thursday at 3pm. Which suits you better?" });
    await conversation.say("Thursday at 3pm, please. Could my son come along too? He is 8.");
    await agent(200, "POST", `${path}/messages`, {
      content: "Dr. Patel sees children on Thursdays: booking them back to back, 3pm and 3:45pm.",
      private: true,
    });
    await agent(200, "POST", `${path}/messages`, { content: "Of course! You are both booked for Thursday with Dr. Patel, at 3pm and 3:45pm. See you then!" });
    await conversation.say("Perfect, thank you so much!");
    await admin(200, "POST", `${path}/labels`, { labels: ["appointment", "new-patient"] });
    await admin(200, "POST", `${path}/toggle_priority`, { priority: "medium" });
    return conversation.id;
  }

  beforeAll(async () => {
    let launched: Browser;
    [launched, website] = await Promise.all([launchChromium(inject("chromium")), startWebsite()]);
    browser = launched;
    open = sessions(() => browser, opened);
    tenant = await consoleTenant({
      name: "Brightsmile Dental",
      websiteUrl: website.url,
      people: { admin: "Ada Admin", agent: "Alex Agent" },
      labels: [
        { title: "appointment", color: "#2563eb", description: "Booking, moving or cancelling a visit" },
        { title: "billing", color: "#d97706", description: "Invoices, payments and insurance" },
        { title: "new-patient", color: "#059669", description: "First visit" },
      ],
      cannedResponses: [{ short_code: "hours", content: "We are open Monday to Friday, 8am to 6pm." }],
    });
    maria = await seedPractice();
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((context) => context.close()));
  });

  afterAll(async () => {
    await browser?.close();
    await website?.close();
  });

  const inbox = () => `/app/accounts/${tenant.account.id}/conversations?assignee=all`;
  const conversation = () => `/app/accounts/${tenant.account.id}/conversations/${maria}?assignee=all`;

  const check = checkScreen;

  /** Maria's conversation, open and drawn. */
  async function openMaria(page: Page) {
    await page.goto(conversation());
    await conversationPane(page).message("Perfect, thank you so much!").waitFor();
  }

  it("sign-in, with and without a refused attempt", async () => {
    const { page, context, errors } = await consoleContext(browser, { viewport: wide });
    opened.push(context);
    await page.goto("/app/login");
    const form = signInForm(page);
    await form.heading.waitFor();
    await check(page, "sign-in");
    await form.email.fill("nobody@example.test");
    await form.password.fill("not-a-password");
    await form.submit.click();
    await page.getByRole("alert").filter({ hasText: "The email or the password is not right." }).waitFor();
    await check(page, "sign-in-refused");
    expect(errors).toEqual([]);
  });

  it("forgot password and set password", async () => {
    const { page, context, errors } = await consoleContext(browser, { viewport: wide });
    opened.push(context);
    await page.goto("/app/login");
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.getByRole("heading", { name: "Reset your password" }).waitFor();
    // Reached without a page load: the new form's field has the focus, as on a fresh load.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), WAIT).toBe("forgot-email");
    await check(page, "forgot-password");
    await page.getByLabel("Email").fill("nobody@example.test");
    await page.getByRole("button", { name: "Send the link" }).click();
    await page.getByRole("status").filter({ hasText: "a link to set a new password is on its way" }).waitFor();
    await check(page, "forgot-password-sent");
    await page.getByRole("link", { name: "Back to sign in" }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), WAIT).toBe("login-email");
    await page.goto("/app/auth/password/edit?reset_password_token=an-old-link");
    await page.getByRole("heading", { name: "Set your password" }).waitFor();
    await check(page, "set-password");
    expect(errors).toEqual([]);
  });

  it("the inbox list", async () => {
    const { page, errors } = await open(tenant.users.agent, { viewport: wide });
    await page.goto(inbox());
    await conversationList(page).row("Perfect, thank you so much!").waitFor();
    await expect.poll(() => conversationList(page).rows().count(), WAIT).toBe(4);
    // Maria's row (a priority and two labels): the assignee's name is whole, every chip in sight is whole.
    const maria = conversationList(page).row("Perfect, thank you so much!");
    expect(await maria.getByText("Alex Agent").evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    const clipped = await conversationList(page).listbox.evaluate((list) =>
      [...list.querySelectorAll<HTMLElement>(".conv-row-chips")].flatMap((box) => {
        const edge = box.getBoundingClientRect();
        return [...box.querySelectorAll<HTMLElement>(".chip")]
          .filter((chip) => chip.getBoundingClientRect().top < edge.bottom)
          .filter((chip) => chip.scrollWidth > chip.clientWidth || chip.getBoundingClientRect().right > edge.right + 0.5)
          .map((chip) => chip.textContent);
      }),
    );
    expect(clipped).toEqual([]);
    await check(page, "inbox-list");
    expect(errors).toEqual([]);
  });

  it("an open conversation, its menus and the canned responses", async () => {
    const { page, errors } = await open(tenant.users.agent, { viewport: wide });
    await openMaria(page);
    await check(page, "conversation");
    const pane = conversationPane(page);
    await pane.assign.click();
    await page
      .getByRole("menu", { name: "Assign an agent" })
      .getByRole("menuitemradio", { name: /Ada Admin/ })
      .waitFor();
    await check(page, "conversation-assign-menu");
    await page.keyboard.press("Escape");
    await pane.reply.fill("/");
    await pane.canned.getByRole("option").first().waitFor();
    await check(page, "conversation-canned-responses");
    await pane.reply.fill("");
    await pane.noteTab.click();
    await check(page, "conversation-private-note");
    expect(errors).toEqual([]);
  });

  it("the profile", async () => {
    const { page, errors } = await open(tenant.users.agent, { viewport: wide });
    await page.goto(`/app/accounts/${tenant.account.id}/profile`);
    await page.getByRole("heading", { name: "Where you are signed in" }).waitFor();
    await page.getByText("This browser").waitFor();
    await check(page, "profile");
    expect(errors).toEqual([]);
  });

  it("the notifications panel, the shortcuts and the profile menu", async () => {
    const { page, errors } = await open(tenant.users.agent, { viewport: wide });
    await page.goto(inbox());
    await conversationList(page).row("Perfect").waitFor();
    await page.getByRole("button", { name: /^Notifications/ }).click();
    const panel = page.getByRole("dialog", { name: "Notifications" });
    await panel
      .getByText(/has been assigned to you/)
      .first()
      .waitFor();
    // Every notification in plain words, the new message's with its text, none with a push title's "[…] -" prefix.
    await panel.getByText("New message in #").first().waitFor();
    expect(await panel.getByRole("listitem").allTextContents()).not.toContainEqual(expect.stringMatching(/\[[A-Za-z ]+\] -/));
    await check(page, "notifications");
    await page.keyboard.press("Escape");
    await panel.waitFor({ state: "detached" });
    await page.keyboard.press("?");
    const shortcuts = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await shortcuts.waitFor();
    expect(await shortcuts.getByRole("definition").allTextContents()).toContain("Alt + Shift + A");
    await check(page, "shortcuts");
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: /profile and settings/ }).click();
    await page.getByRole("menu").waitFor();
    await check(page, "profile-menu");
    expect(errors).toEqual([]);
  });

  it("dark mode: the list and an open conversation", async () => {
    const { page, errors } = await open(tenant.users.agent, { viewport: wide, colorScheme: "dark" });
    await openMaria(page);
    expect(await page.evaluate(() => matchMedia("(prefers-color-scheme: dark)").matches)).toBe(true);
    await check(page, "dark-conversation");
    await page.goto(inbox());
    await conversationList(page).row("Perfect").waitFor();
    await check(page, "dark-inbox-list");
    expect(errors).toEqual([]);
  });

  it("a phone-sized window: the list, then the conversation", async () => {
    const { page, errors } = await open(tenant.users.agent, { viewport: narrow, anotherDevice: true });
    await page.goto(inbox());
    await conversationList(page).row("Perfect").waitFor();
    await check(page, "narrow-inbox-list");
    await conversationList(page).row("Perfect").click();
    await conversationPane(page).message("Perfect, thank you so much!").waitFor();
    await check(page, "narrow-open-conversation");
    expect(errors).toEqual([]);
  });

  it("the README's screenshot: a wide console in light mode with a conversation open", async () => {
    const { page, errors } = await open(tenant.users.agent, { viewport: { width: 1440, height: 900 }, timezoneId: "Europe/Berlin" });
    await openMaria(page);
    // Open and read: the row's unread count is gone.
    const row = conversationList(page).row("Perfect, thank you so much!");
    await row.getByLabel(/unread message/).waitFor({ state: "detached" });
    const contact = page.getByRole("complementary", { name: "Contact details" });
    await contact.getByRole("link", { name: "maria.lopez@example.test" }).waitFor();
    await contact.getByText("Loading…").first().waitFor({ state: "detached" });
    await screenshot(page, "readme-console");
    const shot = `${screenshotsDir}readme-console.png`;
    expect(statSync(shot).size).toBeLessThan(250_000);
    if (process.env.UPDATE_README_SCREENSHOT === "1") copyFileSync(shot, README_SCREENSHOT);
    expect(errors).toEqual([]);
  });
});
