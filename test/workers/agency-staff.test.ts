// The agency's own people: created by the Platform API and by owners, signed in like everyone, using the
// Agency API with their sessions and opening sub-accounts as administrators for that session only.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { passwordToken } from "../../src/domain/tokens";
import { call, createAccount, createAgency, eventually, expectStatus, PLATFORM_TOKEN, unique } from "./helpers";
import { deviseHeaders, PASSWORD, signIn, userWithPassword } from "./sign-in-fixtures";

async function agencyUser(agencyId: number, role: "owner" | "admin" = "owner", email = `${unique(role)}@agency.test`) {
  const reply = await call("POST", `/platform/api/v1/agencies/${agencyId}/users`, {
    token: PLATFORM_TOKEN,
    body: { name: `Agency ${role}`, email, role, password: PASSWORD },
  });
  expectStatus(reply, 201);
  return reply.body as { id: number; email: string; role: string; agency_id: number };
}

/** An agency with a sub-account and a signed-in owner. */
async function agencyWithOwner() {
  const agency = await createAgency();
  const account = await createAccount(agency.access_token);
  const owner = await agencyUser(agency.id, "owner");
  const session = await signIn(owner.email);
  return { agency, account, owner, session };
}

describe("agency users", () => {
  it("are created by the Platform API with a role and never shown a password", async () => {
    const agency = await createAgency();
    const owner = await agencyUser(agency.id, "owner");
    expect(owner).toEqual({
      id: expect.any(Number),
      name: "Agency owner",
      email: owner.email,
      role: "owner",
      agency_id: agency.id,
      created_at: expect.any(String),
    });
  });

  it("sign in through POST /auth/sign_in and see their agency role and the sub-accounts they can open in the profile", async () => {
    const { agency, account, owner, session } = await agencyWithOwner();
    expect(session.data).toMatchObject({ id: owner.id, accounts: [], agency_role: "owner", agency: { id: agency.id, name: agency.name } });
    const profile = await call("GET", "/api/v1/profile", { token: session.accessToken });
    expectStatus(profile, 200);
    expect(profile.body.agency_accounts).toEqual([{ id: account.id, name: account.name }]);
    expect(profile.body.acting_account_id).toBeNull();
  });

  it("leave the profile of a sub-account's user without agency fields", async () => {
    const agency = await createAgency();
    const account = await createAccount(agency.access_token);
    const user = await userWithPassword(agency.access_token, account.id, "agent");
    const session = await signIn(user.email);
    expect(session.data).not.toHaveProperty("agency_role");
    expect(session.data).not.toHaveProperty("agency_accounts");
  });

  it("use the Agency API with their session's token, devise's headers and the cookie", async () => {
    const { account, session } = await agencyWithOwner();
    for (const options of [
      { token: session.accessToken },
      { headers: deviseHeaders(session) },
      { headers: { cookie: session.cookie, "sec-fetch-site": "same-origin" } },
    ]) {
      const reply = await call("GET", "/api/v1/agency/accounts", options);
      expectStatus(reply, 200);
      expect(reply.body.payload.map((a: { id: number }) => a.id)).toEqual([account.id]);
    }
  });

  it("cannot use the Agency API with their user API token or once signed out", async () => {
    const { session } = await agencyWithOwner();
    expectStatus(await call("DELETE", "/auth/sign_out", { token: session.accessToken }), 200);
    expectStatus(await call("GET", "/api/v1/agency/accounts", { token: session.accessToken }), 401);
  });

  it("are refused the Agency API as sub-account users: a sub-account administrator's session gets 401", async () => {
    const agency = await createAgency();
    const account = await createAccount(agency.access_token);
    const admin = await userWithPassword(agency.access_token, account.id, "administrator");
    const session = await signIn(admin.email);
    expectStatus(await call("GET", "/api/v1/agency/accounts", { token: session.accessToken }), 401);
  });

  it("are added and removed by owners through /api/v1/agency/agency_users, and admins may not", async () => {
    const { agency, session } = await agencyWithOwner();
    const email = `${unique("admin")}@agency.test`;
    const created = await call("POST", "/api/v1/agency/agency_users", {
      token: session.accessToken,
      body: { name: "Agency admin", email, role: "admin", password: PASSWORD },
    });
    expectStatus(created, 201);
    const list = await call("GET", "/api/v1/agency/agency_users", { token: agency.access_token });
    expect(list.body.payload.map((u: { email: string }) => u.email)).toContain(email);

    const adminSession = await signIn(email);
    const refused = await call("POST", "/api/v1/agency/agency_users", {
      token: adminSession.accessToken,
      body: { name: "Another", email: `${unique("x")}@agency.test`, role: "owner", password: PASSWORD },
    });
    expectStatus(refused, 403);
    expectStatus(await call("DELETE", `/api/v1/agency/agency_users/${created.body.id}`, { token: adminSession.accessToken }), 403);

    expectStatus(await call("DELETE", `/api/v1/agency/agency_users/${created.body.id}`, { token: session.accessToken }), 204);
    expectStatus(await call("GET", "/api/v1/agency/accounts", { token: adminSession.accessToken }), 401);
  });

  it("cannot remove themselves", async () => {
    const { owner, session } = await agencyWithOwner();
    expectStatus(await call("DELETE", `/api/v1/agency/agency_users/${owner.id}`, { token: session.accessToken }), 409);
  });

  it("refuse an email that already names a user of the agency with 409", async () => {
    const agency = await createAgency();
    const account = await createAccount(agency.access_token);
    const user = await userWithPassword(agency.access_token, account.id, "agent");
    const reply = await call("POST", `/platform/api/v1/agencies/${agency.id}/users`, {
      token: PLATFORM_TOKEN,
      body: { name: "Twice", email: user.email, role: "admin", password: PASSWORD },
    });
    expectStatus(reply, 409);
  });

  it("stay when the last sub-account of the agency is deleted", async () => {
    const { agency, account, session } = await agencyWithOwner();
    expectStatus(await call("DELETE", `/api/v1/agency/accounts/${account.id}`, { token: agency.access_token }), 204);
    expectStatus(await call("GET", "/api/v1/agency/accounts", { token: session.accessToken }), 200);
  });

  it("record their changes in the audit log under their own name", async () => {
    const { agency, owner, session } = await agencyWithOwner();
    const created = await call("POST", "/api/v1/agency/accounts", { token: session.accessToken, body: { name: "Made by the owner" } });
    expectStatus(created, 201);
    const log = await call("GET", `/api/v1/agency/audit_logs?auditable_type=Account&action=create`, { token: agency.access_token });
    expect(log.body.audit_logs[0]).toMatchObject({ user_type: "User", user_id: owner.id, user_email: owner.email, associated_id: created.body.id });
  });
});

