/**
 * Ongoing campaigns: messages the chat widget shows on website pages matching a URL pattern after
 * some seconds on the page. Create and edit in a dialog (message, sender, website inbox, URL pattern
 * with its tester, time on page, working hours only, enabled) whose fields show the API's refusals
 * beside them; delete after a confirmation.
 */
import { useEffect, useState } from "preact/hooks";
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
import { type AgentOption, type Campaign, campaignsOfType, type InboxOption, inboxesOfChannel, renameFields } from "./model";
import { UrlTester } from "./UrlTester";

type Options = { inboxes: InboxOption[]; agents: AgentOption[] };

export function OngoingCampaignsScreen() {
  const { items: campaigns, error, reload } = useList(() => campaignsOfType("ongoing"));
  const [options, setOptions] = useState<Options | null>(null);
  const [editing, setEditing] = useState<Campaign | "new" | null>(null);
  const [deleting, setDeleting] = useState<Campaign | null>(null);
  const [announce, setAnnounce] = useState("");
  useEffect(() => {
    document.title = `${t("settingsCampaigns.ongoing.title")} · ${t("common.appName")}`;
    void Promise.all([inboxesOfChannel("Channel::WebWidget"), api.get<AgentOption[]>(accountPath("/agents"))]).then(
      ([inboxes, agents]) => setOptions({ inboxes, agents }),
      () => setOptions({ inboxes: [], agents: [] }),
    );
  }, []);
  const noInbox = options !== null && options.inboxes.length === 0;
  return (
    <div class="settings-screen">
      <SettingsHead
        title={t("settingsCampaigns.ongoing.title")}
        lead={t("settingsCampaigns.ongoing.lead")}
        add={options && !noInbox ? { label: t("settingsCampaigns.ongoing.add"), onAdd: () => setEditing("new") } : undefined}
      />
      {noInbox && <p class="notice">{t("settingsCampaigns.ongoing.noWebsiteInbox")}</p>}
      <ListState
        items={campaigns}
        error={error && t("settings.loadFailed", { message: error })}
        announce={announce}
        label={t("settingsCampaigns.ongoing.title")}
        empty={t("settingsCampaigns.ongoing.empty")}
        columns={[
          t("settingsCampaigns.ongoing.columns.title"),
          t("settingsCampaigns.ongoing.columns.inbox"),
          t("settingsCampaigns.ongoing.columns.pages"),
          t("settingsCampaigns.ongoing.columns.delay"),
          t("settingsCampaigns.ongoing.columns.status"),
          t("settingsCampaigns.ongoing.columns.actions"),
        ]}
      >
        {(campaigns) =>
          campaigns.map((campaign) => (
            <tr key={campaign.id}>
              <th scope="row">{campaign.title}</th>
              <td>{campaign.inbox.name}</td>
              <td>
                <code class="url-pattern">{campaign.trigger_rules.url}</code>
              </td>
              <td>{t("settingsCampaigns.ongoing.seconds", { count: campaign.trigger_rules.time_on_page ?? 0 })}</td>
              <td>
                <span class={campaign.enabled ? "chip chip-success" : "chip chip-neutral"}>
                  {campaign.enabled ? t("settingsCampaigns.enabled") : t("settingsCampaigns.disabled")}
                </span>
              </td>
              <td>
                <span class="row-actions">
                  <RowButton label={t("settingsCampaigns.edit")} row={campaign.title} onClick={() => setEditing(campaign)} />
                  <RowButton label={t("settingsCampaigns.delete")} row={campaign.title} danger onClick={() => setDeleting(campaign)} />
                </span>
              </td>
            </tr>
          ))
        }
      </ListState>
      {editing && options && (
        <OngoingCampaignDialog
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
      {deleting && (
        <ConfirmDialog
          title={t("settingsCampaigns.confirmDeleteTitle")}
          description={t("settingsCampaigns.confirmDelete", { title: deleting.title })}
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

type Draft = {
  title: string;
  message: string;
  inbox_id: number;
  sender_id: number | null;
  url: string;
  time_on_page: string;
  trigger_only_during_business_hours: boolean;
  enabled: boolean;
};

function draftOf(campaign: Campaign | null, options: Options): Draft {
  return {
    title: campaign?.title ?? "",
    message: campaign?.message ?? "",
    inbox_id: campaign?.inbox.id ?? options.inboxes[0]?.id ?? 0,
    sender_id: campaign?.sender?.id ?? null,
    url: campaign?.trigger_rules.url ?? "",
    time_on_page: String(campaign?.trigger_rules.time_on_page ?? 10),
    trigger_only_during_business_hours: campaign?.trigger_only_during_business_hours ?? false,
    enabled: campaign?.enabled ?? true,
  };
}

type DialogProps = { campaign: Campaign | null; options: Options; onClose: () => void; onSaved: (campaign: Campaign) => void };

function OngoingCampaignDialog({ campaign, options, onClose, onSaved }: DialogProps) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(campaign, options));
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((current) => ({ ...current, [key]: value }));
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    const seconds = Number(draft.time_on_page);
    const body = {
      title: draft.title.trim(),
      message: draft.message.trim(),
      inbox_id: draft.inbox_id,
      sender_id: draft.sender_id,
      enabled: draft.enabled,
      trigger_only_during_business_hours: draft.trigger_only_during_business_hours,
      trigger_rules: { url: draft.url.trim(), time_on_page: draft.time_on_page.trim() === "" || Number.isNaN(seconds) ? null : seconds },
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
  const note = (name: string, hint: string | null) => fieldNote("campaign", name, errors, hint);
  const title = note("title", t("settingsCampaigns.hints.title"));
  const message = note("message", t("settingsCampaigns.hints.message"));
  const inbox = note("inbox_id", null);
  const sender = note("sender_id", t("settingsCampaigns.hints.sender_id"));
  const url = note("url", t("settingsCampaigns.hints.url"));
  const seconds = note("time_on_page", t("settingsCampaigns.hints.time_on_page"));
  return (
    <Dialog
      title={campaign ? t("settingsCampaigns.editTitle", { title: campaign.title }) : t("settingsCampaigns.ongoing.add")}
      onClose={onClose}
      class="dialog-wide"
    >
      <form class="form" onSubmit={submit} noValidate>
        <div class="field">
          <label for={title.id}>{t("settingsCampaigns.fields.title")}</label>
          <input {...title.props} type="text" required value={draft.title} onInput={(event) => set("title", event.currentTarget.value)} />
          {title.note}
        </div>
        <div class="field">
          <label for={message.id}>{t("settingsCampaigns.fields.message")}</label>
          <textarea {...message.props} rows={3} required value={draft.message} onInput={(event) => set("message", event.currentTarget.value)} />
          {message.note}
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
            <label for={sender.id}>{t("settingsCampaigns.fields.sender_id")}</label>
            <select
              {...sender.props}
              class="select"
              value={draft.sender_id === null ? "" : String(draft.sender_id)}
              onChange={(event) => set("sender_id", event.currentTarget.value === "" ? null : Number(event.currentTarget.value))}
            >
              <option value="">{t("settingsCampaigns.bot")}</option>
              {options.agents.map((agent) => (
                <option key={agent.id} value={String(agent.id)}>
                  {agent.name}
                </option>
              ))}
            </select>
            {sender.note}
          </div>
        </div>
        <div class="field">
          <label for={url.id}>{t("settingsCampaigns.fields.url")}</label>
          <input
            {...url.props}
            type="text"
            inputMode="url"
            spellcheck={false}
            required
            value={draft.url}
            onInput={(event) => set("url", event.currentTarget.value)}
          />
          {url.note}
        </div>
        <UrlTester
          pattern={draft.url}
          onPatternError={(refusal) =>
            setErrors((current) => {
              const fields = { ...current.fields };
              if (refusal === null) delete fields.url;
              else fields.url = refusal;
              return { ...current, fields };
            })
          }
        />
        <div class="field">
          <label for={seconds.id}>{t("settingsCampaigns.fields.time_on_page")}</label>
          <input
            {...seconds.props}
            type="number"
            min={0}
            max={3600}
            step={1}
            class="campaign-time-input"
            value={draft.time_on_page}
            onInput={(event) => set("time_on_page", event.currentTarget.value)}
          />
          {seconds.note}
        </div>
        <div class="field-inline">
          <input
            id="campaign-business-hours"
            type="checkbox"
            checked={draft.trigger_only_during_business_hours}
            onChange={(event) => set("trigger_only_during_business_hours", event.currentTarget.checked)}
          />
          <label for="campaign-business-hours">{t("settingsCampaigns.fields.trigger_only_during_business_hours")}</label>
        </div>
        <div class="field-inline">
          <input id="campaign-enabled" type="checkbox" checked={draft.enabled} onChange={(event) => set("enabled", event.currentTarget.checked)} />
          <label for="campaign-enabled">{t("settingsCampaigns.fields.enabled")}</label>
        </div>
        <FormNotice errors={errors} checkFields={t("settingsCampaigns.checkFields")} />
        <FormActions submit={campaign ? t("settingsCampaigns.save") : t("settingsCampaigns.ongoing.create")} busy={busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
