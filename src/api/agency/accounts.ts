/** Agency API: an agency creates, lists, updates and deletes its sub-accounts. */
import { createRoute, z } from "@hono/zod-openapi";
import { and, count, desc, eq, or, sql } from "drizzle-orm";
import type { Context } from "hono";
import { accountPurges, accounts } from "../../db/schema";
import { accountObject } from "../../durable/addresses";
import { enqueueJobs } from "../../jobs/messages";
import { accountColumns, AccountCreateInput, AccountSchema, AccountUpdateInput, serializeAccount, updateAccountSettings } from "../account-settings";
import { deleteUsersWithoutAccounts } from "../account-members";
import { auditEntry } from "../audit";
import { agencyOf } from "../auth";
import { type AppEnv, createRouter } from "../context";
import { errorResponses, notFound } from "../errors";
import { idParams, offsetOf, PageQuery, pageOf } from "../schemas";

export const security = [{ agencyToken: [] }];
const tags = ["Agency: sub-accounts"];
const accountParams = idParams("account_id");

/** The agency's own sub-account, or 404 for any other id. */
export async function agencyAccount(c: Context<AppEnv>, accountId: number) {
  const agency = agencyOf(c);
  const account = await c.var.db.query.accounts.findFirst({
    where: and(eq(accounts.id, accountId), eq(accounts.agencyId, agency.id)),
  });
  if (!account) throw notFound("Account");
  return account;
}

const AccountListQuery = PageQuery.extend({
  q: z.string().trim().max(100).optional().openapi({ description: "Search in the name and business name" }),
});

export const agencyAccounts = createRouter();

agencyAccounts.openapi(
  createRoute({
    method: "post",
    path: "/accounts",
    tags,
    security,
    summary: "Create a sub-account",
    request: { body: { required: true, content: { "application/json": { schema: AccountCreateInput } } } },
    responses: {
      201: { description: "Created", content: { "application/json": { schema: AccountSchema } } },
      ...errorResponses(400, 401, 413, 415, 422),
    },
  }),
  async (c) => {
    const input = c.req.valid("json");
    const agency = agencyOf(c);
    const db = c.var.db;
    const columns = Object.fromEntries(Object.entries(accountColumns(input)).filter(([, v]) => v !== undefined));
    const [[account]] = await db.batch([
      db
        .insert(accounts)
        .values({ ...columns, name: input.name, agencyId: agency.id })
        .returning(),
      auditEntry(c, {
        action: "create",
        auditableType: "Account",
        auditableId: sql`last_insert_rowid()`,
        agencyId: agency.id,
        accountId: sql`last_insert_rowid()`,
        changes: input,
      }),
    ]);
    if (!account) throw new Error("account insert returned no row");
    return c.json(serializeAccount(account), 201);
  },
);

agencyAccounts.openapi(
  createRoute({
    method: "get",
    path: "/accounts",
    tags,
    security,
    summary: "List the agency's sub-accounts",
    description: "Newest first; `q` keeps those whose name or business name contains it (case-insensitive).",
    request: { query: AccountListQuery },
    responses: {
      200: { description: "A page of sub-accounts", content: { "application/json": { schema: pageOf(AccountSchema) } } },
      ...errorResponses(400, 401),
    },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const agency = agencyOf(c);
    const db = c.var.db;
    const pattern = query.q ? `%${query.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%` : null;
    const mine = and(
      eq(accounts.agencyId, agency.id),
      pattern === null ? undefined : or(sql`${accounts.name} like ${pattern} escape '\\'`, sql`${accounts.businessName} like ${pattern} escape '\\'`),
    );
    const [rows, [total]] = await Promise.all([
      db.select().from(accounts).where(mine).orderBy(desc(accounts.id)).limit(query.per_page).offset(offsetOf(query)),
      db.select({ value: count() }).from(accounts).where(mine),
    ]);
    return c.json(
      {
        meta: { count: total?.value ?? 0, current_page: query.page, per_page: query.per_page },
        payload: rows.map(serializeAccount),
      },
      200,
    );
  },
);

agencyAccounts.openapi(
  createRoute({
    method: "get",
    path: "/accounts/{account_id}",
    tags,
    security,
    summary: "Show a sub-account",
    request: { params: accountParams },
    responses: {
      200: { description: "The sub-account", content: { "application/json": { schema: AccountSchema } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { account_id } = c.req.valid("param");
    return c.json(serializeAccount(await agencyAccount(c, account_id)), 200);
  },
);

agencyAccounts.openapi(
  createRoute({
    method: "patch",
    path: "/accounts/{account_id}",
    tags,
    security,
    summary: "Update a sub-account's settings",
    request: {
      params: accountParams,
      body: { required: true, content: { "application/json": { schema: AccountUpdateInput } } },
    },
    responses: {
      200: { description: "The updated sub-account", content: { "application/json": { schema: AccountSchema } } },
      ...errorResponses(400, 401, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const { account_id } = c.req.valid("param");
    const input = c.req.valid("json");
    const account = await agencyAccount(c, account_id);
    return c.json(serializeAccount(await updateAccountSettings(c, account, input)), 200);
  },
);

agencyAccounts.openapi(
  createRoute({
    method: "delete",
    path: "/accounts/{account_id}",
    tags,
    security,
    summary: "Delete a sub-account",
    description:
      "Its configuration and memberships go at once; its media and live state are removed in the background. " +
      "Users left without any sub-account are deleted too.",
    request: { params: accountParams },
    responses: { 204: { description: "Deleted" }, ...errorResponses(400, 401, 404) },
  }),
  async (c) => {
    const { account_id } = c.req.valid("param");
    const account = await agencyAccount(c, account_id);
    const db = c.var.db;
    await db.batch([
      db.insert(accountPurges).values({ accountId: account.id }).onConflictDoNothing(),
      db.delete(accounts).where(eq(accounts.id, account.id)),
      deleteUsersWithoutAccounts(c, account.agencyId),
      auditEntry(c, {
        action: "destroy",
        auditableType: "Account",
        auditableId: account.id,
        agencyId: account.agencyId,
        accountId: account.id,
        changes: serializeAccount(account),
      }),
    ]);
    // Its users' /cable subscriptions end now, not when the purge runs.
    await accountObject(c.env, account.id).invalidateMemberAccess();
    await enqueueJobs(c.env.JOBS, [{ type: "account.purge", account_id: account.id }]);
    return c.body(null, 204);
  },
);
