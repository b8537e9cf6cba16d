/**
 * What the channel jobs ask of a conversation's messages, each answered by one indexed query in the
 * object, never by reading a page of messages across RPC and filtering it (a message older than the
 * page would be missed): whether a provider's message id is stored already, whether one of Parley's
 * sends still waits for its provider's answer, which replies are not sent yet, and which outgoing
 * messages a receipt's watermark or a bounce changes. The object writes; this module only queries.
 *
 * The message types and statuses are literals in the SQL, not parameters: SQLite uses a partial
 * index only when the query names its WHERE terms with the same constants (migration 4). Queries
 * name their partial index (`indexed by`): without statistics the planner would rather walk every
 * outgoing message, and a query that can no longer use its index fails instead of slowing down.
 */
import type { MessageDeliveryStatus, MessageTypeCode } from "../../domain/conversation";

/** The rows of the messages table, as `SqlStorage.exec` reads them. */
type Row = Record<string, SqlStorageValue>;

/** Whether a message of this type with the provider's id is stored (the partial index on source_id). */
export function hasMessageWithSourceId(sql: SqlStorage, sourceId: string, messageType: MessageTypeCode): boolean {
  return sql.exec("select 1 from messages where source_id = ? and message_type = ? limit 1", sourceId, messageType).toArray().length > 0;
}

/**
 * The outgoing public messages that have neither a provider id nor a status: replies their channel
 * has not sent yet (or, on a website, never sends). Matches the partial index messages_awaiting_send.
 */
const AWAITING_SEND = "message_type = 1 and private = 0 and source_id is null and status is null";

/** Whether one of Parley's sends with this text (any text, when null) still waits for its provider's answer. */
export function sendInFlight(sql: SqlStorage, text: string | null): boolean {
  return (
    sql.exec(`select 1 from messages indexed by messages_awaiting_send where ${AWAITING_SEND} and (? is null or content = ?) limit 1`, text, text).toArray()
      .length > 0
  );
}

/** Up to `limit` replies not sent yet after message `afterId`, oldest first (continuity's next email). */
export function unsentRepliesAfter<R extends Row>(sql: SqlStorage, afterId: number, limit: number): R[] {
  return sql
    .exec<R>(`select * from messages indexed by messages_awaiting_send where ${AWAITING_SEND} and id > ? order by id limit ?`, afterId, limit)
    .toArray();
}

/**
 * A receipt's watermark (Meta's: every message sent up to then was delivered, or read) as one write:
 * Parley's sent messages created at or before it whose status is behind `status` get it, never going
 * back (read stays read). Answers the rows as they now are. Uses messages_delivery_status.
 */
export function markSentBefore<R extends Row>(sql: SqlStorage, watermarkSeconds: number, status: "delivered" | "read", at: number): R[] {
  const behind = status === "read" ? "('sent', 'delivered')" : "('sent')";
  return sql
    .exec<R>(
      `update messages indexed by messages_delivery_status set status = ?, updated_at = ?
       where status in ${behind} and created_at <= ? and message_type = 1 and private = 0 and source_id is not null
       returning *`,
      status,
      at,
      watermarkSeconds,
    )
    .toArray();
}

/** The id of the latest public outgoing message not marked failed yet (a bounce's), by messages_type_created. */
export function latestUnfailedOutgoing(sql: SqlStorage): number | null {
  const row = sql
    .exec<{ id: number }>(
      "select id from messages where message_type = 1 and private = 0 and (status is null or status != ?) order by created_at desc, id desc limit 1",
      "failed" satisfies MessageDeliveryStatus,
    )
    .toArray()[0];
  return row?.id ?? null;
}
