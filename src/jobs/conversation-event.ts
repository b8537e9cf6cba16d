/**
 * The `conversation.event` consumer: what the workflow engine does with one stored conversation
 * event. It sends the Chatwoot-shaped webhook events (to the account's webhooks, the inbox's agent
 * bot and an API inbox's callback URL), notifies a newly assigned agent, and runs the automation
 * rules, unless automation caused the event. Each part is idempotent by the event's key.
 * Contact events (`contact.event`) only reach webhooks.
 */
import { eq } from "drizzle-orm";
import { openDatabase } from "../db/client";
import { accounts, inboxes } from "../db/schema";
import { type ContactPayload, contactPayload } from "../domain/chatwoot-payloads";
import type { WebhookEvent } from "../domain/events";
import { assignmentNotificationOf } from "../domain/listeners";
import { contactWebhookBody, conversationWebhookBody, messageWebhookBody } from "../domain/webhook-payloads";
import { accountObject } from "../durable/addresses";
import { activeRules, runAutomationRules } from "./automation";
import type { ContactEventJob, ConversationEventJob } from "./messages";
import { dispatchOutboundMessage } from "./outbound";
import { enqueueWebhookEvent } from "./webhooks";
import { deliverInboxEvents } from "./inbox-deliveries";
import { type InboxListener, inboxListenersOf } from "../db/inbox-listeners";

export async function handleConversationEvent(env: Env, job: ConversationEventJob): Promise<void> {
  const db = openDatabase(env.DB);
  const eventKey = `${job.account_id}:${job.display_id}:${job.seq}`;

  const assignment = assignmentNotificationOf({ origin: job.origin, changed: job.changed, assigneeId: job.assignee_id, displayId: job.display_id, eventKey });
  if (assignment) {
    await accountObject(env, job.account_id).notify({
      key: assignment.key,
      displayId: job.display_id,
      notificationType: "conversation_assignment",
      title: assignment.title,
      to: { userId: assignment.userId },
    });
  }

  // A message not written by the contact may have to leave on the inbox's channel.
  await dispatchOutboundMessage(env, job);

  // Who listens: most events of most accounts reach no rule and no webhook, and then the
  // conversation need not be read at all.
  const [rules, webhookEvents, inboxListeners] = await Promise.all([
    activeRules(db, job.account_id, job.origin.type === "automation" ? [] : job.automation),
    subscribedEvents(env, job.account_id, job.webhooks),
    job.webhooks.length > 0 ? inboxListenersOf(env.DB, job.account_id) : new Map<number, InboxListener>(),
  ]);
  if (rules.length === 0 && webhookEvents.length === 0 && inboxListeners.size === 0) return;
  const payloads = await accountObject(env, job.account_id).eventPayloads(job.display_id, job.message_id);
  // The conversation is gone (its inbox or account was deleted): nobody is left to tell.
  if (!payloads) return;
  const { conversation, message } = payloads;

  // The inbox's own listeners: its agent bot, an API inbox's callback URL.
  const listener = inboxListeners.get(conversation.inbox_id);
  if (listener) {
    await deliverInboxEvents(env, {
      accountId: job.account_id,
      listener,
      events: job.webhooks,
      conversation,
      message,
      changed: job.changed,
      changes: job.changes,
      key: eventKey,
    });
  }

  if (webhookEvents.length > 0) {
    const [account, inbox] = await Promise.all([
      db.query.accounts.findFirst({ where: eq(accounts.id, job.account_id), columns: { id: true, name: true } }),
      db.query.inboxes.findFirst({ where: eq(inboxes.id, conversation.inbox_id), columns: { id: true, name: true } }),
    ]);
    if (!account || !inbox) return;
    for (const event of webhookEvents) {
      const isMessageEvent = event === "message_created" || event === "message_updated";
      if (isMessageEvent && !message) continue;
      const payload =
        isMessageEvent && message
          ? messageWebhookBody(message, conversation, account, inbox)
          : event === "conversation_updated"
            ? conversationWebhookBody(conversation, job.changed, job.changes)
            : conversationWebhookBody(conversation);
      await enqueueWebhookEvent(env, { accountId: job.account_id, inboxId: conversation.inbox_id, event, payload, key: eventKey });
    }
  }

  await runAutomationRules(env, db, { accountId: job.account_id, displayId: job.display_id, eventKey, rules, conversation, message });
}

/** Which of `events` some webhook of the account subscribes to (its inbox is checked when it is recorded). */
async function subscribedEvents(env: Env, accountId: number, events: readonly WebhookEvent[]): Promise<WebhookEvent[]> {
  if (events.length === 0) return [];
  const { results } = await env.DB.prepare(
    `select distinct subscription.value as event from webhooks, json_each(webhooks.subscriptions) as subscription
     where webhooks.account_id = ? and subscription.value in (select value from json_each(?))`,
  )
    .bind(accountId, JSON.stringify(events))
    .all<{ event: WebhookEvent }>();
  const subscribed = new Set(results.map((row) => row.event));
  return events.filter((event) => subscribed.has(event));
}

/** The `contact.event` consumer: Chatwoot's contact_created / contact_updated webhook events, with the contact as it is now. */
export async function handleContactEvent(env: Env, job: ContactEventJob): Promise<void> {
  const stored = job.contact ? null : await accountObject(env, job.account_id).getContact(job.contact_id);
  const contact = job.contact ?? (stored ? contactPayload(stored) : null);
  if (!contact) return;
  const account = await openDatabase(env.DB).query.accounts.findFirst({ where: eq(accounts.id, job.account_id), columns: { id: true, name: true } });
  if (!account) return;
  await enqueueWebhookEvent(env, {
    accountId: job.account_id,
    inboxId: null,
    event: job.event,
    payload: contactWebhookBody(contact as ContactPayload, account),
    key: job.key,
  });
}
