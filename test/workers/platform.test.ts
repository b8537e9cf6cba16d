import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createAccount, createAgency, eventually, expectStatus, PLATFORM_TOKEN, tenant, unique } from "./helpers";

describe("Platform API: agencies", () => {
  it("creates an agency and returns its access token once", async () => {
    const name = unique("Northwind");
    const reply = await call("POST", "/platform/api/v1/agencies", { token: PLATFORM_TOKEN, body: { name } });
    expectStatus(reply, 201);
    expect(reply.body).toMatchObject({ id: expect.any(Number), name, accounts_count: 0 });
    expect(reply.body.access_token).toMatch(/^pag_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);

    const shown = await call("GET", `/platform/api/v1/agencies/${reply.body.id}`, { token: PLATFORM_TOKEN });
    expectStatus(shown, 200);
    expect(shown.body).toEqual({ id: reply.body.id, name, accounts_count: 0, created_at: expect.any(String) });
  });

  it("stores the agency token only as a hash", async () => {
    const agency = await createAgency();
    const row = await env.DB.prepare("select * from agencies where id = ?").bind(agency.id).first<Record<string, unknown>>();
    expect(JSON.stringify(row)).not.toContain(agency.access_token.split("_").slice(2).join("_"));
    expect(row?.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("rejects requests without the platform token", async () => {
    const agency = await createAgency();
    for (const token of [undefined, "wrong", agency.access_token]) {
      const reply = await call("GET", "/platform/api/v1/agencies", { token });
      expectStatus(reply, 401);
      expect(reply.body.error.code).toBe("unauthorized");
    }
  });

  it("lists agencies newest first with their account counts", async () => {
    const first = await createAgency();
    const second = await createAgency();
    await createAccount(second.access_token);
    const reply = await call("GET", "/platform/api/v1/agencies?per_page=100", { token: PLATFORM_TOKEN });
    expectStatus(reply, 200);
    const ids = reply.body.payload.map((a: { id: number }) => a.id);
    expect(ids.indexOf(second.id)).toBeLessThan(ids.indexOf(first.id));
    expect(reply.body.payload.find((a: { id: number }) => a.id === second.id).accounts_count).toBe(1);
    expect(reply.body.meta).toMatchObject({ current_page: 1, per_page: 100, count: expect.any(Number) });
  });

  it("rotates an agency token so the old one stops working", async () => {
    const agency = await createAgency();
    const rotated = await call("POST", `/platform/api/v1/agencies/${agency.id}/rotate_token`, { token: PLATFORM_TOKEN });
    expectStatus(rotated, 200);
    expect(rotated.body.access_token).not.toBe(agency.access_token);
    expectStatus(await call("GET", "/api/v1/agency/accounts", { token: agency.access_token }), 401);
    expectStatus(await call("GET", "/api/v1/agency/accounts", { token: rotated.body.access_token }), 200);
  });

  it("answers 404 for an agency that does not exist", async () => {
    const reply = await call("GET", "/platform/api/v1/agencies/999999999", { token: PLATFORM_TOKEN });
    expectStatus(reply, 404);
    expect(reply.body.error).toEqual({ code: "not_found", message: "Agency not found.", details: null });
  });

  it("deletes an agency with its accounts and users, then purges their media in the background", async () => {
    const { agency, account, admin } = await tenant();
    await env.MEDIA.put(`accounts/${account.id}/logo.png`, "logo-bytes");

    expectStatus(await call("DELETE", `/platform/api/v1/agencies/${agency.id}`, { token: PLATFORM_TOKEN }), 204);

    expectStatus(await call("GET", `/platform/api/v1/agencies/${agency.id}`, { token: PLATFORM_TOKEN }), 404);
    expectStatus(await call("GET", "/api/v1/agency/accounts", { token: agency.access_token }), 401);
    expectStatus(await call("GET", "/api/v1/profile", { token: admin.access_token }), 401);
    await eventually(async () => {
      expect(await env.MEDIA.head(`accounts/${account.id}/logo.png`)).toBeNull();
      const pending = await env.DB.prepare("select count(*) as n from account_purges where account_id = ?").bind(account.id).first<{ n: number }>();
      expect(pending?.n).toBe(0);
    });
  });

  it("removes the media of the agency's snapshots when the agency is deleted", async () => {
    const agency = await createAgency();
    const snapshot = await env.DB.prepare(
      "insert into snapshots (agency_id, name, source_account_id, assets, contents) values (?, 'Old setup', 1, '{}', '{}') returning id",
    )
      .bind(agency.id)
      .first<{ id: number }>();
    const key = `snapshots/${snapshot?.id}/widgets/1/logo/logo.png`;
    await env.MEDIA.put(key, "logo");
    expectStatus(await call("DELETE", `/platform/api/v1/agencies/${agency.id}`, { token: PLATFORM_TOKEN }), 204);
    await eventually(async () => expect(await env.MEDIA.head(key)).toBeNull());
  });

  it("records agency creation and deletion in the platform audit log", async () => {
    const agency = await createAgency();
    expectStatus(await call("DELETE", `/platform/api/v1/agencies/${agency.id}`, { token: PLATFORM_TOKEN }), 204);
    const reply = await call("GET", `/platform/api/v1/audit_logs?agency_id=${agency.id}`, { token: PLATFORM_TOKEN });
    expectStatus(reply, 200);
    expect(reply.body.audit_logs.map((e: { action: string }) => e.action)).toEqual(["destroy", "create"]);
    expect(reply.body.audit_logs[1]).toMatchObject({
      auditable_type: "Agency",
      auditable_id: agency.id,
      agency_id: agency.id,
      user_type: "Platform",
      audited_changes: { name: agency.name },
    });
  });
});
