/** Agency API: the people of a sub-account, their roles and their access tokens. */
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, count, eq, inArray, sql } from "drizzle-orm";
import type { Context } from "hono";
import { accountUsers, emails, inboxes, inboxMembers, ROLES, teamMembers, teams, users } from "../../db/schema";
import { hashPassword } from "../../domain/passwords";
import { INVITATION_LINK_SECONDS } from "../../domain/sign-in";
import { issueAccessToken, userPubsubToken } from "../../domain/tokens";
import { accountObject } from "../../durable/account";
import { enqueueJobs } from "../../jobs/messages";
import { passwordEmailRow } from "../../jobs/send-email";
import { auditEntry } from "../audit";
import { Password } from "../sign-in/passwords";
import { endUserAccess, newPasswordTokenId, passwordTokenInsert } from "../sign-in/sessions-store";
import { type AppEnv, createRouter } from "../context";
import { conflict, errorResponses, notFound } from "../errors";
import { idParams, iso, Name, offsetOf, PageQuery, pageOf, Timestamp } from "../schemas";
import { agencyAccount, deleteUsersWithoutAccounts, security } from "./accounts";

const tags = ["Agency: users"];
const Role = z.enum(ROLES).openapi({ description: "administrator: configures the account; agent: works conversations" });

const MemberSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    email: z.string(),
    role: Role,
    account_id: z.number().int(),
    created_at: Timestamp,
  })
  .openapi("AccountUser");

const MemberWithTokens = MemberSchema.extend({
  access_token: z.string().nullable().openapi({
    description:
      "The user's token for the Application API, shown only when it is issued. Null when the email already " +
      "belonged to a user of the agency: that user's existing token now also works in this account.",
  }),
  pubsub_token: z.string().openapi({ description: "Token for subscribing to /cable" }),
}).openapi("AccountUserWithTokens");

const InviteInput = z
  .object({
    name: Name.openapi({ example: "Dana Reyes" }),
    email: z.email().max(320).trim().toLowerCase().openapi({ example: "dana@acme.test" }),
    role: Role,
    password: Password.optional().openapi({
      description:
        "The user's sign-in password (8 to 128 characters), as Chatwoot's Platform API takes it. Without one, a new " +
        "user gets an invitation email with a one-time link to choose it. Ignored for an email that already " +
        "belongs to a user of the agency: they keep theirs.",
    }),
  })
  .strict()
  .openapi("AccountUserInput");
const RoleInput = z.object({ role: Role }).strict().openapi("AccountUserRoleInput");

const accountParams = idParams("account_id");
const memberParams = idParams("account_id", "user_id");

type MemberRow = { id: number; name: string; email: string; role: (typeof ROLES)[number]; createdAt: Date };

const serializeMember = (accountId: number, row: MemberRow): z.infer<typeof MemberSchema> => ({
  id: row.id,
  name: row.name,
  email: row.email,
  role: row.role,
  account_id: accountId,
  created_at: iso(row.createdAt),
});

const memberColumns = {
  id: users.id,
  name: users.name,
  email: users.email,
  role: accountUsers.role,
  createdAt: accountUsers.createdAt,
  tokenId: users.tokenId,
};

async function findMember(c: Context<AppEnv>, accountId: number, userId: number) {
  const [member] = await c.var.db
    .select(memberColumns)
    .from(accountUsers)
    .innerJoin(users, eq(users.id, accountUsers.userId))
    .where(and(eq(accountUsers.accountId, accountId), eq(accountUsers.userId, userId)));
  if (!member) throw notFound("User");
  return member;
}

const pubsubTokenFor = (c: Context<AppEnv>, userId: number, tokenId: string) =>
  userPubsubToken(c.env.TOKEN_SIGNING_SECRET, userId, tokenId);

export const agencyUsers = createRouter();

