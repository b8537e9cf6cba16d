import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { emailTeams, emailTranscript, sweepEmails } from "../../src/jobs/send-email";
import type { JobMessage } from "../../src/jobs/messages";
import { call, clientSession, createTeam, eventually, expectStatus, inviteUser, tenant } from "./helpers";

type Tenant = Awaited<ReturnType<typeof tenant>>;
type EmailRow = {
  id: number;
  status: string;
  delivery: string | null;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  attempts: number;
  error: string | null;
  message_id: string | null;
};

/** The jobs queue as a recorder: the tests run the jobs themselves, when they choose. */
function recordingQueue() {
  const jobs: JobMessage[] = [];
  const queue = {
    send: async (body: JobMessage) => void jobs.push(body),
    sendBatch: async (messages: { body: JobMessage }[]) => void jobs.push(...messages.map((m) => m.body)),
  };
  return { jobs, queue: queue as unknown as Queue };
}

/** Cloudflare's email binding with a record of what it was asked to send; `fail` makes it throw as Email Service does. */
function recordingEmailBinding(fail?: { code: string; message: string }) {
  const sent: unknown[] = [];
  const binding = {
    send: async (message: EmailMessageBuilder) => {
      sent.push(message);
      if (fail) throw Object.assign(new Error(fail.message), { code: fail.code });
      return env.EMAIL.send(message);
    },
  };
  return { sent, binding: binding as unknown as SendEmail };
}

