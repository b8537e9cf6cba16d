import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createAccount, createAgency, expectStatus, tenant, unique } from "./helpers";
import { deviseHeaders, PASSWORD, signIn, userWithPassword, withinOneRateWindow } from "./sign-in-fixtures";

describe("POST /auth/sign_in", () => {
  it("answers as devise_token_auth does for Chatwoot, with the session's token in the body, the headers and the cookie", async () => {
    const { agency, account } = await tenant();
    const user = await userWithPassword(agency.access_token, account.id, "administrator");
    const reply = await call("POST", "/auth/sign_in", { body: { email: user.email.toUpperCase(), password: PASSWORD } });
    expectStatus(reply, 200);
    expect(reply.body).toEqual({
      data: {
        id: user.id,
        name: "Signed administrator",
        display_name: "Signed administrator",
        available_name: "Signed administrator",
        email: user.email,
        uid: user.email,
        provider: "email",
        role: "administrator",
        account_id: account.id,
        accounts: [{ id: account.id, name: account.name, role: "administrator" }],
        access_token: expect.stringMatching(/^pse_[0-9a-f]{16}_/),
        pubsub_token: expect.stringMatching(new RegExp(`^u${user.id}s\\d+_`)),
        avatar_url: "",
        availability_status: "offline",
      },
    });
    const headers = reply.headers;
    expect(headers.get("access-token")).toBe(reply.body.data.access_token);
    expect(headers.get("client")).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(headers.get("uid")).toBe(user.email);
    expect(headers.get("token-type")).toBe("Bearer");
    const expiry = Number(headers.get("expiry"));
    expect(expiry - Date.now() / 1000).toBeGreaterThan(14 * 24 * 3600 - 60);
    expect(headers.get("set-cookie")).toMatch(/^parley_session=pse_[^;]+; Path=\/; Max-Age=7776000; HttpOnly; Secure; SameSite=Strict$/);
  });

  it("never rotates the user's API token", async () => {
    const { agency, account } = await tenant();
    const user = await userWithPassword(agency.access_token, account.id);
    await signIn(user.email);
    expectStatus(await call("GET", "/api/v1/profile", { token: user.access_token }), 200);
  });

  it("stores the session's token and the password only as hashes", async () => {
    const { agency, account } = await tenant();
    const user = await userWithPassword(agency.access_token, account.id);
    const session = await signIn(user.email);
    const secret = session.accessToken.split("_").slice(2).join("_");
    const rows = JSON.stringify([
      await env.DB.prepare("select * from user_sessions where user_id = ?").bind(user.id).all(),
      await env.DB.prepare("select * from users where id = ?").bind(user.id).first(),
    ]);
    expect(rows).not.toContain(secret);
    expect(rows).not.toContain(PASSWORD);
    expect(rows).toContain("pbkdf2-sha256$v1$100000$");
  });

  it("answers one generic 401 for a wrong password, an unknown email and a user without a password", async () => {
    const { agency, account, agent } = await tenant();
    const user = await userWithPassword(agency.access_token, account.id);
    const agentEmail = (await call("GET", "/api/v1/profile", { token: agent.access_token })).body.email as string;
    const answers = [
      await call("POST", "/auth/sign_in", { body: { email: user.email, password: "wrong password" } }),
      await call("POST", "/auth/sign_in", { body: { email: `${unique("nobody")}@example.test`, password: PASSWORD } }),
      await call("POST", "/auth/sign_in", { body: { email: agentEmail, password: PASSWORD } }),
    ];
    for (const reply of answers) {
      expectStatus(reply, 401);
      expect(reply.body).toEqual({ error: { code: "invalid_credentials", message: "Invalid login credentials. Please try again.", details: null } });
      expect(reply.headers.get("access-token")).toBeNull();
      expect(reply.headers.get("set-cookie")).toBeNull();
    }
  });

  it("limits attempts per email with 429 and retry-after", { timeout: 30_000 }, async () => {
    const { agency, account } = await tenant();
    const user = await userWithPassword(agency.access_token, account.id);
    await withinOneRateWindow();
    const statuses: number[] = [];
    let last = await call("POST", "/auth/sign_in", { body: { email: user.email, password: "wrong password" } });
    statuses.push(last.status);
    for (let i = 0; i < 6; i++) {
      last = await call("POST", "/auth/sign_in", { body: { email: user.email, password: "wrong password" } });
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expectStatus(last, 429);
    expect(last.body.error.code).toBe("rate_limited");
    expect(last.headers.get("retry-after")).toBe("60");
    // The right password does not get through the limit either.
    expectStatus(await call("POST", "/auth/sign_in", { body: { email: user.email, password: PASSWORD } }), 429);
  });

  it("limits attempts per client address (CF-Connecting-IP), whatever the email", { timeout: 30_000 }, async () => {
    const address = `203.0.113.${Math.floor(Math.random() * 250) + 1}`;
    await withinOneRateWindow();
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) {
      const reply = await call("POST", "/auth/sign_in", {
        body: { email: `${unique("guess")}@example.test`, password: "guess guess" },
        headers: { "cf-connecting-ip": address },
      });
      statuses.push(reply.status);
    }
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  it("refuses unexpected fields and overlong passwords without counting them as attempts", async () => {
    expectStatus(await call("POST", "/auth/sign_in", { body: { email: "a@example.test", password: "x".repeat(129) } }), 422);
    expectStatus(await call("POST", "/auth/sign_in", { body: { email: "a@example.test", password: PASSWORD, remember: true } }), 422);
  });
});

describe("one email in several agencies", () => {
  async function sameEmailInTwoAgencies(secondPassword: string) {
    const email = `${unique("twin")}@example.test`;
    const first = await createAgency();
    const firstAccount = await createAccount(first.access_token);
    const second = await createAgency();
    const secondAccount = await createAccount(second.access_token);
    const a = await userWithPassword(first.access_token, firstAccount.id, "agent", { email });
    const b = await userWithPassword(second.access_token, secondAccount.id, "agent", { email, password: secondPassword });
    return { email, first, second, a, b };
  }

  it("signs in the one user whose password matches", async () => {
    const { email, a, b } = await sameEmailInTwoAgencies("another password entirely");
    expect((await signIn(email)).data.id).toBe(a.id);
    expect((await signIn(email, "another password entirely")).data.id).toBe(b.id);
  });

  it("asks which agency when the password opens users of two, and agency_id picks one", async () => {
    const { email, first, second, b } = await sameEmailInTwoAgencies(PASSWORD);
    const reply = await call("POST", "/auth/sign_in", { body: { email, password: PASSWORD } });
    expectStatus(reply, 409);
    expect(reply.body.error.code).toBe("agency_required");
    expect(reply.body.error.details).toEqual({
      agencies: [
        { id: first.id, name: first.name },
        { id: second.id, name: second.name },
      ],
    });
    const picked = await call("POST", "/auth/sign_in", { body: { email, password: PASSWORD, agency_id: second.id } });
    expectStatus(picked, 200);
    expect(picked.body.data.id).toBe(b.id);
  });

  it("never lets agency_id open another agency's user with this password", async () => {
    const { email, second } = await sameEmailInTwoAgencies("another password entirely");
    const reply = await call("POST", "/auth/sign_in", { body: { email, password: PASSWORD, agency_id: second.id } });
    expectStatus(reply, 401);
    expect(reply.body.error.code).toBe("invalid_credentials");
  });

  it("names no agency to a caller without the password", async () => {
    const { email } = await sameEmailInTwoAgencies(PASSWORD);
    const reply = await call("POST", "/auth/sign_in", { body: { email, password: "wrong password" } });
    expectStatus(reply, 401);
    expect(JSON.stringify(reply.body)).not.toContain("agencies");
  });
});

describe("a session's credentials", () => {
  async function signedIn() {
    const t = await tenant();
    const user = await userWithPassword(t.agency.access_token, t.account.id);
    return { ...t, user, session: await signIn(user.email) };
  }

  it("open user routes with devise's access-token, client and uid headers", async () => {
    const { session, account } = await signedIn();
    expectStatus(await call("GET", `/api/v1/accounts/${account.id}/conversations`, { headers: deviseHeaders(session) }), 200);
  });

  it("refuse devise headers whose client or uid is not the session's", async () => {
    const { session, agent } = await signedIn();
    const other = await signIn(session.uid);
    const agentEmail = (await call("GET", "/api/v1/profile", { token: agent.access_token })).body.email as string;
    for (const headers of [
      { ...deviseHeaders(session), client: other.client },
      { ...deviseHeaders(session), uid: agentEmail },
      { "access-token": session.accessToken, client: session.client },
    ]) {
      expectStatus(await call("GET", "/api/v1/profile", { headers }), 401);
    }
  });

  it("open user routes as Bearer and as api_access_token", async () => {
    const { session } = await signedIn();
    expectStatus(await call("GET", "/api/v1/profile", { token: session.accessToken }), 200);
    expectStatus(await call("GET", "/api/v1/profile", { token: session.accessToken, tokenHeader: "api_access_token" }), 200);
  });

  it("never open the Agency or Platform APIs", async () => {
    const { session } = await signedIn();
    expectStatus(await call("GET", "/api/v1/agency/accounts", { token: session.accessToken }), 401);
    expectStatus(await call("GET", "/platform/api/v1/agencies", { token: session.accessToken }), 401);
  });

  it("give GET /api/v1/profile the session's own pubsub token", async () => {
    const { session, user } = await signedIn();
    const viaSession = await call("GET", "/api/v1/profile", { headers: deviseHeaders(session) });
    const viaApiToken = await call("GET", "/api/v1/profile", { token: user.access_token });
    expect(viaSession.body.pubsub_token).toBe(session.data.pubsub_token);
    expect(viaApiToken.body.pubsub_token).toBe(user.pubsub_token);
    expect(viaSession.body.pubsub_token).not.toBe(viaApiToken.body.pubsub_token);
  });

  it("stop working once the session has expired", async () => {
    const { session } = await signedIn();
    await env.DB.prepare("update user_sessions set expires_at = unixepoch() - 1 where client_id = ?").bind(session.client).run();
    expectStatus(await call("GET", "/api/v1/profile", { headers: deviseHeaders(session) }), 401);
    expectStatus(await call("GET", "/auth/validate_token", { token: session.accessToken }), 401);
  });

  it("slide the expiry when used, writing the last use at most once a minute", async () => {
    const { session } = await signedIn();
    const row = () =>
      env.DB.prepare("select last_used_at, expires_at from user_sessions where client_id = ?")
        .bind(session.client)
        .first<{ last_used_at: number; expires_at: number }>();
    await env.DB.prepare("update user_sessions set last_used_at = last_used_at - 3600, expires_at = expires_at - 3600 where client_id = ?")
      .bind(session.client)
      .run();
    const before = await row();
    expectStatus(await call("GET", "/api/v1/profile", { token: session.accessToken }), 200);
    const touched = await row();
    expect(touched?.last_used_at).toBeGreaterThan((before?.last_used_at ?? 0) + 3000);
    expect(touched?.expires_at).toBeGreaterThan((before?.expires_at ?? 0) + 3000);
    await env.DB.prepare("update user_sessions set last_used_at = last_used_at - 30 where client_id = ?").bind(session.client).run();
    const halfMinute = await row();
    expectStatus(await call("GET", "/api/v1/profile", { token: session.accessToken }), 200);
    expect(await row()).toEqual(halfMinute);
  });
});

describe("the console's cookie", () => {
  async function cookieSession() {
    const t = await tenant();
    const user = await userWithPassword(t.agency.access_token, t.account.id, "administrator");
    return { ...t, user, session: await signIn(user.email) };
  }

  it("authenticates reads without any Origin", async () => {
    const { session } = await cookieSession();
    const reply = await call("GET", "/api/v1/profile", { headers: { cookie: `other=1; ${session.cookie}` } });
    expectStatus(reply, 200);
    expect(reply.body.pubsub_token).toBe(session.data.pubsub_token);
  });

  it("authenticates writes from the same origin, by Origin or Sec-Fetch-Site", async () => {
    const { session, account } = await cookieSession();
    const path = `/api/v1/accounts/${account.id}/labels`;
    const sameSite: Record<string, string>[] = [{ origin: "http://parley.test" }, { origin: env.PUBLIC_URL }, { "sec-fetch-site": "same-origin" }];
    for (const headers of sameSite) {
      const reply = await call("POST", path, { headers: { cookie: session.cookie, ...headers }, body: { title: unique("label").toLowerCase() } });
      expectStatus(reply, 200);
    }
  });

  it("refuses writes from another site, or that say nothing of their origin, with 403 csrf_failed", async () => {
    const { session, account } = await cookieSession();
    const path = `/api/v1/accounts/${account.id}/labels`;
    const crossSite: Record<string, string>[] = [
      { origin: "https://evil.example" },
      { "sec-fetch-site": "cross-site", origin: "https://evil.example" },
      {},
      { "sec-fetch-site": "same-site" },
    ];
    for (const headers of crossSite) {
      const reply = await call("POST", path, { headers: { cookie: session.cookie, ...headers }, body: { title: "csrf" } });
      expectStatus(reply, 403);
      expect(reply.body.error.code).toBe("csrf_failed");
    }
    expectStatus(await call("DELETE", "/auth/sign_out", { headers: { cookie: session.cookie, origin: "https://evil.example" } }), 403);
  });

  it("needs no origin check when the token travels in a header", async () => {
    const { session, account } = await cookieSession();
    const reply = await call("POST", `/api/v1/accounts/${account.id}/labels`, {
      headers: { ...deviseHeaders(session), origin: "https://elsewhere.example" },
      body: { title: unique("label").toLowerCase() },
    });
    expectStatus(reply, 200);
  });
});

describe("DELETE /auth/sign_out and GET /auth/validate_token", () => {
  it("validate_token answers the user without an access_token", async () => {
    const { agency, account } = await tenant();
    const user = await userWithPassword(agency.access_token, account.id);
    const session = await signIn(user.email);
    const reply = await call("GET", "/auth/validate_token", { headers: deviseHeaders(session) });
    expectStatus(reply, 200);
    const { access_token: _, ...withoutToken } = session.data;
    expect(reply.body).toEqual({ success: true, data: withoutToken });
    expectStatus(await call("GET", "/auth/validate_token"), 401);
  });

  it("sign_out ends that session only, clears the cookie, and keeps the API token working", async () => {
    const { agency, account } = await tenant();
    const user = await userWithPassword(agency.access_token, account.id);
    const ending = await signIn(user.email);
    const staying = await signIn(user.email);
    const reply = await call("DELETE", "/auth/sign_out", { headers: { cookie: ending.cookie, origin: "http://parley.test" } });
    expectStatus(reply, 200);
    expect(reply.body).toEqual({ success: true });
    expect(reply.headers.get("set-cookie")).toMatch(/^parley_session=; Path=\/; Max-Age=0; HttpOnly; Secure; SameSite=Strict$/);
    const credentials: Record<string, string>[] = [deviseHeaders(ending), { cookie: ending.cookie }, { authorization: `Bearer ${ending.accessToken}` }];
    for (const headers of credentials) {
      expectStatus(await call("GET", "/auth/validate_token", { headers }), 401);
    }
    expectStatus(await call("GET", "/auth/validate_token", { headers: deviseHeaders(staying) }), 200);
    expectStatus(await call("GET", "/api/v1/profile", { token: user.access_token }), 200);
  });

  it("sign_out with an API token ends nothing and answers 404", async () => {
    const { admin } = await tenant();
    const reply = await call("DELETE", "/auth/sign_out", { token: admin.access_token });
    expectStatus(reply, 404);
    expectStatus(await call("GET", "/api/v1/profile", { token: admin.access_token }), 200);
  });
});
