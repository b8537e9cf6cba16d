import { describe, expect, it } from "vitest";
import { call, createTeam, expectStatus, tenant } from "./helpers";
import { addAttributeDefinition, definitionsPath } from "./widget-fixtures";
import { attachFile, automationRulesPath, createAutomationRule, createSlaPolicy, postAttachFile } from "./workflow-fixtures";

type AuditEntry = { action: string; auditable_type: string; auditable_id: number; audited_changes: Record<string, unknown> };
type Issue = { field: string; message: string; code: string };

async function ruleAudit(accountId: number, adminToken: string) {
  const reply = await call("GET", `/api/v1/accounts/${accountId}/audit_logs?per_page=100`, { token: adminToken });
  expectStatus(reply, 200);
  return (reply.body.audit_logs as AuditEntry[]).filter((entry) => entry.auditable_type === "AutomationRule");
}

const rulePath = (accountId: number, id: number) => `${automationRulesPath(accountId)}/${id}`;

const status = (values: unknown[] = ["open"], query_operator: string | null = null) => ({
  attribute_key: "status",
  filter_operator: "equal_to",
  values,
  query_operator,
});

/** The Chatwoot seed's example: new conversations in French go to the France sales team. */
const frenchSalesBody = (teamId: number) => ({
  name: "France sales",
  description: "French speakers go to the France sales team",
  event_name: "conversation_created",
  conditions: [status(["open"], "AND"), { attribute_key: "browser_language", filter_operator: "equal_to", values: ["fr"], query_operator: null }],
  actions: [{ action_name: "assign_team", action_params: [teamId] }],
});

/** The 422 details of a create with `input` over a valid rule. */
async function createIssues(t: Awaited<ReturnType<typeof tenant>>, input: Record<string, unknown>): Promise<Issue[]> {
  const reply = await call("POST", automationRulesPath(t.account.id), {
    token: t.admin.access_token,
    body: {
      name: "Rule",
      event_name: "conversation_created",
      conditions: [status()],
      actions: [{ action_name: "add_label", action_params: ["new"] }],
      ...input,
    },
  });
  expectStatus(reply, 422);
  expect(reply.body.error.code).toBe("validation_failed");
  return reply.body.error.details as Issue[];
}