describe("opening a sub-account as its administrator", () => {
  it("lets the session work in that sub-account as an administrator, and only that session", async () => {
    const { account, owner, session } = await agencyWithOwner();
    expectStatus(await call("GET", `/api/v1/accounts/${account.id}/inboxes`, { token: session.accessToken }), 404);
    const opened = await call("POST", `/api/v1/agency/accounts/${account.id}/open`, { token: session.accessToken });
    expectStatus(opened, 200);
    expect(opened.body).toEqual({ account_id: account.id, role: "administrator", console_path: `/app/accounts/${account.id}/conversations` });

    const created = await call("POST", `/api/v1/accounts/${account.id}/labels`, { token: session.accessToken, body: { title: "opened" } });
    expectStatus(created, 200);
    const profile = await call("GET", "/api/v1/profile", { token: session.accessToken });
    expect(profile.body.accounts).toEqual([{ id: account.id, name: account.name, role: "administrator" }]);
    expect(profile.body.acting_account_id).toBe(account.id);

    const other = await signIn(owner.email);
    expectStatus(await call("GET", `/api/v1/accounts/${account.id}/inboxes`, { token: other.accessToken }), 404);
  });

  it("does not make them a member: they are not among the agents and cannot be assigned", async () => {
    const { agency, account, owner, session } = await agencyWithOwner();
    await call("POST", `/api/v1/agency/accounts/${account.id}/open`, { token: session.accessToken });
    const agents = await call("GET", `/api/v1/accounts/${account.id}/agents`, { token: session.accessToken });
    expectStatus(agents, 200);
    expect(agents.body.map((a: { id: number }) => a.id)).not.toContain(owner.id);
    const members = await call("GET", `/api/v1/agency/accounts/${account.id}/users`, { token: agency.access_token });
    expect(members.body.meta.count).toBe(0);
  });

  it("moves to the sub-account opened next, closing the one before", async () => {
    const { agency, account, session } = await agencyWithOwner();
    const second = await createAccount(agency.access_token);
    await call("POST", `/api/v1/agency/accounts/${account.id}/open`, { token: session.accessToken });
    expectStatus(await call("POST", `/api/v1/agency/accounts/${second.id}/open`, { token: session.accessToken }), 200);
    expectStatus(await call("GET", `/api/v1/accounts/${second.id}/labels`, { token: session.accessToken }), 200);
    expectStatus(await call("GET", `/api/v1/accounts/${account.id}/labels`, { token: session.accessToken }), 404);
  });

  it("writes each switch once, seen in the agency's audit log and the sub-account's", async () => {
    const { agency, account, owner, session } = await agencyWithOwner();
    await call("POST", `/api/v1/agency/accounts/${account.id}/open`, { token: session.accessToken });
    const agencyLog = await call("GET", `/api/v1/agency/audit_logs?action=open`, { token: agency.access_token });
    expect(agencyLog.body.audit_logs).toEqual([
      expect.objectContaining({ action: "open", auditable_type: "Account", auditable_id: account.id, user_id: owner.id, associated_id: account.id }),
    ]);
    const accountLog = await call("GET", `/api/v1/accounts/${account.id}/audit_logs`, { token: session.accessToken });
    expectStatus(accountLog, 200);
    expect(accountLog.body.audit_logs.map((e: { action: string }) => e.action)).toContain("open");
  });

  it("is refused to the agency token, which has no session (403)", async () => {
    const { agency, account } = await agencyWithOwner();
    expectStatus(await call("POST", `/api/v1/agency/accounts/${account.id}/open`, { token: agency.access_token }), 403);
  });

  it("answers 404 to another agency's people for its sub-accounts, its people and its audit log", async () => {
    const { account, owner } = await agencyWithOwner();
    const stranger = await agencyWithOwner();
    const token = stranger.session.accessToken;
    expectStatus(await call("GET", `/api/v1/agency/accounts/${account.id}`, { token }), 404);
    expectStatus(await call("POST", `/api/v1/agency/accounts/${account.id}/open`, { token }), 404);
    expectStatus(await call("DELETE", `/api/v1/agency/agency_users/${owner.id}`, { token }), 404);
    expectStatus(await call("GET", `/api/v1/accounts/${account.id}/labels`, { token }), 404);
    const log = await call("GET", `/api/v1/agency/audit_logs?account_id=${account.id}`, { token });
    expect(log.body.audit_logs).toEqual([]);
  });

  it("ends when the sub-account is deleted, without blocking the deletion", async () => {
    const { agency, account, session } = await agencyWithOwner();
    await call("POST", `/api/v1/agency/accounts/${account.id}/open`, { token: session.accessToken });
    expectStatus(await call("DELETE", `/api/v1/agency/accounts/${account.id}`, { token: agency.access_token }), 204);
    const profile = await call("GET", "/api/v1/profile", { token: session.accessToken });
    expect(profile.body.accounts).toEqual([]);
  });
});

