import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { sweepSignInRecords } from "../../src/jobs/sign-in-sweep";
import { call, createAccount, eventually, expectStatus, tenant, unique } from "./helpers";
import { deviseHeaders, PASSWORD, signIn, userWithPassword, withinOneRateWindow } from "./sign-in-fixtures";

type EmailRow = { id: number; account_id: number; key: string; kind: string; to: string; subject: string; text: string; html: string; status: string };

const passwordEmails = async (to: string) =>
  (
    await env.DB.prepare("select * from emails where kind in ('invitation', 'password_reset') and \"to\" = ? order by id")
      .bind(JSON.stringify([to]))
      .all<EmailRow>()
  ).results;

/** Runs the email.send job for one email with a recording email binding, and returns what the sender got. */
async function sendThroughRecorder(emailId: number): Promise<{ text: string; html: string }> {
  await env.DB.prepare("update emails set status = 'queued' where id = ?").bind(emailId).run();
  const sent: { text: string; html: string }[] = [];
  const binding = { send: async (message: { text: string; html: string }) => (sent.push(message), { messageId: "recorded" }) };
  const batch = createMessageBatch("parley-jobs", [
    { id: `password-${emailId}`, timestamp: new Date(), attempts: 1, body: { type: "email.send", email_id: emailId } },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, EMAIL_DELIVERY: "binding", EMAIL: binding as unknown as SendEmail });
  await getQueueResult(batch, ctx);
  const [message] = sent;
  if (!message) throw new Error("nothing was sent");
  return message;
}

/** The audit log's rows matching `where`, as one text: action and changes of each. */
async function auditedChanges(where: string, ...values: number[]): Promise<string> {
  const rows = await env.DB.prepare(`select action, audited_changes from audit_logs where ${where} order by id`)
    .bind(...values)
    .all<{ action: string; audited_changes: string }>();
  return rows.results.map((row) => `${row.action} ${row.audited_changes}`).join("\n");
}

const tokenIn = (text: string) => /reset_password_token=(ppw_[0-9a-f]{16}_[A-Za-z0-9_-]{43})/.exec(text)?.[1] ?? null;

async function invite(agencyToken: string, accountId: number) {
  const email = `${unique("invitee")}@example.test`;
  const reply = await call("POST", `/api/v1/agency/accounts/${accountId}/users`, {
    token: agencyToken,
    body: { name: "Ivy Invitee", email, role: "agent" },
  });
  expectStatus(reply, 201);
  const [row] = await passwordEmails(email);
  if (!row) throw new Error("no invitation email");
  return { user: reply.body as { id: number; email: string; access_token: string }, row };
}

