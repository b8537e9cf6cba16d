/** Agency API: the people of a sub-account, their roles and their access tokens. */
import { createRoute, z } from "@hono/zod-openapi";
import { asc, count, eq } from "drizzle-orm";
import type { Context } from "hono";
import { accountUsers, ROLES, users } from "../../db/schema";
import { issueAccessToken, userPubsubToken } from "../../domain/tokens";
import { type AccountMember, addAccountMember, changeAccountMemberRole, findAccountMember, memberColumns, removeAccountMember } from "../account-members";
import { auditEntry } from "../audit";
import { Password } from "../sign-in/passwords";
import { endUserAccess } from "../sign-in/sessions-store";
import { type AppEnv, createRouter } from "../context";
import { conflict, errorResponses } from "../errors";
import { idParams, iso, Name, offsetOf, PageQuery, pageOf, Timestamp } from "../schemas";
import { agencyAccount, security } from "./accounts";

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
  access_token: z
    .string()
    .nullable()
    .openapi({
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

const serializeMember = (accountId: number, row: Omit<AccountMember, "tokenId">): z.infer<typeof MemberSchema> => ({
  id: row.id,
  name: row.name,
  email: row.email,
  role: row.role,
  account_id: accountId,
  created_at: iso(row.createdAt),
});

const pubsubTokenFor = (c: Context<AppEnv>, userId: number, tokenId: string) => userPubsubToken(c.env.TOKEN_SIGNING_SECRET, userId, tokenId);

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
    const added = await addAccountMember(c, account, input, (userId) => conflict("This user is already a member of the account.", { user_id: userId }));
    return c.json(
      {
        ...serializeMember(account.id, added.member),
        access_token: added.accessToken,
        pubsub_token: await pubsubTokenFor(c, added.member.id, added.tokenId),
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
    return c.json(serializeMember(account.id, await findAccountMember(c, account.id, user_id)), 200);
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
    const member = await findAccountMember(c, account.id, user_id);
    await changeAccountMemberRole(c, account, member, role);
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
    const member = await findAccountMember(c, account.id, user_id);
    await removeAccountMember(c, account, member);
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
    const member = await findAccountMember(c, account.id, user_id);
    const token = await issueAccessToken("user");
    const db = c.var.db;
    await db.batch([
      db.update(users).set({ tokenId: token.tokenId, tokenHash: token.tokenHash, updatedAt: new Date() }).where(eq(users.id, member.id)),
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
