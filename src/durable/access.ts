/**
 * Who may see or touch a conversation, as both objects check it: the contact session that owns it
 * (its inbox and source id), or agents limited to some inboxes (null: every inbox). The Account
 * object's `Viewer` is an `Access` that also says who is looking, so it is passed to the
 * Conversation object as it is.
 */

/** The contact session a conversation belongs to (the Client API's and the widget's caller). */
export type ContactAccess = { inboxId: number; sourceId: string };
/** Agents and the workflow engine: the inboxes whose conversations they reach (null: every inbox). */
export type AgentAccess = { inboxIds: number[] | null };
export type Access = ContactAccess | AgentAccess;

/** Who is looking: decides which conversations, messages and fields they see. */
export type Viewer = ({ kind: "user"; userId: number; role: "administrator" | "agent" } & AgentAccess) | ({ kind: "contact" } & ContactAccess);

/** Whether `access` reaches a conversation of `conversation.inboxId` that belongs to the session `conversation.sourceId`. */
export function reaches(access: Access, conversation: { inboxId: number; sourceId: string }): boolean {
  if ("sourceId" in access) return conversation.inboxId === access.inboxId && conversation.sourceId === access.sourceId;
  return access.inboxIds === null || access.inboxIds.includes(conversation.inboxId);
}
