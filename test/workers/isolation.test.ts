// Walks every documented route with tokens from another agency, another account and the weaker
// role, and checks that none of them reads or changes what it must not.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { accountObject } from "../../src/durable/addresses";
import {
  call,
  createAccount,
  createAgency,
  createInbox,
  createTeam,
  expectStatus,
  inviteUser,
  PLATFORM_TOKEN,
  type Reply,
  clientSession,
  createCampaign,
} from "./helpers";
import { documentedOperations, fillPath, type Operation, operationKey, VALID_BODIES } from "./routes";
import { sessionIdOf } from "./sign-in-fixtures";
import { addAttributeDefinition, addIntegrations, createChatWidget, definitionsPath, integrationsPath, widgetsPath } from "./widget-fixtures";
import { createWebhook, webhooksPath } from "./webhook-fixtures";
import { createLabel, labelsPath } from "./sms-fixtures";
import { automationRulesPath, cannedResponsesPath, createAutomationRule, createCannedResponse, createSlaPolicy } from "./workflow-fixtures";

/** A walk makes a request per documented route (hundreds): a busy machine needs more than the default 5 s. */
const WALK_TIMEOUT_MS = 60_000;

const MARKER = "tenant-a-secret-marker";

let operations: Operation[];
let a: Awaited<ReturnType<typeof setUp>>;
let b: { agencyToken: string; adminToken: string };

async function setUp() {
  const agency = await createAgency(`${MARKER} agency`);
  const account = await createAccount(agency.access_token, { name: `${MARKER} account`, business_name: MARKER });
  const sibling = await createAccount(agency.access_token, { name: "sibling account" });
  const admin = await inviteUser(agency.access_token, account.id, "administrator");
  const agent = await inviteUser(agency.access_token, account.id, "agent");
  const siblingAdmin = await inviteUser(agency.access_token, sibling.id, "administrator");
  const inbox = await createInbox(admin.access_token, account.id, { name: `${MARKER} inbox` });
  const team = await createTeam(admin.access_token, account.id, { name: `${MARKER} team` });
  const session = await clientSession({ agency, account, admin, agent }, { type: "api" });
  const message = await call("POST", `${session.conversationPath}/messages`, { body: { content: `${MARKER} message` } });
  const stranger = await call("POST", `/public/api/v1/inboxes/${session.identifier}/contacts`, { body: { name: "Stranger" } });
  const otherInbox = await createInbox(admin.access_token, account.id, { channel: { type: "api" } });
  const campaign = await createCampaign(admin.access_token, account.id, inbox.id, { title: `${MARKER} campaign`, sender_id: admin.id });
  const integrations = await addIntegrations(admin.access_token, account.id);
  const definition = await addAttributeDefinition(admin.access_token, account.id, { attribute_display_name: `${MARKER} attribute` });
  const widget = await createChatWidget(admin.access_token, account.id, { name: `${MARKER} widget`, inbox_id: inbox.id });
  const cannedResponse = await createCannedResponse(admin.access_token, account.id, { content: `${MARKER} canned response` });
  const slaPolicy = await createSlaPolicy(admin.access_token, account.id, { name: `${MARKER} SLA` });
  const automationRule = await createAutomationRule(admin.access_token, account.id, { name: `${MARKER} rule` });
  const label = await createLabel(admin.access_token, account.id, { title: MARKER });
  const labelled = await call("POST", `/api/v1/accounts/${account.id}/contacts/${session.contact.id}/labels`, {
    token: admin.access_token,
    body: { labels: [label.title] },
  });
  expectStatus(labelled, 200);
  const { secret: _webhookSecret, ...webhook } = await createWebhook(admin.access_token, account.id, "https://tenant-a.example.test/hook", {
    name: `${MARKER} webhook`,
  });
  // A delivery of A's webhook (a test ping), so the walk addresses a real delivery's attempts.
  const ping = await call("POST", `${webhooksPath(account.id)}/${webhook.id}/test`, { token: admin.access_token });
  expectStatus(ping, 202);
  const agentBot = await call("POST", `/api/v1/accounts/${account.id}/agent_bots`, { token: admin.access_token, body: { name: `${MARKER} bot` } });
  expectStatus(agentBot, 200);
  const customFilter = await call("POST", `/api/v1/accounts/${account.id}/custom_filters`, {
    token: admin.access_token,
    body: { name: `${MARKER} folder`, query: { payload: [{ attribute_key: "status", filter_operator: "equal_to", values: ["open"] }] } },
  });
  expectStatus(customFilter, 200);
  const contactImport = await call("POST", `/api/v1/accounts/${account.id}/contacts/import`, {
    token: admin.access_token,
    body: { csv: `name\n${MARKER} imported\n` },
  });
  expectStatus(contactImport, 202);
  const contactExport = await call("POST", `/api/v1/accounts/${account.id}/contacts/export`, { token: admin.access_token });
  expectStatus(contactExport, 202);
  const macro = await call("POST", `/api/v1/accounts/${account.id}/macros`, {
    token: admin.access_token,
    body: { name: `${MARKER} macro`, visibility: "global", actions: [{ action_name: "add_label", action_params: ["marked"] }] },
  });
  expectStatus(macro, 200);
  const snapshot = await call("POST", "/api/v1/agency/snapshots", {
    token: agency.access_token,
    body: { name: `${MARKER} snapshot`, account_id: account.id, assets: { chat_widgets: "all" } },
  });
  expectStatus(snapshot, 201);
  // A dry run into the sibling: the walk needs a load of A's, and it must leave A as it was.
  const load = await call("POST", `/api/v1/agency/snapshots/${snapshot.body.id}/loads`, {
    token: agency.access_token,
    body: { account_ids: [sibling.id], dry_run: true },
  });
  expectStatus(load, 202);
  await accountObject(env, account.id).notify({
    displayId: session.conversation.id,
    notificationType: "conversation_notify",
    title: `${MARKER} notification`,
    to: { userId: admin.id },
  });
  const notifications = (await call("GET", `/api/v1/accounts/${account.id}/notifications`, { token: admin.access_token })).body.data;
  const sessionId = await sessionIdOf(admin.access_token);
  const auditEntries = (await call("GET", `/api/v1/accounts/${account.id}/audit_logs`, { token: admin.access_token })).body.total_entries as number;
  return {
    agency,
    account,
    sibling,
    admin,
    agent,
    siblingAdmin,
    inbox,
    team,
    session,
    otherInbox,
    campaign,
    integrations,
    definition,
    widget,
    cannedResponse,
    slaPolicy,
    automationRule,
    label,
    webhook,
    deliveryId: ping.body.payload.delivery.id as number,
    agentBotId: agentBot.body.id as number,
    customFilterId: customFilter.body.id as number,
    importId: contactImport.body.id as number,
    exportId: contactExport.body.id as number,
    macroId: macro.body.payload.id as number,
    snapshotId: snapshot.body.id as number,
    loadId: load.body.loads[0].id as number,
    auditEntries,
    messageId: message.body.id as number,
    strangerSourceId: stranger.body.source_id as string,
    notifications,
    sessionId,
  };
}

