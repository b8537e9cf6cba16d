// The account's agents through the Application API (Chatwoot's /api/v1/accounts/:account_id/agents):
// administrators invite by email, change roles and availability, and remove people, and access follows at once.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { connectCable } from "./cable-client";
import { call, createAccount, expectStatus, inviteUser, tenant, unique } from "./helpers";

type Tenant = Awaited<ReturnType<typeof tenant>>;
type AgentJson = { id: number; name: string; email: string; role: string; availability_status: string; [field: string]: unknown };

const WITHIN_A_SECOND = 1_000;

const agentsPath = (t: Tenant) => `/api/v1/accounts/${t.account.id}/agents`;

async function addAgent(t: Tenant, body: Record<string, unknown>, token = t.admin.access_token) {
  return call("POST", agentsPath(t), { token, body });
}

async function agents(t: Tenant): Promise<AgentJson[]> {
  const reply = await call<AgentJson[]>("GET", agentsPath(t), { token: t.admin.access_token });
  expectStatus(reply, 200);
  return reply.body;
}

async function latestAudit(t: Tenant) {
  const log = await call("GET", `/api/v1/accounts/${t.account.id}/audit_logs`, { token: t.admin.access_token });
  expectStatus(log, 200);
  return log.body.audit_logs[0] as Record<string, unknown>;
}

describe("Application API: adding agents", () => {
  it("invites a new person by email: a member with the role, mailed a one-time link from the account, audited", async () => {
    const t = await tenant();
    const email = `${unique("dana")}@example.test`;
    const reply = await addAgent(t, { name: "Dana Reyes", email: email.toUpperCase(), role: "agent" });
    expectStatus(reply, 201);
    expect(reply.body).toMatchObject({ name: "Dana Reyes", email, role: "agent", account_id: t.account.id, availability_status: "offline" });
    expect(JSON.stringify(reply.body)).not.toMatch(/access_token|pubsub_token/);
    expect((await agents(t)).map((agent) => agent.email)).toContain(email);

    const mail = await env.DB.prepare(`select account_id, kind, subject from emails where "to" = ?`)
      .bind(JSON.stringify([email]))
      .first();
    expect(mail).toEqual({ account_id: t.account.id, kind: "invitation", subject: `You have been invited to ${t.account.name} on Parley` });
    const link = await env.DB.prepare("select purpose, used_at from password_tokens where user_id = ?").bind(reply.body.id).first();
    expect(link).toEqual({ purpose: "invitation", used_at: null });
    expect(await latestAudit(t)).toMatchObject({
      action: "create",
      auditable_type: "AccountUser",
      auditable_id: reply.body.id,
      audited_changes: { email, name: "Dana Reyes", role: "agent", invitation: "sent" },
      user_type: "User",
      user_id: t.admin.id,
    });
  });

  it("adds a person of another sub-account of the agency by email, without a new invitation, with the token they have", async () => {
    const t = await tenant();
    const elsewhere = await createAccount(t.agency.access_token);
    const person = await inviteUser(t.agency.access_token, elsewhere.id, "agent");
    const reply = await addAgent(t, { name: "ignored for an existing user", email: person.email, role: "administrator" });
    expectStatus(reply, 201);
    expect(reply.body).toMatchObject({ id: person.id, role: "administrator" });
    const invitations = await env.DB.prepare(`select count(*) as n from emails where "to" = ?`)
      .bind(JSON.stringify([person.email]))
      .first<{ n: number }>();
    expect(invitations?.n).toBe(1);
    expectStatus(await call("GET", `/api/v1/accounts/${t.account.id}/audit_logs`, { token: person.access_token }), 200);
  });

  it("presets the availability the others see once the added person connects", async () => {
    const t = await tenant();
    const elsewhere = await createAccount(t.agency.access_token);
    const person = await inviteUser(t.agency.access_token, elsewhere.id, "agent");
    const reply = await addAgent(t, { name: "Busy Person", email: person.email, role: "agent", availability_status: "busy" });
    expectStatus(reply, 201);
    expect(reply.body.availability_status).toBe("offline");
    const cable = await connectCable();
    await cable.subscribe(cable.identifierFor(person.pubsub_token, t.account.id));
    expect((await agents(t)).find((agent) => agent.id === person.id)?.availability_status).toBe("busy");
    cable.close();
  });

  it("answers 422 on email for a person who is already an agent of the account", async () => {
    const t = await tenant();
    const reply = await addAgent(t, { name: "Again", email: t.agent.email, role: "agent" });
    expectStatus(reply, 422);
    expect(reply.body.error.details).toEqual([{ field: "email", message: `${t.agent.email} is already an agent of this account.`, code: "already_member" }]);
  });

  it("refuses auto_offline false, since an agent who is not connected always shows offline", async () => {
    const t = await tenant();
    const reply = await addAgent(t, { name: "Awake", email: `${unique("awake")}@example.test`, role: "agent", auto_offline: false });
    expectStatus(reply, 422);
    expect(reply.body.error.details[0].field).toBe("auto_offline");
  });

  it("lets only administrators add, change and remove agents", async () => {
    const t = await tenant();
    const token = t.agent.access_token;
    expectStatus(await addAgent(t, { name: "Nope", email: `${unique("nope")}@example.test`, role: "agent" }, token), 403);
    expectStatus(await call("PATCH", `${agentsPath(t)}/${t.admin.id}`, { token, body: { role: "agent" } }), 403);
    expectStatus(await call("DELETE", `${agentsPath(t)}/${t.admin.id}`, { token }), 403);
  });
});

