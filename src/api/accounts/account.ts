/** Application API: the account itself (Chatwoot's /api/v1/accounts/:account_id); administrators update it. */
import { createRoute } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { accounts } from "../../db/schema";
import { AccountSchema, AccountUpdateInput, serializeAccount, updateAccountSettings } from "../account-settings";
import { requireRole } from "../auth";
import { type AppEnv, createRouter } from "../context";
import { errorResponses, notFound } from "../errors";
import { idParams } from "../schemas";
import { userSecurity } from "./profile";

const tags = ["Application: account"];
const accountParams = idParams("account_id");

async function currentAccount(c: Context<AppEnv>) {
  const account = await c.var.db.query.accounts.findFirst({ where: eq(accounts.id, c.var.membership.accountId) });
  if (!account) throw notFound("Account");
  return account;
}

export const accountSettings = createRouter();

accountSettings.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}",
    tags,
    security: userSecurity,
    summary: "Show the account",
    request: { params: accountParams },
    responses: {
      200: { description: "The account", content: { "application/json": { schema: AccountSchema } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => c.json(serializeAccount(await currentAccount(c)), 200),
);

accountSettings.openapi(
  createRoute({
    method: "patch",
    path: "/{account_id}",
    tags,
    security: userSecurity,
    summary: "Update the account's settings (administrators)",
    middleware: [requireRole("administrator")] as const,
    request: {
      params: accountParams,
      body: { required: true, content: { "application/json": { schema: AccountUpdateInput } } },
    },
    responses: {
      200: { description: "The updated account", content: { "application/json": { schema: AccountSchema } } },
      ...errorResponses(400, 401, 403, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const input = c.req.valid("json");
    return c.json(serializeAccount(await updateAccountSettings(c, await currentAccount(c), input)), 200);
  },
);
