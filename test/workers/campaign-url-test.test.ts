// POST /api/v1/accounts/:id/campaigns/url_test: the console's URL pattern tester answers as the widget's
// campaign selection does, because both ask the one matcher (src/domain/url-patterns.ts).
import { describe, expect, it } from "vitest";
import { call, createCampaign, createInbox, expectStatus, tenant } from "./helpers";

type Tenant = Awaited<ReturnType<typeof tenant>>;

const urlTest = (t: Tenant, body: Record<string, unknown>, token = t.admin.access_token) =>
  call("POST", `/api/v1/accounts/${t.account.id}/campaigns/url_test`, { token, body });

/** Pattern, page address, and whether a campaign with that pattern runs on that page. */
const CASES: [string, string, boolean][] = [
  ["https://acme.example.test/pricing", "https://acme.example.test/pricing?plan=pro", true],
  ["https://acme.example.test/pricing", "https://acme.example.test/pricing/", true],
  ["https://acme.example.test/blog/*", "https://acme.example.test/blog/launch", true],
  ["https://acme.example.test/blog/*", "https://acme.example.test/about", false],
  ["https://{*.}?acme.example.test/", "https://shop.acme.example.test", true],
  ["https://{*.}?acme.example.test/", "https://notacme.example.test/", false],
  ["https://*.acme.example.test/*", "https://docs.acme.example.test/start", true],
  ["https://acme.example.test/*", "http://acme.example.test/", false],
  ["https://acme.example.test/*", "not a page address", false],
];

describe("Application API: campaign URL pattern tester", () => {
  it("answers for each page whether the widget would offer a campaign with the pattern there", async () => {
    const t = await tenant();
    const inbox = await createInbox(t.admin.access_token, t.account.id);
    for (const [pattern, url, expected] of CASES) {
      const tested = await urlTest(t, { url_pattern: pattern, url });
      expectStatus(tested, 200);
      expect(tested.body, `${pattern} on ${url}`).toEqual({ matches: expected });

      const campaign = await createCampaign(t.admin.access_token, t.account.id, inbox.id, { trigger_rules: { url: pattern, time_on_page: 5 } });
      const offered = await call("GET", `/api/v1/widget/campaigns?website_token=${inbox.website_token}&url=${encodeURIComponent(url)}`);
      expect(
        offered.body.some((c: { id: number }) => c.id === campaign.id),
        `widget: ${pattern} on ${url}`,
      ).toBe(expected);
      expectStatus(await call("DELETE", `/api/v1/accounts/${t.account.id}/campaigns/${campaign.id}`, { token: t.admin.access_token }), 204);
    }
  });

  it("refuses a pattern a campaign could not have, on url_pattern, with the campaign's message", async () => {
    const t = await tenant();
    const reply = await urlTest(t, { url_pattern: "https://acme.example.test/(\\d+)", url: "https://acme.example.test/1" });
    expectStatus(reply, 422);
    expect(reply.body.error.details.map((d: { field: string }) => d.field)).toEqual(["url_pattern"]);
  });

  it("is for administrators, who edit campaigns", async () => {
    const t = await tenant();
    expectStatus(await urlTest(t, { url_pattern: "https://acme.example.test/*", url: "https://acme.example.test/" }, t.agent.access_token), 403);
  });
});
