import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { accountObject } from "../../src/durable/addresses";
import { NOTIFICATIONS_KEPT_PER_USER, NotificationStore } from "../../src/durable/account/notifications";
import { connectCable } from "./cable-client";
import { widgetCommandSession } from "./widget-fixtures";
import { call, clientSession, createInbox, createTeam, expectStatus, inviteUser, tenant, unique } from "./helpers";

type Tenant = Awaited<ReturnType<typeof tenant>>;

const notificationsPath = (accountId: number) => `/api/v1/accounts/${accountId}/notifications`;
const as = (user: { access_token: string }) => ({ token: user.access_token });

async function listOf(t: Tenant, user: { access_token: string }, page = 1) {
  const reply = await call("GET", `${notificationsPath(t.account.id)}?page=${page}`, as(user));
  expectStatus(reply, 200);
  return reply.body.data as { meta: { unread_count: number; count: number; current_page: number }; payload: any[] };
}

async function subscribed(user: { pubsub_token: string }, accountId: number) {
  const cable = await connectCable();
  await cable.subscribe(cable.identifierFor(user.pubsub_token, accountId));
  return cable;
}

const attention = (displayId: number, to: Parameters<ReturnType<typeof accountObject>["notify"]>[0]["to"], key?: string) => ({
  key,
  displayId,
  notificationType: "conversation_notify" as const,
  title: `Look at #${displayId}`,
  to,
});

async function addInboxMember(t: Tenant, inboxId: number, userId: number) {
  expectStatus(await call("POST", `/api/v1/accounts/${t.account.id}/inbox_members`, { ...as(t.admin), body: { inbox_id: inboxId, user_ids: [userId] } }), 200);
}

/**
 * A website inbox with a chat widget, a visitor session and a way to send `>cs` commands. The widget
 * trusts the page's script, so the commands that act on people (/notify, @mention) are allowed.
 */
async function widgetSession(t: Tenant) {
  const { inbox, session, send } = await widgetCommandSession(t, { settings: { trust_page_script: true } });
  return { inbox, displayId: session.conversation_id as number, command: send };
}

const note = (t: Tenant, author: { access_token: string }, displayId: number, content: string, isPrivate = true) =>
  call("POST", `/api/v1/accounts/${t.account.id}/conversations/${displayId}/messages`, { ...as(author), body: { content, private: isPrivate } });

const mention = (user: { id: number; name?: string }, name = "Someone") => `[@${name}](mention://user/${user.id}/${encodeURIComponent(name)})`;

