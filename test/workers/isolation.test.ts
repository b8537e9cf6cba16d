// Walks every documented route with tokens from another agency, another account and the weaker
// role, and checks that none of them reads or changes what it must not.
import { beforeAll, describe, expect, it } from "vitest";
import { call, createAccount, createAgency, expectStatus, inviteUser, PLATFORM_TOKEN, type Reply } from "./helpers";
import { documentedOperations, fillPath, type Operation, operationKey, VALID_BODIES } from "./routes";

const MARKER = "tenant-a-secret-marker";

let operations: Operation[];
let a: Awaited<ReturnType<typeof setUp>>;
let b: { agencyToken: string; adminToken: string };

async function setUp() {
  const agency = await createAgency(`${MARKER} agency`);
  const account = await createAccount(agency.access_token, { name: `${MARKER} account`, business_name: MARKER });
  const sibling = await createAccount(agency.access_token, { name: "sibling account" });
  const admin = await inviteUser(agency.access_token, account.id, "administrator");
  const agent = await inviteUser(agency.access_token, account.id, "agent");
  const siblingAdmin = await inviteUser(agency.access_token, sibling.id, "administrator");
  return { agency, account, sibling, admin, agent, siblingAdmin };
}

/** Path values that all point at tenant A's objects. */
const targetsOfA = () => ({ agency_id: a.agency.id, account_id: a.account.id, user_id: a.agent.id });

async function send(op: Operation, token: string): Promise<Reply> {
  const body = op.hasBody ? VALID_BODIES[operationKey(op)] : undefined;
  if (op.hasBody && body === undefined) throw new Error(`add a valid body for ${operationKey(op)} to VALID_BODIES`);
  return call(op.method, fillPath(op.path, targetsOfA()), { token, body });
}

function expectNoLeak(reply: Reply, op: Operation) {
  expect(reply.status, `${operationKey(op)}: ${JSON.stringify(reply.body)}`).toBeLessThan(500);
  expect(JSON.stringify(reply.body), operationKey(op)).not.toContain(MARKER);
}

beforeAll(async () => {
  operations = await documentedOperations();
  a = await setUp();
  const otherAgency = await createAgency();
  const otherAccount = await createAccount(otherAgency.access_token);
  const otherAdmin = await inviteUser(otherAgency.access_token, otherAccount.id, "administrator");
  b = { agencyToken: otherAgency.access_token, adminToken: otherAdmin.access_token };
});

describe("tenant isolation, walked over every documented route", () => {
  it("documents the routes this walk expects to find", () => {
    const surfaces = new Set(operations.map((op) => op.surface));
    expect(surfaces).toEqual(new Set(["platform", "agency", "user"]));
    expect(operations.length).toBeGreaterThanOrEqual(18);
  });

  it("refuses every token of the wrong surface with 401", async () => {
    const wrongTokens = {
      platform: [a.agency.access_token, a.admin.access_token],
      agency: [PLATFORM_TOKEN, a.admin.access_token],
      user: [PLATFORM_TOKEN, a.agency.access_token],
      public: [],
    };
    for (const op of operations) {
      for (const token of wrongTokens[op.surface]) {
        const reply = await send(op, token);
        expect(reply.status, `${operationKey(op)} with a token of another surface`).toBe(401);
      }
    }
  });

  it("answers 404 to another agency for every agency route that names one of A's objects", async () => {
    for (const op of operations.filter((o) => o.surface === "agency")) {
      const reply = await send(op, b.agencyToken);
      if (op.pathParams.length > 0) expect(reply.status, `${operationKey(op)} by another agency`).toBe(404);
      expectNoLeak(reply, op);
    }
  });

  it("answers 404 to users of another agency and of a sibling account for every account route", async () => {
    for (const op of operations.filter((o) => o.surface === "user")) {
      for (const token of [b.adminToken, a.siblingAdmin.access_token]) {
        const reply = await send(op, token);
        if (op.pathParams.includes("account_id")) expect(reply.status, `${operationKey(op)} by an outsider`).toBe(404);
        expectNoLeak(reply, op);
      }
    }
  });

  it("answers 403 to an agent on every administrator-only route", async () => {
    const restricted = operations.filter((o) => o.surface === "user" && o.roleRestricted);
    expect(restricted.length).toBeGreaterThan(0);
    for (const op of restricted) {
      const reply = await send(op, a.agent.access_token);
      expect(reply.status, `${operationKey(op)} by an agent`).toBe(403);
    }
  });

  it("left tenant A exactly as it was", async () => {
    const account = await call("GET", `/api/v1/agency/accounts/${a.account.id}`, { token: a.agency.access_token });
    expectStatus(account, 200);
    expect(account.body).toMatchObject({ name: `${MARKER} account`, locale: "en", business_name: MARKER });
    const users = await call("GET", `/api/v1/agency/accounts/${a.account.id}/users`, { token: a.agency.access_token });
    expect(users.body.payload.map((u: { id: number; role: string }) => [u.id, u.role])).toEqual([
      [a.admin.id, "administrator"],
      [a.agent.id, "agent"],
    ]);
    expectStatus(await call("GET", "/api/v1/profile", { token: a.agent.access_token }), 200);
    const log = await call("GET", `/api/v1/accounts/${a.account.id}/audit_logs`, { token: a.admin.access_token });
    expect(log.body.total_entries).toBe(3);
  });
});
