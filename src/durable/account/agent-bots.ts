/** The account's agent bots as senders of messages: their names, read from D1 when a payload shows one. */
import type { AgentBotPayload } from "../../domain/chatwoot-payloads";
import { agentBotPayload } from "../../domain/chatwoot-payloads";

export async function agentBotSenders(db: D1Database, accountId: number, ids: number[]): Promise<Map<number, AgentBotPayload>> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return new Map();
  const { results } = await db
    .prepare("select id, name from agent_bots where account_id = ? and id in (select value from json_each(?))")
    .bind(accountId, JSON.stringify(wanted))
    .all<{ id: number; name: string }>();
  return new Map(results.map((bot) => [bot.id, agentBotPayload(bot)]));
}
