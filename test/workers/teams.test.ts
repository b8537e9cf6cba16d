import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createAccount, createTeam, expectStatus, inviteUser, tenant } from "./helpers";

const teamsPath = (accountId: number) => `/api/v1/accounts/${accountId}/teams`;
const membersPath = (accountId: number, teamId: number) => `/api/v1/accounts/${accountId}/teams/${teamId}/team_members`;

async function auditLog(accountId: number, adminToken: string) {
  const reply = await call("GET", `/api/v1/accounts/${accountId}/audit_logs?per_page=100`, { token: adminToken });
  expectStatus(reply, 200);
  return reply.body.audit_logs as { action: string; auditable_type: string; auditable_id: number; audited_changes: Record<string, unknown> }[];
}

describe("Application API: teams", () => {
  it("creates a team in Chatwoot's shape, audited", async () => {
    const { account, admin } = await tenant();
    const reply = await call("POST", teamsPath(account.id), {
      token: admin.access_token,
      body: { name: "Front desk", description: "First line", allow_auto_assign: false },
    });
    expectStatus(reply, 201);
    expect(reply.body).toEqual({
      id: expect.any(Number),
      name: "Front desk",
      description: "First line",
      allow_auto_assign: false,
      account_id: account.id,
      is_member: false,
    });
    const [entry] = await auditLog(account.id, admin.access_token);
    expect(entry).toMatchObject({
      action: "create",
      auditable_type: "Team",
      auditable_id: reply.body.id,
      audited_changes: { name: "Front desk", description: "First line", allow_auto_assign: false },
    });
  });

  it("allows auto-assignment and has no description unless told otherwise", async () => {
    const { account, admin } = await tenant();
    const team = await createTeam(admin.access_token, account.id);
    expect(team).toMatchObject({ description: null, allow_auto_assign: true });
  });

  it("answers 409 for a team name the account already has", async () => {
    const { account, admin } = await tenant();
    const team = await createTeam(admin.access_token, account.id, { name: "Billing" });
    const reply = await call("POST", teamsPath(account.id), { token: admin.access_token, body: { name: "Billing" } });
    expectStatus(reply, 409);
    expect(reply.body.error).toMatchObject({ code: "conflict", details: { team_id: team.id } });
  });

  it("allows the same team name in another account", async () => {
    const one = await tenant();
    const two = await tenant();
    await createTeam(one.admin.access_token, one.account.id, { name: "Billing" });
    await createTeam(two.admin.access_token, two.account.id, { name: "Billing" });
  });

  it("lists the account's teams with whether the caller is a member", async () => {
    const { account, admin, agent } = await tenant();
    const sales = await createTeam(admin.access_token, account.id, { name: "Sales" });
    const support = await createTeam(admin.access_token, account.id, { name: "Support" });
    await call("POST", membersPath(account.id, support.id), { token: admin.access_token, body: { user_ids: [agent.id] } });
    const reply = await call("GET", teamsPath(account.id), { token: agent.access_token });
    expectStatus(reply, 200);
    expect(reply.body.map((t: { id: number; is_member: boolean }) => [t.id, t.is_member])).toEqual([
      [sales.id, false],
      [support.id, true],
    ]);
    const asAdmin = await call("GET", teamsPath(account.id), { token: admin.access_token });
    expect(asAdmin.body.map((t: { is_member: boolean }) => t.is_member)).toEqual([false, false]);
  });

  it("shows a team to agents", async () => {
    const { account, admin, agent } = await tenant();
    const team = await createTeam(admin.access_token, account.id);
    const reply = await call("GET", `${teamsPath(account.id)}/${team.id}`, { token: agent.access_token });
    expectStatus(reply, 200);
    expect(reply.body).toEqual(team);
  });

  it("answers 404 for a team of another account", async () => {
    const mine = await tenant();
    const theirs = await tenant();
    const team = await createTeam(theirs.admin.access_token, theirs.account.id);
    for (const path of [`${teamsPath(mine.account.id)}/${team.id}`, membersPath(mine.account.id, team.id)]) {
      expectStatus(await call("GET", path, { token: mine.admin.access_token }), 404);
    }
  });

  it("updates a team, auditing only the fields that changed", async () => {
    const { account, admin } = await tenant();
    const team = await createTeam(admin.access_token, account.id, { name: "Sales" });
    const reply = await call("PATCH", `${teamsPath(account.id)}/${team.id}`, {
      token: admin.access_token,
      body: { name: "Sales", description: "Closes deals", allow_auto_assign: true },
    });
    expectStatus(reply, 200);
    expect(reply.body).toMatchObject({ name: "Sales", description: "Closes deals", allow_auto_assign: true });
    const [entry] = await auditLog(account.id, admin.access_token);
    expect(entry).toMatchObject({ action: "update", auditable_type: "Team", auditable_id: team.id });
    expect(entry?.audited_changes).toEqual({ description: [null, "Closes deals"] });
  });

  it("answers 409 when renaming a team to another team's name", async () => {
    const { account, admin } = await tenant();
    await createTeam(admin.access_token, account.id, { name: "Sales" });
    const team = await createTeam(admin.access_token, account.id, { name: "Support" });
    const reply = await call("PATCH", `${teamsPath(account.id)}/${team.id}`, { token: admin.access_token, body: { name: "Sales" } });
    expectStatus(reply, 409);
  });

  it("deletes a team with 204, audited", async () => {
    const { account, admin } = await tenant();
    const team = await createTeam(admin.access_token, account.id);
    expectStatus(await call("DELETE", `${teamsPath(account.id)}/${team.id}`, { token: admin.access_token }), 204);
    expectStatus(await call("GET", `${teamsPath(account.id)}/${team.id}`, { token: admin.access_token }), 404);
    const [entry] = await auditLog(account.id, admin.access_token);
    expect(entry).toMatchObject({ action: "destroy", auditable_type: "Team", auditable_id: team.id, audited_changes: { name: team.name } });
  });

  it("refuses agents creating, updating and deleting teams with 403", async () => {
    const { account, admin, agent } = await tenant();
    const team = await createTeam(admin.access_token, account.id);
    const token = agent.access_token;
    expectStatus(await call("POST", teamsPath(account.id), { token, body: { name: "Mine" } }), 403);
    expectStatus(await call("PATCH", `${teamsPath(account.id)}/${team.id}`, { token, body: { name: "Renamed" } }), 403);
    expectStatus(await call("DELETE", `${teamsPath(account.id)}/${team.id}`, { token }), 403);
    const after = await call("GET", teamsPath(account.id), { token });
    expect(after.body).toEqual([team]);
  });
});