let deliveries = 0;
async function runJobs(jobs: JobMessage[], runEnv: Env) {
  const batch = createMessageBatch(
    "parley-jobs",
    jobs.map((body) => ({ id: `email-${++deliveries}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, runEnv);
  return getQueueResult(batch, ctx);
}

const emailRow = (id: number) => env.DB.prepare("select * from emails where id = ?").bind(id).first<EmailRow>();
/** The account's automation emails (tenants' users, invited without a password, also got an invitation each). */
const emailRows = async (accountId: number) =>
  (
    await env.DB.prepare("select * from emails where account_id = ? and kind in ('team_notification', 'transcript') order by id")
      .bind(accountId)
      .all<EmailRow>()
  ).results;

async function teamOf(t: Tenant, userIds: number[]) {
  const team = await createTeam(t.admin.access_token, t.account.id);
  expectStatus(
    await call("POST", `/api/v1/accounts/${t.account.id}/teams/${team.id}/team_members`, { token: t.admin.access_token, body: { user_ids: userIds } }),
    200,
  );
  return team;
}

/** A conversation with a visitor's message, an agent's reply and a private note. */
async function conversationWithHistory(t: Tenant) {
  const session = await clientSession(t);
  expectStatus(await call("POST", `${session.conversationPath}/messages`, { body: { content: "Hello, I need a <refund>" } }), 200);
  const agentPath = `/api/v1/accounts/${t.account.id}/conversations/${session.conversation.id}/messages`;
  expectStatus(await call("POST", agentPath, { token: t.admin.access_token, body: { content: "Happy to help with that." } }), 200);
  expectStatus(await call("POST", agentPath, { token: t.admin.access_token, body: { content: "internal: check the fraud list", private: true } }), 200);
  return session;
}

describe("emailTeams (send_email_to_team)", () => {
  it("queues one email per member of the teams, with the rule's message, once per key", async () => {
    const t = await tenant();
    const { conversation } = await clientSession(t);
    const colleague = await inviteUser(t.agency.access_token, t.account.id, "agent");
    const billing = await teamOf(t, [t.admin.id, t.agent.id]);
    const support = await teamOf(t, [t.agent.id, colleague.id]);
    const { jobs, queue } = recordingQueue();
    const input = {
      accountId: t.account.id,
      displayId: conversation.id,
      teamIds: [billing.id, support.id],
      message: "A refund was asked for.",
      key: "rule-1:event-9",
    };

    expect(await emailTeams({ ...env, JOBS: queue }, input)).toBe(3);
    expect(await emailTeams({ ...env, JOBS: queue }, input)).toBe(0);

    const rows = await emailRows(t.account.id);
    expect(rows.map((row) => JSON.parse(row.to))).toEqual([[t.admin.email], [t.agent.email], [colleague.email]]);
    for (const row of rows) {
      expect(row.status).toBe("queued");
      expect(row.text).toContain("A refund was asked for.");
      expect(row.subject).toContain(`[#${conversation.id}]`);
    }
    expect(jobs).toEqual(rows.map((row) => ({ type: "email.send", email_id: row.id })));
  });

  it("queues nothing for teams of another account or without members", async () => {
    const t = await tenant();
    const other = await tenant();
    const { conversation } = await clientSession(t);
    const foreign = await teamOf(other, [other.admin.id]);
    const empty = await createTeam(t.admin.access_token, t.account.id);
    const { queue } = recordingQueue();
    const input = { accountId: t.account.id, displayId: conversation.id, teamIds: [foreign.id, empty.id], message: "Hi", key: "k" };
    expect(await emailTeams({ ...env, JOBS: queue }, input)).toBe(0);
    expect(await emailRows(t.account.id)).toEqual([]);
  });
});

describe("emailTranscript (send_email_transcript)", () => {
  it("queues the conversation's public messages as a transcript to each address once, without private notes", async () => {
    const t = await tenant();
    const { conversation } = await conversationWithHistory(t);
    const { jobs, queue } = recordingQueue();
    const input = {
      accountId: t.account.id,
      displayId: conversation.id,
      to: ["Boss@Example.test, auditor@example.test", "boss@example.test", "not an address"],
      key: "rule-2:event-3",
    };

    expect(await emailTranscript({ ...env, JOBS: queue }, input)).toBe(2);
    expect(await emailTranscript({ ...env, JOBS: queue }, input)).toBe(0);
    expect(jobs).toHaveLength(2);

    const rows = await emailRows(t.account.id);
    expect(rows.map((row) => JSON.parse(row.to))).toEqual([["boss@example.test"], ["auditor@example.test"]]);
    const [first] = rows;
    expect(first?.subject).toBe(`[#${conversation.id}] Conversation Transcript`);
    expect(first?.text).toContain("Vera Visitor:\nHello, I need a <refund>");
    expect(first?.text).toContain(`administrator ${t.admin.email}:\nHappy to help with that.`);
    expect(first?.text).not.toContain("fraud list");
    expect(first?.html).toContain("Hello, I need a &lt;refund&gt;");
    expect(first?.html).not.toContain("fraud list");
  });

  it("queues nothing without a valid address or for a conversation the account does not have", async () => {
    const t = await tenant();
    const { conversation } = await clientSession(t);
    const { queue } = recordingQueue();
    expect(await emailTranscript({ ...env, JOBS: queue }, { accountId: t.account.id, displayId: conversation.id, to: ["nobody"], key: "a" })).toBe(0);
    expect(await emailTranscript({ ...env, JOBS: queue }, { accountId: t.account.id, displayId: 98765, to: ["x@example.test"], key: "b" })).toBe(0);
  });
});

describe("the email.send job", () => {
  async function queuedEmail() {
    const t = await tenant();
    const { conversation } = await clientSession(t);
    const team = await teamOf(t, [t.agent.id]);
    const { jobs, queue } = recordingQueue();
    await emailTeams({ ...env, JOBS: queue }, { accountId: t.account.id, displayId: conversation.id, teamIds: [team.id], message: "Look", key: "k" });
    const [job] = jobs;
    if (!job || job.type !== "email.send") throw new Error("no email.send job queued");
    return { t, job, emailId: job.email_id };
  }

  it("in outbox mode marks the email sent without sending anything", async () => {
    const { job, emailId } = await queuedEmail();
    const { sent, binding } = recordingEmailBinding();
    const result = await runJobs([job], { ...env, EMAIL_DELIVERY: "outbox", EMAIL: binding });
    expect(result.explicitAcks).toHaveLength(1);
    expect(sent).toEqual([]);
    expect(await emailRow(emailId)).toMatchObject({ status: "sent", delivery: "outbox", attempts: 1, message_id: null });
  });

  it("in binding mode sends through Cloudflare's email binding, once however often the job is delivered", async () => {
    const { t, job, emailId } = await queuedEmail();
    const { sent, binding } = recordingEmailBinding();
    const runEnv = { ...env, EMAIL_DELIVERY: "binding", EMAIL: binding };

    await runJobs([job], runEnv);
    await runJobs([job, job], runEnv);

    const row = await emailRow(emailId);
    expect(sent).toEqual([
      {
        from: { email: env.EMAIL_FROM, name: t.account.name },
        to: [t.agent.email],
        subject: row?.subject,
        text: row?.text,
        html: row?.html,
      },
    ]);
    expect(row).toMatchObject({ status: "sent", delivery: "binding", attempts: 1, error: null });
    // The local email binding (miniflare) accepted it and answered a message id.
    expect(row?.message_id).toBeTruthy();
  });

  it("lets the queue retry a failure that may pass, and gives up at once on one that cannot", async () => {
    const { job, emailId } = await queuedEmail();
    const rateLimited = recordingEmailBinding({ code: "E_RATE_LIMIT_EXCEEDED", message: "slow down" });
    const retried = await runJobs([job], { ...env, EMAIL_DELIVERY: "binding", EMAIL: rateLimited.binding });
    expect(retried.retryMessages).toHaveLength(1);
    expect(await emailRow(emailId)).toMatchObject({ status: "failed", attempts: 1, error: "E_RATE_LIMIT_EXCEEDED: slow down" });

    const suppressed = recordingEmailBinding({ code: "E_RECIPIENT_SUPPRESSED", message: "bounced before" });
    const acked = await runJobs([job], { ...env, EMAIL_DELIVERY: "binding", EMAIL: suppressed.binding });
    expect(acked.retryMessages).toEqual([]);
    expect(acked.explicitAcks).toHaveLength(1);
    expect(await emailRow(emailId)).toMatchObject({ status: "dead", attempts: 2, error: "E_RECIPIENT_SUPPRESSED: bounced before" });
  });

  it("goes through the real queue and the local email binding end to end", async () => {
    const t = await tenant();
    const { conversation } = await clientSession(t);
    const team = await teamOf(t, [t.admin.id]);
    expect(await emailTeams(env, { accountId: t.account.id, displayId: conversation.id, teamIds: [team.id], message: "Hi team", key: "e2e" })).toBe(1);
    await eventually(async () => {
      const [row] = await emailRows(t.account.id);
      expect(row).toMatchObject({ status: "sent", delivery: env.EMAIL_DELIVERY });
    });
  });

  it("is enqueued again by the cron sweep when its job never ran, and given up when left failed", async () => {
    const { t, emailId } = await queuedEmail();
    await env.DB.prepare("update emails set updated_at = unixepoch() - 600 where id = ?").bind(emailId).run();
    const { jobs, queue } = recordingQueue();
    expect(await sweepEmails({ ...env, JOBS: queue }, new Date())).toBe(1);
    expect(jobs).toEqual([{ type: "email.send", email_id: emailId }]);
    expect(await sweepEmails({ ...env, JOBS: queue }, new Date())).toBe(0);

    await env.DB.prepare("update emails set status = 'failed', updated_at = unixepoch() - 7200 where id = ?").bind(emailId).run();
    await sweepEmails({ ...env, JOBS: queue }, new Date());
    expect((await emailRows(t.account.id))[0]?.status).toBe("dead");
  });
});

describe("GET /api/v1/accounts/:account_id/emails", () => {
  it("lists the account's emails newest first, paged, for administrators only", async () => {
    const t = await tenant();
    const { conversation } = await conversationWithHistory(t);
    const { queue } = recordingQueue();
    await emailTranscript(
      { ...env, JOBS: queue },
      { accountId: t.account.id, displayId: conversation.id, to: ["a@example.test", "b@example.test", "c@example.test"], key: "list" },
    );
    const path = `/api/v1/accounts/${t.account.id}/emails`;

    const page = await call("GET", `${path}?per_page=2`, { token: t.admin.access_token });
    expectStatus(page, 200);
    // The administrator's and the agent's invitations (they were created without a password) and the 3 transcripts.
    expect(page.body.meta).toEqual({ count: 5, current_page: 1, per_page: 2 });
    expect(page.body.payload.map((e: { to: string[] }) => e.to)).toEqual([["c@example.test"], ["b@example.test"]]);
    expect(page.body.payload[0]).toMatchObject({
      account_id: t.account.id,
      kind: "transcript",
      conversation_id: conversation.id,
      subject: `[#${conversation.id}] Conversation Transcript`,
      status: "queued",
      delivery: null,
      attempts: 0,
    });
    const second = await call("GET", `${path}?per_page=2&page=2`, { token: t.admin.access_token });
    expect(second.body.payload.map((e: { kind: string; to: string[] }) => [e.kind, e.to])).toEqual([
      ["transcript", ["a@example.test"]],
      ["invitation", [t.agent.email]],
    ]);

    expectStatus(await call("GET", path, { token: t.agent.access_token }), 403);
    const other = await tenant();
    const theirs = await call("GET", `/api/v1/accounts/${other.account.id}/emails`, { token: other.admin.access_token });
    expect(theirs.body.payload.map((e: { kind: string }) => e.kind)).toEqual(["invitation", "invitation"]);
    expectStatus(await call("GET", path, { token: other.admin.access_token }), 404);
  });
});
