// Snapshots: an agency captures a sub-account's chat widgets and loads them into other sub-accounts
// through the real jobs queue; the job's own handler is also called directly for redelivery.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { HELPER_TEXTS } from "../../src/domain/widget-setup";
import { DEAD_LETTER_QUEUE } from "../../src/jobs/queue";
import { sweepSnapshotLoads } from "../../src/jobs/snapshot-load-sweep";
import { call, createAccount, createAgency, createInbox, eventually, expectStatus, inviteUser, unique } from "./helpers";
import {
  addAttributeDefinition,
  addFacebookPage,
  addInstagramAccount,
  addVoiceAiAgent,
  addWhatsappNumber,
  type ChatWidget,
  createChatWidget,
  definitionsPath,
  widgetsPath,
} from "./widget-fixtures";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 7, 7, 7]);
const FINISHED = ["completed", "completed_with_warnings", "failed"];

type Load = {
  id: number;
  account_id: number;
  status: string;
  dry_run: boolean;
  progress: { done: number; total: number };
  report: any[];
  summary: Record<string, any> | null;
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
};

async function uploadMedia(token: string, accountId: number, widgetId: number, slot: "avatar" | "logo", bytes = PNG, name = "logo.png") {
  const form = new FormData();
  form.append("file", new File([bytes], name, { type: "image/png" }));
  const res = await exports.default.fetch(
    new Request(`http://parley.test${widgetsPath(accountId)}/${widgetId}/media/${slot}`, {
      method: "POST",
      body: form,
      headers: { authorization: `Bearer ${token}` },
    }),
  );
  expect(res.status).toBe(200);
  return (await res.json()) as ChatWidget;
}

async function createSnapshot(agencyToken: string, body: Record<string, unknown>) {
  const reply = await call("POST", "/api/v1/agency/snapshots", { token: agencyToken, body: { name: unique("snapshot"), ...body } });
  expectStatus(reply, 201);
  return reply.body as { id: number; contents: { chat_widgets: any[]; custom_attribute_definitions: any[] }; [field: string]: any };
}

async function requestLoads(agencyToken: string, snapshotId: number, body: Record<string, unknown>) {
  const reply = await call("POST", `/api/v1/agency/snapshots/${snapshotId}/loads`, { token: agencyToken, body });
  expectStatus(reply, 202);
  return reply.body.loads as { id: number; account_id: number; status: string }[];
}

const showLoad = async (agencyToken: string, loadId: number) => {
  const reply = await call("GET", `/api/v1/agency/snapshot_loads/${loadId}`, { token: agencyToken });
  expectStatus(reply, 200);
  return reply.body as Load;
};

/** Waits for the real queue to finish the load. */
async function finishedLoad(agencyToken: string, loadId: number): Promise<Load> {
  let load: Load | undefined;
  await eventually(async () => {
    load = await showLoad(agencyToken, loadId);
    expect(FINISHED).toContain(load.status);
  }, 20_000);
  if (!load) throw new Error("no load");
  return load;
}

async function loadInto(agencyToken: string, snapshotId: number, accountId: number, options: Record<string, unknown> = {}) {
  const [queued] = await requestLoads(agencyToken, snapshotId, { account_ids: [accountId], ...options });
  if (!queued) throw new Error("no load queued");
  return finishedLoad(agencyToken, queued.id);
}

const widgetsOf = async (token: string, accountId: number) => {
  const reply = await call("GET", widgetsPath(accountId), { token });
  expectStatus(reply, 200);
  return reply.body.payload as ChatWidget[];
};

const entryFor = (load: Load, name: string) => {
  const entry = load.report.find((one) => one.kind === "chat_widget" && one.name === name);
  if (!entry) throw new Error(`no report entry for ${name}: ${JSON.stringify(load.report)}`);
  return entry;
};

const mediaKeyOf = (url: string) => new URL(url).pathname.slice("/media/".length);

async function auditLog(path: string, token: string) {
  const reply = await call("GET", `${path}?per_page=100`, { token });
  expectStatus(reply, 200);
  return reply.body.audit_logs as { action: string; auditable_type: string; auditable_id: number; user_type: string; audited_changes: Record<string, any> }[];
}

/** A target sub-account of the agency with an administrator. */
async function target(agencyToken: string, input: Record<string, unknown> = {}) {
  const account = await createAccount(agencyToken, input);
  const admin = await inviteUser(agencyToken, account.id, "administrator");
  return { account, admin, token: admin.access_token };
}

/**
 * The issue's source account: a WhatsApp widget, a Voice AI widget and a live chat widget with a
 * logo and a pre-chat form asking for two custom attributes (plan, which the snapshot includes, and
 * tier, which it does not).
 */
async function sourceWithWidgets() {
  const agency = await createAgency();
  const source = await target(agency.access_token, { locale: "de", timezone: "Europe/Berlin", business_name: "Source GmbH" });
  const token = source.token;
  const accountId = source.account.id;
  const phone = `+1415${String(Date.now() % 10_000_000).padStart(7, "0")}`;
  const number = await addWhatsappNumber(token, accountId, { phone_number: phone, display_name: "Front desk" });
  const agent = await addVoiceAiAgent(token, accountId, { name: "Ava" });
  const plan = await addAttributeDefinition(token, accountId, { attribute_key: "plan", attribute_display_name: "Plan" });
  await addAttributeDefinition(token, accountId, { attribute_key: "tier", attribute_display_name: "Tier", attribute_model: "conversation_attribute" });
  const inbox = await createInbox(token, accountId, {
    name: "Website",
    greeting_enabled: true,
    greeting_message: "Hello from the source",
    timezone: "Europe/Berlin",
    channel: { type: "web_widget", website_url: "https://source.example.test", widget_color: "#123456", welcome_title: "Welcome!" },
  });
  const whatsapp = await createChatWidget(token, accountId, {
    name: "WhatsApp",
    type: "whatsapp",
    whatsapp_number_id: number.id,
    settings: { prefilled_text: "Hi" },
  });
  const voice = await createChatWidget(token, accountId, { name: "Voice", type: "voice_ai", voice_ai_agent_id: agent.id });
  const liveChat = await createChatWidget(token, accountId, {
    name: "Live chat",
    type: "live_chat",
    inbox_id: inbox.id,
    settings: {
      colors: { primary: "#ff0000" },
      position: "left",
      locale: "de",
      business: { show: true, name: "Source GmbH", phone: "+4930123456" },
      business_hours: { enabled: true, timezone: "Europe/Berlin" },
    },
    pre_chat_form: {
      enabled: true,
      fields: [
        { field_type: "standard", name: "email", type: "email", label: "Email", required: true },
        { field_type: "contact_attribute", name: "plan", type: "text", label: "Plan" },
        { field_type: "conversation_attribute", name: "tier", type: "text", label: "Tier" },
      ],
    },
  });
  const withLogo = await uploadMedia(token, accountId, liveChat.id, "logo");
  return { agency, agencyToken: agency.access_token, source, token, accountId, number, agent, plan, inbox, whatsapp, voice, liveChat: withLogo };
}

