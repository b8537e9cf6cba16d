import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/api/app";
import { verifyWebhookSignature } from "../../src/domain/webhook-signature";
import worker from "../../src/index";
import { enqueueUrlWebhook, enqueueWebhookEvent, sweepWebhookDeliveries } from "../../src/jobs/webhooks";
import { DEAD_LETTER_QUEUE } from "../../src/jobs/queue";
import { call, createInbox, eventually, expectStatus, tenant, unique } from "./helpers";
import { programSink, type RecordedRequest, sinkHost, sinkRequests } from "./outbound";
import { createWebhook, webhooksPath } from "./webhook-fixtures";

type Delivery = {
  id: number;
  webhook_id: number | null;
  event: string;
  url: string;
  status: "queued" | "delivered" | "failed" | "dead";
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  payload: Record<string, unknown>;
  delivered_at: string | null;
};

const MESSAGE_PAYLOAD = { id: 7, content: "I want a refund", message_type: "incoming", account: { id: 1, name: "Acme" } };

async function deliveryLog(t: Awaited<ReturnType<typeof tenant>>, webhookId: number, query = "") {
  const reply = await call("GET", `${webhooksPath(t.account.id)}/${webhookId}/deliveries${query}`, { token: t.admin.access_token });
  expectStatus(reply, 200);
  return reply.body as { meta: { count: number; current_page: number; per_page: number }; payload: Delivery[] };
}

/** A tenant with a webhook on a fresh recording host. */
async function tenantWithWebhook(input: Record<string, unknown> = {}) {
  const t = await tenant();
  const host = sinkHost();
  const webhook = await createWebhook(t.admin.access_token, t.account.id, `https://${host}/parley`, input);
  return { t, host, webhook };
}

const messageCreated = (accountId: number, key = unique("event"), inboxId: number | null = null) => ({
  accountId,
  inboxId,
  event: "message_created",
  payload: MESSAGE_PAYLOAD,
  key,
});

async function expectSigned(request: RecordedRequest, secret: string) {
  const valid = await verifyWebhookSignature({
    secret,
    body: request.body,
    timestamp: request.headers["x-parley-timestamp"] ?? null,
    signature: request.headers["x-parley-signature"] ?? null,
  });
  expect(valid, JSON.stringify(request.headers)).toBe(true);
}

