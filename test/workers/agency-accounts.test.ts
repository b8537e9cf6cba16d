import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createAccount, createAgency, eventually, expectStatus, tenant } from "./helpers";

describe("Agency API: sub-accounts", () => {
  it("creates a sub-account with location defaults", async () => {
    const agency = await createAgency();
    const reply = await call("POST", "/api/v1/agency/accounts", { token: agency.access_token, body: { name: "Acme Dental" } });
    expectStatus(reply, 201);
    expect(reply.body).toEqual({
      id: expect.any(Number),
      agency_id: agency.id,
      name: "Acme Dental",
      locale: "en",
      country: null,
      timezone: "UTC",
      business_name: null,
      business_address: null,
      business_phone: null,
      support_email: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
  });

  it("keeps every location-level field it is given", async () => {
    const agency = await createAgency();
    const input = {
      name: "Acme Lisbon",
      locale: "pt_BR",
      country: "pt",
      timezone: "Europe/Lisbon",
      business_name: "Acme Clinics Lda",
      business_address: "Rua Augusta 1, Lisboa",
      business_phone: "+351 21 000 0000",
      support_email: "help@acme.test",
    };
    const reply = await call("POST", "/api/v1/agency/accounts", { token: agency.access_token, body: input });
    expectStatus(reply, 201);
    expect(reply.body).toMatchObject({ ...input, country: "PT" });
  });

  it("rejects an unknown time zone, a bad email and unknown fields with per-field details", async () => {
    const agency = await createAgency();
    const reply = await call("POST", "/api/v1/agency/accounts", {
      token: agency.access_token,
      body: { name: "x", timezone: "Mars/Olympus", support_email: "not-an-email", plan: "gold" },
    });
    expectStatus(reply, 422);
    expect(reply.body.error.code).toBe("validation_failed");
    const fields = reply.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(["timezone", "support_email"]));
    expect(JSON.stringify(reply.body.error.details)).toContain("plan");
  });

  it("lists only the agency's own sub-accounts", async () => {
    const mine = await createAgency();
    const theirs = await createAgency();
    const own = await createAccount(mine.access_token);
    const foreign = await createAccount(theirs.access_token);
    const reply = await call("GET", "/api/v1/agency/accounts", { token: mine.access_token });
    expectStatus(reply, 200);
    expect(reply.body.payload.map((a: { id: number }) => a.id)).toEqual([own.id]);
    expect(reply.body.meta).toEqual({ count: 1, current_page: 1, per_page: 25 });
    expect(JSON.stringify(reply.body)).not.toContain(foreign.name);
  });

  it("pages through sub-accounts", async () => {
    const agency = await createAgency();
    const created = [];
    for (let i = 0; i < 3; i++) created.push(await createAccount(agency.access_token));
    const page2 = await call("GET", "/api/v1/agency/accounts?page=2&per_page=2", { token: agency.access_token });
    expectStatus(page2, 200);
    expect(page2.body.meta).toEqual({ count: 3, current_page: 2, per_page: 2 });
    expect(page2.body.payload.map((a: { id: number }) => a.id)).toEqual([created[0]?.id]);
  });

  it("updates settings and audits exactly what changed", async () => {
    const { agency, account } = await tenant();
    const reply = await call("PATCH", `/api/v1/agency/accounts/${account.id}`, {
      token: agency.access_token,
      body: { timezone: "Asia/Tokyo", locale: "en", business_name: "Acme KK" },
      headers: { "cf-connecting-ip": "203.0.113.7" },
    });
    expectStatus(reply, 200);
    expect(reply.body).toMatchObject({ timezone: "Asia/Tokyo", business_name: "Acme KK" });

    const log = await call("GET", `/api/v1/agency/audit_logs?account_id=${account.id}`, { token: agency.access_token });
    expect(log.body.audit_logs[0]).toMatchObject({
      action: "update",
      auditable_type: "Account",
      auditable_id: account.id,
      associated_type: "Account",
      associated_id: account.id,
      audited_changes: { timezone: ["UTC", "Asia/Tokyo"], business_name: [null, "Acme KK"] },
      user_type: "Agency",
      user_id: agency.id,
      username: agency.name,
      remote_address: "203.0.113.7",
    });
  });

  it("clears an optional field with null", async () => {
    const agency = await createAgency();
    const account = await createAccount(agency.access_token, { business_name: "Old name" });
    const reply = await call("PATCH", `/api/v1/agency/accounts/${account.id}`, {
      token: agency.access_token,
      body: { business_name: null },
    });
    expectStatus(reply, 200);
    expect(reply.body.business_name).toBeNull();
  });

  it("deletes a sub-account, its memberships and users left without accounts, then purges its media", async () => {
    const { agency, account, admin } = await tenant();
    const other = await createAccount(agency.access_token);
    const shared = await call("POST", `/api/v1/agency/accounts/${other.id}/users`, {
      token: agency.access_token,
      body: { name: "Shared", email: admin.email, role: "agent" },
    });
    expectStatus(shared, 201);
    await env.MEDIA.put(`accounts/${account.id}/a.png`, "a");
    await env.MEDIA.put(`accounts/${other.id}/b.png`, "b");

    expectStatus(await call("DELETE", `/api/v1/agency/accounts/${account.id}`, { token: agency.access_token }), 204);

    expectStatus(await call("GET", `/api/v1/agency/accounts/${account.id}`, { token: agency.access_token }), 404);
    const profile = await call("GET", "/api/v1/profile", { token: admin.access_token });
    expectStatus(profile, 200);
    expect(profile.body.accounts.map((a: { id: number }) => a.id)).toEqual([other.id]);
    await eventually(async () => {
      expect(await env.MEDIA.head(`accounts/${account.id}/a.png`)).toBeNull();
    });
    expect(await env.MEDIA.head(`accounts/${other.id}/b.png`)).not.toBeNull();

    const log = await call("GET", `/api/v1/agency/audit_logs?account_id=${account.id}`, { token: agency.access_token });
    expect(log.body.audit_logs[0]).toMatchObject({ action: "destroy", auditable_type: "Account", auditable_id: account.id });
  });

  it("removes the token of a user whose only account is deleted", async () => {
    const { agency, account, agent } = await tenant();
    expectStatus(await call("DELETE", `/api/v1/agency/accounts/${account.id}`, { token: agency.access_token }), 204);
    expectStatus(await call("GET", "/api/v1/profile", { token: agent.access_token }), 401);
  });

  it("records account creation in the agency audit log, after the agency's own creation", async () => {
    const agency = await createAgency();
    const account = await createAccount(agency.access_token, { country: "NL" });
    const log = await call("GET", "/api/v1/agency/audit_logs", { token: agency.access_token });
    expectStatus(log, 200);
    expect(log.body).toMatchObject({ current_page: 1, per_page: 25, total_entries: 2 });
    expect(log.body.audit_logs[1]).toMatchObject({ action: "create", auditable_type: "Agency", auditable_id: agency.id });
    expect(log.body.audit_logs[0]).toMatchObject({
      action: "create",
      auditable_type: "Account",
      auditable_id: account.id,
      associated_id: account.id,
      audited_changes: { name: account.name, country: "NL" },
    });
  });
});
