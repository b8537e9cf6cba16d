/**
 * The people of a sub-account: inviting one (a new user gets a one-time link to choose a password,
 * mailed from the account), changing a role and removing one, each with its audit entry in the same
 * batch and the user's access re-weighed at once. Shared by the Agency API (`/api/v1/agency/accounts/:id/users`)
 * and the Application API's agents (`/api/v1/accounts/:id/agents`), so both create, demote and remove alike.
 */
import { and, count, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Context } from "hono";
import { accountUsers, inboxes, inboxMembers, type Role, teamMembers, teams, users } from "../db/schema";
import { hashPassword } from "../domain/passwords";
import { issueAccessToken } from "../domain/tokens";
import { accountObject } from "../durable/addresses";
import { auditEntry } from "./audit";
import type { AppEnv } from "./context";
import { type ApiError, notFound } from "./errors";
import { invitationStatements, mailInvitation, userWithTokenId } from "./invitations";
import { endUserAccess } from "./sign-in/sessions-store";

/** The sub-account a member belongs to: its id, its agency and the name its invitation email carries. */
export type MemberAccount = { id: number; agencyId: number; name: string };

export type AccountMember = { id: number; name: string; email: string; role: Role; createdAt: Date; tokenId: string };

/** Select these, joined through `account_users` of one account, to read members. */
export const memberColumns = {
  id: users.id,
  name: users.name,
  email: users.email,
  role: accountUsers.role,
  createdAt: accountUsers.createdAt,
  tokenId: users.tokenId,
};

/** The account's member `userId`, or 404 "User not found". */
export async function findAccountMember(c: Context<AppEnv>, accountId: number, userId: number): Promise<AccountMember> {
  const [member] = await c.var.db
    .select(memberColumns)
    .from(accountUsers)
    .innerJoin(users, eq(users.id, accountUsers.userId))
    .where(and(eq(accountUsers.accountId, accountId), eq(accountUsers.userId, userId)));
  if (!member) throw notFound("User");
  return member;
}

/** How many administrators the account has. */
export async function administratorCount(c: Context<AppEnv>, accountId: number): Promise<number> {
  const [row] = await c.var.db
    .select({ value: count() })
    .from(accountUsers)
    .where(and(eq(accountUsers.accountId, accountId), eq(accountUsers.role, "administrator")));
  return row?.value ?? 0;
}

export type MemberInvitation = {
  name: string;
  email: string;
  role: Role;
  /** Set at once instead of mailing an invitation (the Agency API takes one, as Chatwoot's Platform API does). */
  password?: string;
};

/**
 * The member and, for a user created now, their API token (shown once by the Agency API); null when
 * the email already named a user of the agency, who joins with the token they have.
 */
export type AddedMember = { member: AccountMember; accessToken: string | null; tokenId: string };

/**
 * Adds a person to the account: an email that already names a user of the agency adds that user (who
 * keeps their password); otherwise a new user, with the password or, without one, an invitation (a
 * one-time link to choose it, mailed from this account). The user, the membership, the audit entry,
 * the link and its email land in one batch. `alreadyMember` is the error for a member's email.
 */
