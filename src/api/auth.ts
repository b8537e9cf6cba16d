/**
 * The one auth middleware: resolves the caller from `Authorization: Bearer <token>` or Chatwoot's
 * `api_access_token` header, then scopes account routes to the caller's membership and role.
 * Anything outside the caller's scope answers 404, so ids of other tenants are not confirmed.
 */
import { and, eq } from "drizzle-orm";
import type { Context, MiddlewareHandler } from "hono";
import { accounts, accountUsers, agencies, users, type Role } from "../db/schema";
import { parseAccessToken, secretMatches, secretsEqual } from "../domain/tokens";
import type { AppEnv, Principal } from "./context";
import { ApiError, forbidden, notFound, unauthorized } from "./errors";
import { Id } from "./schemas";

type Surface = "platform" | "agency" | "user";

function presentedToken(c: Context<AppEnv>): string | null {
  const authorization = c.req.header("authorization");
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match?.[1] ?? null;
  }
  return c.req.header("api_access_token")?.trim() || null;
}

async function resolvePrincipal(c: Context<AppEnv>, surface: Surface, token: string): Promise<Principal | null> {
  if (surface === "platform") {
    const expected = c.env.PLATFORM_TOKEN;
    return expected && (await secretsEqual(token, expected)) ? { type: "Platform" } : null;
  }
  const parsed = parseAccessToken(token);
  if (!parsed || parsed.kind !== surface) return null;
  const db = c.var.db;
  if (parsed.kind === "agency") {
    const agency = await db.query.agencies.findFirst({ where: eq(agencies.tokenId, parsed.tokenId) });
    if (!agency || !(await secretMatches(parsed.secret, agency.tokenHash))) return null;
    return { type: "Agency", agency: { id: agency.id, name: agency.name } };
  }
  const user = await db.query.users.findFirst({ where: eq(users.tokenId, parsed.tokenId) });
  if (!user || !(await secretMatches(parsed.secret, user.tokenHash))) return null;
  return {
    type: "User",
    user: { id: user.id, agencyId: user.agencyId, name: user.name, email: user.email, tokenId: user.tokenId },
  };
}

/** Requires a valid token of the given surface (platform operator, agency or user). */
export function authenticate(surface: Surface): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = presentedToken(c);
    if (!token) throw unauthorized();
    const principal = await resolvePrincipal(c, surface, token);
    if (!principal) throw unauthorized("The access token is not valid for this API.");
    c.set("principal", principal);
    await next();
  };
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
