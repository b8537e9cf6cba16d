import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { call, expectStatus, tenant, unique } from "./helpers";
import { programSink, sinkHost, sinkRequests } from "./outbound";
import { createWebhook, webhooksPath } from "./webhook-fixtures";

type Attempt = {
  attempt: number;
  started_at: string;
  finished_at: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  response_excerpt: string | null;
};
type Tenant = Awaited<ReturnType<typeof tenant>>;

const attemptsPath = (accountId: number, webhookId: number, deliveryId: number) => `${webhooksPath(accountId)}/${webhookId}/deliveries/${deliveryId}/attempts`;

async function attemptsOf(t: Tenant, webhookId: number, deliveryId: number): Promise<Attempt[]> {
  const reply = await call("GET", attemptsPath(t.account.id, webhookId, deliveryId), { token: t.admin.access_token });
  expectStatus(reply, 200);
  expect(reply.body.meta.count).toBe(reply.body.payload.length);
  return reply.body.payload as Attempt[];
}

/** A tenant with a webhook on a fresh recording host. */
async function tenantWithWebhook() {
  const t = await tenant();
  const host = sinkHost();
  const webhook = await createWebhook(t.admin.access_token, t.account.id, `https://${host}/parley`);
  return { t, host, webhook };
}

/** A delivery recorded without its job, so the test runs each attempt itself. */
async function recordDelivery(accountId: number, webhookId: number, url: string): Promise<number> {
  const row = await env.DB.prepare(
    "insert into webhook_deliveries (account_id, webhook_id, url, event, key, body) values (?, ?, ?, 'message_created', ?, ?) returning id",
  )
    .bind(accountId, webhookId, url, unique("attempts"), JSON.stringify({ event: "message_created", id: 7, content: "Hello" }))
    .first<{ id: number }>();
  if (!row) throw new Error("no delivery recorded");
  return row.id;
}

