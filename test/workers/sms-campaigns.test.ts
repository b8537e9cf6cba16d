import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { readTwilioAnswer, twilioMessagesUrl } from "../../src/domain/sms-provider";
import { resumeStalledCampaigns, startDueCampaigns } from "../../src/jobs/campaigns";
import type { JobMessage } from "../../src/jobs/messages";
import { call, createInbox, eventually, expectStatus, tenant } from "./helpers";
import { programSink, type RecordedRequest, sinkHost, sinkRequests } from "./outbound";
import { campaignsPath, createLabel, createOneOffCampaign, createSmsInbox, labelledContact, uniquePhone } from "./sms-fixtures";

type Tenant = Awaited<ReturnType<typeof tenant>>;
type Recipient = { contact_id: number; phone_number: string; message: string; status: string; provider_sid: string | null; error: string | null };

const ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
const AUTH_TOKEN = "sms-secret-token";
const inboxesPath = (accountId: number) => `/api/v1/accounts/${accountId}/inboxes`;
const campaignPath = (accountId: number, campaignId: number) => `${campaignsPath(accountId)}/${campaignId}`;
const inAMinute = () => Math.floor(Date.now() / 1000) + 60;
const afterSchedule = (campaign: { scheduled_at: number }) => new Date((campaign.scheduled_at + 1) * 1000);

/** Calls the Worker with some installation settings changed (e.g. LOCAL_SINKS), as `wrangler dev --var` would. */
async function callWith(vars: Partial<Env>, method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}) {
  const response = await worker.fetch(new Request(`http://parley.test${path}`, { method, ...init }), { ...env, ...vars }, createExecutionContext());
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, any>) : null };
}

