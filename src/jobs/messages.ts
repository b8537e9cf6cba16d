/** The `jobs` queue's one message union. Every consumer parses with this schema and is idempotent. */
import { z } from "zod";
import { AUTOMATION_TRIGGERS, TRACKED_ATTRIBUTE_NAMES, WEBHOOK_EVENTS } from "../domain/events";

const Id = z.number().int().positive();

export const ConversationEventJob = z.object({
  type: z.literal("conversation.event"),
  account_id: Id,
  display_id: Id,
  seq: Id,
  origin: z.discriminatedUnion("type", [
    z.object({ type: z.literal("contact") }),
    z.object({ type: z.literal("user"), userId: Id }),
    z.object({ type: z.literal("automation"), ruleId: Id }),
    z.object({ type: z.literal("system") }),
  ]),
  /** Chatwoot's names of the tracked attributes the event changed. */
  changed: z.array(z.enum(TRACKED_ATTRIBUTE_NAMES)),
  /**
   * Their values before and after the event, for conversation_updated's `changed_attributes`; left
   * out when nobody listens for it or they are too large for a queue message.
   */
  changes: z.partialRecord(z.enum(TRACKED_ATTRIBUTE_NAMES), z.object({ previous_value: z.unknown(), current_value: z.unknown() })).optional(),
  message_id: Id.nullable(),
  /** The assignee the event left, which a later change may have replaced by the time the job runs. */
  assignee_id: Id.nullable().default(null),
  automation: z.array(z.enum(AUTOMATION_TRIGGERS)),
  webhooks: z.array(z.enum(WEBHOOK_EVENTS)),
});
export type ConversationEventJob = z.infer<typeof ConversationEventJob>;

