/**
 * What an inbox's own listeners hear of a conversation event: its agent bot gets Chatwoot's agent bot
 * events (AgentBotListener: message_created, message_updated, conversation_opened,
 * conversation_resolved) at its outgoing_url, and an API inbox's webhook_url gets every webhook event
 * of the inbox (Chatwoot's API channel callback). Both go through the webhook deliveries
 * (src/jobs/webhooks.ts): recorded once per event, retried by the queue, destination checked, and
 * signed: a bot's events with the bot's secret, an API inbox's callbacks with the inbox's own secret
 * (Chatwoot's Channel::Api `secret`; an inbox that has none yet gets it here, on its first callback).
 */
import { and, eq, isNull } from "drizzle-orm";
import { openDatabase } from "../db/client";
import type { InboxListener } from "../db/inbox-listeners";
import { accounts, inboxes } from "../db/schema";
import type { ConversationPayload, MessagePayload } from "../domain/chatwoot-payloads";
import type { AttributeChanges, TrackedAttribute, WebhookEvent } from "../domain/events";
import { conversationWebhookBody, messageWebhookBody } from "../domain/webhook-payloads";
import { newWebhookSecret } from "../domain/webhook-signature";
import { enqueueUrlWebhook } from "./webhooks";

/** The agent bot events of one conversation event (Chatwoot's AgentBotListener), from its webhook events and the status it left. */
export function agentBotEventsOf(events: readonly WebhookEvent[], status: ConversationPayload["status"]): string[] {
  const botEvents: string[] = [];
  for (const event of events) {
    if (event === "message_created" || event === "message_updated") botEvents.push(event);
    if (event === "conversation_status_changed" && status === "open") botEvents.push("conversation_opened");
    if (event === "conversation_status_changed" && status === "resolved") botEvents.push("conversation_resolved");
  }
  return botEvents;
}

const MESSAGE_EVENTS = new Set(["message_created", "message_updated"]);

export async function deliverInboxEvents(
  env: Env,
  input: {
    accountId: number;
    listener: InboxListener;
    /** The event's webhook events (Chatwoot's names). */
    events: readonly WebhookEvent[];
    conversation: ConversationPayload;
    message: MessagePayload | null;
    changed: readonly TrackedAttribute[];
    changes: AttributeChanges | undefined;
    key: string;
  },
): Promise<void> {
  const { listener, conversation, message } = input;
  const botEvents = listener.agentBot ? agentBotEventsOf(input.events, conversation.status) : [];
  const inboxEvents = listener.webhookUrl ? input.events : [];
  if (botEvents.length === 0 && inboxEvents.length === 0) return;

  const db = openDatabase(env.DB);
  const [account, inbox] = await Promise.all([
    db.query.accounts.findFirst({ where: eq(accounts.id, input.accountId), columns: { id: true, name: true } }),
    db.query.inboxes.findFirst({ where: eq(inboxes.id, conversation.inbox_id), columns: { id: true, name: true, webhookSecret: true } }),
  ]);
  if (!account || !inbox) return;
  // An API inbox made before inboxes had a callback secret (or copied without one) gets it on first use.
  if (inboxEvents.length > 0 && !inbox.webhookSecret) {
    await db
      .update(inboxes)
      .set({ webhookSecret: newWebhookSecret() })
      .where(and(eq(inboxes.id, inbox.id), isNull(inboxes.webhookSecret)));
  }
  const payloadOf = (event: string): Record<string, unknown> | null => {
    if (MESSAGE_EVENTS.has(event)) return message ? messageWebhookBody(message, conversation, account, inbox) : null;
    if (event === "conversation_updated") return conversationWebhookBody(conversation, input.changed, input.changes ?? {});
    return conversationWebhookBody(conversation);
  };

  const bot = listener.agentBot;
  for (const event of bot ? botEvents : []) {
    const payload = payloadOf(event);
    if (bot && payload) await enqueueUrlWebhook(env, { accountId: input.accountId, url: bot.outgoingUrl, event, payload, key: input.key, agentBotId: bot.id });
  }
  for (const event of inboxEvents) {
    const payload = payloadOf(event);
    if (listener.webhookUrl && payload) {
      await enqueueUrlWebhook(env, { accountId: input.accountId, url: listener.webhookUrl, event, payload, key: input.key, callbackInboxId: inbox.id });
    }
  }
}
