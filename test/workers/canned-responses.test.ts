import { describe, expect, it } from "vitest";
import { call, clientSession, createAccount, expectStatus, inviteUser, tenant } from "./helpers";
import { cannedResponsesPath, createCannedResponse } from "./workflow-fixtures";

type AuditEntry = { action: string; auditable_type: string; auditable_id: number; audited_changes: Record<string, unknown> };

async function cannedResponseAudit(accountId: number, adminToken: string) {
  const reply = await call("GET", `/api/v1/accounts/${accountId}/audit_logs?per_page=100`, { token: adminToken });
  expectStatus(reply, 200);
  return (reply.body.audit_logs as AuditEntry[]).filter((entry) => entry.auditable_type === "CannedResponse");
}

const cannedResponsePath = (accountId: number, id: number) => `${cannedResponsesPath(accountId)}/${id}`;

describe("Application API: canned responses", () => {
  it("creates a canned response in Chatwoot's shape", async () => {
    const t = await tenant();
    const reply = await call("POST", cannedResponsesPath(t.account.id), {
      token: t.admin.access_token,
      body: { short_code: "refund", content: "Your refund is on its way." },
    });
    expectStatus(reply, 200);
    expect(reply.body).toEqual({
      id: expect.any(Number),
      account_id: t.account.id,
      short_code: "refund",
      content: "Your refund is on its way.",
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
  });

  it("lists the account's canned responses to every member as an array", async () => {
    const t = await tenant();
    const first = await createCannedResponse(t.admin.access_token, t.account.id, { short_code: "hello" });
    const second = await createCannedResponse(t.admin.access_token, t.account.id, { short_code: "bye" });
    const reply = await call("GET", cannedResponsesPath(t.account.id), { token: t.agent.access_token });
    expectStatus(reply, 200);
    expect(reply.body).toEqual([first, second]);
  });

  it("searches short codes and content without regard to case, short codes that start with the search first", async () => {
    const t = await tenant();
    const admin = t.admin.access_token;
    const inContent = await createCannedResponse(admin, t.account.id, { short_code: "thanks", content: "Your REFUND was sent." });
    const inShortCode = await createCannedResponse(admin, t.account.id, { short_code: "late-refund", content: "Sorry for the wait." });
    await createCannedResponse(admin, t.account.id, { short_code: "hello", content: "Hello there." });
    const startsWith = await createCannedResponse(admin, t.account.id, { short_code: "Refund", content: "On its way." });
    const reply = await call("GET", `${cannedResponsesPath(t.account.id)}?search=refund`, { token: t.agent.access_token });
    expectStatus(reply, 200);
    expect(reply.body.map((response: { id: number }) => response.id)).toEqual([startsWith.id, inShortCode.id, inContent.id]);
  });

  it("searches for % and _ as the characters they are", async () => {
    const t = await tenant();
    const discount = await createCannedResponse(t.admin.access_token, t.account.id, { short_code: "discount", content: "10% off today" });
    await createCannedResponse(t.admin.access_token, t.account.id, { short_code: "price", content: "100 dollars off" });
    const reply = await call("GET", `${cannedResponsesPath(t.account.id)}?search=${encodeURIComponent("0%")}`, { token: t.admin.access_token });
    expect(reply.body).toEqual([discount]);
    expect((await call("GET", `${cannedResponsesPath(t.account.id)}?search=_`, { token: t.admin.access_token })).body).toEqual([]);
  });

  it("refuses a short code the account already uses, on create and on update", async () => {
    const t = await tenant();
    await createCannedResponse(t.admin.access_token, t.account.id, { short_code: "refund" });
    const other = await createCannedResponse(t.admin.access_token, t.account.id, { short_code: "refunds" });
    const created = await call("POST", cannedResponsesPath(t.account.id), {
      token: t.admin.access_token,
      body: { short_code: " refund ", content: "Again" },
    });
    expectStatus(created, 422);
    expect(created.body.error.details).toEqual([{ field: "short_code", message: "has already been taken", code: "taken" }]);
    const updated = await call("PATCH", cannedResponsePath(t.account.id, other.id), { token: t.admin.access_token, body: { short_code: "refund" } });
    expectStatus(updated, 422);
    expect(updated.body.error.details[0].code).toBe("taken");
  });

  it("lets another account use the same short code", async () => {
    const t = await tenant();
    const sibling = await createAccount(t.agency.access_token);
    const siblingAdmin = await inviteUser(t.agency.access_token, sibling.id, "administrator");
    await createCannedResponse(t.admin.access_token, t.account.id, { short_code: "refund" });
    await createCannedResponse(siblingAdmin.access_token, sibling.id, { short_code: "refund" });
  });

  it("refuses blank short codes and content", async () => {
    const t = await tenant();
    const reply = await call("POST", cannedResponsesPath(t.account.id), { token: t.admin.access_token, body: { short_code: "  ", content: "" } });
    expectStatus(reply, 422);
    expect(reply.body.error.details.map((issue: { field: string }) => issue.field).sort()).toEqual(["content", "short_code"]);
  });

  it("keeps creating, updating and deleting to administrators", async () => {
    const t = await tenant();
    const response = await createCannedResponse(t.admin.access_token, t.account.id);
    const agent = { token: t.agent.access_token };
    expectStatus(await call("POST", cannedResponsesPath(t.account.id), { ...agent, body: { short_code: "mine", content: "Mine" } }), 403);
    expectStatus(await call("PATCH", cannedResponsePath(t.account.id, response.id), { ...agent, body: { content: "Changed" } }), 403);
    expectStatus(await call("DELETE", cannedResponsePath(t.account.id, response.id), agent), 403);
    expect((await call("GET", cannedResponsesPath(t.account.id), agent)).body).toEqual([response]);
  });

  it("updates a canned response and records what changed", async () => {
    const t = await tenant();
    const response = await createCannedResponse(t.admin.access_token, t.account.id, { short_code: "hello", content: "Hello" });
    const reply = await call("PATCH", cannedResponsePath(t.account.id, response.id), {
      token: t.admin.access_token,
      body: { short_code: "hello", content: "Hello, {{ contact.first_name }}" },
    });
    expectStatus(reply, 200);
    expect(reply.body).toMatchObject({ id: response.id, short_code: "hello", content: "Hello, {{ contact.first_name }}" });
    const [update, create] = await cannedResponseAudit(t.account.id, t.admin.access_token);
    expect(create).toMatchObject({ action: "create", auditable_id: response.id, audited_changes: { short_code: "hello", content: "Hello" } });
    expect(update).toMatchObject({ action: "update", auditable_id: response.id, audited_changes: { content: ["Hello", "Hello, {{ contact.first_name }}"] } });
  });

  it("deletes a canned response and records it", async () => {
    const t = await tenant();
    const response = await createCannedResponse(t.admin.access_token, t.account.id, { short_code: "bye", content: "Bye" });
    expectStatus(await call("DELETE", cannedResponsePath(t.account.id, response.id), { token: t.admin.access_token }), 204);
    expect((await call("GET", cannedResponsesPath(t.account.id), { token: t.admin.access_token })).body).toEqual([]);
    expectStatus(await call("DELETE", cannedResponsePath(t.account.id, response.id), { token: t.admin.access_token }), 404);
    const [destroy] = await cannedResponseAudit(t.account.id, t.admin.access_token);
    expect(destroy).toMatchObject({ action: "destroy", auditable_id: response.id, audited_changes: { short_code: "bye", content: "Bye" } });
  });
});

describe("rendering a canned response into a conversation", () => {
  it("fills the contact's, the assignee's and the conversation's variables as Chatwoot's dashboard does", async () => {
    const t = await tenant();
    const { conversation } = await clientSession(t);
    await assign(t, conversation.id, t.admin.id);
    const response = await createCannedResponse(t.admin.access_token, t.account.id, {
      content: "Hi {{ contact.first_name }}, {{ agent.name }} here about #{{ conversation.id }}.",
    });
    const reply = await call("POST", `${cannedResponsePath(t.account.id, response.id)}/render`, {
      token: t.admin.access_token,
      body: { conversation_id: conversation.id },
    });
    expectStatus(reply, 200);
    // @chatwoot/utils' capitalizeName: the first character of each word upper case.
    expect(reply.body).toEqual({
      content: `Hi Vera, Administrator ${capitalized(t.admin.email)} here about #${conversation.id}.`,
      undefined_variables: [],
    });
  });

  it("lists the variables that would render empty, as template_preview does", async () => {
    const t = await tenant();
    const { conversation } = await clientSession(t);
    const response = await createCannedResponse(t.admin.access_token, t.account.id, {
      content: "Call {{ contact.phone_number }} about {{ contact.shoe_size }}, {{ contact.first_name || 'there' }}.",
    });
    const rendered = await call("POST", `${cannedResponsePath(t.account.id, response.id)}/render`, {
      token: t.admin.access_token,
      body: { conversation_id: conversation.id },
    });
    const preview = await call("POST", `/api/v1/accounts/${t.account.id}/conversations/${conversation.id}/template_preview`, {
      token: t.admin.access_token,
      body: { content: response.content },
    });
    expectStatus(rendered, 200);
    expect(rendered.body).toEqual({
      content: "Call  about , Vera.",
      undefined_variables: [
        { variable: "contact.phone_number", reason: "missing" },
        { variable: "contact.shoe_size", reason: "unknown" },
      ],
    });
    expect(preview.body).toEqual(rendered.body);
  });

  it("renders for an agent of the conversation's inbox", async () => {
    const t = await tenant();
    const { inbox, conversation } = await clientSession(t);
    const members = await call("POST", `/api/v1/accounts/${t.account.id}/inbox_members`, {
      token: t.admin.access_token,
      body: { inbox_id: inbox.id, user_ids: [t.agent.id] },
    });
    expectStatus(members, 200);
    await assign(t, conversation.id, t.agent.id);
    const response = await createCannedResponse(t.admin.access_token, t.account.id, { content: "{{ agent.name }}" });
    const reply = await call("POST", `${cannedResponsePath(t.account.id, response.id)}/render`, {
      token: t.agent.access_token,
      body: { conversation_id: conversation.id },
    });
    expectStatus(reply, 200);
    expect(reply.body.content).toBe(`Agent ${capitalized(t.agent.email)}`);
  });

  it("answers 404 for a conversation the agent does not see", async () => {
    const t = await tenant();
    const { conversation } = await clientSession(t);
    const response = await createCannedResponse(t.admin.access_token, t.account.id);
    const reply = await call("POST", `${cannedResponsePath(t.account.id, response.id)}/render`, {
      token: t.agent.access_token,
      body: { conversation_id: conversation.id },
    });
    expectStatus(reply, 404);
  });

  it("answers 404 for a canned response of another account", async () => {
    const t = await tenant();
    const other = await tenant();
    const { conversation } = await clientSession(t);
    const foreign = await createCannedResponse(other.admin.access_token, other.account.id);
    const reply = await call("POST", `${cannedResponsePath(t.account.id, foreign.id)}/render`, {
      token: t.admin.access_token,
      body: { conversation_id: conversation.id },
    });
    expectStatus(reply, 404);
    expect(reply.body.error.message).toBe("Canned response not found.");
  });
});

const capitalized = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

async function assign(t: { account: { id: number }; admin: { access_token: string } }, conversationId: number, assigneeId: number) {
  const reply = await call("POST", `/api/v1/accounts/${t.account.id}/conversations/${conversationId}/assignments`, {
    token: t.admin.access_token,
    body: { assignee_id: assigneeId },
  });
  expectStatus(reply, 200);
}
