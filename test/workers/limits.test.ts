// The rate limits of the public doors: 429 in the one error shape with Retry-After, by address, session and token.
import { env, exports } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { counterName } from "../../src/durable/rate-counter";
import { rateCounter } from "../../src/durable/addresses";
import { call, clientSession, createInbox, expectStatus, tenant, unique } from "./helpers";
import { freshAddress, withinOneWindow } from "./limits-fixtures";
import { widgetCommandSession } from "./widget-fixtures";

describe("rate limits", () => {
  it("answers 429 with Retry-After once an address has created more contacts than its limit", { timeout: 60_000 }, async () => {
    const t = await tenant();
    const inbox = await createInbox(t.admin.access_token, t.account.id, { channel: { type: "api" } });
    const address = freshAddress();
    await withinOneWindow(60);
    const replies = [];
    for (let i = 0; i < 11; i++) {
      replies.push(
        await call("POST", `/public/api/v1/inboxes/${inbox.inbox_identifier}/contacts`, {
          body: { name: `Visitor ${i}` },
          headers: { "cf-connecting-ip": address },
        }),
      );
    }
    expect(replies.slice(0, 10).map((r) => r.status)).toEqual(Array(10).fill(200));
    const refused = replies[10];
    if (!refused) throw new Error("no eleventh reply");
    expectStatus(refused, 429);
    expect(refused.headers.get("retry-after")).toBe("60");
    expect(refused.body.error).toMatchObject({ code: "rate_limited", details: { retry_after: 60, limits: ["public_create.address"] } });
  });

  it("lets a new visitor of a site start a chat while another address floods it: refused requests spend only the flooder's window", {
    timeout: 120_000,
  }, async () => {
    const t = await tenant();
    const inbox = await createInbox(t.admin.access_token, t.account.id, { channel: { type: "api" } });
    const create = (address: string) =>
      call("POST", `/public/api/v1/inboxes/${inbox.inbox_identifier}/contacts`, { body: { name: "Visitor" }, headers: { "cf-connecting-ip": address } });
    const flooder = freshAddress();
    await withinOneWindow(60, 45_000);
    // More requests than the site's own window (300 a minute) holds: 10 get through, the rest are refused by address.
    const statuses: number[] = [];
    for (let i = 0; i < 320; i++) statuses.push((await create(flooder)).status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(10);
    expectStatus(await create(freshAddress()), 200);
  });

  it("limits a visitor session's typing events to ten in ten seconds", { timeout: 30_000 }, async () => {
    const { conversationPath } = await clientSession(await tenant());
    await withinOneWindow(10);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push((await call("POST", `${conversationPath}/toggle_typing`, { body: { typing_status: i % 2 ? "off" : "on" } })).status);
    expect(statuses).toEqual([...Array(10).fill(200), 429]);
  });

  it("answers 429 instead of 401 to an address that keeps presenting bad tokens", { timeout: 60_000 }, async () => {
    const address = freshAddress();
    await withinOneWindow(60);
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await call("GET", "/api/v1/profile", { token: `u_bad${i}`, headers: { "cf-connecting-ip": address } })).status);
    expect(statuses).toEqual([...Array(30).fill(401), 429]);
    // Another address with the same bad token is still told 401.
    expectStatus(await call("GET", "/api/v1/profile", { token: "u_bad0", headers: { "cf-connecting-ip": freshAddress() } }), 401);
  });

  it("counts what is served without a token outside the API (media, the console's and the chat app's pages, health) by address", {
    timeout: 60_000,
  }, async () => {
    const address = freshAddress();
    await withinOneWindow(10);
    const paths = ["/media/accounts/1/nothing.png", "/app", "/widget/app.html", "/health", "/api"];
    const statuses: number[] = [];
    for (let i = 0; i < 101; i++) {
      const res = await exports.default.fetch(`http://parley.test${paths[i % paths.length]}`, { headers: { "cf-connecting-ip": address } });
      statuses.push(res.status);
      await res.body?.cancel();
    }
    expect(statuses.slice(0, 100)).not.toContain(429);
    expect(statuses[100]).toBe(429);
    // Another address is served as before.
    expect((await exports.default.fetch("http://parley.test/health", { headers: { "cf-connecting-ip": freshAddress() } })).status).toBe(200);
  });

  it("refuses /cable connections past the address's limit with 429", { timeout: 60_000 }, async () => {
    const address = freshAddress();
    await withinOneWindow(60);
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const res = await exports.default.fetch("http://parley.test/cable", { headers: { upgrade: "websocket", "cf-connecting-ip": address } });
      statuses.push(res.status);
      if (res.webSocket) {
        res.webSocket.accept();
        res.webSocket.close(1000, "done");
      } else {
        expect(res.headers.get("retry-after")).toBe("60");
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
      }
    }
    expect(statuses).toEqual([...Array(30).fill(101), 429]);
  });

  it("lets an address start six conversations in twelve hours, then answers with the end of that window", { timeout: 60_000 }, async () => {
    const t = await tenant();
    const { token } = await widgetCommandSession(t);
    const address = freshAddress();
    const replies = [];
    for (let i = 0; i < 7; i++)
      replies.push(await call("POST", "/api/v1/widget/sessions", { body: { widget_token: token }, headers: { "cf-connecting-ip": address } }));
    expect(replies.map((r) => r.status)).toEqual([...Array(6).fill(201), 429]);
    const retryAfter = Number(replies[6]?.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(12 * 3600 - 120);
    expect(retryAfter).toBeLessThanOrEqual(12 * 3600);
    expect(replies[6]?.body.error.details.limits).toEqual(["widget_conversations.address"]);
  });

  it("counts Client API conversations against the same twelve hours as widget sessions", { timeout: 60_000 }, async () => {
    const t = await tenant();
    const { token } = await widgetCommandSession(t);
    const { base } = await clientSession(t);
    const address = freshAddress();
    for (let i = 0; i < 6; i++)
      expectStatus(await call("POST", "/api/v1/widget/sessions", { body: { widget_token: token }, headers: { "cf-connecting-ip": address } }), 201);
    const refused = await call("POST", `${base}/conversations`, { body: {}, headers: { "cf-connecting-ip": address } });
    expectStatus(refused, 429);
    expect(refused.body.error.details.limits).toEqual(["widget_conversations.address"]);
  });

  it("ends a long window when its period is over, and its alarm forgets it", async () => {
    const key = unique("window");
    const counter = rateCounter(env, "test.window", key);
    expect(await counter.hit(key, 1, 1)).toMatchObject({ allowed: true, hits: 1 });
    expect(await counter.hit(key, 1, 1)).toMatchObject({ allowed: false, hits: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await counter.hit(key, 1, 1)).toMatchObject({ allowed: true, hits: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const stub = env.RATE_COUNTER.getByName(counterName("test.window", key));
    await runDurableObjectAlarm(stub);
    const left = await runInDurableObject(
      stub,
      (_, state) => state.storage.sql.exec<{ n: number }>("select count(*) as n from windows where key = ?", key).one().n,
    );
    expect(left).toBe(0);
  });
});
