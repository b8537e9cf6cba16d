// SLA policies applied to conversations, their clocks kept by the Conversation object's alarm and
// the cron sweep, in the Workers runtime. Deadlines of a second or two pass for real: tests wait for
// them to pass (or for the real alarm), never for a fixed time.
import { createScheduledController, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addWorkingTime, type BusinessDay } from "../../src/domain/business-hours";
import worker from "../../src/index";
import { call, clientSession, createInbox, eventually, expectStatus, inviteUser, tenant } from "./helpers";
import { createSlaPolicy } from "./workflow-fixtures";

type Tenant = Awaited<ReturnType<typeof tenant>>;

/** For tests that wait for a deadline to pass: a few seconds on a busy machine. */
const WAITS_FOR_A_DEADLINE = 30_000;
type Conversation = { id: number; created_at: number; status: string; sla_policy_id: number | null; applied_sla: any; sla_events: any[] };

const as = (user: { access_token: string }) => ({ token: user.access_token });
const conversationPath = (t: Tenant, displayId: number) => `/api/v1/accounts/${t.account.id}/conversations/${displayId}`;
const conversationStub = (t: Tenant, displayId: number) => env.CONVERSATION.getByName(`${t.account.id}:${displayId}`);

/** A tenant with an API inbox the agent (the assignee) works in, and one conversation a visitor started there. */
async function conversationWithAssignee(inboxInput: Record<string, unknown> | null = null) {
  const t = await tenant();
  const session = await clientSession(t);
  if (inboxInput) expectStatus(await call("PATCH", `/api/v1/accounts/${t.account.id}/inboxes/${session.inbox.id}`, { ...as(t.admin), body: inboxInput }), 200);
  const bystander = await inviteUser(t.agency.access_token, t.account.id, "agent");
  expectStatus(
    await call("POST", `/api/v1/accounts/${t.account.id}/inbox_members`, {
      ...as(t.admin),
      body: { inbox_id: session.inbox.id, user_ids: [t.agent.id, bystander.id] },
    }),
    200,
  );
  expectStatus(await call("POST", `${conversationPath(t, session.conversation.id)}/assignments`, { ...as(t.admin), body: { assignee_id: t.agent.id } }), 200);
  return { t, session, displayId: session.conversation.id, bystander };
}

async function applySla(t: Tenant, displayId: number, policyId: number | null, by = t.admin) {
  return call("PATCH", conversationPath(t, displayId), { ...as(by), body: { sla_policy_id: policyId } });
}

async function conversation(t: Tenant, displayId: number): Promise<Conversation> {
  const reply = await call("GET", conversationPath(t, displayId), as(t.admin));
  expectStatus(reply, 200);
  return reply.body;
}

const visitorSays = (session: Awaited<ReturnType<typeof clientSession>>, content: string) =>
  call("POST", `${session.conversationPath}/messages`, { body: { content } });
const agentReplies = (t: Tenant, displayId: number, content = "On it") =>
  call("POST", `${conversationPath(t, displayId)}/messages`, { ...as(t.agent), body: { content } });
const resolve = (t: Tenant, displayId: number) =>
  call("POST", `${conversationPath(t, displayId)}/toggle_status`, { ...as(t.agent), body: { status: "resolved" } });

/** Waits until the clock reads `unixSeconds` or later: deadlines here are a second or two away. */
async function until(unixSeconds: number) {
  await eventually(async () => expect(Date.now()).toBeGreaterThanOrEqual(unixSeconds * 1000));
}

async function storedSlaEvents(t: Tenant, displayId: number) {
  const { results } = await env.DB.prepare("select event_type, period from sla_events where account_id = ? and display_id = ? order by id")
    .bind(t.account.id, displayId)
    .all<{ event_type: string; period: number }>();
  return results;
}

async function notificationsOf(t: Tenant, user: { access_token: string }) {
  const reply = await call("GET", `/api/v1/accounts/${t.account.id}/notifications`, as(user));
  expectStatus(reply, 200);
  return (reply.body.data.payload as { notification_type: string; primary_actor_id: number }[]).filter((n) => n.notification_type.startsWith("sla_"));
}

