import { describe, expect, it } from "vitest";
import { call, expectStatus, tenant } from "./helpers";
import { createSlaPolicy } from "./workflow-fixtures";

const path = (accountId: number) => `/api/v1/accounts/${accountId}/sla_policies`;

describe("Application API: SLA policies", () => {
  it("creates a policy with its thresholds in seconds", async () => {
    const t = await tenant();
    const reply = await call("POST", path(t.account.id), {
      token: t.admin.access_token,
      body: {
        name: "Enterprise P0",
        description: "Urgent customers",
        first_response_time_threshold: 300,
        resolution_time_threshold: 86_400,
        only_during_business_hours: true,
      },
    });
    expectStatus(reply, 201);
    expect(reply.body.payload).toMatchObject({
      name: "Enterprise P0",
      first_response_time_threshold: 300,
      next_response_time_threshold: null,
      resolution_time_threshold: 86_400,
      only_during_business_hours: true,
    });
  });

  it("needs at least one threshold", async () => {
    const t = await tenant();
    const reply = await call("POST", path(t.account.id), { token: t.admin.access_token, body: { name: "Empty" } });
    expectStatus(reply, 422);
    expect(reply.body.error.details[0].message).toBe("Set at least one threshold.");
  });

  it("accepts thresholds from one second to a year, and nothing shorter, longer or fractional", async () => {
    const t = await tenant();
    const short = await call("POST", path(t.account.id), { token: t.admin.access_token, body: { name: "Two seconds", first_response_time_threshold: 2 } });
    expectStatus(short, 201);
    expect(short.body.payload.first_response_time_threshold).toBe(2);
    expectStatus(
      await call("POST", path(t.account.id), { token: t.admin.access_token, body: { name: "A year", resolution_time_threshold: 366 * 24 * 3600 } }),
      201,
    );
    for (const threshold of [0, -1, 1.5, 366 * 24 * 3600 + 1]) {
      const reply = await call("POST", path(t.account.id), {
        token: t.admin.access_token,
        body: { name: `Bad ${threshold}`, next_response_time_threshold: threshold },
      });
      expectStatus(reply, 422);
      expect(reply.body.error.details[0].field).toBe("next_response_time_threshold");
    }
  });

  it("refuses a second policy with the same name", async () => {
    const t = await tenant();
    await createSlaPolicy(t.admin.access_token, t.account.id, { name: "Gold" });
    expectStatus(await call("POST", path(t.account.id), { token: t.admin.access_token, body: { name: "Gold", resolution_time_threshold: 600 } }), 409);
  });

  it("never changes a policy once created", async () => {
    const t = await tenant();
    const policy = await createSlaPolicy(t.admin.access_token, t.account.id);
    const reply = await call("PATCH", `${path(t.account.id)}/${policy.id}`, { token: t.admin.access_token });
    expectStatus(reply, 405);
    expect(reply.body.error.code).toBe("method_not_allowed");
  });

  it("lets agents read policies but only administrators create and delete them, audited", async () => {
    const t = await tenant();
    const policy = await createSlaPolicy(t.admin.access_token, t.account.id);
    expectStatus(await call("GET", path(t.account.id), { token: t.agent.access_token }), 200);
    expectStatus(await call("POST", path(t.account.id), { token: t.agent.access_token, body: { name: "Mine", first_response_time_threshold: 60 } }), 403);
    expectStatus(await call("DELETE", `${path(t.account.id)}/${policy.id}`, { token: t.agent.access_token }), 403);
    expectStatus(await call("DELETE", `${path(t.account.id)}/${policy.id}`, { token: t.admin.access_token }), 204);
    expectStatus(await call("GET", `${path(t.account.id)}/${policy.id}`, { token: t.admin.access_token }), 404);
    const log = await call("GET", `/api/v1/accounts/${t.account.id}/audit_logs`, { token: t.admin.access_token });
    expect(log.body.audit_logs.slice(0, 2).map((e: { action: string; auditable_type: string }) => [e.action, e.auditable_type])).toEqual([
      ["destroy", "SlaPolicy"],
      ["create", "SlaPolicy"],
    ]);
  });
});