describe("Account.notify", () => {
  it("stores a notification and sends notification.created with Chatwoot's payload over /cable", async () => {
    const t = await tenant();
    const { conversation } = await clientSession(t);
    const cable = await subscribed(t.admin, t.account.id);

    expect(await accountObject(env, t.account.id).notify(attention(conversation.id, { userId: t.admin.id }))).toBe(1);

    const frame = await cable.waitForEvent("notification.created");
    const [stored] = (await listOf(t, t.admin)).payload;
    expect(frame.message?.data).toEqual(stored);
    expect(stored).toMatchObject({
      notification_type: "conversation_notify",
      push_message_title: `Look at #${conversation.id}`,
      primary_actor_type: "Conversation",
      primary_actor_id: conversation.id,
      primary_actor: { id: conversation.id, account_id: t.account.id },
      read_at: null,
      secondary_actor: null,
      user_id: t.admin.id,
      account_id: t.account.id,
    });
    expect(stored.id).toBeTypeOf("number");
    expect(stored.created_at).toBeTypeOf("number");
    cable.close();
  });

  it("stores nothing twice for the same key, and sends it once", async () => {
    const t = await tenant();
    const { conversation } = await clientSession(t);
    const cable = await subscribed(t.admin, t.account.id);
    const account = accountObject(env, t.account.id);

    expect(await account.notify(attention(conversation.id, { userId: t.admin.id }, "sla:frt:1"))).toBe(1);
    expect(await account.notify(attention(conversation.id, { userId: t.admin.id }, "sla:frt:1"))).toBe(0);
    expect(await account.notify(attention(conversation.id, { userId: t.admin.id }, "sla:frt:2"))).toBe(1);

    expect((await listOf(t, t.admin)).meta.count).toBe(2);
    await cable.waitFor(() => cable.events("notification.created").length === 2, "two notifications");
    cable.close();
  });

  it("notifies only users who can see the conversation: administrators and the inbox's agents", async () => {
    const t = await tenant();
    const { conversation, inbox } = await clientSession(t);
    const account = accountObject(env, t.account.id);

    expect(await account.notify(attention(conversation.id, { userId: t.agent.id }))).toBe(0);
    expect(await account.notify(attention(conversation.id, "everyone"))).toBe(1);
    expect((await listOf(t, t.agent)).payload).toEqual([]);

    await addInboxMember(t, inbox.id, t.agent.id);
    expect(await account.notify(attention(conversation.id, { userIds: [t.agent.id, t.admin.id] }))).toBe(2);
    expect((await listOf(t, t.agent)).payload.map((n) => n.user_id)).toEqual([t.agent.id]);
  });

  it("sends an inbox's notification to that inbox's agents and the administrators, if they see the conversation", async () => {
    const t = await tenant();
    const { conversation, inbox } = await clientSession(t);
    const otherInbox = await createInbox(t.admin.access_token, t.account.id);
    const account = accountObject(env, t.account.id);
    await addInboxMember(t, otherInbox.id, t.agent.id);

    // The agent is in the named inbox, but not in the conversation's.
    expect(await account.notify(attention(conversation.id, { inboxId: otherInbox.id }))).toBe(1);
    await addInboxMember(t, inbox.id, t.agent.id);
    expect(await account.notify(attention(conversation.id, { inboxId: inbox.id }))).toBe(2);
    expect((await listOf(t, t.agent)).meta.count).toBe(1);
  });

  it("stores nothing for a conversation the account does not have", async () => {
    const t = await tenant();
    expect(await accountObject(env, t.account.id).notify(attention(424242, "everyone"))).toBe(0);
  });

  it("keeps each user's newest notifications only", async () => {
    const t = await tenant();
    const stub = env.ACCOUNT.getByName(String(t.account.id));
    const remaining = await runInDurableObject(stub, (_, state) => {
      const store = new NotificationStore(state.storage.sql);
      const input = { key: null, notificationType: "conversation_notify" as const, displayId: 1, title: "x", createdAt: 1 };
      for (let i = 0; i < NOTIFICATIONS_KEPT_PER_USER + 5; i++) store.create([7, 8], input);
      const countOf = (userId: number) => store.page(userId, 1, 1).count;
      return { seven: countOf(7), eight: countOf(8), newest: store.page(7, 1, 1).records[0]?.id };
    });
    expect(remaining.seven).toBe(NOTIFICATIONS_KEPT_PER_USER);
    expect(remaining.eight).toBe(NOTIFICATIONS_KEPT_PER_USER);
    expect(remaining.newest).toBe(2 * (NOTIFICATIONS_KEPT_PER_USER + 5) - 1);
  });
});

describe(">cs commands notify and store", () => {
  it("stores /notify for the inbox's agents and the administrators", async () => {
    const t = await tenant();
    const { inbox, displayId, command } = await widgetSession(t);
    await addInboxMember(t, inbox.id, t.agent.id);
    const cable = await subscribed(t.agent, t.account.id);

    expectStatus(await command(`>cs /notify ${inbox.id}`), 200);

    const frame = await cable.waitForEvent("notification.created");
    expect(frame.message?.data).toMatchObject({ notification_type: "conversation_notify", primary_actor_id: displayId, user_id: t.agent.id });
    for (const user of [t.admin, t.agent]) {
      expect((await listOf(t, user)).payload.map((n) => n.notification_type)).toEqual(["conversation_notify"]);
    }
    cable.close();
  });

  it("stores >cs @<user id> as a mention of that user", async () => {
    const t = await tenant();
    const { displayId, command } = await widgetSession(t);
    expectStatus(await command(`>cs @${t.admin.id} Please call me back`), 200);
    const [stored] = (await listOf(t, t.admin)).payload;
    expect(stored).toMatchObject({ notification_type: "conversation_mention", push_message_title: "Please call me back", primary_actor_id: displayId });
  });
});

