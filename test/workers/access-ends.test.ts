// Access ends at once: a /cable subscriber is weighed against their current role and inboxes when
// each event is sent, and loses their subscriptions with their membership. Each test shows the
// forbidden event absent by waiting, within a second, for a later control event the user may still see.
import { describe, expect, it } from "vitest";
import { AnnouncedChanges } from "../../src/durable/account/member-access";
import { connectCable } from "./cable-client";
import { call, clientSession, createInbox, expectStatus, inviteUser, tenant, unique } from "./helpers";

const WITHIN_A_SECOND = 1_000;
const DISCONNECT = { type: "disconnect", reason: "unauthorized", reconnect: false };

type Tenant = Awaited<ReturnType<typeof tenant>>;
type Session = Awaited<ReturnType<typeof clientSession>>;

/** A /cable connection of `user` subscribed to the tenant's account, with a promise of its closing. */
async function subscribed(t: Tenant, user: { id: number; pubsub_token: string }) {
  const cable = await connectCable();
  const closed = new Promise<number>((resolve) => cable.ws.addEventListener("close", (event) => resolve(event.code)));
  expect((await cable.subscribe(cable.identifierFor(user.pubsub_token, t.account.id, user.id))).type).toBe("confirm_subscription");
  return { cable, closed };
}

/** A visitor's message in the session's conversation. */
async function visitorSays(session: Session, content: string) {
  expectStatus(await call("POST", `${session.conversationPath}/messages`, { body: { content } }), 200);
}

/** A private note an administrator adds to the session's conversation. */
async function noteOn(t: Tenant, session: Session, content: string) {
  const path = `/api/v1/accounts/${t.account.id}/conversations/${session.conversation.id}/messages`;
  expectStatus(await call("POST", path, { token: t.admin.access_token, body: { content, private: true } }), 200);
}

async function setInboxMembers(t: Tenant, method: "POST" | "DELETE", inboxId: number, userIds: number[]) {
  expectStatus(
    await call(method, `/api/v1/accounts/${t.account.id}/inbox_members`, { token: t.admin.access_token, body: { inbox_id: inboxId, user_ids: userIds } }),
    200,
  );
}

const said = (content: string) => (data: { content?: string }) => data.content === content;

