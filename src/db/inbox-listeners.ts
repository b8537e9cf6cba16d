/**
 * An inbox's own listeners: the agent bot that answers it and, for an API inbox, the webhook_url
 * Chatwoot's API channel calls back. Both hear every event of their inbox.
 */
export type InboxListener = {
  inboxId: number;
  agentBot: { id: number; outgoingUrl: string } | null;
  /** An API inbox's callback URL. */
  webhookUrl: string | null;
};

const LISTENING_INBOXES = `
  from inboxes
  left join agent_bot_inboxes on agent_bot_inboxes.inbox_id = inboxes.id
  left join agent_bots on agent_bots.id = agent_bot_inboxes.agent_bot_id and agent_bots.outgoing_url is not null
  where inboxes.account_id = ?
    and (agent_bots.id is not null or (inboxes.channel_type = 'api' and coalesce(inboxes.webhook_url, '') != ''))`;

/** The account's inboxes that have a listener of their own, by inbox id. */
export async function inboxListenersOf(db: D1Database, accountId: number): Promise<Map<number, InboxListener>> {
  const { results } = await db
    .prepare(`select inboxes.id as inbox_id, inboxes.channel_type, inboxes.webhook_url, agent_bots.id as bot_id, agent_bots.outgoing_url ${LISTENING_INBOXES}`)
    .bind(accountId)
    .all<{ inbox_id: number; channel_type: string; webhook_url: string | null; bot_id: number | null; outgoing_url: string | null }>();
  return new Map(
    results.map((row) => [
      row.inbox_id,
      {
        inboxId: row.inbox_id,
        agentBot: row.bot_id !== null && row.outgoing_url ? { id: row.bot_id, outgoingUrl: row.outgoing_url } : null,
        webhookUrl: row.channel_type === "api" && row.webhook_url ? row.webhook_url : null,
      },
    ]),
  );
}

/** Whether any inbox of the account has a listener of its own (then its conversations' events must reach the workflow engine). */
export async function accountHasInboxListeners(db: D1Database, accountId: number): Promise<boolean> {
  const row = await db.prepare(`select 1 as listening ${LISTENING_INBOXES} limit 1`).bind(accountId).first<{ listening: number }>();
  return row !== null;
}

/** Chatwoot starts a conversation `pending` when a bot answers its inbox, so the bot has the first turn. */
export async function initialConversationStatus(db: D1Database, inboxId: number): Promise<"open" | "pending"> {
  const row = await db.prepare("select 1 as answered from agent_bot_inboxes where inbox_id = ?").bind(inboxId).first<{ answered: number }>();
  return row ? "pending" : "open";
}
