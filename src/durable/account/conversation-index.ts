/**
 * The Account object's index of conversations: each row mirrors the state its Conversation object
 * published last, so agents' lists, counts and filters are answered without waking those objects.
 */
import type { ConversationState, ConversationStatus, MessageRecord } from "../../domain/conversation";
import { parseJson } from "../sqlite";

export const CONVERSATION_INDEX_MIGRATIONS = [
  `create table conversations (
     display_id integer primary key autoincrement,
     inbox_id integer not null,
     contact_id integer not null,
     contact_inbox_id integer not null,
     status text not null,
     assignee_id integer,
     team_id integer,
     priority text,
     last_activity_at integer not null,
     created_at integer not null,
     ready integer not null default 0,
     state text not null,
     last_message text,
     unread_count integer not null default 0,
     applied_seq integer not null default 0
   );
   create index conversations_activity on conversations(ready, last_activity_at);
   create index conversations_contact on conversations(contact_id);
   create index conversations_contact_inbox on conversations(contact_inbox_id);
   create table conversation_labels (
     display_id integer not null,
     label text not null,
     primary key (display_id, label)
   );
   create index conversation_labels_label on conversation_labels(label);`,
];

type IndexRow = {
  display_id: number;
  contact_id: number;
  contact_inbox_id: number;
  state: string;
  last_message: string | null;
  unread_count: number;
  applied_seq: number;
};

export type IndexedConversation = {
  state: ConversationState;
  contactId: number;
  lastMessage: MessageRecord | null;
  unreadCount: number;
  appliedSeq: number;
};

const toIndexed = (row: IndexRow): IndexedConversation => ({
  state: parseJson<ConversationState>(row.state, null as unknown as ConversationState),
  contactId: row.contact_id,
  lastMessage: parseJson<MessageRecord | null>(row.last_message, null),
  unreadCount: row.unread_count,
  appliedSeq: row.applied_seq,
});

export type ConversationFilter = {
  status: ConversationStatus | "all";
  assigneeType: "me" | "unassigned" | "assigned" | "all";
  inboxId: number | null;
  teamId: number | null;
  labels: string[];
  q: string | null;
  /** Inboxes the viewer may see; null means all. */
  visibleInboxIds: number[] | null;
  viewerId: number;
  page: number;
  perPage: number;
};

export class ConversationIndex {
  /**
   * The labels last written to conversation_labels, by display id, so that applying an event whose
   * labels did not change writes nothing there. Only this class writes that table.
   */
  private readonly writtenLabels = new Map<number, string>();

  constructor(private readonly sql: SqlStorage) {}

  /** Reserves the next display id for a conversation that its Conversation object will start. */
  reserve(seed: Omit<ConversationState, "displayId">, contactId: number): ConversationState {
    const row = this.sql
      .exec<{ display_id: number }>(
        `insert into conversations (inbox_id, contact_id, contact_inbox_id, status, last_activity_at, created_at, state)
         values (?, ?, ?, ?, ?, ?, '{}') returning display_id`,
        seed.inboxId,
        contactId,
        seed.contactInboxId,
        seed.status,
        seed.lastActivityAt,
        seed.createdAt,
      )
      .one();
    const state: ConversationState = { ...seed, displayId: row.display_id };
    this.sql.exec("update conversations set state = ? where display_id = ?", JSON.stringify(state), row.display_id);
    return state;
  }

  get(displayId: number, includeUnready = false): IndexedConversation | null {
    const row = this.sql
      .exec<IndexRow>(
        `select * from conversations where display_id = ? ${includeUnready ? "" : "and ready = 1"}`,
        displayId,
      )
      .toArray()[0];
    return row ? toIndexed(row) : null;
  }

  /**
   * Applies a published state if it is newer than what the index holds (`fresh: false` for a
   * redelivered one); null when the conversation is not in the index.
   */
  apply(
    seq: number,
    state: ConversationState,
    lastMessage: MessageRecord | null,
    unreadCount: number,
  ): { fresh: boolean; contactId: number } | null {
    const updated = this.sql
      .exec<{ contact_id: number }>(
        `update conversations set status = ?, assignee_id = ?, team_id = ?, priority = ?, last_activity_at = ?,
           ready = 1, state = ?, last_message = coalesce(?, last_message), unread_count = ?, applied_seq = ?
         where display_id = ? and applied_seq < ? returning contact_id`,
        state.status,
        state.assigneeId,
        state.teamId,
        state.priority,
        state.lastActivityAt,
        JSON.stringify(state),
        lastMessage ? JSON.stringify(lastMessage) : null,
        unreadCount,
        seq,
        state.displayId,
        seq,
      )
      .toArray()[0];
    if (!updated) {
      // Already applied (a redelivery), or not in the index.
      const current = this.sql.exec<{ contact_id: number }>("select contact_id from conversations where display_id = ?", state.displayId).toArray()[0];
      return current ? { fresh: false, contactId: current.contact_id } : null;
    }
    const labels = JSON.stringify(state.labels);
    if (this.writtenLabels.get(state.displayId) !== labels) {
      this.sql.exec("delete from conversation_labels where display_id = ?", state.displayId);
      for (const label of state.labels) {
        this.sql.exec("insert or ignore into conversation_labels (display_id, label) values (?, ?)", state.displayId, label);
      }
      if (this.writtenLabels.size >= 10_000) this.writtenLabels.clear();
      this.writtenLabels.set(state.displayId, labels);
    }
    return { fresh: true, contactId: updated.contact_id };
  }