async function runScheduled(at: number) {
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "* * * * *" }), env);
}

describe("applying an SLA policy", () => {
  it("applies a policy through Chatwoot's conversation update and shows it, with its deadlines, in the payload", async () => {
    const { t, displayId } = await conversationWithAssignee();
    const policy = await createSlaPolicy(t.admin.access_token, t.account.id, {
      name: "Gold",
      description: "Answer fast",
      first_response_time_threshold: 3600,
      resolution_time_threshold: 86_400,
    });
    const reply = await applySla(t, displayId, policy.id, t.agent);
    expectStatus(reply, 200);
    const created = reply.body.created_at as number;
    expect(reply.body.sla_policy_id).toBe(policy.id);
    expect(reply.body.applied_sla).toMatchObject({
      id: displayId,
      sla_id: policy.id,
      sla_status: "active",
      sla_name: "Gold",
      sla_description: "Answer fast",
      sla_first_response_time_threshold: 3600,
      sla_next_response_time_threshold: null,
      sla_resolution_time_threshold: 86_400,
      sla_only_during_business_hours: false,
      frt_due_at: created + 3600,
      nrt_due_at: null,
      rt_due_at: created + 86_400,
    });
    expect(reply.body.sla_events).toEqual([]);
    expect((await conversation(t, displayId)).applied_sla.sla_id).toBe(policy.id);
  });

  it("neither changes nor removes an applied SLA, and applying the same one again changes nothing", async () => {
    const { t, displayId } = await conversationWithAssignee();
    const gold = await createSlaPolicy(t.admin.access_token, t.account.id);
    const silver = await createSlaPolicy(t.admin.access_token, t.account.id);
    expectStatus(await applySla(t, displayId, gold.id), 200);
    for (const other of [silver.id, null]) {
      const refused = await applySla(t, displayId, other);
      expectStatus(refused, 409);
      expect(refused.body.error).toMatchObject({ code: "sla_already_applied", details: { sla_policy_id: gold.id } });
    }
    const again = await applySla(t, displayId, gold.id);
    expectStatus(again, 200);
    expect(again.body.applied_sla.sla_id).toBe(gold.id);
  });

  it("keeps the policy as it was applied when the policy is deleted later", async () => {
    const { t, displayId } = await conversationWithAssignee();
    const policy = await createSlaPolicy(t.admin.access_token, t.account.id, { name: "Short-lived", first_response_time_threshold: 600 });
    expectStatus(await applySla(t, displayId, policy.id), 200);
    expectStatus(await call("DELETE", `/api/v1/accounts/${t.account.id}/sla_policies/${policy.id}`, as(t.admin)), 204);
    expect((await conversation(t, displayId)).applied_sla).toMatchObject({ sla_id: policy.id, sla_name: "Short-lived" });
  });

  it("refuses a policy of another account", async () => {
    const { t, displayId } = await conversationWithAssignee();
    const other = await tenant();
    const foreign = await createSlaPolicy(other.admin.access_token, other.account.id);
    const reply = await applySla(t, displayId, foreign.id);
    expectStatus(reply, 422);
    expect(reply.body.error.details[0].field).toBe("sla_policy_id");
    expect((await conversation(t, displayId)).applied_sla).toBeNull();
  });

  it("is not reachable for agents who do not see the conversation, nor for other accounts", async () => {
    const { t, displayId } = await conversationWithAssignee();
    const policy = await createSlaPolicy(t.admin.access_token, t.account.id);
    const outsider = await inviteUser(t.agency.access_token, t.account.id, "agent");
    const other = await tenant();
    expectStatus(await applySla(t, displayId, policy.id, outsider), 404);
    expectStatus(await call("GET", `${conversationPath(t, displayId)}/sla_events`, as(outsider)), 404);
    expectStatus(
      await call("PATCH", `/api/v1/accounts/${t.account.id}/conversations/${displayId}`, { ...as(other.admin), body: { sla_policy_id: policy.id } }),
      404,
    );
    expect((await conversation(t, displayId)).applied_sla).toBeNull();
  });

  it("also changes the priority, as Chatwoot's update does", async () => {
    const { t, displayId } = await conversationWithAssignee();
    const reply = await call("PATCH", conversationPath(t, displayId), { ...as(t.agent), body: { priority: "urgent" } });
    expectStatus(reply, 200);
    expect(reply.body.priority).toBe("urgent");
    expect((await call("PATCH", conversationPath(t, displayId), { ...as(t.agent), body: { priority: "none" } })).body.priority).toBeNull();
  });

  it("keeps the SLA from the visitor's view of the conversation", async () => {
    const { t, session, displayId } = await conversationWithAssignee();
    const policy = await createSlaPolicy(t.admin.access_token, t.account.id);
    expectStatus(await applySla(t, displayId, policy.id), 200);
    const seen = await call("GET", session.conversationPath);
    expectStatus(seen, 200);
    for (const field of ["sla_policy_id", "applied_sla", "sla_events"]) expect(seen.body).not.toHaveProperty(field);
  });
});

