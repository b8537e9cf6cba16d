import { describe, expect, it } from "vitest";
import { call, expectStatus, tenant, unique } from "./helpers";
import { contactLabelsPath, createLabel, labelledContact, labelsPath } from "./sms-fixtures";

type AuditEntry = {
  action: string;
  auditable_type: string;
  auditable_id: number;
  audited_changes: Record<string, unknown>;
  user_type: string;
  user_id: number;
};

async function labelAudit(accountId: number, adminToken: string) {
  const reply = await call("GET", `/api/v1/accounts/${accountId}/audit_logs?per_page=100`, { token: adminToken });
  expectStatus(reply, 200);
  return (reply.body.audit_logs as AuditEntry[]).filter((entry) => entry.auditable_type === "Label");
}

describe("Application API: labels", () => {
  it("creates a label in Chatwoot's shape, its title in lower case", async () => {
    const t = await tenant();
    const reply = await call("POST", labelsPath(t.account.id), {
      token: t.admin.access_token,
      body: { title: "Billing", description: "Money matters", color: "#FF0000", show_on_sidebar: false },
    });
    expectStatus(reply, 200);
    expect(reply.body).toEqual({ id: expect.any(Number), title: "billing", description: "Money matters", color: "#ff0000", show_on_sidebar: false });
  });

  it("gives a label Chatwoot's default color and shows it on the sidebar unless told otherwise", async () => {
    const t = await tenant();
    const label = await createLabel(t.admin.access_token, t.account.id, { title: "vip" });
    expect(label).toMatchObject({ title: "vip", description: null, color: "#1f93ff", show_on_sidebar: true });
  });

  it("lists the account's labels by title, to agents too", async () => {
    const t = await tenant();
    await createLabel(t.admin.access_token, t.account.id, { title: "zeta" });
    await createLabel(t.admin.access_token, t.account.id, { title: "alpha" });
    const reply = await call("GET", labelsPath(t.account.id), { token: t.agent.access_token });
    expectStatus(reply, 200);
    expect(reply.body.payload.map((label: { title: string }) => label.title)).toEqual(["alpha", "zeta"]);
  });

  it("shows one label", async () => {
    const t = await tenant();
    const label = await createLabel(t.admin.access_token, t.account.id);
    const reply = await call("GET", `${labelsPath(t.account.id)}/${label.id}`, { token: t.agent.access_token });
    expectStatus(reply, 200);
    expect(reply.body).toEqual(label);
  });

  it("answers 422 for titles with anything but letters, digits, _ and -", async () => {
    const t = await tenant();
    for (const title of ["two words", "emoji🙂", "", "a.b"]) {
      const reply = await call("POST", labelsPath(t.account.id), { token: t.admin.access_token, body: { title } });
      expectStatus(reply, 422);
      expect(reply.body.error.details[0].field).toBe("title");
    }
    expectStatus(await call("POST", labelsPath(t.account.id), { token: t.admin.access_token, body: { title: "über_größe-2" } }), 200);
  });

  it("answers 422 for a title the account already has, in any case", async () => {
    const t = await tenant();
    await createLabel(t.admin.access_token, t.account.id, { title: "refund" });
    const reply = await call("POST", labelsPath(t.account.id), { token: t.admin.access_token, body: { title: "REFUND" } });
    expectStatus(reply, 422);
    expect(reply.body.error.details).toEqual([{ field: "title", message: "has already been taken", code: "taken" }]);
  });

  it("lets two accounts have labels with the same title", async () => {
    const t = await tenant();
    const other = await tenant();
    await createLabel(t.admin.access_token, t.account.id, { title: "shared" });
    await createLabel(other.admin.access_token, other.account.id, { title: "shared" });
  });

  it("updates a label's description, color and sidebar flag", async () => {
    const t = await tenant();
    const label = await createLabel(t.admin.access_token, t.account.id);
    const reply = await call("PATCH", `${labelsPath(t.account.id)}/${label.id}`, {
      token: t.admin.access_token,
      body: { description: "Renewals", color: "#00ff00", show_on_sidebar: false },
    });
    expectStatus(reply, 200);
    expect(reply.body).toEqual({ ...label, description: "Renewals", color: "#00ff00", show_on_sidebar: false });
  });

  it("answers 422 for renaming a label to a title the account has", async () => {
    const t = await tenant();
    await createLabel(t.admin.access_token, t.account.id, { title: "taken" });
    const label = await createLabel(t.admin.access_token, t.account.id);
    const reply = await call("PATCH", `${labelsPath(t.account.id)}/${label.id}`, { token: t.admin.access_token, body: { title: "taken" } });
    expectStatus(reply, 422);
    expect(reply.body.error.details[0].code).toBe("taken");
  });

  it("deletes a label", async () => {
    const t = await tenant();
    const label = await createLabel(t.admin.access_token, t.account.id);
    expectStatus(await call("DELETE", `${labelsPath(t.account.id)}/${label.id}`, { token: t.admin.access_token }), 204);
    expectStatus(await call("GET", `${labelsPath(t.account.id)}/${label.id}`, { token: t.admin.access_token }), 404);
  });

  it("lets only administrators create, change and delete labels", async () => {
    const t = await tenant();
    const label = await createLabel(t.admin.access_token, t.account.id);
    const agent = { token: t.agent.access_token };
    expectStatus(await call("POST", labelsPath(t.account.id), { ...agent, body: { title: "mine" } }), 403);
    expectStatus(await call("PATCH", `${labelsPath(t.account.id)}/${label.id}`, { ...agent, body: { color: "#000000" } }), 403);
    expectStatus(await call("DELETE", `${labelsPath(t.account.id)}/${label.id}`, agent), 403);
  });

  it("answers 404 for another account's label", async () => {
    const t = await tenant();
    const other = await tenant();
    const foreign = await createLabel(other.admin.access_token, other.account.id);
    const admin = { token: t.admin.access_token };
    expectStatus(await call("GET", `${labelsPath(t.account.id)}/${foreign.id}`, admin), 404);
    expectStatus(await call("PATCH", `${labelsPath(t.account.id)}/${foreign.id}`, { ...admin, body: { color: "#000000" } }), 404);
    expectStatus(await call("DELETE", `${labelsPath(t.account.id)}/${foreign.id}`, admin), 404);
    const list = await call("GET", labelsPath(t.account.id), admin);
    expect(list.body).toEqual({ payload: [] });
  });

  it("records creating, changing and deleting a label in the audit log, with the administrator", async () => {
    const t = await tenant();
    const label = await createLabel(t.admin.access_token, t.account.id, { title: "audited" });
    await call("PATCH", `${labelsPath(t.account.id)}/${label.id}`, { token: t.admin.access_token, body: { color: "#123456", title: "audited" } });
    await call("DELETE", `${labelsPath(t.account.id)}/${label.id}`, { token: t.admin.access_token });
    const entries = await labelAudit(t.account.id, t.admin.access_token);
    expect(entries.map((entry) => [entry.action, entry.auditable_id, entry.audited_changes])).toEqual([
      ["destroy", label.id, { title: "audited", description: null, color: "#123456", show_on_sidebar: true }],
      ["update", label.id, { color: ["#1f93ff", "#123456"] }],
      ["create", label.id, { title: "audited", description: null, color: "#1f93ff", show_on_sidebar: true }],
    ]);
    expect(entries.map((entry) => [entry.user_type, entry.user_id])).toEqual(Array(3).fill(["User", t.admin.id]));
  });
});

