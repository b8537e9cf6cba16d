import { describe, expect, it } from "vitest";
import { connectCable } from "./cable-client";
import { call, clientSession, expectStatus, tenant } from "./helpers";

type Tenant = Awaited<ReturnType<typeof tenant>>;

const agentsOf = async (t: Tenant, token = t.admin.access_token) => {
  const reply = await call("GET", `/api/v1/accounts/${t.account.id}/agents`, { token });
  expectStatus(reply, 200);
  return reply.body as { id: number; availability_status: string; [field: string]: unknown }[];
};
const availabilityIn = async (t: Tenant, userId: number) => (await agentsOf(t)).find((agent) => agent.id === userId)?.availability_status;

const choose = (t: Tenant, user: { access_token: string }, availability: string, accountId = t.account.id) =>
  call("POST", "/api/v1/profile/availability", { token: user.access_token, body: { profile: { availability, account_id: accountId } } });

/** The user's /cable subscription to their account. */
async function connect(t: Tenant, user: { pubsub_token: string }) {
  const cable = await connectCable();
  const identifier = cable.identifierFor(user.pubsub_token, t.account.id);
  await cable.subscribe(identifier);
  return cable;
}

describe("Application API: availability", () => {
  it("shows a connected user as online until they choose busy or offline", async () => {
    const t = await tenant();
    const cable = await connect(t, t.agent);
    expect(await availabilityIn(t, t.agent.id)).toBe("online");
    expectStatus(await choose(t, t.agent, "busy"), 200);
    expect(await availabilityIn(t, t.agent.id)).toBe("busy");
    expectStatus(await choose(t, t.agent, "offline"), 200);
    expect(await availabilityIn(t, t.agent.id)).toBe("offline");
    expectStatus(await choose(t, t.agent, "online"), 200);
    expect(await availabilityIn(t, t.agent.id)).toBe("online");
    cable.close();
  });

  it("shows a user without a live socket as offline, whatever they chose", async () => {
    const t = await tenant();
    const reply = await choose(t, t.agent, "busy");
    expectStatus(reply, 200);
    expect(reply.body.availability_status).toBe("offline");
    expect(await availabilityIn(t, t.agent.id)).toBe("offline");
    const cable = await connect(t, t.agent);
    expect(await availabilityIn(t, t.agent.id)).toBe("busy");
    cable.close();
  });

  it("sends the other agents presence.update with the chosen availability", async () => {
    const t = await tenant();
    const admin = await connect(t, t.admin);
    const agent = await connect(t, t.agent);
    const agentKey = String(t.agent.id);
    await admin.waitForEvent("presence.update", (data) => data.users?.[agentKey] === "online");
    await choose(t, t.agent, "busy");
    const busy = await admin.waitForEvent("presence.update", (data) => data.users?.[agentKey] === "busy");
    expect(busy.message?.data).toMatchObject({ account_id: t.account.id, users: { [String(t.admin.id)]: "online", [agentKey]: "busy" } });
    await choose(t, t.agent, "offline");
    await admin.waitForEvent("presence.update", (data) => data.users?.[agentKey] === "offline");
    admin.close();
    agent.close();
  });

  it("sends no presence.update when the availability stays the same", async () => {
    const t = await tenant();
    const admin = await connect(t, t.admin);
    const agent = await connect(t, t.agent);
    await admin.waitForEvent("presence.update", (data) => data.users?.[String(t.agent.id)] === "online");
    const before = admin.events("presence.update").length;
    await choose(t, t.agent, "online");
    await choose(t, t.admin, "online");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(admin.events("presence.update").length).toBe(before);
    admin.close();
    agent.close();
  });

  it("carries the availability in the conversation's assignee and message senders", async () => {
    const t = await tenant();
    const session = await clientSession(t);
    const path = `/api/v1/accounts/${t.account.id}/conversations/${session.conversation.id}`;
    const asAdmin = { token: t.admin.access_token };
    await call("POST", `${path}/assignments`, { ...asAdmin, body: { assignee_id: t.admin.id } });
    await call("POST", `${path}/messages`, { ...asAdmin, body: { content: "On it" } });
    const cable = await connect(t, t.admin);
    await choose(t, t.admin, "busy");
    const conversation = (await call("GET", path, asAdmin)).body;
    expect(conversation.meta.assignee.availability_status).toBe("busy");
    const messages = (await call("GET", `${path}/messages`, asAdmin)).body.payload as { sender?: { type: string; availability_status: string } }[];
    expect(messages.filter((m) => m.sender?.type === "user").map((m) => m.sender?.availability_status)).toEqual(["busy"]);
    cable.close();
  });

  it("answers the profile", async () => {
    const t = await tenant();
    const reply = await choose(t, t.agent, "busy");
    const profile = await call("GET", "/api/v1/profile", { token: t.agent.access_token });
    expect(Object.keys(reply.body).sort()).toEqual(Object.keys(profile.body).sort());
    expect(reply.body).toMatchObject({ id: t.agent.id, email: t.agent.email, accounts: [{ id: t.account.id }] });
  });

  it("refuses a sub-account the user does not belong to, and an availability Chatwoot does not have", async () => {
    const t = await tenant();
    const other = await tenant();
    expectStatus(await choose(t, t.agent, "busy", other.account.id), 404);
    expectStatus(await choose(t, t.agent, "away"), 422);
  });
});