describe("sub-account search", () => {
  it("keeps the sub-accounts whose name or business name contains q", async () => {
    const agency = await createAgency();
    const dental = await createAccount(agency.access_token, { name: "Demo Dental" });
    const bakery = await createAccount(agency.access_token, { name: "Corner shop", business_name: "Sweet 100% Bakery" });
    await createAccount(agency.access_token, { name: "Garage" });
    const byName = await call("GET", "/api/v1/agency/accounts?q=dent", { token: agency.access_token });
    expect(byName.body.payload.map((a: { id: number }) => a.id)).toEqual([dental.id]);
    const byBusiness = await call("GET", `/api/v1/agency/accounts?q=${encodeURIComponent("100%")}`, { token: agency.access_token });
    expect(byBusiness.body.payload.map((a: { id: number }) => a.id)).toEqual([bakery.id]);
    expect(byBusiness.body.meta.count).toBe(1);
  });
});

describe("a sub-account's snapshot assets", () => {
  it("lists its chat widgets and custom attribute definitions to choose from, and 404 to another agency", async () => {
    const { agency, account, session } = await agencyWithOwner();
    const admin = await userWithPassword(agency.access_token, account.id, "administrator");
    const definition = await call("POST", `/api/v1/accounts/${account.id}/custom_attribute_definitions`, {
      token: admin.access_token,
      body: { attribute_display_name: "Plan", attribute_key: "plan", attribute_display_type: "text", attribute_model: "contact_attribute" },
    });
    expectStatus(definition, 200);
    const assets = await call("GET", `/api/v1/agency/accounts/${account.id}/snapshot_assets`, { token: session.accessToken });
    expectStatus(assets, 200);
    expect(assets.body).toEqual({
      chat_widgets: [],
      custom_attribute_definitions: [{ id: definition.body.id, attribute_key: "plan", attribute_display_name: "Plan", attribute_model: "contact_attribute" }],
    });
    const stranger = await createAgency();
    expectStatus(await call("GET", `/api/v1/agency/accounts/${account.id}/snapshot_assets`, { token: stranger.access_token }), 404);
  });
});

