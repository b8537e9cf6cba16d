/** The events a Conversation object publishes and /cable delivers, with who may receive each. */
import { type ConversationState, type MessageRecord, MessageType } from "./conversation";

const MESSAGE_TYPE_ACTIVITY = MessageType.activity;

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

/**
 * Events a contact's session receives (Chatwoot's contact pubsub token), besides typing and presence.
 * conversation.updated too, as Chatwoot's ActionCableListener sends it to the contact: it carries
 * `agent_last_seen_at`, from which the widget shows the visitor's messages read.
 */
const CONTACT_EVENTS: ReadonlySet<string> = new Set([
  "conversation.created",
  "conversation.updated",
  "conversation.status_changed",
  "message.created",
  "message.updated",
  "conversation.typing_on",
  "conversation.typing_off",
  "presence.update",
]);

export function contactMayReceive(eventName: string, message: MessageRecord | undefined, isPrivate = false): boolean {
  if (!CONTACT_EVENTS.has(eventName)) return false;
  if (message?.private || isPrivate) return false;
  return true;
}

// ---- The workflow side: what automation and webhooks hear of each event ------------------------

/**
 * Who caused a change. Automation's own changes carry their rule, so the rule runner leaves them
 * alone; a macro acts as the user who runs it, as in Chatwoot.
 */
export type EventOrigin =
  | { type: "contact" }
  | { type: "user"; userId: number }
  | { type: "automation"; ruleId: number }
  | { type: "system" };

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

/**
 * What one stored conversation event means to automation and webhooks, as Chatwoot dispatches it:
 * a new conversation; a message (activity messages are nobody's business); a status change, which
 * is also `conversation_opened` when it opens; and any tracked attribute change, which is
 * `conversation_updated`.
 */
export function workflowEventsOf(
  name: ConversationEventName,
  changed: readonly TrackedAttribute[],
  status: ConversationState["status"],
  message: Pick<MessageRecord, "messageType"> | null,
): { automation: AutomationTrigger[]; webhooks: WebhookEvent[] } {
  const automation: AutomationTrigger[] = [];
  const webhooks: WebhookEvent[] = [];
  if (name === "conversation.created") {
    automation.push("conversation_created");
    webhooks.push("conversation_created");
  }
  if (name === "message.created" && message && message.messageType !== MESSAGE_TYPE_ACTIVITY) {
    automation.push("message_created");
    webhooks.push("message_created");
  }
  if (name === "message.updated" && message && message.messageType !== MESSAGE_TYPE_ACTIVITY) webhooks.push("message_updated");
  if (name !== "conversation.created" && changed.includes("status")) {
    webhooks.push("conversation_status_changed");
    if (status === "open") automation.push("conversation_opened");
  }
  if (name !== "conversation.created" && changed.length > 0) {
    automation.push("conversation_updated");
    webhooks.push("conversation_updated");
  }
  return { automation, webhooks };
}

/** Which workflow events the account has listeners for: the events of its active rules, and those its webhooks subscribe to. */
export type WorkflowListeners = { automation: AutomationTrigger[]; webhooks: WebhookEvent[] };

/**
 * Whether a conversation event must reach the workflow engine: some active rule or webhook listens
 * for one of its events (automation's own changes reach no rule), it changed the assignee, who
 * gets a notification, or it created a message the contact did not write, which may have to leave on
 * the inbox's channel (src/jobs/outbound.ts decides from the message).
 */
export function workflowListens(
  event: { origin: EventOrigin; changed: readonly TrackedAttribute[]; automation: readonly AutomationTrigger[]; webhooks: readonly WebhookEvent[] },
  listeners: WorkflowListeners,
): boolean {
  if (event.changed.includes("assignee_id")) return true;
  if (event.origin.type !== "contact" && event.automation.includes("message_created")) return true;
  if (event.webhooks.some((name) => listeners.webhooks.includes(name))) return true;
  return event.origin.type !== "automation" && event.automation.some((name) => listeners.automation.includes(name));
}
