import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, expectStatus, tenant } from "./helpers";
import { connectCable } from "./cable-client";
import { deviseHeaders, PASSWORD, signIn, userWithPassword } from "./sign-in-fixtures";

const DISCONNECT = { type: "disconnect", reason: "unauthorized", reconnect: false };

/** A /cable connection subscribed to the account with `pubsubToken`, and a promise of its closing. */
async function subscribed(pubsubToken: string, accountId: number, userId: number) {
  const cable = await connectCable();
  const closed = new Promise<number>((resolve) => cable.ws.addEventListener("close", (event) => resolve(event.code)));
  const answer = await cable.subscribe(cable.identifierFor(pubsubToken, accountId, userId));
  expect(answer.type).toBe("confirm_subscription");
  return { cable, closed };
}

async function signedInUser() {
  const t = await tenant();
  const user = await userWithPassword(t.agency.access_token, t.account.id, "administrator");
  return { ...t, user, session: await signIn(user.email) };
}

describe("/cable when access ends", () => {
  it("subscribes with a session's pubsub token", async () => {
    const { user, account, session } = await signedInUser();
    const { cable } = await subscribed(session.data.pubsub_token, account.id, user.id);
    await cable.waitForEvent("presence.update");
    cable.close();
  });

  it("disconnects the session's subscriptions when it signs out, and refuses its pubsub token afterwards", async () => {
    const { user, account, session } = await signedInUser();
    const { cable, closed } = await subscribed(session.data.pubsub_token, account.id, user.id);
    expectStatus(await call("DELETE", "/auth/sign_out", { headers: deviseHeaders(session) }), 200);
    const frame = await cable.waitFor((f) => f.type === "disconnect", "a disconnect frame");
    expect(frame).toEqual(DISCONNECT);
    await closed;

    const again = await connectCable();
    expect((await again.subscribe(again.identifierFor(session.data.pubsub_token, account.id, user.id))).type).toBe("reject_subscription");
    again.close();
  });

  it("disconnects a revoked session's subscriptions and leaves the others open", async () => {
    const { user, account, session } = await signedInUser();
    const other = await signIn(user.email);
    const revoked = await subscribed(other.data.pubsub_token, account.id, user.id);
    const kept = await subscribed(session.data.pubsub_token, account.id, user.id);
    const viaApiToken = await subscribed(user.pubsub_token, account.id, user.id);
    const list = (await call("GET", "/api/v1/profile/sessions", { headers: deviseHeaders(other) })).body.payload as { id: number; current: boolean }[];
    const otherId = list.find((s) => s.current)?.id;
    expectStatus(await call("DELETE", `/api/v1/profile/sessions/${otherId}`, { headers: deviseHeaders(session) }), 204);
    expect(await revoked.cable.waitFor((f) => f.type === "disconnect", "a disconnect frame")).toEqual(DISCONNECT);
    await revoked.closed;

    // The others stay subscribed and still answer.
    kept.cable.send(kept.cable.identifierFor(session.data.pubsub_token, account.id, user.id), { action: "update_presence" });
    await kept.cable.waitFor((f) => f.message?.event === "presence.update", "presence on the kept session");
    expect(kept.cable.frames.some((f) => f.type === "disconnect")).toBe(false);
    expect(viaApiToken.cable.frames.some((f) => f.type === "disconnect")).toBe(false);
    kept.cable.close();
    viaApiToken.cable.close();
  });

  it("disconnects every other session's subscriptions on a password change", async () => {
    const { user, account, session } = await signedInUser();
    const other = await signIn(user.email);
    const ended = await subscribed(other.data.pubsub_token, account.id, user.id);
    const current = await subscribed(session.data.pubsub_token, account.id, user.id);
    const reply = await call("PUT", "/api/v1/profile", {
      headers: deviseHeaders(session),
      body: { profile: { current_password: PASSWORD, password: "changed it today", password_confirmation: "changed it today" } },
    });
    expectStatus(reply, 200);
    expect(await ended.cable.waitFor((f) => f.type === "disconnect", "a disconnect frame")).toEqual(DISCONNECT);
    expect(current.cable.frames.some((f) => f.type === "disconnect")).toBe(false);
    current.cable.close();
  });

  it("disconnects a user removed from the account, whatever they subscribed with", async () => {
    const { user, account, agency, session } = await signedInUser();
    const viaSession = await subscribed(session.data.pubsub_token, account.id, user.id);
    const viaApiToken = await subscribed(user.pubsub_token, account.id, user.id);
    expectStatus(await call("DELETE", `/api/v1/agency/accounts/${account.id}/users/${user.id}`, { token: agency.access_token }), 204);
    for (const { cable } of [viaSession, viaApiToken]) {
      expect(await cable.waitFor((f) => f.type === "disconnect", "a disconnect frame")).toEqual(DISCONNECT);
    }
    await Promise.all([viaSession.closed, viaApiToken.closed]);
  });

  it("refuses to subscribe with the pubsub token of an expired session", async () => {
    const { user, account, session } = await signedInUser();
    await env.DB.prepare("update user_sessions set expires_at = unixepoch() - 1 where client_id = ?").bind(session.client).run();
    const cable = await connectCable();
    expect((await cable.subscribe(cable.identifierFor(session.data.pubsub_token, account.id, user.id))).type).toBe("reject_subscription");
    cable.close();
  });
});

describe("rotating a user's API token", () => {
  it("disconnects the subscriptions made with the old token's pubsub token, not the sessions'", async () => {
    const { user, account, agency, session } = await signedInUser();
    const viaApiToken = await subscribed(user.pubsub_token, account.id, user.id);
    const viaSession = await subscribed(session.data.pubsub_token, account.id, user.id);
    expectStatus(await call("POST", `/api/v1/agency/accounts/${account.id}/users/${user.id}/rotate_token`, { token: agency.access_token }), 200);
    expect(await viaApiToken.cable.waitFor((f) => f.type === "disconnect", "a disconnect frame")).toEqual(DISCONNECT);
    expect(viaSession.cable.frames.some((f) => f.type === "disconnect")).toBe(false);
    viaSession.cable.close();
  });
});

describe("the signed-in user's availability_status", () => {
  it("is what their first account's agents see: online while connected, offline otherwise", async () => {
    const { user, account, session } = await signedInUser();
    expect((await call("GET", "/auth/validate_token", { headers: deviseHeaders(session) })).body.data.availability_status).toBe("offline");
    const { cable } = await subscribed(session.data.pubsub_token, account.id, user.id);
    await cable.waitForEvent("presence.update");
    expect((await call("GET", "/api/v1/profile", { headers: deviseHeaders(session) })).body.availability_status).toBe("online");
    cable.close();
  });
});