describe("agency users' password links", () => {
  const passwordEmail = async (to: string, kind: string) =>
    env.DB.prepare('select * from emails where kind = ? and "to" = ? order by id desc')
      .bind(kind, JSON.stringify([to]))
      .first<{ id: number; account_id: number | null; key: string; subject: string }>();

  it("invite a person created without a password with a one-time link, recorded for the agency, that lets them choose one", async () => {
    const agency = await createAgency();
    const email = `${unique("invitee")}@agency.test`;
    const created = await call("POST", `/platform/api/v1/agencies/${agency.id}/users`, {
      token: PLATFORM_TOKEN,
      body: { name: "Ivy Invitee", email, role: "admin" },
    });
    expectStatus(created, 201);
    const row = await passwordEmail(email, "invitation");
    expect(row).toMatchObject({ account_id: null, subject: `You have been invited to ${agency.name} on Parley` });
    const tokenId = row?.key.split(":")[1] ?? "";
    const token = await passwordToken(env.TOKEN_SIGNING_SECRET, tokenId);
    const chosen = await call("PUT", "/auth/password", {
      body: { reset_password_token: token, password: "my own passphrase", password_confirmation: "my own passphrase" },
    });
    expectStatus(chosen, 200);
    const session = await signIn(email, "my own passphrase");
    expect(session.data).toMatchObject({ id: created.body.id, agency_role: "admin" });
  });

  it("mail a reset link to an agency user, who belongs to no sub-account", async () => {
    const agency = await createAgency();
    const owner = await agencyUser(agency.id, "owner");
    expectStatus(await call("POST", "/auth/password", { body: { email: owner.email } }), 200);
    // The link is mailed after the answer, which is the same whether or not the email exists.
    await eventually(async () => expect(await passwordEmail(owner.email, "password_reset")).toMatchObject({ account_id: null }));
  });
});