describe("invitations", () => {
  it("mail a user created without a password a one-time link, redacted in the copy administrators list", async () => {
    const t = await tenant();
    const { user, row } = await invite(t.agency.access_token, t.account.id);
    expect(row).toMatchObject({ account_id: t.account.id, kind: "invitation", subject: `You have been invited to ${t.account.name} on Parley` });
    expect(row.text).toContain(`${env.PUBLIC_URL}/app/auth/password/edit?reset_password_token=[FILTERED]`);
    expect(tokenIn(row.text + row.html)).toBeNull();

    const listed = await call("GET", `/api/v1/accounts/${t.account.id}/emails`, { token: t.admin.access_token });
    const invitation = listed.body.payload.find((e: { to: string[] }) => e.to[0] === user.email);
    expect(invitation.text).toContain("reset_password_token=[FILTERED]");
    expect(JSON.stringify(listed.body)).not.toMatch(/ppw_/);

    const sent = await sendThroughRecorder(row.id);
    const token = tokenIn(sent.text);
    expect(token).not.toBeNull();
    expect(tokenIn(sent.html)).toBe(token);
    expect(sent.text).toContain(`${env.PUBLIC_URL}/app/auth/password/edit?reset_password_token=${token}`);
  });

  it("let the invitee choose a password once, then sign in with it", async () => {
    const t = await tenant();
    const { user, row } = await invite(t.agency.access_token, t.account.id);
    const token = tokenIn((await sendThroughRecorder(row.id)).text);
    const body = { reset_password_token: token, password: "my own passphrase", password_confirmation: "my own passphrase" };
    const reply = await call("PUT", "/auth/password", { body });
    expectStatus(reply, 200);
    expect(reply.body).toEqual({ success: true, message: expect.any(String) });
    expect((await signIn(user.email, "my own passphrase")).data.id).toBe(user.id);

    const again = await call("PUT", "/auth/password", { body: { ...body, password: "someone else's", password_confirmation: "someone else's" } });
    expectStatus(again, 422);
    expect(again.body.error.code).toBe("invalid_token");
  });

  it("expire after 7 days", async () => {
    const t = await tenant();
    const { row } = await invite(t.agency.access_token, t.account.id);
    const expiresIn = await env.DB.prepare("select expires_at - unixepoch() as s from password_tokens where token_id = ?")
      .bind(row.key.split(":")[1])
      .first<{ s: number }>();
    expect(expiresIn?.s).toBeGreaterThan(7 * 24 * 3600 - 60);
    expect(expiresIn?.s).toBeLessThanOrEqual(7 * 24 * 3600);
    const token = tokenIn((await sendThroughRecorder(row.id)).text);
    await env.DB.prepare("update password_tokens set expires_at = unixepoch() - 1 where token_id = ?").bind(row.key.split(":")[1]).run();
    const reply = await call("PUT", "/auth/password", {
      body: { reset_password_token: token, password: "too late now", password_confirmation: "too late now" },
    });
    expectStatus(reply, 422);
  });

  it("are not sent to a user created with a password, nor to an existing user added to another account", async () => {
    const t = await tenant();
    const withPassword = await userWithPassword(t.agency.access_token, t.account.id);
    expect(await passwordEmails(withPassword.email)).toEqual([]);
    const second = await createAccount(t.agency.access_token);
    const { user } = await invite(t.agency.access_token, t.account.id);
    expectStatus(
      await call("POST", `/api/v1/agency/accounts/${second.id}/users`, {
        token: t.agency.access_token,
        body: { name: "Ivy", email: user.email, role: "agent" },
      }),
      201,
    );
    expect(await passwordEmails(user.email)).toHaveLength(1);
  });

  it("are audited without the password, which shows as [FILTERED]", async () => {
    const t = await tenant();
    const { user, row } = await invite(t.agency.access_token, t.account.id);
    const token = tokenIn((await sendThroughRecorder(row.id)).text);
    expectStatus(
      await call("PUT", "/auth/password", { body: { reset_password_token: token, password: "my own passphrase", password_confirmation: "my own passphrase" } }),
      200,
    );
    const withPassword = await userWithPassword(t.agency.access_token, t.account.id);
    const log = await auditedChanges("auditable_id in (?, ?)", user.id, withPassword.id);
    expect(log).toContain('"invitation":"sent"');
    expect(log).toContain("accept_invitation");
    expect(log).toContain('"password":"[FILTERED]"');
    expect(log).not.toContain("my own passphrase");
    expect(log).not.toContain(PASSWORD);
  });
});