describe("Application API: automation rules", () => {
  it("creates the seed's example rule in Chatwoot's shape", async () => {
    const t = await tenant();
    const team = await createTeam(t.admin.access_token, t.account.id, { name: "France sales" });
    const reply = await call("POST", automationRulesPath(t.account.id), { token: t.admin.access_token, body: frenchSalesBody(team.id) });
    expectStatus(reply, 200);
    expect(reply.body).toEqual({
      id: expect.any(Number),
      account_id: t.account.id,
      name: "France sales",
      description: "French speakers go to the France sales team",
      event_name: "conversation_created",
      conditions: [status(["open"], "AND"), { attribute_key: "browser_language", filter_operator: "equal_to", values: ["fr"], query_operator: null }],
      actions: [{ action_name: "assign_team", action_params: [team.id] }],
      active: true,
      created_on: expect.any(Number),
    });
  });

  it("lists the rules in payload and shows one in payload, as Chatwoot does", async () => {
    const t = await tenant();
    const first = await createAutomationRule(t.admin.access_token, t.account.id);
    const second = await createAutomationRule(t.admin.access_token, t.account.id, { event_name: "conversation_updated" });
    const list = await call("GET", automationRulesPath(t.account.id), { token: t.admin.access_token });
    expectStatus(list, 200);
    expect(list.body).toEqual({ payload: [first, second] });
    const one = await call("GET", rulePath(t.account.id, second.id), { token: t.admin.access_token });
    expect(one.body).toEqual({ payload: second });
  });

  it("keeps every route to administrators", async () => {
    const t = await tenant();
    const rule = await createAutomationRule(t.admin.access_token, t.account.id);
    const agent = { token: t.agent.access_token };
    expectStatus(await call("GET", automationRulesPath(t.account.id), agent), 403);
    expectStatus(await call("GET", rulePath(t.account.id, rule.id), agent), 403);
    expectStatus(await call("PATCH", rulePath(t.account.id, rule.id), { ...agent, body: { active: false } }), 403);
    expectStatus(await call("POST", `${rulePath(t.account.id, rule.id)}/clone`, agent), 403);
    expectStatus(await call("DELETE", rulePath(t.account.id, rule.id), agent), 403);
  });

  it("records the created rule's configuration in the audit log", async () => {
    const t = await tenant();
    const rule = await createAutomationRule(t.admin.access_token, t.account.id, { name: "Audited" });
    const [entry] = await ruleAudit(t.account.id, t.admin.access_token);
    expect(entry).toMatchObject({
      action: "create",
      auditable_id: rule.id,
      audited_changes: { name: "Audited", event_name: "conversation_created", conditions: rule.conditions, actions: rule.actions, active: true },
    });
  });

  it("pauses a rule with active false, recording the change", async () => {
    const t = await tenant();
    const rule = await createAutomationRule(t.admin.access_token, t.account.id);
    const reply = await call("PATCH", rulePath(t.account.id, rule.id), { token: t.admin.access_token, body: { active: false } });
    expectStatus(reply, 200);
    expect(reply.body).toEqual({ payload: { ...rule, active: false } });
    const [update] = await ruleAudit(t.account.id, t.admin.access_token);
    expect(update).toMatchObject({ action: "update", auditable_id: rule.id, audited_changes: { active: [true, false] } });
  });

  it("pauses a rule whose custom attribute was deleted since, without checking its conditions again", async () => {
    const t = await tenant();
    const definition = await addAttributeDefinition(t.admin.access_token, t.account.id, { attribute_key: "plan" });
    const rule = await createAutomationRule(t.admin.access_token, t.account.id, {
      conditions: [{ attribute_key: "plan", filter_operator: "equal_to", values: ["pro"], query_operator: null }],
    });
    expectStatus(await call("DELETE", `${definitionsPath(t.account.id)}/${definition.id}`, { token: t.admin.access_token }), 204);
    expectStatus(await call("PATCH", rulePath(t.account.id, rule.id), { token: t.admin.access_token, body: { active: false } }), 200);
    const changed = await call("PATCH", rulePath(t.account.id, rule.id), { token: t.admin.access_token, body: { event_name: "conversation_updated" } });
    expectStatus(changed, 422);
    expect(changed.body.error.details).toEqual([{ field: "conditions.0.attribute_key", message: expect.stringContaining("plan"), code: "unknown_attribute" }]);
  });

  it("checks the conditions again when the event changes", async () => {
    const t = await tenant();
    const rule = await createAutomationRule(t.admin.access_token, t.account.id);
    const reply = await call("PATCH", rulePath(t.account.id, rule.id), { token: t.admin.access_token, body: { event_name: "message_created" } });
    expectStatus(reply, 422);
    expect(reply.body.error.details).toEqual([
      { field: "conditions.0.attribute_key", message: expect.stringContaining("message_created"), code: "not_for_event" },
    ]);
  });

  it("replaces conditions and actions, recording them as [before, after]", async () => {
    const t = await tenant();
    const rule = await createAutomationRule(t.admin.access_token, t.account.id);
    const conditions = [status(["open", "pending"])];
    const actions = [{ action_name: "send_message", action_params: ["Thanks, {{ contact.first_name || 'there' }}!"] }];
    const reply = await call("PATCH", rulePath(t.account.id, rule.id), { token: t.admin.access_token, body: { conditions, actions } });
    expectStatus(reply, 200);
    expect(reply.body.payload).toMatchObject({ conditions, actions });
    const [update] = await ruleAudit(t.account.id, t.admin.access_token);
    expect(update?.audited_changes).toEqual({ conditions: [rule.conditions, conditions], actions: [rule.actions, actions] });
  });

  it('clones a rule as "<name> (copy)"', async () => {
    const t = await tenant();
    const rule = await createAutomationRule(t.admin.access_token, t.account.id, { name: "Greeting", active: false });
    const reply = await call("POST", `${rulePath(t.account.id, rule.id)}/clone`, { token: t.admin.access_token });
    expectStatus(reply, 200);
    expect(reply.body).toEqual({ payload: { ...rule, id: expect.any(Number), name: "Greeting (copy)", created_on: expect.any(Number) } });
    expect(reply.body.payload.id).not.toBe(rule.id);
    const list = await call("GET", automationRulesPath(t.account.id), { token: t.admin.access_token });
    expect(list.body.payload.map((r: { name: string }) => r.name)).toEqual(["Greeting", "Greeting (copy)"]);
    const [created] = await ruleAudit(t.account.id, t.admin.access_token);
    expect(created).toMatchObject({
      action: "create",
      auditable_id: reply.body.payload.id,
      audited_changes: { name: "Greeting (copy)", cloned_from: rule.id },
    });
  });

  it("keeps a clone's name within 255 characters", async () => {
    const t = await tenant();
    const rule = await createAutomationRule(t.admin.access_token, t.account.id, { name: "n".repeat(255) });
    const reply = await call("POST", `${rulePath(t.account.id, rule.id)}/clone`, { token: t.admin.access_token });
    expect(reply.body.payload.name).toBe(`${"n".repeat(248)} (copy)`);
  });

  it("deletes a rule and records it", async () => {
    const t = await tenant();
    const rule = await createAutomationRule(t.admin.access_token, t.account.id);
    expectStatus(await call("DELETE", rulePath(t.account.id, rule.id), { token: t.admin.access_token }), 204);
    expectStatus(await call("GET", rulePath(t.account.id, rule.id), { token: t.admin.access_token }), 404);
    const [destroy] = await ruleAudit(t.account.id, t.admin.access_token);
    expect(destroy).toMatchObject({ action: "destroy", auditable_id: rule.id, audited_changes: { name: rule.name } });
  });

  it("answers 404 for another account's rule", async () => {
    const t = await tenant();
    const other = await tenant();
    const foreign = await createAutomationRule(other.admin.access_token, other.account.id);
    expectStatus(await call("GET", rulePath(t.account.id, foreign.id), { token: t.admin.access_token }), 404);
    expectStatus(await call("POST", `${rulePath(t.account.id, foreign.id)}/clone`, { token: t.admin.access_token }), 404);
  });
});

