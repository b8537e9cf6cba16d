/**
 * The Account object's index of conversations: each row mirrors the state its Conversation object
 * published last, so agents' lists, counts and filters are answered without waking those objects.
 */
import type { ConversationState, ConversationStatus, MessageRecord, Priority } from "../../domain/conversation";
import { ftsPrefixQuery } from "../../domain/search-query";
import { parseJson } from "../sqlite";
import { MessageSearch } from "./message-search";

const PRIORITY_RANKS: Record<Priority, number> = { low: 1, medium: 2, high: 3, urgent: 4 };
const priorityRank = (priority: Priority | null) => (priority === null ? 0 : PRIORITY_RANKS[priority]);
const waitingSortKey = (waitingSince: number | null) => waitingSince ?? Number.MAX_SAFE_INTEGER;

/** Chatwoot's `sort_by` values, with the older names its dashboard still sends. */
export const CONVERSATION_SORTS = [
  "last_activity_at_desc",
  "last_activity_at_asc",
  "created_at_desc",
  "created_at_asc",
  "priority_desc",
  "priority_asc",
  "waiting_since_asc",
  "waiting_since_desc",
  "latest",
  "sort_on_created_at",
  "sort_on_priority",
  "sort_on_waiting_since",
] as const;
export type ConversationSort = (typeof CONVERSATION_SORTS)[number];

/** The ORDER BY of each sort; every one ends in the display id so pages never overlap. */
const ORDER_BY: Record<ConversationSort, string> = {
  last_activity_at_desc: "last_activity_at desc, display_id desc",
  latest: "last_activity_at desc, display_id desc",
  last_activity_at_asc: "last_activity_at asc, display_id asc",
  created_at_desc: "created_at desc, display_id desc",
  created_at_asc: "created_at asc, display_id asc",
  sort_on_created_at: "created_at asc, display_id asc",
  priority_desc: "priority_rank desc, last_activity_at desc, display_id desc",
  sort_on_priority: "priority_rank desc, last_activity_at desc, display_id desc",
  priority_asc: "priority_rank asc, last_activity_at asc, display_id asc",
  waiting_since_asc: "waiting_sort_key asc, created_at asc, display_id asc",
  sort_on_waiting_since: "waiting_sort_key asc, created_at asc, display_id asc",
  waiting_since_desc: "waiting_sort_key desc, created_at desc, display_id desc",
};

/** The columns the list indexes are built on, as `apply` writes them. */
type IndexedColumns = {
  ready: number;
  status: string;
  assignee_id: number | null;
  team_id: number | null;
  priority: string | null;
  last_activity_at: number;
  priority_rank: number;
  waiting_sort_key: number;
};

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

/** Which conversations a list or its counts covers, as the viewer may see them. */
export type ConversationScope = {
  status: ConversationStatus | "all";
  inboxId: number | null;
  teamId: number | null;
  labels: string[];
  /** Matches the display id, the contact's name, email, phone number or identifier, or message text. */
  q: string | null;
  /** Inboxes the viewer may see; null means all. */
  visibleInboxIds: number[] | null;
  viewerId: number;
};

/**
 * What a message changes of its conversation besides the activity time: waiting since, the first
 * reply and the SLA's deadlines. Chatwoot then sends conversation.updated as well, so lists ordered
 * or badged by them stay current. The SLA is compared as JSON text.
 */
export type MessageDrivenAttributes = { waitingSince: number | null; firstReplyCreatedAt: number | null; appliedSla: string | null };

export const messageDrivenAttributesOf = (state: ConversationState): MessageDrivenAttributes => ({
  waitingSince: state.waitingSince,
  firstReplyCreatedAt: state.firstReplyCreatedAt,
  appliedSla: state.appliedSla ? JSON.stringify(state.appliedSla) : null,
});

export const sameMessageDrivenAttributes = (a: MessageDrivenAttributes, b: MessageDrivenAttributes) =>
  a.waitingSince === b.waitingSince && a.firstReplyCreatedAt === b.firstReplyCreatedAt && a.appliedSla === b.appliedSla;

export type ConversationFilter = ConversationScope & {
  assigneeType: "me" | "unassigned" | "assigned" | "all";
  sort: ConversationSort;
  page: number;
  perPage: number;
};

/** Chatwoot's counts per assignee type: mine, unassigned, assigned (all but unassigned) and all. */
export type ConversationCounts = { mine_count: number; unassigned_count: number; assigned_count: number; all_count: number };

