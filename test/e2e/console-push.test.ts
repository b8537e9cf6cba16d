// Browser notifications in real Chromium: the profile's card tells a person, in words, whether this
// browser receives their notifications and why not; and a push Parley sends reaches the console's
// service worker, which shows it.
//
// The headless shell the other browser tests use answers "denied" to every notification permission,
// so it shows the blocked state. Showing a notification takes a full Chromium: the machine's own
// (/usr/bin/chromium, which .ci/run installs from Debian's packages where it can). The browser's own
// push service is out of reach on a closed network, so the test stands in for it: the subscription
// names a local push service, which checks the VAPID signature and decrypts what Parley sent as the
// browser would, and the DevTools protocol hands that message to the console's service worker
// (`ServiceWorker.deliverPushMessage`), as the push service would.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type PushRequest, pushBrowser, readPush, vapidClaims } from "../support/web-push-receiver";
import { launchChromium } from "./browser";
import { type ConsolePage, type ConsoleTenant, checkScreen, consoleTenant, signIn, visitorConversation, WAIT } from "./console-fixtures";
import { callExpecting } from "./platform-api";

describe("browser notifications", () => {
  let browser: Browser;
  let tenant: ConsoleTenant;
  let agent: ConsolePage;

  beforeAll(async () => {
    browser = await launchChromium(inject("chromium"));
    tenant = await consoleTenant({ name: "Harbor Clinic", websiteUrl: "https://harbor-clinic.example.test" });
    agent = await signIn(browser, tenant.users.agent);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("says in words when the browser blocks notifications, in a card a person reaches from the profile", async () => {
    const { page } = agent;
    await page.goto(`/app/accounts/${tenant.account.id}/profile`);
    const card = page.getByRole("region", { name: "Browser notifications" });
    const permission = await page.evaluate(() => Notification.permission);
    if (permission === "denied") {
      await card.getByText("Notifications are blocked for this site", { exact: false }).waitFor();
    } else {
      await card.getByRole("button", { name: "Turn on browser notifications" }).waitFor();
    }
    await card.scrollIntoViewIfNeeded();
    await checkScreen(page, "profile-browser-notifications");
    expect(agent.errors).toEqual([]);
  });
});

/** A push service on loopback: records what it receives and answers 201, as a push service does. */
async function localPushService(): Promise<{ server: Server; url: string; received: PushRequest[] }> {
  const received: PushRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
      received.push({ headers, bodyBase64: Buffer.concat(chunks).toString("base64") });
      response.writeHead(201).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const fullChromium = inject("fullChromium");

describe.runIf(fullChromium !== null)("browser notifications shown by a full Chromium (/usr/bin/chromium; skipped without one)", () => {
  let browser: Browser;
  let tenant: ConsoleTenant;
  let agent: ConsolePage;
  let pushService: Awaited<ReturnType<typeof localPushService>>;

  beforeAll(async () => {
    browser = await launchChromium(fullChromium as NonNullable<typeof fullChromium>);
    [tenant, pushService] = await Promise.all([
      consoleTenant({ name: "Quayside Dental", websiteUrl: "https://quayside-dental.example.test" }),
      localPushService(),
    ]);
    agent = await signIn(browser, tenant.users.agent);
    await agent.context.grantPermissions(["notifications"], { origin: inject("platformUrl") });
  });

  afterAll(async () => {
    await browser?.close();
    pushService?.server.close();
  });

  it("shows a conversation assigned to the agent as a notification from the console's service worker, naming its conversation", async () => {
    const { page } = agent;
    await page.goto(`/app/accounts/${tenant.account.id}/profile`);
    const card = page.getByRole("region", { name: "Browser notifications" });
    // Allowed: the card offers to subscribe, and has registered the service worker that shows pushes.
    await card.getByRole("button", { name: "Turn on browser notifications" }).waitFor();
    await card.getByText("This browser does not receive your notifications.").waitFor();
    await card.scrollIntoViewIfNeeded();
    await checkScreen(page, "profile-browser-notifications-allowed");
    await expect
      .poll(() => page.evaluate(async () => (await navigator.serviceWorker.getRegistration("/app/assets/"))?.active?.state ?? null), WAIT)
      .toBe("activated");

    // The subscription this browser would make, at the local push service.
    const subscriber = await pushBrowser(`${pushService.url}/push/quayside-agent`);
    const token = tenant.users.agent.access_token;
    await callExpecting(200, "POST", "/api/v1/notification_subscriptions", {
      token,
      header: "api_access_token",
      body: {
        notification_subscription: {
          subscription_type: "browser_push",
          subscription_attributes: { endpoint: subscriber.endpoint, p256dh: subscriber.p256dh, auth: subscriber.auth },
        },
      },
    });

    // A visitor writes in and an administrator assigns the conversation to the agent.
    const conversation = await visitorConversation(tenant, { name: "Nora Quinn" }, ["My crown came loose, can I come in today?"]);
    await tenant.as("admin")(200, "POST", `/conversations/${conversation.id}/assignments`, { assignee_id: tenant.users.agent.id });

    // Parley pushes it, signed with the installation's VAPID key and encrypted for this browser.
    await expect.poll(() => pushService.received.length, WAIT).toBeGreaterThan(0);
    const [request] = pushService.received as [PushRequest];
    const { vapid_public_key: vapidKey } = await callExpecting<{ vapid_public_key: string }>(
      200,
      "GET",
      "/api/v1/notification_subscriptions/vapid_public_key",
      {
        token,
        header: "api_access_token",
      },
    );
    expect((await vapidClaims(request, vapidKey)).aud).toBe(pushService.url);
    const message = (await readPush(subscriber, request)) as { title: string; tag: string; url: string };
    const conversationUrl = `${inject("platformUrl")}/app/accounts/${tenant.account.id}/conversations/${conversation.id}`;
    expect(message.url).toBe(conversationUrl);

    // The push service hands it to the console's service worker, which shows it.
    const devtools = await agent.context.newCDPSession(page);
    const registrations: { registrationId: string; scopeURL: string; isDeleted: boolean }[] = [];
    devtools.on("ServiceWorker.workerRegistrationUpdated", (event) => registrations.push(...event.registrations));
    await devtools.send("ServiceWorker.enable");
    await expect.poll(() => registrations.some((r) => r.scopeURL.endsWith("/app/assets/") && !r.isDeleted), WAIT).toBe(true);
    const registration = registrations.find((r) => r.scopeURL.endsWith("/app/assets/") && !r.isDeleted);
    await devtools.send("ServiceWorker.deliverPushMessage", {
      origin: inject("platformUrl"),
      registrationId: registration?.registrationId ?? "",
      data: JSON.stringify(message),
    });
    const shown = () =>
      page.evaluate(async () => {
        const worker = await navigator.serviceWorker.getRegistration("/app/assets/");
        return (await worker?.getNotifications())?.map((n) => ({ title: n.title, tag: n.tag, url: (n.data as { url?: string } | null)?.url })) ?? [];
      });
    await expect.poll(shown, WAIT).toEqual([{ title: message.title, tag: message.tag, url: conversationUrl }]);
    expect(message.title).toContain(`#${conversation.id}`);
    expect(agent.errors).toEqual([]);
  });
});
