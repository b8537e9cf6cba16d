import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { DEAD_LETTER_QUEUE, retryDelaySeconds } from "../../src/jobs/queue";
import { call, clientSession, eventually, expectStatus, tenant } from "./helpers";

const deadJob = (messageId: string) =>
  env.DB.prepare("select * from dead_jobs where message_id = ?").bind(messageId).first<{ body: string; attempts: number }>();

describe("jobs queue and cron", () => {
  it("purges an account's media and Account object state, and is safe to run twice", async () => {
    const { agency, account } = await tenant();
    await env.MEDIA.put(`accounts/${account.id}/one.png`, "1");
    await env.MEDIA.put(`accounts/${account.id}/nested/two.png`, "2");
    const accountObject = env.ACCOUNT.getByName(String(account.id));
    await runInDurableObject(accountObject, (_, state) => state.storage.put("live-index", { conversations: 3 }));
    expectStatus(await call("DELETE", `/api/v1/agency/accounts/${account.id}`, { token: agency.access_token }), 204);

    const batch = createMessageBatch("parley-jobs", [
      { id: "purge-1", timestamp: new Date(), attempts: 1, body: { type: "account.purge", account_id: account.id } },
      { id: "purge-2", timestamp: new Date(), attempts: 2, body: { type: "account.purge", account_id: account.id } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["purge-1", "purge-2"]);
    expect((await env.MEDIA.list({ prefix: `accounts/${account.id}/` })).objects).toEqual([]);
    expect(await runInDurableObject(accountObject, (_, state) => state.storage.get("live-index"))).toBeUndefined();
  });

  it("keeps a message no handler understands as a dead job instead of retrying it", async () => {
    const batch = createMessageBatch("parley-jobs", [{ id: "unknown-1", timestamp: new Date(), attempts: 1, body: { type: "no.such.job" } }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(["unknown-1"]);
    expect(result.retryMessages).toEqual([]);
    expect(JSON.parse((await deadJob("unknown-1"))?.body ?? "null")).toEqual({ type: "no.such.job" });
  });

  it("records dead letters once, however often they are delivered", async () => {
    for (let delivery = 0; delivery < 2; delivery++) {
      const batch = createMessageBatch(DEAD_LETTER_QUEUE, [
        { id: "dead-1", timestamp: new Date(), attempts: 6, body: { type: "account.purge", account_id: 1 } },
      ]);
      const ctx = createExecutionContext();
      await worker.queue(batch, env);
      expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["dead-1"]);
    }
    const rows = await env.DB.prepare("select count(*) as n from dead_jobs where message_id = 'dead-1'").first<{ n: number }>();
    expect(rows?.n).toBe(1);
    expect((await deadJob("dead-1"))?.attempts).toBe(6);
  });

  it("has the cron sweep re-send purges that never finished", async () => {
    const { account } = await tenant();
    await env.MEDIA.put(`accounts/${account.id}/left-behind.png`, "x");
    // A purge requested long ago whose queue message was lost.
    await env.DB.prepare("insert into account_purges (account_id, requested_at) values (?, unixepoch() - 3600)").bind(account.id).run();

    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" }), env);

    await eventually(async () => {
      expect(await env.MEDIA.head(`accounts/${account.id}/left-behind.png`)).toBeNull();
      const left = await env.DB.prepare("select count(*) as n from account_purges where account_id = ?").bind(account.id).first<{ n: number }>();
      expect(left?.n).toBe(0);
    });
  });
});

describe("inbox deletion", () => {
  it("removes the inbox's conversations and contact sessions from the live state", async () => {
    const t = await tenant();
    const session = await clientSession(t);
    await call("POST", `${session.conversationPath}/messages`, { body: { content: "soon gone" } });
    const asAdmin = { token: t.admin.access_token };
    expectStatus(await call("DELETE", `/api/v1/accounts/${t.account.id}/inboxes/${session.inbox.id}`, asAdmin), 204);
    await eventually(async () => {
      const list = await call("GET", `/api/v1/accounts/${t.account.id}/conversations?status=all`, asAdmin);
      expect(list.body.data.payload).toEqual([]);
    });
    expectStatus(await call("GET", `/api/v1/accounts/${t.account.id}/conversations/${session.conversation.id}`, asAdmin), 404);
    const contact = await call("GET", `/api/v1/accounts/${t.account.id}/contacts/${session.contact.id}`, asAdmin);
    expect(contact.body.payload.contact_inboxes).toEqual([]);
  });
});

describe("retry backoff", () => {
  it("backs our own jobs off exponentially up to five minutes", () => {
    const purge = { type: "account.purge" as const, account_id: 1 };
    expect([1, 2, 3, 8, 9, 12].map((attempts) => retryDelaySeconds(purge, attempts))).toEqual([2, 4, 8, 256, 300, 300]);
  });

  it("gives a webhook's receiver ten seconds, then a minute, five, thirty and an hour", () => {
    const delivery = { type: "webhook.deliver" as const, delivery_id: 1 };
    expect([1, 2, 3, 4, 5, 6].map((attempts) => retryDelaySeconds(delivery, attempts))).toEqual([10, 60, 300, 1800, 3600, 3600]);
  });
});
