/**
 * The account's notifications for its users: storing those an event or a job calls for (for the
 * users who see the conversation and keep that type on), sending notification.created to their
 * sockets once stored, handing pushes and emails to the queue, and the users' lists and settings.
 */
import type { ConversationState } from "../../domain/conversation";
import type { WantedNotification } from "../../domain/listeners";
import {
  type Candidate,
  type NotificationFlags,
  type NotificationRecipients,
  type NotificationType,
  notificationRecipients,
  notificationTitle,
  subscribesTo,
} from "../../domain/notifications";
import { enqueueJobs } from "../../jobs/messages";
import type { Viewer } from "../access";
import { nowSeconds } from "../sqlite";
import type { ConversationIndex } from "./conversation-index";
import { ExpiringLookup } from "./expiring-lookup";
import { sendToUsers } from "./fan-out";
import { type MemberAccess, readMemberAccess } from "./member-access";
import { notificationDeliveryJob } from "./notification-delivery";
import type { NotificationRecord, NotificationSettingsRecord, NotificationStore } from "./notifications";
import type { AccountPayloads } from "./payloads";
import type { Presence } from "./presence";

const ACCESS_CACHE_SECONDS = 30;

/** A notification an applied event calls for, with the users it names. */
export type EventNotification = { state: ConversationState; notification: WantedNotification; userIds: number[] };

