/** The text of activity messages (message_type 2) that record what changed in a conversation, as Chatwoot words them. */
import type { ConversationStatus, Priority } from "./conversation";

export type ActorName = string | null;

const by = (actor: ActorName) => (actor ? ` by ${actor}` : "");

export function statusActivity(status: ConversationStatus, actor: ActorName, snoozedUntil: number | null): string {
  switch (status) {
    case "resolved":
      return `Conversation was marked resolved${by(actor)}`;
    case "open":
      return `Conversation was reopened${by(actor)}`;
    case "pending":
      return `Conversation was marked as pending${by(actor)}`;
    case "snoozed":
      return snoozedUntil
        ? `Conversation was snoozed${by(actor)} until ${new Date(snoozedUntil * 1000).toISOString()}`
        : `Conversation was snoozed${by(actor)}`;
  }
}

export function assigneeActivity(assigneeName: string | null, actor: ActorName): string {
  return assigneeName ? `Assigned to ${assigneeName}${by(actor)}` : `Conversation unassigned${by(actor)}`;
}

export function teamActivity(teamName: string | null, previousTeamName: string | null, actor: ActorName): string {
  return teamName ? `Assigned to ${teamName} team${by(actor)}` : `Unassigned from ${previousTeamName ?? "the"} team${by(actor)}`;
}

export function labelActivity(added: string[], removed: string[], actor: ActorName): string[] {
  const who = actor ?? "Parley";
  const lines: string[] = [];
  if (added.length > 0) lines.push(`${who} added ${added.join(", ")}`);
  if (removed.length > 0) lines.push(`${who} removed ${removed.join(", ")}`);
  return lines;
}

export function priorityActivity(priority: Priority | null, actor: ActorName): string {
  const who = actor ?? "Parley";
  return priority ? `${who} set the priority to ${priority}` : `${who} removed the priority`;
}
