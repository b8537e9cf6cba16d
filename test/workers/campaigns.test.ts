import { describe, expect, it } from "vitest";
import { call, createAccount, createCampaign, createInbox, expectStatus, inviteUser, tenant } from "./helpers";

const campaignsPath = (accountId: number) => `/api/v1/accounts/${accountId}/campaigns`;
const campaignPath = (accountId: number, campaignId: number) => `/api/v1/accounts/${accountId}/campaigns/${campaignId}`;

type AuditEntry = { action: string; auditable_type: string; auditable_id: number; audited_changes: Record<string, unknown> };

async function auditLog(accountId: number, adminToken: string) {
  const reply = await call("GET", `/api/v1/accounts/${accountId}/audit_logs?per_page=100`, { token: adminToken });
  expectStatus(reply, 200);
  return reply.body.audit_logs as AuditEntry[];
}

/** A tenant with a website inbox to run campaigns on. */
async function withWebsiteInbox() {
  const t = await tenant();
  const inbox = await createInbox(t.admin.access_token, t.account.id, { name: "Website" });
  return { ...t, inbox };
}

const validBody = (inboxId: number, input: Record<string, unknown> = {}) => ({
  title: "Pricing page",
  message: "Questions about our plans? Ask away.",
  inbox_id: inboxId,
  trigger_rules: { url: "https://acme.example.test/pricing", time_on_page: 10 },
  ...input,
});

async function addInboxMember(adminToken: string, accountId: number, inboxId: number, userId: number) {
  const reply = await call("POST", `/api/v1/accounts/${accountId}/inbox_members`, {
    token: adminToken,
    body: { inbox_id: inboxId, user_ids: [userId] },
  });
  expectStatus(reply, 200);
}

/** The 422 details of a create with `input` over the valid body. */
async function createIssues(t: Awaited<ReturnType<typeof withWebsiteInbox>>, input: Record<string, unknown>) {
  const reply = await call("POST", campaignsPath(t.account.id), { token: t.admin.access_token, body: validBody(t.inbox.id, input) });
  expectStatus(reply, 422);
  expect(reply.body.error.code).toBe("validation_failed");
  return reply.body.error.details as { field: string; message: string; code: string }[];
}