export async function addAccountMember(
  c: Context<AppEnv>,
  account: MemberAccount,
  input: MemberInvitation,
  alreadyMember: (userId: number) => ApiError,
): Promise<AddedMember> {
  const db = c.var.db;
  const existing = await db.query.users.findFirst({
    where: and(eq(users.agencyId, account.agencyId), eq(users.email, input.email)),
  });
  const audit = (userId: number | ReturnType<typeof sql>, extra: Record<string, unknown> = {}) =>
    auditEntry(c, {
      action: "create",
      auditableType: "AccountUser",
      auditableId: userId,
      agencyId: account.agencyId,
      accountId: account.id,
      changes: { email: input.email, name: input.name, role: input.role, ...extra },
    });

  if (existing) {
    const [membership] = await db
      .select({ role: accountUsers.role })
      .from(accountUsers)
      .where(and(eq(accountUsers.accountId, account.id), eq(accountUsers.userId, existing.id)));
    if (membership) throw alreadyMember(existing.id);
    const [[added]] = await db.batch([
      db.insert(accountUsers).values({ accountId: account.id, userId: existing.id, role: input.role }).returning(),
      audit(existing.id),
    ]);
    if (!added) throw new Error("membership insert returned no row");
    return {
      member: { id: existing.id, name: existing.name, email: existing.email, role: added.role, createdAt: added.createdAt, tokenId: existing.tokenId },
      accessToken: null,
      tokenId: existing.tokenId,
    };
  }

  const token = await issueAccessToken("user");
  const newUserId = userWithTokenId(token.tokenId);
  const userInsert = db
    .insert(users)
    .values({
      agencyId: account.agencyId,
      name: input.name,
      email: input.email,
      tokenId: token.tokenId,
      tokenHash: token.tokenHash,
      passwordHash: input.password === undefined ? null : await hashPassword(input.password),
    })
    .returning();
  const membershipInsert = db.insert(accountUsers).values({ accountId: account.id, userId: sql`last_insert_rowid()`, role: input.role }).returning();

  let user: typeof users.$inferSelect | undefined;
  let membership: typeof accountUsers.$inferSelect | undefined;
  if (input.password !== undefined) {
    [[user], [membership]] = await db.batch([userInsert, membershipInsert, audit(newUserId, { password: "set" })]);
  } else {
    const invitation = await invitationStatements(c, {
      userId: newUserId,
      to: input.email,
      recipientName: input.name,
      accountId: account.id,
      invitedTo: account.name,
    });
    const [[added], [joined], , [stored]] = await db.batch([
      userInsert,
      membershipInsert,
      audit(newUserId, { invitation: "sent" }),
      invitation.email,
      invitation.link,
    ]);
    [user, membership] = [added, joined];
    await mailInvitation(c.env, stored);
  }
  if (!user || !membership) throw new Error("user insert returned no row");
  return {
    member: { id: user.id, name: user.name, email: user.email, role: membership.role, createdAt: membership.createdAt, tokenId: user.tokenId },
    accessToken: token.token,
    tokenId: token.tokenId,
  };
}

/**
 * Gives the member another role, audited; the account's connected subscribers re-read their access
 * before this answers (administrators see every inbox and its private notes, agents only their own).
 */
export async function changeAccountMemberRole(c: Context<AppEnv>, account: MemberAccount, member: AccountMember, role: Role): Promise<void> {
  if (member.role === role) return;
  const db = c.var.db;
  await db.batch([
    db
      .update(accountUsers)
      .set({ role, updatedAt: new Date() })
      .where(and(eq(accountUsers.accountId, account.id), eq(accountUsers.userId, member.id))),
    auditEntry(c, {
      action: "update",
      auditableType: "AccountUser",
      auditableId: member.id,
      agencyId: account.agencyId,
      accountId: account.id,
      changes: { email: member.email, role: [member.role, role] },
    }),
  ]);
  await accountObject(c.env, account.id).invalidateMemberAccess();
}

/**
 * Removes the member from the account, its inboxes and teams, audited. A user left without any
 * sub-account is deleted, so their token stops working; their /cable subscriptions in the account
 * close before this answers, whatever credential opened them.
 */
export async function removeAccountMember(c: Context<AppEnv>, account: MemberAccount, member: AccountMember): Promise<void> {
  const db = c.var.db;
  const accountInboxIds = db.select({ id: inboxes.id }).from(inboxes).where(eq(inboxes.accountId, account.id));
  const accountTeamIds = db.select({ id: teams.id }).from(teams).where(eq(teams.accountId, account.id));
  await db.batch([
    db.delete(accountUsers).where(and(eq(accountUsers.accountId, account.id), eq(accountUsers.userId, member.id))),
    db.delete(inboxMembers).where(and(eq(inboxMembers.userId, member.id), inArray(inboxMembers.inboxId, accountInboxIds))),
    db.delete(teamMembers).where(and(eq(teamMembers.userId, member.id), inArray(teamMembers.teamId, accountTeamIds))),
    deleteUsersWithoutAccounts(c, account.agencyId),
    auditEntry(c, {
      action: "destroy",
      auditableType: "AccountUser",
      auditableId: member.id,
      agencyId: account.agencyId,
      accountId: account.id,
      changes: { email: member.email, name: member.name, role: member.role },
    }),
  ]);
  await endUserAccess(c.env, member.id, "all", [account.id]);
  await accountObject(c.env, account.id).invalidateMemberAccess();
}

/** Users of the agency that no longer belong to any sub-account (their token must stop working); agency users stay. */
export function deleteUsersWithoutAccounts(c: Context<AppEnv>, agencyId: number) {
  return c.var.db
    .delete(users)
    .where(and(eq(users.agencyId, agencyId), isNull(users.agencyRole), sql`not exists (select 1 from account_users where account_users.user_id = users.id)`));
}