describe("snapshots: the issue's acceptance scenario", () => {
  it("loads complete widgets into a target with the same WhatsApp number and incomplete ones into a target with nothing", async () => {
    const s = await sourceWithWidgets();
    const snapshot = await createSnapshot(s.agencyToken, {
      account_id: s.accountId,
      assets: { chat_widgets: "all", custom_attribute_definitions: ["plan"] },
    });
    expect(snapshot.contents.chat_widgets.map((widget) => widget.name)).toEqual(["WhatsApp", "Voice", "Live chat"]);

    const ready = await target(s.agencyToken, { locale: "fr", timezone: "America/New_York", business_name: "Ready SARL" });
    const readyNumber = await addWhatsappNumber(ready.token, ready.account.id, { phone_number: s.number.phone_number, display_name: "Réception" });
    const readyAgent = await addVoiceAiAgent(ready.token, ready.account.id, { name: "Ava" });
    await addAttributeDefinition(ready.token, ready.account.id, { attribute_key: "tier", attribute_model: "conversation_attribute" });
    const empty = await target(s.agencyToken);

    const queued = await requestLoads(s.agencyToken, snapshot.id, { account_ids: [ready.account.id, empty.account.id] });
    expect(queued.map((load) => [load.account_id, load.status])).toEqual([
      [ready.account.id, "queued"],
      [empty.account.id, "queued"],
    ]);
    const [readyLoad, emptyLoad] = await Promise.all(queued.map((load) => finishedLoad(s.agencyToken, load.id)));
    if (!readyLoad || !emptyLoad) throw new Error("loads missing");

    // The ready target: every widget complete, pointing at its own number and agent.
    expect(readyLoad.status).toBe("completed");
    expect(readyLoad.progress).toEqual({ done: 3, total: 3 });
    const readyWidgets = await widgetsOf(ready.token, ready.account.id);
    expect(readyWidgets.map((widget) => [widget.name, widget.type, widget.setup_status])).toEqual([
      ["WhatsApp", "whatsapp", "complete"],
      ["Voice", "voice_ai", "complete"],
      ["Live chat", "live_chat", "complete"],
    ]);
    expect(readyWidgets[0]?.whatsapp_number_id).toBe(readyNumber.id);
    expect(readyWidgets[1]?.voice_ai_agent_id).toBe(readyAgent.id);
    expect(entryFor(readyLoad, "WhatsApp")).toMatchObject({
      action: "created",
      widget_id: readyWidgets[0]?.id,
      setup_status: "complete",
      dependencies: [{ type: "whatsapp_number", outcome: "mapped", mapped_to: { id: readyNumber.id, phone_number: s.number.phone_number } }],
      warnings: [],
    });
    expect(entryFor(readyLoad, "Voice").dependencies).toEqual([{ type: "voice_ai_agent", outcome: "mapped", mapped_to: { id: readyAgent.id, name: "Ava" } }]);
    const readyLive = readyWidgets[2];
    expect(readyLive?.pre_chat_form.fields.map((field: { name: string }) => field.name)).toEqual(["email", "plan", "tier"]);

    // The empty target: the WhatsApp and Voice AI widgets wait for their integrations, with the helper texts.
    expect(emptyLoad.status).toBe("completed_with_warnings");
    const emptyWidgets = await widgetsOf(empty.token, empty.account.id);
    expect(emptyWidgets.map((widget) => [widget.name, widget.setup_status])).toEqual([
      ["WhatsApp", "incomplete"],
      ["Voice", "incomplete"],
      ["Live chat", "complete"],
    ]);
    const [emptyWhatsapp, emptyVoice] = emptyWidgets;
    expect(emptyWhatsapp?.missing_dependencies).toEqual([{ type: "whatsapp_number", field: "whatsapp_number_id", message: HELPER_TEXTS.whatsapp_number }]);
    expect(emptyWhatsapp?.actions).toEqual({
      save: { enabled: false, reason: HELPER_TEXTS.whatsapp_number },
      get_code: { enabled: false, reason: HELPER_TEXTS.whatsapp_number },
    });
    expect(emptyVoice?.actions.get_code).toEqual({ enabled: false, reason: HELPER_TEXTS.voice_ai_agent });
    expect(emptyWhatsapp?.settings.prefilled_text).toBe("Hi");
    expectStatus(await call("GET", `${widgetsPath(empty.account.id)}/${emptyWhatsapp?.id}/embed_code`, { token: empty.token }), 409);
    expect(entryFor(emptyLoad, "WhatsApp")).toMatchObject({
      action: "created",
      setup_status: "incomplete",
      missing_dependencies: [HELPER_TEXTS.whatsapp_number],
      dependencies: [{ type: "whatsapp_number", outcome: "left_empty", reason: `The account has no connected WhatsApp number ${s.number.phone_number}.` }],
    });
    expect(entryFor(emptyLoad, "Voice")).toMatchObject({
      setup_status: "incomplete",
      missing_dependencies: [HELPER_TEXTS.voice_ai_agent],
      dependencies: [{ type: "voice_ai_agent", outcome: "left_empty", reason: "The account has no active Voice AI agent." }],
    });
    // tier is not in the snapshot and the empty target has no such attribute: the field is dropped, not created.
    const emptyLive = emptyWidgets[2];
    expect(emptyLive?.pre_chat_form.fields.map((field: { name: string }) => field.name)).toEqual(["email", "plan"]);
    expect(entryFor(emptyLoad, "Live chat").warnings).toEqual([
      "Pre-chat field tier was dropped: the account has no conversation attribute tier, and snapshots do not create custom attributes they were not given.",
    ]);
    const emptyDefinitions = (await call("GET", definitionsPath(empty.account.id), { token: empty.token })).body as { attribute_key: string }[];
    expect(emptyDefinitions.map((definition) => definition.attribute_key)).toEqual(["plan"]);

    // Logos render from each target's own copy.
    for (const [accountId, widget] of [
      [ready.account.id, readyLive],
      [empty.account.id, emptyLive],
    ] as const) {
      const logo = widget?.settings.logo;
      expect(mediaKeyOf(logo.url)).toBe(logo.key);
      expect(logo.key).toMatch(new RegExp(`^accounts/${accountId}/widgets/[0-9a-f-]{36}/logo\\.png$`));
      expect(logo.key).not.toBe(s.liveChat.settings.logo.key);
      const served = await exports.default.fetch(logo.url);
      expect(served.status).toBe(200);
      expect(served.headers.get("content-type")).toBe("image/png");
      expect(new Uint8Array(await served.arrayBuffer())).toEqual(PNG);
    }
    for (const load of [readyLoad, emptyLoad]) {
      expect(entryFor(load, "Live chat")).toMatchObject({ media: [{ slot: "logo", outcome: "copied" }], inbox: { outcome: "created", name: "Website" } });
    }
  });
});

