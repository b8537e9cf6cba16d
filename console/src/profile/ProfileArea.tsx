/** Profile: name and email, password change, notification settings in the sub-account in view, and the sessions signed in as me (revocable). */
import { useEffect, useState } from "preact/hooks";
import { api, ApiError } from "../core/api";
import { formatDateTime, formatRelative, t } from "../core/i18n";
import { Icon } from "../core/icons";
import { profile, type Profile } from "../core/session";
import { NotificationSettings } from "./NotificationSettings";
import { BrowserPush } from "../push/BrowserPush";

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function ProfileArea() {
  return (
    <main id="main" class="page" tabIndex={-1} aria-labelledby="profile-title">
      <div class="page-inner">
        <h1 id="profile-title" class="page-title">
          {t("profile.title")}
        </h1>
        <Details />
        <Password />
        <NotificationSettings />
        <BrowserPush />
        <Sessions />
      </div>
    </main>
  );
}

function Details() {
  const me = profile.value;
  const [name, setName] = useState(me?.name ?? "");
  const [email, setEmail] = useState(me?.email ?? "");
  const [state, setState] = useState<{ busy?: boolean; error?: string; saved?: boolean }>({});
  if (!me) return null;
  const submit = async (event: Event) => {
    event.preventDefault();
    setState({ busy: true });
    try {
      const updated = await api.put<Partial<Profile>>("/api/v1/profile", { profile: { name: name.trim(), email: email.trim() } });
      profile.value = { ...me, ...updated, accounts: updated.accounts ?? me.accounts } as Profile;
      setState({ saved: true });
    } catch (error) {
      setState({ error: messageOf(error) });
    }
  };
  return (
    <section class="card" aria-labelledby="profile-details">
      <h2 id="profile-details" class="card-title">
        {t("profile.details.title")}
      </h2>
      <form class="form" onSubmit={submit}>
        <div class="field">
          <label for="profile-name">{t("profile.details.name")}</label>
          <input id="profile-name" type="text" autocomplete="name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="profile-email">{t("profile.details.email")}</label>
          <input id="profile-email" type="email" autocomplete="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </div>
        {state.error && (
          <p class="notice notice-error" role="alert">
            {state.error}
          </p>
        )}
        {state.saved && (
          <p class="notice notice-success" role="status">
            {t("profile.details.saved")}
          </p>
        )}
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled={state.busy}>
            {state.busy ? t("common.saving") : t("common.save")}
          </button>
        </div>
      </form>
    </section>
  );
}

