/**
 * Who listens to a conversation event, decided here and nowhere else: on /cable, the users whose
 * inboxes include the conversation and, for the events Chatwoot sends them, its contact's session;
 * the notifications an event calls for (a new message for the assignee, a new conversation for those
 * who chose it, an assignment for the new assignee); and the workflow engine (automation rules,
 * webhooks, the inbox's own listeners), which hears an event only when someone there listens.
 * The objects and jobs carry these decisions out; the subscriber-side check (which sockets see a
 * conversation) is `canSee` in src/durable/account/fan-out.ts.
 */
import type { ConversationState, MessageRecord } from "./conversation";
import { MessageType } from "./conversation";
import type { AutomationTrigger, ConversationEventName, EventOrigin, TrackedAttribute, WebhookEvent } from "./events";
import { type NotificationType, notifiesAssignee } from "./notifications";

const MESSAGE_TYPE_ACTIVITY = MessageType.activity;

// ---- /cable ------------------------------------------------------------------------------------

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

// ---- Notifications -----------------------------------------------------------------------------

/**
 * A notification an event calls for, before it is weighed against who sees the conversation and
 * their settings: `userIds` names its candidates, or "opted_in" for everyone who chose the type.
 */
export type WantedNotification = {
  type: NotificationType;
  userIds: number[] | "opted_in";
  key: string;
  content?: string;
  /** A newer one of the same kind replaces the user's unread older one (new messages). */
  replacesOlder: boolean;
};

/**
 * The notifications the Account object stores as it applies an event: a new message (not the
 * assignee's own, not a private note or an activity) for the conversation's assignee, and a new
 * conversation for those who chose to hear of every one (Chatwoot's conversation_creation).
 */
export function notificationsOfEvent(event: { name: ConversationEventName; state: ConversationState; message?: MessageRecord }): WantedNotification[] {
  const { name, state, message } = event;
  if (name === "message.created" && message && notifiesAssignee(message, state.assigneeId)) {
    return [
      {
        type: "assigned_conversation_new_message",
        userIds: [state.assigneeId],
        key: `new_message:${state.displayId}:${message.id}`,
        content: message.content ?? undefined,
        replacesOlder: true,
      },
    ];
  }
  if (name === "conversation.created")
    return [{ type: "conversation_creation", userIds: "opted_in", key: `creation:${state.displayId}`, replacesOlder: false }];
  return [];
}

/**
 * The notification the workflow engine sends for an event that changed the assignee: to the new
 * assignee, unless they assigned themselves. `eventKey` makes it once per event.
 */
export function assignmentNotificationOf(event: {
  origin: EventOrigin;
  changed: readonly TrackedAttribute[];
  assigneeId: number | null;
  displayId: number;
  eventKey: string;
}): { userId: number; key: string; title: string } | null {
  const { assigneeId } = event;
  if (!event.changed.includes("assignee_id") || assigneeId === null) return null;
  if (event.origin.type === "user" && event.origin.userId === assigneeId) return null;
  return { userId: assigneeId, key: `${event.eventKey}:assignment`, title: `Conversation #${event.displayId} has been assigned to you` };
}

// ---- The workflow engine -------------------------------------------------------------------------

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
