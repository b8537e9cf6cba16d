/**
 * A contact session's conversations as the channel jobs need them (src/jobs/channel-redelivery.ts):
 * ids and statuses, newest first, read from the index alone, without the Client API payloads (and
 * the senders they look up) that `sessionConversations` builds.
 */
import type { ConversationStatus } from "../../domain/conversation";
import type { ContactStore } from "./contacts";
import type { ConversationIndex } from "./conversation-index";

export type ConversationRef = { id: number; status: ConversationStatus };

export function sessionConversationRefs(contacts: ContactStore, index: ConversationIndex, inboxId: number, sourceId: string): ConversationRef[] {
  const contactInbox = contacts.contactInboxBySource(inboxId, sourceId);
  if (!contactInbox) return [];
  return index.ofContactInbox(contactInbox.id).map((row) => ({ id: row.state.displayId, status: row.state.status }));
}