describe("first response time", () => {
  it("is hit when an agent replies in time, and the SLA is hit on resolve", async () => {
    const { t, session, displayId } = await conversationWithAssignee();
    const policy = await createSlaPolicy(t.admin.access_token, t.account.id, { first_response_time_threshold: 3600 });
    expectStatus(await applySla(t, displayId, policy.id), 200);
    expectStatus(await visitorSays(session, "Hello?"), 200);
    expectStatus(await agentReplies(t, displayId), 200);
    expect((await conversation(t, displayId)).applied_sla.sla_status).toBe("active");
    expectStatus(await resolve(t, displayId), 200);
    const resolved = await conversation(t, displayId);
    expect(resolved.applied_sla.sla_status).toBe("hit");
    expect(resolved.sla_events).toEqual([]);
    expect(await storedSlaEvents(t, displayId)).toEqual([]);
  });

  it(
    "is missed when nobody replies by the deadline: recorded by the alarm, notified, and the SLA is missed on resolve",
    async () => {
      const { t, session, displayId, bystander } = await conversationWithAssignee();
      const policy = await createSlaPolicy(t.admin.access_token, t.account.id, { first_response_time_threshold: 1 });
      expectStatus(await visitorSays(session, "Anyone there?"), 200);
      expectStatus(await applySla(t, displayId, policy.id), 200);
      // The object's own alarm records the miss at the deadline.
      await eventually(async () => expect((await conversation(t, displayId)).sla_events.map((e) => e.event_type)).toEqual(["frt"]));
      const missed = await conversation(t, displayId);
      expect(missed.applied_sla.sla_status).toBe("active_with_misses");
      expect(missed.sla_events[0]).toMatchObject({ id: 1, event_type: "frt", meta: {} });
      await eventually(async () => expect(await storedSlaEvents(t, displayId)).toEqual([{ event_type: "frt", period: 0 }]));
      // The assignee and the administrators hear of it; other agents do not.
      for (const user of [t.agent, t.admin]) {
        await eventually(async () =>
          expect(await notificationsOf(t, user)).toEqual([
            expect.objectContaining({ notification_type: "sla_missed_first_response", primary_actor_id: displayId }),
          ]),
        );
      }
      expect(await notificationsOf(t, bystander)).toEqual([]);
      expectStatus(await agentReplies(t, displayId), 200);
      expectStatus(await resolve(t, displayId), 200);
      expect((await conversation(t, displayId)).applied_sla.sla_status).toBe("missed");
    },
    WAITS_FOR_A_DEADLINE,
  );

  it(
    "counts a late reply as a miss even before any alarm ran",
    async () => {
      const { t, displayId } = await conversationWithAssignee();
      const policy = await createSlaPolicy(t.admin.access_token, t.account.id, { first_response_time_threshold: 1 });
      expectStatus(await applySla(t, displayId, policy.id), 200);
      await runInDurableObject(conversationStub(t, displayId), (_, state) => state.storage.deleteAlarm());
      const { applied_sla } = await conversation(t, displayId);
      await until(applied_sla.frt_due_at + 1);
      const replied = await agentReplies(t, displayId);
      expectStatus(replied, 200);
      expect((await conversation(t, displayId)).sla_events.map((e) => e.event_type)).toEqual(["frt"]);
    },
    WAITS_FOR_A_DEADLINE,
  );
});

