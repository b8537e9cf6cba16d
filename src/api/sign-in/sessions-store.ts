/**
 * Signed-in sessions and password links in D1, shared by the sign-in routes, the profile, the Agency
 * API and the auth middleware: starting and finding sessions, sliding their expiry, issuing and
 * redeeming one-time password links, and closing the /cable subscriptions of credentials that ended.
 */
import { and, asc, desc, eq, gt, isNull, ne, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client";
import { accounts, accountUsers, passwordTokens, type PasswordTokenPurpose, userSessions } from "../../db/schema";
import { sessionExpiry, sessionNeedsTouch } from "../../domain/sign-in";
import {
  hashSecret,
  issueAccessToken,
  type ParsedToken,
  parsePasswordToken,
  passwordToken,
  randomIdentifier,
  randomTokenId,
  secretMatches,
} from "../../domain/tokens";
import { accountObject } from "../../durable/addresses";

export type SessionRow = typeof userSessions.$inferSelect;

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** A new session of `userId`; the access token is shown once, in the sign-in answer. */
export async function startSession(db: Database, userId: number, client: { userAgent: string | null; ip: string | null }) {
  const token = await issueAccessToken("session");
  const now = new Date();
  const [session] = await db
    .insert(userSessions)
    .values({
      userId,
      clientId: randomIdentifier(22),
      tokenId: token.tokenId,
      tokenHash: token.tokenHash,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: new Date(sessionExpiry(seconds(now), seconds(now)) * 1000),
      userAgent: client.userAgent?.slice(0, 512) ?? null,
      ip: client.ip,
    })
    .returning();
  if (!session) throw new Error("session insert returned no row");
  return { session, accessToken: token.token };
}

/** The live session a parsed `pse_` token opens, or null (unknown, wrong secret, expired). */
export async function sessionOfToken(db: Database, parsed: ParsedToken): Promise<SessionRow | null> {
  if (parsed.kind !== "session") return null;
  const session = await db.query.userSessions.findFirst({ where: eq(userSessions.tokenId, parsed.tokenId) });
  if (!session || !(await secretMatches(parsed.secret, session.tokenHash))) return null;
  return session.expiresAt.getTime() > Date.now() ? session : null;
}

/** Records a use of the session, at most once a minute, sliding its expiry; returns the expiry in force. */
export async function touchSession(db: Database, session: SessionRow): Promise<Date> {
  const now = seconds(new Date());
  if (!sessionNeedsTouch(seconds(session.lastUsedAt), now)) return session.expiresAt;
  const expiresAt = new Date(sessionExpiry(seconds(session.createdAt), now) * 1000);
  await db
    .update(userSessions)
    .set({ lastUsedAt: new Date(now * 1000), expiresAt })
    .where(eq(userSessions.id, session.id));
  return expiresAt;
}

/** The user's live sessions, most recently used first. */
export function liveSessions(db: Database, userId: number) {
  return db
    .select()
    .from(userSessions)
    .where(and(eq(userSessions.userId, userId), gt(userSessions.expiresAt, new Date())))
    .orderBy(desc(userSessions.lastUsedAt), desc(userSessions.id));
}

/**
 * The delete of some of a user's sessions, for a D1 batch: one, all but one (a password change keeps
 * the session that made it), or all. Returns the ended sessions' token ids and the sub-accounts they
 * acted in, to close their sockets (`endSessionsAccess`).
 */
export function deleteSessions(db: Database, userId: number, which: { only: number } | { except: number | null }) {
  const scope = "only" in which ? eq(userSessions.id, which.only) : which.except === null ? undefined : ne(userSessions.id, which.except);
  return db
    .delete(userSessions)
    .where(and(eq(userSessions.userId, userId), scope))
    .returning({ tokenId: userSessions.tokenId, actingAccountId: userSessions.actingAccountId });
}

/**
 * Closes the user's /cable subscriptions that came from the named credentials ("all": every one) in
 * every account they belong to, or only in `accountIds` (an account they were just removed from).
 */
export async function endUserAccess(env: Env, userId: number, tokenIds: string[] | "all", accountIds?: number[]): Promise<void> {
  if (Array.isArray(tokenIds) && tokenIds.length === 0) return;
  const targets = accountIds ?? (await accountIdsOf(env, userId));
  await Promise.all(targets.map((accountId) => accountObject(env, accountId).endUserAccess(userId, tokenIds)));
}

/**
 * Closes the /cable subscriptions of ended sessions: in every account the user belongs to, and in the
 * sub-account each session acted in (an agency user's opened account, where they are no member).
 */
export async function endSessionsAccess(env: Env, userId: number, ended: { tokenId: string; actingAccountId: number | null }[]): Promise<void> {
  if (ended.length === 0) return;
  const acting = ended.flatMap((session) => (session.actingAccountId === null ? [] : [session.actingAccountId]));
  const targets = [...new Set([...(await accountIdsOf(env, userId)), ...acting])];
  await endUserAccess(
    env,
    userId,
    ended.map((session) => session.tokenId),
    targets,
  );
}

export async function accountIdsOf(env: Env, userId: number): Promise<number[]> {
  const rows = await env.DB.prepare("select account_id as id from account_users where user_id = ?").bind(userId).all<{ id: number }>();
  return rows.results.map((row) => row.id);
}

/** The sub-accounts a user belongs to with their role, oldest first (the first is the user's default). */
export function membershipsOf(db: Database, userId: number) {
  return db
    .select({ id: accounts.id, name: accounts.name, role: accountUsers.role })
    .from(accountUsers)
    .innerJoin(accounts, eq(accounts.id, accountUsers.accountId))
    .where(eq(accountUsers.userId, userId))
    .orderBy(asc(accounts.id));
}

/**
 * A one-time password link's row, for a D1 batch (`userId` may be an SQL expression when the user is
 * created in the same batch). The token itself is derived from `tokenId` (see `passwordToken`).
 */
export function passwordTokenInsert(
  db: Database,
  input: { tokenId: string; tokenHash: string; userId: number | SQL; purpose: PasswordTokenPurpose; validForSeconds: number },
) {
  return db.insert(passwordTokens).values({
    userId: input.userId,
    purpose: input.purpose,
    tokenId: input.tokenId,
    tokenHash: input.tokenHash,
    expiresAt: new Date(Date.now() + input.validForSeconds * 1000),
  });
}

/** A fresh lookup id and the hash of the secret derived from it (the secret itself is never stored). */
export async function newPasswordTokenId(signingSecret: string): Promise<{ tokenId: string; tokenHash: string }> {
  const tokenId = randomTokenId();
  const token = parsePasswordToken(await passwordToken(signingSecret, tokenId));
  if (!token) throw new Error("derived password token does not parse");
  return { tokenId, tokenHash: await hashSecret(token.secret) };
}

/**
 * Redeems a password link: the token must match, be unexpired and unused. It is marked used before
 * anything else happens, so two requests with one link cannot both set a password. Returns the user.
 */
export async function redeemPasswordToken(db: Database, token: string) {
  const parsed = parsePasswordToken(token);
  if (!parsed) return null;
  const row = await db.query.passwordTokens.findFirst({ where: eq(passwordTokens.tokenId, parsed.tokenId) });
  if (!row || row.usedAt !== null || row.expiresAt.getTime() <= Date.now()) return null;
  if (!(await secretMatches(parsed.secret, row.tokenHash))) return null;
  const [claimed] = await db
    .update(passwordTokens)
    .set({ usedAt: new Date() })
    .where(and(eq(passwordTokens.id, row.id), isNull(passwordTokens.usedAt)))
    .returning({ userId: passwordTokens.userId, purpose: passwordTokens.purpose });
  return claimed ?? null;
}

/** Retires the user's other unused links (after a password was set, or when a new reset link goes out). */
export function retirePasswordTokens(db: Database, userId: number) {
  return db
    .update(passwordTokens)
    .set({ usedAt: new Date() })
    .where(and(eq(passwordTokens.userId, userId), isNull(passwordTokens.usedAt)));
}
