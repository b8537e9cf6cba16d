// Users with passwords and signed-in sessions, built through the real APIs.
import { call, expectStatus, unique } from "./helpers";

export const PASSWORD = "correct horse battery";

/** A user created by the agency with a password (no invitation). */
export async function userWithPassword(
  agencyToken: string,
  accountId: number,
  role: "administrator" | "agent" = "agent",
  options: { email?: string; password?: string } = {},
) {
  const email = options.email ?? `${unique(role)}@example.test`;
  const reply = await call("POST", `/api/v1/agency/accounts/${accountId}/users`, {
    token: agencyToken,
    body: { name: `Signed ${role}`, email, role, password: options.password ?? PASSWORD },
  });
  expectStatus(reply, 201);
  return reply.body as { id: number; email: string; access_token: string; pubsub_token: string };
}

export type Session = {
  accessToken: string;
  client: string;
  uid: string;
  expiry: string;
  cookie: string;
  data: Record<string, any>;
};

export async function signIn(email: string, password = PASSWORD, headers: Record<string, string> = {}): Promise<Session> {
  const reply = await call("POST", "/auth/sign_in", { body: { email, password }, headers });
  expectStatus(reply, 200);
  const setCookie = reply.headers.get("set-cookie") ?? "";
  return {
    accessToken: reply.headers.get("access-token") ?? "",
    client: reply.headers.get("client") ?? "",
    uid: reply.headers.get("uid") ?? "",
    expiry: reply.headers.get("expiry") ?? "",
    cookie: setCookie.split(";")[0] ?? "",
    data: reply.body.data,
  };
}

/** devise_token_auth's three headers, as Chatwoot's mobile app sends them. */
export const deviseHeaders = (session: Session) => ({ "access-token": session.accessToken, client: session.client, uid: session.uid });

/** Gives a user who has none a password (the profile allows it without a current one) and signs them in; returns the session's id. */
export async function sessionIdOf(userToken: string): Promise<number> {
  const profile = await call("PUT", "/api/v1/profile", {
    token: userToken,
    body: { profile: { password: PASSWORD, password_confirmation: PASSWORD } },
  });
  expectStatus(profile, 200);
  const session = await signIn(profile.body.email);
  const sessions = await call("GET", "/api/v1/profile/sessions", { headers: deviseHeaders(session) });
  const current = (sessions.body.payload as { id: number; current: boolean }[]).find((s) => s.current);
  if (!current) throw new Error("no current session listed");
  return current.id;
}

/**
 * The rate limiting binding counts in windows aligned to the clock's minutes (locally as on
 * Cloudflare): a burst that must land in one window waits when less than 20 s of this one are left.
 */
export async function withinOneRateWindow(): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 40_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 200));
}