describe("next response time", () => {
  it(
    "is missed when a visitor's follow-up after an agent reply waits past it, once per waiting period",
    async () => {
      const { t, session, displayId } = await conversationWithAssignee();
      const policy = await createSlaPolicy(t.admin.access_token, t.account.id, { first_response_time_threshold: null, next_response_time_threshold: 1 });
      expectStatus(await applySla(t, displayId, policy.id), 200);
      expectStatus(await visitorSays(session, "Hi"), 200);
      expectStatus(await agentReplies(t, displayId), 200);
      expect((await conversation(t, displayId)).applied_sla.nrt_due_at).toBeNull();
      expectStatus(await visitorSays(session, "One more thing"), 200);
      const waiting = await conversation(t, displayId);
      expect(waiting.applied_sla.nrt_due_at).toBe((waiting as unknown as { waiting_since: number }).waiting_since + 1);
      await eventually(async () => expect((await conversation(t, displayId)).sla_events.map((e) => e.event_type)).toEqual(["nrt"]));
      // Still waiting, more follow-ups, the alarm and the sweep again: still one miss for this period.
      expectStatus(await visitorSays(session, "Hello??"), 200);
      await runDurableObjectAlarm(conversationStub(t, displayId));
      await runScheduled(Date.now() + 10 * 60_000);
      expect((await conversation(t, displayId)).sla_events).toHaveLength(1);
      // Answered, then a new follow-up: a new period, which can miss again.
      expectStatus(await agentReplies(t, displayId), 200);
      expectStatus(await visitorSays(session, "And another"), 200);
      await eventually(async () => expect((await conversation(t, displayId)).sla_events.map((e) => e.event_type)).toEqual(["nrt", "nrt"]));
      await eventually(async () => expect((await storedSlaEvents(t, displayId)).map((e) => e.event_type)).toEqual(["nrt", "nrt"]));
    },
    WAITS_FOR_A_DEADLINE,
  );

  it(
    "is not set before the first agent reply: that wait is the first response's",
    async () => {
      const { t, session, displayId } = await conversationWithAssignee();
      const policy = await createSlaPolicy(t.admin.access_token, t.account.id, { first_response_time_threshold: null, next_response_time_threshold: 1 });
      expectStatus(await applySla(t, displayId, policy.id), 200);
      expectStatus(await visitorSays(session, "Hi"), 200);
      const waiting = await conversation(t, displayId);
      expect(waiting.applied_sla.nrt_due_at).toBeNull();
      await until(waiting.created_at + 2);
      await runDurableObjectAlarm(conversationStub(t, displayId));
      expect((await conversation(t, displayId)).sla_events).toEqual([]);
    },
    WAITS_FOR_A_DEADLINE,
  );
});

