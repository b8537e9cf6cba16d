/**
 * The sub-account's audit log: who changed what and when, filtered by action, kind of object, person
 * and a range of days, paged. The filters live in the address (a filtered view can be shared or
 * reloaded) and are the API's own query; a refused range is said beside the field that caused it.
 */
import { useEffect, useState } from "preact/hooks";
import { accountPath, api, errorsOf, type FormErrors, NO_ERRORS } from "../../core/api";
import { formatDateTime, t } from "../../core/i18n";
import { navigate, route, withQuery } from "../../core/router";
import { accountId } from "../../core/session";
import { fieldNote } from "../fieldNote";
import { auditLogPath } from "../paths";
import { SettingsHead } from "../SettingsHead";
import { SettingsTable } from "../SettingsTable";

type Entry = {
  id: number;
  action: string;
  auditable_type: string;
  auditable_id: number | null;
  audited_changes: Record<string, unknown>;
  user_type: string;
  user_id: number | null;
  username: string | null;
  user_email: string | null;
  created_at: number;
};
type Page = { audit_logs: Entry[]; current_page: number; per_page: number; total_entries: number };
type Filters = { action: string; auditable_type: string; user_id: string; from: string; to: string };

const PER_PAGE = 25;
const ACTIONS = ["create", "update", "destroy", "rotate_token", "rotate_secret"];
const TYPES = [
  "AutomationRule",
  "Campaign",
  "CannedResponse",
  "ChatWidget",
  "CustomAttributeDefinition",
  "Inbox",
  "Label",
  "Macro",
  "AccountUser",
  "SlaPolicy",
  "Team",
  "Webhook",
  "WhatsappNumber",
];

/** A catalog entry, or the key itself for a kind the catalog does not name yet. */
const named = (group: string, key: string) => {
  const text = t(`settingsAudit.${group}.${key}`);
  return text.startsWith("settingsAudit.") ? key : text;
};

/** A day picked in the browser's time zone ("2026-12-07"), as the instant it starts; `after` days later. */
function dayStart(day: string, after = 0): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + after).toISOString();
}

const shown = (value: unknown) =>
  value === null || value === undefined || value === "" ? t("settingsAudit.nothing") : typeof value === "object" ? JSON.stringify(value) : String(value);

/** The first few changes in words: "color: from #1f93ff to #ff0000" for updates, the fields for the rest. */
function changesOf(entry: Entry): string[] {
  const entries = Object.entries(entry.audited_changes);
  const lines = entries
    .slice(0, 3)
    .map(([field, value]) =>
      Array.isArray(value) && value.length === 2 && entry.action === "update"
        ? t("settingsAudit.changed", { field, before: shown(value[0]), after: shown(value[1]) })
        : `${field}: ${shown(value)}`,
    );
  if (entries.length > 3) lines.push(t("settingsAudit.more", { count: entries.length - 3 }));
  return lines;
}

