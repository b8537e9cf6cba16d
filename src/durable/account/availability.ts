/**
 * The availability each user of the account chose (Chatwoot's online, busy or offline), in the
 * Account object's SQLite. Presence combines it with their sockets: a connected user shows what they
 * chose, everyone else is offline. Users who never chose are online while connected.
 */
import type { Availability } from "../../domain/chatwoot-payloads";

export const AVAILABILITIES = ["online", "busy", "offline"] as const satisfies readonly Availability[];

export class AvailabilityStore {
  /** Every user's choice, read once: a handful of rows per account, consulted on each presence change. */
  private chosenByUser: Map<number, Availability> | null = null;

  constructor(private readonly sql: SqlStorage) {}

  private all(): Map<number, Availability> {
    if (!this.chosenByUser) {
      const rows = this.sql.exec<{ user_id: number; availability: Availability }>("select user_id, availability from user_availability").toArray();
      this.chosenByUser = new Map(rows.map((row) => [row.user_id, row.availability]));
    }
    return this.chosenByUser;
  }

  /** What the user chose; online until they choose. */
  chosen(userId: number): Availability {
    return this.all().get(userId) ?? "online";
  }

  set(userId: number, availability: Availability, at: number) {
    this.sql.exec(
      `insert into user_availability (user_id, availability, updated_at) values (?, ?, ?)
       on conflict (user_id) do update set availability = excluded.availability, updated_at = excluded.updated_at`,
      userId,
      availability,
      at,
    );
    this.all().set(userId, availability);
  }

  /** Drops what this instance remembers about the stored rows (after a purge). */
  forget() {
    this.chosenByUser = null;
  }
}
