import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import type { JobMessage } from "../../src/jobs/messages";
import { sweepNotificationDeliveries } from "../../src/jobs/notification-delivery";
import { call, clientSession, eventually, expectStatus, tenant, unique } from "./helpers";
import { programSink, sinkHost, sinkRequests } from "./outbound";
import { pushBrowser, readPush, vapidClaims } from "../support/web-push-receiver";

type Tenant = Awaited<ReturnType<typeof tenant>>;
const as = (user: { access_token: string }) => ({ token: user.access_token });

async function subscribe(user: { access_token: string }, subscription: Record<string, unknown>) {
  const reply = await call("POST", "/api/v1/notification_subscriptions", { ...as(user), body: { notification_subscription: subscription } });
  expectStatus(reply, 200);
  return reply.body as { id: number; subscription_type: string; identifier: string };
}

/** The agent, a member of a new API inbox, and a conversation there that the administrator assigns to them. */
async function assignedToAgent(t: Tenant) {
  const session = await clientSession(t);
  const members = await call("POST", `/api/v1/accounts/${t.account.id}/inbox_members`, {
    ...as(t.admin),
    body: { inbox_id: session.inbox.id, user_ids: [t.agent.id] },
  });
  expectStatus(members, 200);
  return session;
}

async function assign(t: Tenant, displayId: number, userId: number) {
  const reply = await call("POST", `/api/v1/accounts/${t.account.id}/conversations/${displayId}/assignments`, {
    ...as(t.admin),
    body: { assignee_id: userId },
  });
  expectStatus(reply, 200);
}

const subscriptionsOf = async (userId: number) =>
  (await env.DB.prepare("select subscription_type, identifier from notification_subscriptions where user_id = ?").bind(userId).all()).results;

describe("notification subscriptions (Chatwoot's /api/v1/notification_subscriptions)", () => {
  it("stores a browser's Web Push subscription once per endpoint", async () => {
    const t = await tenant();
    const browser = await pushBrowser(`https://${sinkHost("push")}/wpush/${unique("e")}`);
    const first = await subscribe(t.agent, {
      subscription_type: "browser_push",
      subscription_attributes: { endpoint: browser.endpoint, p256dh: browser.p256dh, auth: browser.auth },
    });
    const again = await subscribe(t.agent, {
      subscription_type: "browser_push",
      subscription_attributes: { endpoint: browser.endpoint, p256dh: browser.p256dh, auth: browser.auth },
    });
    expect(again.id).toBe(first.id);
    expect(await subscriptionsOf(t.agent.id)).toEqual([{ subscription_type: "browser_push", identifier: browser.endpoint }]);
  });

  it("stores the mobile app's device token and removes it by push_token", async () => {
    const t = await tenant();
    const token = unique("device-token");
    await subscribe(t.agent, { subscription_type: "fcm", subscription_attributes: { push_token: token, device_id: "pixel-8" } });
    expect(await subscriptionsOf(t.agent.id)).toEqual([{ subscription_type: "fcm", identifier: token }]);
    const removed = await call("DELETE", `/api/v1/notification_subscriptions?push_token=${encodeURIComponent(token)}`, as(t.agent));
    expectStatus(removed, 200);
    expect(await subscriptionsOf(t.agent.id)).toEqual([]);
  });

  it("refuses a browser subscription without its keys, naming the field", async () => {
    const t = await tenant();
    const reply = await call("POST", "/api/v1/notification_subscriptions", {
      ...as(t.agent),
      body: { notification_subscription: { subscription_type: "browser_push", subscription_attributes: { endpoint: "https://push.example/x" } } },
    });
    expectStatus(reply, 422);
    expect(JSON.stringify(reply.body.error.details)).toContain("p256dh");
  });

  it("gives the console the installation's VAPID public key", async () => {
    const t = await tenant();
    const reply = await call("GET", "/api/v1/notification_subscriptions/vapid_public_key", as(t.agent));
    expectStatus(reply, 200);
    expect(reply.body).toEqual({ vapid_public_key: env.VAPID_PUBLIC_KEY });
  });
});