describe("/cable when a user's access changes", () => {
  it("stops sending a demoted administrator private notes and conversations of inboxes they are not in", async () => {
    const t = await tenant();
    const demoted = await inviteUser(t.agency.access_token, t.account.id, "administrator");
    const elsewhere = await clientSession(t);
    const own = await clientSession(t);
    await setInboxMembers(t, "POST", own.inbox.id, [demoted.id]);
    const { cable } = await subscribed(t, demoted);
    await visitorSays(elsewhere, "seen while an administrator");
    await cable.waitForEvent("message.created", said("seen while an administrator"));

    const demotion = await call("PATCH", `/api/v1/agency/accounts/${t.account.id}/users/${demoted.id}`, {
      token: t.agency.access_token,
      body: { role: "agent" },
    });
    expectStatus(demotion, 200);
    await noteOn(t, elsewhere, "note after the demotion");
    await visitorSays(elsewhere, "message after the demotion");
    await noteOn(t, own, "note in their own inbox");

    await cable.waitFor(
      (f) => f.message?.event === "message.created" && f.message.data.content === "note in their own inbox",
      "the control note",
      WITHIN_A_SECOND,
    );
    const seen = JSON.stringify(cable.frames);
    expect(seen).not.toContain("note after the demotion");
    expect(seen).not.toContain("message after the demotion");
    expect(cable.frames.some((f) => f.type === "disconnect")).toBe(false);
    cable.close();
  });

  it("sends a promoted agent the events of every inbox", async () => {
    const t = await tenant();
    const session = await clientSession(t);
    const { cable } = await subscribed(t, t.agent);
    expectStatus(
      await call("PATCH", `/api/v1/agency/accounts/${t.account.id}/users/${t.agent.id}`, { token: t.agency.access_token, body: { role: "administrator" } }),
      200,
    );
    await visitorSays(session, "seen once promoted");
    await cable.waitFor((f) => f.message?.event === "message.created" && f.message.data.content === "seen once promoted", "the message", WITHIN_A_SECOND);
    cable.close();
  });

  it("stops sending an agent removed from an inbox that inbox's events", async () => {
    const t = await tenant();
    const removedFrom = await clientSession(t);
    const kept = await clientSession(t);
    await setInboxMembers(t, "POST", removedFrom.inbox.id, [t.agent.id]);
    await setInboxMembers(t, "POST", kept.inbox.id, [t.agent.id]);
    const { cable } = await subscribed(t, t.agent);
    await visitorSays(removedFrom, "seen while a member");
    await cable.waitForEvent("message.created", said("seen while a member"));

    await setInboxMembers(t, "DELETE", removedFrom.inbox.id, [t.agent.id]);
    await visitorSays(removedFrom, "after leaving the inbox");
    await noteOn(t, removedFrom, "note after leaving the inbox");
    await visitorSays(kept, "in the inbox they kept");

    await cable.waitFor(
      (f) => f.message?.event === "message.created" && f.message.data.content === "in the inbox they kept",
      "the control message",
      WITHIN_A_SECOND,
    );
    const seen = JSON.stringify(cable.frames);
    expect(seen).not.toContain("after leaving the inbox");
    cable.close();
  });

  it("stops sending an agent the events of an inbox that was deleted", async () => {
    const t = await tenant();
    const deleted = await clientSession(t);
    const kept = await clientSession(t);
    await setInboxMembers(t, "POST", deleted.inbox.id, [t.agent.id]);
    await setInboxMembers(t, "POST", kept.inbox.id, [t.agent.id]);
    const { cable } = await subscribed(t, t.agent);

    expectStatus(await call("DELETE", `/api/v1/accounts/${t.account.id}/inboxes/${deleted.inbox.id}`, { token: t.admin.access_token }), 204);
    // The conversation may still take a note until the inbox's purge has run; its event must not reach the agent.
    await call("POST", `/api/v1/accounts/${t.account.id}/conversations/${deleted.conversation.id}/messages`, {
      token: t.admin.access_token,
      body: { content: "note in a deleted inbox", private: true },
    });
    await visitorSays(kept, "in the inbox that stays");
    await cable.waitFor(
      (f) => f.message?.event === "message.created" && f.message.data.content === "in the inbox that stays",
      "the control message",
      WITHIN_A_SECOND,
    );
    expect(JSON.stringify(cable.frames)).not.toContain("note in a deleted inbox");
    cable.close();
  });

  it("disconnects a user removed from the account, who then receives no contact events", async () => {
    const t = await tenant();
    const removed = await inviteUser(t.agency.access_token, t.account.id, "agent");
    const { cable, closed } = await subscribed(t, removed);
    const admin = await subscribed(t, t.admin);
    const inbox = await createInbox(t.admin.access_token, t.account.id, { channel: { type: "api" } });
    const before = await call("POST", `/public/api/v1/inboxes/${inbox.inbox_identifier}/contacts`, { body: { name: "Before the removal" } });
    await cable.waitForEvent("contact.created", (d) => d.id === before.body.id);

    expectStatus(await call("DELETE", `/api/v1/agency/accounts/${t.account.id}/users/${removed.id}`, { token: t.agency.access_token }), 204);
    expect(await cable.waitFor((f) => f.type === "disconnect", "a disconnect frame", WITHIN_A_SECOND)).toEqual(DISCONNECT);
    await closed;
    const name = unique("after the removal");
    const after = await call("POST", `/public/api/v1/inboxes/${inbox.inbox_identifier}/contacts`, { body: { name } });
    await admin.cable.waitFor((f) => f.message?.event === "contact.created" && f.message.data.id === after.body.id, "the control contact", WITHIN_A_SECOND);
    expect(JSON.stringify(cable.frames)).not.toContain(name);
    admin.cable.close();
  });

  it("disconnects the users of a deleted account at once", async () => {
    const t = await tenant();
    const admin = await subscribed(t, t.admin);
    const agent = await subscribed(t, t.agent);
    expectStatus(await call("DELETE", `/api/v1/agency/accounts/${t.account.id}`, { token: t.agency.access_token }), 204);
    for (const { cable } of [admin, agent]) {
      expect(await cable.waitFor((f) => f.type === "disconnect", "a disconnect frame", WITHIN_A_SECOND)).toEqual(DISCONNECT);
    }
    await Promise.all([admin.closed, agent.closed]);
  });

  it("disconnects a user whose token was rotated, who then receives nothing more", async () => {
    const t = await tenant();
    const session = await clientSession(t);
    const { cable, closed } = await subscribed(t, t.admin);
    const other = await subscribed(t, { id: t.agent.id, pubsub_token: t.agent.pubsub_token });
    await setInboxMembers(t, "POST", session.inbox.id, [t.agent.id]);

    expectStatus(await call("POST", `/api/v1/agency/accounts/${t.account.id}/users/${t.admin.id}/rotate_token`, { token: t.agency.access_token }), 200);
    expect(await cable.waitFor((f) => f.type === "disconnect", "a disconnect frame", WITHIN_A_SECOND)).toEqual(DISCONNECT);
    await closed;
    await visitorSays(session, "after the rotation");
    await other.cable.waitFor(
      (f) => f.message?.event === "message.created" && f.message.data.content === "after the rotation",
      "the control message",
      WITHIN_A_SECOND,
    );
    expect(JSON.stringify(cable.frames)).not.toContain("after the rotation");
    other.cable.close();
  });
});

describe("AnnouncedChanges", () => {
  it("never applies a read that began before the latest announced change", async () => {
    const changes = new AnnouncedChanges(30);
    let stored = "before";
    const applied: string[] = [];
    let release: () => void = () => undefined;
    const firstReadHeld = new Promise<void>((resolve) => (release = resolve));
    let reads = 0;
    const refreshing = changes.refresh(
      async () => {
        const value = stored;
        if (++reads === 1) await firstReadHeld;
        return () => applied.push(value);
      },
      () => 0,
    );
    stored = "after";
    changes.announce();
    release();
    await refreshing;
    expect(applied).toEqual(["after"]);
    expect(changes.isStale(0)).toBe(false);
  });

  it("is stale once a change is announced, and once its time is up", async () => {
    const changes = new AnnouncedChanges(30);
    expect(changes.isStale(0)).toBe(true);
    await changes.refresh(
      async () => () => undefined,
      () => 100,
    );
    expect(changes.isStale(130)).toBe(false);
    expect(changes.isStale(131)).toBe(true);
    changes.announce();
    expect(changes.isStale(100)).toBe(true);
  });

  it("shares one read among callers that ask while it is under way", async () => {
    const changes = new AnnouncedChanges(30);
    let reads = 0;
    const read = async () => {
      reads++;
      await Promise.resolve();
      return () => undefined;
    };
    await Promise.all([changes.refresh(read, () => 0), changes.refresh(read, () => 0), changes.refresh(read, () => 0)]);
    expect(reads).toBe(1);
  });
});