describe("resolution time", () => {
  it(
    "is missed when the conversation is not resolved by its deadline, and the SLA is missed on resolve",
    async () => {
      const { t, displayId } = await conversationWithAssignee();
      const policy = await createSlaPolicy(t.admin.access_token, t.account.id, { first_response_time_threshold: null, resolution_time_threshold: 1 });
      expectStatus(await applySla(t, displayId, policy.id), 200);
      await eventually(async () => expect((await conversation(t, displayId)).sla_events.map((e) => e.event_type)).toEqual(["rt"]));
      await eventually(async () =>
        expect(await notificationsOf(t, t.agent)).toEqual([expect.objectContaining({ notification_type: "sla_missed_resolution" })]),
      );
      expectStatus(await resolve(t, displayId), 200);
      expect((await conversation(t, displayId)).applied_sla.sla_status).toBe("missed");
    },
    WAITS_FOR_A_DEADLINE,
  );

  it(
    "is hit when resolved in time, and the verdict stays when the conversation reopens",
    async () => {
      const t = await tenant();
      const policy = await createSlaPolicy(t.admin.access_token, t.account.id, { first_response_time_threshold: null, resolution_time_threshold: 3 });
      // The clock starts with the conversation: it comes last, so that it is resolved well in time.
      const session = await clientSession(t);
      const displayId = session.conversation.id;
      expectStatus(await applySla(t, displayId, policy.id), 200);
      expectStatus(await call("POST", `${conversationPath(t, displayId)}/toggle_status`, { ...as(t.admin), body: { status: "resolved" } }), 200);
      const resolved = await conversation(t, displayId);
      expect(resolved.applied_sla.sla_status).toBe("hit");
      expectStatus(await visitorSays(session, "Reopening"), 200);
      await until(resolved.applied_sla.rt_due_at + 1);
      await runDurableObjectAlarm(conversationStub(t, displayId));
      const reopened = await conversation(t, displayId);
      expect(reopened.status).toBe("open");
      expect(reopened.applied_sla.sla_status).toBe("hit");
      expect(reopened.sla_events).toEqual([]);
    },
    WAITS_FOR_A_DEADLINE,
  );
});

/** Working hours in Chatwoot's shape: every day closed but `openDay`, open 00:00–00:01 (UTC). */
function oneMinuteAWeek(openDay: number) {
  return [0, 1, 2, 3, 4, 5, 6].map(
    (day): BusinessDay =>
      day === openDay
        ? { day_of_week: day, closed_all_day: false, open_all_day: false, open_hour: 0, open_minutes: 0, close_hour: 0, close_minutes: 1 }
        : { day_of_week: day, closed_all_day: true, open_all_day: false, open_hour: null, open_minutes: null, close_hour: null, close_minutes: null },
  );
}

describe("business hours", () => {
  it(
    "counts only the inbox's working hours when the policy says so: no miss while the inbox is closed",
    async () => {
      const openDay = (new Date().getUTCDay() + 3) % 7;
      const workingHours = oneMinuteAWeek(openDay);
      const { t, displayId } = await conversationWithAssignee({ working_hours_enabled: true, timezone: "UTC", working_hours: workingHours });
      const policy = await createSlaPolicy(t.admin.access_token, t.account.id, { first_response_time_threshold: 1, only_during_business_hours: true });
      expectStatus(await applySla(t, displayId, policy.id), 200);
      const { created_at, applied_sla } = await conversation(t, displayId);
      expect(applied_sla.sla_only_during_business_hours).toBe(true);
      // Due one second into the next opening, days from now.
      expect(applied_sla.frt_due_at).toBe(addWorkingTime({ workingHours, timezone: "UTC" }, created_at, 1));
      expect(applied_sla.frt_due_at - created_at).toBeGreaterThan(24 * 3600);
      await until(created_at + 2);
      await runDurableObjectAlarm(conversationStub(t, displayId));
      await runScheduled(Date.now() + 10 * 60_000);
      const later = await conversation(t, displayId);
      expect(later.sla_events).toEqual([]);
      expect(later.applied_sla.sla_status).toBe("active");
    },
    WAITS_FOR_A_DEADLINE,
  );

  it("counts the wall clock when the inbox has no working hours turned on", async () => {
    const { t, displayId } = await conversationWithAssignee({ working_hours_enabled: false });
    const policy = await createSlaPolicy(t.admin.access_token, t.account.id, { first_response_time_threshold: 60, only_during_business_hours: true });
    const reply = await applySla(t, displayId, policy.id);
    expect(reply.body.applied_sla.frt_due_at).toBe(reply.body.created_at + 60);
  });
});

