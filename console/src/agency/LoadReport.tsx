/** A snapshot load followed live (polled until it ends) and its report: per widget what maps, to what, and what needs setup. */
import { useEffect, useState } from "preact/hooks";
import { api } from "../core/api";
import { t } from "../core/i18n";
import { Icon } from "../core/icons";
import { AGENCY, type DependencyOutcome, type FieldReport, isFinished, type SnapshotLoad, type WidgetReport } from "./agency-api";
import { openAsAdministrator, widgetPath } from "./agency-api";

const POLL_MS = 700;

/** The load, re-read every POLL_MS until it has finished. */
export function usePolledLoad(loadId: number | null): { load: SnapshotLoad | null; error: string | null } {
  const [load, setLoad] = useState<SnapshotLoad | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setLoad(null);
    setError(null);
    if (loadId === null) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const next = await api.get<SnapshotLoad>(`${AGENCY}/snapshot_loads/${loadId}`);
        if (!live) return;
        setLoad(next);
        if (!isFinished(next.status)) timer = setTimeout(poll, POLL_MS);
      } catch (e) {
        if (live) setError(e instanceof Error ? e.message : String(e));
      }
    };
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [loadId]);
  return { load, error };
}

const statusChip = (status: SnapshotLoad["status"]) =>
  status === "completed" ? "chip-success" : status === "failed" ? "chip-danger" : status === "completed_with_warnings" ? "chip-warning" : "chip-neutral";

export function LoadStatusChip({ load }: { load: Pick<SnapshotLoad, "status" | "dry_run"> }) {
  return (
    <span class={`chip ${statusChip(load.status)}`}>
      {t(`agency.status.${load.status}`)}
      {load.dry_run ? ` (${t("agency.snapshots.dryRun")})` : ""}
    </span>
  );
}

/** The live progress bar of a running load. */
export function LoadProgress({ load, label }: { load: SnapshotLoad; label: string }) {
  const { done, total } = load.progress;
  const finished = isFinished(load.status);
  return (
    <div class="load-progress">
      <div class="load-progress-head">
        <span>{label}</span>
        <LoadStatusChip load={load} />
      </div>
      <div
        class="progress"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={Math.max(total, 1)}
        aria-valuenow={finished && total === 0 ? 1 : done}
        aria-valuetext={t("agency.load.progress", { done, total })}
      >
        <div class="progress-bar" style={{ width: `${total === 0 ? (finished ? 100 : 0) : Math.round((done / total) * 100)}%` }} />
      </div>
      <p class="muted load-progress-count">{t("agency.load.progress", { done, total })}</p>
      {load.error && (
        <p class="notice notice-error" role="alert">
          {load.error}
        </p>
      )}
    </div>
  );
}

function dependencyText(dependency: DependencyOutcome): string {
  const type = t(`agency.dependency.${dependency.type}`);
  if (dependency.outcome === "left_empty") return t("agency.dependency.left_empty", { type });
  const to = Object.values(dependency.mapped_to ?? {})
    .filter((v) => v !== null && typeof v !== "number")
    .join(" · ");
  return t("agency.dependency.mapped", { type, to: to || "—" });
}

function WidgetRow({ entry, accountId }: { entry: WidgetReport; accountId: number }) {
  const needsSetup = entry.setup_status === "incomplete" || entry.dependencies.some((d) => d.outcome === "left_empty");
  const inbox = entry.inbox;
  return (
    <tr>
      <th scope="row">
        {entry.widget_id !== null ? (
          <a
            href={widgetPath(accountId, entry.widget_id)}
            onClick={(event) => {
              if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
              event.preventDefault();
              void openAsAdministrator(accountId, widgetPath(accountId, entry.widget_id as number));
            }}
          >
            {entry.name}
          </a>
        ) : (
          entry.name
        )}
        <span class="muted report-type">{t(`agency.widgetType.${entry.type}`)}</span>
      </th>
      <td>{t(`agency.action.${entry.action}`)}</td>
      <td>{inbox ? t(`agency.inbox.${inbox.outcome}`, { name: inbox.name }) : "—"}</td>
      <td>
        {entry.dependencies.length === 0 ? (
          <span class="muted">{t("agency.setup.none")}</span>
        ) : (
          <ul class="report-list">
            {entry.dependencies.map((d) => (
              <li key={d.type} class={d.outcome === "left_empty" ? "report-needs" : "report-ok"}>
                <Icon name={d.outcome === "left_empty" ? "alert" : "check-circle"} size={14} /> {dependencyText(d)}
                {d.reason && <span class="muted"> — {d.reason}</span>}
              </li>
            ))}
          </ul>
        )}
      </td>
      <td>
        <span class={`chip ${needsSetup ? "chip-warning" : "chip-success"}`}>{t(needsSetup ? "agency.setup.incomplete" : "agency.setup.complete")}</span>
        {entry.missing_dependencies.length > 0 && (
          <ul class="report-list muted">
            {entry.missing_dependencies.map((text) => (
              <li key={text}>{text}</li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
}

/** The per-widget table of a load (dry run or done), and the custom fields it creates or skips. */
export function LoadReportTable({ load, caption }: { load: SnapshotLoad; caption: string }) {
  const widgets = load.report.filter((e): e is WidgetReport => e.kind === "chat_widget");
  const fields = load.report.filter((e): e is FieldReport => e.kind === "custom_attribute_definition");
  return (
    <div class="report">
      <div class="table-scroll">
        <table class="table report-table">
          <caption class="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t("agency.load.widgetColumn")}</th>
              <th scope="col">{t("agency.load.actionColumn")}</th>
              <th scope="col">{t("agency.load.inboxColumn")}</th>
              <th scope="col">{t("agency.load.mapsColumn")}</th>
              <th scope="col">{t("agency.load.setupColumn")}</th>
            </tr>
          </thead>
          <tbody>
            {widgets.map((entry) => (
              <WidgetRow key={entry.source_widget_id} entry={entry} accountId={load.account_id} />
            ))}
          </tbody>
        </table>
      </div>
      {fields.length > 0 && (
        <ul class="report-list">
          {fields.map((f) => (
            <li key={`${f.attribute_model}:${f.attribute_key}`}>
              {t(`agency.customField.${f.action}`, { key: f.attribute_key })}
              {f.reason && <span class="muted"> — {f.reason}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