describe("Web Push", () => {
  it("pushes a notification to the assignee's browser, signed with the VAPID key and readable only with the browser's keys", async () => {
    const t = await tenant();
    const session = await assignedToAgent(t);
    const host = sinkHost("push");
    const browser = await pushBrowser(`https://${host}/wpush/${unique("e")}`);
    await subscribe(t.agent, {
      subscription_type: "browser_push",
      subscription_attributes: { endpoint: browser.endpoint, p256dh: browser.p256dh, auth: browser.auth },
    });

    await assign(t, session.conversation.id, t.agent.id);

    const [request] = await eventuallyRequests(host, 1);
    expect(request?.headers["content-encoding"]).toBe("aesgcm");
    const claims = await vapidClaims(request!, env.VAPID_PUBLIC_KEY);
    expect(claims.aud).toBe(`https://${host}`);
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000);
    expect(await readPush(browser, request!)).toEqual({
      title: `Conversation #${session.conversation.id} has been assigned to you`,
      tag: expect.stringMatching(new RegExp(`^conversation_assignment_${session.conversation.id}_\\d+$`)),
      url: `${env.PUBLIC_URL}/app/accounts/${t.account.id}/conversations/${session.conversation.id}`,
    });
  });

  it("removes a subscription the push service says has expired (410)", async () => {
    const t = await tenant();
    const session = await assignedToAgent(t);
    const host = sinkHost("push");
    await programSink(host, [{ status: 410 }]);
    const browser = await pushBrowser(`https://${host}/wpush/${unique("e")}`);
    await subscribe(t.agent, {
      subscription_type: "browser_push",
      subscription_attributes: { endpoint: browser.endpoint, p256dh: browser.p256dh, auth: browser.auth },
    });

    await assign(t, session.conversation.id, t.agent.id);

    await eventually(async () => expect(await subscriptionsOf(t.agent.id)).toEqual([]));
  });

  it("pushes nothing to a user who turned the type's push flag off", async () => {
    const t = await tenant();
    const session = await assignedToAgent(t);
    const flags = await call("PATCH", `/api/v1/accounts/${t.account.id}/notification_settings`, {
      ...as(t.agent),
      body: { notification_settings: { selected_push_flags: [], selected_email_flags: ["email_conversation_assignment"] } },
    });
    expectStatus(flags, 200);
    const host = sinkHost("push");
    const browser = await pushBrowser(`https://${host}/wpush/${unique("e")}`);
    await subscribe(t.agent, {
      subscription_type: "browser_push",
      subscription_attributes: { endpoint: browser.endpoint, p256dh: browser.p256dh, auth: browser.auth },
    });

    await assign(t, session.conversation.id, t.agent.id);

    // The email flag still stores the notification and batches its email: wait for that, then no push.
    await eventually(async () => expect(await notificationEmails(t.agent.email)).toHaveLength(1), 20_000);
    expect(await sinkRequests(host)).toEqual([]);
  }, 30_000);
});

describe("the mobile app's push relay", () => {
  it("posts Chatwoot's fcm_options for the device token to the push relay", async () => {
    const t = await tenant();
    const session = await assignedToAgent(t);
    const token = unique("device-token");
    await subscribe(t.agent, { subscription_type: "fcm", subscription_attributes: { push_token: token } });

    await assign(t, session.conversation.id, t.agent.id);

    const relayed = await eventuallyRequests("push-relay.sink.test", 1, (request) => request.body.includes(token));
    const body = JSON.parse(relayed[0]?.body ?? "{}");
    expect(body.fcm_options).toMatchObject({
      token,
      notification: { title: `Conversation #${session.conversation.id} has been assigned to you` },
      android: { priority: "high" },
    });
    expect(JSON.parse(body.fcm_options.data.payload).data.notification).toMatchObject({
      notification_type: "conversation_assignment",
      primary_actor_type: "Conversation",
      primary_actor_id: session.conversation.id,
    });
  });
});