describe("POST /auth/password (forgotten password)", () => {
  it("answers the same whether or not the email belongs to a user", async () => {
    const t = await tenant();
    const user = await userWithPassword(t.agency.access_token, t.account.id);
    const known = await call("POST", "/auth/password", { body: { email: user.email } });
    const unknown = await call("POST", "/auth/password", { body: { email: `${unique("nobody")}@example.test` } });
    expectStatus(known, 200);
    expect(unknown.status).toBe(200);
    expect(unknown.body).toEqual(known.body);
  });

  it("mails a reset link that expires in 2 hours, sets a new password once, and ends every session", async () => {
    const t = await tenant();
    const user = await userWithPassword(t.agency.access_token, t.account.id);
    const session = await signIn(user.email);
    expectStatus(await call("POST", "/auth/password", { body: { email: user.email } }), 200);
    let row: EmailRow | undefined;
    await eventually(async () => {
      [row] = await passwordEmails(user.email);
      expect(row?.kind).toBe("password_reset");
    });
    if (!row) throw new Error("no reset email");
    expect(row.text).toContain("reset_password_token=[FILTERED]");
    const expiresIn = await env.DB.prepare("select expires_at - unixepoch() as s from password_tokens where token_id = ?")
      .bind(row.key.split(":")[1])
      .first<{ s: number }>();
    expect(expiresIn?.s).toBeGreaterThan(2 * 3600 - 60);
    expect(expiresIn?.s).toBeLessThanOrEqual(2 * 3600);

    const token = tokenIn((await sendThroughRecorder(row.id)).text);
    const reply = await call("PUT", "/auth/password", {
      body: { reset_password_token: token, password: "a brand new one", password_confirmation: "a brand new one" },
    });
    expectStatus(reply, 200);
    expectStatus(await call("GET", "/auth/validate_token", { headers: deviseHeaders(session) }), 401);
    expectStatus(await call("POST", "/auth/sign_in", { body: { email: user.email, password: PASSWORD } }), 401);
    await signIn(user.email, "a brand new one");
    expectStatus(await call("GET", "/api/v1/profile", { token: user.access_token }), 200);
  });

  it("refuses a token that was never issued, a forged one and a confirmation that differs", async () => {
    for (const body of [
      { reset_password_token: "ppw_0123456789abcdef_" + "A".repeat(43), password: "long enough", password_confirmation: "long enough" },
      { reset_password_token: "nonsense", password: "long enough", password_confirmation: "long enough" },
    ]) {
      const reply = await call("PUT", "/auth/password", { body });
      expectStatus(reply, 422);
      expect(reply.body.error.code).toBe("invalid_token");
    }
    const mismatch = await call("PUT", "/auth/password", {
      body: { reset_password_token: "x", password: "long enough", password_confirmation: "not the same" },
    });
    expectStatus(mismatch, 422);
    expect(mismatch.body.error.details).toEqual([expect.objectContaining({ field: "password_confirmation" })]);
  });

  it("limits reset requests per email", { timeout: 30_000 }, async () => {
    const email = `${unique("flood")}@example.test`;
    await withinOneRateWindow();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await call("POST", "/auth/password", { body: { email } })).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
  });
});

describe("PUT /api/v1/profile", () => {
  it("changes the password with the current one, ending every other session but this one", async () => {
    const t = await tenant();
    const user = await userWithPassword(t.agency.access_token, t.account.id);
    const current = await signIn(user.email);
    const other = await signIn(user.email);
    const reply = await call("PUT", "/api/v1/profile", {
      headers: deviseHeaders(current),
      body: { profile: { current_password: PASSWORD, password: "a fresh passphrase", password_confirmation: "a fresh passphrase" } },
    });
    expectStatus(reply, 200);
    expect(reply.body.pubsub_token).toBe(current.data.pubsub_token);
    expectStatus(await call("GET", "/auth/validate_token", { headers: deviseHeaders(current) }), 200);
    expectStatus(await call("GET", "/auth/validate_token", { headers: deviseHeaders(other) }), 401);
    await signIn(user.email, "a fresh passphrase");
    const log = await auditedChanges("auditable_type = 'User' and auditable_id = ?", user.id);
    expect(log).toContain('"password":"[FILTERED]"');
    expect(log).not.toContain("a fresh passphrase");
  });

  it("refuses a wrong current password, and a new email without it", async () => {
    const t = await tenant();
    const user = await userWithPassword(t.agency.access_token, t.account.id);
    const session = await signIn(user.email);
    for (const profile of [
      { current_password: "not it at all", password: "a fresh passphrase", password_confirmation: "a fresh passphrase" },
      { password: "a fresh passphrase", password_confirmation: "a fresh passphrase" },
      { email: `${unique("moved")}@example.test` },
    ]) {
      const reply = await call("PUT", "/api/v1/profile", { headers: deviseHeaders(session), body: { profile } });
      expectStatus(reply, 422);
      expect(reply.body.error.code).toBe("invalid_current_password");
    }
    await signIn(user.email);
  });

  it("changes the name without a password, and never returns one", async () => {
    const t = await tenant();
    const reply = await call("PUT", "/api/v1/profile", { token: t.agent.access_token, body: { profile: { name: "Renamed Agent" } } });
    expectStatus(reply, 200);
    expect(reply.body.name).toBe("Renamed Agent");
    expect(JSON.stringify(reply.body)).not.toMatch(/password/);
  });

  it("refuses passwords shorter than 8 or longer than 128 characters, and a confirmation that differs", async () => {
    const t = await tenant();
    for (const profile of [
      { password: "short", password_confirmation: "short" },
      { password: "x".repeat(129), password_confirmation: "x".repeat(129) },
      { password: "long enough", password_confirmation: "different" },
    ]) {
      expectStatus(await call("PUT", "/api/v1/profile", { token: t.agent.access_token, body: { profile } }), 422);
    }
  });
});