describe("Application API: team members", () => {
  it("adds agents to a team and answers with its members", async () => {
    const { account, admin, agent } = await tenant();
    const team = await createTeam(admin.access_token, account.id);
    const reply = await call("POST", membersPath(account.id, team.id), { token: admin.access_token, body: { user_ids: [agent.id] } });
    expectStatus(reply, 200);
    expect(reply.body).toEqual([
      {
        id: agent.id,
        account_id: account.id,
        name: expect.any(String),
        available_name: expect.any(String),
        email: agent.email,
        role: "agent",
        availability_status: "offline",
        auto_offline: true,
        confirmed: true,
        thumbnail: "",
      },
    ]);
  });

  it("lists a team's members to agents", async () => {
    const { account, admin, agent } = await tenant();
    const team = await createTeam(admin.access_token, account.id);
    await call("POST", membersPath(account.id, team.id), { token: admin.access_token, body: { user_ids: [admin.id, agent.id] } });
    const reply = await call("GET", membersPath(account.id, team.id), { token: agent.access_token });
    expectStatus(reply, 200);
    expect(reply.body.map((a: { id: number; role: string }) => [a.id, a.role])).toEqual([
      [admin.id, "administrator"],
      [agent.id, "agent"],
    ]);
  });

  it("replaces a team's members", async () => {
    const { agency, account, admin, agent } = await tenant();
    const second = await inviteUser(agency.access_token, account.id, "agent");
    const team = await createTeam(admin.access_token, account.id);
    await call("POST", membersPath(account.id, team.id), { token: admin.access_token, body: { user_ids: [agent.id] } });
    const reply = await call("PATCH", membersPath(account.id, team.id), { token: admin.access_token, body: { user_ids: [second.id] } });
    expectStatus(reply, 200);
    expect(reply.body.map((a: { id: number }) => a.id)).toEqual([second.id]);
  });

  it("removes agents from a team", async () => {
    const { account, admin, agent } = await tenant();
    const team = await createTeam(admin.access_token, account.id);
    await call("POST", membersPath(account.id, team.id), { token: admin.access_token, body: { user_ids: [admin.id, agent.id] } });
    const reply = await call("DELETE", membersPath(account.id, team.id), { token: admin.access_token, body: { user_ids: [agent.id] } });
    expectStatus(reply, 200);
    expect(reply.body.map((a: { id: number }) => a.id)).toEqual([admin.id]);
  });

  it("audits who was added and removed as an update of the team", async () => {
    const { agency, account, admin, agent } = await tenant();
    const second = await inviteUser(agency.access_token, account.id, "agent");
    const team = await createTeam(admin.access_token, account.id);
    await call("POST", membersPath(account.id, team.id), { token: admin.access_token, body: { user_ids: [agent.id] } });
    await call("PATCH", membersPath(account.id, team.id), { token: admin.access_token, body: { user_ids: [second.id] } });
    const [replaced, added] = await auditLog(account.id, admin.access_token);
    const person = (user: { id: number; email: string }) => ({ id: user.id, name: expect.any(String), email: user.email });
    expect(added).toMatchObject({
      action: "update",
      auditable_type: "Team",
      auditable_id: team.id,
      audited_changes: { added: [person(agent)], removed: [] },
    });
    expect(replaced?.audited_changes).toEqual({ added: [person(second)], removed: [person(agent)] });
  });

  it("rejects user ids that are not members of the account with 422 naming them", async () => {
    const mine = await tenant();
    const theirs = await tenant();
    const team = await createTeam(mine.admin.access_token, mine.account.id);
    const reply = await call("PATCH", membersPath(mine.account.id, team.id), {
      token: mine.admin.access_token,
      body: { user_ids: [theirs.admin.id, mine.agent.id] },
    });
    expectStatus(reply, 422);
    expect(reply.body.error.details).toEqual([
      { field: "user_ids.0", message: `User ${theirs.admin.id} is not a member of this account.`, code: "not_account_member" },
    ]);
  });

  it("refuses agents changing team members with 403", async () => {
    const { account, admin, agent } = await tenant();
    const team = await createTeam(admin.access_token, account.id);
    for (const method of ["POST", "PATCH", "DELETE"]) {
      const reply = await call(method, membersPath(account.id, team.id), { token: agent.access_token, body: { user_ids: [agent.id] } });
      expectStatus(reply, 403);
    }
  });

  it("removes a user's team memberships in that account only when the Agency API removes them from it", async () => {
    const { agency, account, admin, agent } = await tenant();
    const other = await createAccount(agency.access_token);
    const otherAdmin = await inviteUser(agency.access_token, other.id, "administrator");
    await inviteUser(agency.access_token, other.id, "agent", agent.email);
    const team = await createTeam(admin.access_token, account.id);
    const otherTeam = await createTeam(otherAdmin.access_token, other.id);
    await call("POST", membersPath(account.id, team.id), { token: admin.access_token, body: { user_ids: [agent.id] } });
    await call("POST", membersPath(other.id, otherTeam.id), { token: otherAdmin.access_token, body: { user_ids: [agent.id] } });

    expectStatus(await call("DELETE", `/api/v1/agency/accounts/${account.id}/users/${agent.id}`, { token: agency.access_token }), 204);

    const rows = await env.DB.prepare("select team_id from team_members where user_id = ?").bind(agent.id).all();
    expect(rows.results).toEqual([{ team_id: otherTeam.id }]);
  });
});
