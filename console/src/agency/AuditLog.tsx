/** The agency's audit log, filtered by sub-account, kind of object and action (the filters live in the address). */
import { useEffect, useState } from "preact/hooks";
import { api } from "../core/api";
import { formatDateTime, t } from "../core/i18n";
import { navigate, route, withQuery } from "../core/router";
import { AGENCY, allSubAccounts, type AuditEntry, type SubAccount } from "./agency-api";
import { messageOf } from "./forms";

type AuditPage = { audit_logs: AuditEntry[]; current_page: number; per_page: number; total_entries: number };

const TYPES = ["Account", "AccountUser", "AgencyUser", "Snapshot", "SnapshotLoad", "Inbox", "ChatWidget", "User"];
const ACTIONS = ["create", "update", "destroy", "open", "complete", "rotate_token"];
const PER_PAGE = 25;

/** A snapshot load is the agency's, written before it runs; its target sub-account is in its changes. */
const targetOf = (entry: AuditEntry) => (typeof entry.audited_changes.account_id === "number" ? entry.audited_changes.account_id : null);

const label = (group: "types" | "actions", key: string) => {
  const text = t(`agency.audit.${group}.${key}`);
  return text.startsWith("agency.") ? key : text;
};

export function AuditLog() {
  const query = route.value.query;
  const page = Math.max(1, Number(query.page) || 1);
  const [accounts, setAccounts] = useState<SubAccount[]>([]);
  const [data, setData] = useState<AuditPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [filters, setFilters] = useState({ account_id: query.account_id ?? "", auditable_type: query.auditable_type ?? "", action: query.action ?? "" });

  useEffect(() => {
    allSubAccounts().then(setAccounts, () => setAccounts([]));
  }, []);
  useEffect(() => {
    let live = true;
    setData(null);
    api
      .get<AuditPage>(`${AGENCY}/audit_logs`, {
        account_id: query.account_id,
        auditable_type: query.auditable_type,
        action: query.action,
        page,
        per_page: PER_PAGE,
      })
      .then(
        (answer) => live && (setData(answer), setError(null)),
        (e: unknown) => live && setError(messageOf(e)),
      );
    return () => {
      live = false;
    };
  }, [query.account_id, query.auditable_type, query.action, page]);

  const nameOf = (id: number | null) => (id === null ? t("agency.audit.agency") : (accounts.find((a) => a.id === id)?.name ?? `#${id}`));
  const pages = data ? Math.max(1, Math.ceil(data.total_entries / PER_PAGE)) : 1;
  const go = (next: Record<string, string | number>) => navigate(withQuery("/app/agency/audit_logs", { ...filters, ...next }));

  return (
    <section class="agency-page" aria-labelledby="agency-audit-title">
      <header class="agency-page-header">
        <h1 id="agency-audit-title" class="page-title">
          {t("agency.audit.title")}
        </h1>
      </header>
      <form
        class="audit-filters"
        onSubmit={(event) => {
          event.preventDefault();
          go({ page: 1 });
        }}
      >
        <div class="field">
          <label for="audit-account">{t("agency.audit.account")}</label>
          <select
            id="audit-account"
            class="select"
            value={filters.account_id}
            onChange={(e) => {
              const value = e.currentTarget.value;
              setFilters((current) => ({ ...current, account_id: value }));
            }}
          >
            <option value="">{t("agency.audit.allAccounts")}</option>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="audit-type">{t("agency.audit.type")}</label>
          <select
            id="audit-type"
            class="select"
            value={filters.auditable_type}
            onChange={(e) => {
              const value = e.currentTarget.value;
              setFilters((current) => ({ ...current, auditable_type: value }));
            }}
          >
            <option value="">{t("agency.audit.allTypes")}</option>
            {TYPES.map((type) => (
              <option key={type} value={type}>
                {label("types", type)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="audit-action">{t("agency.audit.action")}</label>
          <select
            id="audit-action"
            class="select"
            value={filters.action}
            onChange={(e) => {
              const value = e.currentTarget.value;
              setFilters((current) => ({ ...current, action: value }));
            }}
          >
            <option value="">{t("agency.audit.allActions")}</option>
            {ACTIONS.map((action) => (
              <option key={action} value={action}>
                {label("actions", action)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="button">
          {t("agency.audit.apply")}
        </button>
      </form>
      {error && (
        <p class="notice notice-error" role="alert">
          {t("common.errors.generic", { message: error })}
        </p>
      )}
      {!data ? (
        !error && (
          <div class="page-loading" aria-busy="true">
            {t("common.loading")}
          </div>
        )
      ) : data.audit_logs.length === 0 ? (
        <p class="empty-note">{t("agency.audit.empty")}</p>
      ) : (
        <>
          <div class="table-scroll">
            <table class="table">
              <caption class="visually-hidden">{t("agency.audit.title")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("agency.audit.when")}</th>
                  <th scope="col">{t("agency.audit.who")}</th>
                  <th scope="col">{t("agency.audit.what")}</th>
                  <th scope="col">{t("agency.audit.where")}</th>
                </tr>
              </thead>
              <tbody>
                {data.audit_logs.map((entry) => (
                  <tr key={entry.id}>
                    <td>{formatDateTime(entry.created_at)}</td>
                    <td>
                      {entry.username ?? entry.user_type}
                      {entry.user_email && <span class="muted audit-email">{entry.user_email}</span>}
                    </td>
                    <td>
                      {label("actions", entry.action)} · {label("types", entry.auditable_type)}
                      {entry.auditable_id !== null && <span class="muted"> #{entry.auditable_id}</span>}
                    </td>
                    <td>{nameOf(entry.associated_id ?? targetOf(entry))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav class="pager" aria-label={t("agency.audit.page", { page, pages })}>
            <button type="button" class="button button-small" disabled={page <= 1} onClick={() => go({ page: page - 1 })}>
              {t("agency.audit.previous")}
            </button>
            <span class="muted">{t("agency.audit.page", { page, pages })}</span>
            <button type="button" class="button button-small" disabled={page >= pages} onClick={() => go({ page: page + 1 })}>
              {t("agency.audit.next")}
            </button>
          </nav>
        </>
      )}
    </section>
  );
}
