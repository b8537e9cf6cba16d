/**
 * The signed-in frame: the sidebar (navigation, notifications, my availability, account switcher,
 * profile, sign out), the offline banner, the shortcuts dialog, and the area of the route (the
 * inbox or the profile, each its own chunk; settings and the Agency View come later).
 */
import { useEffect, useState } from "preact/hooks";
import { Avatar } from "../components/Avatar";
import { Menu, type MenuItem } from "../components/Menu";
import { api } from "../core/api";
import { cableStatus, startCable, stopCable } from "../core/cable";
import { t } from "../core/i18n";
import { Icon } from "../core/icons";
import { lazyArea } from "../core/lazy";
import { Link, navigate, route } from "../core/router";
import { accountId, conversationsPath, currentAccount, displayName, endSession, onSessionEnd, profile, type Availability } from "../core/session";
import { setTheme, theme } from "../core/theme";
import { myAvailability, resetAvailability, setAvailability, startPresence } from "../stores/presence";
import { resetNotifications, startNotifications, unreadCount } from "../stores/notifications";
import { desktopAlerts, disableDesktopAlerts, enableDesktopAlerts, startAlerts } from "./alerts";
import { NotificationsPanel } from "./NotificationsPanel";
import { ShortcutsDialog } from "./ShortcutsDialog";
import { isTyping } from "./keys";

const InboxArea = lazyArea<object>(() => import("../inbox/InboxArea"), "InboxArea");
const ProfileArea = lazyArea<object>(() => import("../profile/ProfileArea"), "ProfileArea");
const SettingsArea = lazyArea<object>(() => import("../settings/SettingsArea"), "SettingsArea");

