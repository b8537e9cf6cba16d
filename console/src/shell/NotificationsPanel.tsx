/** The notifications list: newest first, pages on demand, mark one or all read, open the conversation. */
import { useEffect, useState } from "preact/hooks";
import { Dialog } from "../components/Dialog";
import { formatDateTime, formatShortTime, t } from "../core/i18n";
import { Icon } from "../core/icons";
import { navigate } from "../core/router";
import { contactName } from "../core/names";
import { accountId, conversationsPath } from "../core/session";
import { inboxName } from "../stores/lookups";
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

const EXCERPT = 140;
const excerpt = (text: string | null | undefined) => {
  const flat = (text ?? "").replace(/\s+/g, " ").trim();
  return flat.length > EXCERPT ? `${flat.slice(0, EXCERPT - 1)}…` : flat;
};

/**
 * A notification in one plain sentence built from its type, its conversation and the message's text.
 * The text (and who mentioned) comes from the stored push title (src/domain/notifications.ts,
 * "[New message] - #5 text", "[Mentioned] - Ada mentioned you in #5: text"), which is the only place
 * that keeps the message the notification was about; a title of another shape is shown without its
 * bracketed prefix.
 */
export function notificationText(item: NotificationItem): string {
  const id = item.primary_actor_id;
  const title = item.push_message_title ?? "";
  const bare = title.replace(/^\[[^\]]*\]\s*-\s*/, "");
  const key = `shell.notificationsPanel.types.${item.notification_type}`;
  switch (item.notification_type) {
    case "conversation_creation": {
      const inbox = (item.primary_actor?.inbox_id !== undefined ? inboxName(item.primary_actor.inbox_id) : null) ?? / in (.+)$/.exec(bare)?.[1];
      return inbox ? t(`${key}_in`, { id, inbox }) : t(key, { id });
    }
    case "assigned_conversation_new_message": {
      const text = excerpt(/^#\d+\s*([\s\S]*)$/.exec(bare)?.[1] ?? item.primary_actor?.messages?.[0]?.content);
      return text ? t(`${key}_text`, { id, text }) : t(key, { id });
    }
    case "conversation_mention": {
      const found = /^([\s\S]+?) mentioned you in #\d+:?\s*([\s\S]*)$/.exec(bare);
      const name = found?.[1] ?? t("shell.notificationsPanel.someone");
      const text = excerpt(found?.[2]);
      return text ? t(`${key}_text`, { id, name, text }) : t(key, { id, name });
    }
    case "conversation_assignment":
    case "conversation_notify":
    case "sla_missed_first_response":
    case "sla_missed_next_response":
    case "sla_missed_resolution":
      return t(key, { id });
    default:
      return bare || t("shell.notificationsPanel.types.conversation_notify", { id });
  }
}

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
          const sender = item.primary_actor?.meta?.sender;
          const text = notificationText(item);
          return (
            <li key={item.id} class={item.read_at ? "notification" : "notification notification-unread"}>
              <button type="button" class="notification-open" onClick={() => open(item)}>
                <span class="notification-title">
                  {!item.read_at && <span class="visually-hidden">{t("shell.notificationsPanel.unreadMark")} </span>}
                  {text}
                </span>
                <span class="notification-meta">
                  {sender ? `${contactName(sender)} · ` : ""}
                  <time dateTime={new Date(item.created_at * 1000).toISOString()} title={formatDateTime(item.created_at)}>
                    {formatShortTime(item.created_at)}
                  </time>
                </span>
              </button>
              {!item.read_at && (
                <button
                  type="button"
                  class="icon-button"
                  aria-label={t("shell.notificationsPanel.markRead", { title: text })}
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
      {notificationsLoading.value && (
        <p class="muted" aria-busy="true">
          {t("common.loading")}
        </p>
      )}
      {!notificationsLoading.value && items.length < notificationsTotal.value && (
        <button type="button" class="button button-block" onClick={() => void loadNotifications(false)}>
          {t("shell.notificationsPanel.more")}
        </button>
      )}
    </Dialog>
  );
}