describe("snapshots: creating, listing and deleting", () => {
  it("captures settings, the inbox without tokens, dependency identities and its own copies of the media", async () => {
    const s = await sourceWithWidgets();
    const snapshot = await createSnapshot(s.agencyToken, { account_id: s.accountId, assets: { chat_widgets: [s.liveChat.id, s.whatsapp.id] } });
    expect(snapshot).toMatchObject({
      account_id: s.accountId,
      assets: { chat_widgets: [s.whatsapp.id, s.liveChat.id], custom_attribute_definitions: [] },
      counts: { chat_widgets: 2, custom_attribute_definitions: 0, media_files: 1 },
    });
    const [whatsapp, liveChat] = snapshot.contents.chat_widgets;
    expect(whatsapp.dependencies).toEqual({
      whatsapp_number: { phone_number: s.number.phone_number, display_name: "Front desk" },
      facebook_page: null,
      instagram_account: null,
      voice_ai_agent: null,
    });
    expect(liveChat.inbox).toMatchObject({
      name: "Website",
      channel_type: "web_widget",
      website_url: "https://source.example.test",
      widget_color: "#123456",
      welcome_title: "Welcome!",
      greeting_enabled: true,
      greeting_message: "Hello from the source",
      timezone: "Europe/Berlin",
    });
    expect(JSON.stringify(snapshot.contents)).not.toContain(s.inbox.hmac_token);
    expect(JSON.stringify(snapshot.contents)).not.toContain(s.inbox.website_token);
    expect(liveChat.settings).toMatchObject({ position: "left", colors: { primary: "#ff0000" } });
    expect(liveChat.settings.logo).toBeUndefined();
    expect(liveChat.media).toEqual({ avatar: null, logo: { file_name: "logo.png", content_type: "image/png" } });
    const copied = await env.MEDIA.get(`snapshots/${snapshot.id}/widgets/${s.liveChat.id}/logo/logo.png`);
    expect(new Uint8Array((await copied?.arrayBuffer()) ?? new ArrayBuffer(0))).toEqual(PNG);
    expect(snapshot.contents.custom_attribute_definitions).toEqual([]);

    const shown = await call("GET", `/api/v1/agency/snapshots/${snapshot.id}`, { token: s.agencyToken });
    expect(shown.body).toEqual(snapshot);
  });

  it("keeps working after the source widgets and their media are deleted", async () => {
    const s = await sourceWithWidgets();
    const snapshot = await createSnapshot(s.agencyToken, { account_id: s.accountId, assets: { chat_widgets: [s.liveChat.id] } });
    expectStatus(await call("DELETE", `${widgetsPath(s.accountId)}/${s.liveChat.id}`, { token: s.token }), 204);
    expect(await env.MEDIA.head(s.liveChat.settings.logo.key)).toBeNull();
    const t = await target(s.agencyToken);
    const load = await loadInto(s.agencyToken, snapshot.id, t.account.id);
    expect(load.status).toBe("completed_with_warnings");
    const [widget] = await widgetsOf(t.token, t.account.id);
    const served = await exports.default.fetch(widget?.settings.logo.url);
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(PNG);
  });

  it("includes custom attribute definitions only when listed, by id or key", async () => {
    const s = await sourceWithWidgets();
    const bare = await createSnapshot(s.agencyToken, { account_id: s.accountId, assets: { chat_widgets: [] } });
    expect(bare.contents).toEqual({ version: 1, chat_widgets: [], custom_attribute_definitions: [] });
    const withPlan = await createSnapshot(s.agencyToken, { account_id: s.accountId, assets: { chat_widgets: [], custom_attribute_definitions: [s.plan.id] } });
    expect(withPlan.contents.custom_attribute_definitions).toEqual([
      expect.objectContaining({ attribute_key: "plan", attribute_model: "contact_attribute", attribute_display_name: "Plan" }),
    ]);
    const byKey = await createSnapshot(s.agencyToken, { account_id: s.accountId, assets: { chat_widgets: [], custom_attribute_definitions: ["tier"] } });
    expect(byKey.contents.custom_attribute_definitions.map((definition) => definition.attribute_key)).toEqual(["tier"]);
  });

  it("answers 422 for widgets or definitions the account does not have, and 404 for another agency's account", async () => {
    const s = await sourceWithWidgets();
    const other = await sourceWithWidgets();
    const post = (body: Record<string, unknown>) => call("POST", "/api/v1/agency/snapshots", { token: s.agencyToken, body: { name: "Bad", ...body } });
    const unknownWidget = await post({ account_id: s.accountId, assets: { chat_widgets: [s.whatsapp.id, other.whatsapp.id] } });
    expectStatus(unknownWidget, 422);
    expect(unknownWidget.body.error.details).toEqual([
      { field: "assets.chat_widgets.1", message: `The account has no chat widget ${other.whatsapp.id}.`, code: "not_found" },
    ]);
    const unknownDefinition = await post({ account_id: s.accountId, assets: { chat_widgets: "all", custom_attribute_definitions: ["nope", other.plan.id] } });
    expectStatus(unknownDefinition, 422);
    expect(unknownDefinition.body.error.details.map((issue: { field: string }) => issue.field)).toEqual([
      "assets.custom_attribute_definitions.0",
      "assets.custom_attribute_definitions.1",
    ]);
    expectStatus(await post({ account_id: other.accountId, assets: { chat_widgets: "all" } }), 404);
    expectStatus(await post({ account_id: s.accountId, assets: { chat_widgets: "some" } }), 422);
    const list = await call("GET", "/api/v1/agency/snapshots", { token: s.agencyToken });
    expect(list.body.meta.count).toBe(0);
  });

  it("lists the agency's snapshots newest first, paginated, and never another agency's", async () => {
    const s = await sourceWithWidgets();
    const first = await createSnapshot(s.agencyToken, { account_id: s.accountId, assets: { chat_widgets: [] } });
    const second = await createSnapshot(s.agencyToken, { account_id: s.accountId, assets: { chat_widgets: [] } });
    const other = await createAgency();
    const page = await call("GET", "/api/v1/agency/snapshots?per_page=1&page=2", { token: s.agencyToken });
    expect(page.body.meta).toEqual({ count: 2, current_page: 2, per_page: 1 });
    expect(page.body.payload.map((snapshot: { id: number }) => snapshot.id)).toEqual([first.id]);
    const all = await call("GET", "/api/v1/agency/snapshots", { token: s.agencyToken });
    expect(all.body.payload.map((snapshot: { id: number }) => snapshot.id)).toEqual([second.id, first.id]);
    expect(all.body.payload[0]).not.toHaveProperty("contents");
    expect((await call("GET", "/api/v1/agency/snapshots", { token: other.access_token })).body.meta.count).toBe(0);
    for (const [method, path] of [
      ["GET", `/api/v1/agency/snapshots/${first.id}`],
      ["DELETE", `/api/v1/agency/snapshots/${first.id}`],
      ["GET", `/api/v1/agency/snapshots/${first.id}/loads`],
    ] as const) {
      expectStatus(await call(method, path, { token: other.access_token }), 404);
    }
  });

  it("deletes a snapshot with its media copies and load history", async () => {
    const s = await sourceWithWidgets();
    const snapshot = await createSnapshot(s.agencyToken, { account_id: s.accountId, assets: { chat_widgets: "all" } });
    const t = await target(s.agencyToken);
    const load = await loadInto(s.agencyToken, snapshot.id, t.account.id);
    expect((await env.MEDIA.list({ prefix: `snapshots/${snapshot.id}/` })).objects).toHaveLength(1);
    expectStatus(await call("DELETE", `/api/v1/agency/snapshots/${snapshot.id}`, { token: s.agencyToken }), 204);
    expect((await env.MEDIA.list({ prefix: `snapshots/${snapshot.id}/` })).objects).toEqual([]);
    expectStatus(await call("GET", `/api/v1/agency/snapshots/${snapshot.id}`, { token: s.agencyToken }), 404);
    expectStatus(await call("GET", `/api/v1/agency/snapshot_loads/${load.id}`, { token: s.agencyToken }), 404);
    // What it loaded stays, logo included.
    const widgets = await widgetsOf(t.token, t.account.id);
    expect(widgets).toHaveLength(3);
    expect(await env.MEDIA.head(widgets[2]?.settings.logo.key)).not.toBeNull();
  });
});