export function Shell() {
  const me = profile.value;
  const account = accountId.value;
  const [panel, setPanel] = useState<"notifications" | "shortcuts" | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  // One /cable connection for the user in the account in view.
  useEffect(() => {
    // An agency user who opened the sub-account subscribes too: /cable serves their session there as an administrator.
    if (!me || account === null) return;
    startCable({ pubsubToken: me.pubsub_token, accountId: account, userId: me.id });
    resetAvailability();
    resetNotifications();
    const stops = [startPresence(), startNotifications(), startAlerts((id) => navigate(`${conversationsPath(account)}/${id}`))];
    return () => stops.forEach((stop) => stop());
  }, [me?.id, me?.pubsub_token, account]);

  useEffect(() => onSessionEnd(stopCable), []);

  // The tab's title names the place and the unread notifications.
  const titleKey = route.value.name === "profile" ? "shell.profile" : "shell.conversations";
  const unreadTotal = unreadCount.value;
  useEffect(() => {
    const place = t(titleKey);
    document.title = unreadTotal > 0 ? `(${unreadTotal}) ${place} · ${t("common.appName")}` : `${place} · ${t("common.appName")}`;
  }, [titleKey, unreadTotal]);

  // Shell-level shortcuts: ? or Ctrl+/ for the list of shortcuts, Alt+C for conversations.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.key === "?" && !isTyping(event)) || ((event.ctrlKey || event.metaKey) && event.key === "/")) {
        event.preventDefault();
        setPanel("shortcuts");
      } else if (event.altKey && !event.ctrlKey && !event.metaKey && event.code === "KeyC" && account !== null) {
        event.preventDefault();
        navigate(conversationsPath(account));
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [account]);

  if (!me || account === null) return <div class="page-loading">{t("common.loading")}</div>;

  const signOut = async () => {
    try {
      await api.del("/auth/sign_out");
    } catch {
      /* the session is ended locally either way */
    }
    stopCable();
    endSession("signed_out");
  };

  const choose = (availability: Availability) =>
    setAvailability(availability).catch((error: unknown) => setActionError(error instanceof Error ? error.message : String(error)));

  const availabilityItems: MenuItem[] = (["online", "busy", "offline"] as const).map((value) => ({
    kind: "radio",
    label: t(`shell.availability.${value}`),
    icon: <span class={`status-dot status-${value}`} />,
    checked: myAvailability.value === value,
    onSelect: () => void choose(value),
  }));
  const accountItems: MenuItem[] =
    me.accounts.length > 1
      ? [
          { kind: "separator" },
          { kind: "heading", label: t("shell.switchAccount") },
          ...me.accounts.map<MenuItem>((a) => ({
            kind: "radio",
            label: a.name,
            checked: a.id === account,
            onSelect: () => navigate(conversationsPath(a.id)),
          })),
        ]
      : [];
  const alertsItem: MenuItem[] =
    desktopAlerts.value === "unsupported"
      ? []
      : [
          desktopAlerts.value === "on"
            ? { label: t("shell.alerts.disable"), icon: <Icon name="bell" />, onSelect: disableDesktopAlerts }
            : {
                label: desktopAlerts.value === "denied" ? t("shell.alerts.blocked") : t("shell.alerts.enable"),
                icon: <Icon name="bell" />,
                onSelect: () => void enableDesktopAlerts(),
              },
        ];
  const themeItems: MenuItem[] = [
    { kind: "separator" },
    { kind: "heading", label: t("shell.theme.title") },
    ...(["system", "light", "dark"] as const).map<MenuItem>((value) => ({
      kind: "radio",
      label: t(`shell.theme.${value}`),
      checked: theme.value === value,
      onSelect: () => setTheme(value),
    })),
  ];

  const profileItems: MenuItem[] = [
    { kind: "heading", label: t("shell.availability.title") },
    ...availabilityItems,
    ...accountItems,
    ...themeItems,
    { kind: "separator" },
    { label: t("shell.profile"), icon: <Icon name="user" />, onSelect: () => navigate(`/app/accounts/${account}/profile`) },
    ...alertsItem,
    { label: t("shell.shortcuts.open"), icon: <Icon name="keyboard" />, hint: "?", onSelect: () => setPanel("shortcuts") },
    { kind: "separator" },
    { label: t("shell.signOut"), icon: <Icon name="logout" />, onSelect: () => void signOut(), danger: true },
  ];

  const current = route.value;
  const inInbox = current.name === "conversations" || current.name === "conversation";
  const unread = unreadCount.value;

  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        {t("shell.skipToContent")}
      </a>
      <nav class="sidebar" aria-label={t("shell.navigation")}>
        <div class="sidebar-brand" title={currentAccount.value?.name}>
          <span class="brand-letter" aria-hidden="true">
            {(currentAccount.value?.name ?? t("common.appName")).slice(0, 1).toUpperCase()}
          </span>
          <span class="visually-hidden">{t("shell.brand", { account: currentAccount.value?.name ?? "" })}</span>
        </div>
        <ul class="sidebar-links">
          <li>
            <Link
              href={conversationsPath(account)}
              class="sidebar-link"
              aria-current={inInbox ? "page" : undefined}
              aria-label={t("shell.conversations")}
              title={t("shell.conversations")}
            >
              <Icon name="inbox" size={20} />
            </Link>
          </li>
          {currentAccount.value?.role === "administrator" && (
            <li>
              <Link
                href={`/app/accounts/${account}/settings/chat_widgets`}
                class="sidebar-link"
                aria-current={current.name === "settings" && !current.path.endsWith("/integrations") ? "page" : undefined}
                aria-label={t("shell.widgetsNav")}
                title={t("shell.widgetsNav")}
              >
                <Icon name="globe" size={20} />
              </Link>
            </li>
          )}
          {currentAccount.value?.role === "administrator" && (
            <li>
              <Link
                href={`/app/accounts/${account}/settings/integrations`}
                class="sidebar-link"
                aria-current={current.name === "settings" && current.path.endsWith("/integrations") ? "page" : undefined}
                aria-label={t("shell.integrationsNav")}
                title={t("shell.integrationsNav")}
              >
                <Icon name="bolt" size={20} />
              </Link>
            </li>
          )}
          {me.agency_role && (
            <li>
              <Link href="/app/agency/accounts" class="sidebar-link" aria-label={t("shell.agencyNav")} title={t("shell.agencyNav")}>
                <Icon name="briefcase" size={20} />
              </Link>
            </li>
          )}
        </ul>
        <div class="sidebar-bottom">
          <button type="button" class="sidebar-link" title={t("shell.notifications")} aria-haspopup="dialog" onClick={() => setPanel("notifications")}>
            <Icon name="bell" size={20} />
            <span class="visually-hidden">{t("shell.notifications")}</span>
            {unread > 0 && (
              <span class="badge badge-count sidebar-badge">
                <span aria-hidden="true">{unread > 99 ? "99+" : unread}</span>
                <span class="visually-hidden">{t("shell.unread", { count: unread })}</span>
              </span>
            )}
          </button>
          <Menu
            label={t("shell.profileMenu", { name: displayName.value, availability: t(`shell.availability.${myAvailability.value}`) })}
            buttonClass="sidebar-avatar"
            placement="right-end"
            button={<Avatar name={displayName.value} src={me.avatar_url} availability={myAvailability.value} />}
            items={profileItems}
          />
        </div>
      </nav>
      <div class="shell-main">
        {/* The status region stays in the page so that screen readers announce what appears in it. */}
        <div role="status" class="offline-region">
          {cableStatus.value === "offline" && (
            <div class="offline-banner">
              <Icon name="wifi-off" /> {t("common.offline")}
            </div>
          )}
        </div>
        {actionError && (
          <div class="notice notice-error notice-bar" role="alert">
            <Icon name="alert" /> {t("common.errors.generic", { message: actionError })}
            <button type="button" class="icon-button" aria-label={t("common.close")} onClick={() => setActionError(null)}>
              <Icon name="x" />
            </button>
          </div>
        )}
        <Area />
      </div>
      {panel === "notifications" && <NotificationsPanel onClose={() => setPanel(null)} />}
      {panel === "shortcuts" && <ShortcutsDialog onClose={() => setPanel(null)} />}
    </div>
  );
}

function Area() {
  const current = route.value;
  switch (current.name) {
    case "conversations":
    case "conversation":
      return <InboxArea />;
    case "profile":
      return <ProfileArea />;
    case "settings":
      return <SettingsArea />;
    case "agency":
      // Next: the Agency View, its own chunk.
      return (
        <main id="main" class="page-message" tabIndex={-1}>
          <p>{t("common.next.agency")}</p>
        </main>
      );
    default:
      return (
        <main id="main" class="page-message" tabIndex={-1}>
          <h1>{t("common.notFound.title")}</h1>
          <p>{t("common.notFound.body")}</p>
          {accountId.value !== null && <Link href={conversationsPath(accountId.value)}>{t("common.notFound.home")}</Link>}
        </main>
      );
  }
}
