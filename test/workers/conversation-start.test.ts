import { describe, expect, it } from "vitest";
import { call, createInbox, createTeam, expectStatus, tenant } from "./helpers";

const start = (t: Awaited<ReturnType<typeof tenant>>, body: unknown, token = t.admin.access_token) =>
  call("POST", `/api/v1/accounts/${t.account.id}/conversations`, { token, body });

async function contactOf(t: Awaited<ReturnType<typeof tenant>>, name = "Connie") {
  const reply = await call("POST", `/api/v1/accounts/${t.account.id}/contacts`, { token: t.admin.access_token, body: { name } });
  expectStatus(reply, 201);
  return reply.body.payload.contact as { id: number };
}

describe("Application API: starting a conversation", () => {
  it("gives a contact without a session in the inbox one, and assigns the agent and team asked for", async () => {
    const t = await tenant();
    const inbox = await createInbox(t.admin.access_token, t.account.id, { channel: { type: "api" } });
    const team = await createTeam(t.admin.access_token, t.account.id);
    const contact = await contactOf(t);
    const reply = await start(t, { inbox_id: inbox.id, contact_id: contact.id, assignee_id: t.admin.id, team_id: team.id });
    expectStatus(reply, 200);
    expect(reply.body).toMatchObject({ inbox_id: inbox.id, status: "open", assignee_id: t.admin.id, team_id: team.id, meta: { sender: { id: contact.id } } });
    const sessions = await call("GET", `/api/v1/accounts/${t.account.id}/contacts/${contact.id}/contactable_inboxes`, { token: t.admin.access_token });
    expect(JSON.stringify(sessions.body)).toContain(reply.body.contact_inbox.source_id);
  });

  it("starts pending in an inbox an agent bot answers, as Chatwoot does", async () => {
    const t = await tenant();
    const inbox = await createInbox(t.admin.access_token, t.account.id, { channel: { type: "api" } });
    const bot = await call("POST", `/api/v1/accounts/${t.account.id}/agent_bots`, { token: t.admin.access_token, body: { name: "Bot" } });
    await call("POST", `/api/v1/accounts/${t.account.id}/inboxes/${inbox.id}/set_agent_bot`, { token: t.admin.access_token, body: { agent_bot: bot.body.id } });
    const reply = await start(t, { inbox_id: inbox.id, contact_id: (await contactOf(t)).id });
    expectStatus(reply, 200);
    expect(reply.body.status).toBe("pending");
  });

  it("refuses a source_id no contact has in the inbox, and an inbox the agent cannot reach", async () => {
    const t = await tenant();
    const inbox = await createInbox(t.admin.access_token, t.account.id, { channel: { type: "api" } });
    const unknown = await start(t, { inbox_id: inbox.id, source_id: "nobody-here" });
    expectStatus(unknown, 422);
    expect(unknown.body.error.details[0].field).toBe("source_id");
    const unreachable = await start(t, { inbox_id: inbox.id, contact_id: (await contactOf(t)).id }, t.agent.access_token);
    expectStatus(unreachable, 422);
    expect(unreachable.body.error.details[0].field).toBe("inbox_id");
  });
});