describe("mentions in agents' private notes", () => {
  it("notifies a mentioned user who can see the conversation", async () => {
    const t = await tenant();
    const { conversation, inbox } = await clientSession(t);
    await addInboxMember(t, inbox.id, t.agent.id);
    const cable = await subscribed(t.agent, t.account.id);

    expectStatus(await note(t, t.admin, conversation.id, `${mention(t.agent, "Agent Smith")} can you take this refund?`), 200);

    const frame = await cable.waitForEvent("notification.created");
    expect(frame.message?.data).toMatchObject({ notification_type: "conversation_mention", primary_actor_id: conversation.id, user_id: t.agent.id });
    expect(frame.message?.data.push_message_title).toContain("@Agent Smith can you take this refund?");
    cable.close();
  });

  it("notifies nobody for a mention in a public reply, a self-mention or a user who cannot see the conversation", async () => {
    const t = await tenant();
    const { conversation } = await clientSession(t);

    expectStatus(await note(t, t.admin, conversation.id, `${mention(t.agent)} hello`, false), 200);
    expectStatus(await note(t, t.admin, conversation.id, `${mention(t.admin)} reminder to self`), 200);
    expectStatus(await note(t, t.admin, conversation.id, `${mention(t.agent)} not your inbox`), 200);

    expect((await listOf(t, t.admin)).payload).toEqual([]);
    expect((await listOf(t, t.agent)).payload).toEqual([]);
  });

  it("notifies the members of a mentioned team once each", async () => {
    const t = await tenant();
    const { conversation } = await clientSession(t);
    const colleague = await inviteUser(t.agency.access_token, t.account.id, "administrator");
    const team = await createTeam(t.admin.access_token, t.account.id);
    expectStatus(
      await call("POST", `/api/v1/accounts/${t.account.id}/teams/${team.id}/team_members`, { ...as(t.admin), body: { user_ids: [colleague.id, t.agent.id] } }),
      200,
    );

    const content = `[@${team.name}](mention://team/${team.id}/${team.name}) and ${mention(colleague)} please look`;
    expectStatus(await note(t, t.admin, conversation.id, content), 200);

    expect((await listOf(t, colleague)).payload.map((n) => n.notification_type)).toEqual(["conversation_mention"]);
    // The agent is in the team but not in the conversation's inbox.
    expect((await listOf(t, t.agent)).payload).toEqual([]);
  });
});

