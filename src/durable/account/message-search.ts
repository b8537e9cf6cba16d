/**
 * Full-text search over the text of the account's messages (SQLite FTS5 in the Account object), fed
 * as the Conversation objects' message events are applied. Incoming messages, replies and private
 * notes are indexed (activity lines are not, as in Chatwoot); a message whose text is deleted leaves
 * the index. Each message is one row, keyed by its conversation and its id in that conversation.
 */
import { type MessageRecord, MessageType } from "../../domain/conversation";
import { parseJson } from "../sqlite";

/**
 * A message's row id: its conversation's display id in the high 32 bits and its id within the
 * conversation (which numbers its own messages) in the low ones, so one conversation's messages are
 * one rowid range of the FTS5 table.
 */
const CONVERSATION_SPAN = 2 ** 32;
const rowIdOf = (displayId: number, messageId: number) => displayId * CONVERSATION_SPAN + messageId;
const rowIdRange = (displayId: number) => [displayId * CONVERSATION_SPAN, (displayId + 1) * CONVERSATION_SPAN - 1] as const;

const SEARCHED_TYPES: ReadonlySet<number> = new Set([MessageType.incoming, MessageType.outgoing]);

/** The text a message is found by, or null when it should not be found (activity, no text, deleted). */
function searchableText(message: MessageRecord): string | null {
  if (!SEARCHED_TYPES.has(message.messageType)) return null;
  if (message.contentAttributes.deleted === true) return null;
  const text = message.content?.trim();
  return text ? text : null;
}

/** Messages written to the FTS5 table together once this many wait. */
const INDEX_BATCH = 64;

export class MessageSearch {
  /** How many messages wait to be indexed; null until counted (after a wake). */
  private pending: number | null = null;

  constructor(private readonly sql: SqlStorage) {}

  /**
   * Keeps a message as it is now for search (created or updated); a message with no searchable text
   * leaves the index. Its words reach the FTS5 table with the next batch.
   */
  put(displayId: number, message: MessageRecord, created: boolean) {
    const id = rowIdOf(displayId, message.id);
    const text = searchableText(message);
    const record = JSON.stringify(message);
    if (created && text !== null) {
      const inserted = this.sql.exec(
        "insert into searchable_messages (id, display_id, record, indexed) values (?, ?, ?, 0) on conflict (id) do nothing",
        id,
        displayId,
        record,
      ).rowsWritten;
      if (inserted > 0) return this.countPending(1);
    }
    const stored = this.sql.exec<{ record: string; indexed: number }>("select record, indexed from searchable_messages where id = ?", id).toArray()[0];
    if (text === null) {
      if (stored) this.remove(id);
      return;
    }
    const storedMessage = stored ? parseJson<MessageRecord | null>(stored.record, null) : null;
    const unchanged = stored?.indexed === 1 && storedMessage !== null && searchableText(storedMessage) === text;
    if (stored?.indexed === 1 && !unchanged) this.sql.exec("delete from message_text where rowid = ?", id);
    this.sql.exec(
      `insert into searchable_messages (id, display_id, record, indexed) values (?, ?, ?, ?)
       on conflict (id) do update set record = excluded.record, indexed = excluded.indexed`,
      id,
      displayId,
      record,
      unchanged ? 1 : 0,
    );
    if (!unchanged && stored?.indexed !== 0) this.countPending(1);
  }

  private countPending(added: number) {
    this.pending ??= this.sql.exec<{ n: number }>("select count(*) as n from searchable_messages where indexed = 0").one().n - added;
    this.pending += added;
    if (this.pending >= INDEX_BATCH) this.indexPending();
  }

  /** Writes the waiting messages' words to the FTS5 table, in one segment. Searches call it first. */
  indexPending() {
    if (this.pending === 0) return;
    const rows = this.sql.exec<{ id: number; record: string }>("select id, record from searchable_messages where indexed = 0").toArray();
    for (const row of rows) {
      const message = parseJson<MessageRecord | null>(row.record, null);
      const text = message ? searchableText(message) : null;
      if (text !== null) this.sql.exec("insert into message_text (rowid, content) values (?, ?)", row.id, text);
    }
    if (rows.length > 0) this.sql.exec("update searchable_messages set indexed = 1 where indexed = 0");
    this.pending = 0;
  }

  /** Drops what this instance remembers about the stored rows (after a purge). */
  forget() {
    this.pending = null;
  }

  private remove(id: number) {
    const removed = this.sql.exec<{ indexed: number }>("delete from searchable_messages where id = ? returning indexed", id).toArray()[0];
    if (removed?.indexed === 1) this.sql.exec("delete from message_text where rowid = ?", id);
    else if (removed && this.pending !== null) this.pending -= 1;
  }

  /** Forgets the messages of conversations that left the index (a deleted inbox). */
  removeConversations(displayIds: number[]) {
    for (const displayId of displayIds) {
      const [from, to] = rowIdRange(displayId);
      this.sql.exec("delete from message_text where rowid between ? and ?", from, to);
      this.sql.exec("delete from searchable_messages where id between ? and ?", from, to);
    }
    this.pending = null;
  }

  /**
   * A condition on `conversations.display_id` for conversations with a message that matches `match`
   * (an FTS5 expression from `ftsPrefixQuery`), to join into the index's list queries.
   */
  static conversationsMatching(match: string): { sql: string; args: string[] } {
    return { sql: "display_id in (select rowid >> 32 from message_text where message_text match ?)", args: [match] };
  }

  /** The conversation's newest message that matches `match`, or null. */
  newestMatch(displayId: number, match: string): MessageRecord | null {
    const [from, to] = rowIdRange(displayId);
    const row = this.sql
      .exec<{ record: string }>(
        `select m.record from message_text t join searchable_messages m on m.id = t.rowid
         where message_text match ? and t.rowid between ? and ? order by t.rowid desc limit 1`,
        match,
        from,
        to,
      )
      .toArray()[0];
    return row ? parseJson<MessageRecord | null>(row.record, null) : null;
  }
}
