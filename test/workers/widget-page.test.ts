import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, expectStatus, tenant, unique } from "./helpers";
import { createChatWidget, widgetsPath } from "./widget-fixtures";

const page = (query: string) => exports.default.fetch(`http://parley.test/widget/app.html${query}`);
const frameAncestors = (res: Response) => /frame-ancestors ([^;]*)/.exec(res.headers.get("content-security-policy") ?? "")?.[1] ?? null;

describe("the chat app's page", () => {
  it("lets only the widget's allowed domains and Parley itself frame it", async () => {
    const { account, admin } = await tenant();
    const widget = await createChatWidget(admin.access_token, account.id, { settings: { allowed_domains: ["shop.example.com", "*.example.org"] } });
    const res = await page(`?token=${widget.widget_token}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="app"');
    const sources = (frameAncestors(res) ?? "").split(" ");
    expect(sources).toEqual(
      expect.arrayContaining(["'self'", "https://shop.example.com:*", "https://example.org:*", "https://*.example.org:*", new URL(env.PUBLIC_URL).origin]),
    );
    expect(sources.some((source) => source.includes("evil"))).toBe(false);
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
  });

  it("follows the widget's allowed domains as they change", async () => {
    const { account, admin } = await tenant();
    const widget = await createChatWidget(admin.access_token, account.id, { settings: { allowed_domains: ["a.example.com"] } });
    expectStatus(
      await call("PATCH", `${widgetsPath(account.id)}/${widget.id}`, { token: admin.access_token, body: { settings: { allowed_domains: ["b.example.com"] } } }),
      200,
    );
    const ancestors = frameAncestors(await page(`?token=${widget.widget_token}`)) ?? "";
    expect(ancestors).toContain("https://b.example.com:*");
    expect(ancestors).not.toContain("a.example.com");
  });

  it("lets any site frame a widget without allowed domains", async () => {
    const { account, admin } = await tenant();
    const widget = await createChatWidget(admin.access_token, account.id);
    const res = await page(`?token=${widget.widget_token}`);
    expect(res.status).toBe(200);
    expect(frameAncestors(res)).toBeNull();
  });

  it("lets only Parley frame the page of a token no widget has", async () => {
    const res = await page(`?token=${unique("nothing")}`);
    expect(res.status).toBe(200);
    expect(frameAncestors(res)?.split(" ")).toEqual(["'self'", "http://parley.test", new URL(env.PUBLIC_URL).origin]);
  });
});
