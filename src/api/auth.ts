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
import { parseAccessToken, type ParsedToken, sameToken, secretMatches, secretsEqual } from "../domain/tokens";
import type { AppEnv, Membership, Principal } from "./context";
import { ApiError, forbidden, notFound, unauthorized } from "./errors";
import { agentBotMembership, agentBotPrincipal } from "./agent-bot-access";
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
  // Agency users reach the Agency API with their sessions as well (cookie, devise headers, session token).
  if (surface === "platform") return null;
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
  if (parsed.kind === "agent_bot") return surface === "user" && presented.transport === "token" ? agentBotPrincipal(db, parsed) : null;
  if (surface === "agency" && parsed.kind === "agency") {
    const agency = await db.query.agencies.findFirst({ where: eq(agencies.tokenId, parsed.tokenId) });
    if (!agency || !(await secretMatches(parsed.secret, agency.tokenHash))) return null;
    return { type: "Agency", agency: { id: agency.id, name: agency.name } };
  }
  const signedIn = await resolveUser(c, presented, parsed);
  if (!signedIn) return null;
  if (surface === "user") return { type: "User", ...signedIn };
  return agencyStaffPrincipal(c, signedIn);
}

type SignedInPrincipal = Extract<Principal, { type: "User" }>;

/** The user behind a user token or a session, with the credential they presented. */
async function resolveUser(c: Context<AppEnv>, presented: Presented, parsed: ParsedToken): Promise<Omit<SignedInPrincipal, "type"> | null> {
  const db = c.var.db;
  if (parsed.kind === "user" && presented.transport === "token") {
    const user = await db.query.users.findFirst({ where: eq(users.tokenId, parsed.tokenId) });
    if (!user || !(await secretMatches(parsed.secret, user.tokenHash))) return null;
    return { user: userFields(user), credential: { kind: "api_token", tokenId: user.tokenId } };
  }
  const session = await sessionOfToken(db, parsed);
  if (!session) return null;
  if (presented.transport === "headers" && !sameToken(presented.client, session.clientId)) return null;
  const user = await db.query.users.findFirst({ where: eq(users.id, session.userId) });
  if (!user) return null;
  if (presented.transport === "headers" && presented.uid.toLowerCase() !== user.email) return null;
  const expiresAt = await touchSession(db, session);
  return {
    user: userFields(user),
    credential: {
      kind: "session",
      tokenId: session.tokenId,
      sessionId: session.id,
      clientId: session.clientId,
      expiresAt,
      transport: presented.transport,
      actingAccountId: session.actingAccountId,
    },
  };
}

/** The Agency API called with an agency user's session (never their API token): the agency, and who in it. */
async function agencyStaffPrincipal(c: Context<AppEnv>, { user, credential }: Omit<SignedInPrincipal, "type">): Promise<Principal | null> {
  if (user.agencyRole === null || credential.kind !== "session") return null;
  const agency = await c.var.db.query.agencies.findFirst({ where: eq(agencies.id, user.agencyId) });
  if (!agency) return null;
  return {
    type: "Agency",
    agency: { id: agency.id, name: agency.name },
    staff: { id: user.id, name: user.name, email: user.email, role: user.agencyRole, credential },
  };
}

const userFields = (user: typeof users.$inferSelect) => ({
  id: user.id,
  agencyId: user.agencyId,
  name: user.name,
  email: user.email,
  agencyRole: user.agencyRole,
});

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

/**
 * For `/api/v1/accounts/:account_id/*`: the user must be a member of that account, or an agency user
 * whose session opened it (`POST /api/v1/agency/accounts/:id/open`), who acts as its administrator.
 * An agent bot acts in its own account on the few routes Chatwoot opens to bots (./agent-bot-access).
 */
export const accountMember: MiddlewareHandler<AppEnv> = async (c, next) => {
  const principal = c.var.principal;
  if (principal.type === "AgentBot") {
    c.set("membership", await agentBotMembership(c, principal.bot, idParam(c, "account_id")));
    await next();
    return;
  }
  const user = userOf(c);
  const accountId = idParam(c, "account_id");
  const [membership] = await c.var.db
    .select({ role: accountUsers.role, agencyId: accounts.agencyId })
    .from(accountUsers)
    .innerJoin(accounts, eq(accounts.id, accountUsers.accountId))
    .where(and(eq(accountUsers.accountId, accountId), eq(accountUsers.userId, user.id)))
    .limit(1);
  if (membership && membership.agencyId === user.agencyId) {
    c.set("membership", { accountId, agencyId: membership.agencyId, role: membership.role });
  } else {
    const opened = await openedByAgencyUser(c, accountId);
    if (!opened) throw notFound("Account");
    c.set("membership", opened);
  }
  await next();
};

/** An agency user's session that opened `accountId` of their agency acts there as an administrator (no membership row). */
async function openedByAgencyUser(c: Context<AppEnv>, accountId: number): Promise<Membership | null> {
  const principal = c.var.principal;
  if (principal.type !== "User" || principal.user.agencyRole === null) return null;
  const { credential, user } = principal;
  if (credential.kind !== "session" || credential.actingAccountId !== accountId) return null;
  const account = await c.var.db.query.accounts.findFirst({
    where: and(eq(accounts.id, accountId), eq(accounts.agencyId, user.agencyId)),
    columns: { id: true, agencyId: true },
  });
  return account ? { accountId, agencyId: account.agencyId, role: "administrator" } : null;
}

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

/** Managing the agency's own people: the agency token, or an agency user with the owner role (403 for admins). */
export function requireAgencyOwner(c: Context<AppEnv>) {
  const principal = c.var.principal;
  if (principal.type !== "Agency") throw unauthorized();
  if (principal.staff && principal.staff.role !== "owner") throw forbidden("Only owners of the agency can do this.");
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
