// A visitor and an agent, each in their own browser page on a website's origin, talk through a running
// platform with the unmodified @rails/actioncable client over a bare ws://…/cable.
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium } from "./browser";
import { openCablePage } from "./cable-page";
import { callExpecting, visitorConversation } from "./platform-api";
import { startWebsite } from "./website";

const resultsDir = fileURLToPath(new URL("../../test-results/", import.meta.url));

describe("realtime in the browser with @rails/actioncable", () => {
  let browser: Browser;
  let website: Awaited<ReturnType<typeof startWebsite>>;
  let session: Awaited<ReturnType<typeof visitorConversation>>;
  let visitor: Awaited<ReturnType<typeof openCablePage>>;
  let agent: Awaited<ReturnType<typeof openCablePage>>;

  beforeAll(async () => {
    [browser, website, session] = await Promise.all([launchChromium(inject("chromium")), startWebsite(), visitorConversation()]);
    const cableUrl = `${inject("platformUrl").replace(/^http/, "ws")}/cable`;
    [visitor, agent] = await Promise.all([
      openCablePage(browser, {
        title: "Visitor",
        websiteUrl: website.url,
        cableUrl,
        params: { channel: "RoomChannel", pubsub_token: session.contact.pubsub_token },
      }),
      openCablePage(browser, {
        title: "Agent",
        websiteUrl: website.url,
        cableUrl,
        params: { channel: "RoomChannel", pubsub_token: session.admin.pubsub_token, account_id: session.account.id, user_id: session.admin.id },
      }),
    ]);
  });

  afterAll(async () => {
    if (agent) {
      mkdirSync(resultsDir, { recursive: true });
      await agent.page.screenshot({ path: `${resultsDir}realtime-agent.png`, fullPage: true });
    }
    await browser?.close();
    await website?.close();
  });

  it("confirms the visitor with only the contact's pubsub token and the agent with account_id and user_id", async () => {
    expect((await visitor.subscriptionAnswer()).callback).toBe("connected");
    expect((await agent.subscriptionAnswer()).callback).toBe("connected");
  });

  it("delivers the visitor's message to the agent's page", async () => {
    await callExpecting(200, "POST", `${session.visitorPath}/messages`, { body: { content: "Hello, is anyone there?" } });
    const received = await agent.waitForEvent("message.created", (data) => data.content === "Hello, is anyone there?");
    expect(received.data).toMatchObject({ conversation_id: session.conversation.id, message_type: 0, sender: { type: "contact" } });
  });

  it("delivers the agent's reply to the visitor's page", async () => {
    await callExpecting(200, "POST", `${session.agentPath}/messages`, {
      token: session.admin.access_token,
      header: "api_access_token",
      body: { content: "Hi Vera, how can I help?", message_type: "outgoing" },
    });
    const received = await visitor.waitForEvent("message.created", (data) => data.content === "Hi Vera, how can I help?");
    expect(received.data).toMatchObject({ conversation_id: session.conversation.id, message_type: 1 });
  });

  it("shows a private note on the agent's page and never on the visitor's", async () => {
    const note = { content: "Note to self: she asked twice", message_type: "outgoing", private: true };
    await callExpecting(200, "POST", `${session.agentPath}/messages`, { token: session.admin.access_token, header: "api_access_token", body: note });
    const seenByAgent = await agent.waitForEvent("message.created", (data) => data.content === note.content);
    expect(seenByAgent.data).toMatchObject({ private: true });

    // Events reach a page in the order they were sent: once a later reply arrives, the note had its chance.
    await callExpecting(200, "POST", `${session.agentPath}/messages`, {
      token: session.admin.access_token,
      header: "api_access_token",
      body: { content: "Let me check that for you.", message_type: "outgoing" },
    });
    await visitor.waitForEvent("message.created", (data) => data.content === "Let me check that for you.");
    expect(JSON.stringify(await visitor.entries())).not.toContain(note.content);
  });

  it("shows the visitor typing on the agent's page", async () => {
    await callExpecting(200, "POST", `${session.visitorPath}/toggle_typing`, { body: { typing_status: "on" } });
    const typing = await agent.waitForEvent("conversation.typing_on");
    expect(typing.data).toMatchObject({
      conversation: { id: session.conversation.id },
      user: { id: session.contact.id, type: "contact" },
    });
  });

  it("answers the agent's update_presence with the visitor online", async () => {
    const since = (await agent.entries()).length; // subscribing sent one already: wait for the answer
    await agent.perform("update_presence");
    const presence = await agent.waitForEvent("presence.update", (data) => data.contacts?.[String(session.contact.id)] === "online", since);
    expect(presence.data).toMatchObject({ account_id: session.account.id, users: { [String(session.admin.id)]: "online" } });
  });
});
