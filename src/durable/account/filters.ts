/**
 * Chatwoot's advanced filters over the account's live state: conversations of the index and
 * contacts, tested condition by condition (src/domain/chatwoot-filters.ts) and paged. A filter reads
 * at most FILTER_SCAN_LIMIT conversations (the most recently active) or contacts (the newest).
 */
import { contactMatches, conversationMatches, type FilterCondition } from "../../domain/chatwoot-filters";
import type { ContactRecord } from "../../domain/chatwoot-payloads";
import type { ContactStore } from "./contacts";
import type { ConversationCounts, ConversationIndex, IndexedConversation } from "./conversation-index";

export const FILTER_SCAN_LIMIT = 10_000;

export type Paging = { page: number; perPage: number };

export function filterConversations(
  index: ConversationIndex,
  contacts: ContactStore,
  input: { visibleInboxIds: number[] | null; viewerId: number; conditions: readonly FilterCondition[] } & Paging,
): { counts: ConversationCounts; rows: IndexedConversation[] } {
  const candidates = index.page({
    status: "all",
    inboxId: null,
    teamId: null,
    labels: [],
    q: null,
    visibleInboxIds: input.visibleInboxIds,
    viewerId: 0,
    assigneeType: "all",
    sort: "last_activity_at_desc",
    page: 1,
    perPage: FILTER_SCAN_LIMIT,
  });
  const people = contacts.getMany(candidates.map((row) => row.contactId));
  const now = new Date();
  const matching = candidates.filter((row) => {
    const contact = people.get(row.contactId);
    return contact !== undefined && conversationMatches(input.conditions, { state: row.state, contact, lastMessage: row.lastMessage }, now);
  });
  const start = (input.page - 1) * input.perPage;
  const unassigned = matching.filter((row) => row.state.assigneeId === null).length;
  const counts: ConversationCounts = {
    mine_count: matching.filter((row) => row.state.assigneeId === input.viewerId).length,
    unassigned_count: unassigned,
    assigned_count: matching.length - unassigned,
    all_count: matching.length,
  };
  return { counts, rows: matching.slice(start, start + input.perPage) };
}

export function filterContacts(
  contacts: ContactStore,
  input: { conditions: readonly FilterCondition[] } & Paging,
): { count: number; contacts: ContactRecord[] } {
  const { contacts: candidates } = contacts.page({ q: null, page: 1, perPage: FILTER_SCAN_LIMIT, sort: "created_at", descending: true });
  const now = new Date();
  const matching = candidates.filter((contact) => contactMatches(input.conditions, { contact, labels: contacts.labelsOf(contact.id) }, now));
  const start = (input.page - 1) * input.perPage;
  return { count: matching.length, contacts: matching.slice(start, start + input.perPage) };
}
