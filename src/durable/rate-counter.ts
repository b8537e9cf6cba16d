/**
 * RateCounter Durable Object: counts hits per key over windows longer than the rate limiting
 * binding knows (it only counts 10 s and 60 s). One object per limit and key shard
 * (`<limit>:<shard>`), so no single object holds every address. A key's window starts at its first
 * hit and lasts `periodSeconds`; an alarm forgets windows that are over.
 */
import { DurableObject } from "cloudflare:workers";
import { RATE_COUNTER_MIGRATIONS } from "./migrations/rate-counter";
import { migrateSqlite, nowSeconds } from "./sqlite";

/** How many objects share one limit's keys. */
const SHARDS = 32;

/** A hit's outcome: whether it fits in the window, and when the window ends (epoch seconds). */
export type CounterOutcome = { allowed: boolean; hits: number; endsAt: number };

export class RateCounter extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrateSqlite(ctx.storage.sql, RATE_COUNTER_MIGRATIONS);
  }

  /** Counts one hit for `key`, unless its window is already full (refused hits are not counted). */
  async hit(key: string, limit: number, periodSeconds: number): Promise<CounterOutcome> {
    const now = nowSeconds();
    const sql = this.ctx.storage.sql;
    const current = sql.exec<{ hits: number; ends_at: number }>("select hits, ends_at from windows where key = ? and ends_at > ?", key, now).toArray()[0];
    if (current && current.hits >= limit) return { allowed: false, hits: current.hits, endsAt: current.ends_at };
    const endsAt = current ? current.ends_at : now + periodSeconds;
    const hits = (current?.hits ?? 0) + 1;
    if (current) sql.exec("update windows set hits = ? where key = ?", hits, key);
    else sql.exec("insert or replace into windows (key, started_at, ends_at, hits) values (?, ?, ?, ?)", key, now, endsAt, hits);
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(endsAt * 1000);
    return { allowed: true, hits, endsAt };
  }

  /** Forgets the windows that are over, and wakes again when the next one ends. */
  override async alarm(): Promise<void> {
    const sql = this.ctx.storage.sql;
    sql.exec("delete from windows where ends_at <= ?", nowSeconds());
    const next = sql.exec<{ ends_at: number | null }>("select min(ends_at) as ends_at from windows").one().ends_at;
    if (next !== null) await this.ctx.storage.setAlarm(next * 1000);
  }
}

/** A short, stable shard number for a key (FNV-1a). */
function shardOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % SHARDS;
}

/** The name of the counter object that holds `key` of the limit `limitName`. */
export const counterName = (limitName: string, key: string) => `${limitName}:${shardOf(key)}`;
