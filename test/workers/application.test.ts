import { describe, expect, it } from "vitest";
import { call, expectStatus, tenant } from "./helpers";

describe("Application API", () => {
  it("authenticates with a Bearer token and with Chatwoot's api_access_token header", async () => {
    const { admin } = await tenant();
    for (const tokenHeader of ["authorization", "api_access_token"] as const) {
      const reply = await call("GET", "/api/v1/profile", { token: admin.access_token, tokenHeader });
      expectStatus(reply, 200);
      expect(reply.body.id).toBe(admin.id);
    }
  });

  it("returns the profile with the user's accounts and pubsub token", async () => {
    const { account, admin } = await tenant();
    const reply = await call("GET", "/api/v1/profile", { token: admin.access_token });
    expect(reply.body).toEqual({
      id: admin.id,
      name: expect.any(String),
      display_name: expect.any(String),
      available_name: expect.any(String),
      email: admin.email,
      uid: admin.email,
      provider: "email",
      role: "administrator",
      account_id: account.id,
      pubsub_token: admin.pubsub_token,
      accounts: [{ id: account.id, name: account.name, role: "administrator" }],
      avatar_url: "",
      availability_status: "offline",
    });
  });

  it("rejects agency tokens, malformed tokens and forged secrets", async () => {
    const { agency, admin } = await tenant();
    const forged = admin.access_token.slice(0, -4) + "AAAA";
    for (const token of [agency.access_token, "garbage", forged, ""]) {
      const reply = await call("GET", "/api/v1/profile", { token });
      expectStatus(reply, 401);
      expect(reply.body.error.code).toBe("unauthorized");
    }
  });

  it("lets agents read the account but not change it", async () => {
    const { account, agent } = await tenant();
    expectStatus(await call("GET", `/api/v1/accounts/${account.id}`, { token: agent.access_token }), 200);
    const reply = await call("PATCH", `/api/v1/accounts/${account.id}`, { token: agent.access_token, body: { locale: "de" } });
    expectStatus(reply, 403);
    expect(reply.body.error.code).toBe("forbidden");
    const after = await call("GET", `/api/v1/accounts/${account.id}`, { token: agent.access_token });
    expect(after.body.locale).toBe("en");
  });

  it("lets administrators update the account, audited with the user and IP", async () => {
    const { account, admin } = await tenant();
    const reply = await call("PATCH", `/api/v1/accounts/${account.id}`, {
      token: admin.access_token,
      body: { locale: "de", support_email: "hilfe@acme.test" },
      headers: { "cf-connecting-ip": "2001:db8::1" },
    });
    expectStatus(reply, 200);
    expect(reply.body).toMatchObject({ locale: "de", support_email: "hilfe@acme.test" });

    const log = await call("GET", `/api/v1/accounts/${account.id}/audit_logs`, { token: admin.access_token });
    expectStatus(log, 200);
    expect(log.body.audit_logs[0]).toMatchObject({
      action: "update",
      auditable_type: "Account",
      audited_changes: { locale: ["en", "de"], support_email: [null, "hilfe@acme.test"] },
      user_type: "User",
      user_id: admin.id,
      user_email: admin.email,
      remote_address: "2001:db8::1",
    });
  });

  it("does not audit an update that changes nothing", async () => {
    const { account, admin } = await tenant();
    const before = await call("GET", `/api/v1/accounts/${account.id}/audit_logs`, { token: admin.access_token });
    expectStatus(await call("PATCH", `/api/v1/accounts/${account.id}`, { token: admin.access_token, body: { locale: "en" } }), 200);
    const after = await call("GET", `/api/v1/accounts/${account.id}/audit_logs`, { token: admin.access_token });
    expect(after.body.total_entries).toBe(before.body.total_entries);
  });

  it("shows the audit log to administrators only, newest first and paginated", async () => {
    const { account, admin, agent } = await tenant();
    expectStatus(await call("GET", `/api/v1/accounts/${account.id}/audit_logs`, { token: agent.access_token }), 403);
    const page = await call("GET", `/api/v1/accounts/${account.id}/audit_logs?per_page=2`, { token: admin.access_token });
    expectStatus(page, 200);
    // account created, administrator invited, agent invited
    expect(page.body).toMatchObject({ current_page: 1, per_page: 2, total_entries: 3 });
    expect(page.body.audit_logs.map((e: { auditable_type: string }) => e.auditable_type)).toEqual(["AccountUser", "AccountUser"]);
    const ids = page.body.audit_logs.map((e: { id: number }) => e.id);
    expect(ids[0]).toBeGreaterThan(ids[1]);
    const last = await call("GET", `/api/v1/accounts/${account.id}/audit_logs?per_page=2&page=2`, { token: admin.access_token });
    expect(last.body.audit_logs.map((e: { auditable_type: string }) => e.auditable_type)).toEqual(["Account"]);
  });

  it("answers 404 for an account the user does not belong to", async () => {
    const mine = await tenant();
    const theirs = await tenant();
    const reply = await call("GET", `/api/v1/accounts/${theirs.account.id}`, { token: mine.admin.access_token });
    expectStatus(reply, 404);
    expect(reply.body.error.code).toBe("not_found");
  });
});
