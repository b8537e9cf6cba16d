import { describe, expect, it } from "vitest";
import { call, createCampaign, createInbox, expectStatus, tenant } from "./helpers";

const DAYS = [0, 1, 2, 3, 4, 5, 6];
const closedEveryDay = DAYS.map((day) => ({ day_of_week: day, closed_all_day: true }));
const openEveryDay = DAYS.map((day) => ({ day_of_week: day, open_all_day: true }));

/** A tenant with a website inbox; `inbox` overrides the inbox's settings. */
async function website(inbox: Record<string, unknown> = {}) {
  const t = await tenant();
  const created = await createInbox(t.admin.access_token, t.account.id, inbox);
  return { ...t, inbox: created, token: created.website_token as string };
}

const campaignsFor = (token: string, url?: string) =>
  call("GET", `/api/v1/widget/campaigns?website_token=${encodeURIComponent(token)}${url === undefined ? "" : `&url=${encodeURIComponent(url)}`}`);

const rules = (url: string, time_on_page = 10) => ({ trigger_rules: { url, time_on_page } });

describe("Widget API: campaigns for a page", () => {
  it("returns the inbox's enabled campaigns matching the page, without internal fields", async () => {
    const t = await website();
    const campaign = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id, {
      title: "Internal title",
      description: "Internal notes",
      message: "Need help choosing a plan?",
      ...rules("https://acme.example.test/pricing", 15),
    });
    const reply = await campaignsFor(t.token, "https://acme.example.test/pricing?plan=pro");
    expectStatus(reply, 200);
    expect(reply.body).toEqual([
      {
        id: campaign.id,
        message: "Need help choosing a plan?",
        trigger_rules: { url: "https://acme.example.test/pricing", time_on_page: 15 },
        sender: null,
        trigger_only_during_business_hours: false,
      },
    ]);
  });

  it("leaves out campaigns whose URL pattern does not match the page", async () => {
    const t = await website();
    await createCampaign(t.admin.access_token, t.account.id, t.inbox.id, rules("https://acme.example.test/pricing"));
    const blog = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id, rules("https://acme.example.test/blog/*"));
    const reply = await campaignsFor(t.token, "https://acme.example.test/blog/launch");
    expect(reply.body.map((c: { id: number }) => c.id)).toEqual([blog.id]);
  });

  it("matches subdomain patterns against the page", async () => {
    const t = await website();
    const everywhere = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id, rules("https://{*.}?acme.example.test/"));
    expect((await campaignsFor(t.token, "https://shop.acme.example.test")).body.map((c: { id: number }) => c.id)).toEqual([everywhere.id]);
    expect((await campaignsFor(t.token, "https://notacme.example.test/")).body).toEqual([]);
  });

  it("leaves out disabled campaigns", async () => {
    const t = await website();
    await createCampaign(t.admin.access_token, t.account.id, t.inbox.id, { enabled: false });
    const reply = await campaignsFor(t.token, "https://acme.example.test/");
    expectStatus(reply, 200);
    expect(reply.body).toEqual([]);
  });

  it("leaves out the campaigns of the account's other inboxes", async () => {
    const t = await website();
    const other = await createInbox(t.admin.access_token, t.account.id);
    await createCampaign(t.admin.access_token, t.account.id, other.id);
    const own = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id);
    const reply = await campaignsFor(t.token, "https://acme.example.test/");
    expect(reply.body.map((c: { id: number }) => c.id)).toEqual([own.id]);
  });

  it("returns every enabled campaign when no page is given, as Chatwoot's widget expects", async () => {
    const t = await website();
    const a = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id, rules("https://acme.example.test/a"));
    const b = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id, rules("https://acme.example.test/b"));
    await createCampaign(t.admin.access_token, t.account.id, t.inbox.id, { enabled: false });
    const reply = await campaignsFor(t.token);
    expect(reply.body.map((c: { id: number }) => c.id)).toEqual([a.id, b.id]);
  });

  it("returns nothing for a page URL that is not a URL", async () => {
    const t = await website();
    await createCampaign(t.admin.access_token, t.account.id, t.inbox.id);
    const reply = await campaignsFor(t.token, "not a url");
    expectStatus(reply, 200);
    expect(reply.body).toEqual([]);
  });

  it("shows an agent sender's name and no avatar", async () => {
    const t = await website();
    await createCampaign(t.admin.access_token, t.account.id, t.inbox.id, { sender_id: t.admin.id });
    const reply = await campaignsFor(t.token, "https://acme.example.test/");
    expect(reply.body[0].sender).toEqual({ name: expect.stringContaining("administrator"), avatar_url: "" });
  });

  it("answers 404 for an unknown website token", async () => {
    const reply = await campaignsFor("no-such-token", "https://acme.example.test/");
    expectStatus(reply, 404);
    expect(reply.body.error.code).toBe("not_found");
  });

  it("answers 404 for an API inbox's identifier", async () => {
    const t = await tenant();
    const api = await createInbox(t.admin.access_token, t.account.id, { channel: { type: "api" } });
    expectStatus(await campaignsFor(api.inbox_identifier as string, "https://acme.example.test/"), 404);
  });

  it("answers 400 without a website token", async () => {
    const reply = await call("GET", "/api/v1/widget/campaigns?url=https://acme.example.test/");
    expectStatus(reply, 400);
    expect(reply.body.error.details).toEqual([expect.objectContaining({ field: "website_token" })]);
  });

  it("lets any origin read it, and answers the CORS preflight", async () => {
    const t = await website();
    const reply = await call("GET", `/api/v1/widget/campaigns?website_token=${t.token}`, { headers: { origin: "https://acme.example.test" } });
    expectStatus(reply, 200);
    expect(reply.headers.get("access-control-allow-origin")).toBe("*");
    const preflight = await call("OPTIONS", "/api/v1/widget/campaigns", {
      headers: { origin: "https://acme.example.test", "access-control-request-method": "GET" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-methods")).toContain("GET");
  });

  it("lets any origin read its error answers too", async () => {
    const reply = await call("GET", "/api/v1/widget/campaigns?website_token=no-such-token", { headers: { origin: "https://acme.example.test" } });
    expectStatus(reply, 404);
    expect(reply.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("may be cached for 30 seconds", async () => {
    const t = await website();
    const reply = await campaignsFor(t.token, "https://acme.example.test/");
    expect(reply.headers.get("cache-control")).toBe("public, max-age=30");
  });
});

describe("Widget API: campaigns and business hours", () => {
  it("leaves out business-hours campaigns while the inbox is closed", async () => {
    const t = await website({ working_hours_enabled: true, working_hours: closedEveryDay });
    const always = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id);
    await createCampaign(t.admin.access_token, t.account.id, t.inbox.id, { trigger_only_during_business_hours: true });
    const reply = await campaignsFor(t.token, "https://acme.example.test/");
    expect(reply.body.map((c: { id: number }) => c.id)).toEqual([always.id]);
  });

  it("includes business-hours campaigns while the inbox is open", async () => {
    const t = await website({ working_hours_enabled: true, working_hours: openEveryDay, timezone: "Asia/Tokyo" });
    const campaign = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id, { trigger_only_during_business_hours: true });
    const reply = await campaignsFor(t.token, "https://acme.example.test/");
    expect(reply.body).toEqual([expect.objectContaining({ id: campaign.id, trigger_only_during_business_hours: true })]);
  });

  it("includes business-hours campaigns when the inbox has no working hours enabled", async () => {
    const t = await website({ working_hours_enabled: false, working_hours: closedEveryDay });
    const campaign = await createCampaign(t.admin.access_token, t.account.id, t.inbox.id, { trigger_only_during_business_hours: true });
    const reply = await campaignsFor(t.token, "https://acme.example.test/");
    expect(reply.body.map((c: { id: number }) => c.id)).toEqual([campaign.id]);
  });
});
