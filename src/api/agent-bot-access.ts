/**
 * What an agent bot may do with its own access token: Chatwoot opens only a few Application API
 * routes to bots (its BOT_ACCESSIBLE_ENDPOINTS: create and update conversations, toggle their status
 * and priority, set custom attributes, assign, and send messages), in the accounts whose inboxes the
 * bot answers. Everything else answers 401 as for a token that is not valid for it.
 */
import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { accounts, agentBotInboxes, agentBots } from "../db/schema";
import { secretMatches, type ParsedToken } from "../domain/tokens";
import type { Database } from "../db/client";
import type { AppEnv, Membership, Principal } from "./context";
import { notFound, unauthorized } from "./errors";

type AgentBotPrincipal = Extract<Principal, { type: "AgentBot" }>;

/** The bot behind an agent bot token, or null. */
export async function agentBotPrincipal(db: Database, parsed: ParsedToken): Promise<AgentBotPrincipal | null> {
  const bot = await db.query.agentBots.findFirst({ where: eq(agentBots.tokenId, parsed.tokenId) });
  if (!bot || !(await secretMatches(parsed.secret, bot.tokenHash))) return null;
  return { type: "AgentBot", bot: { id: bot.id, accountId: bot.accountId, name: bot.name } };
}

/** Chatwoot's BOT_ACCESSIBLE_ENDPOINTS, as method and path under /api/v1/accounts/:account_id. */
const BOT_ROUTES: readonly { method: string; path: RegExp }[] = [
  { method: "POST", path: /^\/conversations$/ },
  { method: "PATCH", path: /^\/conversations\/\d+$/ },
  { method: "POST", path: /^\/conversations\/\d+\/(toggle_status|toggle_priority|custom_attributes|assignments|messages)$/ },
];

export function botMayCall(method: string, pathInAccount: string): boolean {
  return BOT_ROUTES.some((route) => route.method === method && route.path.test(pathInAccount));
}

/**
 * The membership an agent bot acts with in `accountId`: its own account, as an agent (never an
 * administrator), on the routes it may call; 404 for another account, 401 for another route.
 */
export async function agentBotMembership(c: Context<AppEnv>, bot: AgentBotPrincipal["bot"], accountId: number): Promise<Membership> {
  if (bot.accountId !== accountId) throw notFound("Account");
  const inAccount = c.req.path.replace(/^\/api\/v1\/accounts\/\d+/, "");
  if (!botMayCall(c.req.method, inAccount)) throw unauthorized("An agent bot's token is not valid for this route.");
  const account = await c.var.db.query.accounts.findFirst({ where: eq(accounts.id, accountId), columns: { agencyId: true } });
  if (!account) throw notFound("Account");
  return { accountId, agencyId: account.agencyId, role: "agent" };
}

/** The calling agent bot, when an agent bot calls. */
export function agentBotOf(c: Context<AppEnv>): AgentBotPrincipal["bot"] | null {
  const principal = c.var.principal;
  return principal.type === "AgentBot" ? principal.bot : null;
}

/** The inboxes an agent bot answers: the conversations it may see and act on. */
export async function agentBotInboxIds(db: Database, bot: AgentBotPrincipal["bot"]): Promise<number[]> {
  const rows = await db
    .select({ inboxId: agentBotInboxes.inboxId })
    .from(agentBotInboxes)
    .where(and(eq(agentBotInboxes.agentBotId, bot.id), eq(agentBotInboxes.accountId, bot.accountId)));
  return rows.map((row) => row.inboxId);
}