describe("snapshots: loading", () => {
  it("refuses targets outside the agency with 404 naming them, and queues nothing", async () => {
    const s = await sourceWithWidgets();
    const snapshot = await createSnapshot(s.agencyToken, { account_id: s.accountId, assets: { chat_widgets: "all" } });
    const mine = await target(s.agencyToken);
    const theirs = await createAccount((await createAgency()).access_token);
    const reply = await call("POST", `/api/v1/agency/snapshots/${snapshot.id}/loads`, {
      token: s.agencyToken,
      body: { account_ids: [mine.account.id, theirs.id, 99_999_999] },
    });
    expectStatus(reply, 404);
    expect(reply.body.error.details).toEqual({ account_ids: [theirs.id, 99_999_999] });
    const history = await call("GET", `/api/v1/agency/snapshots/${snapshot.id}/loads`, { token: s.agencyToken });
    expect(history.body).toEqual({ meta: { count: 0, current_page: 1, per_page: 25 }, payload: [] });
    expect(await widgetsOf(mine.token, mine.account.id)).toEqual([]);

    // A full list of targets is more ids than D1 binds in one statement.
    const many = [mine.account.id, ...Array.from({ length: 99 }, (_, index) => 90_000_000 + index)];
    const tooMany = await call("POST", `/api/v1/agency/snapshots/${snapshot.id}/loads`, { token: s.agencyToken, body: { account_ids: many } });
    expectStatus(tooMany, 404);
    expect(tooMany.body.error.details.account_ids).toHaveLength(99);
  });

  it("maps the target's location: locale, business details and time zone become the account's", async () => {
    const s = await sourceWithWidgets();
    const snapshot = await createSnapshot(s.agencyToken, { account_id: s.accountId, assets: { chat_widgets: [s.liveChat.id] } });
    const t = await target(s.agencyToken, { locale: "fr", timezone: "America/New_York", business_name: "Cible SARL" });
    await loadInto(s.agencyToken, snapshot.id, t.account.id);
    const [widget] = await widgetsOf(t.token, t.account.id);
    expect(widget?.settings).toMatchObject({
      locale: null,
      business: { show: true, name: null, address: null, phone: null, email: null },
      business_hours: { enabled: true, timezone: null },
      colors: { primary: "#ff0000" },
      position: "left",
    });
    const config = await call("GET", `/api/v1/widget/config?widget_token=${widget?.widget_token}`);
    expectStatus(config, 200);
    expect(config.body.widget).toMatchObject({ locale: "fr", business: { name: "Cible SARL" }, business_hours: { timezone: "America/New_York" } });
    // The inbox created for it keeps the source's settings, with the target's time zone and new tokens.
    const inbox = (await call("GET", `/api/v1/accounts/${t.account.id}/inboxes/${widget?.inbox_id}`, { token: t.token })).body;
    expect(inbox).toMatchObject({
      name: "Website",
      channel_type: "Channel::WebWidget",
      website_url: "https://source.example.test",
      widget_color: "#123456",
      welcome_title: "Welcome!",
      greeting_enabled: true,
      greeting_message: "Hello from the source",
      timezone: "America/New_York",
    });
    expect(inbox.website_token).not.toBe(s.inbox.website_token);
    expect(inbox.hmac_token).not.toBe(s.inbox.hmac_token);
  });

  it("routes to the target's inbox of the same name and channel instead of creating one", async () => {
    const s = await sourceWithWidgets();
    const snapshot = await createSnapshot(s.agencyToken, { account_id: s.accountId, assets: { chat_widgets: [s.liveChat.id] } });
    const t = await target(s.agencyToken);
    await createInbox(t.token, t.account.id, { name: "Website", channel: { type: "api" } });
    const website = await createInbox(t.token, t.account.id, { name: "Website" });
    const load = await loadInto(s.agencyToken, snapshot.id, t.account.id);
    expect(entryFor(load, "Live chat").inbox).toEqual({ outcome: "mapped", inbox_id: website.id, name: "Website" });
    expect((await widgetsOf(t.token, t.account.id))[0]?.inbox_id).toBe(website.id);
    const inboxes = (await call("GET", `/api/v1/accounts/${t.account.id}/inboxes`, { token: t.token })).body.payload;
    expect(inboxes).toHaveLength(2);
  });

  it("maps Facebook pages and Instagram accounts by id when connected, and leaves them empty otherwise", async () => {
    const agency = await createAgency();
    const source = await target(agency.access_token);
    const page = await addFacebookPage(source.token, source.account.id, { name: "Acme" });
    const instagram = await addInstagramAccount(source.token, source.account.id, { username: "acme" });
    await createChatWidget(source.token, source.account.id, { name: "Facebook", type: "facebook", facebook_page_id: page.id });
    await createChatWidget(source.token, source.account.id, { name: "Instagram", type: "instagram", instagram_account_id: instagram.id });
    const snapshot = await createSnapshot(agency.access_token, { account_id: source.account.id, assets: { chat_widgets: "all" } });

    const connected = await target(agency.access_token);
    const samePage = await addFacebookPage(connected.token, connected.account.id, { page_id: page.page_id, name: "Acme (copy)" });
    const sameInstagram = await addInstagramAccount(connected.token, connected.account.id, { instagram_id: instagram.instagram_id, username: "acme" });
    const mapped = await loadInto(agency.access_token, snapshot.id, connected.account.id);
    expect(mapped.status).toBe("completed");
    expect(entryFor(mapped, "Facebook").dependencies).toEqual([
      { type: "facebook_page", outcome: "mapped", mapped_to: { id: samePage.id, page_id: page.page_id, name: "Acme (copy)" } },
    ]);
    expect(entryFor(mapped, "Instagram").dependencies).toEqual([
      { type: "instagram_account", outcome: "mapped", mapped_to: { id: sameInstagram.id, instagram_id: instagram.instagram_id, username: "acme" } },
    ]);
    expect((await widgetsOf(connected.token, connected.account.id)).map((widget) => widget.setup_status)).toEqual(["complete", "complete"]);

    const disconnected = await target(agency.access_token);
    await addFacebookPage(disconnected.token, disconnected.account.id, { page_id: page.page_id, status: "disconnected" });
    await addInstagramAccount(disconnected.token, disconnected.account.id);
    const empty = await loadInto(agency.access_token, snapshot.id, disconnected.account.id);
    expect(empty.status).toBe("completed_with_warnings");
    expect(entryFor(empty, "Facebook")).toMatchObject({
      setup_status: "incomplete",
      missing_dependencies: [HELPER_TEXTS.facebook_page],
      dependencies: [{ type: "facebook_page", outcome: "left_empty", reason: `The account's Facebook page Acme (${page.page_id}) is disconnected.` }],
    });
    expect(entryFor(empty, "Instagram")).toMatchObject({
      setup_status: "incomplete",
      missing_dependencies: [HELPER_TEXTS.instagram_account],
      dependencies: [
        { type: "instagram_account", outcome: "left_empty", reason: `The account has no connected Instagram account @acme (${instagram.instagram_id}).` },
      ],
    });
  });

  it("leaves a WhatsApp widget empty when the target's number with the same E.164 is disconnected", async () => {
    const s = await sourceWithWidgets();
    const snapshot = await createSnapshot(s.agencyToken, { account_id: s.accountId, assets: { chat_widgets: [s.whatsapp.id] } });
    const t = await target(s.agencyToken);
    await addWhatsappNumber(t.token, t.account.id, { phone_number: s.number.phone_number, status: "disconnected" });
    await addWhatsappNumber(t.token, t.account.id);
    const load = await loadInto(s.agencyToken, snapshot.id, t.account.id);
    expect(entryFor(load, "WhatsApp").dependencies).toEqual([
      { type: "whatsapp_number", outcome: "left_empty", reason: `The account's WhatsApp number ${s.number.phone_number} is disconnected.` },
    ]);
    expect((await widgetsOf(t.token, t.account.id))[0]).toMatchObject({ whatsapp_number_id: null, setup_status: "incomplete" });
  });

  it("auto-selects the target's oldest active Voice AI agent when none has the source agent's name, and says so", async () => {
    const s = await sourceWithWidgets();
    const snapshot = await createSnapshot(s.agencyToken, { account_id: s.accountId, assets: { chat_widgets: [s.voice.id] } });
    const t = await target(s.agencyToken);
    await addVoiceAiAgent(t.token, t.account.id, { name: "Ava", status: "inactive" });
    const oldest = await addVoiceAiAgent(t.token, t.account.id, { name: "Bea" });
    await addVoiceAiAgent(t.token, t.account.id, { name: "Cleo" });
    const load = await loadInto(s.agencyToken, snapshot.id, t.account.id);
    expect(load.status).toBe("completed_with_warnings");
    const reason = "The account has no active Voice AI agent named Ava; its oldest active agent, Bea, was selected.";
    expect(entryFor(load, "Voice")).toMatchObject({
      setup_status: "complete",
      dependencies: [{ type: "voice_ai_agent", outcome: "mapped", mapped_to: { id: oldest.id, name: "Bea" }, auto_selected: true, reason }],
      warnings: [reason],
    });
    expect((await widgetsOf(t.token, t.account.id))[0]?.voice_ai_agent_id).toBe(oldest.id);
  });

  it("creates included custom attribute definitions the target lacks and keeps the ones it has", async () => {
    const s = await sourceWithWidgets();
    const snapshot = await createSnapshot(s.agencyToken, {
      account_id: s.accountId,
      assets: { chat_widgets: [s.liveChat.id], custom_attribute_definitions: ["plan", "tier"] },
    });
    const t = await target(s.agencyToken);
    const own = await addAttributeDefinition(t.token, t.account.id, {
      attribute_key: "tier",
      attribute_display_name: "Our tier",
      attribute_model: "conversation_attribute",
    });
    const load = await loadInto(s.agencyToken, snapshot.id, t.account.id);
    expect(load.status).toBe("completed");
    const definitions = (await call("GET", definitionsPath(t.account.id), { token: t.token })).body as {
      id: number;
      attribute_key: string;
      attribute_display_name: string;
    }[];
    const plan = definitions.find((definition) => definition.attribute_key === "plan");
    expect(definitions.map((definition) => [definition.attribute_key, definition.attribute_display_name])).toEqual([
      ["tier", "Our tier"],
      ["plan", "Plan"],
    ]);
    expect(load.report.filter((entry) => entry.kind === "custom_attribute_definition")).toEqual([
      { kind: "custom_attribute_definition", attribute_key: "plan", attribute_model: "contact_attribute", action: "created", definition_id: plan?.id },
      {
        kind: "custom_attribute_definition",
        attribute_key: "tier",
        attribute_model: "conversation_attribute",
        action: "skipped",
        definition_id: own.id,
        reason: "The account already has an attribute with this key and model; it was kept as it is.",
      },
    ]);
    expect((await widgetsOf(t.token, t.account.id))[0]?.pre_chat_form.fields.map((field: { name: string }) => field.name)).toEqual(["email", "plan", "tier"]);
  });

  it("updates the widgets an earlier load created (override) and leaves them alone (skip), never duplicating them", async () => {
    const s = await sourceWithWidgets();
    const snapshot = await createSnapshot(s.agencyToken, { account_id: s.accountId, assets: { chat_widgets: "all" } });
    const t = await target(s.agencyToken);
    await loadInto(s.agencyToken, snapshot.id, t.account.id);
    const before = await widgetsOf(t.token, t.account.id);
    const live = before[2];
    expectStatus(
      await call("PATCH", `${widgetsPath(t.account.id)}/${live?.id}`, { token: t.token, body: { name: "Renamed", settings: { position: "right" } } }),
      200,
    );
    const ownLogo = await uploadMedia(t.token, t.account.id, live?.id ?? 0, "logo", PNG, "own.png");

    const skipped = await loadInto(s.agencyToken, snapshot.id, t.account.id, { on_conflict: "skip" });
    expect(skipped.status).toBe("completed");
    expect(skipped.report.filter((entry) => entry.kind === "chat_widget").map((entry) => [entry.action, entry.widget_id])).toEqual(
      before.map((widget) => ["skipped", widget.id]),
    );
    const afterSkip = await widgetsOf(t.token, t.account.id);
    expect(afterSkip.map((widget) => widget.id)).toEqual(before.map((widget) => widget.id));
    expect(afterSkip[2]).toMatchObject({ name: "Renamed", settings: { position: "right" } });

    const overridden = await loadInto(s.agencyToken, snapshot.id, t.account.id);
    expect(overridden.report.filter((entry) => entry.kind === "chat_widget").map((entry) => [entry.action, entry.widget_id])).toEqual(
      before.map((widget) => ["updated", widget.id]),
    );
    const afterOverride = await widgetsOf(t.token, t.account.id);
    expect(afterOverride.map((widget) => widget.id)).toEqual(before.map((widget) => widget.id));
    expect(afterOverride[2]).toMatchObject({ name: "Live chat", settings: { position: "left" } });
    expect(afterOverride[2]?.widget_token).toBe(live?.widget_token);
    expect(afterOverride[2]?.settings.logo.key).toBe(live?.settings.logo.key);
    // The upload the snapshot's logo replaced is deleted; one inbox, never two.
    expect(await env.MEDIA.head(ownLogo.settings.logo.key)).toBeNull();
    const inboxes = (await call("GET", `/api/v1/accounts/${t.account.id}/inboxes`, { token: t.token })).body.payload;
    expect(inboxes.map((inbox: { name: string }) => inbox.name)).toEqual(["Website"]);
  });

  it("reports a dry run like a load and writes nothing", async () => {
    const s = await sourceWithWidgets();
    const snapshot = await createSnapshot(s.agencyToken, { account_id: s.accountId, assets: { chat_widgets: "all", custom_attribute_definitions: ["plan"] } });
    const t = await target(s.agencyToken);
    const number = await addWhatsappNumber(t.token, t.account.id, { phone_number: s.number.phone_number });
    const auditBefore = await auditLog(`/api/v1/accounts/${t.account.id}/audit_logs`, t.token);
    const load = await loadInto(s.agencyToken, snapshot.id, t.account.id, { dry_run: true });
    expect(load).toMatchObject({ dry_run: true, status: "completed_with_warnings", progress: { done: 3, total: 3 } });
    expect(load.report).toEqual([
      { kind: "custom_attribute_definition", attribute_key: "plan", attribute_model: "contact_attribute", action: "would_create", definition_id: null },
      expect.objectContaining({
        name: "WhatsApp",
        action: "would_create",
        widget_id: null,
        setup_status: "complete",
        dependencies: [
          { type: "whatsapp_number", outcome: "mapped", mapped_to: { id: number.id, phone_number: s.number.phone_number, display_name: "Front desk" } },
        ],
      }),
      expect.objectContaining({ name: "Voice", action: "would_create", setup_status: "incomplete", missing_dependencies: [HELPER_TEXTS.voice_ai_agent] }),
      expect.objectContaining({
        name: "Live chat",
        action: "would_create",
        setup_status: "complete",
        inbox: { outcome: "would_create", inbox_id: null, name: "Website" },
        media: [{ slot: "logo", outcome: "would_copy" }],
        warnings: [expect.stringContaining("Pre-chat field tier was dropped")],
      }),
    ]);
    expect(await widgetsOf(t.token, t.account.id)).toEqual([]);
    expect((await call("GET", `/api/v1/accounts/${t.account.id}/inboxes`, { token: t.token })).body.payload).toEqual([]);
    expect((await call("GET", definitionsPath(t.account.id), { token: t.token })).body).toEqual([]);
    expect((await env.MEDIA.list({ prefix: `accounts/${t.account.id}/` })).objects).toEqual([]);
    expect(await auditLog(`/api/v1/accounts/${t.account.id}/audit_logs`, t.token)).toEqual(auditBefore);

    // A dry run after a real load predicts updates.
    await loadInto(s.agencyToken, snapshot.id, t.account.id);
    const again = await loadInto(s.agencyToken, snapshot.id, t.account.id, { dry_run: true });
    expect(again.report.filter((entry) => entry.kind === "chat_widget").map((entry) => entry.action)).toEqual(["would_update", "would_update", "would_update"]);
  });

  it("records snapshots and loads in the agency's audit log and each load's changes on the target's", async () => {
    const s = await sourceWithWidgets();
    const snapshot = await createSnapshot(s.agencyToken, { account_id: s.accountId, assets: { chat_widgets: "all", custom_attribute_definitions: ["plan"] } });
    const t = await target(s.agencyToken);
    const load = await loadInto(s.agencyToken, snapshot.id, t.account.id);
    expectStatus(await call("DELETE", `/api/v1/agency/snapshots/${snapshot.id}`, { token: s.agencyToken }), 204);

    const agencyLog = await auditLog("/api/v1/agency/audit_logs", s.agencyToken);
    const snapshotEntries = agencyLog.filter(
      (entry) => entry.auditable_type === "Snapshot" || (entry.auditable_type === "SnapshotLoad" && entry.action === "create"),
    );
    expect(snapshotEntries.map((entry) => [entry.action, entry.auditable_type, entry.auditable_id, entry.user_type])).toEqual([
      ["destroy", "Snapshot", snapshot.id, "Agency"],
      ["create", "SnapshotLoad", load.id, "Agency"],
      ["create", "Snapshot", snapshot.id, "Agency"],
    ]);
    expect(snapshotEntries[1]?.audited_changes).toMatchObject({ snapshot_id: snapshot.id, account_id: t.account.id, dry_run: false, on_conflict: "override" });

    const targetLog = await auditLog(`/api/v1/accounts/${t.account.id}/audit_logs`, t.token);
    const loadEntries = targetLog.filter((entry) => entry.auditable_type === "SnapshotLoad");
    expect(loadEntries).toHaveLength(1);
    const widgets = await widgetsOf(t.token, t.account.id);
    expect(loadEntries[0]).toMatchObject({
      action: "complete",
      auditable_id: load.id,
      user_type: "System",
      audited_changes: {
        snapshot_id: snapshot.id,
        status: "completed_with_warnings",
        chat_widgets: { created: widgets.map((widget) => widget.id), updated: [], skipped: [] },
        custom_attribute_definitions: { created: 1, skipped: 0, would_create: 0 },
        inboxes_created: 1,
        media_copied: 1,
      },
    });
    const inboxEntry = targetLog.find((entry) => entry.auditable_type === "Inbox");
    expect(inboxEntry).toMatchObject({
      action: "create",
      user_type: "System",
      auditable_id: widgets[2]?.inbox_id,
      audited_changes: { name: "Website", snapshot_load_id: load.id },
    });
    expect(JSON.stringify(inboxEntry)).not.toContain("hmac_token");
  });

  it("counts the job's D1 statements and round trips in the report summary", async () => {
    const s = await sourceWithWidgets();
    const snapshot = await createSnapshot(s.agencyToken, { account_id: s.accountId, assets: { chat_widgets: "all" } });
    const t = await target(s.agencyToken);
    const load = await loadInto(s.agencyToken, snapshot.id, t.account.id);
    expect(load.summary).toMatchObject({
      kind: "summary",
      chat_widgets: { created: 3, complete: 1, incomplete: 2 },
      inboxes_created: 1,
      media_copied: 1,
      r2: { reads: 1, writes: 1 },
    });
    expect(load.summary?.d1.statements).toBeGreaterThan(3);
    expect(load.summary?.d1.round_trips).toBeLessThan(load.summary?.d1.statements);
    expect(load.summary?.d1.per_widget.statements).toBeCloseTo(load.summary?.d1.statements / 3, 1);
  });
});

