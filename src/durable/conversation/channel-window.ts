/**
 * What a channel's messaging window is measured from: when the contact last wrote, by the
 * provider's own clock (`content_attributes.external_created_at`, as WhatsApp stamps its messages)
 * or, for a message without one, when it was stored.
 */
import { type ConversationState, MessageType } from "../../domain/conversation";

export function lastIncomingAt(sql: SqlStorage): number | null {
  const row = sql
    .exec<{ created_at: number; external: number | null }>(
      `select created_at, json_extract(content_attributes, '$.external_created_at') as external
       from messages where message_type = ? order by id desc limit 1`,
      MessageType.incoming,
    )
    .toArray()[0];
  if (!row) return null;
  return typeof row.external === "number" && Number.isFinite(row.external) ? row.external : row.created_at;
}

/** A state stored before it recorded `lastIncomingAt`, given it from the messages (once; written back with the next change). */
export function withLastIncomingAt(state: ConversationState | null, sql: SqlStorage): ConversationState | null {
  if (!state || state.lastIncomingAt !== undefined) return state;
  return { ...state, lastIncomingAt: lastIncomingAt(sql) };
}