/** Path values that all point at tenant A's objects. */
const targetsOfA = () => ({
  agency_id: a.agency.id,
  account_id: a.account.id,
  user_id: a.agent.id,
  inbox_id: a.inbox.id,
  team_id: a.team.id,
  inbox_identifier: a.session.identifier,
  contact_identifier: a.session.contact.source_id,
  contact_id: a.session.contact.id,
  conversation_id: a.session.conversation.id,
  message_id: a.messageId,
  campaign_id: a.campaign.id,
  whatsapp_number_id: a.integrations.whatsappNumber.id,
  facebook_page_id: a.integrations.facebookPage.id,
  instagram_account_id: a.integrations.instagramAccount.id,
  voice_ai_agent_id: a.integrations.voiceAiAgent.id,
  custom_attribute_definition_id: a.definition.id,
  chat_widget_id: a.widget.id,
  canned_response_id: a.cannedResponse.id,
  sla_policy_id: a.slaPolicy.id,
  automation_rule_id: a.automationRule.id,
  label_id: a.label.id,
  webhook_id: a.webhook.id,
  delivery_id: a.deliveryId,
  agent_bot_id: a.agentBotId,
  hook_id: a.webhook.id,
  custom_filter_id: a.customFilterId,
  import_id: a.importId,
  export_id: a.exportId,
  macro_id: a.macroId,
  slot: "avatar",
  snapshot_id: a.snapshotId,
  load_id: a.loadId,
  notification_id: a.notifications.payload[0].id,
  session_id: a.sessionId,
});

