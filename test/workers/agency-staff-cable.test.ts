// /cable for an agency user's session that opened a sub-account: it subscribes there as an
// administrator without being a member, is never listed in the account's presence, and loses the
// subscription at once when the session ends, opens another sub-account or the user leaves the agency.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, clientSession, createAccount, createAgency, expectStatus, PLATFORM_TOKEN, tenant, unique } from "./helpers";
import { connectCable } from "./cable-client";
import { PASSWORD, signIn } from "./sign-in-fixtures";

const DISCONNECT = { type: "disconnect", reason: "unauthorized", reconnect: false };

async function agencyUser(agencyId: number, role: "owner" | "admin") {
  const reply = await call("POST", `/platform/api/v1/agencies/${agencyId}/users`, {
    token: PLATFORM_TOKEN,
    body: { name: `Agency ${role}`, email: `${unique(role)}@agency.test`, role, password: PASSWORD },
  });
  expectStatus(reply, 201);
  const user = reply.body as { id: number; email: string };
  return { user, session: await signIn(user.email) };
}

async function open(accessToken: string, accountId: number) {
  expectStatus(await call("POST", `/api/v1/agency/accounts/${accountId}/open`, { token: accessToken }), 200);
}

/** A /cable connection subscribed (or refused) to the account with `pubsubToken`, and a promise of its closing. */
async function cableFor(pubsubToken: string, accountId: number, userId: number) {
  const cable = await connectCable();
  const closed = new Promise<number>((resolve) => cable.ws.addEventListener("close", (event) => resolve(event.code)));
  const identifier = cable.identifierFor(pubsubToken, accountId, userId);
  const answer = await cable.subscribe(identifier);
  return { cable, closed, identifier, answer: answer.type };
}

/** A tenant (members, an API inbox with a conversation) and an agency owner whose session opened the account. */
async function openedByOwner() {
  const t = await tenant();
  const chat = await clientSession(t);
  const owner = await agencyUser(t.agency.id, "owner");
  await open(owner.session.accessToken, t.account.id);
  return { ...t, chat, owner };
}

describe("/cable for an agency user's session that opened a sub-account", () => {
  it("subscribes and receives the account's conversation events, private notes included", async () => {
    const { account, admin, chat, owner } = await openedByOwner();
    const { cable, answer } = await cableFor(owner.session.data.pubsub_token, account.id, owner.user.id);
    expect(answer).toBe("confirm_subscription");
    const path = `/api/v1/accounts/${account.id}/conversations/${chat.conversation.id}/messages`;
    expectStatus(await call("POST", path, { token: admin.access_token, body: { content: "Only for the team", private: true } }), 200);
    const note = await cable.waitForEvent("message.created", (data) => data.content === "Only for the team");
    expect(note.message?.data.private).toBe(true);
    expectStatus(
      await call("POST", `/api/v1/accounts/${account.id}/conversations/${chat.conversation.id}/toggle_status`, {
        token: admin.access_token,
        body: { status: "resolved" },
      }),
      200,
    );
    await cable.waitForEvent("conversation.status_changed", (data) => data.id === chat.conversation.id && data.status === "resolved");
    cable.close();
  });

  it("is never listed in the account's presence, to itself or to the members", async () => {
    const { account, admin, owner } = await openedByOwner();
    const member = await cableFor(admin.pubsub_token, account.id, admin.id);
    await member.cable.waitForEvent("presence.update", (data) => String(admin.id) in data.users);
    const acting = await cableFor(owner.session.data.pubsub_token, account.id, owner.user.id);
    acting.cable.send(acting.identifier, { action: "update_presence" });
    await acting.cable.waitFor((f) => f.message?.event === "presence.update" && acting.cable.events("presence.update").length >= 2, "a second presence.update");
    const seen = [...acting.cable.events("presence.update"), ...member.cable.events("presence.update")];
    expect(seen.every((data) => !(String(owner.user.id) in data.users))).toBe(true);
    const agents = await call("GET", `/api/v1/accounts/${account.id}/agents`, { token: admin.access_token });
    expect((agents.body as { id: number }[]).map((a) => a.id)).not.toContain(owner.user.id);
    member.cable.close();
    acting.cable.close();
  });

  it("ends the subscription at once when the session opens another sub-account, and may subscribe there", async () => {
    const { agency, account, owner } = await openedByOwner();
    const second = await createAccount(agency.access_token);
    const first = await cableFor(owner.session.data.pubsub_token, account.id, owner.user.id);
    expect(first.answer).toBe("confirm_subscription");
    await open(owner.session.accessToken, second.id);
    expect(await first.cable.waitFor((f) => f.type === "disconnect", "a disconnect frame")).toEqual(DISCONNECT);
    await first.closed;
    expect((await cableFor(owner.session.data.pubsub_token, account.id, owner.user.id)).answer).toBe("reject_subscription");
    const there = await cableFor(owner.session.data.pubsub_token, second.id, owner.user.id);
    expect(there.answer).toBe("confirm_subscription");
    there.cable.close();
  });

  it("ends the subscription at once when the session signs out", async () => {
    const { account, owner } = await openedByOwner();
    const { cable, closed } = await cableFor(owner.session.data.pubsub_token, account.id, owner.user.id);
    expectStatus(await call("DELETE", "/auth/sign_out", { token: owner.session.accessToken }), 200);
    expect(await cable.waitFor((f) => f.type === "disconnect", "a disconnect frame")).toEqual(DISCONNECT);
    await closed;
  });

  it("ends the subscription at once when the user is removed from the agency", async () => {
    const { agency, account, owner } = await openedByOwner();
    const staff = await agencyUser(agency.id, "admin");
    await open(staff.session.accessToken, account.id);
    const { cable, closed, answer } = await cableFor(staff.session.data.pubsub_token, account.id, staff.user.id);
    expect(answer).toBe("confirm_subscription");
    expectStatus(await call("DELETE", `/api/v1/agency/agency_users/${staff.user.id}`, { token: owner.session.accessToken }), 204);
    expect(await cable.waitFor((f) => f.type === "disconnect", "a disconnect frame")).toEqual(DISCONNECT);
    await closed;
  });

  it("refuses a session that has not opened the account", async () => {
    const { account, agency } = await openedByOwner();
    const staff = await agencyUser(agency.id, "admin");
    expect((await cableFor(staff.session.data.pubsub_token, account.id, staff.user.id)).answer).toBe("reject_subscription");
  });

  it("refuses an agency admin of another agency, even with their session's acting account pointed at it", async () => {
    const { account } = await openedByOwner();
    const other = await createAgency();
    const theirs = await createAccount(other.access_token);
    const stranger = await agencyUser(other.id, "admin");
    expectStatus(await call("POST", `/api/v1/agency/accounts/${account.id}/open`, { token: stranger.session.accessToken }), 404);
    await open(stranger.session.accessToken, theirs.id);
    await env.DB.prepare("update user_sessions set acting_account_id = ? where client_id = ?").bind(account.id, stranger.session.client).run();
    expect((await cableFor(stranger.session.data.pubsub_token, account.id, stranger.user.id)).answer).toBe("reject_subscription");
  });
});