describe("automation rule conditions", () => {
  it("refuses an operator outside Chatwoot's list", async () => {
    const t = await tenant();
    const issues = await createIssues(t, { conditions: [{ ...status(), filter_operator: "matches" }] });
    expect(issues.map((issue) => issue.field)).toEqual(["conditions.0.filter_operator"]);
  });

  it("refuses an attribute the event does not offer, naming the condition", async () => {
    const t = await tenant();
    const issues = await createIssues(t, {
      conditions: [status(["open"], "AND"), { attribute_key: "message_type", filter_operator: "equal_to", values: ["incoming"] }],
    });
    expect(issues).toEqual([{ field: "conditions.1.attribute_key", message: expect.stringContaining("conversation_created"), code: "not_for_event" }]);
  });

  it("accepts message conditions on message_created rules", async () => {
    const t = await tenant();
    const rule = await createAutomationRule(t.admin.access_token, t.account.id, {
      event_name: "message_created",
      conditions: [
        { attribute_key: "content", filter_operator: "contains", values: ["refund"], query_operator: "and" },
        { attribute_key: "message_type", filter_operator: "equal_to", values: ["incoming"], query_operator: "and" },
      ],
    });
    expect(rule.conditions).toEqual([
      { attribute_key: "content", filter_operator: "contains", values: ["refund"], query_operator: "AND" },
      { attribute_key: "message_type", filter_operator: "equal_to", values: ["incoming"], query_operator: null },
    ]);
  });

  it("refuses an operator the attribute does not allow", async () => {
    const t = await tenant();
    const issues = await createIssues(t, { conditions: [{ ...status(), filter_operator: "starts_with" }] });
    expect(issues).toEqual([{ field: "conditions.0.filter_operator", message: expect.stringContaining("equal_to, not_equal_to"), code: "not_for_attribute" }]);
  });

  it("refuses values the attribute cannot have", async () => {
    const t = await tenant();
    const issues = await createIssues(t, { conditions: [status(["closed"])] });
    expect(issues).toEqual([{ field: "conditions.0.values", message: expect.stringContaining("open, resolved, pending, snoozed"), code: "invalid" }]);
  });

  it("needs AND or OR between conditions", async () => {
    const t = await tenant();
    const issues = await createIssues(t, { conditions: [status(), { attribute_key: "priority", filter_operator: "equal_to", values: ["high"] }] });
    expect(issues.map((issue) => [issue.field, issue.code])).toEqual([["conditions.0.query_operator", "required"]]);
  });

  it("refuses a custom attribute the account has not defined", async () => {
    const t = await tenant();
    const issues = await createIssues(t, { conditions: [status(["open"], "OR"), { attribute_key: "isLead", filter_operator: "equal_to", values: ["yes"] }] });
    expect(issues).toEqual([{ field: "conditions.1.attribute_key", message: expect.stringContaining("isLead"), code: "unknown_attribute" }]);
  });

  it("accepts custom attributes of contacts and conversations, tying each to its model", async () => {
    const t = await tenant();
    await addAttributeDefinition(t.admin.access_token, t.account.id, { attribute_key: "isLead", attribute_model: "conversation_attribute" });
    await addAttributeDefinition(t.admin.access_token, t.account.id, { attribute_key: "orders", attribute_display_type: "number" });
    const rule = await createAutomationRule(t.admin.access_token, t.account.id, {
      event_name: "message_created",
      conditions: [
        { attribute_key: "isLead", filter_operator: "equal_to", values: ["yes"], query_operator: "AND", custom_attribute_type: "" },
        { attribute_key: "orders", filter_operator: "is_greater_than", values: [10], query_operator: null },
      ],
    });
    expect(rule.conditions).toEqual([
      { attribute_key: "isLead", filter_operator: "equal_to", values: ["yes"], query_operator: "AND", custom_attribute_type: "conversation_attribute" },
      { attribute_key: "orders", filter_operator: "is_greater_than", values: [10], query_operator: null, custom_attribute_type: "contact_attribute" },
    ]);
  });

  it("refuses a custom attribute named under the other model", async () => {
    const t = await tenant();
    await addAttributeDefinition(t.admin.access_token, t.account.id, { attribute_key: "plan" });
    const issues = await createIssues(t, {
      conditions: [{ attribute_key: "plan", filter_operator: "equal_to", values: ["pro"], custom_attribute_type: "conversation_attribute" }],
    });
    expect(issues.map((issue) => [issue.field, issue.code])).toEqual([["conditions.0.attribute_key", "unknown_attribute"]]);
  });

  it("needs at least one condition and one action", async () => {
    const t = await tenant();
    const issues = await createIssues(t, { conditions: [], actions: [] });
    expect(issues.map((issue) => issue.field).sort()).toEqual(["actions", "conditions"]);
  });
});