type SqlArg = string | number;

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
    const row = this.sql.exec<IndexRow>(`select * from conversations where display_id = ? ${includeUnready ? "" : "and ready = 1"}`, displayId).toArray()[0];
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
  ): { fresh: boolean; contactId: number; before: MessageDrivenAttributes } | null {
    const current = this.sql
      .exec<IndexedColumns & { contact_id: number; applied_seq: number; waiting_since: number | null; first_reply: number | null; sla: string | null }>(
        `select contact_id, applied_seq, ready, status, assignee_id, team_id, priority, last_activity_at, priority_rank, waiting_sort_key,
           json_extract(state, '$.waitingSince') as waiting_since, json_extract(state, '$.firstReplyCreatedAt') as first_reply,
           json_extract(state, '$.appliedSla') as sla
         from conversations where display_id = ?`,
        state.displayId,
      )
      .toArray()[0];
    if (!current) return null;
    const before = { waitingSince: current.waiting_since, firstReplyCreatedAt: current.first_reply, appliedSla: current.sla };
    // Already applied: a redelivery.
    if (current.applied_seq >= seq) return { fresh: false, contactId: current.contact_id, before };
    const next: IndexedColumns = {
      ready: 1,
      status: state.status,
      assignee_id: state.assigneeId,
      team_id: state.teamId,
      priority: state.priority,
      last_activity_at: state.lastActivityAt,
      priority_rank: priorityRank(state.priority),
      waiting_sort_key: waitingSortKey(state.waitingSince),
    };
    // Only the indexed columns that changed are set: SQLite rewrites the entries of every index whose
    // columns an UPDATE sets, changed or not, and a message changes one or two of them.
    const changed = (Object.keys(next) as (keyof IndexedColumns)[]).filter((column) => current[column] !== next[column]);
    this.sql.exec(
      `update conversations set ${changed.map((column) => `${column} = ?, `).join("")}state = ?, last_message = coalesce(?, last_message),
         unread_count = ?, applied_seq = ?
       where display_id = ?`,
      ...changed.map((column) => next[column]),
      JSON.stringify(state),
      lastMessage ? JSON.stringify(lastMessage) : null,
      unreadCount,
      seq,
      state.displayId,
    );
    const labels = JSON.stringify(state.labels);
    if (this.writtenLabels.get(state.displayId) !== labels) {
      this.sql.exec("delete from conversation_labels where display_id = ?", state.displayId);
      for (const label of state.labels) {
        this.sql.exec("insert or ignore into conversation_labels (display_id, label) values (?, ?)", state.displayId, label);
      }
      if (this.writtenLabels.size >= 10_000) this.writtenLabels.clear();
      this.writtenLabels.set(state.displayId, labels);
    }
    return { fresh: true, contactId: current.contact_id, before };
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

  /** How many conversations the contact inbox (a visitor session) started, including one being started. */
  countOfContactInbox(contactInboxId: number): number {
    return this.sql.exec<{ n: number }>("select count(*) as n from conversations where contact_inbox_id = ?", contactInboxId).one().n;
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

  /** The WHERE clause of a scope, over `conversations`. */
  private where(scope: ConversationScope): { where: string; args: SqlArg[] } {
    const clauses = ["ready = 1"];
    const args: SqlArg[] = [];
    if (scope.status !== "all") {
      clauses.push("status = ?");
      args.push(scope.status);
    }
    if (scope.visibleInboxIds !== null) {
      clauses.push(`inbox_id in (${scope.visibleInboxIds.map(() => "?").join(",") || "null"})`);
      args.push(...scope.visibleInboxIds);
    }
    if (scope.inboxId !== null) {
      clauses.push("inbox_id = ?");
      args.push(scope.inboxId);
    }
    if (scope.teamId !== null) {
      clauses.push("team_id = ?");
      args.push(scope.teamId);
    }
    if (scope.labels.length > 0) {
      clauses.push(
        `exists (select 1 from conversation_labels l where l.display_id = conversations.display_id and l.label in (${scope.labels.map(() => "?").join(",")}))`,
      );
      args.push(...scope.labels);
    }
    if (scope.q) {
      const pattern = `%${scope.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
      const alternatives = [
        "cast(display_id as text) = ?",
        `contact_id in (select id from contacts where name like ? escape '\\' or email like ? escape '\\' or phone_number like ? escape '\\' or identifier like ? escape '\\')`,
      ];
      args.push(scope.q, pattern, pattern, pattern, pattern);
      const match = ftsPrefixQuery(scope.q);
      if (match) {
        const messages = MessageSearch.conversationsMatching(match);
        alternatives.push(messages.sql);
        args.push(...messages.args);
      }
      clauses.push(`(${alternatives.join(" or ")})`);
    }
    return { where: clauses.join(" and "), args };
  }

  /** Chatwoot's counts per assignee type for a scope. */
  counts(scope: ConversationScope): ConversationCounts {
    const { where, args } = this.where(scope);
    const counts = this.sql
      .exec<{ mine: number; unassigned: number; total: number }>(
        `select coalesce(sum(assignee_id = ?), 0) as mine, coalesce(sum(assignee_id is null), 0) as unassigned, count(*) as total
         from conversations where ${where}`,
        scope.viewerId,
        ...args,
      )
      .one();
    return { mine_count: counts.mine, unassigned_count: counts.unassigned, assigned_count: counts.total - counts.unassigned, all_count: counts.total };
  }

  /** The query of one page of a list, in its sort order (public so that tests can read its query plan). */
  pageQuery(filter: ConversationFilter): { sql: string; args: SqlArg[] } {
    const { where, args } = this.where(filter);
    const clauses = [where];
    if (filter.assigneeType === "me") {
      clauses.push("assignee_id = ?");
      args.push(filter.viewerId);
    } else if (filter.assigneeType === "unassigned") {
      clauses.push("assignee_id is null");
    } else if (filter.assigneeType === "assigned") {
      clauses.push("assignee_id is not null");
    }
    return {
      sql: `select * from conversations where ${clauses.join(" and ")} order by ${ORDER_BY[filter.sort]} limit ? offset ?`,
      args: [...args, filter.perPage, (filter.page - 1) * filter.perPage],
    };
  }

  /** One page of a list, in its sort order. */
  page(filter: ConversationFilter): IndexedConversation[] {
    const { sql, args } = this.pageQuery(filter);
    return this.sql
      .exec<IndexRow>(sql, ...args)
      .toArray()
      .map(toIndexed);
  }

  /** Chatwoot's conversation list: a page plus the counts per assignee type for the same filters. */
  list(filter: ConversationFilter) {
    return { counts: this.counts(filter), conversations: this.page(filter) };
  }
}
