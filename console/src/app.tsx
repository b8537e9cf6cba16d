/**
 * The console: boots from GET /api/v1/profile, then shows the sign-in area or the signed-in shell
 * (each its own chunk). Routes outside an area are redirected here, in one place.
 */
import { useEffect, useState } from "preact/hooks";
import { api, ApiError } from "./core/api";
import { lazyArea } from "./core/lazy";
import { t } from "./core/i18n";
import { navigate, route } from "./core/router";
import { accountId, booted, conversationsPath, profile, type Profile } from "./core/session";

const AuthArea = lazyArea<object>(() => import("./auth/AuthArea"), "AuthArea");
const ShellArea = lazyArea<object>(() => import("./shell/Shell"), "Shell");
const AgencyArea = lazyArea<object>(() => import("./agency/AgencyArea"), "AgencyArea");
/** Where an agency user lands: the Agency View. */
const AGENCY_HOME = "/app/agency/accounts";

const AUTH_ROUTES = new Set(["login", "forgot", "password_edit"]);

/** Loads the signed-in user; a 401 leaves `profile` empty (sign-in shows). */
export async function loadProfile(): Promise<Profile | null> {
  try {
    const me = await api.get<Profile>("/api/v1/profile");
    profile.value = me;
    return me;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

function Boot({ error, onRetry }: { error: string | null; onRetry: () => void }) {
  if (!error) return <div class="page-loading" aria-busy="true">{t("common.loading")}</div>;
  return (
    <main class="page-message">
      <p role="alert">{t("common.errors.generic", { message: error })}</p>
      <button type="button" class="button button-primary" onClick={onRetry}>
        {t("common.retry")}
      </button>
    </main>
  );
}

export function App() {
  const [bootError, setBootError] = useState<string | null>(null);
  const boot = () => {
    setBootError(null);
    loadProfile().then(
      () => (booted.value = true),
      (error: unknown) => setBootError(error instanceof Error ? error.message : String(error)),
    );
  };
  useEffect(boot, []);

  const current = route.value;
  const me = profile.value;
  const isAuthRoute = AUTH_ROUTES.has(current.name);

  // Redirects, decided from the route and the session.
  useEffect(() => {
    if (!booted.value) return;
    if (!me) {
      if (!isAuthRoute) navigate("/app/login", { replace: true });
      return;
    }
    const first = me.accounts[0];
    if (current.name === "agency" && me.agency_role) return;
    if (current.name === "login" || current.name === "root" || current.name === "forgot") {
      if (me.agency_role) navigate(AGENCY_HOME, { replace: true });
      else if (first) navigate(conversationsPath(first.id), { replace: true });
      return;
    }
    if (me.agency_role && !me.accounts.some((a) => a.id === Number(current.params.accountId))) {
      navigate(AGENCY_HOME, { replace: true });
      return;
    }
    const wanted = Number(current.params.accountId);
    if (current.params.accountId !== undefined) {
      if (me.accounts.some((a) => a.id === wanted)) accountId.value = wanted;
      else if (first) navigate(conversationsPath(first.id), { replace: true });
    } else if (accountId.value === null && first) accountId.value = first.id;
  }, [booted.value, me, current]);

  if (!booted.value) return <Boot error={bootError} onRetry={boot} />;
  if (!me || isAuthRoute) return <AuthArea />;
  if (me.agency_role && current.name === "agency") return <AgencyArea />;
  if (me.accounts.length === 0) return <AuthArea />;
  return <ShellArea />;
}