export class Notifier {
  /** Role and inbox memberships of account users, as notifications weigh them. */
  private readonly access = new ExpiringLookup<MemberAccess>(ACCESS_CACHE_SECONDS, async (ids) => readMemberAccess(this.env.DB, this.accountId(), ids));

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Env,
    private readonly accountId: () => number,
    private readonly store: NotificationStore,
    private readonly index: ConversationIndex,
    private readonly payloads: AccountPayloads,
    private readonly presence: Presence,
    /** Whether the viewer sees the conversation now (a notification about one they no longer see shows no conversation). */
    private readonly sees: (displayId: number, viewer: Viewer) => boolean,
  ) {}

  /** Who sees what changed: memberships are read again. */
  forgetAccess() {
    this.access.clear();
  }

  /**
   * The users a wanted notification names: its own, or for an opt-in type only those who chose it
   * (usually nobody), so that nobody else is weighed at all.
   */
  namedUsers(notification: WantedNotification): number[] {
    return notification.userIds === "opted_in" ? this.store.usersWithFlag(notification.type) : notification.userIds;
  }

  /**
   * Stores the notifications applied events call for (src/domain/listeners.ts) for the users who see
   * the conversation and keep that type on, and returns what sends their notification.created frames
   * (and hands pushes and emails to the queue) once the writes are durable.
   */
  async storeForEvents(named: EventNotification[]): Promise<() => void> {
    const access = await this.access.getMany(
      named.flatMap(({ userIds }) => userIds),
      nowSeconds(),
    );
    const inboxes = await this.payloads.channels();
    const created: NotificationRecord[] = [];
    for (const { state, notification, userIds } of named) {
      const { type, key, content, replacesOlder } = notification;
      const candidates = userIds.flatMap((userId): Candidate[] => {
        const member = access.get(userId);
        if (!member) return [];
        const seesConversation = member.role === "administrator" || member.inboxIds.includes(state.inboxId);
        return [{ userId, role: member.role, seesConversation, inTargetInbox: false }];
      });
      const recipients = this.subscribed(notificationRecipients({ userIds }, candidates), type);
      const title = notificationTitle(type, { displayId: state.displayId, inboxName: inboxes.get(state.inboxId)?.name, content });
      created.push(
        ...this.store.create(recipients, { key, notificationType: type, displayId: state.displayId, title, createdAt: nowSeconds(), replacesOlder }),
      );
    }
    const frames = await this.frames(created);
    return () => {
      sendToUsers(this.presence.registry(), frames);
      this.deliver(created);
    };
  }

  /**
   * Stores a notification about a conversation for each user `to` names who can see it (one user,
   * several, the agents of one inbox and the administrators, or everyone), then sends each of them
   * notification.created. A repeated `key` stores and sends nothing for users who already have it.
   * Returns how many notifications were stored.
   */
  async notify(input: { key?: string; displayId: number; notificationType: NotificationType; title: string; to: NotificationRecipients }): Promise<number> {
    const row = this.index.get(input.displayId);
    if (!row) return 0;
    const userIds = this.subscribed(notificationRecipients(input.to, await this.candidates(row.state.inboxId, input.to)), input.notificationType);
    if (userIds.length === 0) return 0;
    const created = this.ctx.storage.transactionSync(() =>
      this.store.create(userIds, {
        key: input.key ?? null,
        notificationType: input.notificationType,
        displayId: input.displayId,
        title: input.title,
        createdAt: nowSeconds(),
      }),
    );
    if (created.length === 0) return 0;
    const frames = await this.frames(created);
    await this.ctx.storage.sync();
    sendToUsers(this.presence.registry(), frames);
    this.deliver(created);
    return created.length;
  }

  /** The users among `userIds` whose settings keep notifications of this type. */
  private subscribed(userIds: number[], type: NotificationType): number[] {
    const flags = this.store.flagsOf(userIds);
    return userIds.filter((userId) => subscribesTo(flags.get(userId) as NotificationFlags, type));
  }

  /** Each recipient's notification.created frames, with the conversation as it is now. */
  private async frames(records: NotificationRecord[]): Promise<Map<number, string[]>> {
    const frames = new Map<number, string[]>();
    if (records.length === 0) return frames;
    const rows = [...new Set(records.map((record) => record.displayId))].flatMap((displayId) => this.index.get(displayId) ?? []);
    const conversations = new Map((await this.payloads.conversations(rows)).map((payload) => [payload.id, payload]));
    for (const record of records) {
      const frame = JSON.stringify({ event: "notification.created", data: this.payloads.notification(record, conversations.get(record.displayId) ?? null) });
      frames.set(record.userId, [...(frames.get(record.userId) ?? []), frame]);
    }
    return frames;
  }

  /** Pushes and emails the stored notifications call for (notification-delivery.ts). */
  private deliver(records: NotificationRecord[]) {
    if (records.length === 0) return;
    const connected = new Set(
      this.presence
        .registry()
        .openUsers()
        .map(({ subscriber }) => subscriber.userId),
    );
    const flags = this.store.flagsOf([...new Set(records.map((record) => record.userId))]);
    const job = notificationDeliveryJob(this.accountId(), records, flags, connected);
    if (job) this.ctx.waitUntil(enqueueJobs(this.env.JOBS, [job]));
  }

  /** The account's users who might receive a notification, with what decides whether they see the conversation. */
  private async candidates(conversationInboxId: number, to: NotificationRecipients): Promise<Candidate[]> {
    const named = to === "everyone" || "inboxId" in to ? null : JSON.stringify("userId" in to ? [to.userId] : to.userIds);
    const targetInboxId = typeof to === "object" && "inboxId" in to ? to.inboxId : null;
    const rows = await this.env.DB.prepare(
      `select au.user_id, au.role,
         exists(select 1 from inbox_members im where im.inbox_id = ? and im.user_id = au.user_id) as sees,
         exists(select 1 from inbox_members im where im.inbox_id = ? and im.user_id = au.user_id) as in_target
       from account_users au
       where au.account_id = ? and (? is null or au.user_id in (select value from json_each(?)))`,
    )
      .bind(conversationInboxId, targetInboxId, this.accountId(), named, named)
      .all<{ user_id: number; role: "administrator" | "agent"; sees: number; in_target: number }>();
    return rows.results.map((r) => ({ userId: r.user_id, role: r.role, seesConversation: r.sees === 1, inTargetInbox: r.in_target === 1 }));
  }

  private async payloadsFor(records: NotificationRecord[], viewer: Viewer & { kind: "user" }) {
    const rows = [...new Set(records.map((record) => record.displayId))].flatMap((displayId) =>
      this.sees(displayId, viewer) ? (this.index.get(displayId) ?? []) : [],
    );
    const payloads = await this.payloads.conversations(rows);
    const byDisplayId = new Map(payloads.map((payload) => [payload.id, payload]));
    return records.map((record) => this.payloads.notification(record, byDisplayId.get(record.displayId) ?? null));
  }

  /** A page of the viewer's notifications, newest first, with Chatwoot's counts. */
  async list(viewer: Viewer & { kind: "user" }, page: number, perPage: number) {
    const { records, count, unreadCount } = this.store.page(viewer.userId, page, perPage);
    return { count, unreadCount, payload: await this.payloadsFor(records, viewer) };
  }

  unreadCount(userId: number): number {
    return this.store.unreadCount(userId);
  }

  /** Marks the user's notifications read: all of them, or those about one conversation. */
  readAll(userId: number, displayId: number | null): number {
    return this.store.markAllRead(userId, displayId, nowSeconds());
  }

  /** Marks one of the viewer's notifications read or unread; null when it is not theirs. */
  async mark(viewer: Viewer & { kind: "user" }, id: number, read: boolean) {
    const record = this.store.setReadAt(viewer.userId, id, read ? nowSeconds() : null);
    if (!record) return null;
    const [payload] = await this.payloadsFor([record], viewer);
    return payload ?? null;
  }

  delete(userId: number, id: number): boolean {
    return this.store.delete(userId, id);
  }

  /** The user's notification settings in this account (Chatwoot's defaults until they save some). */
  settings(userId: number): NotificationSettingsRecord {
    return this.store.settings(userId);
  }

  /** Replaces the email flags, the push flags, or both; the other kind stays as it was. */
  updateSettings(userId: number, change: Partial<NotificationFlags>): NotificationSettingsRecord {
    return this.ctx.storage.transactionSync(() => {
      const { flags } = this.store.settings(userId);
      return this.store.saveSettings(userId, { email: change.email ?? flags.email, push: change.push ?? flags.push }, nowSeconds());
    });
  }
}
