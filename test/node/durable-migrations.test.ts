// Pins each Durable Object's schema list (src/durable/migrations/): a deployed object has run the
// entries it knows and only runs those after them, so an entry edited, removed or inserted in the
// middle would never reach it. Each entry's fingerprint is its version and the SHA-256 of its SQL.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ACCOUNT_MIGRATIONS } from "../../src/durable/migrations/account";
import { CONVERSATION_MIGRATIONS } from "../../src/durable/migrations/conversation";
import { RATE_COUNTER_MIGRATIONS } from "../../src/durable/migrations/rate-counter";
import type { SqliteMigration } from "../../src/durable/migrations/entry";

/** Append only, as the lists themselves: a new entry's fingerprint goes at the end of its object's list. */
const PINNED: Record<string, { migrations: readonly SqliteMigration[]; fingerprints: readonly string[] }> = {
  ACCOUNT_MIGRATIONS: {
    migrations: ACCOUNT_MIGRATIONS,
    fingerprints: [
      "1:73f8241ea8acdc71",
      "2:3a359e7fda5b5bb5",
      "3:dbd3e71a0a9101cb",
      "4:b9ce3d98a4f786bf",
      "5:6eb6ca1f83fdf76d",
      "6:ff2f4d1f97eccd7b",
      "7:e1319442633f7b33",
      "8:31fbd53233bfe217",
      "9:e778c411580288e6",
      "10:d247b3fdeeefe2c1",
      "11:076363fe8e21c7c7",
      "12:b1e17c7a2770c191",
      "13:7049c44ad2fe368c",
    ],
  },
  CONVERSATION_MIGRATIONS: {
    migrations: CONVERSATION_MIGRATIONS,
    fingerprints: ["1:ed06d19b164c796b", "2:9435d09ec5fe54b9", "3:723a104bbeaa7822", "4:575660d5b524d39e"],
  },
  RATE_COUNTER_MIGRATIONS: {
    migrations: RATE_COUNTER_MIGRATIONS,
    fingerprints: ["1:c0eee1c9a8baf9ba"],
  },
};

const fingerprint = (migration: SqliteMigration) => `${migration.version}:${createHash("sha256").update(migration.sql).digest("hex").slice(0, 16)}`;

describe.each(Object.entries(PINNED))("%s", (listName, { migrations, fingerprints }) => {
  it("numbers its entries 1, 2, 3… in the order they run", () => {
    expect(migrations.map((migration) => migration.version)).toEqual(migrations.map((_, index) => index + 1));
  });

  it("keeps every pinned entry as it was: entries are only ever appended", () => {
    expect(migrations.length, `${listName} lost entries: a deployed object has run them, put them back`).toBeGreaterThanOrEqual(fingerprints.length);
    for (const [index, pinned] of fingerprints.entries()) {
      const migration = migrations[index];
      expect(
        migration && fingerprint(migration),
        `${listName} entry ${index + 1} ("${migration?.name}") is not the one deployed objects ran: an entry was edited or ` +
          "inserted before it. Restore it and add the change as a new entry at the end of the list.",
      ).toBe(pinned);
    }
  });

  it("has a pinned fingerprint for every entry", () => {
    const appended = migrations.slice(fingerprints.length).map(fingerprint);
    expect(
      appended,
      `${listName} has new entries at its end. If they were appended (not edited in), append their fingerprints to ` +
        `PINNED.${listName}.fingerprints in test/node/durable-migrations.test.ts: ${appended.map((entry) => JSON.stringify(entry)).join(", ")}`,
    ).toEqual([]);
  });
});
