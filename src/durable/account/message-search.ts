/**
 * Full-text search over the text of the account's messages (SQLite FTS5 in the Account object), fed
 * as the Conversation objects' message events are applied. Incoming messages, replies and private
 * notes are indexed (activity lines are not, as in Chatwoot); a message whose text is deleted leaves
 * the index. Each message is one row, keyed by its conversation and its id in that conversation.
 */
import { type MessageRecord, MessageType } from "../../domain/conversation";
import { parseJson } from "../sqlite";

export const MESSAGE_SEARCH_MIGRATIONS = [
  `create table searchable_messages (
     id integer primary key,
     display_id integer not null,
     record text not null
   );
   create virtual table message_text using fts5(
     content, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
   );`,
];

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

export class MessageSearch {
  constructor(private readonly sql: SqlStorage) {}

  /** Indexes a message as it is now (created or updated); a message with no searchable text leaves the index. */
  put(displayId: number, message: MessageRecord) {
    const id = rowIdOf(displayId, message.id);
    const text = searchableText(message);
    const stored = this.sql.exec<{ record: string }>("select record from searchable_messages where id = ?", id).toArray()[0];
    if (text === null) {
      if (stored) this.remove(id);
      return;
    }
    const storedMessage = stored ? parseJson<MessageRecord | null>(stored.record, null) : null;
    const record = JSON.stringify(message);
    this.sql.exec(
      "insert into searchable_messages (id, display_id, record) values (?, ?, ?) on conflict (id) do update set record = excluded.record",
      id,
      displayId,
      record,
    );
    if (storedMessage && searchableText(storedMessage) === text) return;
    if (stored) this.sql.exec("delete from message_text where rowid = ?", id);
    this.sql.exec("insert into message_text (rowid, content) values (?, ?)", id, text);
  }

  private remove(id: number) {
    this.sql.exec("delete from message_text where rowid = ?", id);
    this.sql.exec("delete from searchable_messages where id = ?", id);
  }

  /** Forgets the messages of conversations that left the index (a deleted inbox). */
  removeConversations(displayIds: number[]) {
    for (const displayId of displayIds) {
      const [from, to] = rowIdRange(displayId);
      this.sql.exec("delete from message_text where rowid between ? and ?", from, to);
      this.sql.exec("delete from searchable_messages where id between ? and ?", from, to);
    }
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
