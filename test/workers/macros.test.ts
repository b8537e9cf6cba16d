import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, clientSession, createTeam, expectStatus, tenant } from "./helpers";
import { attachFile } from "./workflow-fixtures";

type Tenant = Awaited<ReturnType<typeof tenant>>;
type Macro = { id: number; name: string; visibility: string; actions: unknown[]; created_by: { id: number } | null };

const macrosPath = (accountId: number) => `/api/v1/accounts/${accountId}/macros`;

async function createMacro(token: string, accountId: number, input: Record<string, unknown>) {
  const reply = await call("POST", macrosPath(accountId), {
    token,
    body: { name: "Macro", actions: [{ action_name: "add_label", action_params: ["x"] }], ...input },
  });
  expectStatus(reply, 200);
  return reply.body.payload as Macro;
}

async function execute(t: Tenant, token: string, macroId: number, conversationIds: number[]) {
  const reply = await call("POST", `${macrosPath(t.account.id)}/${macroId}/execute`, { token, body: { conversation_ids: conversationIds } });
  expectStatus(reply, 200);
  return reply.body.payload as { conversation_id: number; status: string; results: { action_name: string; status: string; message?: string }[] }[];
}

async function auditOf(t: Tenant) {
  const reply = await call("GET", `/api/v1/accounts/${t.account.id}/audit_logs?per_page=100`, { token: t.admin.access_token });
  expectStatus(reply, 200);
  return (reply.body.audit_logs as { action: string; auditable_type: string; auditable_id: number; user_id?: number }[]).filter(
    (entry) => entry.auditable_type === "Macro",
  );
}