describe("snapshots: the snapshot.load job", () => {
  /** A load row written directly, so the test delivers its message itself instead of the real queue. */
  async function insertLoad(snapshotId: number, agencyId: number, accountId: number) {
    const row = await env.DB.prepare("insert into snapshot_loads (snapshot_id, agency_id, account_id, report) values (?, ?, ?, '[]') returning id")
      .bind(snapshotId, agencyId, accountId)
      .first<{ id: number }>();
    if (!row) throw new Error("no load row");
    return row.id;
  }

  async function deliver(messages: { id: string; loadId: number }[]) {
    const batch = createMessageBatch(
      "parley-jobs",
      messages.map(({ id, loadId }) => ({ id, timestamp: new Date(), attempts: 1, body: { type: "snapshot.load", load_id: loadId } })),
    );
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    return getQueueResult(batch, ctx);
  }

  it("changes nothing twice when the same message is delivered again", async () => {
    const s = await sourceWithWidgets();
    const snapshot = await createSnapshot(s.agencyToken, { account_id: s.accountId, assets: { chat_widgets: "all", custom_attribute_definitions: ["plan"] } });
    const t = await target(s.agencyToken);
    const loadId = await insertLoad(snapshot.id, s.agency.id, t.account.id);

    const first = await deliver([{ id: "load-1", loadId }]);
    expect(first.explicitAcks).toEqual(["load-1"]);
    const once = await showLoad(s.agencyToken, loadId);
    const widgetsOnce = await widgetsOf(t.token, t.account.id);
    const auditOnce = await auditLog(`/api/v1/accounts/${t.account.id}/audit_logs`, t.token);

    const again = await deliver([
      { id: "load-1", loadId },
      { id: "load-1-copy", loadId },
    ]);
    expect(again.explicitAcks.sort()).toEqual(["load-1", "load-1-copy"]);
    expect(await showLoad(s.agencyToken, loadId)).toEqual(once);
    expect(await widgetsOf(t.token, t.account.id)).toEqual(widgetsOnce);
    expect(await auditLog(`/api/v1/accounts/${t.account.id}/audit_logs`, t.token)).toEqual(auditOnce);
    expect((await call("GET", `/api/v1/accounts/${t.account.id}/inboxes`, { token: t.token })).body.payload).toHaveLength(1);
    expect((await call("GET", definitionsPath(t.account.id), { token: t.token })).body).toHaveLength(1);
  });

  it("resumes a retried load after the last widget that landed", async () => {
    const s = await sourceWithWidgets();
    const snapshot = await createSnapshot(s.agencyToken, { account_id: s.accountId, assets: { chat_widgets: "all" } });
    const t = await target(s.agencyToken);
    const loadId = await insertLoad(snapshot.id, s.agency.id, t.account.id);
    await deliver([{ id: "resume-1", loadId }]);
    const finished = await showLoad(s.agencyToken, loadId);
    const [firstWidget, ...others] = await widgetsOf(t.token, t.account.id);

    // The state an attempt that stopped after the first widget leaves behind.
    for (const widget of others) expectStatus(await call("DELETE", `${widgetsPath(t.account.id)}/${widget.id}`, { token: t.token }), 204);
    const firstEntry = finished.report[0];
    await env.DB.prepare("update snapshot_loads set status = 'failed', error = 'D1 went away', progress_done = 1, report = ? where id = ?")
      .bind(JSON.stringify([{ ...firstEntry, widget_id: null, setup_status: null, missing_dependencies: [] }]), loadId)
      .run();

    const retried = await deliver([{ id: "resume-2", loadId }]);
    expect(retried.explicitAcks).toEqual(["resume-2"]);
    const load = await showLoad(s.agencyToken, loadId);
    expect(load).toMatchObject({ status: "completed_with_warnings", error: null, progress: { done: 3, total: 3 } });
    const widgets = await widgetsOf(t.token, t.account.id);
    expect(widgets.map((widget) => widget.name)).toEqual(["WhatsApp", "Voice", "Live chat"]);
    expect(widgets[0]?.id).toBe(firstWidget?.id);
    expect(load.report.map((entry) => [entry.name, entry.action, entry.widget_id])).toEqual(widgets.map((widget) => [widget.name, "created", widget.id]));
  });

  it("retries a delivery that finds another attempt running, and takes over an attempt whose lease ran out", async () => {
    const s = await sourceWithWidgets();
    const snapshot = await createSnapshot(s.agencyToken, { account_id: s.accountId, assets: { chat_widgets: "all" } });
    const t = await target(s.agencyToken);
    const loadId = await insertLoad(snapshot.id, s.agency.id, t.account.id);
    await env.DB.prepare("update snapshot_loads set status = 'running', started_at = unixepoch() where id = ?").bind(loadId).run();

    const busy = await deliver([{ id: "busy", loadId }]);
    expect(busy.explicitAcks).toEqual([]);
    expect(busy.retryMessages.map((message) => message.msgId)).toEqual(["busy"]);
    expect((await showLoad(s.agencyToken, loadId)).status).toBe("running");
    expect(await widgetsOf(t.token, t.account.id)).toEqual([]);

    await env.DB.prepare("update snapshot_loads set started_at = unixepoch() - 120 where id = ?").bind(loadId).run();
    expect((await deliver([{ id: "stale", loadId }])).explicitAcks).toEqual(["stale"]);
    expect((await showLoad(s.agencyToken, loadId)).status).toBe("completed_with_warnings");
    expect(await widgetsOf(t.token, t.account.id)).toHaveLength(3);
  });

  it("fails a target deleted before its job ran, with the reason, and still loads the others", async () => {
    const s = await sourceWithWidgets();
    const snapshot = await createSnapshot(s.agencyToken, { account_id: s.accountId, assets: { chat_widgets: "all" } });
    const doomed = await target(s.agencyToken);
    const fine = await target(s.agencyToken);
    const doomedLoad = await insertLoad(snapshot.id, s.agency.id, doomed.account.id);
    const fineLoad = await insertLoad(snapshot.id, s.agency.id, fine.account.id);
    expectStatus(await call("DELETE", `/api/v1/agency/accounts/${doomed.account.id}`, { token: s.agencyToken }), 204);

    const result = await deliver([
      { id: "doomed", loadId: doomedLoad },
      { id: "fine", loadId: fineLoad },
    ]);
    expect(result.explicitAcks.sort()).toEqual(["doomed", "fine"]);
    expect(result.retryMessages).toEqual([]);
    expect(await showLoad(s.agencyToken, doomedLoad)).toMatchObject({ status: "failed", error: "The target sub-account no longer exists.", report: [] });
    expect((await showLoad(s.agencyToken, fineLoad)).status).toBe("completed_with_warnings");
    expect(await widgetsOf(fine.token, fine.account.id)).toHaveLength(3);

    const history = await call("GET", `/api/v1/agency/snapshots/${snapshot.id}/loads`, { token: s.agencyToken });
    expect(history.body.payload.map((load: Load) => [load.id, load.status])).toEqual([
      [fineLoad, "completed_with_warnings"],
      [doomedLoad, "failed"],
    ]);
  });

  it("does nothing for a load whose snapshot was deleted", async () => {
    const s = await sourceWithWidgets();
    const snapshot = await createSnapshot(s.agencyToken, { account_id: s.accountId, assets: { chat_widgets: "all" } });
    const t = await target(s.agencyToken);
    const loadId = await insertLoad(snapshot.id, s.agency.id, t.account.id);
    expectStatus(await call("DELETE", `/api/v1/agency/snapshots/${snapshot.id}`, { token: s.agencyToken }), 204);
    expect((await deliver([{ id: "orphan", loadId }])).explicitAcks).toEqual(["orphan"]);
    expect(await widgetsOf(t.token, t.account.id)).toEqual([]);
  });

  describe("loads a queue message did not finish", () => {
    const setLoad = (loadId: number, assignments: string) => env.DB.prepare(`update snapshot_loads set ${assignments} where id = ?`).bind(loadId).run();

    it("has the sweep send a load whose message was lost back to the queue, once", async () => {
      const s = await sourceWithWidgets();
      const snapshot = await createSnapshot(s.agencyToken, { account_id: s.accountId, assets: { chat_widgets: "all" } });
      const t = await target(s.agencyToken);
      const queued = await insertLoad(snapshot.id, s.agency.id, t.account.id);
      await setLoad(queued, "created_at = unixepoch() - 3600");
      const other = await target(s.agencyToken);
      const abandoned = await insertLoad(snapshot.id, s.agency.id, other.account.id);
      await setLoad(abandoned, "created_at = unixepoch() - 3600, status = 'running', started_at = unixepoch() - 1800");
      const fresh = await insertLoad(snapshot.id, s.agency.id, (await target(s.agencyToken)).account.id);

      expect((await sweepSnapshotLoads(env, new Date())).resent).toBeGreaterThanOrEqual(2);
      expect((await finishedLoad(s.agencyToken, queued)).status).toBe("completed_with_warnings");
      expect((await finishedLoad(s.agencyToken, abandoned)).status).toBe("completed_with_warnings");
      expect((await widgetsOf(t.token, t.account.id)).map((widget) => widget.name)).toEqual(["WhatsApp", "Voice", "Live chat"]);
      // A load requested a moment ago is left to its own message.
      expect((await showLoad(s.agencyToken, fresh)).status).toBe("queued");

      // Sent again a moment ago: the next sweeps leave it to that message.
      const lost = await insertLoad(snapshot.id, s.agency.id, (await target(s.agencyToken)).account.id);
      await setLoad(lost, "created_at = unixepoch() - 3600, resent_at = unixepoch() - 60");
      await sweepSnapshotLoads(env, new Date());
      const row = await env.DB.prepare("select status, resent_at from snapshot_loads where id = ?").bind(lost).first<{ status: string; resent_at: number }>();
      expect(row).toMatchObject({ status: "queued" });
      expect(row?.resent_at).toBeLessThan(Date.now() / 1000 - 30);
    });

    it("fails a load that has not finished within a day, and one whose message ran out of attempts", async () => {
      const s = await sourceWithWidgets();
      const snapshot = await createSnapshot(s.agencyToken, { account_id: s.accountId, assets: { chat_widgets: "all" } });
      const t = await target(s.agencyToken);
      const old = await insertLoad(snapshot.id, s.agency.id, t.account.id);
      await setLoad(old, "created_at = unixepoch() - 2 * 86400");
      await sweepSnapshotLoads(env, new Date());
      expect(await showLoad(s.agencyToken, old)).toMatchObject({ status: "failed", error: "The load did not finish within a day; request it again." });

      const dead = await insertLoad(snapshot.id, s.agency.id, t.account.id);
      await setLoad(dead, "status = 'running', started_at = unixepoch()");
      const done = await insertLoad(snapshot.id, s.agency.id, t.account.id);
      await deliver([{ id: "done-1", loadId: done }]);
      const finished = await showLoad(s.agencyToken, done);
      const batch = createMessageBatch(
        DEAD_LETTER_QUEUE,
        [dead, done].map((loadId) => ({ id: `dead-load-${loadId}`, timestamp: new Date(), attempts: 6, body: { type: "snapshot.load", load_id: loadId } })),
      );
      await worker.queue(batch, env);
      expect(await showLoad(s.agencyToken, dead)).toMatchObject({ status: "failed", error: "The load did not finish after 6 attempts; request it again." });
      expect(await showLoad(s.agencyToken, done)).toEqual(finished);
    });
  });
});