describe("the cron sweep behind the alarms", () => {
  it(
    "records a miss whose alarm never ran, once, however often the sweep and the alarm look",
    async () => {
      const { t, displayId } = await conversationWithAssignee();
      // Three seconds: room to take the alarm away before it is due, however busy the machine.
      const policy = await createSlaPolicy(t.admin.access_token, t.account.id, { first_response_time_threshold: null, resolution_time_threshold: 3 });
      expectStatus(await applySla(t, displayId, policy.id), 200);
      await runInDurableObject(conversationStub(t, displayId), (_, state) => state.storage.deleteAlarm());
      const { applied_sla } = await conversation(t, displayId);
      await until(applied_sla.rt_due_at + 1);
      expect((await conversation(t, displayId)).sla_events).toEqual([]);
      // A sweep within the alarm's grace leaves it alone; a later one asks the conversation to look.
      await runScheduled(Date.now());
      expect((await conversation(t, displayId)).sla_events).toEqual([]);
      await runScheduled(Date.now() + 10 * 60_000);
      expect((await conversation(t, displayId)).sla_events.map((e) => e.event_type)).toEqual(["rt"]);
      await runScheduled(Date.now() + 10 * 60_000);
      await runDurableObjectAlarm(conversationStub(t, displayId));
      await runScheduled(Date.now() + 20 * 60_000);
      expect((await conversation(t, displayId)).sla_events).toHaveLength(1);
      expect(await storedSlaEvents(t, displayId)).toEqual([{ event_type: "rt", period: 0 }]);
      expect(await notificationsOf(t, t.admin)).toHaveLength(1);
      expect(await notificationsOf(t, t.agent)).toHaveLength(1);
      // D1 knows no deadline is left to watch.
      const row = await env.DB.prepare("select sla_status, next_deadline_at from applied_slas where account_id = ? and display_id = ?")
        .bind(t.account.id, displayId)
        .first();
      expect(row).toEqual({ sla_status: "active_with_misses", next_deadline_at: null });
    },
    WAITS_FOR_A_DEADLINE,
  );

  it(
    "forgets the rows of conversations that are gone",
    async () => {
      const { t, displayId } = await conversationWithAssignee();
      const policy = await createSlaPolicy(t.admin.access_token, t.account.id, { resolution_time_threshold: 3600 });
      expectStatus(await applySla(t, displayId, policy.id), 200);
      await runInDurableObject(conversationStub(t, displayId), async (instance) => {
        await (instance as unknown as { purge(): Promise<void> }).purge();
      });
      await runScheduled(Date.now() + 2 * 3600_000);
      const row = await env.DB.prepare("select count(*) as n from applied_slas where account_id = ? and display_id = ?").bind(t.account.id, displayId).first();
      expect(row).toEqual({ n: 0 });
    },
    WAITS_FOR_A_DEADLINE,
  );
});

describe("isolation of SLA records", () => {
  it(
    "keeps each account's SLA events and applied SLAs to its own conversations",
    async () => {
      const a = await conversationWithAssignee();
      const b = await conversationWithAssignee();
      const policyA = await createSlaPolicy(a.t.admin.access_token, a.t.account.id, { first_response_time_threshold: null, resolution_time_threshold: 1 });
      const policyB = await createSlaPolicy(b.t.admin.access_token, b.t.account.id, { first_response_time_threshold: 3600 });
      expectStatus(await applySla(a.t, a.displayId, policyA.id), 200);
      expectStatus(await applySla(b.t, b.displayId, policyB.id), 200);
      await eventually(async () => expect(await storedSlaEvents(a.t, a.displayId)).toHaveLength(1));
      expect(await storedSlaEvents(b.t, b.displayId)).toEqual([]);
      expect((await conversation(b.t, b.displayId)).applied_sla).toMatchObject({ sla_id: policyB.id, sla_status: "active" });
      expect(await notificationsOf(b.t, b.t.admin)).toEqual([]);
      expectStatus(await call("GET", `${conversationPath(a.t, a.displayId)}/sla_events`, as(b.t.admin)), 404);
      const own = await call("GET", `${conversationPath(a.t, a.displayId)}/sla_events`, as(a.t.agent));
      expectStatus(own, 200);
      expect(own.body.payload.map((e: { event_type: string }) => e.event_type)).toEqual(["rt"]);
      expect(own.body.applied_sla.sla_id).toBe(policyA.id);
    },
    WAITS_FOR_A_DEADLINE,
  );
});
