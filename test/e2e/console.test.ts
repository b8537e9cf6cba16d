// The agent console at /app in real Chromium, against the whole platform: agents sign in through the
// sign-in form with passwords set through the Agency API, a visitor writes from a customer's page
// with the widget's Get Code snippet, and what each side sees is checked in the pages and through the
// APIs. Then every screen of the console is checked with axe-core and photographed.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { seriousViolations } from "./axe";
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
  signIn,
  signInForm,
  visitorConversation,
  visitorOn,
  WAIT,
} from "./console-fixtures";
import { call, callExpecting } from "./platform-api";
import { startWebsite } from "./website";
import { inject } from "vitest";

type StorageState = Awaited<ReturnType<BrowserContext["storageState"]>>;

/** A signed-in console for `person`: the sign-in form the first time, that session's cookie after. */
function sessions(browser: () => Browser, opened: BrowserContext[]) {
  const saved = new Map<number, StorageState>();
  return async (person: Person, options: Parameters<typeof signIn>[2] = {}): Promise<ConsolePage> => {
    const state = saved.get(person.id);
    let console: ConsolePage;
    if (state) {
      console = await consoleContext(browser(), { ...options, storageState: state });
    } else {
      console = await signIn(browser(), person, options);
      saved.set(person.id, await console.context.storageState());
    }
    opened.push(console.context);
    return console;
  };
}

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

    // A canned response through `/`, rendered for this conversation, sent with Enter.
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
    const clientView = await callExpecting<{ payload: { content: string }[] } | { content: string }[]>(
      200,
      "GET",
      `/public/api/v1/inboxes/${tenant.inbox.identifier}/contacts/${session?.sourceId}/conversations/${conversationId}/messages`,
    );
    const clientMessages = Array.isArray(clientView) ? clientView : clientView.payload;
    expect(clientMessages.map((m) => m.content)).toEqual(["Hi, is there an opening for a cleaning this week?", answer, "Thursday at 3pm works. Shall I book it?"]);

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
    expect(alex.errors).toEqual([]);
    expect(ada.errors).toEqual([]);
  });
});
