/** Notifications for agents: Chatwoot's notification types and settings, their titles and @mentions in private notes. */
import { type MessageRecord, MessageType } from "./conversation";

/** Chatwoot's notification types that Parley emits. */
export const NOTIFICATION_TYPES = [
  "conversation_creation",
  "conversation_assignment",
  "assigned_conversation_new_message",
  "conversation_mention",
  "conversation_notify",
  "sla_missed_first_response",
  "sla_missed_next_response",
  "sla_missed_resolution",
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/**
 * Chatwoot's notification settings: per user and account, one email and one push flag per type
 * (`email_conversation_creation`, `push_conversation_assignment`, ...). A notification of a type is
 * stored for a user who has either flag of it (Chatwoot's NotificationBuilder rule).
 */
export type EmailFlag = `email_${NotificationType}`;
export type PushFlag = `push_${NotificationType}`;
export const EMAIL_FLAGS = NOTIFICATION_TYPES.map((type): EmailFlag => `email_${type}`);
export const PUSH_FLAGS = NOTIFICATION_TYPES.map((type): PushFlag => `push_${type}`);
export type NotificationFlags = { email: EmailFlag[]; push: PushFlag[] };

/**
 * A new account user's settings, as Chatwoot's: no email, and push for everything but new
 * conversations, which would reach everyone who can see the inbox and so is chosen, not given.
 */
export const DEFAULT_NOTIFICATION_FLAGS: NotificationFlags = {
  email: [],
  push: PUSH_FLAGS.filter((flag) => flag !== "push_conversation_creation"),
};

export function subscribesTo(flags: NotificationFlags, type: NotificationType): boolean {
  return flags.email.includes(`email_${type}`) || flags.push.includes(`push_${type}`);
}

/**
 * Whether a new message notifies the conversation's assignee (assigned_conversation_new_message):
 * a message of the conversation (incoming or outgoing, not a private note, not an activity) that
 * the assignee did not send, as in Chatwoot.
 */
export function notifiesAssignee(message: Pick<MessageRecord, "messageType" | "private" | "sender">, assigneeId: number | null): assigneeId is number {
  if (assigneeId === null || message.private) return false;
  if (message.messageType !== MessageType.incoming && message.messageType !== MessageType.outgoing) return false;
  return !(message.sender?.type === "user" && message.sender.id === assigneeId);
}

/** Who a notification is for; only those who can see the conversation get it. */
export type NotificationRecipients = { userId: number } | { userIds: number[] } | { inboxId: number } | "everyone";

/** One account user as the Account object weighs them as a recipient. */
export type Candidate = {
  userId: number;
  role: "administrator" | "agent";
  /** Member of the conversation's inbox. */
  seesConversation: boolean;
  /** Member of the inbox named by `{inboxId}` recipients. */
  inTargetInbox: boolean;
};

/**
 * The users a notification goes to: those `to` names who can see the conversation (administrators
 * see every inbox, agents the inboxes they are members of). `{inboxId}` means that inbox's agents and
 * the administrators, as Chatwoot's inbox-wide notifications do. Sorted, without duplicates.
 */
export function notificationRecipients(to: NotificationRecipients, candidates: Candidate[]): number[] {
  const canSee = (c: Candidate) => c.role === "administrator" || c.seesConversation;
  const named = (c: Candidate): boolean => {
    if (to === "everyone") return true;
    if ("userId" in to) return c.userId === to.userId;
    if ("userIds" in to) return to.userIds.includes(c.userId);
    return c.role === "administrator" || c.inTargetInbox;
  };
  return [...new Set(candidates.filter((c) => named(c) && canSee(c)).map((c) => c.userId))].sort((a, b) => a - b);
}

/** Chatwoot-like push titles, for callers that have no title of their own. */
export function notificationTitle(type: NotificationType, context: { displayId: number; inboxName?: string; actorName?: string; content?: string }): string {
  const id = `#${context.displayId}`;
  const excerpt = context.content ? ` ${truncate(context.content, 120)}` : "";
  switch (type) {
    case "conversation_creation":
      return `[New conversation] - ${id} has been created${context.inboxName ? ` in ${context.inboxName}` : ""}`;
    case "conversation_assignment":
      return `[Assigned to you] - ${id} has been assigned to you`;
    case "assigned_conversation_new_message":
      return `[New message] - ${id}${excerpt}`;
    case "conversation_mention":
      return `[Mentioned] - ${context.actorName ?? "Someone"} mentioned you in ${id}:${excerpt}`;
    case "conversation_notify":
      return `[Attention] - ${id} asks for attention`;
    case "sla_missed_first_response":
      return `[SLA missed] - First response SLA missed for ${id}`;
    case "sla_missed_next_response":
      return `[SLA missed] - Next response SLA missed for ${id}`;
    case "sla_missed_resolution":
      return `[SLA missed] - Resolution SLA missed for ${id}`;
  }
}

const truncate = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Chatwoot's mention markup in a private note: `[@Name](mention://user/<id>/<name>)`, or `team` for a team. */
const MENTION = /\[@([^\]]*)\]\(mention:\/\/(user|team)\/(\d+)\/[^)]*\)/g;

export type Mentions = { userIds: number[]; teamIds: number[] };

/** The users and teams a note mentions, each once, in order of first mention. */
export function parseMentions(content: string): Mentions {
  const userIds: number[] = [];
  const teamIds: number[] = [];
  for (const match of content.matchAll(MENTION)) {
    const id = Number(match[3]);
    if (!Number.isSafeInteger(id) || id <= 0) continue;
    const list = match[2] === "team" ? teamIds : userIds;
    if (!list.includes(id)) list.push(id);
  }
  return { userIds, teamIds };
}

/** The note as people read it: each mention becomes `@Name`. */
export function mentionsAsText(content: string): string {
  return content.replace(MENTION, (_, name: string) => `@${name}`);
}
