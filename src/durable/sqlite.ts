import type { SqliteMigration } from "./migrations/entry";

/**
 * Versioned schema for a Durable Object's SQLite storage: each entry of the object's numbered list
 * runs once, in order, and its version is recorded in `_schema_migrations`.
 */
export function migrateSqlite(sql: SqlStorage, migrations: readonly SqliteMigration[]): void {
  sql.exec("create table if not exists _schema_migrations (version integer primary key)");
  const applied = sql.exec<{ version: number }>("select coalesce(max(version), 0) as version from _schema_migrations").one().version;
  for (const [index, migration] of migrations.entries()) {
    if (migration.version !== index + 1) throw new Error(`migration "${migration.name}" is numbered ${migration.version} at place ${index + 1}`);
    if (migration.version <= applied) continue;
    sql.exec(migration.sql);
    sql.exec("insert into _schema_migrations (version) values (?)", migration.version);
  }
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export const parseJson = <T>(text: string | null | undefined, fallback: T): T => {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};
