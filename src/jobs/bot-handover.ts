/**
 * When an agent bot cannot be reached, people take over: a message event the bot never got (its
 * delivery is dead: the queue gave up, or its destination is refused) opens the conversation if it
 * is still pending, as Chatwoot's webhook trigger opens a pending conversation whose agent bot
 * webhook failed, so a visitor is not left waiting on a bot that is down.
 */
import { conversationObject } from "../durable/addresses";

const MESSAGE_EVENTS = new Set(["message_created", "message_updated"]);

export async function handOverFromUnreachableBot(env: Env, deliveryId: number): Promise<void> {
  const delivery = await env.DB.prepare(
    "select account_id, event, json_extract(body, '$.conversation.id') as display_id from webhook_deliveries where id = ? and agent_bot_id is not null and status = 'dead'",
  )
    .bind(deliveryId)
    .first<{ account_id: number; event: string; display_id: number | null }>();
  if (!delivery || !MESSAGE_EVENTS.has(delivery.event) || typeof delivery.display_id !== "number") return;
  const conversation = conversationObject(env, delivery.account_id, delivery.display_id);
  const everyInbox = { inboxIds: null };
  const state = await conversation.currentState(everyInbox);
  if (state?.status !== "pending") return;
  await conversation.toggleStatus(everyInbox, "open", null, { type: "system", name: "Parley" });
}