describe("automation rule actions", () => {
  it("accepts each action with its parameters", async () => {
    const t = await tenant();
    const team = await createTeam(t.admin.access_token, t.account.id);
    const actions = [
      { action_name: "assign_agent", action_params: [t.agent.id] },
      { action_name: "assign_agent", action_params: ["nil"] },
      { action_name: "assign_team", action_params: [team.id] },
      { action_name: "add_label", action_params: ["billing", "vip"] },
      { action_name: "remove_label", action_params: ["new"] },
      { action_name: "send_email_to_team", action_params: [{ team_ids: [team.id], message: "A new billing question" }] },
      { action_name: "send_email_transcript", action_params: ["ops@example.test, lead@example.test"] },
      { action_name: "mute_conversation", action_params: [] },
      { action_name: "snooze_conversation", action_params: [] },
      { action_name: "resolve_conversation", action_params: [] },
      { action_name: "open_conversation", action_params: [] },
      { action_name: "change_priority", action_params: ["urgent"] },
      { action_name: "change_priority", action_params: [null] },
      { action_name: "send_webhook_event", action_params: ["https://hooks.example.test/parley"] },
      { action_name: "send_message", action_params: ["Hi {{ contact.first_name || 'there' }}"] },
    ];
    const rule = await createAutomationRule(t.admin.access_token, t.account.id, { actions });
    expect(rule.actions).toEqual(actions);
  });

  it("fills in empty parameters for actions that take none", async () => {
    const t = await tenant();
    const rule = await createAutomationRule(t.admin.access_token, t.account.id, { actions: [{ action_name: "resolve_conversation" }] });
    expect(rule.actions).toEqual([{ action_name: "resolve_conversation", action_params: [] }]);
  });

  it("refuses parameters of the wrong shape, naming the action", async () => {
    const t = await tenant();
    const issues = await createIssues(t, {
      actions: [
        { action_name: "add_label", action_params: ["ok"] },
        { action_name: "send_message", action_params: [] },
        { action_name: "change_priority", action_params: ["soon"] },
        { action_name: "send_webhook_event", action_params: ["ftp://example.test"] },
        { action_name: "assign_agent", action_params: ["someone"] },
        { action_name: "send_email_transcript", action_params: ["not an email"] },
      ],
    });
    const fields = issues.map((issue) => issue.field);
    for (const index of [1, 2, 3, 4, 5])
      expect(
        fields.some((field) => field.startsWith(`actions.${index}.action_params`)),
        fields.join(),
      ).toBe(true);
    expect(fields.some((field) => field.startsWith("actions.0"))).toBe(false);
  });

  it("refuses an action outside Chatwoot's list", async () => {
    const t = await tenant();
    const issues = await createIssues(t, { actions: [{ action_name: "delete_conversation", action_params: [] }] });
    expect(issues.map((issue) => issue.field)).toEqual(["actions.0.action_name"]);
  });

  it("refuses users and teams that are not the account's", async () => {
    const t = await tenant();
    const other = await tenant();
    const foreignTeam = await createTeam(other.admin.access_token, other.account.id);
    const issues = await createIssues(t, {
      actions: [
        { action_name: "assign_agent", action_params: [other.agent.id] },
        { action_name: "assign_team", action_params: [foreignTeam.id] },
        { action_name: "send_email_to_team", action_params: [{ team_ids: [foreignTeam.id], message: "Hi" }] },
      ],
    });
    expect(issues.map((issue) => [issue.field, issue.code])).toEqual([
      ["actions.0.action_params", "not_found"],
      ["actions.1.action_params", "not_found"],
      ["actions.2.action_params", "not_found"],
    ]);
  });

  it("refuses webhook actions aimed at private or loopback addresses", async () => {
    const t = await tenant();
    const issues = await createIssues(t, {
      actions: [
        { action_name: "send_webhook_event", action_params: ["http://127.0.0.1:8080/hook"] },
        { action_name: "send_webhook_event", action_params: ["https://hooks.example.test/in"] },
        { action_name: "send_webhook_event", action_params: ["http://169.254.169.254/latest"] },
      ],
    });
    expect(issues.map((issue) => [issue.field, issue.code])).toEqual([
      ["actions.0.action_params", "destination_not_allowed"],
      ["actions.2.action_params", "destination_not_allowed"],
    ]);
  });

  it("refuses files and SLA policies of other accounts", async () => {
    const t = await tenant();
    const other = await tenant();
    const policy = await createSlaPolicy(other.admin.access_token, other.account.id);
    const foreignFile = await attachFile(other.admin.access_token, other.account.id, "automation_rules", new File(["theirs"], "theirs.txt"));
    const ownFile = await attachFile(t.admin.access_token, t.account.id, "automation_rules", new File(["ours"], "ours.txt"));
    const issues = await createIssues(t, {
      actions: [
        { action_name: "send_attachment", action_params: [ownFile.blob_id, foreignFile.blob_id] },
        { action_name: "add_sla", action_params: [policy.id] },
      ],
    });
    expect(issues.map((issue) => [issue.field, issue.code])).toEqual([
      ["actions.0.action_params", "not_found"],
      ["actions.1.action_params", "not_found"],
    ]);
    expect(issues[0]?.message).toContain(String(foreignFile.blob_id));
    expect(issues[0]?.message).not.toContain(String(ownFile.blob_id));
  });

  it("stores files for send_attachment uploaded by administrators through attach_file", async () => {
    const t = await tenant();
    const file = await attachFile(
      t.admin.access_token,
      t.account.id,
      "automation_rules",
      new File(["Refunds take 5 days."], "refunds.txt", { type: "text/plain" }),
    );
    expect(file).toEqual({
      blob_id: expect.any(Number),
      blob_key: expect.stringMatching(new RegExp(`^accounts/${t.account.id}/attachments/[0-9a-f-]{36}/refunds.txt$`)),
      file_name: "refunds.txt",
      content_type: "text/plain",
      file_size: 20,
      data_url: expect.stringContaining(file.blob_key),
    });
    const rule = await createAutomationRule(t.admin.access_token, t.account.id, {
      actions: [{ action_name: "send_attachment", action_params: [file.blob_id] }],
    });
    expect(rule.actions).toEqual([{ action_name: "send_attachment", action_params: [file.blob_id] }]);

    const byAgent = new FormData();
    byAgent.append("attachment", new File(["x"], "x.txt"));
    expectStatus(await postAttachFile(t.agent.access_token, t.account.id, "automation_rules", byAgent), 403);
    const withoutFile = new FormData();
    withoutFile.append("note", "no file here");
    const refused = await postAttachFile(t.admin.access_token, t.account.id, "automation_rules", withoutFile);
    expectStatus(refused, 422);
    expect(refused.body.error.details.map((issue: Issue) => issue.field)).toContain("attachment");
    const empty = new FormData();
    empty.append("attachment", new File([], "empty.txt"));
    expectStatus(await postAttachFile(t.admin.access_token, t.account.id, "automation_rules", empty), 422);
    const json = await call("POST", `${automationRulesPath(t.account.id)}/attach_file`, { token: t.admin.access_token, body: { attachment: "refunds.txt" } });
    expectStatus(json, 422);
  });
});