describe("email for agents who are away", () => {
  it("sends one email for a burst of messages in the assignee's conversation", async () => {
    const t = await tenant();
    const session = await assignedToAgent(t);
    const flags = await call("PATCH", `/api/v1/accounts/${t.account.id}/notification_settings`, {
      ...as(t.agent),
      body: { notification_settings: { selected_email_flags: ["email_assigned_conversation_new_message"] } },
    });
    expectStatus(flags, 200);
    await assign(t, session.conversation.id, t.agent.id);

    for (let i = 1; i <= 5; i++) {
      expectStatus(await call("POST", `${session.conversationPath}/messages`, { body: { content: `Question ${i}` } }), 200);
    }

    await eventually(async () => expect(await notificationEmails(t.agent.email)).toHaveLength(1), 20_000);
    const [email] = await notificationEmails(t.agent.email);
    expect(email?.subject).toBe(`[#${session.conversation.id}] 5 new notifications`);
    expect(email?.text).toContain(`/app/accounts/${t.account.id}/conversations/${session.conversation.id}`);
  }, 30_000);
});

describe("a notifications.deliver job the queue delivers again", () => {
  /** One stored notification for the agent, as the Account object hands it to the queue. */
  const deliverJob = (t: Tenant, wants: { push: boolean; email: boolean }): JobMessage => ({
    type: "notifications.deliver",
    account_id: t.account.id,
    notifications: [
      {
        id: 1,
        user_id: t.agent.id,
        notification_type: "conversation_assignment",
        display_id: 1,
        title: "Conversation #1 has been assigned to you",
        created_at: Math.floor(Date.now() / 1000),
        ...wants,
      },
    ],
  });

  /** Hands the job to the queue consumer twice, as a redelivery does, and waits for both runs. */
  async function deliverTwice(job: JobMessage) {
    for (const run of [1, 2]) {
      const id = unique(`deliver-${run}`);
      const batch = createMessageBatch("parley-jobs", [{ id, timestamp: new Date(), attempts: run, body: job }]);
      const ctx = createExecutionContext();
      await worker.queue(batch, env);
      expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual([id]);
    }
  }

  it("pushes its notification once", async () => {
    const t = await tenant();
    const token = unique("device-token");
    await subscribe(t.agent, { subscription_type: "fcm", subscription_attributes: { push_token: token } });

    await deliverTwice(deliverJob(t, { push: true, email: false }));

    expect((await sinkRequests("push-relay.sink.test")).filter((request) => request.body.includes(token))).toHaveLength(1);
  });

  it("counts its notification once in the away agent's email batch", async () => {
    const t = await tenant();

    await deliverTwice(deliverJob(t, { push: false, email: true }));

    const batches = await env.DB.prepare("select count, titles from notification_email_batches where account_id = ? and user_id = ?")
      .bind(t.account.id, t.agent.id)
      .all<{ count: number; titles: string }>();
    expect(batches.results.map((batch) => [batch.count, JSON.parse(batch.titles)])).toEqual([[1, ["Conversation #1 has been assigned to you"]]]);
  });

  it("forgets what was sent a week later, when the cron sweep runs", async () => {
    const t = await tenant();
    const weekAndADayAgo = Math.floor(Date.now() / 1000) - 8 * 24 * 60 * 60;
    await env.DB.batch([
      env.DB.prepare("insert into notification_deliveries (account_id, notification_id, kind, created_at) values (?, 1, 'push', ?)").bind(
        t.account.id,
        weekAndADayAgo,
      ),
      env.DB.prepare("insert into notification_deliveries (account_id, notification_id, kind) values (?, 2, 'push')").bind(t.account.id),
    ]);

    await sweepNotificationDeliveries(env, new Date());

    const left = await env.DB.prepare("select notification_id from notification_deliveries where account_id = ?").bind(t.account.id).all();
    expect(left.results).toEqual([{ notification_id: 2 }]);
  });
});

