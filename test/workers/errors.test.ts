import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createAgency, expectStatus, PLATFORM_TOKEN, tenant } from "./helpers";

const countAgencies = async () => (await env.DB.prepare("select count(*) as n from agencies").first<{ n: number }>())?.n ?? 0;

describe("errors and input", () => {
  it("answers malformed JSON with 400 malformed_json and writes nothing", async () => {
    const before = await countAgencies();
    const reply = await call("POST", "/platform/api/v1/agencies", { token: PLATFORM_TOKEN, rawBody: '{"name": ' });
    expectStatus(reply, 400);
    expect(reply.body).toEqual({ error: { code: "malformed_json", message: expect.any(String), details: null } });
    expect(await countAgencies()).toBe(before);
  });

  it("answers wrong types and missing fields with 422 and one detail per field", async () => {
    const agency = await createAgency();
    const reply = await call("POST", "/api/v1/agency/accounts", { token: agency.access_token, body: { locale: 42 } });
    expectStatus(reply, 422);
    expect(reply.body.error.code).toBe("validation_failed");
    expect(reply.body.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: "name" }), expect.objectContaining({ field: "locale" })]),
    );
  });

  it("answers a body that is not an object with 422", async () => {
    for (const rawBody of ["[]", '"name"', "null", "42"]) {
      const reply = await call("POST", "/platform/api/v1/agencies", { token: PLATFORM_TOKEN, rawBody });
      expectStatus(reply, 422);
    }
  });

  it("answers a body over the limit with 413 and writes nothing", async () => {
    const before = await countAgencies();
    const limit = Number(env.MAX_JSON_BODY_BYTES);
    const reply = await call("POST", "/platform/api/v1/agencies", {
      token: PLATFORM_TOKEN,
      body: { name: "x".repeat(limit + 10) },
    });
    expectStatus(reply, 413);
    expect(reply.body.error).toEqual({ code: "payload_too_large", message: expect.any(String), details: { max_bytes: limit } });
    expect(await countAgencies()).toBe(before);
  });

  it("answers a body that is not JSON with 415", async () => {
    const reply = await call("POST", "/platform/api/v1/agencies", {
      token: PLATFORM_TOKEN,
      rawBody: "name=Acme",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expectStatus(reply, 415);
    expect(reply.body.error.code).toBe("unsupported_media_type");
  });

  it("answers a non-numeric id and bad paging with 400 invalid_parameter", async () => {
    for (const path of ["/platform/api/v1/agencies/abc", "/platform/api/v1/agencies/-1", "/platform/api/v1/agencies?per_page=1000"]) {
      const reply = await call("GET", path, { token: PLATFORM_TOKEN });
      expectStatus(reply, 400);
      expect(reply.body.error.code).toBe("invalid_parameter");
    }
  });

  it("answers unknown routes with 404 in the same shape", async () => {
    const reply = await call("GET", "/api/v1/nothing-here", { token: PLATFORM_TOKEN });
    expectStatus(reply, 404);
    expect(reply.body.error).toEqual({ code: "not_found", message: expect.any(String), details: null });
  });
});

describe("races", () => {
  it("answers 409, not 500, when two creates race past a uniqueness check", async () => {
    const t = await tenant();
    const name = "Same name";
    const replies = await Promise.all(
      [1, 2, 3].map(() => call("POST", `/api/v1/accounts/${t.account.id}/teams`, { token: t.admin.access_token, body: { name } })),
    );
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409]);
  });
});