async function send(op: Operation, token: string, overrides: Record<string, string | number> = {}): Promise<Reply> {
  const body = op.hasBody ? VALID_BODIES[operationKey(op)] : undefined;
  if (op.hasBody && body === undefined) throw new Error(`add a valid body for ${operationKey(op)} to VALID_BODIES`);
  return call(op.method, fillPath(op.path, { ...targetsOfA(), ...overrides }), { token, body });
}

function expectNoLeak(reply: Reply, op: Operation) {
  expect(reply.status, `${operationKey(op)}: ${JSON.stringify(reply.body)}`).toBeLessThan(500);
  expect(JSON.stringify(reply.body), operationKey(op)).not.toContain(MARKER);
}

beforeAll(async () => {
  operations = await documentedOperations();
  a = await setUp();
  const otherAgency = await createAgency();
  const otherAccount = await createAccount(otherAgency.access_token);
  const otherAdmin = await inviteUser(otherAgency.access_token, otherAccount.id, "administrator");
  b = { agencyToken: otherAgency.access_token, adminToken: otherAdmin.access_token };
}, WALK_TIMEOUT_MS);

describe("tenant isolation, walked over every documented route", () => {
  it("documents the routes this walk expects to find", () => {
    const surfaces = new Set(operations.map((op) => op.surface));
    expect(surfaces).toEqual(new Set(["platform", "agency", "user", "public"]));
    expect(operations.length).toBeGreaterThanOrEqual(18);
  });

  it("refuses every token of the wrong surface with 401", { timeout: WALK_TIMEOUT_MS }, async () => {
    const wrongTokens = {
      platform: [a.agency.access_token, a.admin.access_token],
      agency: [PLATFORM_TOKEN, a.admin.access_token],
      user: [PLATFORM_TOKEN, a.agency.access_token],
      public: [],
    };
    for (const op of operations) {
      for (const token of wrongTokens[op.surface]) {
        const reply = await send(op, token);
        expect(reply.status, `${operationKey(op)} with a token of another surface`).toBe(401);
      }
    }
  });

  it("answers 404 to another agency for every agency route that names one of A's objects", { timeout: WALK_TIMEOUT_MS }, async () => {
    for (const op of operations.filter((o) => o.surface === "agency")) {
      const reply = await send(op, b.agencyToken);
      if (op.pathParams.length > 0) expect(reply.status, `${operationKey(op)} by another agency`).toBe(404);
      expectNoLeak(reply, op);
    }
  });

  it("answers 404 to users of another agency and of a sibling account for every account route", { timeout: WALK_TIMEOUT_MS }, async () => {
    for (const op of operations.filter((o) => o.surface === "user")) {
      for (const token of [b.adminToken, a.siblingAdmin.access_token]) {
        const reply = await send(op, token);
        if (op.pathParams.includes("account_id")) expect(reply.status, `${operationKey(op)} by an outsider`).toBe(404);
        expectNoLeak(reply, op);
      }
    }
  });

  it("answers 404 to another contact session for every Client API route that names A's conversation", { timeout: WALK_TIMEOUT_MS }, async () => {
    const routes = operations.filter((o) => o.surface === "public" && o.pathParams.includes("conversation_id"));
    expect(routes.length).toBeGreaterThan(0);
    for (const op of routes) {
      const reply = await send(op, "", { contact_identifier: a.strangerSourceId });
      expect(reply.status, `${operationKey(op)} from another session`).toBe(404);
      expectNoLeak(reply, op);
    }
  });

  it("answers 404 for a contact session named under another inbox", { timeout: WALK_TIMEOUT_MS }, async () => {
    for (const op of operations.filter((o) => o.surface === "public" && o.pathParams.includes("contact_identifier"))) {
      const reply = await send(op, "", { inbox_identifier: a.otherInbox.inbox_identifier as string });
      expect(reply.status, `${operationKey(op)} under another inbox`).toBe(404);
    }
  });

  it("answers 403 to an agent on every administrator-only route", { timeout: WALK_TIMEOUT_MS }, async () => {
    const restricted = operations.filter((o) => o.surface === "user" && o.roleRestricted);
    expect(restricted.length).toBeGreaterThan(0);
    for (const op of restricted) {
      const reply = await send(op, a.agent.access_token);
      expect(reply.status, `${operationKey(op)} by an agent`).toBe(403);
    }
  });

  it("left tenant A exactly as it was", { timeout: WALK_TIMEOUT_MS }, async () => {
    const account = await call("GET", `/api/v1/agency/accounts/${a.account.id}`, { token: a.agency.access_token });
    expectStatus(account, 200);
    expect(account.body).toMatchObject({ name: `${MARKER} account`, locale: "en", business_name: MARKER });
    const users = await call("GET", `/api/v1/agency/accounts/${a.account.id}/users`, { token: a.agency.access_token });
    expect(users.body.payload.map((u: { id: number; role: string }) => [u.id, u.role])).toEqual([
      [a.admin.id, "administrator"],
      [a.agent.id, "agent"],
    ]);
    expectStatus(await call("GET", "/api/v1/profile", { token: a.agent.access_token }), 200);
    const sessions = await call("GET", "/api/v1/profile/sessions", { token: a.admin.access_token });
    expect(sessions.body.payload.map((s: { id: number }) => s.id)).toEqual([a.sessionId]);
    const admin = { token: a.admin.access_token };
    const inbox = await call("GET", `/api/v1/accounts/${a.account.id}/inboxes/${a.inbox.id}`, admin);
    expect(inbox.body).toEqual(a.inbox);
    const inboxMembers = await call("GET", `/api/v1/accounts/${a.account.id}/inbox_members/${a.inbox.id}`, admin);
    expect(inboxMembers.body).toEqual({ payload: [] });
    const teams = await call("GET", `/api/v1/accounts/${a.account.id}/teams`, admin);
    expect(teams.body).toEqual([a.team]);
    const teamMembers = await call("GET", `/api/v1/accounts/${a.account.id}/teams/${a.team.id}/team_members`, admin);
    expect(teamMembers.body).toEqual([]);
    for (const [resource, integration] of [
      ["whatsapp_numbers", a.integrations.whatsappNumber],
      ["facebook_pages", a.integrations.facebookPage],
      ["instagram_accounts", a.integrations.instagramAccount],
      ["voice_ai_agents", a.integrations.voiceAiAgent],
    ] as const) {
      expect((await call("GET", integrationsPath(a.account.id, resource), admin)).body).toEqual({ payload: [integration] });
    }
    expect((await call("GET", definitionsPath(a.account.id), admin)).body).toEqual([a.definition]);
    expect((await call("GET", widgetsPath(a.account.id), admin)).body).toEqual({ payload: [a.widget] });
    const campaign = await call("GET", `/api/v1/accounts/${a.account.id}/campaigns/${a.campaign.id}`, admin);
    expect(campaign.body).toEqual(a.campaign);
    expect((await call("GET", cannedResponsesPath(a.account.id), admin)).body).toEqual([a.cannedResponse]);
    expect((await call("GET", automationRulesPath(a.account.id), admin)).body).toEqual({ payload: [a.automationRule] });
    expect((await call("GET", labelsPath(a.account.id), admin)).body).toEqual({ payload: [a.label] });
    const contactLabels = await call("GET", `/api/v1/accounts/${a.account.id}/contacts/${a.session.contact.id}/labels`, admin);
    expect(contactLabels.body).toEqual({ payload: [MARKER] });
    expect((await call("GET", webhooksPath(a.account.id), admin)).body).toEqual({ payload: { webhooks: [a.webhook] } });
    const deliveries = (await call("GET", `${webhooksPath(a.account.id)}/${a.webhook.id}/deliveries`, admin)).body.payload as { id: number }[];
    expect(deliveries.map((delivery) => delivery.id)).toEqual([a.deliveryId]);
    const agency = { token: a.agency.access_token };
    expectStatus(await call("GET", `/api/v1/agency/snapshots/${a.snapshotId}`, agency), 200);
    const loads = await call("GET", `/api/v1/agency/snapshots/${a.snapshotId}/loads`, agency);
    expect(loads.body.payload.map((load: { id: number }) => load.id)).toEqual([a.loadId]);
    expect((await call("GET", `/api/v1/accounts/${a.account.id}/notifications`, admin)).body.data).toEqual(a.notifications);
    const log = await call("GET", `/api/v1/accounts/${a.account.id}/audit_logs`, admin);
    // account created, administrator and agent invited, inboxes, team and campaign created
    expect(log.body.total_entries).toBe(a.auditEntries);
  });
});
