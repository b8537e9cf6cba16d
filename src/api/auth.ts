/**
 * The one auth middleware: resolves the caller, then scopes account routes to the caller's membership
 * and role. Anything outside the caller's scope answers 404, so ids of other tenants are not confirmed.
 *
 * Tokens come as `Authorization: Bearer <token>` or Chatwoot's `api_access_token` header. Users may
 * also present a signed-in session: its access token in those headers, devise_token_auth's three
 * headers (`access-token`, `client`, `uid`, as Chatwoot's mobile app sends them), or the console's
 * `parley_session` cookie. A cookie can ride along on a request another site makes, so
 * cookie-authenticated writes must come from this site (403 `csrf_failed` otherwise). Refusals (401)
 * count against the client's address (`bad_token.address` in ./limits): past the limit, 429.
 */
import { and, eq } from "drizzle-orm";
import type { Context, MiddlewareHandler } from "hono";
import { accounts, accountUsers, agencies, users, type Role } from "../db/schema";
import { cookieRequestAllowed, sessionCookieValue } from "../domain/sign-in";
import { parseAccessToken, sameToken, secretMatches, secretsEqual } from "../domain/tokens";
import type { AppEnv, Principal } from "./context";
import { ApiError, forbidden, notFound, unauthorized } from "./errors";
import { refuseToken } from "./limits";
import { Id } from "./schemas";
import { sessionOfToken, touchSession } from "./sign-in/sessions-store";

type Surface = "platform" | "agency" | "user";

type Presented =
  | { transport: "token"; token: string }
  | { transport: "headers"; token: string; client: string; uid: string }
  | { transport: "cookie"; token: string };

function presentedCredential(c: Context<AppEnv>, surface: Surface): Presented | null {
  const authorization = c.req.header("authorization");
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match?.[1] ? { transport: "token", token: match[1] } : null;
  }
  const apiAccessToken = c.req.header("api_access_token")?.trim();
  if (apiAccessToken) return { transport: "token", token: apiAccessToken };
  if (surface !== "user") return null;
  const accessToken = c.req.header("access-token")?.trim();
  if (accessToken) {
    const client = c.req.header("client")?.trim() ?? "";
    const uid = c.req.header("uid")?.trim() ?? "";
    return client && uid ? { transport: "headers", token: accessToken, client, uid } : null;
  }
  const cookie = sessionCookieValue(c.req.header("cookie"));
  return cookie ? { transport: "cookie", token: cookie } : null;
}

async function resolvePrincipal(c: Context<AppEnv>, surface: Surface, presented: Presented): Promise<Principal | null> {
  const { token } = presented;
  if (surface === "platform") {
    const expected = c.env.PLATFORM_TOKEN;
    return expected && (await secretsEqual(token, expected)) ? { type: "Platform" } : null;
  }
  const parsed = parseAccessToken(token);
  if (!parsed) return null;
  const db = c.var.db;
  if (surface === "agency") {
    if (parsed.kind !== "agency") return null;
    const agency = await db.query.agencies.findFirst({ where: eq(agencies.tokenId, parsed.tokenId) });
    if (!agency || !(await secretMatches(parsed.secret, agency.tokenHash))) return null;
    return { type: "Agency", agency: { id: agency.id, name: agency.name } };
  }
  if (parsed.kind === "user" && presented.transport === "token") {
    const user = await db.query.users.findFirst({ where: eq(users.tokenId, parsed.tokenId) });
    if (!user || !(await secretMatches(parsed.secret, user.tokenHash))) return null;
    return { type: "User", user: userFields(user), credential: { kind: "api_token", tokenId: user.tokenId } };
  }
  const session = await sessionOfToken(db, parsed);
  if (!session) return null;
  if (presented.transport === "headers" && !sameToken(presented.client, session.clientId)) return null;
  const user = await db.query.users.findFirst({ where: eq(users.id, session.userId) });
  if (!user) return null;
  if (presented.transport === "headers" && presented.uid.toLowerCase() !== user.email) return null;
  const expiresAt = await touchSession(db, session);
  return {
    type: "User",
    user: userFields(user),
    credential: {
      kind: "session",
      tokenId: session.tokenId,
      sessionId: session.id,
      clientId: session.clientId,
      expiresAt,
      transport: presented.transport,
    },
  };
}

const userFields = (user: typeof users.$inferSelect) => ({ id: user.id, agencyId: user.agencyId, name: user.name, email: user.email });

/** Requires a valid credential of the given surface (platform operator, agency or user). */
export function authenticate(surface: Surface): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const presented = presentedCredential(c, surface);
    if (!presented) throw await refuseToken(c, unauthorized());
    if (presented.transport === "cookie" && !sameSiteRequest(c)) {
      throw new ApiError(403, "csrf_failed", "A request authenticated by the session cookie must come from this site.");
    }
    const principal = await resolvePrincipal(c, surface, presented);
    if (!principal) throw await refuseToken(c, unauthorized("The access token is not valid for this API."));
    c.set("principal", principal);
    await next();
  };
}

/** Whether a cookie-authenticated request comes from this site (see `cookieRequestAllowed`). */
function sameSiteRequest(c: Context<AppEnv>): boolean {
  return cookieRequestAllowed({
    method: c.req.method,
    origin: c.req.header("origin") ?? null,
    secFetchSite: c.req.header("sec-fetch-site") ?? null,
    requestUrl: c.req.url,
    publicUrl: c.env.PUBLIC_URL || null,
  });
}

/** Parses a numeric id path parameter in middleware, answering 400 in the one error shape. */
function idParam(c: Context<AppEnv>, name: string): number {
  const parsed = Id.safeParse(c.req.param(name));
  if (!parsed.success) {
    throw new ApiError(400, "invalid_parameter", "The path parameters are not valid.", [
      { field: name, message: "Expected a positive integer id.", code: "invalid_type" },
    ]);
  }
  return parsed.data;
}

/** For `/api/v1/accounts/:account_id/*`: the user must be a member of that account. */
export const accountMember: MiddlewareHandler<AppEnv> = async (c, next) => {
  const user = userOf(c);
  const accountId = idParam(c, "account_id");
  const [membership] = await c.var.db
    .select({ role: accountUsers.role, agencyId: accounts.agencyId })
    .from(accountUsers)
    .innerJoin(accounts, eq(accounts.id, accountUsers.accountId))
    .where(and(eq(accountUsers.accountId, accountId), eq(accountUsers.userId, user.id)))
    .limit(1);
  if (!membership || membership.agencyId !== user.agencyId) throw notFound("Account");
  c.set("membership", { accountId, agencyId: membership.agencyId, role: membership.role });
  await next();
};

/** Route middleware: only administrators of the account may configure it; agents get 403. */
export function requireRole(role: Role): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (role === "administrator" && c.var.membership.role !== "administrator") {
      throw forbidden("Only administrators of this account can do this.");
    }
    await next();
  };
}

export function agencyOf(c: Context<AppEnv>) {
  const principal = c.var.principal;
  if (principal.type !== "Agency") throw unauthorized();
  return principal.agency;
}

export function userOf(c: Context<AppEnv>) {
  const principal = c.var.principal;
  if (principal.type !== "User") throw unauthorized();
  return principal.user;
}

/** What the calling user authenticated with (API token or session). */
export function credentialOf(c: Context<AppEnv>) {
  const principal = c.var.principal;
  if (principal.type !== "User") throw unauthorized();
  return principal.credential;
}
