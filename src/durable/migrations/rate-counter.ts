/**
 * The RateCounter object's SQLite schema, one numbered list: each entry runs once, in order. Entries
 * are never edited, removed or reordered; a change of schema is a new entry at the end, and
 * test/node/durable-migrations.test.ts then asks for its fingerprint.
 */
import type { SqliteMigration } from "./entry";

export const RATE_COUNTER_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: "rate windows",
    sql: `create table windows (
     key text primary key,
     started_at integer not null,
     ends_at integer not null,
     hits integer not null
   );
   create index windows_ends_at on windows(ends_at);`,
  },
];
