/** The sign-in area: sign in, forgotten password, set a password from an emailed link. */
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { loadProfile } from "../core/boot";
import { api, ApiError } from "../core/api";
import { t } from "../core/i18n";
import { Icon } from "../core/icons";
import { Link, navigate, route } from "../core/router";
import { conversationsPath, endSession, profile, signInNotice, takeReturnTo } from "../core/session";

export function AuthArea() {
  const current = route.value;
  if (current.name === "forgot") return <ForgotPassword />;
  if (current.name === "password_edit") return <SetPassword token={current.query.reset_password_token ?? ""} />;
  if (profile.value && profile.value.accounts.length === 0) return <NoAccounts />;
  return <SignIn />;
}

function AuthPage({ title, children }: { title: string; children: ComponentChildren }) {
  const mainRef = useRef<HTMLElement>(null);
  useEffect(() => {
    document.title = `${title} · ${t("common.appName")}`;
  }, [title]);
  // A screen reached by a link inside the console (no page load, so `autofocus` does nothing):
  // focus goes to its first field, or its heading, as on a fresh load.
  useEffect(() => {
    const main = mainRef.current;
    if (!main || main.contains(document.activeElement)) return;
    (main.querySelector<HTMLElement>("[autofocus]") ?? main.querySelector<HTMLElement>("#auth-title"))?.focus();
  }, []);
  return (
    <div class="auth-page">
      <main class="auth-card" aria-labelledby="auth-title" ref={mainRef}>
        <div class="auth-brand">
          <span class="brand-mark" aria-hidden="true">
            <Icon name="message" size={22} />
          </span>
          <span class="brand-name">{t("common.appName")}</span>
        </div>
        <h1 id="auth-title" class="auth-title" tabIndex={-1}>
          {title}
        </h1>
        {children}
      </main>
    </div>
  );
}

function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === "invalid_credentials") return t("auth.login.invalid");
    if (error.code === "rate_limited") return t("auth.login.rateLimited");
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

function SignIn() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const notice = signInNotice.value;

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await api.post("/auth/sign_in", { email: email.trim(), password });
      const me = await loadProfile();
      if (!me) throw new ApiError(401, "invalid_credentials", t("auth.login.invalid"));
      signInNotice.value = null;
      const back = takeReturnTo();
      const first = me.accounts[0];
      const owned = back && me.accounts.some((a) => back.startsWith(`/app/accounts/${a.id}/`));
      navigate(owned ? back : first ? conversationsPath(first.id) : "/app/login", { replace: true });
    } catch (caught) {
      setError(errorText(caught));
      setBusy(false);
    }
  };

  return (
    <AuthPage title={t("auth.login.title")}>
      {notice && !error && (
        <p class="notice notice-info" role="status">
          {t(notice === "expired" ? "auth.login.expired" : "auth.login.signedOut")}
        </p>
      )}
      {error && (
        <p class="notice notice-error" role="alert" id="login-error">
          <Icon name="alert" /> {error}
        </p>
      )}
      <form class="form" onSubmit={submit} noValidate={false}>
        <div class="field">
          <label for="login-email">{t("auth.fields.email")}</label>
          <input
            id="login-email"
            type="email"
            name="email"
            autocomplete="username"
            required
            autofocus
            value={email}
            aria-describedby={error ? "login-error" : undefined}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <div class="field-label-row">
            <label for="login-password">{t("auth.fields.password")}</label>
            <Link href="/app/auth/forgot" class="link-small">
              {t("auth.login.forgot")}
            </Link>
          </div>
          <input
            id="login-password"
            type="password"
            name="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </div>
        <button type="submit" class="button button-primary button-block" disabled={busy}>
          {busy ? t("auth.login.submitting") : t("auth.login.submit")}
        </button>
      </form>
    </AuthPage>
  );
}

function ForgotPassword() {
  const [email, setEmail] = useState("");
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post("/auth/password", { email: email.trim() });
      setSent(true);
    } catch (caught) {
      setError(errorText(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <AuthPage title={t("auth.forgot.title")}>
      {sent ? (
        <p class="notice notice-success" role="status">
          {t("auth.forgot.sent")}
        </p>
      ) : (
        <>
          <p class="auth-lead">{t("auth.forgot.lead")}</p>
          {error && (
            <p class="notice notice-error" role="alert">
              <Icon name="alert" /> {error}
            </p>
          )}
          <form class="form" onSubmit={submit}>
            <div class="field">
              <label for="forgot-email">{t("auth.fields.email")}</label>
              <input id="forgot-email" type="email" autocomplete="username" required autofocus value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
            </div>
            <button type="submit" class="button button-primary button-block" disabled={busy}>
              {t("auth.forgot.submit")}
            </button>
          </form>
        </>
      )}
      <p class="auth-footer">
        <Link href="/app/login">{t("auth.backToSignIn")}</Link>
      </p>
    </AuthPage>
  );
}

function SetPassword({ token }: { token: string }) {
  const [password, setPassword] = useState("");
  const [confirmation, setConfirmation] = useState("");
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const mismatch = confirmation.length > 0 && confirmation !== password;
  const submit = async (event: Event) => {
    event.preventDefault();
    if (mismatch) return;
    setBusy(true);
    setError(null);
    try {
      await api.put("/auth/password", { reset_password_token: token, password, password_confirmation: confirmation });
      setDone(true);
    } catch (caught) {
      setError(errorText(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <AuthPage title={t("auth.reset.title")}>
      {!token ? (
        <p class="notice notice-error" role="alert">
          {t("auth.reset.noToken")}
        </p>
      ) : done ? (
        <p class="notice notice-success" role="status">
          {t("auth.reset.done")}
        </p>
      ) : (
        <>
          {error && (
            <p class="notice notice-error" role="alert">
              <Icon name="alert" /> {error}
            </p>
          )}
          <form class="form" onSubmit={submit}>
            <div class="field">
              <label for="reset-password">{t("auth.fields.newPassword")}</label>
              <input
                id="reset-password"
                type="password"
                autocomplete="new-password"
                required
                minLength={8}
                autofocus
                aria-describedby="reset-hint"
                value={password}
                onInput={(e) => setPassword(e.currentTarget.value)}
              />
              <p id="reset-hint" class="field-hint">
                {t("auth.reset.hint")}
              </p>
            </div>
            <div class="field">
              <label for="reset-confirmation">{t("auth.fields.confirmPassword")}</label>
              <input
                id="reset-confirmation"
                type="password"
                autocomplete="new-password"
                required
                aria-invalid={mismatch}
                aria-describedby={mismatch ? "reset-mismatch" : undefined}
                value={confirmation}
                onInput={(e) => setConfirmation(e.currentTarget.value)}
              />
              {mismatch && (
                <p id="reset-mismatch" class="field-error">
                  {t("auth.reset.mismatch")}
                </p>
              )}
            </div>
            <button type="submit" class="button button-primary button-block" disabled={busy || mismatch}>
              {t("auth.reset.submit")}
            </button>
          </form>
        </>
      )}
      <p class="auth-footer">
        <Link href="/app/login">{done ? t("auth.reset.signIn") : t("auth.backToSignIn")}</Link>
      </p>
    </AuthPage>
  );
}

function NoAccounts() {
  const signOut = async () => {
    await api.del("/auth/sign_out").catch(() => undefined);
    endSession("signed_out");
  };
  return (
    <AuthPage title={t("auth.noAccounts.title")}>
      <p>{t("auth.noAccounts.body")}</p>
      <button type="button" class="button button-block" onClick={signOut}>
        {t("shell.signOut")}
      </button>
    </AuthPage>
  );
}