export const JobMessage = z.discriminatedUnion("type", [
  /** Remove a deleted sub-account's media (R2) and live state (Durable Objects). */
  z.object({ type: z.literal("account.purge"), account_id: z.number().int().positive() }),
  /** Remove a deleted snapshot's media copies (`snapshots/<id>/`), e.g. when its agency is deleted. */
  z.object({ type: z.literal("snapshot.purge"), snapshot_id: z.number().int().positive() }),
  /** Remove a deleted inbox's contact sessions and conversations from the account's live state. */
  z.object({ type: z.literal("inbox.purge"), account_id: z.number().int().positive(), inbox_id: z.number().int().positive() }),
  /** Load a snapshot into one target sub-account: the snapshot_loads row says which and how. */
  z.object({ type: z.literal("snapshot.load"), load_id: z.number().int().positive() }),
  /** One attempt at a webhook delivery: the webhook_deliveries row holds the URL and the exact body. */
  z.object({ type: z.literal("webhook.deliver"), delivery_id: z.number().int().positive() }),
  /** Send one recorded email (the emails row holds recipients and content), or leave it in the local outbox. */
  z.object({ type: z.literal("email.send"), email_id: z.number().int().positive() }),
  /** Import one uploaded contacts CSV (the contact_imports row holds its R2 key and gets the report). */
  z.object({ type: z.literal("contact.import"), import_id: z.number().int().positive() }),
  /** Write the account's contacts as CSV to R2 and email who asked a link to it. */
  z.object({ type: z.literal("contact.export"), export_id: z.number().int().positive() }),
  /** Send a one-off campaign's message to these contacts (each pending recipient row once). */
  z.object({
    type: z.literal("campaign.send"),
    campaign_id: z.number().int().positive(),
    contact_ids: z.array(z.number().int().positive()).min(1).max(100),
  }),
  /**
   * What Twilio posted to an SMS inbox's webhook, its signature checked: an incoming message (its
   * MessageSid makes it unique) or a status callback for a message Parley sent.
   */
  z.object({
    type: z.literal("sms.received"),
    inbox_id: Id,
    form: z.record(z.string().max(100), z.string().max(10_000)),
  }),
  /**
   * What Meta posted to a WhatsApp inbox's webhook, its signature checked: incoming messages (each
   * wamid stored once) and statuses of messages the inbox sent.
   */
  z.object({ type: z.literal("whatsapp.received"), inbox_id: Id, payload: z.record(z.string(), z.unknown()) }),
  /** Send an outgoing message in a WhatsApp conversation through the Graph API (once: its source_id records the wamid). */
  z.object({ type: z.literal("whatsapp.send"), account_id: Id, display_id: Id, message_id: Id }),
  /** Sync a WhatsApp inbox's message templates from the Graph API (on creation and `sync_templates`, Chatwoot's TemplatesSyncJob). */
  z.object({ type: z.literal("whatsapp.templates_sync"), inbox_id: Id }),
  /**
   * One messaging event Meta posted to /bot (Messenger: `channel` facebook_page) or /webhooks/instagram,
   * its signature checked; `business_id` is the entry's page or Instagram account id. Its mid makes it unique.
   */
  z.object({
    type: z.literal("meta.received"),
    channel: z.enum(["facebook_page", "instagram"]),
    business_id: z.string().min(1).max(64),
    event: z.record(z.string(), z.unknown()),
  }),
  /** Send an outgoing message in a Messenger or Instagram conversation through the Send API (once: its source_id records the mid). */
  z.object({ type: z.literal("meta.send"), account_id: Id, display_id: Id, message_id: Id }),
  /**
   * A mail the email() handler took for an email inbox (`inbox_id`) or a conversation's reply address
   * (`display_id`), its raw MIME in R2 at `raw_key`; its Message-ID makes it unique.
   */
  z.object({
    type: z.literal("email_channel.received"),
    account_id: Id,
    inbox_id: Id.nullable(),
    display_id: Id.nullable(),
    raw_key: z.string().min(1).max(300),
    envelope_from: z.string().max(320),
  }),
  /** Record an outgoing message of an email inbox as the email that answers the contact's thread (once: keyed by the message). */
  z.object({ type: z.literal("email_channel.send"), account_id: Id, display_id: Id, message_id: Id }),
  /** Conversation continuity: email a website visitor who is away the agents' messages not emailed yet, from this one on. */
  z.object({ type: z.literal("email_continuity.send"), account_id: Id, display_id: Id, message_id: Id }),
  /**
   * Stored notifications that leave the account: pushed to the user's browsers and devices, or
   * batched into an email for a user who was not connected (src/jobs/notification-delivery.ts).
   */
  z.object({
    type: z.literal("notifications.deliver"),
    account_id: Id,
    notifications: z
      .array(
        z.object({
          id: Id,
          user_id: Id,
          notification_type: z.string().min(1).max(64),
          display_id: Id,
          title: z.string().max(1000),
          created_at: z.number().int(),
          push: z.boolean(),
          email: z.boolean(),
        }),
      )
      .min(1)
      .max(500),
  }),
  /** A batch of notifications for one user and conversation, emailed once its window has passed. */
  z.object({ type: z.literal("notifications.email"), batch_id: Id }),
  /** Send an agent's reply in an SMS conversation through the inbox's provider (once: the message's source_id records the sid). */
  z.object({ type: z.literal("sms.send"), account_id: Id, display_id: Id, message_id: Id }),
  /**
   * A conversation event for the workflow engine (automation rules, webhooks, notifications), sent
   * by its Conversation object once it is stored; `seq` makes it unique within the conversation.
   */
  ConversationEventJob,
  /** A contact was created or changed: webhooks subscribed to contact_created / contact_updated hear of it. `key` makes it unique. */
  z.object({
    type: z.literal("contact.event"),
    account_id: Id,
    contact_id: Id,
    event: z.enum(["contact_created", "contact_updated"]),
    key: z.string().min(1).max(100),
    /** The contact as it was (Chatwoot's contact payload), unless too large for a queue message: then the consumer reads it. */
    contact: z.record(z.string(), z.unknown()).optional(),
  }),
]);
export type JobMessage = z.infer<typeof JobMessage>;
export type ContactEventJob = Extract<JobMessage, { type: "contact.event" }>;

export async function enqueueJobs(queue: Queue, messages: JobMessage[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 100) {
    await queue.sendBatch(messages.slice(i, i + 100).map((body) => ({ body })));
  }
}
