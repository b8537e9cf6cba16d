/**
 * The console: boots from GET /api/v1/profile (started by main.tsx, core/boot.ts), then shows the
 * sign-in area or the signed-in shell (each its own chunk). Routes outside an area are redirected
 * here, in one place.
 */
import { useEffect } from "preact/hooks";
import { bootError, startBoot } from "./core/boot";
import { lazyArea } from "./core/lazy";
import { t } from "./core/i18n";
import { navigate, route } from "./core/router";
import { accountId, booted, conversationsPath, profile } from "./core/session";

const AuthArea = lazyArea<object>(() => import("./auth/AuthArea"), "AuthArea");
const ShellArea = lazyArea<object>(() => import("./shell/Shell"), "Shell");
const AgencyArea = lazyArea<object>(() => import("./agency/AgencyArea"), "AgencyArea");
/** Where an agency user lands: the Agency View. */
const AGENCY_HOME = "/app/agency/accounts";

const AUTH_ROUTES = new Set(["login", "forgot", "password_edit"]);

/**
 * Starts loading the chunks the route needs while the profile loads (main.tsx calls it before the
 * first render): the sign-in area on its routes, the Agency View on its own; otherwise the shell and,
 * on the inbox's routes, the inbox area, so that they arrive beside the profile instead of one after
 * another.
 */
export function preloadAreas() {
  const name = route.peek().name;
  const ignore = () => {};
  if (AUTH_ROUTES.has(name)) return void AuthArea.preload().catch(ignore);
  if (name === "agency") return void AgencyArea.preload().catch(ignore);
  if (name === "not_found") return;
  void ShellArea.preload().catch(ignore);
  if (name === "root" || name === "conversations" || name === "conversation") void import("./inbox/InboxArea").catch(ignore);
}

function Boot({ error, onRetry }: { error: string | null; onRetry: () => void }) {
  if (!error)
    return (
      <div class="page-loading" aria-busy="true">
        {t("common.loading")}
      </div>
    );
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

  if (!booted.value) return <Boot error={bootError.value} onRetry={startBoot} />;
  if (!me || isAuthRoute) return <AuthArea />;
  if (me.agency_role && current.name === "agency") return <AgencyArea />;
  if (me.accounts.length === 0) return <AuthArea />;
  return <ShellArea />;
}
