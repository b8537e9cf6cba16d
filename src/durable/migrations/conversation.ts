/**
 * The Conversation object's SQLite schema, one numbered list: each entry runs once, in order, and its
 * version is recorded in `_schema_migrations`. Entries are never edited, removed or reordered (a
 * deployed object has run them already); a change of schema is a new entry at the end, and
 * test/node/durable-migrations.test.ts then asks for its fingerprint.
 */
import type { SqliteMigration } from "./entry";

export const CONVERSATION_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: "messages, outbox and state",
    sql: `create table messages (
     id integer primary key autoincrement,
     content text,
     message_type integer not null,
     content_type text not null,
     content_attributes text not null default '{}',
     private integer not null default 0,
     sender_type text,
     sender_id integer,
     source_id text,
     echo_id text,
     attachments text not null default '[]',
     created_at integer not null,
     updated_at integer not null
   );
   create unique index messages_echo_id on messages(echo_id) where echo_id is not null;
   create table outbox (
     seq integer primary key autoincrement,
     event text not null
   );
   create table state (
     id integer primary key check (id = 1),
     value text not null
   );`,
  },
  // Unread counts are taken on every event: count incoming messages after a time by index.
  {
    version: 2,
    name: "unread counts by message type",
    sql: `create index messages_type_created on messages(message_type, created_at);`,
  },
  // Channel messages: the provider's id finds a message again (redeliveries, delivery statuses); status is Chatwoot's delivery status.
  {
    version: 3,
    name: "delivery status and provider ids",
    sql: `alter table messages add column status text;
   create index messages_source_id on messages(source_id) where source_id is not null;`,
  },
  // The channel jobs' questions, answered in the object (conversation/channel-messages.ts): replies
  // that wait for their provider (an Instagram echo that may be one, continuity's next email), and
  // Parley's sent messages a receipt's watermark moves on. Both sets stay small.
  {
    version: 4,
    name: "replies awaiting send and messages by delivery status",
    sql: `create index messages_awaiting_send on messages(id) where message_type = 1 and private = 0 and source_id is null and status is null;
   create index messages_delivery_status on messages(status, created_at) where status is not null;`,
  },
];
