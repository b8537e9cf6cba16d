/** The caller of an Application API request as the Account object's `Viewer`: which inboxes' conversations they see. */
import type { Context } from "hono";
import { agentInboxIds } from "../../db/queries";
import type { Viewer } from "../../durable/account";
import { agentBotInboxIds, agentBotOf } from "../agent-bot-access";
import { userOf } from "../auth";
import type { AppEnv } from "../context";

/**
 * Administrators see every inbox (`inboxIds` null); agents the account's inboxes they are members of;
 * an agent bot the inboxes it answers, as no user (user ids start at 1, so 0 is nobody's).
 */
export async function viewerOf(c: Context<AppEnv>): Promise<Viewer & { kind: "user" }> {
  const bot = agentBotOf(c);
  if (bot) return { kind: "user", userId: 0, role: "agent", inboxIds: await agentBotInboxIds(c.var.db, bot) };
  const { role } = c.var.membership;
  const userId = userOf(c).id;
  if (role === "administrator") return { kind: "user", userId, role, inboxIds: null };
  return { kind: "user", userId, role, inboxIds: await agentInboxIds(c.var.db, c.var.membership.accountId, userId) };
}
