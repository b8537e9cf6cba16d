import { describe, expect, it } from "vitest";
import { connectCable } from "./cable-client";
import { call, expectStatus, tenant } from "./helpers";

type Tenant = Awaited<ReturnType<typeof tenant>>;

const agentsOf = async (t: Tenant, token = t.admin.access_token) => {
  const reply = await call("GET", `/api/v1/accounts/${t.account.id}/agents`, { token });
  expectStatus(reply, 200);
  return reply.body as { id: number; availability_status: string; [field: string]: unknown }[];
};
const availabilityIn = async (t: Tenant, userId: number) => (await agentsOf(t)).find((agent) => agent.id === userId)?.availability_status;

/** The user's /cable subscription to their account. */
async function connect(t: Tenant, user: { pubsub_token: string }) {
  const cable = await connectCable();
  const identifier = cable.identifierFor(user.pubsub_token, t.account.id);
  await cable.subscribe(identifier);
  return cable;
}

describe("Application API: agents", () => {
  it("lists the account's users by name as Chatwoot's agents, offline while not connected", async () => {
    const t = await tenant();
    const agents = await agentsOf(t);
    expect(agents.map((agent) => agent.id).sort()).toEqual([t.admin.id, t.agent.id].sort());
    expect(agents.map((agent) => agent.name)).toEqual([...agents.map((agent) => agent.name as string)].sort());
    expect(agents.find((agent) => agent.id === t.agent.id)).toEqual({
      id: t.agent.id,
      account_id: t.account.id,
      name: `agent ${t.agent.email}`,
      available_name: `agent ${t.agent.email}`,
      email: t.agent.email,
      role: "agent",
      availability_status: "offline",
      auto_offline: true,
      confirmed: true,
      thumbnail: "",
    });
  });

  it("lets agents list their colleagues too", async () => {
    const t = await tenant();
    expect((await agentsOf(t, t.agent.access_token)).map((agent) => agent.id).sort()).toEqual([t.admin.id, t.agent.id].sort());
  });

  it("shows a user connected to /cable as online", async () => {
    const t = await tenant();
    const cable = await connect(t, t.agent);
    expect(await availabilityIn(t, t.agent.id)).toBe("online");
    expect(await availabilityIn(t, t.admin.id)).toBe("offline");
    cable.close();
  });
});
