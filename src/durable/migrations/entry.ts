/**
 * One entry of a Durable Object's SQLite schema (the lists beside this file): its version is its
 * place in the object's list, counted from 1, and `name` says what it adds.
 */
export type SqliteMigration = { version: number; name: string; sql: string };