function Password() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirmation, setConfirmation] = useState("");
  const [state, setState] = useState<{ busy?: boolean; error?: string; saved?: boolean }>({});
  const mismatch = confirmation.length > 0 && confirmation !== next;
  const submit = async (event: Event) => {
    event.preventDefault();
    if (mismatch) return;
    setState({ busy: true });
    try {
      await api.put("/api/v1/profile", { profile: { current_password: current, password: next, password_confirmation: confirmation } });
      setCurrent("");
      setNext("");
      setConfirmation("");
      setState({ saved: true });
    } catch (error) {
      setState({ error: error instanceof ApiError && error.status === 422 ? error.message : messageOf(error) });
    }
  };
  return (
    <section class="card" aria-labelledby="profile-password">
      <h2 id="profile-password" class="card-title">
        {t("profile.password.title")}
      </h2>
      <p class="muted">{t("profile.password.lead")}</p>
      <form class="form" onSubmit={submit}>
        <input type="text" autocomplete="username" value={profile.value?.email ?? ""} hidden readOnly />
        <div class="field">
          <label for="password-current">{t("profile.password.current")}</label>
          <input
            id="password-current"
            type="password"
            autocomplete="current-password"
            required
            value={current}
            onInput={(e) => setCurrent(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="password-new">{t("profile.password.new")}</label>
          <input
            id="password-new"
            type="password"
            autocomplete="new-password"
            minLength={8}
            required
            aria-describedby="password-hint"
            value={next}
            onInput={(e) => setNext(e.currentTarget.value)}
          />
          <p id="password-hint" class="field-hint">
            {t("auth.reset.hint")}
          </p>
        </div>
        <div class="field">
          <label for="password-confirmation">{t("profile.password.confirm")}</label>
          <input
            id="password-confirmation"
            type="password"
            autocomplete="new-password"
            required
            aria-invalid={mismatch}
            aria-describedby={mismatch ? "password-mismatch" : undefined}
            value={confirmation}
            onInput={(e) => setConfirmation(e.currentTarget.value)}
          />
          {mismatch && (
            <p id="password-mismatch" class="field-error">
              {t("auth.reset.mismatch")}
            </p>
          )}
        </div>
        {state.error && (
          <p class="notice notice-error" role="alert">
            {state.error}
          </p>
        )}
        {state.saved && (
          <p class="notice notice-success" role="status">
            {t("profile.password.saved")}
          </p>
        )}
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled={state.busy || mismatch}>
            {t("profile.password.submit")}
          </button>
        </div>
      </form>
    </section>
  );
}

type SessionRow = {
  id: number | string;
  current: boolean;
  created_at: number | string;
  last_used_at: number | string | null;
  expires_at: number | string;
  user_agent: string | null;
  ip: string | null;
};

/** "Chrome on macOS" from a user agent, roughly; the full string is in the title. */
function describeAgent(ua: string | null): string {
  if (!ua) return t("profile.sessions.unknownDevice");
  const browser = /Edg\//.test(ua)
    ? "Edge"
    : /Firefox\//.test(ua)
      ? "Firefox"
      : /Chrome\//.test(ua)
        ? "Chrome"
        : /Safari\//.test(ua)
          ? "Safari"
          : /curl\//i.test(ua)
            ? "curl"
            : null;
  const os = /Windows/.test(ua)
    ? "Windows"
    : /Mac OS X|Macintosh/.test(ua)
      ? "macOS"
      : /Android/.test(ua)
        ? "Android"
        : /iPhone|iPad/.test(ua)
          ? "iOS"
          : /Linux/.test(ua)
            ? "Linux"
            : null;
  if (browser && os) return t("profile.sessions.device", { browser, os });
  return browser ?? os ?? ua.slice(0, 40);
}

function Sessions() {
  const [list, setList] = useState<SessionRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<SessionRow["id"] | null>(null);
  const load = () =>
    api.get<{ payload: SessionRow[] }>("/api/v1/profile/sessions").then(
      (a) => setList(a.payload),
      (e: unknown) => setError(messageOf(e)),
    );
  useEffect(() => void load(), []);
  const revoke = async (row: SessionRow) => {
    setBusy(row.id);
    setError(null);
    try {
      await api.del(`/api/v1/profile/sessions/${row.id}`);
      setList((old) => (old ?? []).filter((s) => s.id !== row.id));
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(null);
    }
  };
  return (
    <section class="card" aria-labelledby="profile-sessions">
      <h2 id="profile-sessions" class="card-title">
        {t("profile.sessions.title")}
      </h2>
      <p class="muted">{t("profile.sessions.lead")}</p>
      {error && (
        <p class="notice notice-error" role="alert">
          {t("common.errors.generic", { message: error })}
        </p>
      )}
      {list === null && !error && <p class="muted">{t("common.loading")}</p>}
      {list && (
        <ul class="session-list">
          {list.map((s) => (
            <li key={s.id} class="session">
              <Icon name="monitor" size={20} />
              <div class="session-body">
                <span class="session-title" title={s.user_agent ?? undefined}>
                  {describeAgent(s.user_agent)}
                  {s.current && <span class="chip chip-success">{t("profile.sessions.current")}</span>}
                </span>
                <span class="session-meta">
                  {s.ip ? `${s.ip} · ` : ""}
                  {t("profile.sessions.signedIn", { when: formatDateTime(s.created_at) })}
                  {s.last_used_at ? ` · ${t("profile.sessions.lastUsed", { when: formatRelative(s.last_used_at) })}` : ""}
                </span>
              </div>
              {!s.current && (
                <button
                  type="button"
                  class="button button-small button-danger"
                  disabled={busy === s.id}
                  aria-label={t("profile.sessions.revokeLabel", { device: describeAgent(s.user_agent) })}
                  onClick={() => void revoke(s)}
                >
                  {t("profile.sessions.revoke")}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
