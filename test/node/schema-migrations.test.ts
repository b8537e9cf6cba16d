// Fails when src/db/schema.ts and the SQL in migrations/ disagree: run `npm run db:generate`.
import { readdir, readFile } from "node:fs/promises";
import { generateSQLiteDrizzleJson, generateSQLiteMigration } from "drizzle-kit/api";
import { expect, it } from "vitest";
import * as schema from "../../src/db/schema";

it("has a migration for every change to the drizzle schema", async () => {
  const meta = new URL("../../migrations/meta/", import.meta.url);
  const snapshots = (await readdir(meta)).filter((name) => name.endsWith("_snapshot.json")).sort();
  const latest = snapshots.at(-1);
  expect(latest, "no drizzle-kit snapshot in migrations/meta").toBeDefined();
  const previous = JSON.parse(await readFile(new URL(latest ?? "", meta), "utf8"));
  const current = await generateSQLiteDrizzleJson(schema);
  const pending = await generateSQLiteMigration(previous, current);
  expect(pending, "schema.ts changed without a migration: run `npm run db:generate`").toEqual([]);
});

it("lists every SQL file in the drizzle-kit journal", async () => {
  const dir = new URL("../../migrations/", import.meta.url);
  const sqlFiles = (await readdir(dir)).filter((name) => name.endsWith(".sql")).sort();
  const journal = JSON.parse(await readFile(new URL("meta/_journal.json", dir), "utf8")) as { entries: { tag: string }[] };
  expect(sqlFiles).toEqual(journal.entries.map((entry) => `${entry.tag}.sql`));
});
