import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { DEAD_LETTER_QUEUE } from "../../src/jobs/queue";
import { call, clientSession, createInbox, eventually, expectStatus, tenant, unique } from "./helpers";
import { programSink, sinkHost } from "./outbound";

type Tenant = Awaited<ReturnType<typeof tenant>>;
const bots = (t: Tenant) => `/api/v1/accounts/${t.account.id}/agent_bots`;

async function createBot(t: Tenant, body: Record<string, unknown> = { name: "Helper", outgoing_url: "https://bot.example.com/hook" }) {
  const reply = await call("POST", bots(t), { token: t.admin.access_token, body });
  expectStatus(reply, 200);
  return reply.body as { id: number; access_token: string; secret: string; [field: string]: unknown };
}

describe("Application API: agent bots", () => {
  it("creates a bot in Chatwoot's shape and shows its token and secret only then", async () => {
    const t = await tenant();
    const bot = await createBot(t, { name: "Helper", description: "Answers first", outgoing_url: "https://bot.example.com/hook" });
    expect(bot).toMatchObject({
      name: "Helper",
      description: "Answers first",
      outgoing_url: "https://bot.example.com/hook",
      bot_type: "webhook",
      account_id: t.account.id,
    });
    expect(bot.access_token).toMatch(/^pab_/);
    const shown = await call("GET", `${bots(t)}/${bot.id}`, { token: t.agent.access_token });
    expectStatus(shown, 200);
    expect(shown.body.access_token).toBeUndefined();
    expect(shown.body.secret).toBeUndefined();
    expect((await call("GET", bots(t), { token: t.agent.access_token })).body.map((listed: { id: number }) => listed.id)).toEqual([bot.id]);
  });

  it("refuses an outgoing_url the destination guard does not allow", async () => {
    const t = await tenant();
    const reply = await call("POST", bots(t), { token: t.admin.access_token, body: { name: "Inside", outgoing_url: "http://127.0.0.1/hook" } });
    expectStatus(reply, 422);
    expect(reply.body.error).toMatchObject({ code: "destination_not_allowed", details: [{ field: "outgoing_url" }] });
  });

  it("lets only administrators create, change, reset and delete bots", async () => {
    const t = await tenant();
    const bot = await createBot(t);
    expectStatus(await call("POST", bots(t), { token: t.agent.access_token, body: { name: "No" } }), 403);
    expectStatus(await call("PATCH", `${bots(t)}/${bot.id}`, { token: t.agent.access_token, body: { name: "No" } }), 403);
    expectStatus(await call("POST", `${bots(t)}/${bot.id}/reset_access_token`, { token: t.agent.access_token }), 403);
    expectStatus(await call("DELETE", `${bots(t)}/${bot.id}`, { token: t.agent.access_token }), 403);
  });

  it("resets the token: the old one stops working at once", async () => {
    const t = await tenant();
    const bot = await createBot(t);
    const { conversation } = await clientSession(t);
    const path = `/api/v1/accounts/${t.account.id}/conversations/${conversation.id}/toggle_priority`;
    const reset = await call("POST", `${bots(t)}/${bot.id}/reset_access_token`, { token: t.admin.access_token });
    expectStatus(reset, 200);
    expect(reset.body.access_token).not.toBe(bot.access_token);
    expectStatus(await call("POST", path, { token: bot.access_token, body: { priority: "high" } }), 401);
  });

  it("updates and deletes a bot; a deleted bot's token is refused", async () => {
    const t = await tenant();
    const bot = await createBot(t);
    const updated = await call("PATCH", `${bots(t)}/${bot.id}`, { token: t.admin.access_token, body: { name: "Renamed", outgoing_url: null } });
    expectStatus(updated, 200);
    expect(updated.body).toMatchObject({ name: "Renamed", outgoing_url: null });
    expectStatus(await call("DELETE", `${bots(t)}/${bot.id}`, { token: t.admin.access_token }), 200);
    expectStatus(await call("GET", `${bots(t)}/${bot.id}`, { token: t.admin.access_token }), 404);
    expectStatus(await call("POST", `/api/v1/accounts/${t.account.id}/conversations/1/messages`, { token: bot.access_token, body: { content: "hi" } }), 401);
  });
});