/** One `webhook.deliver` job, as the queue hands it over on its `attempts`-th try. */
async function runDeliverJob(deliveryId: number, attempts: number) {
  const batch = createMessageBatch("parley-jobs", [
    { id: unique("message"), timestamp: new Date(), attempts, body: { type: "webhook.deliver", delivery_id: deliveryId } },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

describe("Application API: a webhook delivery's attempts", () => {
  it("lists every attempt of a delivery that failed twice then succeeded, oldest first, with its status", async () => {
    const { t, host, webhook } = await tenantWithWebhook();
    await programSink(host, [
      { status: 500, body: '{"error":"database is down"}' },
      { status: 503, body: "Service Unavailable" },
    ]);
    const deliveryId = await recordDelivery(t.account.id, webhook.id, webhook.url);
    for (const attempt of [1, 2, 3]) await runDeliverJob(deliveryId, attempt);
    expect(await sinkRequests(host)).toHaveLength(3);

    const attempts = await attemptsOf(t, webhook.id, deliveryId);
    expect(attempts.map(({ attempt, status_code, error, response_excerpt }) => ({ attempt, status_code, error, response_excerpt }))).toEqual([
      { attempt: 1, status_code: 500, error: "The receiver answered HTTP 500.", response_excerpt: '{"error":"database is down"}' },
      { attempt: 2, status_code: 503, error: "The receiver answered HTTP 503.", response_excerpt: "Service Unavailable" },
      { attempt: 3, status_code: 200, error: null, response_excerpt: '{"ok":true}' },
    ]);
    for (const attempt of attempts) {
      expect(Date.parse(attempt.finished_at)).toBeGreaterThanOrEqual(Date.parse(attempt.started_at));
      expect(attempt.duration_ms).toBe(Date.parse(attempt.finished_at) - Date.parse(attempt.started_at));
    }
  });

  it("counts a delivery's attempts in the delivery log, which keeps its shape", async () => {
    const { t, host, webhook } = await tenantWithWebhook();
    await programSink(host, [{ status: 502 }]);
    const deliveryId = await recordDelivery(t.account.id, webhook.id, webhook.url);
    await runDeliverJob(deliveryId, 1);
    await runDeliverJob(deliveryId, 2);
    const log = await call("GET", `${webhooksPath(t.account.id)}/${webhook.id}/deliveries`, { token: t.admin.access_token });
    expectStatus(log, 200);
    expect(log.body.payload[0]).toMatchObject({ id: deliveryId, status: "delivered", attempts: 2, attempts_count: 2, last_status_code: 200 });
  });

  it("records a destination refused at delivery time as an attempt with no status, in words", async () => {
    const t = await tenant();
    const url = "http://169.254.169.254/latest/meta-data/";
    const { meta } = await env.DB.prepare("insert into webhooks (account_id, url, subscriptions, secret) values (?, ?, ?, ?)")
      .bind(t.account.id, url, JSON.stringify(["message_created"]), "s")
      .run();
    const deliveryId = await recordDelivery(t.account.id, meta.last_row_id, url);
    await runDeliverJob(deliveryId, 1);
    const [attempt, ...more] = await attemptsOf(t, meta.last_row_id, deliveryId);
    expect(more).toEqual([]);
    expect(attempt).toMatchObject({ attempt: 1, status_code: null, response_excerpt: null, duration_ms: 0 });
    expect(attempt?.error).toContain("destination_not_allowed (link_local)");
  });

  it("keeps only the first kilobyte of an answer", async () => {
    const { t, host, webhook } = await tenantWithWebhook();
    await programSink(host, [{ status: 200, body: "é".repeat(1500) }]);
    const deliveryId = await recordDelivery(t.account.id, webhook.id, webhook.url);
    await runDeliverJob(deliveryId, 1);
    const [attempt] = await attemptsOf(t, webhook.id, deliveryId);
    // "é" is two bytes in UTF-8: 1024 bytes are 512 whole characters.
    expect(attempt?.response_excerpt).toBe("é".repeat(512));
  });

  it("keeps a delivery's newest 20 attempts", async () => {
    const { t, host, webhook } = await tenantWithWebhook();
    await programSink(
      host,
      Array.from({ length: 22 }, () => ({ status: 500 })),
    );
    const deliveryId = await recordDelivery(t.account.id, webhook.id, webhook.url);
    for (let attempt = 1; attempt <= 22; attempt++) await runDeliverJob(deliveryId, attempt);
    const attempts = await attemptsOf(t, webhook.id, deliveryId);
    expect(attempts.map((each) => each.attempt)).toEqual(Array.from({ length: 20 }, (_, index) => index + 3));
  });

  it("forgets a delivery's attempts when its webhook is deleted", async () => {
    const { t, webhook } = await tenantWithWebhook();
    const deliveryId = await recordDelivery(t.account.id, webhook.id, webhook.url);
    await runDeliverJob(deliveryId, 1);
    expect(await attemptsOf(t, webhook.id, deliveryId)).toHaveLength(1);
    expectStatus(await call("DELETE", `${webhooksPath(t.account.id)}/${webhook.id}`, { token: t.admin.access_token }), 204);
    const left = await env.DB.prepare("select count(*) as count from webhook_delivery_attempts where delivery_id = ?")
      .bind(deliveryId)
      .first<{ count: number }>();
    expect(left?.count).toBe(0);
  });

  it("answers 404 for another account's delivery, whichever webhook it is asked under", async () => {
    const mine = await tenantWithWebhook();
    const theirs = await tenantWithWebhook();
    const theirDelivery = await recordDelivery(theirs.t.account.id, theirs.webhook.id, theirs.webhook.url);
    await runDeliverJob(theirDelivery, 1);
    const underMyWebhook = await call("GET", attemptsPath(mine.t.account.id, mine.webhook.id, theirDelivery), { token: mine.t.admin.access_token });
    expectStatus(underMyWebhook, 404);
    const underTheirWebhook = await call("GET", attemptsPath(mine.t.account.id, theirs.webhook.id, theirDelivery), {
      token: mine.t.admin.access_token,
    });
    expectStatus(underTheirWebhook, 404);
  });

  it("is for administrators only", async () => {
    const { t, webhook } = await tenantWithWebhook();
    const deliveryId = await recordDelivery(t.account.id, webhook.id, webhook.url);
    const reply = await call("GET", attemptsPath(t.account.id, webhook.id, deliveryId), { token: t.agent.access_token });
    expectStatus(reply, 403);
  });
});