describe("Application API: changing agents", () => {
  it("demotes an administrator, who loses administration at once, audited with the roles before and after", async () => {
    const t = await tenant();
    const other = await inviteUser(t.agency.access_token, t.account.id, "administrator");
    expectStatus(await call("GET", `/api/v1/accounts/${t.account.id}/audit_logs`, { token: other.access_token }), 200);
    const reply = await call("PATCH", `${agentsPath(t)}/${other.id}`, { token: t.admin.access_token, body: { role: "agent" } });
    expectStatus(reply, 200);
    expect(reply.body).toMatchObject({ id: other.id, role: "agent" });
    expectStatus(await call("GET", `/api/v1/accounts/${t.account.id}/audit_logs`, { token: other.access_token }), 403);
    expect(await latestAudit(t)).toMatchObject({
      action: "update",
      auditable_type: "AccountUser",
      auditable_id: other.id,
      audited_changes: { email: other.email, role: ["administrator", "agent"] },
    });
  });

  it("sets the availability the others see while the agent is connected", async () => {
    const t = await tenant();
    const cable = await connectCable();
    await cable.subscribe(cable.identifierFor(t.agent.pubsub_token, t.account.id));
    const reply = await call("PATCH", `${agentsPath(t)}/${t.agent.id}`, { token: t.admin.access_token, body: { availability: "busy" } });
    expectStatus(reply, 200);
    expect(reply.body.availability_status).toBe("busy");
    expect((await agents(t)).find((agent) => agent.id === t.agent.id)?.availability_status).toBe("busy");
    cable.close();
  });

  it("renames the user, audited", async () => {
    const t = await tenant();
    const reply = await call("PATCH", `${agentsPath(t)}/${t.agent.id}`, { token: t.admin.access_token, body: { name: "Renamed Agent" } });
    expectStatus(reply, 200);
    expect((await agents(t)).find((agent) => agent.id === t.agent.id)?.name).toBe("Renamed Agent");
    expect(await latestAudit(t)).toMatchObject({
      action: "update",
      auditable_type: "User",
      audited_changes: { name: [`agent ${t.agent.email}`, "Renamed Agent"] },
    });
  });

  it("keeps the account's only administrator: neither demoted nor removed", async () => {
    const t = await tenant();
    const demotion = await call("PATCH", `${agentsPath(t)}/${t.admin.id}`, { token: t.admin.access_token, body: { role: "agent" } });
    expectStatus(demotion, 409);
    expect(demotion.body.error.details).toEqual({ code: "last_administrator" });
    expectStatus(await call("DELETE", `${agentsPath(t)}/${t.admin.id}`, { token: t.admin.access_token }), 409);
    expect((await agents(t)).find((agent) => agent.id === t.admin.id)?.role).toBe("administrator");
  });

  it("answers 404 for a user who is not an agent of the account", async () => {
    const t = await tenant();
    const stranger = await tenant();
    expectStatus(await call("PATCH", `${agentsPath(t)}/${stranger.agent.id}`, { token: t.admin.access_token, body: { role: "administrator" } }), 404);
    expectStatus(await call("DELETE", `${agentsPath(t)}/${stranger.agent.id}`, { token: t.admin.access_token }), 404);
  });
});

describe("Application API: removing agents", () => {
  it("ends the removed agent's access at once: their /cable closes and their token no longer opens the account, audited", async () => {
    const t = await tenant();
    const removed = await inviteUser(t.agency.access_token, t.account.id, "agent");
    const elsewhere = await createAccount(t.agency.access_token);
    await call("POST", `/api/v1/agency/accounts/${elsewhere.id}/users`, {
      token: t.agency.access_token,
      body: { name: "same person", email: removed.email, role: "agent" },
    });
    const cable = await connectCable();
    expect((await cable.subscribe(cable.identifierFor(removed.pubsub_token, t.account.id, removed.id))).type).toBe("confirm_subscription");

    expectStatus(await call("DELETE", `${agentsPath(t)}/${removed.id}`, { token: t.admin.access_token }), 204);
    expect(await cable.waitFor((f) => f.type === "disconnect", "a disconnect frame", WITHIN_A_SECOND)).toMatchObject({ type: "disconnect", reconnect: false });
    expectStatus(await call("GET", `/api/v1/accounts/${t.account.id}/conversations`, { token: removed.access_token }), 404);
    expectStatus(await call("GET", `/api/v1/accounts/${elsewhere.id}/agents`, { token: removed.access_token }), 200);
    expect((await agents(t)).map((agent) => agent.id)).not.toContain(removed.id);
    expect(await latestAudit(t)).toMatchObject({
      action: "destroy",
      auditable_type: "AccountUser",
      auditable_id: removed.id,
      audited_changes: { email: removed.email, role: "agent" },
    });
  });

  it("deletes a removed person who belongs to no other sub-account, so their token stops working", async () => {
    const t = await tenant();
    expectStatus(await call("DELETE", `${agentsPath(t)}/${t.agent.id}`, { token: t.admin.access_token }), 204);
    expectStatus(await call("GET", "/api/v1/profile", { token: t.agent.access_token }), 401);
  });
});
