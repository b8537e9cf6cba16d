// Sends bad input to every documented route with a valid token: never a 500, always the error shape.
import { beforeAll, describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { accountObject } from "../../src/durable/addresses";
import { call, clientSession, createCampaign, createInbox, createTeam, expectStatus, PLATFORM_TOKEN, type Reply, tenant } from "./helpers";
import { documentedOperations, fillPath, type Operation, operationKey, VALID_BODIES } from "./routes";
import { sessionIdOf } from "./sign-in-fixtures";
import { addAttributeDefinition, addIntegrations, createChatWidget } from "./widget-fixtures";
import { createWebhook } from "./webhook-fixtures";
import { createLabel } from "./sms-fixtures";
import { createAutomationRule, createCannedResponse, createSlaPolicy } from "./workflow-fixtures";

/** A walk makes a request per documented route (hundreds): a busy machine needs more than the default 5 s. */
const WALK_TIMEOUT_MS = 60_000;

/** A notification of the user's about the conversation, so `notification_id` names a real one. */
async function notificationOf(accountId: number, user: { id: number; access_token: string }, displayId: number): Promise<number> {
  await accountObject(env, accountId).notify({ displayId, notificationType: "conversation_notify", title: "Walk", to: { userId: user.id } });
  return (await call("GET", `/api/v1/accounts/${accountId}/notifications`, { token: user.access_token })).body.data.payload[0].id;
}

let operations: Operation[];
let tokens: Record<Operation["surface"], string>;
let targets: Record<string, number | string>;

beforeAll(async () => {
  operations = await documentedOperations();
  const t = await tenant();
  tokens = { platform: PLATFORM_TOKEN, agency: t.agency.access_token, user: t.admin.access_token, public: "" };
  const inbox = await createInbox(t.admin.access_token, t.account.id);
  const team = await createTeam(t.admin.access_token, t.account.id);
  const session = await clientSession(t);
  const message = await call("POST", `${session.conversationPath}/messages`, { body: { content: "to answer" } });
  const campaign = await createCampaign(t.admin.access_token, t.account.id, inbox.id);
  const integrations = await addIntegrations(t.admin.access_token, t.account.id);
  const definition = await addAttributeDefinition(t.admin.access_token, t.account.id);
  const widget = await createChatWidget(t.admin.access_token, t.account.id, { inbox_id: inbox.id });
  const cannedResponse = await createCannedResponse(t.admin.access_token, t.account.id);
  const slaPolicy = await createSlaPolicy(t.admin.access_token, t.account.id);
  const automationRule = await createAutomationRule(t.admin.access_token, t.account.id);
  const label = await createLabel(t.admin.access_token, t.account.id);
  const webhook = await createWebhook(t.admin.access_token, t.account.id, "https://walked.example.test/hook");
  const ping = await call("POST", `/api/v1/accounts/${t.account.id}/webhooks/${webhook.id}/test`, { token: t.admin.access_token });
  expectStatus(ping, 202);
  const agentBot = await call("POST", `/api/v1/accounts/${t.account.id}/agent_bots`, { token: t.admin.access_token, body: { name: "Walked bot" } });
  expectStatus(agentBot, 200);
  const customFilter = await call("POST", `/api/v1/accounts/${t.account.id}/custom_filters`, {
    token: t.admin.access_token,
    body: { name: "Walked folder", query: { payload: [{ attribute_key: "status", filter_operator: "equal_to", values: ["open"] }] } },
  });
  expectStatus(customFilter, 200);
  const contactImport = await call("POST", `/api/v1/accounts/${t.account.id}/contacts/import`, {
    token: t.admin.access_token,
    body: { csv: "name\nWalked\n" },
  });
  expectStatus(contactImport, 202);
  const contactExport = await call("POST", `/api/v1/accounts/${t.account.id}/contacts/export`, { token: t.admin.access_token });
  expectStatus(contactExport, 202);
  const macro = await call("POST", `/api/v1/accounts/${t.account.id}/macros`, {
    token: t.admin.access_token,
    body: { name: "Walked macro", actions: [{ action_name: "add_label", action_params: ["walked"] }] },
  });
  expectStatus(macro, 200);
  const snapshot = await call("POST", "/api/v1/agency/snapshots", {
    token: t.agency.access_token,
    body: { name: "Walked snapshot", account_id: t.account.id, assets: { chat_widgets: "all" } },
  });
  expectStatus(snapshot, 201);
  const load = await call("POST", `/api/v1/agency/snapshots/${snapshot.body.id}/loads`, {
    token: t.agency.access_token,
    body: { account_ids: [t.account.id], dry_run: true },
  });
  expectStatus(load, 202);
  targets = {
    agency_id: t.agency.id,
    account_id: t.account.id,
    user_id: t.agent.id,
    inbox_id: inbox.id,
    team_id: team.id,
    inbox_identifier: session.identifier,
    contact_identifier: session.contact.source_id,
    contact_id: session.contact.id,
    conversation_id: session.conversation.id,
    message_id: message.body.id,
    campaign_id: campaign.id,
    whatsapp_number_id: integrations.whatsappNumber.id,
    facebook_page_id: integrations.facebookPage.id,
    instagram_account_id: integrations.instagramAccount.id,
    voice_ai_agent_id: integrations.voiceAiAgent.id,
    custom_attribute_definition_id: definition.id,
    chat_widget_id: widget.id,
    canned_response_id: cannedResponse.id,
    sla_policy_id: slaPolicy.id,
    automation_rule_id: automationRule.id,
    label_id: label.id,
    webhook_id: webhook.id,
    delivery_id: ping.body.payload.delivery.id,
    agent_bot_id: agentBot.body.id,
    hook_id: webhook.id,
    custom_filter_id: customFilter.body.id,
    import_id: contactImport.body.id,
    export_id: contactExport.body.id,
    macro_id: macro.body.payload.id,
    slot: "avatar",
    snapshot_id: snapshot.body.id,
    load_id: load.body.loads[0].id,
    notification_id: await notificationOf(t.account.id, t.admin, session.conversation.id),
    session_id: await sessionIdOf(t.agent.access_token),
    // Provider webhooks name an inbox by its number (WhatsApp's /webhooks/whatsapp/{phone_number}).
    phone_number: "+15550000000",
  };
}, WALK_TIMEOUT_MS);

function expectErrorShape(reply: Reply, status: number, op: Operation, what: string) {
  expect(reply.status, `${operationKey(op)} ${what}: ${JSON.stringify(reply.body)}`).toBe(status);
  expect(Object.keys(reply.body.error).sort(), `${operationKey(op)} ${what}`).toEqual(["code", "details", "message"]);
  expect(reply.body.error.code).toBeTypeOf("string");
  expect(reply.body.error.message).toBeTypeOf("string");
}

describe("bad input on every documented route", () => {
  it("answers malformed JSON with 400", { timeout: WALK_TIMEOUT_MS }, async () => {
    for (const op of operations.filter((o) => o.hasBody)) {
      const reply = await call(op.method, fillPath(op.path, targets), { token: tokens[op.surface], rawBody: "{oops" });
      expectErrorShape(reply, 400, op, "with malformed JSON");
    }
  });

  it("answers bodies of the wrong shape with 422", { timeout: WALK_TIMEOUT_MS }, async () => {
    for (const op of operations.filter((o) => o.hasBody)) {
      const valid = VALID_BODIES[operationKey(op)];
      expect(valid, `add a valid body for ${operationKey(op)}`).toBeDefined();
      for (const rawBody of ["[]", "123", JSON.stringify({ ...(valid as object), unexpected_field: true })]) {
        const reply = await call(op.method, fillPath(op.path, targets), { token: tokens[op.surface], rawBody });
        expectErrorShape(reply, 422, op, `with ${rawBody.slice(0, 40)}`);
      }
      for (const key of Object.keys(valid as object)) {
        const rawBody = JSON.stringify({ ...(valid as object), [key]: { nested: [1] } });
        const reply = await call(op.method, fillPath(op.path, targets), { token: tokens[op.surface], rawBody });
        expectErrorShape(reply, 422, op, `with a wrong type for ${key}`);
      }
    }
  });

  it("answers bodies over the limit with 413", { timeout: WALK_TIMEOUT_MS }, async () => {
    const huge = JSON.stringify({ name: "x".repeat(Number(env.MAX_JSON_BODY_BYTES)) });
    for (const op of operations.filter((o) => o.hasBody)) {
      const reply = await call(op.method, fillPath(op.path, targets), { token: tokens[op.surface], rawBody: huge });
      expectErrorShape(reply, 413, op, "with a huge body");
    }
  });

  it("answers ids that are not ids with 400 or 404, never 500", { timeout: WALK_TIMEOUT_MS }, async () => {
    for (const op of operations.filter((o) => o.pathParams.length > 0)) {
      for (const bad of ["abc", "0", "-5", "1.5", "99999999999999999999"]) {
        const values = Object.fromEntries(op.pathParams.map((name) => [name, bad]));
        const reply = await call(op.method, fillPath(op.path, values), {
          token: tokens[op.surface],
          body: VALID_BODIES[operationKey(op)],
        });
        expect([400, 404], `${operationKey(op)} with id ${bad}: ${JSON.stringify(reply.body)}`).toContain(reply.status);
        expect(reply.body.error.code).toBeTypeOf("string");
      }
    }
  });

  it("answers bad paging with 400 on every paginated list", { timeout: WALK_TIMEOUT_MS }, async () => {
    const paginated = operations.filter((o) => o.method === "GET" && o.queryParams.includes("page"));
    expect(paginated.length).toBeGreaterThan(0);
    for (const op of paginated) {
      const perPage = op.queryParams.includes("per_page") ? ["per_page=0", "per_page=101"] : [];
      for (const query of ["page=0", "page=abc", ...perPage]) {
        const reply = await call("GET", `${fillPath(op.path, targets)}?${query}`, { token: tokens[op.surface] });
        expectErrorShape(reply, 400, op, `with ?${query}`);
      }
    }
  });

  it("still works for valid input afterwards", { timeout: WALK_TIMEOUT_MS }, async () => {
    expectStatus(await call("GET", "/api/v1/profile", { token: tokens.user }), 200);
  });
});
