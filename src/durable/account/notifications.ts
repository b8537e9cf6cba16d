/**
 * The Account object's notifications for its users (SQLite in the object): a bounded history per
 * user, and each user's notification settings.
 */
import { DEFAULT_NOTIFICATION_FLAGS, EMAIL_FLAGS, type NotificationFlags, type NotificationType, PUSH_FLAGS } from "../../domain/notifications";

export type NotificationSettingsRecord = { id: number; userId: number; flags: NotificationFlags };

/** How many notifications each user keeps; older ones are deleted as new ones arrive. */
export const NOTIFICATIONS_KEPT_PER_USER = 1000;

type NotificationRow = {
  id: number;
  user_id: number;
  notification_type: string;
  display_id: number;
  title: string;
  key: string | null;
  read_at: number | null;
  created_at: number;
};

export type NotificationRecord = {
  id: number;
  userId: number;
  notificationType: NotificationType;
  displayId: number;
  title: string;
  /** Unix seconds, or null while unread. */
  readAt: number | null;
  createdAt: number;
};

const toRecord = (row: NotificationRow): NotificationRecord => ({
  id: row.id,
  userId: row.user_id,
  notificationType: row.notification_type as NotificationType,
  displayId: row.display_id,
  title: row.title,
  readAt: row.read_at,
  createdAt: row.created_at,
});

export class NotificationStore {
  constructor(private readonly sql: SqlStorage) {}

  /**
   * Stores one notification per user; a user who already has one with this `key` gets nothing new.
   * Returns the notifications created. Each user's history is then cut to the newest ones kept.
   */
  create(
    userIds: number[],
    input: {
      key: string | null;
      notificationType: NotificationType;
      displayId: number;
      title: string;
      createdAt: number;
      /** The user's older notifications of this type about this conversation go: one per conversation. */
      replacesOlder?: boolean;
    },
  ): NotificationRecord[] {
    const created: NotificationRecord[] = [];
    for (const userId of userIds) {
      const row = this.sql
        .exec<NotificationRow>(
          `insert or ignore into notifications (user_id, notification_type, display_id, title, key, created_at)
           values (?, ?, ?, ?, ?, ?) returning *`,
          userId,
          input.notificationType,
          input.displayId,
          input.title,
          input.key,
          input.createdAt,
        )
        .toArray()[0];
      if (!row) continue;
      created.push(toRecord(row));
      if (input.replacesOlder) {
        this.sql.exec(
          "delete from notifications where user_id = ? and notification_type = ? and display_id = ? and id < ?",
          userId,
          input.notificationType,
          input.displayId,
          row.id,
        );
      }
      this.sql.exec(
        `delete from notifications where user_id = ? and id <= coalesce(
           (select id from notifications where user_id = ? order by id desc limit 1 offset ?), 0)`,
        userId,
        userId,
        NOTIFICATIONS_KEPT_PER_USER,
      );
    }
    return created;
  }

  /** A page of the user's notifications, newest first, with the totals Chatwoot's list shows. */
  page(userId: number, page: number, perPage: number) {
    const records = this.sql
      .exec<NotificationRow>("select * from notifications where user_id = ? order by id desc limit ? offset ?", userId, perPage, (page - 1) * perPage)
      .toArray()
      .map(toRecord);
    const { count, unread } = this.sql
      .exec<{ count: number; unread: number }>(
        "select count(*) as count, coalesce(sum(read_at is null), 0) as unread from notifications where user_id = ?",
        userId,
      )
      .one();
    return { records, count, unreadCount: unread };
  }

  unreadCount(userId: number): number {
    return this.sql.exec<{ unread: number }>("select count(*) as unread from notifications where user_id = ? and read_at is null", userId).one().unread;
  }

  /** Marks every unread notification of the user read (only those about one conversation when `displayId` is set). */
  markAllRead(userId: number, displayId: number | null, at: number): number {
    return this.sql.exec(
      `update notifications set read_at = ? where user_id = ? and read_at is null ${displayId === null ? "" : "and display_id = ?"}`,
      ...(displayId === null ? [at, userId] : [at, userId, displayId]),
    ).rowsWritten;
  }

  /** Marks one of the user's notifications read (`at`) or unread (null); null when the user has no such notification. */
  setReadAt(userId: number, id: number, at: number | null): NotificationRecord | null {
    const row = this.sql
      .exec<NotificationRow>(
        // Marking read again keeps the first read time.
        "update notifications set read_at = case when ? is null then null else coalesce(read_at, ?) end where id = ? and user_id = ? returning *",
        at,
        at,
        id,
        userId,
      )
      .toArray()[0];
    return row ? toRecord(row) : null;
  }

  delete(userId: number, id: number): boolean {
    return this.sql.exec("delete from notifications where id = ? and user_id = ?", id, userId).rowsWritten > 0;
  }

  // ---- settings -------------------------------------------------------------------------------

  /** The user's settings; a user who never saved any gets the defaults, stored now so they have an id. */
  settings(userId: number): NotificationSettingsRecord {
    const existing = this.sql.exec<SettingsRow>("select * from notification_settings where user_id = ?", userId).toArray()[0];
    if (existing) return toSettings(existing);
    return this.saveSettings(userId, DEFAULT_NOTIFICATION_FLAGS, 0);
  }

  saveSettings(userId: number, flags: NotificationFlags, at: number): NotificationSettingsRecord {
    const row = this.sql
      .exec<SettingsRow>(
        `insert into notification_settings (user_id, email_flags, push_flags, updated_at) values (?, ?, ?, ?)
         on conflict (user_id) do update set email_flags = excluded.email_flags, push_flags = excluded.push_flags, updated_at = excluded.updated_at
         returning *`,
        userId,
        JSON.stringify(flags.email),
        JSON.stringify(flags.push),
        at,
      )
      .one();
    return toSettings(row);
  }

  /** The flags of each given user (the defaults for those who never saved any), without storing anything. */
  flagsOf(userIds: readonly number[]): Map<number, NotificationFlags> {
    const flags = new Map(userIds.map((userId) => [userId, DEFAULT_NOTIFICATION_FLAGS]));
    if (userIds.length === 0) return flags;
    const rows = this.sql
      .exec<SettingsRow>("select * from notification_settings where user_id in (select value from json_each(?))", JSON.stringify(userIds))
      .toArray();
    for (const row of rows) flags.set(row.user_id, toSettings(row).flags);
    return flags;
  }

  /** Users who saved settings that include either flag of the type (an opt-in type has no default subscribers). */
  usersWithFlag(type: NotificationType): number[] {
    return this.sql
      .exec<{ user_id: number }>(
        `select user_id from notification_settings
         where exists (select 1 from json_each(email_flags) where value = ?) or exists (select 1 from json_each(push_flags) where value = ?)`,
        `email_${type}`,
        `push_${type}`,
      )
      .toArray()
      .map((row) => row.user_id);
  }
}

type SettingsRow = { id: number; user_id: number; email_flags: string; push_flags: string; updated_at: number };

/** Stored flags, keeping only those that still exist, in the canonical order. */
function toSettings(row: SettingsRow): NotificationSettingsRecord {
  const email = new Set(JSON.parse(row.email_flags) as string[]);
  const push = new Set(JSON.parse(row.push_flags) as string[]);
  return {
    id: row.id,
    userId: row.user_id,
    flags: { email: EMAIL_FLAGS.filter((flag) => email.has(flag)), push: PUSH_FLAGS.filter((flag) => push.has(flag)) },
  };
}
