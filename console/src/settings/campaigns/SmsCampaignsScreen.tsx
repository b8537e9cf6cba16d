/**
 * One-off SMS campaigns: a text sent once, at a time given in the sub-account's time zone, from an
 * SMS inbox to the contacts with any of the audience's labels. The list shows each campaign's
 * status; a scheduled campaign can be edited, a started one has its recipients' report. The API's
 * refusals show beside the field they concern.
 */
import { useEffect, useState } from "preact/hooks";
import { unixToWallTime, wallTimeToUnix } from "../../../../src/domain/zoned-time";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Dialog } from "../../components/Dialog";
import { accountPath, api, errorsOf, type FormErrors, NO_ERRORS } from "../../core/api";
import { t } from "../../core/i18n";
import { fieldNote } from "../fieldNote";
import { FormActions } from "../FormActions";
import { FormNotice } from "../FormNotice";
import { ListState } from "../ListState";
import { RowButton } from "../RowButton";
import { SettingsHead } from "../SettingsHead";
import { useList } from "../useList";
import { type Campaign, campaignsOfType, type InboxOption, inboxesOfChannel, type LabelOption, renameFields } from "./model";
import { formatInZone, RecipientsReport } from "./RecipientsReport";

const MAX_SMS_LENGTH = 1600;
const STATUS_CHIP = { scheduled: "chip-neutral", running: "chip-warning", completed: "chip-success" } as const;

type Options = { inboxes: InboxOption[]; labels: LabelOption[]; timeZone: string };

export function SmsCampaignsScreen() {
  const { items: campaigns, error, reload } = useList(() => campaignsOfType("one_off"));
  const [options, setOptions] = useState<Options | null>(null);
  const [editing, setEditing] = useState<Campaign | "new" | null>(null);
  const [deleting, setDeleting] = useState<Campaign | null>(null);
  const [reporting, setReporting] = useState<Campaign | null>(null);
  const [announce, setAnnounce] = useState("");
  useEffect(() => {
    document.title = `${t("settingsCampaigns.sms.title")} · ${t("common.appName")}`;
    void Promise.all([
      inboxesOfChannel("Channel::Sms"),
      api.get<{ payload: LabelOption[] }>(accountPath("/labels")),
      api.get<{ timezone: string }>(accountPath("")),
    ]).then(
      ([inboxes, labels, account]) => setOptions({ inboxes, labels: labels.payload, timeZone: account.timezone }),
      () => setOptions({ inboxes: [], labels: [], timeZone: "UTC" }),
    );
  }, []);
  const labelTitle = (id: number) => options?.labels.find((label) => label.id === id)?.title ?? `#${id}`;
  const missing =
    options === null
      ? null
      : options.inboxes.length === 0
        ? t("settingsCampaigns.sms.noSmsInbox")
        : options.labels.length === 0
          ? t("settingsCampaigns.sms.noLabels")
          : null;
  return (
    <div class="settings-screen">
      <SettingsHead
        title={t("settingsCampaigns.sms.title")}
        lead={t("settingsCampaigns.sms.lead")}
        add={options && missing === null ? { label: t("settingsCampaigns.sms.add"), onAdd: () => setEditing("new") } : undefined}
      />
      {missing && <p class="notice">{missing}</p>}
      <ListState
        items={options ? campaigns : null}
        error={error && t("settings.loadFailed", { message: error })}
        announce={announce}
        label={t("settingsCampaigns.sms.title")}
        empty={t("settingsCampaigns.sms.empty")}
        columns={[
          t("settingsCampaigns.sms.columns.title"),
          t("settingsCampaigns.sms.columns.inbox"),
          t("settingsCampaigns.sms.columns.audience"),
          t("settingsCampaigns.sms.columns.scheduled", { zone: options?.timeZone ?? "" }),
          t("settingsCampaigns.sms.columns.status"),
          t("settingsCampaigns.sms.columns.actions"),
        ]}
      >
        {(campaigns) =>
          campaigns.map((campaign) => {
            const status = campaign.status ?? "scheduled";
            return (
              <tr key={campaign.id}>
                <th scope="row">{campaign.title}</th>
                <td>{campaign.inbox.name}</td>
                <td>{(campaign.audience ?? []).map((entry) => labelTitle(entry.id)).join(", ")}</td>
                <td>{options && campaign.scheduled_at !== undefined ? formatInZone(campaign.scheduled_at, options.timeZone) : ""}</td>
                <td>
                  <span class={`chip ${STATUS_CHIP[status]}`}>{t(`settingsCampaigns.sms.statuses.${status}`)}</span>
                </td>
                <td>
                  <span class="row-actions">
                    {status === "scheduled" ? (
                      <RowButton label={t("settingsCampaigns.edit")} row={campaign.title} onClick={() => setEditing(campaign)} />
                    ) : (
                      <RowButton label={t("settingsCampaigns.sms.report")} row={campaign.title} onClick={() => setReporting(campaign)} />
                    )}
                    <RowButton label={t("settingsCampaigns.delete")} row={campaign.title} danger onClick={() => setDeleting(campaign)} />
                  </span>
                </td>
              </tr>
            );
          })
        }
      </ListState>
      {editing && options && (
        <SmsCampaignDialog
          campaign={editing === "new" ? null : editing}
          options={options}
          onClose={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            setAnnounce(t("settingsCampaigns.saved", { title: saved.title }));
            void reload();
          }}
        />
      )}
      {reporting && options && <RecipientsReport campaign={reporting} timeZone={options.timeZone} onClose={() => setReporting(null)} />}
      {deleting && (
        <ConfirmDialog
          title={t("settingsCampaigns.confirmDeleteTitle")}
          description={t("settingsCampaigns.confirmDeleteSms", { title: deleting.title })}
          confirmLabel={t("settingsCampaigns.deleteConfirm", { title: deleting.title })}
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await api.del(accountPath(`/campaigns/${deleting.id}`));
            setAnnounce(t("settingsCampaigns.deleted", { title: deleting.title }));
            setDeleting(null);
            void reload();
          }}
        />
      )}
    </div>
  );
}

