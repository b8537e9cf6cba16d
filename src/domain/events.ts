/** The events a Conversation object publishes, what they change, and the names automation and webhooks know them by. */
import type { ConversationState, MessageRecord } from "./conversation";

export const CONVERSATION_EVENTS = [
  "conversation.created",
  "conversation.updated",
  "conversation.status_changed",
  "conversation.read",
  "assignee.changed",
  "team.changed",
  "message.created",
  "message.updated",
] as const;
export type ConversationEventName = (typeof CONVERSATION_EVENTS)[number];

/** One change to a conversation, in the order its Conversation object made it (`seq`). */
export type ConversationEvent = {
  seq: number;
  name: ConversationEventName;
  state: ConversationState;
  unreadCount: number;
  /** The latest message that is not an activity message, when this event changed it. */
  lastMessage: MessageRecord | null;
  message?: MessageRecord;
};

// ---- The workflow side: what automation and webhooks hear of each event ------------------------

/**
 * Who caused a change. Automation's own changes carry their rule, so the rule runner leaves them
 * alone; a macro acts as the user who runs it, as in Chatwoot.
 */
export type EventOrigin = { type: "contact" } | { type: "user"; userId: number } | { type: "automation"; ruleId: number } | { type: "system" };

/**
 * The conversation attributes whose change is a `conversation_updated` (Chatwoot's list: team,
 * assignee, status, snooze, custom attributes, labels, waiting since, first reply, priority; and
 * the SLA policy, below).
 * Last-seen times are not among them: reading a conversation changes nothing anyone listens for.
 */
const TRACKED_ATTRIBUTES = {
  teamId: "team_id",
  assigneeId: "assignee_id",
  status: "status",
  snoozedUntil: "snoozed_until",
  customAttributes: "custom_attributes",
  labels: "label_list",
  waitingSince: "waiting_since",
  firstReplyCreatedAt: "first_reply_created_at",
  priority: "priority",
} as const satisfies Partial<Record<keyof ConversationState, string>>;

export type TrackedAttribute = (typeof TRACKED_ATTRIBUTES)[keyof typeof TRACKED_ATTRIBUTES] | "sla_policy_id";
export const TRACKED_ATTRIBUTE_NAMES: [TrackedAttribute, ...TrackedAttribute[]] = ["sla_policy_id", ...Object.values(TRACKED_ATTRIBUTES)];

/** Chatwoot's `changed_attributes` entries: each changed attribute's value before and after, as the conversation payload shows it. */
export type AttributeChanges = Partial<Record<TrackedAttribute, { previous_value: unknown; current_value: unknown }>>;

/** The tracked attributes (Chatwoot's names) that differ between two states of a conversation, with both values. */
export function attributeChanges(before: ConversationState, after: ConversationState): AttributeChanges {
  const changes: AttributeChanges = {};
  for (const [key, name] of Object.entries(TRACKED_ATTRIBUTES) as [keyof typeof TRACKED_ATTRIBUTES, TrackedAttribute][]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changes[name] = { previous_value: before[key], current_value: after[key] };
  }
  // An SLA policy applied is a change of Chatwoot's sla_policy_id; its clock moving is not.
  const [policyBefore, policyAfter] = [before.appliedSla?.policy.id ?? null, after.appliedSla?.policy.id ?? null];
  if (policyBefore !== policyAfter) changes.sla_policy_id = { previous_value: policyBefore, current_value: policyAfter };
  return changes;
}

/** The tracked attributes (Chatwoot's names) that differ between two states of a conversation. */
export function changedAttributes(before: ConversationState, after: ConversationState): TrackedAttribute[] {
  return Object.keys(attributeChanges(before, after)) as TrackedAttribute[];
}

/** Chatwoot's webhook event names (a webhook's `subscriptions`). */
export const WEBHOOK_EVENTS = [
  "conversation_created",
  "conversation_status_changed",
  "conversation_updated",
  "message_created",
  "message_updated",
  "webwidget_triggered",
  "contact_created",
  "contact_updated",
  "conversation_typing_on",
  "conversation_typing_off",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const AUTOMATION_TRIGGERS = ["conversation_created", "conversation_updated", "message_created", "conversation_opened"] as const;
export type AutomationTrigger = (typeof AUTOMATION_TRIGGERS)[number];

// Who hears each event is decided in src/domain/listeners.ts; these names stay importable from here.
export { contactMayReceive, type WorkflowListeners, workflowEventsOf, workflowListens } from "./listeners";
