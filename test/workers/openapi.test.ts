import { describe, expect, it } from "vitest";
import { createApp } from "../../src/api/app";
import { call, expectStatus } from "./helpers";
import { documentedOperations, operationKey } from "./routes";

// /cable is a WebSocket (ActionCable) endpoint, described in README.md rather than in OpenAPI.
// /media/* serves uploaded files by the URLs messages carry; /widget/app.html is the chat app's page the loader frames;
// /app and /app/* answer the agent console's page.
const UNDOCUMENTED = new Set([
  "GET /api/openapi.json",
  "GET /api/docs",
  "GET /health",
  "GET /api",
  "GET /cable",
  "GET /media/*",
  "GET /widget/app.html",
  "GET /widget/app",
  "GET /app",
  "GET /app/*",
]);

describe("API documentation", () => {
  it("serves an OpenAPI 3.1 document", async () => {
    const reply = await call("GET", "/api/openapi.json");
    expectStatus(reply, 200);
    expect(reply.body.openapi).toBe("3.1.0");
    expect(Object.keys(reply.body.components.securitySchemes).sort()).toEqual([
      "agencyToken",
      "apiAccessToken",
      "deviseAccessToken",
      "deviseClient",
      "deviseUid",
      "platformToken",
      "sessionCookie",
      "userToken",
    ]);
  });

  it("documents every route the Worker serves, and nothing it does not", async () => {
    const served = new Set(
      createApp()
        .routes.filter((route) => route.method !== "ALL")
        .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, "{$1}")}`)
        .filter((key) => !UNDOCUMENTED.has(key)),
    );
    const documented = new Set((await documentedOperations()).map(operationKey));
    expect(documented).toEqual(served);
  });

  it("documents the error answers of every route, and 401 wherever a token is required", async () => {
    const doc = (await call("GET", "/api/openapi.json")).body;
    for (const [path, methods] of Object.entries<Record<string, { responses: Record<string, unknown>; security?: unknown[] }>>(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        expect(
          Object.keys(op.responses).some((status) => status.startsWith("4")),
          `${method} ${path}`,
        ).toBe(true);
        if (op.security?.length) expect(op.responses["401"], `${method} ${path}`).toBeDefined();
      }
    }
  });

  it("serves a browsable reference at /api/docs", async () => {
    const reply = await call("GET", "/api/docs");
    expectStatus(reply, 200);
    expect(reply.headers.get("content-type")).toContain("text/html");
    expect(reply.body).toContain("/api/openapi.json");
  });
});
