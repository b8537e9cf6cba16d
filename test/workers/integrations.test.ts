import { describe, expect, it } from "vitest";
import { call, createAccount, expectStatus, inviteUser, tenant } from "./helpers";

const integrationsPath = (accountId: number, resource: string) => `/api/v1/accounts/${accountId}/integrations/${resource}`;

async function auditLog(accountId: number, adminToken: string) {
  const reply = await call("GET", `/api/v1/accounts/${accountId}/audit_logs?per_page=100`, { token: adminToken });
  expectStatus(reply, 200);
  return reply.body.audit_logs as { action: string; auditable_type: string; auditable_id: number; audited_changes: Record<string, unknown> }[];
}

describe("Application API: integrations", () => {
  it("adds a WhatsApp number, connected unless told otherwise, and lists it for agents too", async () => {
    const { account, admin, agent } = await tenant();
    const created = await call("POST", integrationsPath(account.id, "whatsapp_numbers"), {
      token: admin.access_token,
      body: { phone_number: "+14155550100", display_name: "Front desk" },
    });
    expectStatus(created, 201);
    expect(created.body).toMatchObject({
      id: expect.any(Number),
      account_id: account.id,
      phone_number: "+14155550100",
      display_name: "Front desk",
      status: "connected",
    });
    const listed = await call("GET", integrationsPath(account.id, "whatsapp_numbers"), { token: agent.access_token });
    expectStatus(listed, 200);
    expect(listed.body).toEqual({ payload: [created.body] });
    const shown = await call("GET", `${integrationsPath(account.id, "whatsapp_numbers")}/${created.body.id}`, { token: agent.access_token });
    expect(shown.body).toEqual(created.body);
  });

  it("refuses a WhatsApp number the account already has with 422 taken", async () => {
    const { account, admin } = await tenant();
    const path = integrationsPath(account.id, "whatsapp_numbers");
    expectStatus(await call("POST", path, { token: admin.access_token, body: { phone_number: "+14155550100" } }), 201);
    const again = await call("POST", path, { token: admin.access_token, body: { phone_number: "+14155550100" } });
    expectStatus(again, 422);
    expect(again.body.error.details).toEqual([{ field: "phone_number", message: "has already been taken", code: "taken" }]);
  });

  it("lets two accounts hold the same WhatsApp number", async () => {
    const { agency, account, admin } = await tenant();
    const other = await createAccount(agency.access_token);
    const otherAdmin = await inviteUser(agency.access_token, other.id, "administrator");
    const body = { phone_number: "+14155550111" };
    expectStatus(await call("POST", integrationsPath(account.id, "whatsapp_numbers"), { token: admin.access_token, body }), 201);
    expectStatus(await call("POST", integrationsPath(other.id, "whatsapp_numbers"), { token: otherAdmin.access_token, body }), 201);
  });

  it("refuses phone numbers that are not E.164", async () => {
    const { account, admin } = await tenant();
    for (const phone_number of ["4155550100", "+0155550100", "+1 415 555 0100", "+1234567890123456"]) {
      const reply = await call("POST", integrationsPath(account.id, "whatsapp_numbers"), { token: admin.access_token, body: { phone_number } });
      expect(reply.status, phone_number).toBe(422);
      expect(reply.body.error.details[0].field).toBe("phone_number");
    }
  });

  it("adds a Facebook page and an Instagram account, the username without its @", async () => {
    const { account, admin } = await tenant();
    const page = await call("POST", integrationsPath(account.id, "facebook_pages"), {
      token: admin.access_token,
      body: { page_id: "104561234567890", name: "Acme Dental" },
    });
    expectStatus(page, 201);
    expect(page.body).toMatchObject({ page_id: "104561234567890", name: "Acme Dental", status: "connected" });
    const instagram = await call("POST", integrationsPath(account.id, "instagram_accounts"), {
      token: admin.access_token,
      body: { instagram_id: "17841400000000000", username: "@acme.dental", status: "disconnected" },
    });
    expectStatus(instagram, 201);
    expect(instagram.body).toMatchObject({ instagram_id: "17841400000000000", username: "acme.dental", status: "disconnected" });
  });

  it("adds a Voice AI agent, active and without a phone number unless given", async () => {
    const { account, admin } = await tenant();
    const reply = await call("POST", integrationsPath(account.id, "voice_ai_agents"), { token: admin.access_token, body: { name: "Ava" } });
    expectStatus(reply, 201);
    expect(reply.body).toMatchObject({ name: "Ava", status: "active", phone_number: null });
    const bad = await call("POST", integrationsPath(account.id, "voice_ai_agents"), {
      token: admin.access_token,
      body: { name: "Ava", status: "connected" },
    });
    expectStatus(bad, 422);
  });

  it("updates an integration, auditing only the fields that changed", async () => {
    const { account, admin } = await tenant();
    const path = integrationsPath(account.id, "whatsapp_numbers");
    const created = await call("POST", path, { token: admin.access_token, body: { phone_number: "+14155550100", display_name: "Desk" } });
    const updated = await call("PATCH", `${path}/${created.body.id}`, {
      token: admin.access_token,
      body: { status: "disconnected", display_name: "Desk" },
    });
    expectStatus(updated, 200);
    expect(updated.body.status).toBe("disconnected");
    const [entry] = await auditLog(account.id, admin.access_token);
    expect(entry).toMatchObject({
      action: "update",
      auditable_type: "WhatsappNumber",
      auditable_id: created.body.id,
      audited_changes: { status: ["connected", "disconnected"] },
    });
  });

  it("refuses to rename a number to one the account already has", async () => {
    const { account, admin } = await tenant();
    const path = integrationsPath(account.id, "whatsapp_numbers");
    await call("POST", path, { token: admin.access_token, body: { phone_number: "+14155550100" } });
    const second = await call("POST", path, { token: admin.access_token, body: { phone_number: "+14155550101" } });
    const clash = await call("PATCH", `${path}/${second.body.id}`, { token: admin.access_token, body: { phone_number: "+14155550100" } });
    expectStatus(clash, 422);
    expect(clash.body.error.details[0].code).toBe("taken");
  });

  it("deletes an integration with 204, audited with what it was", async () => {
    const { account, admin } = await tenant();
    const path = integrationsPath(account.id, "facebook_pages");
    const page = await call("POST", path, { token: admin.access_token, body: { page_id: "1045", name: "Acme" } });
    expectStatus(await call("DELETE", `${path}/${page.body.id}`, { token: admin.access_token }), 204);
    expectStatus(await call("GET", `${path}/${page.body.id}`, { token: admin.access_token }), 404);
    const [entry] = await auditLog(account.id, admin.access_token);
    expect(entry).toMatchObject({
      action: "destroy",
      auditable_type: "FacebookPage",
      auditable_id: page.body.id,
      audited_changes: { page_id: "1045", name: "Acme", status: "connected" },
    });
  });

  it("answers 403 to agents who try to change integrations", async () => {
    const { account, admin, agent } = await tenant();
    const path = integrationsPath(account.id, "voice_ai_agents");
    const created = await call("POST", path, { token: admin.access_token, body: { name: "Ava" } });
    expectStatus(await call("POST", path, { token: agent.access_token, body: { name: "Bob" } }), 403);
    expectStatus(await call("PATCH", `${path}/${created.body.id}`, { token: agent.access_token, body: { status: "inactive" } }), 403);
    expectStatus(await call("DELETE", `${path}/${created.body.id}`, { token: agent.access_token }), 403);
  });

  it("answers 404 for another account's integration", async () => {
    const { agency, account, admin } = await tenant();
    const other = await createAccount(agency.access_token);
    const otherAdmin = await inviteUser(agency.access_token, other.id, "administrator");
    const theirs = await call("POST", integrationsPath(other.id, "instagram_accounts"), {
      token: otherAdmin.access_token,
      body: { instagram_id: "1784", username: "theirs" },
    });
    const path = `${integrationsPath(account.id, "instagram_accounts")}/${theirs.body.id}`;
    expectStatus(await call("GET", path, { token: admin.access_token }), 404);
    expectStatus(await call("PATCH", path, { token: admin.access_token, body: { status: "disconnected" } }), 404);
    expectStatus(await call("DELETE", path, { token: admin.access_token }), 404);
  });
});
