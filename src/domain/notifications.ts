/** Notifications for agents: Chatwoot's notification types, their titles and @mentions in private notes. */

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
export function notificationTitle(
  type: NotificationType,
  context: { displayId: number; inboxName?: string; actorName?: string; content?: string },
): string {
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