agencyUsers.openapi(
  createRoute({
    method: "post",
    path: "/accounts/{account_id}/users",
    tags,
    security,
    summary: "Invite a user to a sub-account",
    description:
      "Creates the user (emails are unique within the agency) and adds them to the sub-account with the role. " +
      "Inviting an email that already belongs to one of the agency's users adds that user.",
    request: {
      params: accountParams,
      body: { required: true, content: { "application/json": { schema: InviteInput } } },
    },
    responses: {
      201: { description: "Invited", content: { "application/json": { schema: MemberWithTokens } } },
      ...errorResponses(400, 401, 404, 409, 413, 415, 422),
    },
  }),
  async (c) => {
    const { account_id } = c.req.valid("param");
    const input = c.req.valid("json");
    const account = await agencyAccount(c, account_id);
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
      if (membership) throw conflict("This user is already a member of the account.", { user_id: existing.id });
      const [[added]] = await db.batch([
        db.insert(accountUsers).values({ accountId: account.id, userId: existing.id, role: input.role }).returning(),
        audit(existing.id),
      ]);
      if (!added) throw new Error("membership insert returned no row");
      return c.json(
        {
          ...serializeMember(account.id, { ...existing, role: added.role, createdAt: added.createdAt }),
          access_token: null,
          pubsub_token: await pubsubTokenFor(c, existing.id, existing.tokenId),
        },
        201,
      );
    }

    const token = await issueAccessToken("user");
    const newUserId = sql`(select ${users.id} from ${users} where ${users.tokenId} = ${token.tokenId})`;
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
    const membershipInsert = db
      .insert(accountUsers)
      .values({ accountId: account.id, userId: sql`last_insert_rowid()`, role: input.role })
      .returning();

    let user: typeof users.$inferSelect | undefined;
    let membership: typeof accountUsers.$inferSelect | undefined;
    if (input.password !== undefined) {
      [[user], [membership]] = await db.batch([userInsert, membershipInsert, audit(newUserId, { password: "set" })]);
    } else {
      // Without a password the user is invited: a one-time link to choose one, mailed from this account.
      const link = await newPasswordTokenId(c.env.TOKEN_SIGNING_SECRET);
      const email = passwordEmailRow(c.env, {
        accountId: account.id,
        purpose: "invitation",
        tokenId: link.tokenId,
        to: input.email,
        recipientName: input.name,
        accountName: account.name,
        validForSeconds: INVITATION_LINK_SECONDS,
      });
      const [[added], [joined], , [queued]] = await db.batch([
        userInsert,
        membershipInsert,
        audit(newUserId, { invitation: "sent" }),
        db.insert(emails).values(email).returning({ id: emails.id }),
        passwordTokenInsert(db, { ...link, userId: newUserId, purpose: "invitation", validForSeconds: INVITATION_LINK_SECONDS }),
      ]);
      [user, membership] = [added, joined];
      if (queued) await enqueueJobs(c.env.JOBS, [{ type: "email.send", email_id: queued.id }]);
    }
    if (!user || !membership) throw new Error("user insert returned no row");
    return c.json(
      {
        ...serializeMember(account.id, { ...user, role: membership.role, createdAt: membership.createdAt }),
        access_token: token.token,
        pubsub_token: await pubsubTokenFor(c, user.id, token.tokenId),
      },
      201,
    );
  },
);

