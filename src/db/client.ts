/** Typed drizzle access to D1 for one request or job. */
import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

const connect = (d1: D1Database) => drizzle(d1, { schema });

export type Database = ReturnType<typeof connect>;

/**
 * Drizzle instances by binding. Building one walks the whole schema for its relations, which cost a
 * noticeable share of a small request's CPU; the instance holds nothing of a request, so one per
 * binding serves them all.
 */
const opened = new WeakMap<D1Database, Database>();

export function openDatabase(d1: D1Database): Database {
  let db = opened.get(d1);
  if (!db) {
    db = connect(d1);
    opened.set(d1, db);
  }
  return db;
}
