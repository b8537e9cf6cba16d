import { describe, expect, it } from "vitest";
import { call, createAccount, expectStatus, inviteUser, tenant } from "./helpers";
import { addAttributeDefinition, definitionsPath } from "./widget-fixtures";

async function lastAuditEntry(accountId: number, adminToken: string) {
  const reply = await call("GET", `/api/v1/accounts/${accountId}/audit_logs?per_page=1`, { token: adminToken });
  return reply.body.audit_logs[0] as { action: string; auditable_type: string; auditable_id: number; audited_changes: Record<string, unknown> };
}

describe("Application API: custom attribute definitions", () => {
  it("defines a list attribute in Chatwoot's shape", async () => {
    const { account, admin } = await tenant();
    const reply = await call("POST", definitionsPath(account.id), {
      token: admin.access_token,
      body: {
        attribute_display_name: "Plan",
        attribute_key: "plan_name",
        attribute_display_type: "list",
        attribute_model: "contact_attribute",
        attribute_description: "What the customer pays for",
        attribute_values: ["Basic", "Pro"],
        default_value: "Basic",
      },
    });
    expectStatus(reply, 200);
    expect(reply.body).toEqual({
      id: expect.any(Number),
      attribute_display_name: "Plan",
      attribute_display_type: "list",
      attribute_description: "What the customer pays for",
      attribute_key: "plan_name",
      regex_pattern: null,
      regex_cue: null,
      attribute_values: ["Basic", "Pro"],
      attribute_model: "contact_attribute",
      default_value: "Basic",
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
  });

  it("lists definitions as an array, narrowed by attribute_model", async () => {
    const { account, admin, agent } = await tenant();
    const contact = await addAttributeDefinition(admin.access_token, account.id, { attribute_model: "contact_attribute" });
    const conversation = await addAttributeDefinition(admin.access_token, account.id, { attribute_model: "conversation_attribute" });
    const all = await call("GET", definitionsPath(account.id), { token: agent.access_token });
    expectStatus(all, 200);
    expect(all.body.map((d: { id: number }) => d.id)).toEqual([contact.id, conversation.id]);
    const narrowed = await call("GET", `${definitionsPath(account.id)}?attribute_model=conversation_attribute`, { token: agent.access_token });
    expect(narrowed.body).toEqual([conversation]);
    expectStatus(await call("GET", `${definitionsPath(account.id)}?attribute_model=deal`, { token: agent.access_token }), 400);
  });

  it("refuses keys with characters other than letters, digits and underscores", async () => {
    const { account, admin } = await tenant();
    for (const attribute_key of ["plan-name", "plan name", "plän", ""]) {
      const reply = await call("POST", definitionsPath(account.id), {
        token: admin.access_token,
        body: { attribute_display_name: "Plan", attribute_key, attribute_display_type: "text", attribute_model: "contact_attribute" },
      });
      expect(reply.status, attribute_key).toBe(422);
      expect(reply.body.error.details[0].field).toBe("attribute_key");
    }
  });

  it("refuses a key the model already has with 422 taken, and allows it for the other model", async () => {
    const { account, admin } = await tenant();
    await addAttributeDefinition(admin.access_token, account.id, { attribute_key: "plan", attribute_model: "contact_attribute" });
    const again = await call("POST", definitionsPath(account.id), {
      token: admin.access_token,
      body: { attribute_display_name: "Plan", attribute_key: "plan", attribute_display_type: "text", attribute_model: "contact_attribute" },
    });
    expectStatus(again, 422);
    expect(again.body.error.details).toEqual([{ field: "attribute_key", message: "has already been taken", code: "taken" }]);
    await addAttributeDefinition(admin.access_token, account.id, { attribute_key: "plan", attribute_model: "conversation_attribute" });
  });

  it("refuses the keys of Chatwoot's standard attributes", async () => {
    const { account, admin } = await tenant();
    const reply = await call("POST", definitionsPath(account.id), {
      token: admin.access_token,
      body: { attribute_display_name: "Email", attribute_key: "email", attribute_display_type: "text", attribute_model: "contact_attribute" },
    });
    expectStatus(reply, 422);
    expect(reply.body.error.details[0]).toMatchObject({ field: "attribute_key", code: "reserved" });
  });

  it("requires values for list attributes and refuses them for other types", async () => {
    const { account, admin } = await tenant();
    const base = { attribute_display_name: "Plan", attribute_key: "plan", attribute_model: "contact_attribute" };
    const list = await call("POST", definitionsPath(account.id), { token: admin.access_token, body: { ...base, attribute_display_type: "list" } });
    expectStatus(list, 422);
    expect(list.body.error.details[0]).toMatchObject({ field: "attribute_values", code: "required" });
    const text = await call("POST", definitionsPath(account.id), {
      token: admin.access_token,
      body: { ...base, attribute_display_type: "text", attribute_values: ["a"] },
    });
    expectStatus(text, 422);
    expect(text.body.error.details[0]).toMatchObject({ field: "attribute_values", code: "not_for_display_type" });
  });

  it("refuses regex patterns that do not compile or are longer than 300 characters", async () => {
    const { account, admin } = await tenant();
    const base = { attribute_display_name: "Code", attribute_key: "code", attribute_display_type: "text", attribute_model: "contact_attribute" };
    for (const regex_pattern of ["([a-z", "a".repeat(301)]) {
      const reply = await call("POST", definitionsPath(account.id), { token: admin.access_token, body: { ...base, regex_pattern } });
      expectStatus(reply, 422);
      expect(reply.body.error.details[0].field).toBe("regex_pattern");
    }
    const ok = await call("POST", definitionsPath(account.id), {
      token: admin.access_token,
      body: { ...base, regex_pattern: "^[A-Z]{2}-\\d{4}$", regex_cue: "Like AB-1234" },
    });
    expectStatus(ok, 200);
    expect(ok.body).toMatchObject({ regex_pattern: "^[A-Z]{2}-\\d{4}$", regex_cue: "Like AB-1234" });
  });

  it("updates a definition, auditing only what changed", async () => {
    const { account, admin } = await tenant();
    const definition = await addAttributeDefinition(admin.access_token, account.id);
    const reply = await call("PATCH", `${definitionsPath(account.id)}/${definition.id}`, {
      token: admin.access_token,
      body: { attribute_display_name: "Plan name", attribute_key: definition.attribute_key },
    });
    expectStatus(reply, 200);
    expect(reply.body.attribute_display_name).toBe("Plan name");
    expect(await lastAuditEntry(account.id, admin.access_token)).toMatchObject({
      action: "update",
      auditable_type: "CustomAttributeDefinition",
      auditable_id: definition.id,
      audited_changes: { attribute_display_name: ["Plan", "Plan name"] },
    });
  });

  it("refuses to change the key or the model", async () => {
    const { account, admin } = await tenant();
    const definition = await addAttributeDefinition(admin.access_token, account.id);
    const reply = await call("PATCH", `${definitionsPath(account.id)}/${definition.id}`, {
      token: admin.access_token,
      body: { attribute_key: "other_key", attribute_model: "conversation_attribute" },
    });
    expectStatus(reply, 422);
    expect(reply.body.error.details).toEqual([
      { field: "attribute_key", message: "cannot be changed", code: "immutable" },
      { field: "attribute_model", message: "cannot be changed", code: "immutable" },
    ]);
  });

  it("clears the values when a list attribute becomes text", async () => {
    const { account, admin } = await tenant();
    const definition = await addAttributeDefinition(admin.access_token, account.id, { attribute_display_type: "list", attribute_values: ["a", "b"] });
    const reply = await call("PATCH", `${definitionsPath(account.id)}/${definition.id}`, {
      token: admin.access_token,
      body: { attribute_display_type: "text" },
    });
    expectStatus(reply, 200);
    expect(reply.body).toMatchObject({ attribute_display_type: "text", attribute_values: [] });
  });

  it("deletes a definition with 204, audited", async () => {
    const { account, admin } = await tenant();
    const definition = await addAttributeDefinition(admin.access_token, account.id);
    expectStatus(await call("DELETE", `${definitionsPath(account.id)}/${definition.id}`, { token: admin.access_token }), 204);
    expectStatus(await call("GET", `${definitionsPath(account.id)}/${definition.id}`, { token: admin.access_token }), 404);
    expect(await lastAuditEntry(account.id, admin.access_token)).toMatchObject({
      action: "destroy",
      auditable_type: "CustomAttributeDefinition",
      audited_changes: { attribute_key: definition.attribute_key },
    });
  });

  it("answers 403 to agents who try to change definitions", async () => {
    const { account, admin, agent } = await tenant();
    const definition = await addAttributeDefinition(admin.access_token, account.id);
    const body = { attribute_display_name: "X", attribute_key: "x", attribute_display_type: "text", attribute_model: "contact_attribute" };
    expectStatus(await call("POST", definitionsPath(account.id), { token: agent.access_token, body }), 403);
    const path = `${definitionsPath(account.id)}/${definition.id}`;
    expectStatus(await call("PATCH", path, { token: agent.access_token, body: { attribute_display_name: "Y" } }), 403);
    expectStatus(await call("DELETE", path, { token: agent.access_token }), 403);
  });

  it("answers 404 for another account's definition", async () => {
    const { agency, account, admin } = await tenant();
    const other = await createAccount(agency.access_token);
    const otherAdmin = await inviteUser(agency.access_token, other.id, "administrator");
    const theirs = await addAttributeDefinition(otherAdmin.access_token, other.id);
    const path = `${definitionsPath(account.id)}/${theirs.id}`;
    expectStatus(await call("GET", path, { token: admin.access_token }), 404);
    expectStatus(await call("PATCH", path, { token: admin.access_token, body: { attribute_display_name: "Mine" } }), 404);
    expectStatus(await call("DELETE", path, { token: admin.access_token }), 404);
  });
});