describe("notifications API", () => {
  async function withNotifications(count: number) {
    const t = await tenant();
    const { conversation } = await clientSession(t);
    const account = accountObject(env, t.account.id);
    for (let i = 0; i < count; i++) await account.notify(attention(conversation.id, { userId: t.admin.id }));
    return { t, conversation };
  }

  it("lists the caller's notifications newest first, fifteen per page, with counts", async () => {
    const { t } = await withNotifications(17);
    const first = await listOf(t, t.admin);
    expect(first.meta).toEqual({ unread_count: 17, count: 17, current_page: 1 });
    expect(first.payload).toHaveLength(15);
    const ids = first.payload.map((n) => n.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const second = await listOf(t, t.admin, 2);
    expect(second.meta.current_page).toBe(2);
    expect(second.payload).toHaveLength(2);
  });

  it("answers the unread count bare", async () => {
    const { t } = await withNotifications(3);
    const reply = await call("GET", `${notificationsPath(t.account.id)}/unread_count`, as(t.admin));
    expectStatus(reply, 200);
    expect(reply.body).toBe(3);
  });

  it("marks one read and unread again", async () => {
    const { t } = await withNotifications(2);
    const [newest] = (await listOf(t, t.admin)).payload;
    const read = await call("PATCH", `${notificationsPath(t.account.id)}/${newest.id}`, as(t.admin));
    expectStatus(read, 200);
    expect(read.body).toMatchObject({ id: newest.id, primary_actor_type: "Conversation" });
    expect(Date.parse(read.body.read_at)).not.toBeNaN();
    expect((await listOf(t, t.admin)).meta.unread_count).toBe(1);

    const unread = await call("POST", `${notificationsPath(t.account.id)}/${newest.id}/unread`, as(t.admin));
    expectStatus(unread, 200);
    expect(unread.body.read_at).toBeNull();
    expect((await listOf(t, t.admin)).meta.unread_count).toBe(2);
  });

  it("marks all read, or all about one conversation", async () => {
    const { t, conversation } = await withNotifications(2);
    const second = await clientSession(t);
    await accountObject(env, t.account.id).notify(attention(second.conversation.id, { userId: t.admin.id }));

    const scoped = await call("POST", `${notificationsPath(t.account.id)}/read_all`, {
      ...as(t.admin),
      body: { primary_actor_type: "Conversation", primary_actor_id: conversation.id },
    });
    expectStatus(scoped, 200);
    const afterScoped = await listOf(t, t.admin);
    expect(afterScoped.meta.unread_count).toBe(1);
    expect(afterScoped.payload.find((n) => n.read_at === null)?.primary_actor_id).toBe(second.conversation.id);

    expectStatus(await call("POST", `${notificationsPath(t.account.id)}/read_all`, as(t.admin)), 200);
    expect((await listOf(t, t.admin)).meta.unread_count).toBe(0);
  });

  it("deletes one", async () => {
    const { t } = await withNotifications(2);
    const [newest] = (await listOf(t, t.admin)).payload;
    expectStatus(await call("DELETE", `${notificationsPath(t.account.id)}/${newest.id}`, as(t.admin)), 200);
    expectStatus(await call("DELETE", `${notificationsPath(t.account.id)}/${newest.id}`, as(t.admin)), 404);
    expect((await listOf(t, t.admin)).meta.count).toBe(1);
  });

  it("keeps each user to their own notifications", async () => {
    const { t } = await withNotifications(1);
    const [own] = (await listOf(t, t.admin)).payload;
    expect((await listOf(t, t.agent)).payload).toEqual([]);
    for (const [method, suffix] of [
      ["PATCH", ""],
      ["POST", "/unread"],
      ["DELETE", ""],
    ] as const) {
      expectStatus(await call(method, `${notificationsPath(t.account.id)}/${own.id}${suffix}`, as(t.agent)), 404);
    }
    expectStatus(await call("POST", `${notificationsPath(t.account.id)}/read_all`, as(t.agent)), 200);
    expect((await listOf(t, t.admin)).payload).toEqual([own]);
  });

  it("keeps accounts apart: a user of two accounts sees each account's notifications there only", async () => {
    const { t } = await withNotifications(1);
    const sibling = await call("POST", "/api/v1/agency/accounts", { token: t.agency.access_token, body: { name: unique("sibling") } });
    expectStatus(sibling, 201);
    const again = await call("POST", `/api/v1/agency/accounts/${sibling.body.id}/users`, {
      token: t.agency.access_token,
      body: { name: "Admin again", email: t.admin.email, role: "administrator" },
    });
    expectStatus(again, 201);

    const there = await call("GET", notificationsPath(sibling.body.id), as(t.admin));
    expectStatus(there, 200);
    expect(there.body.data).toEqual({ meta: { unread_count: 0, count: 0, current_page: 1 }, payload: [] });
    const [own] = (await listOf(t, t.admin)).payload;
    expectStatus(await call("PATCH", `${notificationsPath(sibling.body.id)}/${own.id}`, as(t.admin)), 404);
  });

  it("shows a notification without its conversation once the caller no longer sees it", async () => {
    const t = await tenant();
    const { conversation, inbox } = await clientSession(t);
    await addInboxMember(t, inbox.id, t.agent.id);
    await accountObject(env, t.account.id).notify(attention(conversation.id, { userId: t.agent.id }));
    expectStatus(
      await call("DELETE", `/api/v1/accounts/${t.account.id}/inbox_members`, { ...as(t.admin), body: { inbox_id: inbox.id, user_ids: [t.agent.id] } }),
      200,
    );
    const [stored] = (await listOf(t, t.agent)).payload;
    expect(stored).toMatchObject({ primary_actor_id: conversation.id, primary_actor: null });
  });
});

const settingsPath = (accountId: number) => `/api/v1/accounts/${accountId}/notification_settings`;

async function setFlags(t: Tenant, user: { access_token: string }, flags: { selected_email_flags?: string[]; selected_push_flags?: string[] }) {
  const reply = await call("PATCH", settingsPath(t.account.id), { ...as(user), body: { notification_settings: flags } });
  expectStatus(reply, 200);
  return reply.body;
}

const ofType = async (t: Tenant, user: { access_token: string }, type: string) =>
  (await listOf(t, user)).payload.filter((notification) => notification.notification_type === type);

describe("notification settings", () => {
  it("starts from Chatwoot's defaults: no email, push for every type but new conversations", async () => {
    const t = await tenant();
    const reply = await call("GET", settingsPath(t.account.id), as(t.agent));
    expectStatus(reply, 200);
    expect(reply.body).toMatchObject({ user_id: t.agent.id, account_id: t.account.id, selected_email_flags: [] });
    expect(reply.body.id).toBeTypeOf("number");
    expect(reply.body.all_email_flags).toContain("email_conversation_creation");
    expect(reply.body.all_push_flags).toContain("push_assigned_conversation_new_message");
    expect(reply.body.selected_push_flags).toEqual(reply.body.all_push_flags.filter((flag: string) => flag !== "push_conversation_creation"));
    // Reading again gives the same stored row.
    expect((await call("GET", settingsPath(t.account.id), as(t.agent))).body).toEqual(reply.body);
  });

  it("replaces the kind of flags given and keeps the other, with PATCH and PUT, for the caller only", async () => {
    const t = await tenant();
    const changed = await setFlags(t, t.agent, { selected_email_flags: ["email_conversation_assignment", "email_conversation_assignment"] });
    expect(changed.selected_email_flags).toEqual(["email_conversation_assignment"]);
    expect(changed.selected_push_flags).toContain("push_conversation_mention");

    const put = await call("PUT", settingsPath(t.account.id), {
      ...as(t.agent),
      body: { notification_settings: { selected_push_flags: ["push_conversation_creation"] } },
    });
    expectStatus(put, 200);
    expect(put.body).toMatchObject({ selected_email_flags: ["email_conversation_assignment"], selected_push_flags: ["push_conversation_creation"] });
    expect((await call("GET", settingsPath(t.account.id), as(t.agent))).body).toEqual(put.body);
    expect((await call("GET", settingsPath(t.account.id), as(t.admin))).body.selected_email_flags).toEqual([]);
  });

  it("refuses flags that do not exist and bodies of the wrong shape, changing nothing", async () => {
    const t = await tenant();
    for (const body of [
      { notification_settings: { selected_push_flags: ["push_everything"] } },
      { notification_settings: { selected_email_flags: ["push_conversation_assignment"] } },
      { notification_settings: { selected_email_flags: "email_conversation_assignment" } },
      { selected_push_flags: [] },
      { notification_settings: { selected_push_flags: [], extra: true } },
    ]) {
      const reply = await call("PATCH", settingsPath(t.account.id), { ...as(t.agent), body });
      expectStatus(reply, 422);
      expect(reply.body.error.code).toBeTypeOf("string");
    }
    expect((await call("GET", settingsPath(t.account.id), as(t.agent))).body.selected_push_flags).toContain("push_conversation_assignment");
  });

  it("stores a type only for users who keep its email or push flag", async () => {
    const t = await tenant();
    const { conversation } = await clientSession(t);
    const account = accountObject(env, t.account.id);
    await setFlags(t, t.admin, { selected_push_flags: [] });
    expect(await account.notify(attention(conversation.id, { userId: t.admin.id }))).toBe(0);
    await setFlags(t, t.admin, { selected_email_flags: ["email_conversation_notify"] });
    expect(await account.notify(attention(conversation.id, { userId: t.admin.id }))).toBe(1);
  });
});

describe("notifications of new conversations and new messages", () => {
  it("tells nobody of a new conversation until they choose to be told, then those who see its inbox", async () => {
    const t = await tenant();
    const first = await clientSession(t);
    expect(await ofType(t, t.admin, "conversation_creation")).toEqual([]);

    await setFlags(t, t.admin, { selected_push_flags: ["push_conversation_creation"] });
    await setFlags(t, t.agent, { selected_email_flags: ["email_conversation_creation"] });
    const cable = await subscribed(t.admin, t.account.id);
    const reply = await call("POST", `/public/api/v1/inboxes/${first.identifier}/contacts/${first.contact.source_id}/conversations`, { body: {} });
    expectStatus(reply, 200);

    const frame = await cable.waitForEvent("notification.created", (data) => data.notification_type === "conversation_creation");
    expect(frame.message?.data).toMatchObject({
      primary_actor_id: reply.body.id,
      push_message_title: `[New conversation] - #${reply.body.id} has been created in ${first.inbox.name}`,
      user_id: t.admin.id,
    });
    expect((await ofType(t, t.admin, "conversation_creation")).map((n) => n.primary_actor_id)).toEqual([reply.body.id]);
    // The agent chose it too, but is no member of the inbox.
    expect(await ofType(t, t.agent, "conversation_creation")).toEqual([]);

    await addInboxMember(t, first.inbox.id, t.agent.id);
    const next = await call("POST", `/public/api/v1/inboxes/${first.identifier}/contacts/${first.contact.source_id}/conversations`, { body: {} });
    expectStatus(next, 200);
    expect((await ofType(t, t.agent, "conversation_creation")).map((n) => n.primary_actor_id)).toEqual([next.body.id]);
    cable.close();
  });

  it("tells the assignee of each new message they did not write, keeping the latest per conversation", async () => {
    const t = await tenant();
    const session = await clientSession(t);
    const displayId = session.conversation.id;
    await addInboxMember(t, session.inbox.id, t.agent.id);
    expectStatus(
      await call("POST", `/api/v1/accounts/${t.account.id}/conversations/${displayId}/assignments`, { ...as(t.admin), body: { assignee_id: t.agent.id } }),
      200,
    );
    const cable = await subscribed(t.agent, t.account.id);
    const visitorSays = async (content: string) => expectStatus(await call("POST", `${session.conversationPath}/messages`, { body: { content } }), 200);

    await visitorSays("Is anyone there?");
    const frame = await cable.waitForEvent("notification.created", (data) => data.notification_type === "assigned_conversation_new_message");
    expect(frame.message?.data).toMatchObject({
      push_message_title: `[New message] - #${displayId} Is anyone there?`,
      primary_actor_id: displayId,
      primary_actor: { id: displayId, meta: { assignee: { id: t.agent.id } } },
      user_id: t.agent.id,
    });

    await visitorSays("Hello again");
    const latest = await ofType(t, t.agent, "assigned_conversation_new_message");
    expect(latest.map((n) => n.push_message_title)).toEqual([`[New message] - #${displayId} Hello again`]);

    // The assignee's own reply and anyone's private note tell nobody; another agent's reply does.
    expectStatus(await note(t, t.agent, displayId, "On it", false), 200);
    expectStatus(await note(t, t.admin, displayId, "Internal remark"), 200);
    expect((await ofType(t, t.agent, "assigned_conversation_new_message")).map((n) => n.push_message_title)).toEqual([
      `[New message] - #${displayId} Hello again`,
    ]);
    expectStatus(await note(t, t.admin, displayId, "Taking a look as well", false), 200);
    expect((await ofType(t, t.agent, "assigned_conversation_new_message")).map((n) => n.push_message_title)).toEqual([
      `[New message] - #${displayId} Taking a look as well`,
    ]);
    expect(await ofType(t, t.admin, "assigned_conversation_new_message")).toEqual([]);
    cable.close();
  });

  it("tells nobody of messages in an unassigned conversation, nor an assignee who turned the type off", async () => {
    const t = await tenant();
    const session = await clientSession(t);
    await call("POST", `${session.conversationPath}/messages`, { body: { content: "Nobody assigned" } });
    expect(await ofType(t, t.admin, "assigned_conversation_new_message")).toEqual([]);

    await setFlags(t, t.admin, { selected_push_flags: ["push_conversation_assignment"] });
    expectStatus(
      await call("POST", `/api/v1/accounts/${t.account.id}/conversations/${session.conversation.id}/assignments`, {
        ...as(t.admin),
        body: { assignee_id: t.admin.id },
      }),
      200,
    );
    expectStatus(await call("POST", `${session.conversationPath}/messages`, { body: { content: "Now assigned" } }), 200);
    expect(await ofType(t, t.admin, "assigned_conversation_new_message")).toEqual([]);
  });
});