describe("Application API: an inbox's agent bot", () => {
  it("connects a bot to an inbox, shows it, and disconnects it with null", async () => {
    const t = await tenant();
    const bot = await createBot(t);
    const inbox = await createInbox(t.admin.access_token, t.account.id, { channel: { type: "api" } });
    const path = `/api/v1/accounts/${t.account.id}/inboxes/${inbox.id}`;
    expect((await call("GET", `${path}/agent_bot`, { token: t.admin.access_token })).body).toEqual({ agent_bot: null });
    expectStatus(await call("POST", `${path}/set_agent_bot`, { token: t.admin.access_token, body: { agent_bot: bot.id } }), 204);
    expect((await call("GET", `${path}/agent_bot`, { token: t.admin.access_token })).body.agent_bot).toMatchObject({ id: bot.id, name: "Helper" });
    expectStatus(await call("POST", `${path}/set_agent_bot`, { token: t.admin.access_token, body: { agent_bot: null } }), 204);
    expect((await call("GET", `${path}/agent_bot`, { token: t.admin.access_token })).body).toEqual({ agent_bot: null });
  });

  it("refuses a bot of another account", async () => {
    const t = await tenant();
    const other = await tenant();
    const foreign = await createBot(other);
    const inbox = await createInbox(t.admin.access_token, t.account.id, { channel: { type: "api" } });
    const reply = await call("POST", `/api/v1/accounts/${t.account.id}/inboxes/${inbox.id}/set_agent_bot`, {
      token: t.admin.access_token,
      body: { agent_bot: foreign.id },
    });
    expectStatus(reply, 422);
  });

  it("lets the bot act only on conversations of the inboxes it answers, and set their custom attributes", async () => {
    const t = await tenant();
    const bot = await createBot(t);
    const answered = await clientSession(t);
    const other = await clientSession(t);
    await call("POST", `/api/v1/accounts/${t.account.id}/inboxes/${answered.inbox.id}/set_agent_bot`, {
      token: t.admin.access_token,
      body: { agent_bot: bot.id },
    });
    const attributes = (id: number) =>
      call("POST", `/api/v1/accounts/${t.account.id}/conversations/${id}/custom_attributes`, {
        token: bot.access_token,
        body: { custom_attributes: { intent: "refund" } },
      });
    const mine = await attributes(answered.conversation.id);
    expectStatus(mine, 200);
    expect(mine.body.custom_attributes).toEqual({ intent: "refund" });
    expectStatus(await attributes(other.conversation.id), 404);
  });

  it("opens a pending conversation for people when its bot cannot be reached, as Chatwoot's webhook trigger does", { timeout: 30_000 }, async () => {
    const t = await tenant();
    const host = sinkHost("down-bot");
    await programSink(
      host,
      Array.from({ length: 10 }, () => ({ status: 503 })),
    );
    const bot = await createBot(t, { name: "Down", outgoing_url: `https://${host}/hook` });
    const inbox = await createInbox(t.admin.access_token, t.account.id, { channel: { type: "api" } });
    await call("POST", `/api/v1/accounts/${t.account.id}/inboxes/${inbox.id}/set_agent_bot`, { token: t.admin.access_token, body: { agent_bot: bot.id } });
    const identifier = inbox.inbox_identifier as string;
    const contact = (await call("POST", `/public/api/v1/inboxes/${identifier}/contacts`, { body: { name: "Waiting" } })).body as { source_id: string };
    const base = `/public/api/v1/inboxes/${identifier}/contacts/${contact.source_id}/conversations`;
    const conversation = (await call("POST", base, { body: {} })).body as { id: number; status: string };
    expect(conversation.status).toBe("pending");
    await call("POST", `${base}/${conversation.id}/messages`, { body: { content: "Hello?" } });
    let deliveryId = 0;
    await eventually(async () => {
      const row = await env.DB.prepare("select id from webhook_deliveries where agent_bot_id = ? and event = 'message_created'")
        .bind(bot.id)
        .first<{ id: number }>();
      expect(row).not.toBeNull();
      deliveryId = row?.id ?? 0;
    });
    // The queue gives up on the delivery: its job reaches the dead letter queue.
    const batch = createMessageBatch(DEAD_LETTER_QUEUE, [
      { id: unique("dead"), timestamp: new Date(), attempts: 6, body: { type: "webhook.deliver", delivery_id: deliveryId } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    await getQueueResult(batch, ctx);
    const now = await call("GET", `/api/v1/accounts/${t.account.id}/conversations/${conversation.id}`, { token: t.admin.access_token });
    expect(now.body.status).toBe("open");
  });

  it("goes with its sub-account, deliveries and all", { timeout: 30_000 }, async () => {
    const t = await tenant();
    const bot = await createBot(t, { name: "Short-lived", outgoing_url: `https://${sinkHost("gone-bot")}/hook` });
    const inbox = await createInbox(t.admin.access_token, t.account.id, { channel: { type: "api" } });
    await call("POST", `/api/v1/accounts/${t.account.id}/inboxes/${inbox.id}/set_agent_bot`, { token: t.admin.access_token, body: { agent_bot: bot.id } });
    const identifier = inbox.inbox_identifier as string;
    const contact = (await call("POST", `/public/api/v1/inboxes/${identifier}/contacts`, { body: { name: "Brief" } })).body as { source_id: string };
    const conversation = (await call("POST", `/public/api/v1/inboxes/${identifier}/contacts/${contact.source_id}/conversations`, { body: {} })).body as {
      id: number;
    };
    await call("POST", `/public/api/v1/inboxes/${identifier}/contacts/${contact.source_id}/conversations/${conversation.id}/messages`, {
      body: { content: "Hi" },
    });
    await eventually(async () => {
      const row = await env.DB.prepare("select count(*) as n from webhook_deliveries where agent_bot_id = ?").bind(bot.id).first<{ n: number }>();
      expect(row?.n).toBeGreaterThan(0);
    });
    expectStatus(await call("DELETE", `/api/v1/agency/accounts/${t.account.id}`, { token: t.agency.access_token }), 204);
    const left = await env.DB.prepare(
      "select (select count(*) from agent_bots where id = ?1) + (select count(*) from webhook_deliveries where agent_bot_id = ?1) as n",
    )
      .bind(bot.id)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
  });
});