export function AuditLogScreen() {
  const account = accountId.value;
  const query = route.value.query;
  const page = Math.max(1, Number(query.page) || 1);
  const applied: Filters = {
    action: query.action ?? "",
    auditable_type: query.auditable_type ?? "",
    user_id: query.user_id ?? "",
    from: query.from ?? "",
    to: query.to ?? "",
  };
  const [filters, setFilters] = useState<Filters>(applied);
  const [people, setPeople] = useState<{ id: number; name: string }[]>([]);
  const [data, setData] = useState<Page | null>(null);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  useEffect(() => {
    document.title = `${t("settingsAudit.title")} · ${t("common.appName")}`;
    api.get<{ id: number; name: string }[]>(accountPath("/agents")).then(setPeople, () => setPeople([]));
  }, []);
  const key = JSON.stringify({ ...applied, page });
  // The form follows the address as soon as it changes (a filter applied, Back), in the render that
  // sees the change: synced in an effect, it would land a frame later and undo what a person typed meanwhile.
  const [shownKey, setShownKey] = useState(key);
  if (shownKey !== key) {
    setShownKey(key);
    setFilters(applied);
  }
  useEffect(() => {
    let live = true;
    setData(null);
    api
      .get<Page>(accountPath("/audit_logs"), {
        action: applied.action,
        auditable_type: applied.auditable_type,
        user_id: applied.user_id,
        since: applied.from ? dayStart(applied.from) : undefined,
        // The last day counts whole: the range ends as the next day starts.
        until: applied.to ? dayStart(applied.to, 1) : undefined,
        page,
        per_page: PER_PAGE,
      })
      .then(
        (answer) => {
          if (!live) return;
          setData(answer);
          setErrors(NO_ERRORS);
        },
        (failure: unknown) => {
          if (!live) return;
          const found = errorsOf(failure);
          // The API names its own parameters: since is the From field, until the To field.
          const fields = Object.fromEntries(
            Object.entries(found.fields).map(([field, message]) => [field === "since" ? "from" : field === "until" ? "to" : field, message]),
          );
          setErrors({ fields, message: found.message });
        },
      );
    return () => {
      live = false;
    };
  }, [key]);
  if (account === null) return null;
  const go = (next: Filters, nextPage = 1) => navigate(withQuery(auditLogPath(account), { ...next, page: nextPage === 1 ? undefined : nextPage }));
  const pages = data ? Math.max(1, Math.ceil(data.total_entries / PER_PAGE)) : 1;
  const filtered = Object.values(applied).some((value) => value !== "");
  const from = fieldNote("audit", "from", errors, t("settingsAudit.fromHint"));
  const to = fieldNote("audit", "to", errors, t("settingsAudit.toHint"));
  const select = (name: "action" | "auditable_type" | "user_id", label: string, all: string, options: { value: string; label: string }[]) => (
    <div class="field">
      <label for={`audit-${name}`}>{label}</label>
      <select
        id={`audit-${name}`}
        class="select"
        value={filters[name]}
        onChange={(event) => {
          const value = event.currentTarget.value;
          setFilters((current) => ({ ...current, [name]: value }));
        }}
      >
        <option value="">{all}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
  return (
    <div class="settings-screen">
      <SettingsHead title={t("settingsAudit.title")} lead={t("settingsAudit.lead")} />
      <form
        class="audit-log-filters"
        aria-label={t("settingsAudit.filters")}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          go(filters);
        }}
      >
        {select(
          "action",
          t("settingsAudit.action"),
          t("settingsAudit.allActions"),
          ACTIONS.map((value) => ({ value, label: named("actions", value) })),
        )}
        {select(
          "auditable_type",
          t("settingsAudit.type"),
          t("settingsAudit.allTypes"),
          TYPES.map((value) => ({ value, label: named("typeNames", value) })).sort((a, b) => a.label.localeCompare(b.label)),
        )}
        {select(
          "user_id",
          t("settingsAudit.user"),
          t("settingsAudit.allUsers"),
          people.map((person) => ({ value: String(person.id), label: person.name })),
        )}
        <div class="field">
          <label for={from.id}>{t("settingsAudit.from")}</label>
          <input
            {...from.props}
            type="date"
            value={filters.from}
            onInput={(event) => {
              const value = event.currentTarget.value;
              setFilters((current) => ({ ...current, from: value }));
            }}
          />
          {from.note}
        </div>
        <div class="field">
          <label for={to.id}>{t("settingsAudit.to")}</label>
          <input
            {...to.props}
            type="date"
            value={filters.to}
            onInput={(event) => {
              const value = event.currentTarget.value;
              setFilters((current) => ({ ...current, to: value }));
            }}
          />
          {to.note}
        </div>
        <div class="form-actions">
          <button type="submit" class="button button-primary">
            {t("settingsAudit.apply")}
          </button>
          {filtered && (
            <button type="button" class="button" onClick={() => go({ action: "", auditable_type: "", user_id: "", from: "", to: "" })}>
              {t("settingsAudit.clear")}
            </button>
          )}
        </div>
      </form>
      {errors.message && Object.keys(errors.fields).length === 0 && (
        <p class="notice notice-error" role="alert">
          {t("settings.loadFailed", { message: errors.message })}
        </p>
      )}
      {Object.keys(errors.fields).length > 0 && (
        <p class="notice notice-error" role="alert">
          {t("settingsAudit.checkFields")}
        </p>
      )}
      <p role="status" class="visually-hidden">
        {data ? t("settingsAudit.total", { count: data.total_entries }) : ""}
      </p>
      {!data && errors === NO_ERRORS && <p class="page-loading">{t("common.loading")}</p>}
      {data && data.audit_logs.length === 0 && <p class="empty-state">{filtered ? t("settingsAudit.empty") : t("settingsAudit.emptyAll")}</p>}
      {data && data.audit_logs.length > 0 && (
        <>
          <div class="table-scroll" role="region" aria-label={t("settingsAudit.title")} tabIndex={0}>
            <SettingsTable
              label={t("settingsAudit.title")}
              columns={[t("settingsAudit.columns.when"), t("settingsAudit.columns.who"), t("settingsAudit.columns.what"), t("settingsAudit.columns.changes")]}
            >
              {data.audit_logs.map((entry) => (
                <tr key={entry.id}>
                  <td>{formatDateTime(entry.created_at)}</td>
                  <td>
                    {entry.username ?? entry.user_type}
                    {entry.user_email && <span class="muted audit-detail">{entry.user_email}</span>}
                  </td>
                  <th scope="row">
                    {t("settingsAudit.what", { action: named("actions", entry.action), type: named("types", entry.auditable_type) })}
                    {entry.auditable_id !== null && <span class="muted"> #{entry.auditable_id}</span>}
                  </th>
                  <td>
                    <ul class="audit-changes">
                      {changesOf(entry).map((line, index) => (
                        <li key={index}>{line}</li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </SettingsTable>
          </div>
          <nav class="pager" aria-label={t("settingsAudit.pages")}>
            <button type="button" class="button button-small" disabled={page <= 1} onClick={() => go(applied, page - 1)}>
              {t("settingsAudit.previous")}
            </button>
            <span class="muted">{t("settingsAudit.page", { page, pages })}</span>
            <button type="button" class="button button-small" disabled={page >= pages} onClick={() => go(applied, page + 1)}>
              {t("settingsAudit.next")}
            </button>
          </nav>
        </>
      )}
    </div>
  );
}