describe("Application API: contact labels", () => {
  it("replaces a contact's labels and lists them in alphabetical order", async () => {
    const t = await tenant();
    await createLabel(t.admin.access_token, t.account.id, { title: "lead" });
    await createLabel(t.admin.access_token, t.account.id, { title: "customer" });
    const contact = await labelledContact(t.admin.access_token, t.account.id, ["lead"]);
    const reply = await call("POST", contactLabelsPath(t.account.id, contact.id), {
      token: t.admin.access_token,
      body: { labels: ["Lead", "customer", "lead"] },
    });
    expectStatus(reply, 200);
    expect(reply.body).toEqual({ payload: ["customer", "lead"] });
    const read = await call("GET", contactLabelsPath(t.account.id, contact.id), { token: t.admin.access_token });
    expect(read.body).toEqual({ payload: ["customer", "lead"] });
  });

  it("leaves out titles that are not labels of the account, as Chatwoot does", async () => {
    const t = await tenant();
    const other = await tenant();
    await createLabel(t.admin.access_token, t.account.id, { title: "known" });
    await createLabel(other.admin.access_token, other.account.id, { title: "elsewhere" });
    const contact = await labelledContact(t.admin.access_token, t.account.id, []);
    const reply = await call("POST", contactLabelsPath(t.account.id, contact.id), {
      token: t.admin.access_token,
      body: { labels: ["known", "unknown", "elsewhere"] },
    });
    expect(reply.body).toEqual({ payload: ["known"] });
  });

  it("clears a contact's labels with an empty list", async () => {
    const t = await tenant();
    const label = await createLabel(t.admin.access_token, t.account.id);
    const contact = await labelledContact(t.admin.access_token, t.account.id, [label.title]);
    const reply = await call("POST", contactLabelsPath(t.account.id, contact.id), { token: t.admin.access_token, body: { labels: [] } });
    expect(reply.body).toEqual({ payload: [] });
  });

  it("lets agents label contacts, as they manage contacts", async () => {
    const t = await tenant();
    const label = await createLabel(t.admin.access_token, t.account.id);
    const contact = await labelledContact(t.agent.access_token, t.account.id, [label.title]);
    const read = await call("GET", contactLabelsPath(t.account.id, contact.id), { token: t.agent.access_token });
    expect(read.body).toEqual({ payload: [label.title] });
  });

  it("answers 404 for a contact the account does not have", async () => {
    const t = await tenant();
    const other = await tenant();
    const foreign = await labelledContact(other.admin.access_token, other.account.id, []);
    const admin = { token: t.admin.access_token };
    const unknownId = foreign.id + 1000;
    expectStatus(await call("GET", contactLabelsPath(t.account.id, unknownId), admin), 404);
    expectStatus(await call("POST", contactLabelsPath(t.account.id, unknownId), { ...admin, body: { labels: [] } }), 404);
  });

  it("gives contacts a label's new title when the label is renamed", async () => {
    const t = await tenant();
    const label = await createLabel(t.admin.access_token, t.account.id, { title: unique("old").toLowerCase() });
    const contact = await labelledContact(t.admin.access_token, t.account.id, [label.title]);
    const renamed = await call("PATCH", `${labelsPath(t.account.id)}/${label.id}`, { token: t.admin.access_token, body: { title: "renamed" } });
    expectStatus(renamed, 200);
    const read = await call("GET", contactLabelsPath(t.account.id, contact.id), { token: t.admin.access_token });
    expect(read.body).toEqual({ payload: ["renamed"] });
  });

  it("keeps a contact's labels when the label is deleted, as Chatwoot does", async () => {
    const t = await tenant();
    const label = await createLabel(t.admin.access_token, t.account.id);
    const contact = await labelledContact(t.admin.access_token, t.account.id, [label.title]);
    await call("DELETE", `${labelsPath(t.account.id)}/${label.id}`, { token: t.admin.access_token });
    const read = await call("GET", contactLabelsPath(t.account.id, contact.id), { token: t.admin.access_token });
    expect(read.body).toEqual({ payload: [label.title] });
  });

  it("moves the mergee's labels to the base contact when contacts merge", async () => {
    const t = await tenant();
    const first = await createLabel(t.admin.access_token, t.account.id, { title: "first" });
    const second = await createLabel(t.admin.access_token, t.account.id, { title: "second" });
    const base = await labelledContact(t.admin.access_token, t.account.id, [first.title]);
    const mergee = await labelledContact(t.admin.access_token, t.account.id, [first.title, second.title], { phone_number: null });
    const merged = await call("POST", `/api/v1/accounts/${t.account.id}/actions/contact_merge`, {
      token: t.admin.access_token,
      body: { base_contact_id: base.id, mergee_contact_id: mergee.id },
    });
    expectStatus(merged, 200);
    const read = await call("GET", contactLabelsPath(t.account.id, base.id), { token: t.admin.access_token });
    expect(read.body).toEqual({ payload: ["first", "second"] });
  });
});
