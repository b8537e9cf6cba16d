/**
 * My notifications in the current account: the unread count for the bell, pages of the list, mark
 * read (one or all). Fed by `notification.created` (and updated/deleted) over /cable.
 */
import { signal } from "@preact/signals";
import { accountPath, api } from "../core/api";
import { onCableEvent } from "../core/cable";

export type NotificationItem = {
  id: number;
  notification_type: string;
  push_message_title: string;
  primary_actor_type: string;
  primary_actor_id: number;
  primary_actor: {
    id: number;
    inbox_id?: number;
    meta?: { sender?: { name?: string | null; email?: string | null; phone_number?: string | null } };
    messages?: { content?: string | null }[];
  } | null;
  read_at: string | null;
  created_at: number;
};

type Page = { data: { meta: { unread_count: number; count: number; current_page: number }; payload: NotificationItem[] } };

export const unreadCount = signal(0);
export const notifications = signal<NotificationItem[]>([]);
export const notificationsTotal = signal(0);
export const notificationsLoading = signal(false);
export const notificationsError = signal<string | null>(null);
let page = 0;

export async function refreshUnreadCount() {
  try {
    const count = await api.get<number>(accountPath("/notifications/unread_count"));
    unreadCount.value = typeof count === "number" ? count : 0;
  } catch {
    /* the bell keeps its last number; the list shows errors when opened */
  }
}

export async function loadNotifications(reset: boolean) {
  if (notificationsLoading.value) return;
  notificationsLoading.value = true;
  notificationsError.value = null;
  try {
    const next = reset ? 1 : page + 1;
    const answer = await api.get<Page>(accountPath("/notifications"), { page: next });
    page = next;
    const incoming = answer.data.payload;
    notifications.value = reset ? incoming : [...notifications.value, ...incoming.filter((n) => !notifications.value.some((o) => o.id === n.id))];
    notificationsTotal.value = answer.data.meta.count;
    unreadCount.value = answer.data.meta.unread_count;
  } catch (error) {
    notificationsError.value = error instanceof Error ? error.message : String(error);
  } finally {
    notificationsLoading.value = false;
  }
}

export async function markRead(item: NotificationItem) {
  if (item.read_at) return;
  await api.patch(accountPath(`/notifications/${item.id}`), {});
  notifications.value = notifications.value.map((n) => (n.id === item.id ? { ...n, read_at: new Date().toISOString() } : n));
  unreadCount.value = Math.max(0, unreadCount.value - 1);
}

export async function markAllRead() {
  await api.post(accountPath("/notifications/read_all"), {});
  const now = new Date().toISOString();
  notifications.value = notifications.value.map((n) => (n.read_at ? n : { ...n, read_at: now }));
  unreadCount.value = 0;
}

export function resetNotifications() {
  notifications.value = [];
  notificationsTotal.value = 0;
  unreadCount.value = 0;
  page = 0;
}

/** Keeps the count and a loaded list current from /cable; returns the stop function. */
export function startNotifications(): () => void {
  void refreshUnreadCount();
  return onCableEvent((event, data) => {
    if (event === "notification.created") {
      const item = (data as { notification?: NotificationItem } | null)?.notification ?? (data as NotificationItem | null);
      if (item && typeof item.id === "number" && !notifications.value.some((n) => n.id === item.id)) {
        if (page > 0) notifications.value = [item, ...notifications.value];
        notificationsTotal.value += 1;
      }
      void refreshUnreadCount();
    } else if (event === "notification.deleted" || event === "notification.updated" || event === "cable.subscribed") {
      void refreshUnreadCount();
      if (event !== "notification.updated" && page > 0) void loadNotifications(true);
    }
  });
}
