import { describe, expect, it } from "vitest";
import { call, expectStatus, tenant } from "./helpers";

type Entry = { action: string; auditable_type: string; user_id: number | null };
type Page = { audit_logs: Entry[]; current_page: number; per_page: number; total_entries: number };

const auditPath = (accountId: number, query: Record<string, string | number>) =>
  `/api/v1/accounts/${accountId}/audit_logs?${new URLSearchParams(Object.entries(query).map(([key, value]) => [key, String(value)]))}`;

/** A tenant whose administrator made and changed a label and whose agent made a personal macro. */
async function auditedTenant() {
  const t = await tenant();
  const accountPath = `/api/v1/accounts/${t.account.id}`;
  const label = await call("POST", `${accountPath}/labels`, { token: t.admin.access_token, body: { title: "billing" } });
  expectStatus(label, 200);
  expectStatus(await call("PATCH", `${accountPath}/labels/${label.body.id}`, { token: t.admin.access_token, body: { color: "#ff0000" } }), 200);
  const macro = await call("POST", `${accountPath}/macros`, {
    token: t.agent.access_token,
    body: { name: "Close it", visibility: "personal", actions: [{ action_name: "resolve_conversation", action_params: [] }] },
  });
  expectStatus(macro, 200);
  const list = async (query: Record<string, string | number>) => {
    const reply = await call<Page>("GET", auditPath(t.account.id, query), { token: t.admin.access_token });
    expectStatus(reply, 200);
    return reply.body;
  };
  return { ...t, list };
}

describe("Application API: the audit log's filters", () => {
  it("narrows the log to one action", async () => {
    const t = await auditedTenant();
    const page = await t.list({ action: "update" });
    expect(page.audit_logs.map((entry) => [entry.action, entry.auditable_type])).toEqual([["update", "Label"]]);
    expect(page.total_entries).toBe(1);
  });

  it("narrows the log to one kind of object", async () => {
    const t = await auditedTenant();
    const page = await t.list({ auditable_type: "Macro" });
    expect(page.audit_logs.map((entry) => [entry.action, entry.auditable_type])).toEqual([["create", "Macro"]]);
  });

  it("narrows the log to the changes one user made", async () => {
    const t = await auditedTenant();
    const byAgent = await t.list({ user_id: t.agent.id });
    expect(byAgent.audit_logs.map((entry) => [entry.user_id, entry.auditable_type])).toEqual([[t.agent.id, "Macro"]]);
    const byAdmin = await t.list({ user_id: t.admin.id, auditable_type: "Label" });
    expect(byAdmin.audit_logs.map((entry) => entry.action)).toEqual(["update", "create"]);
  });

  it("narrows the log to a time range, the start inclusive and the end exclusive", async () => {
    const t = await auditedTenant();
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    expect((await t.list({ since: hourAgo, until: inAnHour, auditable_type: "Label" })).total_entries).toBe(2);
    expect((await t.list({ since: inAnHour })).total_entries).toBe(0);
    expect((await t.list({ until: hourAgo })).total_entries).toBe(0);
  });

  it("pages the filtered entries, newest first", async () => {
    const t = await auditedTenant();
    const first = await t.list({ auditable_type: "Label", per_page: 1, page: 1 });
    const second = await t.list({ auditable_type: "Label", per_page: 1, page: 2 });
    expect([first.audit_logs[0]?.action, second.audit_logs[0]?.action]).toEqual(["update", "create"]);
    expect([first.total_entries, second.current_page]).toEqual([2, 2]);
  });

  it("refuses a range that ends before it starts, naming until", async () => {
    const t = await tenant();
    const reply = await call("GET", auditPath(t.account.id, { since: "2026-12-02T00:00:00Z", until: "2026-12-01T00:00:00Z" }), { token: t.admin.access_token });
    expectStatus(reply, 400);
    expect(reply.body.error.details).toEqual([{ field: "until", message: "must be after the start of the range", code: "invalid" }]);
  });

  it("refuses a time that is not an ISO 8601 date-time, naming its parameter", async () => {
    const t = await tenant();
    const reply = await call("GET", auditPath(t.account.id, { since: "yesterday" }), { token: t.admin.access_token });
    expectStatus(reply, 400);
    expect(reply.body.error.details.map((detail: { field: string }) => detail.field)).toEqual(["since"]);
  });

  it("is for administrators: an agent is refused", async () => {
    const t = await tenant();
    expectStatus(await call("GET", auditPath(t.account.id, {}), { token: t.agent.access_token }), 403);
  });
});
