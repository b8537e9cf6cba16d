/**
 * The signed-in person's notification settings in the sub-account in view (Chatwoot's
 * notification_settings): one email and one push switch per notification type, saved together.
 * Every member has their own, agents as well as administrators.
 */
import { useEffect, useState } from "preact/hooks";
import { accountPath, api, failureMessage } from "../core/api";
import { t } from "../core/i18n";
import { currentAccount } from "../core/session";

type Settings = { all_email_flags: string[]; selected_email_flags: string[]; all_push_flags: string[]; selected_push_flags: string[] };
type Kind = "email" | "push";

/** "email_conversation_assignment" → "conversation_assignment". */
const typeOf = (flag: string) => flag.replace(/^(email|push)_/, "");

export function NotificationSettings() {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [selected, setSelected] = useState<Record<Kind, Set<string>>>({ email: new Set(), push: new Set() });
  const [state, setState] = useState<{ busy?: boolean; error?: string; saved?: boolean; loadError?: string }>({});
  const account = currentAccount.value;
  useEffect(() => {
    api.get<Settings>(accountPath("/notification_settings")).then(
      (answer) => {
        setSettings(answer);
        setSelected({ email: new Set(answer.selected_email_flags), push: new Set(answer.selected_push_flags) });
      },
      (failure: unknown) => setState({ loadError: failureMessage(failure) }),
    );
  }, [account?.id]);
  if (!account) return null;
  const toggle = (kind: Kind, flag: string, on: boolean) => {
    setSelected((current) => {
      const next = new Set(current[kind]);
      if (on) next.add(flag);
      else next.delete(flag);
      return { ...current, [kind]: next };
    });
    setState({});
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!settings) return;
    setState({ busy: true });
    try {
      const saved = await api.patch<Settings>(accountPath("/notification_settings"), {
        notification_settings: {
          selected_email_flags: settings.all_email_flags.filter((flag) => selected.email.has(flag)),
          selected_push_flags: settings.all_push_flags.filter((flag) => selected.push.has(flag)),
        },
      });
      setSettings(saved);
      setSelected({ email: new Set(saved.selected_email_flags), push: new Set(saved.selected_push_flags) });
      setState({ saved: true });
    } catch (failure) {
      setState({ error: failureMessage(failure) });
    }
  };
  const types = settings ? settings.all_email_flags.map(typeOf).filter((type) => settings.all_push_flags.includes(`push_${type}`)) : [];
  return (
    <section class="card" aria-labelledby="profile-notifications">
      <h2 id="profile-notifications" class="card-title">
        {t("profileNotifications.title")}
      </h2>
      <p class="muted">{t("profileNotifications.lead", { account: account.name })}</p>
      {state.loadError && (
        <p class="notice notice-error" role="alert">
          {t("profileNotifications.loadFailed", { message: state.loadError })}
        </p>
      )}
      {!settings && !state.loadError && <p class="page-loading">{t("common.loading")}</p>}
      {settings && (
        <form class="form" onSubmit={submit}>
          <div class="table-scroll">
            <table class="settings-table notification-table">
              <caption class="visually-hidden">{t("profileNotifications.tableLabel", { account: account.name })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("profileNotifications.event")}</th>
                  <th scope="col">{t("profileNotifications.email")}</th>
                  <th scope="col">{t("profileNotifications.push")}</th>
                </tr>
              </thead>
              <tbody>
                {types.map((type) => {
                  const event = t(`profileNotifications.types.${type}`);
                  return (
                    <tr key={type}>
                      <th scope="row">{event.charAt(0).toUpperCase() + event.slice(1)}</th>
                      {(["email", "push"] as const).map((kind) => {
                        const flag = `${kind}_${type}`;
                        return (
                          <td key={kind}>
                            <input
                              type="checkbox"
                              aria-label={t(kind === "email" ? "profileNotifications.emailFor" : "profileNotifications.pushFor", { event })}
                              checked={selected[kind].has(flag)}
                              onChange={(change) => toggle(kind, flag, change.currentTarget.checked)}
                            />
                          </td>
                        );
                      })}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {state.error && (
            <p class="notice notice-error" role="alert">
              {t("profileNotifications.saveFailed", { message: state.error })}
            </p>
          )}
          {state.saved && (
            <p class="notice notice-success" role="status">
              {t("profileNotifications.saved")}
            </p>
          )}
          <div class="form-actions">
            <button type="submit" class="button button-primary" disabled={state.busy}>
              {state.busy ? t("common.saving") : t("profileNotifications.save")}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