describe("conversation mute, unmute and unread", () => {
  it("mutes: resolved, and the contact's next message does not reopen it; unmute lets it", async () => {
    const t = await tenant();
    const session = await clientSession(t);
    const path = `/api/v1/accounts/${t.account.id}/conversations/${session.conversation.id}`;
    const muted = await call("POST", `${path}/mute`, as(t.admin));
    expectStatus(muted, 200);
    expect(muted.body).toMatchObject({ status: "resolved", muted: true });
    await call("POST", `${session.conversationPath}/messages`, { body: { content: "Anyone?" } });
    expect((await call("GET", path, as(t.admin))).body.status).toBe("resolved");

    const unmuted = await call("POST", `${path}/unmute`, as(t.admin));
    expectStatus(unmuted, 200);
    expect(unmuted.body.muted).toBe(false);
    await call("POST", `${session.conversationPath}/messages`, { body: { content: "Hello again" } });
    expect((await call("GET", path, as(t.admin))).body.status).toBe("open");
  });

  it("marks the contact's last message unread again after the agent read it", async () => {
    const t = await tenant();
    const session = await clientSession(t);
    const path = `/api/v1/accounts/${t.account.id}/conversations/${session.conversation.id}`;
    await call("POST", `${session.conversationPath}/messages`, { body: { content: "Hi" } });
    expectStatus(await call("POST", `${path}/update_last_seen`, as(t.admin)), 200);
    const unreadCount = async () =>
      ((await call("GET", `/api/v1/accounts/${t.account.id}/conversations`, as(t.admin))).body.data.payload as { id: number; unread_count: number }[]).find(
        (conversation) => conversation.id === session.conversation.id,
      )?.unread_count;
    expect(await unreadCount()).toBe(0);

    const reply = await call("POST", `${path}/unread`, as(t.admin));
    expectStatus(reply, 200);
    expect(await unreadCount()).toBe(1);
  });

  it("answers 404 for another account's conversation", async () => {
    const t = await tenant();
    const other = await tenant();
    const session = await clientSession(other);
    const reply = await call("POST", `/api/v1/accounts/${t.account.id}/conversations/${session.conversation.id}/mute`, as(t.admin));
    expectStatus(reply, 404);
  });
});

describe("set_active_account", () => {
  it("records the account the user chose, and 404 for an account they are not in", async () => {
    const t = await tenant();
    const other = await tenant();
    const reply = await call("PUT", "/api/v1/profile/set_active_account", { ...as(t.agent), body: { profile: { account_id: t.account.id } } });
    expectStatus(reply, 200);
    const row = await env.DB.prepare("select active_at from account_users where user_id = ? and account_id = ?")
      .bind(t.agent.id, t.account.id)
      .first<{ active_at: number | null }>();
    expect(row?.active_at).toBeGreaterThan(0);
    const refused = await call("PUT", "/api/v1/profile/set_active_account", { ...as(t.agent), body: { profile: { account_id: other.account.id } } });
    expectStatus(refused, 404);
  });
});

async function notificationEmails(address: string) {
  const rows = await env.DB.prepare("select subject, text, \"to\" from emails where kind = 'agent_notification' order by id").all<{
    subject: string;
    text: string;
    to: string;
  }>();
  return rows.results.filter((row) => (JSON.parse(row.to) as string[]).includes(address));
}

async function eventuallyRequests(host: string, count: number, keep: (request: Awaited<ReturnType<typeof sinkRequests>>[number]) => boolean = () => true) {
  let found: Awaited<ReturnType<typeof sinkRequests>> = [];
  await eventually(async () => {
    found = (await sinkRequests(host)).filter(keep);
    expect(found.length).toBeGreaterThanOrEqual(count);
  }, 15_000);
  return found;
}
