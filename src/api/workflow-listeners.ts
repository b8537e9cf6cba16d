/**
 * Conversation objects send an event to the workflow engine only when the account's rules or
 * webhooks listen for it, as the Account object remembers. Routers that change rules or webhooks
 * use this middleware so a successful change makes the Account object read them again.
 */
import type { MiddlewareHandler } from "hono";
import { accountObject } from "../durable/addresses";
import type { AppEnv } from "./context";

export const refreshWorkflowListeners: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (c.req.method === "GET" || c.res.status >= 300) return;
  const accountId = Number(c.req.param("account_id"));
  if (Number.isInteger(accountId) && accountId > 0) await accountObject(c.env, accountId).invalidateWorkflowListeners();
};
