/**
 * A one-off campaign's recipients' report: how many were sent, failed, skipped (contacts who answered
 * STOP) and are still waiting, then each recipient with their status and the reason or the provider's
 * answer, a page at a time, filtered by status (`GET .../campaigns/:id/recipients`).
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { Dialog } from "../../components/Dialog";
import { accountPath, api, failureMessage } from "../../core/api";
import { t } from "../../core/i18n";
import { SettingsTable } from "../SettingsTable";
import type { Campaign } from "./model";

const STATUSES = ["sent", "failed", "skipped", "pending", "sending"] as const;
type RecipientStatus = (typeof STATUSES)[number];
const STATUS_CHIP: Record<RecipientStatus, string> = {
  sent: "chip-success",
  failed: "chip-danger",
  skipped: "chip-warning",
  pending: "chip-neutral",
  sending: "chip-neutral",
};
const PER_PAGE = 25;

type Recipient = {
  contact_id: number;
  phone_number: string;
  status: RecipientStatus;
  provider_sid: string | null;
  provider_status: string | null;
  error: string | null;
  finished_at: number | null;
};
type Report = { meta: { count: number; statuses: Record<RecipientStatus, number> }; payload: Recipient[] };

/** "Dec 7, 2026, 2:30 PM" as the sub-account's clock shows the instant. */
export function formatInZone(unixSeconds: number, timeZone: string): string {
  return new Intl.DateTimeFormat(undefined, { timeZone, dateStyle: "medium", timeStyle: "short" }).format(new Date(unixSeconds * 1000));
}

/** `timeZone`: the sub-account's, in which the report's times are shown. */
export function RecipientsReport({ campaign, timeZone, onClose }: { campaign: Campaign; timeZone: string; onClose: () => void }) {
  const [status, setStatus] = useState<RecipientStatus | "">("");
  const [page, setPage] = useState(1);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  const asked = useRef(0);
  const load = async () => {
    const ask = ++asked.current;
    try {
      const answer = await api.get<Report>(accountPath(`/campaigns/${campaign.id}/recipients`), {
        page,
        per_page: PER_PAGE,
        status: status === "" ? undefined : status,
      });
      if (ask !== asked.current) return;
      setReport(answer);
      setError(null);
    } catch (failure) {
      if (ask === asked.current) setError(failureMessage(failure));
    }
  };
  useEffect(() => void load(), [status, page]);
  const pages = report ? Math.max(1, Math.ceil(report.meta.count / PER_PAGE)) : 1;
  const counts = report?.meta.statuses;
  return (
    <Dialog title={t("settingsCampaigns.recipients.title", { title: campaign.title })} onClose={onClose} class="dialog-wide">
      {counts && (
        <p class="report-summary">
          {t("settingsCampaigns.recipients.summary", {
            sent: counts.sent,
            failed: counts.failed,
            skipped: counts.skipped,
            pending: counts.pending + counts.sending,
          })}
        </p>
      )}
      <p class="muted">{t("settingsCampaigns.recipients.zone", { zone: timeZone })}</p>
      <div class="report-tools">
        <div class="field">
          <label for="report-status">{t("settingsCampaigns.recipients.filter")}</label>
          <select
            id="report-status"
            class="select"
            value={status}
            onChange={(event) => {
              const value = event.currentTarget.value;
              setStatus(STATUSES.find((s) => s === value) ?? "");
              setPage(1);
            }}
          >
            <option value="">{t("settingsCampaigns.recipients.all")}</option>
            {STATUSES.map((value) => (
              <option key={value} value={value}>
                {t(`settingsCampaigns.recipients.statuses.${value}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="button" class="button" onClick={() => void load()}>
          {t("settingsCampaigns.recipients.refresh")}
        </button>
      </div>
      {error && (
        <p class="notice notice-error" role="alert">
          {error}
        </p>
      )}
      {report === null && !error && <p class="page-loading">{t("common.loading")}</p>}
      {report && report.payload.length === 0 && <p class="muted">{t("settingsCampaigns.recipients.empty")}</p>}
      {report && report.payload.length > 0 && (
        <div class="table-scroll" role="region" aria-label={t("settingsCampaigns.recipients.table")} tabIndex={0}>
          <SettingsTable
            label={t("settingsCampaigns.recipients.table")}
            columns={[
              t("settingsCampaigns.recipients.columns.contact"),
              t("settingsCampaigns.recipients.columns.phone"),
              t("settingsCampaigns.recipients.columns.status"),
              t("settingsCampaigns.recipients.columns.detail"),
              t("settingsCampaigns.recipients.columns.finished"),
            ]}
          >
            {report.payload.map((recipient) => (
              <tr key={recipient.contact_id}>
                <th scope="row">{t("settingsCampaigns.recipients.contact", { id: recipient.contact_id })}</th>
                <td>{recipient.phone_number}</td>
                <td>
                  <span class={`chip ${STATUS_CHIP[recipient.status]}`}>{t(`settingsCampaigns.recipients.statuses.${recipient.status}`)}</span>
                </td>
                <td>{recipient.error ?? [recipient.provider_status, recipient.provider_sid].filter(Boolean).join(" · ")}</td>
                <td>{recipient.finished_at === null ? "" : formatInZone(recipient.finished_at, timeZone)}</td>
              </tr>
            ))}
          </SettingsTable>
        </div>
      )}
      {report && pages > 1 && (
        <nav class="report-paging" aria-label={t("settingsCampaigns.recipients.table")}>
          <button type="button" class="button button-small" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            {t("settingsCampaigns.recipients.previous")}
          </button>
          <span>{t("settingsCampaigns.recipients.page", { page, pages })}</span>
          <button type="button" class="button button-small" disabled={page >= pages} onClick={() => setPage(page + 1)}>
            {t("settingsCampaigns.recipients.next")}
          </button>
        </nav>
      )}
    </Dialog>
  );
}