type Draft = { title: string; message: string; inbox_id: number; audience: number[]; scheduled_at: string };

type DialogProps = { campaign: Campaign | null; options: Options; onClose: () => void; onSaved: (campaign: Campaign) => void };

function SmsCampaignDialog({ campaign, options, onClose, onSaved }: DialogProps) {
  const [draft, setDraft] = useState<Draft>(() => ({
    title: campaign?.title ?? "",
    message: campaign?.message ?? "",
    inbox_id: campaign?.inbox.id ?? options.inboxes[0]?.id ?? 0,
    audience: (campaign?.audience ?? []).map((entry) => entry.id),
    scheduled_at: campaign?.scheduled_at === undefined ? "" : unixToWallTime(campaign.scheduled_at, options.timeZone),
  }));
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((current) => ({ ...current, [key]: value }));
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    const scheduledAt = wallTimeToUnix(draft.scheduled_at, options.timeZone);
    const body = {
      title: draft.title.trim(),
      message: draft.message.trim(),
      inbox_id: draft.inbox_id,
      ...(draft.audience.length > 0 || campaign ? { audience: draft.audience.map((id) => ({ type: "Label", id })) } : {}),
      ...(scheduledAt === null ? {} : { scheduled_at: scheduledAt }),
    };
    try {
      const saved = campaign
        ? await api.patch<Campaign>(accountPath(`/campaigns/${campaign.id}`), body)
        : await api.post<Campaign>(accountPath("/campaigns"), body);
      onSaved(saved);
    } catch (failure) {
      const found = errorsOf(failure);
      setErrors({ ...found, fields: renameFields(found.fields) });
    } finally {
      setBusy(false);
    }
  };
  const note = (name: string, hint: string | null) => fieldNote("sms-campaign", name, errors, hint);
  const title = note("title", t("settingsCampaigns.hints.title"));
  const message = note(
    "message",
    `${t("settingsCampaigns.hints.smsMessage")} ${t("settingsCampaigns.sms.characters", { count: draft.message.length, max: MAX_SMS_LENGTH })}`,
  );
  const inbox = note("inbox_id", null);
  const when = note("scheduled_at", t("settingsCampaigns.sms.timeZone", { zone: options.timeZone }));
  const audienceError = errors.fields.audience;
  return (
    <Dialog
      title={campaign ? t("settingsCampaigns.editTitle", { title: campaign.title }) : t("settingsCampaigns.sms.add")}
      onClose={onClose}
      class="dialog-wide"
    >
      <form class="form" onSubmit={submit} noValidate>
        <div class="field">
          <label for={title.id}>{t("settingsCampaigns.fields.title")}</label>
          <input {...title.props} type="text" required value={draft.title} onInput={(event) => set("title", event.currentTarget.value)} />
          {title.note}
        </div>
        <div class="campaign-fields">
          <div class="field">
            <label for={inbox.id}>{t("settingsCampaigns.fields.inbox_id")}</label>
            <select {...inbox.props} class="select" value={String(draft.inbox_id)} onChange={(event) => set("inbox_id", Number(event.currentTarget.value))}>
              {options.inboxes.map((option) => (
                <option key={option.id} value={String(option.id)}>
                  {option.name}
                </option>
              ))}
            </select>
            {inbox.note}
          </div>
          <div class="field">
            <label for={when.id}>{t("settingsCampaigns.fields.scheduled_at")}</label>
            <input
              {...when.props}
              type="datetime-local"
              required
              value={draft.scheduled_at}
              onInput={(event) => set("scheduled_at", event.currentTarget.value)}
            />
            {when.note}
          </div>
        </div>
        <fieldset class="audience-picker" aria-describedby="sms-campaign-audience-note">
          <legend>{t("settingsCampaigns.fields.audience")}</legend>
          {options.labels.map((label) => (
            <span class="field-inline" key={label.id}>
              <input
                id={`sms-campaign-label-${label.id}`}
                type="checkbox"
                checked={draft.audience.includes(label.id)}
                onChange={(event) => {
                  const checked = event.currentTarget.checked;
                  setDraft((current) => ({
                    ...current,
                    audience: checked ? [...current.audience, label.id] : current.audience.filter((id) => id !== label.id),
                  }));
                }}
              />
              <label for={`sms-campaign-label-${label.id}`}>
                <span class="label-swatch" style={{ background: label.color }} aria-hidden="true" />
                {label.title}
              </label>
            </span>
          ))}
          <span id="sms-campaign-audience-note" class={audienceError ? "field-error" : "field-hint"}>
            {audienceError ?? t("settingsCampaigns.hints.audience")}
          </span>
        </fieldset>
        <div class="field">
          <label for={message.id}>{t("settingsCampaigns.fields.message")}</label>
          <textarea {...message.props} rows={4} required value={draft.message} onInput={(event) => set("message", event.currentTarget.value)} />
          {message.note}
        </div>
        <FormNotice errors={errors} checkFields={t("settingsCampaigns.checkFields")} />
        <FormActions submit={campaign ? t("settingsCampaigns.save") : t("settingsCampaigns.sms.create")} busy={busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