  /** Drops what this instance remembers about the stored rows (after a purge). */
  forget() {
    this.writtenLabels.clear();
  }

  displayIdsOfContact(contactId: number): number[] {
    return this.sql
      .exec<{ display_id: number }>("select display_id from conversations where contact_id = ? and ready = 1 order by display_id", contactId)
      .toArray()
      .map((row) => row.display_id);
  }

  displayIdsOfInbox(inboxId: number): number[] {
    return this.sql
      .exec<{ display_id: number }>("select display_id from conversations where inbox_id = ? order by display_id", inboxId)
      .toArray()
      .map((row) => row.display_id);
  }

  removeInbox(inboxId: number) {
    this.writtenLabels.clear();
    this.sql.exec("delete from conversation_labels where display_id in (select display_id from conversations where inbox_id = ?)", inboxId);
    this.sql.exec("delete from conversations where inbox_id = ?", inboxId);
  }

  /** Whether the contact has any conversation, including one still being started. */
  hasConversations(contactId: number): boolean {
    return this.sql.exec<{ n: number }>("select count(*) as n from conversations where contact_id = ?", contactId).one().n > 0;
  }

  ofContactInbox(contactInboxId: number): IndexedConversation[] {
    return this.sql
      .exec<IndexRow>("select * from conversations where contact_inbox_id = ? and ready = 1 order by display_id desc", contactInboxId)
      .toArray()
      .map(toIndexed);
  }

  ofContact(contactId: number): IndexedConversation[] {
    return this.sql
      .exec<IndexRow>("select * from conversations where contact_id = ? and ready = 1 order by last_activity_at desc", contactId)
      .toArray()
      .map(toIndexed);
  }

  moveToContact(fromContactId: number, toContactId: number): number[] {
    const ids = this.displayIdsOfContact(fromContactId);
    this.sql.exec("update conversations set contact_id = ? where contact_id = ?", toContactId, fromContactId);
    return ids;
  }

  /** Chatwoot's conversation list: a page plus the counts per assignee type for the same filters. */
  list(filter: ConversationFilter) {
    const clauses = ["ready = 1"];
    const args: (string | number)[] = [];
    if (filter.status !== "all") {
      clauses.push("status = ?");
      args.push(filter.status);
    }
    if (filter.visibleInboxIds !== null) {
      clauses.push(`inbox_id in (${filter.visibleInboxIds.map(() => "?").join(",") || "null"})`);
      args.push(...filter.visibleInboxIds);
    }
    if (filter.inboxId !== null) {
      clauses.push("inbox_id = ?");
      args.push(filter.inboxId);
    }
    if (filter.teamId !== null) {
      clauses.push("team_id = ?");
      args.push(filter.teamId);
    }
    if (filter.labels.length > 0) {
      clauses.push(
        `exists (select 1 from conversation_labels l where l.display_id = conversations.display_id and l.label in (${filter.labels.map(() => "?").join(",")}))`,
      );
      args.push(...filter.labels);
    }
    if (filter.q) {
      const pattern = `%${filter.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
      clauses.push(
        `(cast(display_id as text) = ? or contact_id in (select id from contacts where name like ? escape '\\' or email like ? escape '\\' or phone_number like ? escape '\\' or identifier like ? escape '\\'))`,
      );
      args.push(filter.q, pattern, pattern, pattern, pattern);
    }
    const where = clauses.join(" and ");
    const counts = this.sql
      .exec<{ mine: number; unassigned: number; assigned: number; total: number }>(
        `select coalesce(sum(assignee_id = ?), 0) as mine, coalesce(sum(assignee_id is null), 0) as unassigned,
                coalesce(sum(assignee_id is not null), 0) as assigned, count(*) as total
         from conversations where ${where}`,
        filter.viewerId,
        ...args,
      )
      .one();
    const assigneeClause = {
      me: ["assignee_id = ?", filter.viewerId],
      unassigned: ["assignee_id is null"],
      assigned: ["assignee_id is not null"],
      all: [],
    }[filter.assigneeType] as [string?, number?];
    const pageClauses = assigneeClause[0] ? `${where} and ${assigneeClause[0]}` : where;
    const pageArgs = assigneeClause[1] === undefined ? args : [...args, assigneeClause[1]];
    const rows = this.sql
      .exec<IndexRow>(
        `select * from conversations where ${pageClauses} order by last_activity_at desc, display_id desc limit ? offset ?`,
        ...pageArgs,
        filter.perPage,
        (filter.page - 1) * filter.perPage,
      )
      .toArray();
    return {
      counts: { mine_count: counts.mine, unassigned_count: counts.unassigned, assigned_count: counts.assigned, all_count: counts.total },
      conversations: rows.map(toIndexed),
    };
  }
}
