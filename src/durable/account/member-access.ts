/**
 * What an account user may see now, as the Account object's fan-out and notifications weigh it: their
 * role and the inboxes they are members of, read from D1. Administrators see every inbox, agents the
 * inboxes they are members of, and every member sees the account's contacts (as in Chatwoot). Team
 * membership decides nothing here: teams route work, inbox membership decides who sees it.
 */

export type MemberRole = "administrator" | "agent";

/** A member's access; a user a read leaves out is no longer a member of the account. */
export type MemberAccess = { role: MemberRole; inboxIds: number[] };

/** The current access of the account's members among `userIds`, in one query; non-members are left out. */
export async function readMemberAccess(db: D1Database, accountId: number, userIds: readonly number[]): Promise<Map<number, MemberAccess>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .prepare(
      `select au.user_id, au.role,
         (select json_group_array(im.inbox_id) from inbox_members im join inboxes i on i.id = im.inbox_id
          where im.user_id = au.user_id and i.account_id = au.account_id) as inbox_ids
       from account_users au
       where au.account_id = ? and au.user_id in (select value from json_each(?))`,
    )
    .bind(accountId, JSON.stringify([...new Set(userIds)]))
    .all<{ user_id: number; role: MemberRole; inbox_ids: string }>();
  return new Map(rows.results.map((row) => [row.user_id, { role: row.role, inboxIds: JSON.parse(row.inbox_ids) as number[] }]));
}

/**
 * Which of `sessionIds` act in the account now (`user_sessions.acting_account_id`): live sessions of
 * agency users (an agency role) whose agency owns the account. Such a session sees the account as an
 * administrator without being a member. Returns session id → user id; ended or switched sessions are left out.
 */
export async function readActingSessions(db: D1Database, accountId: number, sessionIds: readonly number[]): Promise<Map<number, number>> {
  if (sessionIds.length === 0) return new Map();
  const rows = await db
    .prepare(
      `select s.id, s.user_id from user_sessions s
       join users u on u.id = s.user_id
       join accounts a on a.id = s.acting_account_id
       where s.acting_account_id = ? and s.id in (select value from json_each(?))
         and s.expires_at > ? and u.agency_role is not null and a.agency_id = u.agency_id`,
    )
    .bind(accountId, JSON.stringify([...new Set(sessionIds)]), Math.floor(Date.now() / 1000))
    .all<{ id: number; user_id: number }>();
  return new Map(rows.results.map((row) => [row.id, row.user_id]));
}

/** The inboxes a member sees, as a `Viewer` holds them: null for every inbox (administrators). */
export function visibleInboxIds(access: MemberAccess): number[] | null {
  return access.role === "administrator" ? null : [...access.inboxIds].sort((a, b) => a - b);
}

/**
 * Reads of something a change makes stale at once (here: the access of connected users). Whoever
 * makes such a change announces it (`announce`); a read that began before the latest announcement is
 * not trusted and is made again, so what is applied is never older than the last announced change.
 * Callers share the read in flight. Reads also expire after `ttlSeconds`, and are stale after a wake
 * of the object, a safety net for a change whose announcement was lost.
 */
export class AnnouncedChanges {
  private generation = 0;
  private appliedGeneration = -1;
  private appliedAt = Number.NEGATIVE_INFINITY;
  private inFlight: { generation: number; done: Promise<void> } | null = null;

  constructor(private readonly ttlSeconds: number) {}

  /** A change was made: what was read before it is stale. */
  announce() {
    this.generation++;
  }

  isStale(now: number): boolean {
    return this.appliedGeneration !== this.generation || now - this.appliedAt > this.ttlSeconds;
  }

  /** `read()`'s answer, read again for as long as a change was announced while it was being read. */
  async readUnchanged<T>(read: () => Promise<T>): Promise<T> {
    for (;;) {
      const generation = this.generation;
      const value = await read();
      if (generation === this.generation) return value;
    }
  }

  /**
   * Reads with `read` (whose answer is what applies it) and applies the answer, unless a read begun
   * after the latest announcement is already under way: then waits for that one.
   */
  refresh(read: () => Promise<() => void>, now: () => number): Promise<void> {
    if (this.inFlight && this.inFlight.generation === this.generation) return this.inFlight.done;
    const done = (async () => {
      for (;;) {
        const generation = this.generation;
        const apply = await read();
        if (generation !== this.generation) continue;
        apply();
        this.appliedGeneration = generation;
        this.appliedAt = now();
        return;
      }
    })().finally(() => {
      if (this.inFlight?.done === done) this.inFlight = null;
    });
    this.inFlight = { generation: this.generation, done };
    return done;
  }
}
