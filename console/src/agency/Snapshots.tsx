/**
 * Account Snapshots: the list (what each holds, its loads and their outcome), Create New Snapshot (name,
 * source, assets: Chat Widget all or some, custom fields only when picked), delete, and loading one
 * snapshot into several sub-accounts at once with each target's progress.
 */
import { useEffect, useState } from "preact/hooks";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Dialog } from "../components/Dialog";
import { Menu } from "../components/Menu";
import { api } from "../core/api";
import { formatDateTime, formatRelative, t } from "../core/i18n";
import { Icon } from "../core/icons";
import { AGENCY, allSubAccounts, type Page, type Snapshot, type SnapshotAssets, type SnapshotLoad, type SubAccount } from "./agency-api";
import { FieldErrors, fieldError, messageOf } from "./forms";
import { LoadProgress, LoadStatusChip, usePolledLoad } from "./LoadReport";

export function Snapshots() {
  const [snapshots, setSnapshots] = useState<Snapshot[] | null>(null);
  const [accounts, setAccounts] = useState<SubAccount[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Snapshot | null>(null);
  const [loading, setLoading] = useState<Snapshot | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    Promise.all([api.get<Page<Snapshot>>(`${AGENCY}/snapshots`, { per_page: 100 }), allSubAccounts()]).then(
      ([page, all]) => {
        if (!live) return;
        setSnapshots(page.payload);
        setAccounts(all);
      },
      (e: unknown) => live && setError(messageOf(e)),
    );
    return () => {
      live = false;
    };
  }, [reload]);

  const nameOf = (id: number) => accounts.find((a) => a.id === id)?.name ?? `#${id}`;

  return (
    <section class="agency-page" aria-labelledby="agency-snapshots-title">
      <header class="agency-page-header">
        <h1 id="agency-snapshots-title" class="page-title">
          {t("agency.snapshots.title")}
        </h1>
        <button type="button" class="button button-primary" onClick={() => setCreating(true)}>
          <Icon name="plus" size={16} /> {t("agency.snapshots.create")}
        </button>
      </header>
      <div role="status" class="agency-status">
        {notice}
      </div>
      {error && (
        <p class="notice notice-error" role="alert">
          {t("common.errors.generic", { message: error })}
        </p>
      )}
      {snapshots === null ? (
        !error && (
          <div class="page-loading" aria-busy="true">
            {t("common.loading")}
          </div>
        )
      ) : snapshots.length === 0 ? (
        <p class="empty-note">{t("agency.snapshots.empty")}</p>
      ) : (
        <ul class="snapshot-list">
          {snapshots.map((snapshot) => (
            <li key={snapshot.id} class="card snapshot-card">
              <div class="snapshot-head">
                <div>
                  <h2 class="card-title">{snapshot.name}</h2>
                  <p class="muted">
                    {t("agency.snapshots.from", { name: nameOf(snapshot.account_id) })} ·{" "}
                    {t("agency.snapshots.created", { when: formatRelative(snapshot.created_at) })}
                  </p>
                </div>
                <Menu
                  label={t("agency.snapshots.actions", { name: snapshot.name })}
                  buttonClass="button button-small"
                  placement="bottom-end"
                  button={
                    <>
                      {t("agency.accounts.columns.actions")} <Icon name="chevron-down" size={14} />
                    </>
                  }
                  items={[
                    { label: t("agency.snapshots.loadInto"), icon: <Icon name="download" size={16} />, onSelect: () => setLoading(snapshot) },
                    { label: t("agency.snapshots.delete"), icon: <Icon name="trash" size={16} />, danger: true, onSelect: () => setDeleting(snapshot) },
                  ]}
                />
              </div>
              <p>
                {t("agency.snapshots.holds", {
                  widgets: snapshot.counts.chat_widgets,
                  fields: snapshot.counts.custom_attribute_definitions,
                  media: snapshot.counts.media_files,
                })}
              </p>
              <SnapshotLoads snapshot={snapshot} nameOf={nameOf} refresh={reload} />
            </li>
          ))}
        </ul>
      )}
      {creating && (
        <CreateSnapshotDialog
          accounts={accounts}
          onClose={() => setCreating(false)}
          onCreated={(snapshot) => {
            setCreating(false);
            setNotice(t("agency.snapshotForm.created", { name: snapshot.name }));
            setReload((n) => n + 1);
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={t("agency.snapshots.deleteTitle", { name: deleting.name })}
          description={t("agency.snapshots.deleteBody")}
          confirmLabel={t("agency.snapshots.deleteConfirm")}
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            const gone = deleting;
            setDeleting(null);
            try {
              await api.del(`${AGENCY}/snapshots/${gone.id}`);
              setSnapshots((list) => list?.filter((s) => s.id !== gone.id) ?? null);
              setNotice(t("agency.snapshots.deleted", { name: gone.name }));
              setReload((n) => n + 1);
            } catch (e) {
              setError(messageOf(e));
            }
          }}
        />
      )}
      {loading && (
        <MultiLoadDialog
          snapshot={loading}
          accounts={accounts}
          onClose={() => {
            setLoading(null);
            setReload((n) => n + 1);
          }}
        />
      )}
    </section>
  );
}

