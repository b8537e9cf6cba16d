import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createAccount, createAgency, expectStatus, inviteUser, tenant, unique } from "./helpers";

describe("Agency API: users", () => {
  it("invites a user and returns their access and pubsub tokens", async () => {
    const agency = await createAgency();
    const account = await createAccount(agency.access_token);
    const email = `${unique("dana")}@Example.TEST`;
    const reply = await call("POST", `/api/v1/agency/accounts/${account.id}/users`, {
      token: agency.access_token,
      body: { name: "Dana Reyes", email, role: "administrator" },
    });
    expectStatus(reply, 201);
    expect(reply.body).toEqual({
      id: expect.any(Number),
      name: "Dana Reyes",
      email: email.toLowerCase(),
      role: "administrator",
      account_id: account.id,
      created_at: expect.any(String),
      access_token: expect.stringMatching(/^pus_/),
      pubsub_token: expect.stringMatching(/^u\d+_/),
    });
  });

  it("stores the user token only as a hash", async () => {
    const { admin } = await tenant();
    const row = await env.DB.prepare("select * from users where id = ?").bind(admin.id).first();
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(admin.access_token.split("_").slice(2).join("_"));
    expect(stored).not.toContain(admin.pubsub_token);
  });

  it("refuses an unknown role", async () => {
    const { agency, account } = await tenant();
    const reply = await call("POST", `/api/v1/agency/accounts/${account.id}/users`, {
      token: agency.access_token,
      body: { name: "Eve", email: "eve@example.test", role: "owner" },
    });
    expectStatus(reply, 422);
    expect(reply.body.error.details[0].field).toBe("role");
  });

  it("answers 409 when the email is already a member of the account", async () => {
    const { agency, account, agent } = await tenant();
    const reply = await call("POST", `/api/v1/agency/accounts/${account.id}/users`, {
      token: agency.access_token,
      body: { name: "Again", email: agent.email.toUpperCase(), role: "administrator" },
    });
    expectStatus(reply, 409);
    expect(reply.body.error).toMatchObject({ code: "conflict", details: { user_id: agent.id } });
  });

  it("adds an existing agency user to a second account without issuing a new token", async () => {
    const { agency, account, agent } = await tenant();
    const second = await createAccount(agency.access_token);
    const reply = await call("POST", `/api/v1/agency/accounts/${second.id}/users`, {
      token: agency.access_token,
      body: { name: "ignored", email: agent.email, role: "administrator" },
    });
    expectStatus(reply, 201);
    expect(reply.body).toMatchObject({ id: agent.id, access_token: null, pubsub_token: agent.pubsub_token, role: "administrator" });

    const profile = await call("GET", "/api/v1/profile", { token: agent.access_token });
    expect(profile.body.accounts).toEqual([
      { id: account.id, name: account.name, role: "agent" },
      { id: second.id, name: second.name, role: "administrator" },
    ]);
  });

  it("keeps the same email in two agencies as two separate users", async () => {
    const a = await tenant();
    const b = await tenant();
    const inB = await inviteUser(b.agency.access_token, b.account.id, "agent", a.admin.email);
    expect(inB.id).not.toBe(a.admin.id);
    const profile = await call("GET", "/api/v1/profile", { token: inB.access_token });
    expect(profile.body.accounts.map((x: { id: number }) => x.id)).toEqual([b.account.id]);
  });

  it("lists and shows an account's users", async () => {
    const { agency, account, admin, agent } = await tenant();
    const list = await call("GET", `/api/v1/agency/accounts/${account.id}/users`, { token: agency.access_token });
    expectStatus(list, 200);
    expect(list.body.payload.map((u: { id: number; role: string }) => [u.id, u.role])).toEqual([
      [admin.id, "administrator"],
      [agent.id, "agent"],
    ]);
    expect(JSON.stringify(list.body)).not.toContain("token");
    const one = await call("GET", `/api/v1/agency/accounts/${account.id}/users/${agent.id}`, { token: agency.access_token });
    expectStatus(one, 200);
    expect(one.body).toMatchObject({ id: agent.id, email: agent.email, role: "agent" });
  });

  it("changes a user's role and audits it", async () => {
    const { agency, account, agent } = await tenant();
    const reply = await call("PATCH", `/api/v1/agency/accounts/${account.id}/users/${agent.id}`, {
      token: agency.access_token,
      body: { role: "administrator" },
    });
    expectStatus(reply, 200);
    expect(reply.body.role).toBe("administrator");
    expectStatus(await call("PATCH", `/api/v1/accounts/${account.id}`, { token: agent.access_token, body: { locale: "fr" } }), 200);

    const log = await call("GET", `/api/v1/agency/audit_logs?account_id=${account.id}`, { token: agency.access_token });
    const roleChange = log.body.audit_logs.find((e: { auditable_type: string; action: string }) => e.auditable_type === "AccountUser" && e.action === "update");
    expect(roleChange).toMatchObject({ auditable_id: agent.id, audited_changes: { email: agent.email, role: ["agent", "administrator"] } });
  });

  it("removes a user from an account, deleting them when no account is left", async () => {
    const { agency, account, agent } = await tenant();
    expectStatus(await call("DELETE", `/api/v1/agency/accounts/${account.id}/users/${agent.id}`, { token: agency.access_token }), 204);
    expectStatus(await call("GET", `/api/v1/agency/accounts/${account.id}/users/${agent.id}`, { token: agency.access_token }), 404);
    expectStatus(await call("GET", "/api/v1/profile", { token: agent.access_token }), 401);
    const log = await call("GET", `/api/v1/agency/audit_logs?account_id=${account.id}`, { token: agency.access_token });
    expect(log.body.audit_logs[0]).toMatchObject({ action: "destroy", auditable_type: "AccountUser", auditable_id: agent.id });
  });

  it("keeps a removed user who still belongs to another account", async () => {
    const { agency, account, agent } = await tenant();
    const second = await createAccount(agency.access_token);
    await call("POST", `/api/v1/agency/accounts/${second.id}/users`, {
      token: agency.access_token,
      body: { name: "x", email: agent.email, role: "agent" },
    });
    expectStatus(await call("DELETE", `/api/v1/agency/accounts/${account.id}/users/${agent.id}`, { token: agency.access_token }), 204);
    const profile = await call("GET", "/api/v1/profile", { token: agent.access_token });
    expectStatus(profile, 200);
    expect(profile.body.accounts.map((a: { id: number }) => a.id)).toEqual([second.id]);
  });

  it("rotates a user's tokens so the old ones stop working", async () => {
    const { agency, account, agent } = await tenant();
    const reply = await call("POST", `/api/v1/agency/accounts/${account.id}/users/${agent.id}/rotate_token`, {
      token: agency.access_token,
    });
    expectStatus(reply, 200);
    expect(reply.body.access_token).not.toBe(agent.access_token);
    expect(reply.body.pubsub_token).not.toBe(agent.pubsub_token);
    expectStatus(await call("GET", "/api/v1/profile", { token: agent.access_token }), 401);
    const profile = await call("GET", "/api/v1/profile", { token: reply.body.access_token });
    expectStatus(profile, 200);
    expect(profile.body.pubsub_token).toBe(reply.body.pubsub_token);

    const log = await call("GET", `/api/v1/agency/audit_logs?account_id=${account.id}`, { token: agency.access_token });
    expect(log.body.audit_logs[0]).toMatchObject({ action: "rotate_token", auditable_type: "User", auditable_id: agent.id });
    expect(JSON.stringify(log.body)).not.toContain(reply.body.access_token);
  });

  it("records invitations with who invited whom and as what", async () => {
    const { agency, account, agent } = await tenant();
    const log = await call("GET", `/api/v1/agency/audit_logs?account_id=${account.id}`, { token: agency.access_token });
    expect(log.body.audit_logs[0]).toMatchObject({
      action: "create",
      auditable_type: "AccountUser",
      auditable_id: agent.id,
      audited_changes: { email: agent.email, role: "agent" },
      user_type: "Agency",
      user_id: agency.id,
    });
  });
});
