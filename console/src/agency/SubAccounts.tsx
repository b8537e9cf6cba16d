/** Sub-Accounts: search, create with the location fields, and per row an Actions menu (Load Snapshot, Open as administrator). */
import { useEffect, useRef, useState } from "preact/hooks";
import { Dialog } from "../components/Dialog";
import { Menu } from "../components/Menu";
import { api } from "../core/api";
import { formatDateTime, t } from "../core/i18n";
import { Icon } from "../core/icons";
import { navigate, route, withQuery } from "../core/router";
import { AGENCY, openAsAdministrator, type Page, type Snapshot, type SnapshotLoad, type SubAccount } from "./agency-api";
import { FieldErrors, fieldError, messageOf } from "./forms";
import { LoadProgress, LoadReportTable, usePolledLoad } from "./LoadReport";

export function SubAccounts() {
  const q = route.value.query.q ?? "";
  const [search, setSearch] = useState(q);
  const [page, setPage] = useState<Page<SubAccount> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [loadInto, setLoadInto] = useState<SubAccount | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    api.get<Page<SubAccount>>(`${AGENCY}/accounts`, { q, per_page: 100 }).then(
      (answer) => live && (setPage(answer), setError(null)),
      (e: unknown) => live && setError(messageOf(e)),
    );
    return () => {
      live = false;
    };
  }, [q, reload]);

  const open = async (account: SubAccount) => {
    setNotice(t("agency.accounts.opening", { name: account.name }));
    try {
      await openAsAdministrator(account.id);
    } catch (e) {
      setNotice(null);
      setError(messageOf(e));
    }
  };

  return (
    <section class="agency-page" aria-labelledby="agency-accounts-title">
      <header class="agency-page-header">
        <h1 id="agency-accounts-title" class="page-title">
          {t("agency.accounts.title")}
        </h1>
        <button type="button" class="button button-primary" onClick={() => setCreating(true)}>
          <Icon name="plus" size={16} /> {t("agency.accounts.create")}
        </button>
      </header>
      <form
        role="search"
        class="agency-search"
        onSubmit={(event) => {
          event.preventDefault();
          navigate(withQuery("/app/agency/accounts", { q: search.trim() }));
        }}
      >
        <label for="agency-account-search" class="visually-hidden">
          {t("agency.accounts.search")}
        </label>
        <div class="search-field">
          <Icon name="search" size={16} class="search-field-icon" />
          <input
            id="agency-account-search"
            type="search"
            placeholder={t("agency.accounts.searchPlaceholder")}
            value={search}
            onInput={(e) => setSearch(e.currentTarget.value)}
          />
        </div>
        <button type="submit" class="button">
          {t("common.search")}
        </button>
      </form>
      <div role="status" class="agency-status">
        {notice}
      </div>
      {error && (
        <p class="notice notice-error" role="alert">
          {t("common.errors.generic", { message: error })}
        </p>
      )}
      {!page ? (
        !error && (
          <div class="page-loading" aria-busy="true">
            {t("common.loading")}
          </div>
        )
      ) : page.payload.length === 0 ? (
        <p class="empty-note">{q ? t("agency.accounts.noMatch", { q }) : t("agency.accounts.empty")}</p>
      ) : (
        <div class="table-scroll">
          <table class="table">
            <caption class="visually-hidden">{t("agency.accounts.count", { count: page.meta.count })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("agency.accounts.columns.name")}</th>
                <th scope="col">{t("agency.accounts.columns.business")}</th>
                <th scope="col">{t("agency.accounts.columns.location")}</th>
                <th scope="col">{t("agency.accounts.columns.created")}</th>
                <th scope="col">
                  <span class="visually-hidden">{t("agency.accounts.columns.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page.payload.map((account) => (
                <tr key={account.id}>
                  <th scope="row">
                    <span class="account-name">{account.name}</span>
                    <span class="muted account-id">#{account.id}</span>
                  </th>
                  <td>{account.business_name ?? "—"}</td>
                  <td>{[account.country, account.timezone, account.locale].filter(Boolean).join(" · ")}</td>
                  <td>{formatDateTime(account.created_at)}</td>
                  <td class="cell-actions">
                    <Menu
                      label={t("agency.accounts.actions", { name: account.name })}
                      buttonClass="button button-small"
                      placement="bottom-end"
                      button={
                        <>
                          {t("agency.accounts.columns.actions")} <Icon name="chevron-down" size={14} />
                        </>
                      }
                      items={[
                        { label: t("agency.accounts.loadSnapshot"), icon: <Icon name="download" size={16} />, onSelect: () => setLoadInto(account) },
                        { label: t("agency.accounts.open"), icon: <Icon name="external-link" size={16} />, onSelect: () => void open(account) },
                      ]}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {creating && (
        <CreateAccountDialog
          onClose={() => setCreating(false)}
          onCreated={(account) => {
            setCreating(false);
            setNotice(t("agency.accounts.created", { name: account.name }));
            setReload((n) => n + 1);
          }}
        />
      )}
      {loadInto && <LoadSnapshotDialog account={loadInto} onClose={() => setLoadInto(null)} />}
    </section>
  );
}

const TEXT_FIELDS = [
  ["business_name", "businessName", "text", "organization"],
  ["business_address", "address", "text", "street-address"],
  ["business_phone", "phone", "tel", "tel"],
  ["support_email", "supportEmail", "email", "email"],
] as const;

function CreateAccountDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (account: SubAccount) => void }) {
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  const [values, setValues] = useState<Record<string, string>>({ name: "", locale: "en", country: "", timezone: browserZone });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const set = (key: string) => (event: { currentTarget: HTMLInputElement }) => {
    const value = event.currentTarget.value;
    setValues((current) => ({ ...current, [key]: value }));
  };
  const zones = useRef<string[]>(typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [browserZone, "UTC"]).current;

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const body: Record<string, string | null> = { name: values.name?.trim() ?? "" };
    for (const key of ["locale", "country", "timezone", "business_name", "business_address", "business_phone", "support_email"]) {
      const value = values[key]?.trim();
      if (value) body[key] = value;
    }
    try {
      onCreated(await api.post<SubAccount>(`${AGENCY}/accounts`, body));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  const field = (key: string, labelKey: string, type: string, autocomplete: string, extra: { required?: boolean; hint?: string } = {}) => {
    const id = `account-${key}`;
    const problem = fieldError(error, key);
    return (
      <div class="field" key={key}>
        <label for={id}>{t(`agency.accountForm.${labelKey}`)}</label>
        <input
          id={id}
          type={type}
          autocomplete={autocomplete}
          required={extra.required}
          value={values[key] ?? ""}
          onInput={set(key)}
          aria-invalid={problem ? true : undefined}
          aria-describedby={[extra.hint ? `${id}-hint` : "", problem ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined}
        />
        {extra.hint && (
          <p id={`${id}-hint`} class="field-hint">
            {extra.hint}
          </p>
        )}
        {problem && (
          <p id={`${id}-error`} class="field-error">
            {problem}
          </p>
        )}
      </div>
    );
  };

  return (
    <Dialog title={t("agency.accountForm.title")} onClose={onClose} class="dialog-wide">
      <form class="form" onSubmit={submit} noValidate>
        {field("name", "name", "text", "off", { required: true })}
        <div class="form-grid">
          {field("locale", "locale", "text", "off")}
          {field("country", "country", "text", "country", { hint: t("agency.accountForm.countryHint") })}
        </div>
        <div class="field">
          <label for="account-timezone">{t("agency.accountForm.timezone")}</label>
          <select
            id="account-timezone"
            class="select"
            value={values.timezone}
            onChange={(e) => {
              const value = e.currentTarget.value;
              setValues((current) => ({ ...current, timezone: value }));
            }}
          >
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone}
              </option>
            ))}
          </select>
        </div>
        {TEXT_FIELDS.map(([key, label, type, autocomplete]) => field(key, label, type, autocomplete))}
        <FieldErrors error={error} known={["name", "locale", "country", "timezone", ...TEXT_FIELDS.map(([key]) => key)]} />
        <div class="form-actions">
          <button type="button" class="button" onClick={onClose}>
            {t("common.cancel")}
          </button>
          <button type="submit" class="button button-primary" disabled={busy}>
            {busy ? t("agency.accountForm.submitting") : t("agency.accountForm.submit")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Load Snapshot: choose one, see the dry run, Proceed, watch the progress, then the report with links to the widgets. */
function LoadSnapshotDialog({ account, onClose }: { account: SubAccount; onClose: () => void }) {
  const [snapshots, setSnapshots] = useState<Snapshot[] | null>(null);
  const [chosen, setChosen] = useState<number | null>(null);
  const [dryRunId, setDryRunId] = useState<number | null>(null);
  const [loadId, setLoadId] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const dryRun = usePolledLoad(dryRunId);
  const real = usePolledLoad(loadId);

  useEffect(() => {
    api.get<Page<Snapshot>>(`${AGENCY}/snapshots`, { per_page: 100 }).then(
      (answer) => {
        setSnapshots(answer.payload);
        setChosen(answer.payload[0]?.id ?? null);
      },
      (e: unknown) => setError(messageOf(e)),
    );
  }, []);

  const start = async (dry: boolean) => {
    if (chosen === null) return;
    setBusy(true);
    setError(null);
    try {
      const answer = await api.post<{ loads: Pick<SnapshotLoad, "id">[] }>(`${AGENCY}/snapshots/${chosen}/loads`, { account_ids: [account.id], dry_run: dry });
      const id = answer.loads[0]?.id ?? null;
      if (dry) setDryRunId(id);
      else setLoadId(id);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  const preview = dryRun.load;
  const loading = real.load;
  const previewDone = preview !== null && preview.status !== "queued" && preview.status !== "running";

  return (
    <Dialog title={t("agency.load.title", { name: account.name })} onClose={onClose} class="dialog-wide agency-load-dialog">
      {snapshots === null ? (
        <div class="page-loading" aria-busy="true">
          {t("common.loading")}
        </div>
      ) : snapshots.length === 0 ? (
        <p class="empty-note">{t("agency.load.noSnapshots")}</p>
      ) : (
        <div class="form">
          {loadId === null && (
            <>
              <div class="field">
                <label for="load-snapshot">{t("agency.load.choose")}</label>
                <select
                  id="load-snapshot"
                  class="select"
                  value={chosen ?? ""}
                  aria-describedby="load-snapshot-hint"
                  onChange={(e) => {
                    setChosen(Number(e.currentTarget.value));
                    setDryRunId(null);
                  }}
                >
                  {snapshots.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}
                    </option>
                  ))}
                </select>
                <p id="load-snapshot-hint" class="field-hint">
                  {t("agency.load.chooseHint", { name: account.name })}
                </p>
              </div>
              {dryRunId === null && (
                <div class="form-actions">
                  <button type="button" class="button" onClick={onClose}>
                    {t("common.cancel")}
                  </button>
                  <button type="button" class="button button-primary" disabled={busy || chosen === null} onClick={() => void start(true)}>
                    {t("agency.load.preview")}
                  </button>
                </div>
              )}
            </>
          )}
          <div role="status" class="agency-status">
            {dryRunId !== null && !previewDone && loadId === null ? t("agency.load.previewing") : ""}
          </div>
          {preview && previewDone && loadId === null && (
            <section aria-labelledby="dry-run-title" class="dry-run">
              <h3 id="dry-run-title" class="section-title">
                {t("agency.load.dryRunTitle")}
              </h3>
              <p class="muted">{t("agency.load.dryRunIntro", { name: account.name })}</p>
              <LoadReportTable load={preview} caption={t("agency.load.dryRunTitle")} />
              <div class="form-actions">
                <button type="button" class="button" onClick={onClose}>
                  {t("common.cancel")}
                </button>
                <button type="button" class="button button-primary" disabled={busy || preview.status === "failed"} onClick={() => void start(false)}>
                  {t("agency.load.proceed")}
                </button>
              </div>
            </section>
          )}
          {loading && (
            <section aria-labelledby="load-progress-title">
              <h3 id="load-progress-title" class="section-title">
                {loading.status === "queued" || loading.status === "running" ? t("agency.load.loading") : t("agency.load.loaded")}
              </h3>
              <LoadProgress load={loading} label={account.name} />
              {loading.status !== "queued" && loading.status !== "running" && (
                <>
                  <LoadReportTable load={loading} caption={t("agency.load.reportTitle")} />
                  <div class="form-actions">
                    <button type="button" class="button button-primary" onClick={onClose}>
                      {t("agency.load.done")}
                    </button>
                  </div>
                </>
              )}
            </section>
          )}
        </div>
      )}
      {(error || dryRun.error || real.error) && (
        <p class="notice notice-error" role="alert">
          {t("common.errors.generic", { message: error ?? dryRun.error ?? real.error ?? "" })}
        </p>
      )}
    </Dialog>
  );
}