describe("Application API: macros", () => {
  it("lets agents keep personal macros and administrators share global ones", async () => {
    const t = await tenant();
    const mine = await createMacro(t.agent.access_token, t.account.id, { name: "Mine" });
    expect(mine).toMatchObject({ name: "Mine", visibility: "personal", created_by: { id: t.agent.id } });
    const shared = await createMacro(t.admin.access_token, t.account.id, { name: "Shared", visibility: "global" });
    const adminsOwn = await createMacro(t.admin.access_token, t.account.id, { name: "Admin's own" });

    const agentList = await call("GET", macrosPath(t.account.id), { token: t.agent.access_token });
    expect((agentList.body.payload as Macro[]).map((macro) => macro.name)).toEqual(["Mine", "Shared"]);
    const adminList = await call("GET", macrosPath(t.account.id), { token: t.admin.access_token });
    expect((adminList.body.payload as Macro[]).map((macro) => macro.name)).toEqual(["Shared", "Admin's own"]);

    // Someone else's personal macro does not exist for you, even for an administrator.
    expectStatus(await call("GET", `${macrosPath(t.account.id)}/${mine.id}`, { token: t.admin.access_token }), 404);
    expectStatus(await call("GET", `${macrosPath(t.account.id)}/${adminsOwn.id}`, { token: t.agent.access_token }), 404);
    expectStatus(await call("GET", `${macrosPath(t.account.id)}/${shared.id}`, { token: t.agent.access_token }), 200);
  });

  it("keeps global macros to administrators", async () => {
    const t = await tenant();
    const create = await call("POST", macrosPath(t.account.id), {
      token: t.agent.access_token,
      body: { name: "Everyone's", visibility: "global", actions: [{ action_name: "resolve_conversation", action_params: [] }] },
    });
    expectStatus(create, 403);
    const shared = await createMacro(t.admin.access_token, t.account.id, { visibility: "global" });
    expectStatus(await call("PATCH", `${macrosPath(t.account.id)}/${shared.id}`, { token: t.agent.access_token, body: { name: "Renamed" } }), 403);
    expectStatus(await call("DELETE", `${macrosPath(t.account.id)}/${shared.id}`, { token: t.agent.access_token }), 403);
    const mine = await createMacro(t.agent.access_token, t.account.id, {});
    expectStatus(await call("PATCH", `${macrosPath(t.account.id)}/${mine.id}`, { token: t.agent.access_token, body: { visibility: "global" } }), 403);
  });

  it("updates and deletes a macro, and audits each change with its author", async () => {
    const t = await tenant();
    const macro = await createMacro(t.agent.access_token, t.account.id, { name: "Draft" });
    const update = await call("PATCH", `${macrosPath(t.account.id)}/${macro.id}`, {
      token: t.agent.access_token,
      body: { name: "Final", actions: [{ action_name: "snooze_conversation", action_params: [] }] },
    });
    expectStatus(update, 200);
    expect(update.body.payload).toMatchObject({ name: "Final", actions: [{ action_name: "snooze_conversation", action_params: [] }] });
    expectStatus(await call("DELETE", `${macrosPath(t.account.id)}/${macro.id}`, { token: t.agent.access_token }), 200);
    expectStatus(await call("GET", `${macrosPath(t.account.id)}/${macro.id}`, { token: t.agent.access_token }), 404);
    const audit = await auditOf(t);
    expect(audit.map((entry) => [entry.action, entry.auditable_id])).toEqual([
      ["destroy", macro.id],
      ["update", macro.id],
      ["create", macro.id],
    ]);
  });

  it("refuses actions it cannot take, naming each", async () => {
    const t = await tenant();
    const other = await tenant();
    const foreignTeam = await createTeam(other.admin.access_token, other.account.id);
    const reply = await call("POST", macrosPath(t.account.id), {
      token: t.admin.access_token,
      body: {
        name: "Bad",
        actions: [
          { action_name: "assign_team", action_params: [foreignTeam.id] },
          { action_name: "explode", action_params: [] },
        ],
      },
    });
    expectStatus(reply, 422);
    const invalid = await call("POST", macrosPath(t.account.id), {
      token: t.admin.access_token,
      body: { name: "Bad", actions: [{ action_name: "assign_team", action_params: [foreignTeam.id] }] },
    });
    expectStatus(invalid, 422);
    expect(invalid.body.error.details).toEqual([{ field: "actions.0.action_params", message: expect.any(String), code: "not_found" }]);
  });

  it("runs its steps in order on each conversation and reports every action", async () => {
    const t = await tenant();
    const billing = await createTeam(t.admin.access_token, t.account.id, { name: "Billing" });
    const session = await clientSession(t);
    const second = await call("POST", `${session.base}/conversations`, { body: {} });
    expectStatus(second, 200);
    const macro = await createMacro(t.admin.access_token, t.account.id, {
      name: "Escalate",
      actions: [
        { action_name: "add_private_note", action_params: ["Escalated by {{ agent.name }}"] },
        { action_name: "assign_agent", action_params: ["self"] },
        { action_name: "assign_team", action_params: [billing.id] },
        { action_name: "add_label", action_params: ["escalated"] },
        { action_name: "change_priority", action_params: ["high"] },
        { action_name: "send_message", action_params: ["Hi {{ contact.first_name }}, a specialist will follow up."] },
        { action_name: "resolve_conversation", action_params: [] },
      ],
    });
    const payload = await execute(t, t.admin.access_token, macro.id, [session.conversation.id, second.body.id as number]);
    expect(payload).toHaveLength(2);
    for (const entry of payload) {
      expect(entry.status).toBe("done");
      expect(entry.results.map((result) => [result.action_name, result.status])).toEqual([
        ["add_private_note", "done"],
        ["assign_agent", "done"],
        ["assign_team", "done"],
        ["add_label", "done"],
        ["change_priority", "done"],
        ["send_message", "done"],
        ["resolve_conversation", "done"],
      ]);
    }
    const conversation = await call("GET", `/api/v1/accounts/${t.account.id}/conversations/${session.conversation.id}`, { token: t.admin.access_token });
    expect(conversation.body).toMatchObject({ status: "resolved", assignee_id: t.admin.id, team_id: billing.id, labels: ["escalated"], priority: "high" });
    const messages = await call("GET", `/api/v1/accounts/${t.account.id}/conversations/${session.conversation.id}/messages`, { token: t.admin.access_token });
    const written = (messages.body.payload as { content: string; message_type: number; private: boolean; sender?: { id: number } }[]).filter(
      (message) => message.message_type === 1,
    );
    expect(written.map((message) => [message.content, message.private])).toEqual([
      [`Escalated by administrator ${t.admin.email}`, true],
      ["Hi Vera, a specialist will follow up.", false],
    ]);
    expect(written[0]?.sender?.id).toBe(t.admin.id);
    // The contact sees the reply, never the note.
    const seen = await call("GET", `${session.conversationPath}/messages`);
    expect((seen.body as { content: string }[]).map((message) => message.content)).not.toContain(`Escalated by administrator ${t.admin.email}`);
  });

  it("sends files an agent uploaded through attach_file (send_attachment in a personal macro)", async () => {
    const t = await tenant();
    const session = await clientSession(t);
    const member = await call("POST", `/api/v1/accounts/${t.account.id}/inbox_members`, {
      token: t.admin.access_token,
      body: { inbox_id: session.inbox.id, user_ids: [t.agent.id] },
    });
    expectStatus(member, 200);
    const file = await attachFile(t.agent.access_token, t.account.id, "macros", new File(["Step 1: log in."], "guide.txt", { type: "text/plain" }));
    expect(file).toMatchObject({ file_name: "guide.txt", content_type: "text/plain", file_size: 15 });
    const macro = await createMacro(t.agent.access_token, t.account.id, {
      name: "Send the guide",
      actions: [{ action_name: "send_attachment", action_params: [file.blob_id] }],
    });
    const [result] = await execute(t, t.agent.access_token, macro.id, [session.conversation.id]);
    expect(result).toEqual({ conversation_id: session.conversation.id, status: "done", results: [{ action_name: "send_attachment", status: "done" }] });

    const messages = await call("GET", `/api/v1/accounts/${t.account.id}/conversations/${session.conversation.id}/messages`, { token: t.agent.access_token });
    const sent = (
      messages.body.payload as {
        content: string | null;
        message_type: number;
        sender?: { id: number };
        attachments?: { id: number; file_name: string; data_url: string }[];
      }[]
    ).filter((message) => message.message_type === 1);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ content: null, sender: { id: t.agent.id }, attachments: [{ id: 1, file_name: "guide.txt", data_url: file.data_url }] });
    const served = await exports.default.fetch(file.data_url);
    expect(await served.text()).toBe("Step 1: log in.");
  });

  it("keeps going when one action fails, and reports conversations it cannot reach", async () => {
    const t = await tenant();
    const session = await clientSession(t);
    const macro = await createMacro(t.agent.access_token, t.account.id, {
      actions: [
        { action_name: "assign_agent", action_params: ["self"] },
        { action_name: "add_label", action_params: ["tried"] },
      ],
    });
    // The agent is no member of the inbox: neither conversation is theirs to reach.
    const hidden = await execute(t, t.agent.access_token, macro.id, [session.conversation.id, 999_999]);
    expect(hidden).toEqual([
      { conversation_id: session.conversation.id, status: "not_found", results: [] },
      { conversation_id: 999_999, status: "not_found", results: [] },
    ]);
    const shared = await createMacro(t.admin.access_token, t.account.id, {
      visibility: "global",
      actions: [
        { action_name: "remove_assigned_team", action_params: [] },
        { action_name: "assign_agent", action_params: [t.agent.id] },
        { action_name: "add_label", action_params: ["tried"] },
      ],
    });
    const [result] = await execute(t, t.admin.access_token, shared.id, [session.conversation.id]);
    expect(result?.results).toEqual([
      { action_name: "remove_assigned_team", status: "unchanged" },
      { action_name: "assign_agent", status: "failed", message: expect.stringContaining("cannot be assigned") },
      { action_name: "add_label", status: "done" },
    ]);
  });
});