const runDeliverJob = async (queue: string, deliveryId: number, attempts = 1) => {
  const batch = createMessageBatch(queue, [
    { id: unique("message"), timestamp: new Date(), attempts, body: { type: "webhook.deliver", delivery_id: deliveryId } },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
};

describe("Application API: webhooks", () => {
  it("creates a webhook with Chatwoot's fields, and shows its secret only in that answer", async () => {
    const t = await tenant();
    const reply = await call("POST", webhooksPath(t.account.id), {
      token: t.admin.access_token,
      body: { url: "https://example.com/parley", name: "CRM", subscriptions: ["message_created", "conversation_created", "message_created"] },
    });
    expectStatus(reply, 200);
    const created = reply.body.payload.webhook;
    expect(created).toMatchObject({
      name: "CRM",
      url: "https://example.com/parley",
      account_id: t.account.id,
      subscriptions: ["message_created", "conversation_created"],
      inbox: null,
    });
    expect(created.secret).toMatch(/^[0-9a-f]{64}$/);
    const list = await call("GET", webhooksPath(t.account.id), { token: t.admin.access_token });
    expectStatus(list, 200);
    const { secret: _secret, ...listed } = created;
    expect(list.body).toEqual({ payload: { webhooks: [listed] } });
    expect(JSON.stringify(list.body)).not.toContain(created.secret);
  });

  it("subscribes to Chatwoot's default events when none are given", async () => {
    const t = await tenant();
    const reply = await call("POST", webhooksPath(t.account.id), { token: t.admin.access_token, body: { url: "https://example.com/all" } });
    expectStatus(reply, 200);
    expect(reply.body.payload.webhook.subscriptions).toEqual([
      "conversation_created",
      "conversation_status_changed",
      "conversation_updated",
      "message_created",
      "message_updated",
      "webwidget_triggered",
      "contact_created",
      "contact_updated",
    ]);
  });

  it("answers invalid input with 422, naming the field", async () => {
    const t = await tenant();
    const other = await tenant();
    const otherInbox = await createInbox(other.admin.access_token, other.account.id);
    await createWebhook(t.admin.access_token, t.account.id, "https://example.com/taken");
    const cases: [Record<string, unknown>, string, string][] = [
      [{}, "url", "invalid_type"],
      [{ url: "not a url" }, "url", "invalid_format"],
      [{ url: "ftp://example.com/x" }, "url", "invalid_format"],
      [{ url: "https://example.com/x", subscriptions: ["message_deleted"] }, "subscriptions.0", "invalid_value"],
      [{ url: "https://example.com/x", secret: "mine" }, "(root)", "unrecognized_keys"],
      [{ url: "https://example.com/x", inbox_id: otherInbox.id }, "inbox_id", "not_account_inbox"],
      [{ url: "https://example.com/taken" }, "url", "taken"],
    ];
    for (const [body, field, code] of cases) {
      const reply = await call("POST", webhooksPath(t.account.id), { token: t.admin.access_token, body });
      expect(reply.status, JSON.stringify(body)).toBe(422);
      expect(reply.body.error.details[0], JSON.stringify(body)).toMatchObject({ field, code });
    }
  });

  it("refuses loopback, private, link-local and unspecified destinations at create and update", async () => {
    const t = await tenant();
    const webhook = await createWebhook(t.admin.access_token, t.account.id, "https://example.com/ok");
    const forbidden: [string, string][] = [
      ["http://127.0.0.1:8787/hook", "loopback"],
      ["http://localhost/hook", "loopback"],
      ["http://hooks.localhost/hook", "loopback"],
      ["http://2130706433/hook", "loopback"],
      ["http://0x7f.0.0.1/hook", "loopback"],
      ["http://[::1]/hook", "loopback"],
      ["http://[::ffff:127.0.0.1]/hook", "loopback"],
      ["http://10.0.0.7/hook", "private"],
      ["http://192.168.1.1/hook", "private"],
      ["http://[fd12::1]/hook", "private"],
      ["http://169.254.169.254/latest/meta-data/", "link_local"],
      ["http://[fe80::1]/hook", "link_local"],
      ["http://0.0.0.0/hook", "unspecified"],
      ["http://metadata.google.internal/", "local_name"],
    ];
    for (const [url, reason] of forbidden) {
      for (const [method, path] of [
        ["POST", webhooksPath(t.account.id)],
        ["PATCH", `${webhooksPath(t.account.id)}/${webhook.id}`],
      ] as const) {
        const reply = await call(method, path, { token: t.admin.access_token, body: { url } });
        expect(reply.status, `${method} ${url}`).toBe(422);
        expect(reply.body.error.code).toBe("destination_not_allowed");
        expect(reply.body.error.details[0]).toMatchObject({ field: "url", code: reason });
      }
    }
    const list = await call("GET", webhooksPath(t.account.id), { token: t.admin.access_token });
    expect(list.body.payload.webhooks.map((w: { url: string }) => w.url)).toEqual(["https://example.com/ok"]);
  });

  it("updates a webhook and limits it to one of the account's inboxes", async () => {
    const t = await tenant();
    const inbox = await createInbox(t.admin.access_token, t.account.id, { name: "Support" });
    const webhook = await createWebhook(t.admin.access_token, t.account.id, "https://example.com/a");
    const path = `${webhooksPath(t.account.id)}/${webhook.id}`;
    const updated = await call("PATCH", path, {
      token: t.admin.access_token,
      body: { url: "https://example.com/b", subscriptions: ["conversation_status_changed"], inbox_id: inbox.id, name: "Status" },
    });
    expectStatus(updated, 200);
    expect(updated.body.payload.webhook).toMatchObject({
      url: "https://example.com/b",
      name: "Status",
      subscriptions: ["conversation_status_changed"],
      inbox: { id: inbox.id, name: "Support", channel_type: "web_widget" },
    });
    expect(updated.body.payload.webhook.secret).toBeUndefined();
    const cleared = await call("PATCH", path, { token: t.admin.access_token, body: { inbox_id: null } });
    expect(cleared.body.payload.webhook.inbox).toBeNull();
  });

  it("is for administrators only", async () => {
    const { t, webhook } = await tenantWithWebhook();
    const agent = { token: t.agent.access_token };
    const path = `${webhooksPath(t.account.id)}/${webhook.id}`;
    expectStatus(await call("GET", webhooksPath(t.account.id), agent), 403);
    expectStatus(await call("POST", webhooksPath(t.account.id), { ...agent, body: { url: "https://example.com/agent" } }), 403);
    expectStatus(await call("PATCH", path, { ...agent, body: { name: "mine" } }), 403);
    expectStatus(await call("POST", `${path}/rotate_secret`, agent), 403);
    expectStatus(await call("POST", `${path}/test`, agent), 403);
    expectStatus(await call("GET", `${path}/deliveries`, agent), 403);
    expectStatus(await call("DELETE", path, agent), 403);
  });

  it("keeps each account's webhooks to itself", async () => {
    const { t, webhook } = await tenantWithWebhook();
    const other = await tenant();
    const outsider = { token: other.admin.access_token };
    expectStatus(await call("GET", webhooksPath(t.account.id), outsider), 404);
    for (const [method, suffix] of [
      ["PATCH", ""],
      ["DELETE", ""],
      ["POST", "/rotate_secret"],
      ["POST", "/test"],
      ["GET", "/deliveries"],
    ] as const) {
      const viaOwnAccount = await call(method, `${webhooksPath(other.account.id)}/${webhook.id}${suffix}`, {
        ...outsider,
        body: method === "PATCH" ? { name: "taken over" } : undefined,
      });
      expect(viaOwnAccount.status, `${method} ${suffix}`).toBe(404);
    }
    expect((await call("GET", webhooksPath(other.account.id), outsider)).body).toEqual({ payload: { webhooks: [] } });
    const mine = await call("GET", webhooksPath(t.account.id), { token: t.admin.access_token });
    expect(mine.body.payload.webhooks[0]).toMatchObject({ id: webhook.id, name: null });
  });

  it("audits create, update, secret rotation and delete, never with the secret", async () => {
    const { t, webhook } = await tenantWithWebhook({ subscriptions: ["message_created"] });
    const path = `${webhooksPath(t.account.id)}/${webhook.id}`;
    const admin = { token: t.admin.access_token };
    expectStatus(await call("PATCH", path, { ...admin, body: { subscriptions: ["message_created", "contact_created"] } }), 200);
    const rotated = await call("POST", `${path}/rotate_secret`, admin);
    expectStatus(rotated, 200);
    expectStatus(await call("DELETE", path, admin), 204);
    expectStatus(await call("GET", `${path}/deliveries`, admin), 404);
    const log = await call("GET", `/api/v1/accounts/${t.account.id}/audit_logs`, admin);
    const entries = log.body.audit_logs
      .filter((entry: { auditable_type: string }) => entry.auditable_type === "Webhook")
      .map((entry: { action: string; auditable_id: number; audited_changes: unknown; user_id: number }) => [
        entry.action,
        entry.auditable_id,
        entry.audited_changes,
        entry.user_id,
      ]);
    expect(entries).toEqual([
      ["destroy", webhook.id, { name: null, url: webhook.url, subscriptions: ["message_created", "contact_created"], inbox_id: null }, t.admin.id],
      ["rotate_secret", webhook.id, { secret: "rotated" }, t.admin.id],
      ["update", webhook.id, { subscriptions: [["message_created"], ["message_created", "contact_created"]] }, t.admin.id],
      ["create", webhook.id, { name: null, url: webhook.url, subscriptions: ["message_created"], inbox_id: null }, t.admin.id],
    ]);
    expect(JSON.stringify(log.body)).not.toContain(webhook.secret);
    expect(JSON.stringify(log.body)).not.toContain(rotated.body.payload.webhook.secret);
  });
});

describe("webhook deliveries", () => {
  it("POSTs a subscribed event to the webhook, signed with its secret", async () => {
    const { t, host, webhook } = await tenantWithWebhook();
    expect(await enqueueWebhookEvent(env, messageCreated(t.account.id))).toBe(1);
    await eventually(async () => expect(await sinkRequests(host)).toHaveLength(1));
    const [request] = await sinkRequests(host);
    if (!request) throw new Error("no request");
    expect(request.method).toBe("POST");
    expect(request.url).toBe(webhook.url);
    expect(JSON.parse(request.body)).toEqual({ event: "message_created", ...MESSAGE_PAYLOAD });
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["user-agent"]).toBe("Parley-Webhooks/1.0");
    expect(request.headers["x-parley-signature"]).toMatch(/^sha256=[0-9a-f]{64}$/);
    await expectSigned(request, webhook.secret);
    await eventually(async () => {
      const log = await deliveryLog(t, webhook.id);
      expect(log.payload).toMatchObject([
        {
          id: Number(request.headers["x-parley-delivery"]),
          event: "message_created",
          status: "delivered",
          attempts: 1,
          last_status_code: 200,
          last_error: null,
        },
      ]);
      expect(log.payload[0]?.payload).toEqual({ event: "message_created", ...MESSAGE_PAYLOAD });
      expect(log.payload[0]?.delivered_at).not.toBeNull();
    });
  });

  it("sends each event only to webhooks subscribed to it and, when limited to an inbox, only that inbox's", async () => {
    const t = await tenant();
    const support = await createInbox(t.admin.access_token, t.account.id);
    const sales = await createInbox(t.admin.access_token, t.account.id);
    const admin = t.admin.access_token;
    const everyInbox = await createWebhook(admin, t.account.id, `https://${sinkHost()}/all`, { subscriptions: ["message_created"] });
    const otherEvent = await createWebhook(admin, t.account.id, `https://${sinkHost()}/created`, { subscriptions: ["conversation_created"] });
    const supportOnly = await createWebhook(admin, t.account.id, `https://${sinkHost()}/support`, { subscriptions: ["message_created"], inbox_id: support.id });
    const salesOnly = await createWebhook(admin, t.account.id, `https://${sinkHost()}/sales`, { subscriptions: ["message_created"], inbox_id: sales.id });
    const other = await tenant();
    const otherAccount = await createWebhook(other.admin.access_token, other.account.id, `https://${sinkHost()}/other`, { subscriptions: ["message_created"] });

    expect(await enqueueWebhookEvent(env, messageCreated(t.account.id, unique("event"), support.id))).toBe(2);
    expect(
      await enqueueWebhookEvent(env, { accountId: t.account.id, inboxId: null, event: "contact_created", payload: { id: 3 }, key: unique("contact") }),
    ).toBe(0);
    expect(await enqueueWebhookEvent(env, { ...messageCreated(t.account.id), event: "message_updated" })).toBe(0);

    const logged = async (webhookId: number) => (await deliveryLog(t, webhookId)).payload.map((delivery) => delivery.event);
    expect(await logged(everyInbox.id)).toEqual(["message_created"]);
    expect(await logged(supportOnly.id)).toEqual(["message_created"]);
    expect(await logged(otherEvent.id)).toEqual([]);
    expect(await logged(salesOnly.id)).toEqual([]);
    const otherLog = await call("GET", `${webhooksPath(other.account.id)}/${otherAccount.id}/deliveries`, { token: other.admin.access_token });
    expect(otherLog.body.payload).toEqual([]);
  });

  it("records a repeated key once per webhook and event", async () => {
    const { t, host, webhook } = await tenantWithWebhook();
    const event = messageCreated(t.account.id, "conversation-9-seq-4");
    expect(await enqueueWebhookEvent(env, event)).toBe(1);
    expect(await enqueueWebhookEvent(env, event)).toBe(0);
    // The same key for another event of the same change (Chatwoot sends both) is another delivery.
    expect(await enqueueWebhookEvent(env, { ...event, event: "conversation_updated" })).toBe(1);
    const log = await deliveryLog(t, webhook.id);
    expect(log.meta.count).toBe(2);
    expect(log.payload.map((delivery) => delivery.event)).toEqual(["conversation_updated", "message_created"]);
    await eventually(async () => expect(await sinkRequests(host)).toHaveLength(2));
  });

  it("does nothing when a delivered delivery's job arrives again", async () => {
    const { t, host, webhook } = await tenantWithWebhook();
    await enqueueWebhookEvent(env, messageCreated(t.account.id));
    let delivered: Delivery | undefined;
    await eventually(async () => {
      delivered = (await deliveryLog(t, webhook.id)).payload[0];
      expect(delivered?.status).toBe("delivered");
    });
    if (!delivered) throw new Error("not delivered");
    const result = await runDeliverJob("parley-jobs", delivered.id, 2);
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toEqual([]);
    expect(await sinkRequests(host)).toHaveLength(1);
    expect((await deliveryLog(t, webhook.id)).payload[0]).toMatchObject({ status: "delivered", attempts: 1 });
  });

  it("retries after a failed answer, with the same delivery id, until the receiver takes it", async () => {
    const { t, host, webhook } = await tenantWithWebhook();
    await programSink(host, [{ status: 500 }]);
    await enqueueWebhookEvent(env, messageCreated(t.account.id));
    await eventually(async () => {
      const [delivery] = (await deliveryLog(t, webhook.id)).payload;
      expect(delivery).toMatchObject({ status: "delivered", attempts: 2, last_status_code: 200, last_error: null });
    }, 30_000);
    const requests = await sinkRequests(host);
    expect(requests).toHaveLength(2);
    expect(new Set(requests.map((request) => request.headers["x-parley-delivery"])).size).toBe(1);
    for (const request of requests) await expectSigned(request, webhook.secret);
  }, 40_000);

  it("records each failed attempt and lets the queue retry it", async () => {
    const { t, host, webhook } = await tenantWithWebhook();
    await programSink(host, [{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }]);
    const [id] = await insertDelivery(t.account.id, webhook.id, webhook.url);
    const result = await runDeliverJob("parley-jobs", id, 1);
    expect(result.retryMessages).toHaveLength(1);
    expect(result.explicitAcks).toEqual([]);
    const [delivery] = (await deliveryLog(t, webhook.id)).payload;
    expect(delivery).toMatchObject({ status: "failed", attempts: 1, last_status_code: 503, last_error: "The receiver answered HTTP 503." });
  });

  it("marks a delivery dead when the dead letter queue takes its job", async () => {
    const { t, host, webhook } = await tenantWithWebhook();
    await programSink(host, [{ status: 500 }, { status: 500 }]);
    const [id] = await insertDelivery(t.account.id, webhook.id, webhook.url);
    await runDeliverJob("parley-jobs", id, 1);
    const dead = await runDeliverJob(DEAD_LETTER_QUEUE, id, 6);
    expect(dead.explicitAcks).toHaveLength(1);
    const [delivery] = (await deliveryLog(t, webhook.id)).payload;
    expect(delivery).toMatchObject({ status: "dead", attempts: 1, last_status_code: 500 });
    // A late retry of a dead delivery sends nothing.
    await runDeliverJob("parley-jobs", id, 3);
    expect(await sinkRequests(host)).toHaveLength(1);
  });

  it("refuses again at delivery time a destination the guard refuses, without retrying", async () => {
    const t = await tenant();
    const { meta } = await env.DB.prepare("insert into webhooks (account_id, url, subscriptions, secret) values (?, ?, ?, ?)")
      .bind(t.account.id, "http://169.254.169.254/latest/meta-data/", JSON.stringify(["message_created"]), "s")
      .run();
    const [id] = await insertDelivery(t.account.id, meta.last_row_id, "http://169.254.169.254/latest/meta-data/");
    const result = await runDeliverJob("parley-jobs", id, 1);
    expect(result.retryMessages).toEqual([]);
    const [delivery] = (await deliveryLog(t, meta.last_row_id)).payload;
    expect(delivery?.status).toBe("dead");
    expect(delivery?.last_error).toContain("destination_not_allowed (link_local)");
  });

  it("signs with the new secret once it is rotated", async () => {
    const { t, host, webhook } = await tenantWithWebhook();
    const rotated = await call("POST", `${webhooksPath(t.account.id)}/${webhook.id}/rotate_secret`, { token: t.admin.access_token });
    expectStatus(rotated, 200);
    const secret = rotated.body.payload.webhook.secret as string;
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(secret).not.toBe(webhook.secret);
    await enqueueWebhookEvent(env, messageCreated(t.account.id));
    await eventually(async () => expect(await sinkRequests(host)).toHaveLength(1));
    const [request] = await sinkRequests(host);
    if (!request) throw new Error("no request");
    await expectSigned(request, secret);
    const stale = await verifyWebhookSignature({
      secret: webhook.secret,
      body: request.body,
      timestamp: request.headers["x-parley-timestamp"] ?? null,
      signature: request.headers["x-parley-signature"] ?? null,
    });
    expect(stale).toBe(false);
  });

  it("sends a signed ping on request, logged like any delivery", async () => {
    const { t, host, webhook } = await tenantWithWebhook();
    const reply = await call("POST", `${webhooksPath(t.account.id)}/${webhook.id}/test`, { token: t.admin.access_token });
    expectStatus(reply, 202);
    expect(reply.body.payload.delivery).toMatchObject({ event: "ping", status: "queued", attempts: 0, webhook_id: webhook.id });
    await eventually(async () => expect(await sinkRequests(host)).toHaveLength(1));
    const [request] = await sinkRequests(host);
    if (!request) throw new Error("no request");
    expect(JSON.parse(request.body)).toMatchObject({ event: "ping", account: { id: t.account.id }, webhook: { id: webhook.id, url: webhook.url } });
    await expectSigned(request, webhook.secret);
  });

  it("pages the delivery log, newest first", async () => {
    const { t, webhook } = await tenantWithWebhook();
    for (const key of ["first", "second", "third"]) await enqueueWebhookEvent(env, messageCreated(t.account.id, key));
    const page = await deliveryLog(t, webhook.id, "?per_page=2&page=2");
    expect(page.meta).toEqual({ count: 3, current_page: 2, per_page: 2 });
    expect(page.payload).toHaveLength(1);
    const all = await deliveryLog(t, webhook.id);
    expect(all.payload.map((delivery) => delivery.id)).toEqual([...all.payload.map((delivery) => delivery.id)].sort((a, b) => b - a));
    expect(page.payload[0]?.id).toBe(all.payload[2]?.id);
  });

  it("sends automation's URL events signed by the account's webhook on that URL, and unsigned elsewhere", async () => {
    const { t, host, webhook } = await tenantWithWebhook({ subscriptions: [] });
    const elsewhere = sinkHost();
    const event = { accountId: t.account.id, event: "automation_event.message_created", payload: MESSAGE_PAYLOAD };
    await enqueueUrlWebhook(env, { ...event, url: webhook.url, key: "rule-1:event-1:0" });
    await enqueueUrlWebhook(env, { ...event, url: webhook.url, key: "rule-1:event-1:0" });
    await enqueueUrlWebhook(env, { ...event, url: `https://${elsewhere}/hook`, key: "rule-1:event-1:1" });
    await eventually(async () => {
      expect(await sinkRequests(host)).toHaveLength(1);
      expect(await sinkRequests(elsewhere)).toHaveLength(1);
    });
    const [signed] = await sinkRequests(host);
    const [unsigned] = await sinkRequests(elsewhere);
    if (!signed || !unsigned) throw new Error("missing requests");
    expect(JSON.parse(signed.body)).toEqual({ event: "automation_event.message_created", ...MESSAGE_PAYLOAD });
    await expectSigned(signed, webhook.secret);
    expect(unsigned.headers["x-parley-signature"]).toBeUndefined();
    expect(unsigned.headers["x-parley-delivery"]).toMatch(/^\d+$/);
    expect((await deliveryLog(t, webhook.id)).payload.map((delivery) => delivery.event)).toEqual(["automation_event.message_created"]);
  });

  it("has the cron sweep send deliveries whose job was lost, and forget old finished ones", async () => {
    const { t, host, webhook } = await tenantWithWebhook();
    const [lost] = await insertDelivery(t.account.id, webhook.id, webhook.url, "unixepoch() - 3600");
    const [old] = await insertDelivery(t.account.id, webhook.id, webhook.url, "unixepoch() - 40 * 86400", "delivered");
    const swept = await sweepWebhookDeliveries(env, new Date());
    expect(swept.requeued).toBeGreaterThanOrEqual(1);
    expect(swept.pruned).toBeGreaterThanOrEqual(1);
    await eventually(async () => {
      const log = await deliveryLog(t, webhook.id);
      expect(log.payload.map((delivery) => [delivery.id, delivery.status])).toEqual([[lost, "delivered"]]);
    });
    expect(old).toBeGreaterThan(0);
    expect(await sinkRequests(host)).toHaveLength(1);
  });
});

describe("the local webhook sink", () => {
  const localApp = createApp();
  const asLocalDev = (path: string, init: RequestInit = {}) =>
    localApp.fetch(new Request(`http://localhost:8787${path}`, init), { ...env, LOCAL_SINKS: "true" });

  it("is not served unless LOCAL_SINKS is on", async () => {
    expectStatus(await call("GET", "/dev/sinks/webhooks/mine"), 404);
    expectStatus(await call("POST", "/dev/sinks/webhooks/mine", { body: { event: "ping" } }), 404);
  });

  it("records what arrives and lists it newest first, checking signatures against a given secret", async () => {
    const name = unique("mine");
    const secret = "sink-secret";
    const body = JSON.stringify({ event: "ping" });
    const timestamp = Math.floor(Date.now() / 1000);
    const { webhookSignature } = await import("../../src/domain/webhook-signature");
    const signed = await asLocalDev(`/dev/sinks/webhooks/${name}`, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "x-parley-timestamp": String(timestamp),
        "x-parley-signature": await webhookSignature(secret, timestamp, body),
      },
    });
    expect(signed.status).toBe(200);
    const failing = await asLocalDev(`/dev/sinks/webhooks/${name}?status=500`, { method: "POST", body: "not json" });
    expect(failing.status).toBe(500);
    const listed = await asLocalDev(`/dev/sinks/webhooks/${name}?secret=${secret}`);
    expect(listed.status).toBe(200);
    const { requests } = (await listed.json()) as {
      requests: { body: string; payload: unknown; signature_valid: boolean | null; headers: Record<string, string> }[];
    };
    expect(requests.map((request) => [request.body, request.payload, request.signature_valid])).toEqual([
      ["not json", null, false],
      [body, { event: "ping" }, true],
    ]);
    expect(requests[1]?.headers["x-parley-timestamp"]).toBe(String(timestamp));
    expect((await asLocalDev(`/dev/sinks/webhooks/${name}`, { method: "DELETE" })).status).toBe(204);
    expect(((await (await asLocalDev(`/dev/sinks/webhooks/${name}`)).json()) as { requests: unknown[] }).requests).toEqual([]);
  });

  it("keeps only the newest 50 requests of a sink", async () => {
    const name = unique("busy");
    for (let i = 0; i < 53; i++) await asLocalDev(`/dev/sinks/webhooks/${name}`, { method: "POST", body: String(i) });
    const { requests } = (await (await asLocalDev(`/dev/sinks/webhooks/${name}`)).json()) as { requests: { body: string }[] };
    expect(requests).toHaveLength(50);
    expect(requests[0]?.body).toBe("52");
    expect(requests[49]?.body).toBe("3");
  });
});

/** A delivery recorded straight in D1 (no job sent), as if its job were lost or run by hand. */
async function insertDelivery(accountId: number, webhookId: number, url: string, updatedAt = "unixepoch()", status = "queued"): Promise<[number]> {
  const row = await env.DB.prepare(
    `insert into webhook_deliveries (account_id, webhook_id, url, event, key, body, status, created_at, updated_at)
     values (?, ?, ?, 'message_created', ?, ?, ?, ${updatedAt}, ${updatedAt}) returning id`,
  )
    .bind(accountId, webhookId, url, unique("direct"), JSON.stringify({ event: "message_created", ...MESSAGE_PAYLOAD }), status)
    .first<{ id: number }>();
  if (!row) throw new Error("no delivery inserted");
  return [row.id];
}
