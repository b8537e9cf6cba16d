/** Versioned schema for a Durable Object's SQLite storage: each entry runs once, in order. */
export function migrateSqlite(sql: SqlStorage, migrations: readonly string[]): void {
  sql.exec("create table if not exists _schema_migrations (version integer primary key)");
  const applied = sql.exec<{ version: number }>("select coalesce(max(version), 0) as version from _schema_migrations").one().version;
  for (let version = applied + 1; version <= migrations.length; version++) {
    sql.exec(migrations[version - 1] ?? "");
    sql.exec("insert into _schema_migrations (version) values (?)", version);
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