/** Runs one queue message through the Worker's consumer, as a (re)delivery would. */
async function deliver(job: JobMessage) {
  const batch = createMessageBatch("parley-jobs", [{ id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body: job }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

async function campaignOf(t: Tenant, campaignId: number) {
  const reply = await call("GET", campaignPath(t.account.id, campaignId), { token: t.admin.access_token });
  expectStatus(reply, 200);
  return reply.body as { status: string; campaign_status: string; started_at: number | null; completed_at: number | null };
}

async function recipientsOf(t: Tenant, campaignId: number) {
  const reply = await call("GET", `${campaignPath(t.account.id, campaignId)}/recipients?per_page=100`, { token: t.admin.access_token });
  expectStatus(reply, 200);
  return reply.body as { meta: { count: number; statuses: Record<string, number> }; payload: Recipient[] };
}

const formOf = (request: RecordedRequest) => Object.fromEntries(new URLSearchParams(request.body));
const recipientsOfRequests = (requests: RecordedRequest[]) => requests.map((request) => formOf(request).To).sort();

/** A tenant with an SMS inbox on its own recording provider host and a label. */
async function smsTenant() {
  const t = await tenant();
  const host = sinkHost("sms");
  const inbox = await createSmsInbox(t.admin.access_token, t.account.id, `https://${host}`);
  const label = await createLabel(t.admin.access_token, t.account.id);
  return { ...t, host, inbox, label };
}

describe("SMS inboxes", () => {
  it("creates an SMS inbox with a Twilio provider in Chatwoot's shape, never showing the auth token", async () => {
    const t = await tenant();
    const reply = await call("POST", inboxesPath(t.account.id), {
      token: t.admin.access_token,
      body: {
        name: "Text messages",
        channel: {
          type: "sms",
          phone_number: "+14155550100",
          provider: "twilio",
          provider_config: { account_sid: ACCOUNT_SID, auth_token: AUTH_TOKEN, api_base_url: "https://sms.example.test/" },
        },
      },
    });
    expectStatus(reply, 201);
    expect(reply.body).toMatchObject({
      name: "Text messages",
      channel_type: "Channel::Sms",
      phone_number: "+14155550100",
      provider: "twilio",
      provider_config: { account_sid: ACCOUNT_SID, api_base_url: "https://sms.example.test/" },
      website_token: null,
      web_widget_script: null,
    });
    const list = await call("GET", inboxesPath(t.account.id), { token: t.admin.access_token });
    const audit = await call("GET", `/api/v1/accounts/${t.account.id}/audit_logs`, { token: t.admin.access_token });
    for (const body of [reply.body, list.body, audit.body]) expect(JSON.stringify(body)).not.toContain(AUTH_TOKEN);
  });

  it("uses Twilio's API unless a base URL is given", async () => {
    const t = await tenant();
    const reply = await call("POST", inboxesPath(t.account.id), {
      token: t.admin.access_token,
      body: { name: "Twilio", channel: { type: "sms", phone_number: uniquePhone(), provider_config: { account_sid: ACCOUNT_SID, auth_token: AUTH_TOKEN } } },
    });
    expectStatus(reply, 201);
    expect(reply.body).toMatchObject({ provider: "twilio", provider_config: { account_sid: ACCOUNT_SID, api_base_url: null } });
  });

  it("shows agents an SMS inbox of theirs without its provider settings", async () => {
    const t = await smsTenant();
    await call("POST", `/api/v1/accounts/${t.account.id}/inbox_members`, {
      token: t.admin.access_token,
      body: { inbox_id: t.inbox.id, user_ids: [t.agent.id] },
    });
    const reply = await call("GET", `${inboxesPath(t.account.id)}/${t.inbox.id}`, { token: t.agent.access_token });
    expectStatus(reply, 200);
    expect(reply.body.phone_number).toBe(t.inbox.phone_number);
    expect(reply.body).not.toHaveProperty("provider_config");
    expect(reply.body).not.toHaveProperty("hmac_token");
  });

  it("answers 422 for a number that is not E.164, a missing provider configuration or a fourth field", async () => {
    const t = await tenant();
    const bodies = [
      { type: "sms", phone_number: "0415 555 0100", provider_config: { account_sid: ACCOUNT_SID, auth_token: AUTH_TOKEN } },
      { type: "sms", phone_number: "+14155550100" },
      { type: "sms", phone_number: "+14155550100", provider_config: { account_sid: ACCOUNT_SID } },
      { type: "sms", phone_number: "+14155550100", provider_config: { account_sid: "AC/../x", auth_token: AUTH_TOKEN } },
      { type: "sms", phone_number: "+14155550100", provider_config: { account_sid: ACCOUNT_SID, auth_token: AUTH_TOKEN, region: "ie1" } },
    ];
    for (const channel of bodies) {
      const reply = await call("POST", inboxesPath(t.account.id), { token: t.admin.access_token, body: { name: "SMS", channel } });
      expectStatus(reply, 422);
    }
  });

  it("answers 422 for a number another SMS inbox of the account has", async () => {
    const t = await smsTenant();
    const reply = await call("POST", inboxesPath(t.account.id), {
      token: t.admin.access_token,
      body: {
        name: "Again",
        channel: { type: "sms", phone_number: t.inbox.phone_number, provider_config: { account_sid: ACCOUNT_SID, auth_token: AUTH_TOKEN } },
      },
    });
    expectStatus(reply, 422);
    expect(reply.body.error.details).toEqual([expect.objectContaining({ field: "channel.phone_number", code: "taken" })]);
  });

  it("refuses provider URLs on loopback, private or link-local addresses, and plain http", async () => {
    const t = await tenant();
    for (const [url, code] of [
      ["http://localhost:8787/dev/sinks/sms", "loopback"],
      ["https://10.0.0.5", "private"],
      ["https://169.254.169.254", "link_local"],
      ["https://sms.internal", "local_name"],
      ["http://sms.example.test", "insecure_scheme"],
    ] as const) {
      const reply = await call("POST", inboxesPath(t.account.id), {
        token: t.admin.access_token,
        body: {
          name: "SMS",
          channel: { type: "sms", phone_number: uniquePhone(), provider_config: { account_sid: ACCOUNT_SID, auth_token: AUTH_TOKEN, api_base_url: url } },
        },
      });
      expectStatus(reply, 422);
      expect(reply.body.error.details).toEqual([{ field: "channel.provider_config.api_base_url", message: expect.any(String), code }]);
    }
  });

  it("answers 422 for a provider URL with a query or credentials", async () => {
    const t = await tenant();
    for (const url of ["https://sms.example.test/?region=ie1", "https://user:secret@sms.example.test"]) {
      const reply = await call("POST", inboxesPath(t.account.id), {
        token: t.admin.access_token,
        body: {
          name: "SMS",
          channel: { type: "sms", phone_number: uniquePhone(), provider_config: { account_sid: ACCOUNT_SID, auth_token: AUTH_TOKEN, api_base_url: url } },
        },
      });
      expectStatus(reply, 422);
    }
  });

  it("accepts a loopback provider where the installation allows private destinations (local development)", async () => {
    const t = await tenant();
    const reply = await callWith({ ALLOW_PRIVATE_DESTINATIONS: "true" }, "POST", inboxesPath(t.account.id), {
      headers: { authorization: `Bearer ${t.admin.access_token}`, "content-type": "application/json" },
      body: JSON.stringify({
        name: "Local SMS",
        channel: {
          type: "sms",
          phone_number: uniquePhone(),
          provider_config: { account_sid: ACCOUNT_SID, auth_token: AUTH_TOKEN, api_base_url: "http://localhost:8787/dev/sinks/sms" },
        },
      }),
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  });

  it("changes the provider's URL and keeps the auth token, which the audit log never shows", async () => {
    const t = await smsTenant();
    const reply = await call("PATCH", `${inboxesPath(t.account.id)}/${t.inbox.id}`, {
      token: t.admin.access_token,
      body: { channel: { provider_config: { api_base_url: "https://other-provider.example.test" }, phone_number: "+14155550199" } },
    });
    expectStatus(reply, 200);
    expect(reply.body).toMatchObject({
      phone_number: "+14155550199",
      provider_config: { account_sid: ACCOUNT_SID, api_base_url: "https://other-provider.example.test" },
    });
    const rotated = await call("PATCH", `${inboxesPath(t.account.id)}/${t.inbox.id}`, {
      token: t.admin.access_token,
      body: { channel: { provider_config: { auth_token: "a-new-secret-token" } } },
    });
    expectStatus(rotated, 200);
    const audit = await call("GET", `/api/v1/accounts/${t.account.id}/audit_logs`, { token: t.admin.access_token });
    const [tokenChange, urlChange] = audit.body.audit_logs;
    expect(tokenChange.audited_changes).toEqual({ auth_token: ["[FILTERED]", "[FILTERED]"] });
    expect(urlChange.audited_changes).toMatchObject({ phone_number: [t.inbox.phone_number, "+14155550199"] });
    expect(JSON.stringify(audit.body)).not.toContain("a-new-secret-token");
    expect(JSON.stringify(audit.body)).not.toContain(AUTH_TOKEN);
  });

  it("answers 422 for SMS fields on a website inbox and website fields on an SMS inbox", async () => {
    const t = await smsTenant();
    const website = await createInbox(t.admin.access_token, t.account.id);
    const onWebsite = await call("PATCH", `${inboxesPath(t.account.id)}/${website.id}`, {
      token: t.admin.access_token,
      body: { channel: { phone_number: "+14155550100" } },
    });
    expectStatus(onWebsite, 422);
    const onSms = await call("PATCH", `${inboxesPath(t.account.id)}/${t.inbox.id}`, {
      token: t.admin.access_token,
      body: { channel: { website_url: "https://acme.example.test" } },
    });
    expectStatus(onSms, 422);
  });

  it("is not reachable through the Client API", async () => {
    const t = await smsTenant();
    const reply = await call("POST", `/public/api/v1/inboxes/${t.inbox.inbox_identifier as string}/contacts`, { body: { name: "Vera" } });
    expectStatus(reply, 404);
  });
});

describe("Twilio's Messages API", () => {
  it("posts to the account's Messages resource under the base URL, a path prefix kept", () => {
    expect(twilioMessagesUrl({ account_sid: ACCOUNT_SID, api_base_url: null })).toBe(`https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect(twilioMessagesUrl({ account_sid: ACCOUNT_SID, api_base_url: "http://localhost:8787/dev/sinks/sms/" })).toBe(
      `http://localhost:8787/dev/sinks/sms/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`,
    );
  });

  it("reads any 2xx as accepted, with the message's sid and status when the answer has them", () => {
    expect(readTwilioAnswer(201, JSON.stringify({ sid: "SM1", status: "queued" }))).toEqual({ ok: true, sid: "SM1", status: "queued" });
    expect(readTwilioAnswer(200, "")).toEqual({ ok: true, sid: null, status: null });
  });

  it("reads anything else as a failure, with Twilio's code and message or the body", () => {
    expect(readTwilioAnswer(401, JSON.stringify({ code: 20003, message: "Authenticate", status: 401 }))).toEqual({
      ok: false,
      error: "HTTP 401 (code 20003): Authenticate",
    });
    expect(readTwilioAnswer(503, "Service Unavailable")).toEqual({ ok: false, error: "HTTP 503: Service Unavailable" });
    expect(readTwilioAnswer(500, "")).toEqual({ ok: false, error: "HTTP 500: no body" });
  });
});

describe("the local SMS sink", () => {
  const sinkPath = `/dev/sinks/sms/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;
  const basic = (user: string, password: string) => `Basic ${btoa(`${user}:${password}`)}`;
  const form = (fields: Record<string, string>) => ({
    headers: { authorization: basic(ACCOUNT_SID, AUTH_TOKEN), "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
  const localSinks = { LOCAL_SINKS: "true" };

  it("answers a message like Twilio and lists it as what would have been sent", async () => {
    const to = uniquePhone();
    const reply = await callWith(localSinks, "POST", sinkPath, form({ To: to, From: "+14155550100", Body: "Hello from the sink" }));
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ sid: expect.stringMatching(/^SM[0-9a-f]{32}$/), account_sid: ACCOUNT_SID, to, from: "+14155550100", status: "queued" });
    const listed = await callWith(localSinks, "GET", `/dev/sinks/sms/messages?to=${encodeURIComponent(to)}`);
    expect(listed.body?.messages).toEqual([
      { sid: reply.body?.sid, account_sid: ACCOUNT_SID, from: "+14155550100", to, body: "Hello from the sink", received_at: expect.any(String) },
    ]);
  });

  it("answers 401 like Twilio without Basic auth for the account in the path", async () => {
    const withoutAuth = await callWith(localSinks, "POST", sinkPath, { body: "To=%2B1&From=%2B2&Body=x" });
    expect(withoutAuth).toEqual({ status: 401, body: expect.objectContaining({ code: 20003 }) });
    const otherAccount = await callWith(localSinks, "POST", sinkPath, {
      ...form({ To: "+14155550100", From: "+14155550101", Body: "x" }),
      headers: { authorization: basic("AC-someone-else", AUTH_TOKEN) },
    });
    expect(otherAccount.status).toBe(401);
  });

  it("answers 400 like Twilio without a recipient, a sender or a body", async () => {
    for (const [fields, code] of [
      [{ From: "+14155550100", Body: "x" }, 21604],
      [{ To: "+14155550100", Body: "x" }, 21603],
      [{ To: "+14155550100", From: "+14155550101" }, 21602],
    ] as const) {
      const reply = await callWith(localSinks, "POST", sinkPath, form(fields));
      expect(reply).toEqual({ status: 400, body: expect.objectContaining({ code, status: 400 }) });
    }
  });

  it("is not served unless the installation turns the local sinks on", async () => {
    expect((await callWith({ LOCAL_SINKS: "false" }, "GET", "/dev/sinks/sms/messages")).status).toBe(404);
    expect((await callWith({ LOCAL_SINKS: "false" }, "POST", sinkPath, form({ To: "+1", From: "+2", Body: "x" }))).status).toBe(404);
  });
});

describe("one-off campaigns: the API", () => {
  it("creates a one-off campaign on an SMS inbox, scheduled, in Chatwoot's shape", async () => {
    const t = await smsTenant();
    const scheduledAt = inAMinute();
    const reply = await call("POST", campaignsPath(t.account.id), {
      token: t.admin.access_token,
      body: {
        title: "Spring sale",
        message: "Hi {{ contact.first_name }}!",
        inbox_id: t.inbox.id,
        audience: [{ type: "Label", id: t.label.id }],
        scheduled_at: new Date(scheduledAt * 1000).toISOString(),
      },
    });
    expectStatus(reply, 201);
    expect(reply.body).toEqual({
      id: expect.any(Number),
      title: "Spring sale",
      description: null,
      message: "Hi {{ contact.first_name }}!",
      enabled: true,
      campaign_type: "one_off",
      inbox: { id: t.inbox.id, name: t.inbox.name },
      sender: null,
      trigger_rules: {},
      trigger_only_during_business_hours: false,
      campaign_status: "active",
      status: "scheduled",
      audience: [{ type: "Label", id: t.label.id }],
      scheduled_at: scheduledAt,
      started_at: null,
      completed_at: null,
      account_id: t.account.id,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
  });

  it("records the one-off campaign's audience and time in the audit log", async () => {
    const t = await smsTenant();
    const campaign = await createOneOffCampaign(t.admin.access_token, t.account.id, t.inbox.id, [t.label.id]);
    const audit = await call("GET", `/api/v1/accounts/${t.account.id}/audit_logs`, { token: t.admin.access_token });
    expect(audit.body.audit_logs[0]).toMatchObject({
      action: "create",
      auditable_type: "Campaign",
      auditable_id: campaign.id,
      audited_changes: { campaign_type: "one_off", audience: [{ type: "Label", id: t.label.id }], scheduled_at: campaign.scheduled_at },
    });
  });

  it("answers 422 for a one-off campaign on a website inbox", async () => {
    const t = await smsTenant();
    const website = await createInbox(t.admin.access_token, t.account.id);
    const reply = await call("POST", campaignsPath(t.account.id), {
      token: t.admin.access_token,
      body: {
        title: "x",
        message: "x",
        inbox_id: website.id,
        campaign_type: "one_off",
        audience: [{ type: "Label", id: t.label.id }],
        scheduled_at: inAMinute(),
      },
    });
    expectStatus(reply, 422);
    expect(reply.body.error.details).toEqual([expect.objectContaining({ field: "campaign_type", code: "sms_inbox_required" })]);
  });

  it("answers 422 for an ongoing campaign on an SMS inbox", async () => {
    const t = await smsTenant();
    const reply = await call("POST", campaignsPath(t.account.id), {
      token: t.admin.access_token,
      body: {
        title: "x",
        message: "x",
        inbox_id: t.inbox.id,
        campaign_type: "ongoing",
        trigger_rules: { url: "https://acme.example.test/*", time_on_page: 5 },
      },
    });
    expectStatus(reply, 422);
    expect(reply.body.error.details).toEqual([expect.objectContaining({ field: "inbox_id", code: "not_website_inbox" })]);
  });

  it("answers 422 for audience labels that are not the account's", async () => {
    const t = await smsTenant();
    const other = await tenant();
    const foreign = await createLabel(other.admin.access_token, other.account.id);
    const reply = await call("POST", campaignsPath(t.account.id), {
      token: t.admin.access_token,
      body: {
        title: "x",
        message: "x",
        inbox_id: t.inbox.id,
        audience: [
          { type: "Label", id: t.label.id },
          { type: "Label", id: foreign.id },
        ],
        scheduled_at: inAMinute(),
      },
    });
    expectStatus(reply, 422);
    expect(reply.body.error.details).toEqual([{ field: "audience", message: `Not labels of this account: ${foreign.id}.`, code: "unknown_label" }]);
  });

  it("answers 422 for a time that has passed", async () => {
    const t = await smsTenant();
    const reply = await call("POST", campaignsPath(t.account.id), {
      token: t.admin.access_token,
      body: { title: "x", message: "x", inbox_id: t.inbox.id, audience: [{ type: "Label", id: t.label.id }], scheduled_at: "2020-01-01T00:00:00Z" },
    });
    expectStatus(reply, 422);
    expect(reply.body.error.details).toEqual([expect.objectContaining({ field: "scheduled_at", code: "in_the_past" })]);
  });

  it("answers 422 without an audience or a time, and for ongoing campaigns' fields", async () => {
    const t = await smsTenant();
    const missing = await call("POST", campaignsPath(t.account.id), { token: t.admin.access_token, body: { title: "x", message: "x", inbox_id: t.inbox.id } });
    expectStatus(missing, 422);
    expect(missing.body.error.details.map((issue: { field: string; code: string }) => [issue.field, issue.code])).toEqual([
      ["audience", "required"],
      ["scheduled_at", "required"],
    ]);
    const ongoingFields = await call("POST", campaignsPath(t.account.id), {
      token: t.admin.access_token,
      body: {
        title: "x",
        message: "x",
        inbox_id: t.inbox.id,
        audience: [{ type: "Label", id: t.label.id }],
        scheduled_at: inAMinute(),
        sender_id: t.admin.id,
        trigger_rules: { url: "https://acme.example.test/*", time_on_page: 5 },
      },
    });
    expectStatus(ongoingFields, 422);
    expect(ongoingFields.body.error.details.map((issue: { field: string }) => issue.field)).toEqual(["sender_id", "trigger_rules"]);
  });

  it("answers 422 for template variables a campaign cannot fill and for messages longer than an SMS", async () => {
    const t = await smsTenant();
    const base = { title: "x", inbox_id: t.inbox.id, audience: [{ type: "Label", id: t.label.id }], scheduled_at: inAMinute() };
    const variables = await call("POST", campaignsPath(t.account.id), {
      token: t.admin.access_token,
      body: { ...base, message: "Hi {{ contact.name }}, about {{ conversation.id }} with {{ agent.name }}" },
    });
    expectStatus(variables, 422);
    expect(variables.body.error.details).toEqual([expect.objectContaining({ field: "message", code: "unsupported_variable" })]);
    expect(variables.body.error.details[0].message).toContain("conversation.id, agent.name");
    const long = await call("POST", campaignsPath(t.account.id), { token: t.admin.access_token, body: { ...base, message: "x".repeat(1601) } });
    expect(long.body.error.details).toEqual([expect.objectContaining({ field: "message", code: "too_long" })]);
  });

  it("changes a scheduled campaign, and answers 409 once it has started", async () => {
    const t = await smsTenant();
    const campaign = await createOneOffCampaign(t.admin.access_token, t.account.id, t.inbox.id, [t.label.id]);
    const later = campaign.scheduled_at + 120;
    const changed = await call("PATCH", campaignPath(t.account.id, campaign.id), { token: t.admin.access_token, body: { scheduled_at: later } });
    expectStatus(changed, 200);
    expect(changed.body.scheduled_at).toBe(later);
    await startDueCampaigns(env, new Date((later + 1) * 1000));
    const refused = await call("PATCH", campaignPath(t.account.id, campaign.id), { token: t.admin.access_token, body: { message: "Too late" } });
    expectStatus(refused, 409);
  });

  it("answers 422 for moving a one-off campaign to a time that has passed or a website inbox", async () => {
    const t = await smsTenant();
    const campaign = await createOneOffCampaign(t.admin.access_token, t.account.id, t.inbox.id, [t.label.id]);
    const website = await createInbox(t.admin.access_token, t.account.id);
    const past = await call("PATCH", campaignPath(t.account.id, campaign.id), { token: t.admin.access_token, body: { scheduled_at: 1_600_000_000 } });
    expect(past.body.error.details).toEqual([expect.objectContaining({ field: "scheduled_at", code: "in_the_past" })]);
    const inbox = await call("PATCH", campaignPath(t.account.id, campaign.id), { token: t.admin.access_token, body: { inbox_id: website.id } });
    expect(inbox.body.error.details).toEqual([expect.objectContaining({ field: "inbox_id", code: "sms_inbox_required" })]);
  });
});

describe("one-off campaigns: sending", () => {
  it("is not started before its time", async () => {
    const t = await smsTenant();
    await labelledContact(t.admin.access_token, t.account.id, [t.label.title]);
    const campaign = await createOneOffCampaign(t.admin.access_token, t.account.id, t.inbox.id, [t.label.id]);
    await startDueCampaigns(env, new Date((campaign.scheduled_at - 30) * 1000));
    expect(await campaignOf(t, campaign.id)).toMatchObject({ status: "scheduled", campaign_status: "active", started_at: null });
    expect(await sinkRequests(t.host)).toEqual([]);
  });

  it("sends each labelled contact with a phone number one SMS when the scheduled handler runs, then completes", async () => {
    const t = await smsTenant();
    const other = await createLabel(t.admin.access_token, t.account.id);
    const ada = await labelledContact(t.admin.access_token, t.account.id, [t.label.title], { name: "Ada Lovelace" });
    const bob = await labelledContact(t.admin.access_token, t.account.id, [other.title], { name: "Bob" });
    const both = await labelledContact(t.admin.access_token, t.account.id, [t.label.title, other.title], { name: "" });
    await labelledContact(t.admin.access_token, t.account.id, [t.label.title], { name: "No Phone", phone_number: null });
    await labelledContact(t.admin.access_token, t.account.id, [], { name: "Unlabelled" });
    const campaign = await createOneOffCampaign(t.admin.access_token, t.account.id, t.inbox.id, [t.label.id, other.id]);

    await worker.scheduled(createScheduledController({ scheduledTime: afterSchedule(campaign).getTime(), cron: "* * * * *" }), env);

    await eventually(async () => expect((await campaignOf(t, campaign.id)).status).toBe("completed"));
    const requests = await sinkRequests(t.host);
    expect(recipientsOfRequests(requests)).toEqual([ada.phone_number, bob.phone_number, both.phone_number].sort());
    const byRecipient = new Map(requests.map((request) => [formOf(request).To, formOf(request).Body]));
    expect(byRecipient.get(ada.phone_number ?? "")).toBe("Hi Ada, our spring sale starts today.");
    expect(byRecipient.get(both.phone_number ?? "")).toBe("Hi there, our spring sale starts today.");
    expect(await campaignOf(t, campaign.id)).toMatchObject({
      status: "completed",
      campaign_status: "completed",
      started_at: expect.any(Number),
      completed_at: expect.any(Number),
    });
    expect((await recipientsOf(t, campaign.id)).meta.statuses).toEqual({ pending: 0, sending: 0, sent: 3, failed: 0, skipped: 0 });
  });

  it("calls the provider as Twilio's Messages API expects: form-encoded To, From and Body with Basic auth", async () => {
    const t = await smsTenant();
    const contact = await labelledContact(t.admin.access_token, t.account.id, [t.label.title], { name: "Grace Hopper" });
    const campaign = await createOneOffCampaign(t.admin.access_token, t.account.id, t.inbox.id, [t.label.id]);
    await startDueCampaigns(env, afterSchedule(campaign));
    await eventually(async () => expect(await sinkRequests(t.host)).toHaveLength(1));
    const [request] = await sinkRequests(t.host);
    expect(request?.method).toBe("POST");
    expect(request?.url).toBe(`https://${t.host}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect(request?.headers.authorization).toBe(`Basic ${btoa(`${ACCOUNT_SID}:${AUTH_TOKEN}`)}`);
    expect(request?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(request && formOf(request)).toEqual({ To: contact.phone_number, From: t.inbox.phone_number, Body: "Hi Grace, our spring sale starts today." });
  });

  it("records each contact's result with the provider's sid and status", async () => {
    const t = await smsTenant();
    await programSink(t.host, [{ status: 201, body: JSON.stringify({ sid: "SM-the-provider-id", status: "accepted" }) }]);
    const contact = await labelledContact(t.admin.access_token, t.account.id, [t.label.title], { name: "Lin" });
    const campaign = await createOneOffCampaign(t.admin.access_token, t.account.id, t.inbox.id, [t.label.id]);
    await startDueCampaigns(env, afterSchedule(campaign));
    await eventually(async () => expect((await campaignOf(t, campaign.id)).status).toBe("completed"));
    const recipients = await recipientsOf(t, campaign.id);
    expect(recipients.meta).toMatchObject({ count: 1, statuses: { pending: 0, sending: 0, sent: 1, failed: 0 } });
    expect(recipients.payload).toEqual([
      {
        contact_id: contact.id,
        phone_number: contact.phone_number,
        message: "Hi Lin, our spring sale starts today.",
        status: "sent",
        provider_sid: "SM-the-provider-id",
        provider_status: "accepted",
        error: null,
        finished_at: expect.any(Number),
      },
    ]);
  });

  it("records a failing provider answer as failed for that contact, and still completes", async () => {
    const t = await smsTenant();
    await programSink(t.host, [{ status: 400, body: JSON.stringify({ code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 }) }]);
    const contact = await labelledContact(t.admin.access_token, t.account.id, [t.label.title]);
    const campaign = await createOneOffCampaign(t.admin.access_token, t.account.id, t.inbox.id, [t.label.id]);
    await startDueCampaigns(env, afterSchedule(campaign));
    await eventually(async () => expect((await campaignOf(t, campaign.id)).status).toBe("completed"));
    const recipients = await recipientsOf(t, campaign.id);
    expect(recipients.payload).toEqual([
      expect.objectContaining({
        contact_id: contact.id,
        status: "failed",
        provider_sid: null,
        error: "HTTP 400 (code 21211): The 'To' number is not a valid phone number.",
      }),
    ]);
    expect(await sinkRequests(t.host)).toHaveLength(1);
  });

  it("sends each contact exactly once even when the same campaign.send job is processed twice", async () => {
    const t = await smsTenant();
    const contacts = [];
    for (let i = 0; i < 6; i++) contacts.push(await labelledContact(t.admin.access_token, t.account.id, [t.label.title]));
    const campaign = await createOneOffCampaign(t.admin.access_token, t.account.id, t.inbox.id, [t.label.id]);
    await startDueCampaigns(env, afterSchedule(campaign));
    // The queue delivers the job; here it is delivered twice more at the same time.
    const job: JobMessage = { type: "campaign.send", campaign_id: campaign.id, contact_ids: contacts.map((contact) => contact.id) };
    const results = await Promise.all([deliver(job), deliver(job)]);
    for (const result of results) expect(result.retryMessages).toEqual([]);
    await eventually(async () => expect((await campaignOf(t, campaign.id)).status).toBe("completed"));
    await deliver(job);
    expect(recipientsOfRequests(await sinkRequests(t.host))).toEqual(contacts.map((contact) => contact.phone_number).sort());
    expect((await recipientsOf(t, campaign.id)).meta.statuses).toMatchObject({ sent: 6, pending: 0, sending: 0, failed: 0 });
  });

  it("starts a due campaign once when two cron runs overlap", async () => {
    const t = await smsTenant();
    const contact = await labelledContact(t.admin.access_token, t.account.id, [t.label.title]);
    const campaign = await createOneOffCampaign(t.admin.access_token, t.account.id, t.inbox.id, [t.label.id]);
    await Promise.all([startDueCampaigns(env, afterSchedule(campaign)), startDueCampaigns(env, afterSchedule(campaign))]);
    await eventually(async () => expect((await campaignOf(t, campaign.id)).status).toBe("completed"));
    expect(recipientsOfRequests(await sinkRequests(t.host))).toEqual([contact.phone_number]);
  });

  it("completes at once when no contact has the audience's labels", async () => {
    const t = await smsTenant();
    const campaign = await createOneOffCampaign(t.admin.access_token, t.account.id, t.inbox.id, [t.label.id]);
    await startDueCampaigns(env, afterSchedule(campaign));
    expect(await campaignOf(t, campaign.id)).toMatchObject({ status: "completed", campaign_status: "completed" });
    expect((await recipientsOf(t, campaign.id)).payload).toEqual([]);
  });

  it("waits while the campaign is disabled", async () => {
    const t = await smsTenant();
    await labelledContact(t.admin.access_token, t.account.id, [t.label.title]);
    const campaign = await createOneOffCampaign(t.admin.access_token, t.account.id, t.inbox.id, [t.label.id], { enabled: false });
    await startDueCampaigns(env, afterSchedule(campaign));
    expect((await campaignOf(t, campaign.id)).status).toBe("scheduled");
  });

  it("fills contact custom attributes into the message", async () => {
    const t = await smsTenant();
    const contact = await labelledContact(t.admin.access_token, t.account.id, [t.label.title], { custom_attributes: { plan: "Gold" } });
    const campaign = await createOneOffCampaign(t.admin.access_token, t.account.id, t.inbox.id, [t.label.id], {
      message: "Your {{ contact.custom_attribute.plan }} plan renews soon; reply to {{ contact.phone_number }}.",
    });
    await startDueCampaigns(env, afterSchedule(campaign));
    await eventually(async () => expect(await sinkRequests(t.host)).toHaveLength(1));
    const [request] = await sinkRequests(t.host);
    expect(request && formOf(request).Body).toBe(`Your Gold plan renews soon; reply to ${contact.phone_number}.`);
  });
});

describe("one-off campaigns: the sweep", () => {
  /** A campaign the cron started whose `campaign.send` jobs were lost: its recipients are recorded and pending. */
  async function stalledCampaign(t: Awaited<ReturnType<typeof smsTenant>>, contacts: { id: number; phone_number: string | null }[]) {
    const campaign = await createOneOffCampaign(t.admin.access_token, t.account.id, t.inbox.id, [t.label.id]);
    const longAgo = Math.floor(Date.now() / 1000) - 3600;
    await env.DB.prepare("update campaigns set status = 'running', started_at = ?, audience_recorded_at = ?, enqueued_at = ? where id = ?")
      .bind(longAgo, longAgo, longAgo, campaign.id)
      .run();
    for (const contact of contacts) {
      await env.DB.prepare("insert into campaign_recipients (campaign_id, contact_id, phone_number, body) values (?, ?, ?, 'Lost and found')")
        .bind(campaign.id, contact.id, contact.phone_number)
        .run();
    }
    return campaign;
  }

  it("sends again the pending recipients of a running campaign whose jobs were lost", async () => {
    const t = await smsTenant();
    const contact = await labelledContact(t.admin.access_token, t.account.id, [t.label.title]);
    const campaign = await stalledCampaign(t, [contact]);
    await resumeStalledCampaigns(env, new Date());
    await eventually(async () => expect((await campaignOf(t, campaign.id)).status).toBe("completed"));
    expect(recipientsOfRequests(await sinkRequests(t.host))).toEqual([contact.phone_number]);
  });

  it("gives up on a recipient claimed long ago without an answer, without sending it again", async () => {
    const t = await smsTenant();
    const contact = await labelledContact(t.admin.access_token, t.account.id, [t.label.title]);
    const campaign = await stalledCampaign(t, [contact]);
    await env.DB.prepare("update campaign_recipients set status = 'sending', claimed_at = unixepoch() - 3600 where campaign_id = ?").bind(campaign.id).run();
    await resumeStalledCampaigns(env, new Date());
    expect(await campaignOf(t, campaign.id)).toMatchObject({ status: "completed" });
    const [recipient] = (await recipientsOf(t, campaign.id)).payload;
    expect(recipient).toMatchObject({ status: "failed", error: expect.stringContaining("may or may not have been sent") });
    expect(await sinkRequests(t.host)).toEqual([]);
  });

  it("records the audience of a campaign whose start stopped before that", async () => {
    const t = await smsTenant();
    const contact = await labelledContact(t.admin.access_token, t.account.id, [t.label.title]);
    const campaign = await createOneOffCampaign(t.admin.access_token, t.account.id, t.inbox.id, [t.label.id]);
    await env.DB.prepare("update campaigns set status = 'running', started_at = unixepoch() where id = ?").bind(campaign.id).run();
    await resumeStalledCampaigns(env, new Date());
    await eventually(async () => expect((await campaignOf(t, campaign.id)).status).toBe("completed"));
    expect(recipientsOfRequests(await sinkRequests(t.host))).toEqual([contact.phone_number]);
  });

  it("leaves a running campaign alone while its jobs are recent", async () => {
    const t = await smsTenant();
    const contact = await labelledContact(t.admin.access_token, t.account.id, [t.label.title]);
    const campaign = await stalledCampaign(t, [contact]);
    await env.DB.prepare("update campaigns set enqueued_at = unixepoch() where id = ?").bind(campaign.id).run();
    await resumeStalledCampaigns(env, new Date());
    expect((await campaignOf(t, campaign.id)).status).toBe("running");
    expect(await sinkRequests(t.host)).toEqual([]);
  });
});
