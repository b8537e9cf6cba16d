import { describe, expect, it } from "vitest";
import { connectCable } from "./cable-client";
import { call, clientSession, createTeam, expectStatus, tenant } from "./helpers";

type Tenant = Awaited<ReturnType<typeof tenant>>;

async function adminCable(t: Tenant) {
  const cable = await connectCable();
  await cable.subscribe(cable.identifierFor(t.admin.pubsub_token, t.account.id));
  return cable;
}

/** The fields a console needs to place and draw a conversation in its list. */
function expectListFields(data: Record<string, unknown>, id: number) {
  expect(data).toMatchObject({ id, meta: { sender: { name: "Vera Visitor", type: "contact" } } });
  for (const field of [
    "unread_count",
    "messages",
    "last_non_activity_message",
    "last_activity_at",
    "created_at",
    "labels",
    "priority",
    "waiting_since",
    "applied_sla",
    "status",
    "inbox_id",
    "assignee_id",
    "team_id",
  ]) {
    expect(data, field).toHaveProperty(field);
  }
  expect(data.meta).toHaveProperty("assignee");
  expect(data.meta).toHaveProperty("team");
  expect((data.meta as { sender: object }).sender).toHaveProperty("thumbnail");
  expect((data.meta as { sender: object }).sender).toHaveProperty("email");
  expect((data.meta as { sender: object }).sender).toHaveProperty("phone_number");
}

describe("/cable conversation events the agents' lists rely on", () => {
  it("carries the whole conversation in conversation.created, assignee.changed, team.changed, status_changed and updated", async () => {
    const t = await tenant();
    const cable = await adminCable(t);
    const session = await clientSession(t);
    const id = session.conversation.id;
    const path = `/api/v1/accounts/${t.account.id}/conversations/${id}`;
    const asAdmin = { token: t.admin.access_token };
    const team = await createTeam(t.admin.access_token, t.account.id);
    expectListFields((await cable.waitForEvent("conversation.created", (d) => d.id === id)).message?.data, id);
    await call("POST", `${path}/assignments`, { ...asAdmin, body: { assignee_id: t.admin.id } });
    const assigned = (await cable.waitForEvent("assignee.changed", (d) => d.id === id)).message?.data;
    expectListFields(assigned, id);
    expect(assigned.meta.assignee).toMatchObject({ id: t.admin.id, availability_status: "online" });
    await call("POST", `${path}/assignments`, { ...asAdmin, body: { team_id: team.id } });
    expectListFields((await cable.waitForEvent("team.changed", (d) => d.id === id && d.meta.team?.id === team.id)).message?.data, id);
    await call("POST", `${path}/toggle_priority`, { ...asAdmin, body: { priority: "high" } });
    expectListFields((await cable.waitForEvent("conversation.updated", (d) => d.id === id && d.priority === "high")).message?.data, id);
    await call("POST", `${path}/toggle_status`, { ...asAdmin, body: { status: "resolved" } });
    expectListFields((await cable.waitForEvent("conversation.status_changed", (d) => d.id === id && d.status === "resolved")).message?.data, id);
    cable.close();
  });

  it("puts in message.created what reorders a list: the conversation's unread count, last activity and assignee", async () => {
    const t = await tenant();
    const session = await clientSession(t);
    const cable = await adminCable(t);
    await call("POST", `${session.conversationPath}/messages`, { body: { content: "First" } });
    const created = (await cable.waitForEvent("message.created", (d) => d.content === "First")).message?.data;
    expect(created.conversation).toMatchObject({ id: session.conversation.id, unread_count: 1, assignee_id: null });
    expect(created.conversation.last_activity_at).toBe(created.created_at);
    cable.close();
  });

  it("sends conversation.updated when a message changes waiting_since or the first reply, and not otherwise", async () => {
    const t = await tenant();
    const session = await clientSession(t);
    const id = session.conversation.id;
    const cable = await adminCable(t);
    await call("POST", `${session.conversationPath}/messages`, { body: { content: "Hello?" } });
    const waiting = (await cable.waitForEvent("conversation.updated", (d) => d.id === id && d.waiting_since !== null)).message?.data;
    expect(waiting.messages.map((m: { content: string }) => m.content)).toEqual(["Hello?"]);
    await call("POST", `${session.conversationPath}/messages`, { body: { content: "Still there?" } });
    await cable.waitForEvent("message.created", (d) => d.content === "Still there?");
    await call("POST", `/api/v1/accounts/${t.account.id}/conversations/${id}/messages`, { token: t.admin.access_token, body: { content: "Yes!" } });
    const answered = (await cable.waitForEvent("conversation.updated", (d) => d.id === id && d.waiting_since === null)).message?.data;
    expect(answered.first_reply_created_at).not.toBeNull();
    const updates = cable.frames
      .filter((f) => f.message?.event === "conversation.updated" || f.message?.event === "message.created")
      .map((f) => f.message?.event);
    expect(updates).toEqual(["message.created", "conversation.updated", "message.created", "message.created", "conversation.updated"]);
    cable.close();
  });

  it("never shows a private note to the contact, even as the last message of a conversation payload", async () => {
    const t = await tenant();
    const session = await clientSession(t);
    const visitor = await connectCable();
    await visitor.subscribe(visitor.identifierFor(session.contact.pubsub_token));
    const path = `/api/v1/accounts/${t.account.id}/conversations/${session.conversation.id}`;
    await call("POST", `${path}/messages`, { token: t.admin.access_token, body: { content: "Internal: refund approved", private: true } });
    await call("POST", `${path}/toggle_status`, { token: t.admin.access_token, body: { status: "resolved" } });
    const changed = (await visitor.waitForEvent("conversation.status_changed")).message?.data;
    expect(changed.messages).toEqual([]);
    expect(changed).not.toHaveProperty("last_non_activity_message");
    expect(JSON.stringify(visitor.frames)).not.toContain("refund approved");
    visitor.close();
  });

  it("lists each conversation with its last message as last_non_activity_message too", async () => {
    const t = await tenant();
    const session = await clientSession(t);
    await call("POST", `${session.conversationPath}/messages`, { body: { content: "Hi" } });
    const reply = await call("GET", `/api/v1/accounts/${t.account.id}/conversations`, { token: t.admin.access_token });
    expectStatus(reply, 200);
    const [conversation] = reply.body.data.payload;
    expectListFields(conversation, session.conversation.id);
    expect(conversation.last_non_activity_message).toMatchObject({ content: "Hi", message_type: 0 });
  });
});