agencyUsers.openapi(
  createRoute({
    method: "get",
    path: "/accounts/{account_id}/users",
    tags,
    security,
    summary: "List a sub-account's users",
    request: { params: accountParams, query: PageQuery },
    responses: {
      200: { description: "A page of users", content: { "application/json": { schema: pageOf(MemberSchema) } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { account_id } = c.req.valid("param");
    const query = c.req.valid("query");
    const account = await agencyAccount(c, account_id);
    const db = c.var.db;
    const inAccount = eq(accountUsers.accountId, account.id);
    const [rows, [total]] = await Promise.all([
      db
        .select(memberColumns)
        .from(accountUsers)
        .innerJoin(users, eq(users.id, accountUsers.userId))
        .where(inAccount)
        .orderBy(asc(users.id))
        .limit(query.per_page)
        .offset(offsetOf(query)),
      db.select({ value: count() }).from(accountUsers).where(inAccount),
    ]);
    return c.json(
      {
        meta: { count: total?.value ?? 0, current_page: query.page, per_page: query.per_page },
        payload: rows.map((row) => serializeMember(account.id, row)),
      },
      200,
    );
  },
);

agencyUsers.openapi(
  createRoute({
    method: "get",
    path: "/accounts/{account_id}/users/{user_id}",
    tags,
    security,
    summary: "Show a sub-account's user",
    request: { params: memberParams },
    responses: {
      200: { description: "The user", content: { "application/json": { schema: MemberSchema } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { account_id, user_id } = c.req.valid("param");
    const account = await agencyAccount(c, account_id);
    return c.json(serializeMember(account.id, await findMember(c, account.id, user_id)), 200);
  },
);

agencyUsers.openapi(
  createRoute({
    method: "patch",
    path: "/accounts/{account_id}/users/{user_id}",
    tags,
    security,
    summary: "Change a user's role in a sub-account",
    request: {
      params: memberParams,
      body: { required: true, content: { "application/json": { schema: RoleInput } } },
    },
    responses: {
      200: { description: "The user with the new role", content: { "application/json": { schema: MemberSchema } } },
      ...errorResponses(400, 401, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const { account_id, user_id } = c.req.valid("param");
    const { role } = c.req.valid("json");
    const account = await agencyAccount(c, account_id);
    const member = await findMember(c, account.id, user_id);
    if (member.role === role) return c.json(serializeMember(account.id, member), 200);
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
    // Administrators see every inbox, agents only their own: the role decides inbox access too.
    await accountObject(c.env, account.id).invalidateMemberAccess();
    return c.json(serializeMember(account.id, { ...member, role }), 200);
  },
);

agencyUsers.openapi(
  createRoute({
    method: "delete",
    path: "/accounts/{account_id}/users/{user_id}",
    tags,
    security,
    summary: "Remove a user from a sub-account",
    description: "A user left without any sub-account is deleted, and their token stops working.",
    request: { params: memberParams },
    responses: { 204: { description: "Removed" }, ...errorResponses(400, 401, 404) },
  }),
  async (c) => {
    const { account_id, user_id } = c.req.valid("param");
    const account = await agencyAccount(c, account_id);
    const member = await findMember(c, account.id, user_id);
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
    // Their open /cable subscriptions in this account close now, whatever credential opened them.
    await endUserAccess(c.env, member.id, "all", [account.id]);
    await accountObject(c.env, account.id).invalidateMemberAccess();
    return c.body(null, 204);
  },
);

agencyUsers.openapi(
  createRoute({
    method: "post",
    path: "/accounts/{account_id}/users/{user_id}/rotate_token",
    tags,
    security,
    summary: "Replace a user's access token",
    description:
      "The old access token and pubsub token stop working at once, in every sub-account the user belongs to. " +
      "The new tokens are shown only in this response.",
    request: { params: memberParams },
    responses: {
      200: { description: "The new tokens", content: { "application/json": { schema: MemberWithTokens } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { account_id, user_id } = c.req.valid("param");
    const account = await agencyAccount(c, account_id);
    const member = await findMember(c, account.id, user_id);
    const token = await issueAccessToken("user");
    const db = c.var.db;
    await db.batch([
      db
        .update(users)
        .set({ tokenId: token.tokenId, tokenHash: token.tokenHash, updatedAt: new Date() })
        .where(eq(users.id, member.id)),
      auditEntry(c, {
        action: "rotate_token",
        auditableType: "User",
        auditableId: member.id,
        agencyId: account.agencyId,
        accountId: account.id,
        changes: { email: member.email, access_token: "rotated" },
      }),
    ]);
    await endUserAccess(c.env, member.id, [member.tokenId]);
    return c.json(
      {
        ...serializeMember(account.id, member),
        access_token: token.token,
        pubsub_token: await pubsubTokenFor(c, member.id, token.tokenId),
      },
      200,
    );
  },
);
