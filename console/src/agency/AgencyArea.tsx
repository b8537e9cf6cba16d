/**
 * The Agency View, for the agency's own people: Sub-Accounts, Account Snapshots and the audit log under
 * /app/agency/*. Its own chunk, which the inbox never loads.
 */
import "../i18n/admin-strings";
import { useEffect } from "preact/hooks";
import { api } from "../core/api";
import { t } from "../core/i18n";
import { Icon } from "../core/icons";
import { Link, navigate, route } from "../core/router";
import { endSession, profile } from "../core/session";
import { AuditLog } from "./AuditLog";
import { Snapshots } from "./Snapshots";
import { SubAccounts } from "./SubAccounts";

const SECTIONS = [
  { path: "/app/agency/accounts", key: "accounts", icon: "briefcase" },
  { path: "/app/agency/snapshots", key: "snapshots", icon: "copy" },
  { path: "/app/agency/audit_logs", key: "audit", icon: "list" },
] as const;

type AgencyProfile = { agency_role?: "owner" | "admin"; agency?: { id: number; name: string } };

export function AgencyArea() {
  const path = route.value.path.replace(/\/$/, "");
  const section = SECTIONS.find((s) => path === s.path) ?? null;
  const me = profile.value as (typeof profile.value & AgencyProfile) | null;

  useEffect(() => {
    if (!section) navigate("/app/agency/accounts", { replace: true });
  }, [section]);
  useEffect(() => {
    if (section) document.title = `${t(`agency.nav.${section.key}`)} · ${t("agency.title")} · ${t("common.appName")}`;
  }, [section?.key]);

  const signOut = async () => {
    try {
      await api.del("/auth/sign_out");
    } catch {
      /* the session is ended locally either way */
    }
    endSession("signed_out");
  };

  return (
    <div class="agency">
      <a class="skip-link" href="#main">
        {t("shell.skipToContent")}
      </a>
      <nav class="agency-nav" aria-label={t("agency.nav.label")}>
        <div class="agency-brand">
          <span class="brand-letter" aria-hidden="true">
            {(me?.agency?.name ?? t("common.appName")).slice(0, 1).toUpperCase()}
          </span>
          <span>
            <span class="agency-brand-name">{me?.agency?.name ?? t("agency.title")}</span>
            <span class="muted agency-brand-view">{t("agency.title")}</span>
          </span>
        </div>
        <ul class="agency-links">
          {SECTIONS.map((s) => (
            <li key={s.key}>
              <Link href={s.path} class="agency-link" aria-current={section?.key === s.key ? "page" : undefined}>
                <Icon name={s.icon} size={18} /> {t(`agency.nav.${s.key}`)}
              </Link>
            </li>
          ))}
        </ul>
        <div class="agency-me">
          <span class="agency-me-name">{me?.name}</span>
          <span class="muted">{me?.agency_role ? t(`agency.nav.role.${me.agency_role}`) : ""}</span>
          <button type="button" class="button button-ghost button-small" onClick={() => void signOut()}>
            <Icon name="logout" size={16} /> {t("agency.nav.signOut")}
          </button>
        </div>
      </nav>
      <main id="main" class="agency-main" tabIndex={-1}>
        {section?.key === "accounts" && <SubAccounts />}
        {section?.key === "snapshots" && <Snapshots />}
        {section?.key === "audit" && <AuditLog />}
      </main>
    </div>
  );
}
