/** The notifications list: newest first, pages on demand, mark one or all read, open the conversation. */
import { useEffect, useState } from "preact/hooks";
import { Dialog } from "../components/Dialog";
import { formatDateTime, formatShortTime, t } from "../core/i18n";
import { Icon } from "../core/icons";
import { navigate } from "../core/router";
import { accountId, conversationsPath } from "../core/session";
import {
  loadNotifications,
  markAllRead,
  markRead,
  notifications,
  notificationsError,
  notificationsLoading,
  notificationsTotal,
  unreadCount,
  type NotificationItem,
} from "../stores/notifications";

export function NotificationsPanel({ onClose }: { onClose: () => void }) {
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void loadNotifications(true);
  }, []);
  const run = (action: Promise<unknown>) => action.catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));

  const open = (item: NotificationItem) => {
    void run(markRead(item));
    onClose();
    if (accountId.value !== null) navigate(`${conversationsPath(accountId.value)}/${item.primary_actor_id}`);
  };

  const items = notifications.value;
  const shownError = error ?? notificationsError.value;
  return (
    <Dialog title={t("shell.notificationsPanel.title")} onClose={onClose} class="dialog-side">
      <div class="notifications-toolbar">
        <span class="muted">{t("shell.notificationsPanel.unread", { count: unreadCount.value })}</span>
        <button type="button" class="button button-small" disabled={unreadCount.value === 0} onClick={() => void run(markAllRead())}>
          <Icon name="check" /> {t("shell.notificationsPanel.readAll")}
        </button>
      </div>
      {shownError && (
        <p class="notice notice-error" role="alert">
          {t("common.errors.generic", { message: shownError })}
        </p>
      )}
      {items.length === 0 && !notificationsLoading.value && !shownError && <p class="empty-note">{t("shell.notificationsPanel.empty")}</p>}
      <ul class="notifications-list">
        {items.map((item) => {
          const name = item.primary_actor?.meta?.sender?.name;
          return (
            <li key={item.id} class={item.read_at ? "notification" : "notification notification-unread"}>
              <button type="button" class="notification-open" onClick={() => open(item)}>
                <span class="notification-title">
                  {!item.read_at && <span class="visually-hidden">{t("shell.notificationsPanel.unreadMark")} </span>}
                  {item.push_message_title}
                </span>
                <span class="notification-meta">
                  {name ? `${name} · ` : ""}#{item.primary_actor_id} ·{" "}
                  <time dateTime={new Date(item.created_at * 1000).toISOString()} title={formatDateTime(item.created_at)}>
                    {formatShortTime(item.created_at)}
                  </time>
                </span>
              </button>
              {!item.read_at && (
                <button
                  type="button"
                  class="icon-button"
                  aria-label={t("shell.notificationsPanel.markRead", { title: item.push_message_title })}
                  title={t("shell.notificationsPanel.markReadShort")}
                  onClick={() => void run(markRead(item))}
                >
                  <Icon name="check" />
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {notificationsLoading.value && <p class="muted" aria-busy="true">{t("common.loading")}</p>}
      {!notificationsLoading.value && items.length < notificationsTotal.value && (
        <button type="button" class="button button-block" onClick={() => void loadNotifications(false)}>
          {t("shell.notificationsPanel.more")}
        </button>
      )}
    </Dialog>
  );
}