function SnapshotLoads({ snapshot, nameOf, refresh }: { snapshot: Snapshot; nameOf: (id: number) => string; refresh: number }) {
  const [loads, setLoads] = useState<SnapshotLoad[] | null>(null);
  useEffect(() => {
    api.get<Page<SnapshotLoad>>(`${AGENCY}/snapshots/${snapshot.id}/loads`, { per_page: 10 }).then(
      (page) => setLoads(page.payload),
      () => setLoads([]),
    );
  }, [snapshot.id, refresh]);
  if (loads === null) return null;
  return (
    <div class="snapshot-loads">
      <h3 class="section-title">{t("agency.snapshots.loads")}</h3>
      {loads.length === 0 ? (
        <p class="muted">{t("agency.snapshots.noLoads")}</p>
      ) : (
        <ul class="load-list">
          {loads.map((load) => (
            <li key={load.id}>
              <span class="load-target">{nameOf(load.account_id)}</span>
              <LoadStatusChip load={load} />
              <span class="muted">
                {t("agency.load.progress", { done: load.progress.done, total: load.progress.total })} · {formatDateTime(load.created_at)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function CreateSnapshotDialog({ accounts, onClose, onCreated }: { accounts: SubAccount[]; onClose: () => void; onCreated: (snapshot: Snapshot) => void }) {
  const [name, setName] = useState("");
  const [source, setSource] = useState<number | null>(null);
  const [assets, setAssets] = useState<SnapshotAssets | null>(null);
  const [includeWidgets, setIncludeWidgets] = useState(true);
  const [allWidgets, setAllWidgets] = useState(true);
  const [pickedWidgets, setPickedWidgets] = useState<Set<number>>(new Set());
  const [pickedFields, setPickedFields] = useState<Set<number>>(new Set());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    setAssets(null);
    setPickedWidgets(new Set());
    setPickedFields(new Set());
    if (source === null) return;
    let live = true;
    api.get<SnapshotAssets>(`${AGENCY}/accounts/${source}/snapshot_assets`).then(
      (answer) => live && setAssets(answer),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [source]);

  const toggle = (set: Set<number>, id: number, update: (next: Set<number>) => void) => {
    const next = new Set(set);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    update(next);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (source === null) return;
    if (includeWidgets && !allWidgets && pickedWidgets.size === 0) {
      setError(new Error(t("agency.snapshotForm.pickOneWidget")));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const snapshot = await api.post<Snapshot>(`${AGENCY}/snapshots`, {
        name: name.trim(),
        account_id: source,
        assets: {
          chat_widgets: !includeWidgets ? [] : allWidgets ? "all" : [...pickedWidgets],
          custom_attribute_definitions: [...pickedFields],
        },
      });
      onCreated(snapshot);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  const nameError = fieldError(error, "name");
  return (
    <Dialog title={t("agency.snapshotForm.title")} onClose={onClose} class="dialog-wide">
      <form class="form" onSubmit={submit} noValidate>
        <div class="field">
          <label for="snapshot-name">{t("agency.snapshotForm.name")}</label>
          <input
            id="snapshot-name"
            type="text"
            required
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
            aria-invalid={nameError ? true : undefined}
            aria-describedby={nameError ? "snapshot-name-error" : undefined}
          />
          {nameError && (
            <p id="snapshot-name-error" class="field-error">
              {nameError}
            </p>
          )}
        </div>
        <div class="field">
          <label for="snapshot-source">{t("agency.snapshotForm.source")}</label>
          <select
            id="snapshot-source"
            class="select"
            required
            value={source ?? ""}
            onChange={(e) => setSource(e.currentTarget.value ? Number(e.currentTarget.value) : null)}
          >
            <option value="">{t("agency.snapshotForm.chooseSource")}</option>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
        {source !== null && !assets && (
          <div class="page-loading" aria-busy="true">
            {t("common.loading")}
          </div>
        )}
        {assets && (
          <fieldset class="asset-list">
            <legend>{t("agency.snapshotForm.assets")}</legend>
            <label class="check">
              <input type="checkbox" checked={includeWidgets} onChange={(e) => setIncludeWidgets(e.currentTarget.checked)} />
              <Icon name="message" size={16} /> {t("agency.snapshotForm.chatWidget")}
            </label>
            {includeWidgets &&
              (assets.chat_widgets.length === 0 ? (
                <p class="muted asset-nested">{t("agency.snapshotForm.noWidgets")}</p>
              ) : (
                <div class="asset-nested" role="group" aria-label={t("agency.snapshotForm.chatWidget")}>
                  <label class="check">
                    <input type="radio" name="widget-scope" checked={allWidgets} onChange={() => setAllWidgets(true)} />
                    {t("agency.snapshotForm.allWidgets", { count: assets.chat_widgets.length })}
                  </label>
                  <label class="check">
                    <input type="radio" name="widget-scope" checked={!allWidgets} onChange={() => setAllWidgets(false)} />
                    {t("agency.snapshotForm.someWidgets")}
                  </label>
                  {!allWidgets && (
                    <ul class="asset-choices">
                      {assets.chat_widgets.map((w) => (
                        <li key={w.id}>
                          <label class="check">
                            <input type="checkbox" checked={pickedWidgets.has(w.id)} onChange={() => toggle(pickedWidgets, w.id, setPickedWidgets)} />
                            {w.name} <span class="muted">{t(`agency.widgetType.${w.type}`)}</span>
                          </label>
                        </li>
                      ))}
                    </ul>
                  )}
                </div>
              ))}
            <div class="asset-group" role="group" aria-labelledby="custom-fields-label" aria-describedby="custom-fields-hint">
              <p id="custom-fields-label" class="asset-group-title">
                {t("agency.snapshotForm.customFields")}
              </p>
              <p id="custom-fields-hint" class="field-hint">
                {t("agency.snapshotForm.customFieldsHint")}
              </p>
              {assets.custom_attribute_definitions.length === 0 ? (
                <p class="muted">{t("agency.snapshotForm.noCustomFields")}</p>
              ) : (
                <ul class="asset-choices">
                  {assets.custom_attribute_definitions.map((d) => (
                    <li key={d.id}>
                      <label class="check">
                        <input type="checkbox" checked={pickedFields.has(d.id)} onChange={() => toggle(pickedFields, d.id, setPickedFields)} />
                        {d.attribute_display_name} <code class="muted">{d.attribute_key}</code>
                      </label>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          </fieldset>
        )}
        <FieldErrors error={error} known={["name"]} />
        <div class="form-actions">
          <button type="button" class="button" onClick={onClose}>
            {t("common.cancel")}
          </button>
          <button type="submit" class="button button-primary" disabled={busy || source === null || !assets}>
            {busy ? t("agency.snapshotForm.submitting") : t("agency.snapshotForm.submit")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function TargetProgress({ loadId, name }: { loadId: number; name: string }) {
  const { load, error } = usePolledLoad(loadId);
  if (error) return <p class="notice notice-error">{error}</p>;
  if (!load)
    return (
      <p class="muted">
        {name}: {t("common.loading")}
      </p>
    );
  return <LoadProgress load={load} label={name} />;
}

function MultiLoadDialog({ snapshot, accounts, onClose }: { snapshot: Snapshot; accounts: SubAccount[]; onClose: () => void }) {
  const [picked, setPicked] = useState<Set<number>>(new Set());
  const [loads, setLoads] = useState<{ id: number; account_id: number }[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const nameOf = (id: number) => accounts.find((a) => a.id === id)?.name ?? `#${id}`;
  const submit = async (event: Event) => {
    event.preventDefault();
    if (picked.size === 0) {
      setError(t("agency.multiLoad.pickOne"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const answer = await api.post<{ loads: { id: number; account_id: number }[] }>(`${AGENCY}/snapshots/${snapshot.id}/loads`, {
        account_ids: [...picked],
        dry_run: false,
      });
      setLoads(answer.loads);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={t("agency.multiLoad.title", { name: snapshot.name })} onClose={onClose} class="dialog-wide">
      {loads === null ? (
        <form class="form" onSubmit={submit}>
          <fieldset class="asset-list">
            <legend>{t("agency.multiLoad.targets")}</legend>
            <ul class="asset-choices">
              {accounts.map((a) => (
                <li key={a.id}>
                  <label class="check">
                    <input
                      type="checkbox"
                      checked={picked.has(a.id)}
                      onChange={() => {
                        const next = new Set(picked);
                        if (next.has(a.id)) next.delete(a.id);
                        else next.add(a.id);
                        setPicked(next);
                      }}
                    />
                    {a.name}
                  </label>
                </li>
              ))}
            </ul>
          </fieldset>
          {error && (
            <p class="notice notice-error" role="alert">
              {error}
            </p>
          )}
          <div class="form-actions">
            <button type="button" class="button" onClick={onClose}>
              {t("common.cancel")}
            </button>
            <button type="submit" class="button button-primary" disabled={busy}>
              {t("agency.multiLoad.submit")}
            </button>
          </div>
        </form>
      ) : (
        <section aria-labelledby="multi-progress-title" class="form">
          <h3 id="multi-progress-title" class="section-title">
            {t("agency.multiLoad.progressTitle")}
          </h3>
          {loads.map((load) => (
            <TargetProgress key={load.id} loadId={load.id} name={nameOf(load.account_id)} />
          ))}
          <div class="form-actions">
            <button type="button" class="button button-primary" onClick={onClose}>
              {t("agency.load.done")}
            </button>
          </div>
        </section>
      )}
    </Dialog>
  );
}