describe("Application API: campaigns", () => {
  it("creates an ongoing campaign in Chatwoot's shape", async () => {
    const t = await withWebsiteInbox();
    const reply = await call("POST", campaignsPath(t.account.id), {
      token: t.admin.access_token,
      body: validBody(t.inbox.id, {
        description: "Nudges visitors on the pricing page",
        sender_id: t.admin.id,
        enabled: false,
        trigger_only_during_business_hours: true,
        campaign_type: "ongoing",
      }),
    });
    expectStatus(reply, 201);
    expect(reply.body).toEqual({
      id: expect.any(Number),
      title: "Pricing page",
      description: "Nudges visitors on the pricing page",
      message: "Questions about our plans? Ask away.",
      enabled: false,
      campaign_type: "ongoing",
      inbox: { id: t.inbox.id, name: "Website" },
      sender: { id: t.admin.id, name: expect.stringContaining("administrator"), avatar_url: "", thumbnail: "" },
      trigger_rules: { url: "https://acme.example.test/pricing", time_on_page: 10 },
      trigger_only_during_business_hours: true,
      campaign_status: "active",
      account_id: t.account.id,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
  });

  it("records the created campaign's configuration in the audit log", async () => {
    const t = await withWebsiteInbox();
    const campaign = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id, { title: "Audited" });
    const [entry] = await auditLog(t.account.id, t.admin.access_token);
    expect(entry).toMatchObject({
      action: "create",
      auditable_type: "Campaign",
      auditable_id: campaign.id,
      audited_changes: {
        title: "Audited",
        description: null,
        message: "Questions about our plans? Ask away.",
        inbox_id: t.inbox.id,
        sender_id: null,
        enabled: true,
        trigger_only_during_business_hours: false,
        trigger_rules: { url: "https://acme.example.test/*", time_on_page: 10 },
        campaign_type: "ongoing",
      },
    });
  });

  it("is enabled, ongoing, sent by a bot and always on unless told otherwise", async () => {
    const t = await withWebsiteInbox();
    const campaign = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id);
    expect(campaign).toMatchObject({
      enabled: true,
      campaign_type: "ongoing",
      sender: null,
      description: null,
      trigger_only_during_business_hours: false,
    });
  });

  it("accepts an agent who is a member of the inbox as the sender", async () => {
    const t = await withWebsiteInbox();
    await addInboxMember(t.admin.access_token, t.account.id, t.inbox.id, t.agent.id);
    const campaign = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id, { sender_id: t.agent.id });
    expect(campaign.sender).toEqual({ id: t.agent.id, name: expect.stringContaining("agent"), avatar_url: "", thumbnail: "" });
  });

  it("accepts an administrator who is not a member of the inbox as the sender", async () => {
    const t = await withWebsiteInbox();
    const campaign = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id, { sender_id: t.admin.id });
    expect(campaign.sender).toMatchObject({ id: t.admin.id });
  });

  it("answers 422 for a sender who is an agent outside the inbox", async () => {
    const t = await withWebsiteInbox();
    const issues = await createIssues(t, { sender_id: t.agent.id });
    expect(issues).toEqual([expect.objectContaining({ field: "sender_id", code: "not_inbox_agent" })]);
  });

  it("answers 422 for a sender from another account", async () => {
    const t = await withWebsiteInbox();
    const sibling = await createAccount(t.agency.access_token);
    const outsider = await inviteUser(t.agency.access_token, sibling.id, "administrator");
    const issues = await createIssues(t, { sender_id: outsider.id });
    expect(issues).toEqual([expect.objectContaining({ field: "sender_id", code: "not_inbox_agent" })]);
  });

  it("answers 422 for an API inbox: ongoing campaigns run on websites", async () => {
    const t = await withWebsiteInbox();
    const api = await createInbox(t.admin.access_token, t.account.id, { channel: { type: "api" } });
    const issues = await createIssues(t, { inbox_id: api.id });
    expect(issues).toEqual([expect.objectContaining({ field: "inbox_id", code: "not_website_inbox" })]);
  });

  it("answers 422 for an inbox of another account", async () => {
    const t = await withWebsiteInbox();
    const other = await withWebsiteInbox();
    const issues = await createIssues(t, { inbox_id: other.inbox.id });
    expect(issues).toEqual([expect.objectContaining({ field: "inbox_id", code: "not_account_inbox" })]);
  });

  it("answers 422 for a one-off campaign, which needs an SMS inbox", async () => {
    const t = await withWebsiteInbox();
    const issues = await createIssues(t, { campaign_type: "one_off" });
    expect(issues).toEqual([expect.objectContaining({ field: "campaign_type", code: "sms_inbox_required" })]);
    expect(issues[0]?.message).toContain("SMS inbox");
  });

  it("answers 422 for a campaign type it does not know", async () => {
    const t = await withWebsiteInbox();
    const issues = await createIssues(t, { campaign_type: "weekly" });
    expect(issues.map((issue) => issue.field)).toEqual(["campaign_type"]);
  });

  it("answers 422 for URLs that are not campaign URL patterns", async () => {
    const t = await withWebsiteInbox();
    for (const url of ["acme.example.test/pricing", "ftp://acme.example.test/", "https://acme.example.test/(a|b)", "https://", "https://a b/"]) {
      const issues = await createIssues(t, { trigger_rules: { url, time_on_page: 10 } });
      expect(
        issues.map((issue) => issue.field),
        url,
      ).toEqual(["trigger_rules.url"]);
    }
  });

  it("accepts the seed's wildcard patterns and a host wildcard", async () => {
    const t = await withWebsiteInbox();
    for (const url of ["https://chatwoot.com/app/", "https://chatwoot.com/*", "https://{*.}?chatwoot.com/", "https://*.chatwoot.com/"]) {
      const campaign = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id, { trigger_rules: { url, time_on_page: 0 } });
      expect(campaign.trigger_rules).toEqual({ url, time_on_page: 0 });
    }
  });

  it("answers 422 for a time on page that is not whole seconds between 0 and 3600", async () => {
    const t = await withWebsiteInbox();
    for (const time_on_page of [-1, 3601, 1.5, "10"]) {
      const issues = await createIssues(t, { trigger_rules: { url: "https://acme.example.test/", time_on_page } });
      expect(
        issues.map((issue) => issue.field),
        String(time_on_page),
      ).toEqual(["trigger_rules.time_on_page"]);
    }
  });

  it("answers 422 without a title or a message", async () => {
    const t = await withWebsiteInbox();
    const reply = await call("POST", campaignsPath(t.account.id), { token: t.admin.access_token, body: { inbox_id: t.inbox.id } });
    expectStatus(reply, 422);
    expect(reply.body.error.details.map((issue: { field: string }) => issue.field).sort()).toEqual(["message", "title"]);
  });

  it("answers 422 for an ongoing campaign without trigger rules", async () => {
    const t = await withWebsiteInbox();
    const { trigger_rules: _rules, ...body } = validBody(t.inbox.id);
    const reply = await call("POST", campaignsPath(t.account.id), { token: t.admin.access_token, body });
    expectStatus(reply, 422);
    expect(reply.body.error.details).toEqual([expect.objectContaining({ field: "trigger_rules", code: "required" })]);
  });

  it("answers 422 for one-off fields on an ongoing campaign", async () => {
    const t = await withWebsiteInbox();
    const issues = await createIssues(t, { audience: [{ type: "Label", id: 1 }], scheduled_at: Math.floor(Date.now() / 1000) + 60 });
    expect(issues.map((issue) => [issue.field, issue.code])).toEqual([
      ["audience", "not_for_campaign_type"],
      ["scheduled_at", "not_for_campaign_type"],
    ]);
  });

  it("answers 422 for trigger rules with fields it does not know", async () => {
    const t = await withWebsiteInbox();
    const issues = await createIssues(t, { trigger_rules: { url: "https://acme.example.test/", time_on_page: 5, scroll: 50 } });
    expect(issues.map((issue) => issue.field)).toEqual(["trigger_rules"]);
  });

  it("lists the account's campaigns as an array, oldest first, without other accounts'", async () => {
    const t = await withWebsiteInbox();
    const first = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id);
    const second = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id);
    const other = await withWebsiteInbox();
    await createCampaign(other.admin.access_token, other.account.id, other.inbox.id);
    const reply = await call("GET", campaignsPath(t.account.id), { token: t.admin.access_token });
    expectStatus(reply, 200);
    expect(reply.body).toEqual([first, second]);
  });

  it("shows one campaign", async () => {
    const t = await withWebsiteInbox();
    const campaign = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id);
    const reply = await call("GET", campaignPath(t.account.id, campaign.id), { token: t.admin.access_token });
    expectStatus(reply, 200);
    expect(reply.body).toEqual(campaign);
  });

  it("answers 404 for a campaign of another account", async () => {
    const t = await withWebsiteInbox();
    const other = await withWebsiteInbox();
    const campaign = await createCampaign(other.admin.access_token, other.account.id, other.inbox.id);
    for (const method of ["GET", "PATCH", "DELETE"]) {
      const reply = await call(method, campaignPath(t.account.id, campaign.id), {
        token: t.admin.access_token,
        body: method === "PATCH" ? { title: "Taken over" } : undefined,
      });
      expectStatus(reply, 404);
    }
  });

  it("lets agents read the campaigns of inboxes they are members of", async () => {
    const t = await withWebsiteInbox();
    await addInboxMember(t.admin.access_token, t.account.id, t.inbox.id, t.agent.id);
    const campaign = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id);
    const list = await call("GET", campaignsPath(t.account.id), { token: t.agent.access_token });
    expectStatus(list, 200);
    expect(list.body).toEqual([campaign]);
    const one = await call("GET", campaignPath(t.account.id, campaign.id), { token: t.agent.access_token });
    expectStatus(one, 200);
    expect(one.body).toEqual(campaign);
  });

  it("hides from agents the campaigns of inboxes they are not members of", async () => {
    const t = await withWebsiteInbox();
    const campaign = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id);
    const list = await call("GET", campaignsPath(t.account.id), { token: t.agent.access_token });
    expect(list.body).toEqual([]);
    expectStatus(await call("GET", campaignPath(t.account.id, campaign.id), { token: t.agent.access_token }), 404);
  });

  it("answers 403 to agents who create, update or delete campaigns", async () => {
    const t = await withWebsiteInbox();
    await addInboxMember(t.admin.access_token, t.account.id, t.inbox.id, t.agent.id);
    const campaign = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id);
    const token = t.agent.access_token;
    expectStatus(await call("POST", campaignsPath(t.account.id), { token, body: validBody(t.inbox.id) }), 403);
    expectStatus(await call("PATCH", campaignPath(t.account.id, campaign.id), { token, body: { enabled: false } }), 403);
    expectStatus(await call("DELETE", campaignPath(t.account.id, campaign.id), { token }), 403);
    const unchanged = await call("GET", campaignPath(t.account.id, campaign.id), { token });
    expect(unchanged.body).toEqual(campaign);
  });

  it("updates a campaign and records only the changed fields", async () => {
    const t = await withWebsiteInbox();
    const campaign = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id, { title: "Before" });
    const reply = await call("PATCH", campaignPath(t.account.id, campaign.id), {
      token: t.admin.access_token,
      body: { title: "After", enabled: true, trigger_rules: { url: "https://acme.example.test/pricing/", time_on_page: 30 } },
    });
    expectStatus(reply, 200);
    expect(reply.body).toMatchObject({
      id: campaign.id,
      title: "After",
      enabled: true,
      trigger_rules: { url: "https://acme.example.test/pricing/", time_on_page: 30 },
    });
    const [entry] = await auditLog(t.account.id, t.admin.access_token);
    expect(entry).toMatchObject({ action: "update", auditable_type: "Campaign", auditable_id: campaign.id });
    expect(entry?.audited_changes).toEqual({
      title: ["Before", "After"],
      trigger_rules: [
        { url: "https://acme.example.test/*", time_on_page: 10 },
        { url: "https://acme.example.test/pricing/", time_on_page: 30 },
      ],
    });
  });

  it("records nothing for an update that changes nothing", async () => {
    const t = await withWebsiteInbox();
    const campaign = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id);
    const before = await auditLog(t.account.id, t.admin.access_token);
    const reply = await call("PATCH", campaignPath(t.account.id, campaign.id), {
      token: t.admin.access_token,
      body: { title: campaign.title, enabled: true, campaign_type: "ongoing", sender_id: null },
    });
    expectStatus(reply, 200);
    expect(reply.body).toEqual(campaign);
    expect(await auditLog(t.account.id, t.admin.access_token)).toHaveLength(before.length);
  });

  it("clears the description with an empty string", async () => {
    const t = await withWebsiteInbox();
    const campaign = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id, { description: "Old" });
    const reply = await call("PATCH", campaignPath(t.account.id, campaign.id), { token: t.admin.access_token, body: { description: "" } });
    expectStatus(reply, 200);
    expect(reply.body.description).toBeNull();
  });

  it("moves a campaign to another website inbox", async () => {
    const t = await withWebsiteInbox();
    const campaign = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id);
    const other = await createInbox(t.admin.access_token, t.account.id, { name: "Shop" });
    const reply = await call("PATCH", campaignPath(t.account.id, campaign.id), { token: t.admin.access_token, body: { inbox_id: other.id } });
    expectStatus(reply, 200);
    expect(reply.body.inbox).toEqual({ id: other.id, name: "Shop" });
  });

  it("answers 422 for moving a campaign to an API inbox", async () => {
    const t = await withWebsiteInbox();
    const campaign = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id);
    const api = await createInbox(t.admin.access_token, t.account.id, { channel: { type: "api" } });
    const reply = await call("PATCH", campaignPath(t.account.id, campaign.id), { token: t.admin.access_token, body: { inbox_id: api.id } });
    expectStatus(reply, 422);
    expect(reply.body.error.details).toEqual([expect.objectContaining({ field: "inbox_id", code: "not_website_inbox" })]);
  });

  it("answers 422 for moving a campaign to an inbox its agent sender is not a member of", async () => {
    const t = await withWebsiteInbox();
    await addInboxMember(t.admin.access_token, t.account.id, t.inbox.id, t.agent.id);
    const campaign = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id, { sender_id: t.agent.id });
    const other = await createInbox(t.admin.access_token, t.account.id);
    const reply = await call("PATCH", campaignPath(t.account.id, campaign.id), { token: t.admin.access_token, body: { inbox_id: other.id } });
    expectStatus(reply, 422);
    expect(reply.body.error.details).toEqual([expect.objectContaining({ field: "sender_id", code: "not_inbox_agent" })]);
  });

  it("answers 422 for changing a campaign's type", async () => {
    const t = await withWebsiteInbox();
    const campaign = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id);
    const reply = await call("PATCH", campaignPath(t.account.id, campaign.id), {
      token: t.admin.access_token,
      body: { campaign_type: "one_off" },
    });
    expectStatus(reply, 422);
    expect(reply.body.error.details).toEqual([expect.objectContaining({ field: "campaign_type", code: "cannot_change" })]);
  });

  it("answers 422 for an update with an invalid URL pattern", async () => {
    const t = await withWebsiteInbox();
    const campaign = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id);
    const reply = await call("PATCH", campaignPath(t.account.id, campaign.id), {
      token: t.admin.access_token,
      body: { trigger_rules: { url: "www.acme.example.test", time_on_page: 10 } },
    });
    expectStatus(reply, 422);
    expect(reply.body.error.details.map((issue: { field: string }) => issue.field)).toEqual(["trigger_rules.url"]);
  });

  it("makes the campaign a bot's when its sender is removed", async () => {
    const t = await withWebsiteInbox();
    const campaign = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id, { sender_id: t.admin.id });
    const reply = await call("PATCH", campaignPath(t.account.id, campaign.id), { token: t.admin.access_token, body: { sender_id: null } });
    expectStatus(reply, 200);
    expect(reply.body.sender).toBeNull();
    const [entry] = await auditLog(t.account.id, t.admin.access_token);
    expect(entry?.audited_changes).toEqual({ sender_id: [t.admin.id, null] });
  });

  it("shows a sender who has left the account as the bot", async () => {
    const t = await withWebsiteInbox();
    const admin2 = await inviteUser(t.agency.access_token, t.account.id, "administrator");
    // A member of another account too, so leaving this one keeps the user (and the campaign's sender_id).
    const sibling = await createAccount(t.agency.access_token);
    expect((await inviteUser(t.agency.access_token, sibling.id, "agent", admin2.email)).id).toBe(admin2.id);
    const campaign = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id, { sender_id: admin2.id });
    const removed = await call("DELETE", `/api/v1/agency/accounts/${t.account.id}/users/${admin2.id}`, { token: t.agency.access_token });
    expectStatus(removed, 204);
    const reply = await call("GET", campaignPath(t.account.id, campaign.id), { token: t.admin.access_token });
    expect(reply.body.sender).toBeNull();
  });

  it("deletes a campaign, audited with its configuration", async () => {
    const t = await withWebsiteInbox();
    const campaign = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id, { title: "Short-lived" });
    expectStatus(await call("DELETE", campaignPath(t.account.id, campaign.id), { token: t.admin.access_token }), 204);
    expectStatus(await call("GET", campaignPath(t.account.id, campaign.id), { token: t.admin.access_token }), 404);
    const [entry] = await auditLog(t.account.id, t.admin.access_token);
    expect(entry).toMatchObject({
      action: "destroy",
      auditable_type: "Campaign",
      auditable_id: campaign.id,
      audited_changes: { title: "Short-lived", inbox_id: t.inbox.id },
    });
  });

  it("deletes an inbox's campaigns with the inbox", async () => {
    const t = await withWebsiteInbox();
    const campaign = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id);
    expectStatus(await call("DELETE", `/api/v1/accounts/${t.account.id}/inboxes/${t.inbox.id}`, { token: t.admin.access_token }), 204);
    expectStatus(await call("GET", campaignPath(t.account.id, campaign.id), { token: t.admin.access_token }), 404);
  });
});
