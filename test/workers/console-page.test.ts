import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const BASE = "http://parley.test";
const get = (path: string, init?: RequestInit) => exports.default.fetch(`${BASE}${path}`, init);

/** The hashed entry script the built page names (dist/assets/app/index.html). */
async function entryScript(): Promise<string> {
  const html = await (await get("/app/login")).text();
  const src = /<script type="module" src="([^"]+)"><\/script>/.exec(html)?.[1];
  if (!src) throw new Error(`no entry script in ${html}`);
  return src;
}

describe("the console page", () => {
  it("answers a deep link with the console's page, not cached without revalidation", async () => {
    const res = await get("/app/accounts/1/conversations/42?assignee=all");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("cache-control")).toBe("no-cache");
    const html = await res.text();
    expect(html).toContain('<div id="app">');
    expect(html).toMatch(/<script type="module" src="\/app\/assets\/main-[A-Z0-9]+\.js"><\/script>/);
  });

  it("answers /app itself with the same page", async () => {
    const [root, deep] = await Promise.all([get("/app"), get("/app/auth/password/edit?reset_password_token=abc")]);
    expect(root.status).toBe(200);
    expect(deep.status).toBe(200);
    expect(await root.text()).toBe(await deep.text());
  });

  it("sends a Content-Security-Policy that allows only its own scripts, no inline script, and /cable on the same host", async () => {
    const res = await get("/app/login");
    const policy = res.headers.get("content-security-policy") ?? "";
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain("unsafe-inline");
    expect(policy).not.toContain("unsafe-eval");
    expect(policy).toContain("connect-src 'self' ws://parley.test wss://parley.test");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(await res.text()).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it("has its hashed scripts and stylesheets in the static assets", async () => {
    const script = await entryScript();
    const res = await env.ASSETS.fetch(new Request(`${BASE}${script}`));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/javascript/);
    const html = await (await get("/app")).text();
    const styles = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)">/g)].map((m) => m[1]!);
    expect(styles.length).toBeGreaterThan(0);
    for (const href of styles) expect((await env.ASSETS.fetch(new Request(`${BASE}${href}`))).status).toBe(200);
  });

  it("answers a missing file under /app/assets/ with a 404, not the page", async () => {
    const res = await get("/app/assets/main-NOTAFILE.js");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/json/);
  });

  it("leaves other paths alone: an unknown API path is still a JSON 404", async () => {
    for (const path of ["/api/v1/nothing-here", "/apps", "/application"]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
    }
  });

  it("answers only reads: a POST to a console path is not the page", async () => {
    const res = await get("/app/login", { method: "POST" });
    expect(res.status).toBe(404);
  });
});
