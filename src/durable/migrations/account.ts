/**
 * The Account object's SQLite schema, one numbered list: each entry runs once, in order, and its
 * version is recorded in `_schema_migrations`. Entries are never edited, removed or reordered (a
 * deployed object has run them already); a change of schema is a new entry at the end, and
 * test/node/durable-migrations.test.ts then asks for its fingerprint. The SQL is exactly what the
 * stores' own lists held before they were gathered here, in the order the object ran them.
 */
import type { SqliteMigration } from "./entry";

export const ACCOUNT_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: "contacts and their inbox sessions",
    sql: `create table contacts (
     id integer primary key autoincrement,
     name text not null default '',
     email text,
     phone_number text,
     identifier text,
     avatar_url text,
     custom_attributes text not null default '{}',
     additional_attributes text not null default '{}',
     created_at integer not null,
     updated_at integer not null,
     last_activity_at integer
   );
   create unique index contacts_identifier on contacts(identifier) where identifier is not null;
   create unique index contacts_email on contacts(email) where email is not null;
   create index contacts_phone on contacts(phone_number);
   create table contact_inboxes (
     id integer primary key autoincrement,
     contact_id integer not null,
     inbox_id integer not null,
     source_id text not null,
     hmac_verified integer not null default 0,
     created_at integer not null,
     updated_at integer not null
   );
   create unique index contact_inboxes_source on contact_inboxes(inbox_id, source_id);
   create index contact_inboxes_contact on contact_inboxes(contact_id);`,
  },
  // Phone numbers are unique per account, as in Chatwoot.
  {
    version: 2,
    name: "unique phone numbers",
    sql: `drop index contacts_phone;
   create unique index contacts_phone on contacts(phone_number) where phone_number is not null;`,
  },
  {
    version: 3,
    name: "conversation index",
    sql: `create table conversations (
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
  },
  {
    version: 4,
    name: "notifications",
    sql: `create table notifications (
     id integer primary key autoincrement,
     user_id integer not null,
     notification_type text not null,
     display_id integer not null,
     title text not null,
     key text,
     read_at integer,
     created_at integer not null
   );
   create unique index notifications_user_key on notifications(user_id, key) where key is not null;
   create index notifications_user on notifications(user_id, id);
   create index notifications_user_unread on notifications(user_id, read_at);`,
  },
  // Contact labels: Chatwoot's contact tags, by title.
  {
    version: 5,
    name: "contact labels",
    sql: `create table if not exists contact_labels (
     contact_id integer not null,
     label text not null,
     primary key (contact_id, label)
   );
   create index if not exists contact_labels_label on contact_labels(label);`,
  },
  // Each user's notification settings (email and push flags), added after the notifications.
  {
    version: 6,
    name: "notification settings",
    sql: `create table notification_settings (
     id integer primary key autoincrement,
     user_id integer not null unique,
     email_flags text not null,
     push_flags text not null,
     updated_at integer not null
   );`,
  },
  // Contact events on their way to the queue: written in the same transaction as the change, removed once enqueued.
  {
    version: 7,
    name: "contact outbox",
    sql: `create table contact_outbox (
     id integer primary key autoincrement,
     job text not null
   );`,
  },
  // Chatwoot's list orders, each served by an index, so a page of thousands of conversations is read in
  // order rather than sorted: `priority_rank` orders priorities (none 0 … urgent 4), `waiting_sort_key`
  // is `waiting_since` or a time after every other, as Chatwoot's `coalesce(waiting_since, now())`.
  {
    version: 8,
    name: "conversation list orders",
    sql: `alter table conversations add column priority_rank integer not null default 0;
   alter table conversations add column waiting_sort_key integer not null default ${Number.MAX_SAFE_INTEGER};
   update conversations set
     priority_rank = case json_extract(state, '$.priority') when 'urgent' then 4 when 'high' then 3 when 'medium' then 2 when 'low' then 1 else 0 end,
     waiting_sort_key = coalesce(json_extract(state, '$.waitingSince'), ${Number.MAX_SAFE_INTEGER})
   where ready = 1;
   create index conversations_status_activity on conversations(status, ready, last_activity_at);
   create index conversations_status_created on conversations(status, ready, created_at);
   create index conversations_created on conversations(ready, created_at);
   create index conversations_status_priority on conversations(status, ready, priority_rank, last_activity_at);
   create index conversations_priority on conversations(ready, priority_rank, last_activity_at);
   create index conversations_status_waiting on conversations(status, ready, waiting_sort_key, created_at);
   create index conversations_waiting on conversations(ready, waiting_sort_key, created_at);`,
  },
  // Full-text search over the messages' text (FTS5), one row per message.
  {
    version: 9,
    name: "message search",
    sql: `create table searchable_messages (
     id integer primary key,
     display_id integer not null,
     record text not null
   );
   create virtual table message_text using fts5(
     content, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
   );`,
  },
  // The availability each user chose (online, busy, offline).
  {
    version: 10,
    name: "user availability",
    sql: `create table user_availability (
     user_id integer primary key,
     availability text not null,
     updated_at integer not null
   );`,
  },
  // Messages are written to the FTS5 table in batches (`indexed` 0 until then): a segment per message cost the message path too much.
  {
    version: 11,
    name: "message search in batches",
    sql: `alter table searchable_messages add column indexed integer not null default 1;
   create index searchable_messages_pending on searchable_messages(id) where indexed = 0;`,
  },
  // Email: which conversation each Message-ID belongs to, and how far continuity emailed each conversation.
  {
    version: 12,
    name: "email threads and continuity",
    sql: `create table email_threads (
     inbox_id integer not null,
     message_id text not null,
     display_id integer not null,
     incoming integer not null,
     created_at integer not null,
     primary key (inbox_id, message_id)
   );
   create index email_threads_conversation on email_threads(inbox_id, display_id, created_at);
   create table email_continuity (
     display_id integer primary key,
     emailed_through integer not null,
     updated_at integer not null
   );`,
  },
  // Email: which delivery of a Message-ID is the one to store, so two deliveries handled at once store one message.
  {
    version: 13,
    name: "email claims",
    sql: `create table email_claims (
     inbox_id integer not null,
     message_id text not null,
     owner text not null,
     created_at integer not null,
     primary key (inbox_id, message_id)
   );`,
  },
];