describe("GET and DELETE /api/v1/profile/sessions", () => {
  it("list the caller's live sessions and mark the current one", async () => {
    const t = await tenant();
    const user = await userWithPassword(t.agency.access_token, t.account.id);
    await signIn(user.email, PASSWORD, { "user-agent": "Chatwoot mobile", "cf-connecting-ip": "198.51.100.7" });
    const current = await signIn(user.email);
    const reply = await call("GET", "/api/v1/profile/sessions", { headers: deviseHeaders(current) });
    expectStatus(reply, 200);
    expect(reply.body.payload).toHaveLength(2);
    expect(reply.body.payload.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    expect(reply.body.payload).toContainEqual({
      id: expect.any(Number),
      current: false,
      created_at: expect.any(String),
      last_used_at: expect.any(String),
      expires_at: expect.any(String),
      user_agent: "Chatwoot mobile",
      ip: "198.51.100.7",
    });
  });

  it("end one session at once, and only the owner's", async () => {
    const t = await tenant();
    const user = await userWithPassword(t.agency.access_token, t.account.id);
    const colleague = await userWithPassword(t.agency.access_token, t.account.id);
    const mine = await signIn(user.email);
    const theirs = await signIn(colleague.email);
    const theirId = (await call("GET", "/api/v1/profile/sessions", { headers: deviseHeaders(theirs) })).body.payload[0].id as number;
    expectStatus(await call("DELETE", `/api/v1/profile/sessions/${theirId}`, { headers: deviseHeaders(mine) }), 404);
    expectStatus(await call("GET", "/auth/validate_token", { headers: deviseHeaders(theirs) }), 200);

    const ending = await signIn(user.email);
    const list = (await call("GET", "/api/v1/profile/sessions", { headers: deviseHeaders(ending) })).body.payload as { id: number; current: boolean }[];
    const endingId = list.find((s) => s.current)?.id;
    expectStatus(await call("DELETE", `/api/v1/profile/sessions/${endingId}`, { headers: deviseHeaders(mine) }), 204);
    expectStatus(await call("GET", "/auth/validate_token", { headers: deviseHeaders(ending) }), 401);
    expectStatus(await call("GET", "/auth/validate_token", { headers: deviseHeaders(mine) }), 200);
  });
});

describe("the sign-in sweep (cron)", () => {
  it("removes expired sessions and password links, and keeps live ones", async () => {
    const t = await tenant();
    const user = await userWithPassword(t.agency.access_token, t.account.id);
    const expired = await signIn(user.email);
    const live = await signIn(user.email);
    const { row } = await invite(t.agency.access_token, t.account.id);
    await env.DB.prepare("update user_sessions set expires_at = unixepoch() - 1 where client_id = ?").bind(expired.client).run();
    await env.DB.prepare("update password_tokens set expires_at = unixepoch() - 1 where token_id = ?").bind(row.key.split(":")[1]).run();
    expect(await sweepSignInRecords(env, new Date())).toBeGreaterThanOrEqual(2);
    const sessions = await env.DB.prepare("select client_id from user_sessions where user_id = ?").bind(user.id).all<{ client_id: string }>();
    expect(sessions.results.map((s) => s.client_id)).toEqual([live.client]);
    expect(await env.DB.prepare("select 1 from password_tokens where token_id = ?").bind(row.key.split(":")[1]).first()).toBeNull();
  });
});
