/**
 * Add inbox, as Chatwoot's flow goes: choose the channel (each with its icon), fill in what that
 * channel needs (the API's 422 answers beside their fields), create; then see what to paste at the
 * provider (callback URL and verify token, webhook URLs, the receiving address, the widget script)
 * and choose who works the inbox.
 */
import { useState } from "preact/hooks";
import { Dialog } from "../../components/Dialog";
import { accountPath, api, errorsOf, type FormErrors, NO_ERRORS } from "../../core/api";
import { t } from "../../core/i18n";
import { Icon } from "../../core/icons";
import { FormActions } from "../FormActions";
import { ChannelFields, channelToCreate, type Draft, newDraft, placedPaths } from "./ChannelFields";
import { ConnectInfo } from "./ConnectInfo";
import { TextField, Unplaced, useNote } from "./fields";
import { Members, useMembers } from "./Members";
import { type Agent, CHANNELS, type ChannelKind, connectTitle, type Inbox, kindOf } from "./model";

type AddInboxProps = {
  agents: Agent[];
  onClose: () => void;
  /** The inbox exists: the list reloads behind the dialog. */
  onCreated: (inbox: Inbox) => void;
  onFinished: (inbox: Inbox) => void;
  onMoreSettings: (inbox: Inbox) => void;
};

export function AddInbox({ agents, onClose, onCreated, onFinished, onMoreSettings }: AddInboxProps) {
  const [created, setCreated] = useState<Inbox | null>(null);
  return created ? (
    <ReadyStep inbox={created} agents={agents} onFinished={() => onFinished(created)} onMoreSettings={() => onMoreSettings(created)} />
  ) : (
    <ChannelStep
      onClose={onClose}
      onCreated={(inbox) => {
        setCreated(inbox);
        onCreated(inbox);
      }}
    />
  );
}

function ChannelStep({ onClose, onCreated }: { onClose: () => void; onCreated: (inbox: Inbox) => void }) {
  const [kind, setKind] = useState<ChannelKind>("web_widget");
  const [name, setName] = useState("");
  const [draft, setDraft] = useState<Draft>(() => newDraft("web_widget"));
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const note = useNote(errors);
  const choose = (next: ChannelKind) => {
    setKind(next);
    setDraft(newDraft(next));
    setErrors(NO_ERRORS);
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      onCreated(await api.post<Inbox>(accountPath("/inboxes"), { name: name.trim(), channel: channelToCreate(kind, draft) }));
    } catch (failure) {
      setErrors(errorsOf(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={t("settingsInboxes.add")} onClose={onClose} class="dialog-wide">
      <form class="form" onSubmit={submit} noValidate>
        <fieldset class="channel-choices">
          <legend class="field-label">{t("settingsInboxes.channel")}</legend>
          <p class="field-hint">{t("settingsInboxes.chooseChannel")}</p>
          <div class="channel-choice-grid">
            {CHANNELS.map((channel) => (
              <label class="channel-choice" key={channel.kind}>
                <input
                  type="radio"
                  name="inbox-channel"
                  class="visually-hidden"
                  value={channel.kind}
                  checked={kind === channel.kind}
                  aria-labelledby={`inbox-choice-${channel.kind}`}
                  aria-describedby={`inbox-choice-${channel.kind}-hint`}
                  onChange={() => choose(channel.kind)}
                />
                <Icon name={channel.icon} size={22} />
                <span id={`inbox-choice-${channel.kind}`} class="channel-choice-name">
                  {t(`settingsInboxes.types.${channel.kind}`)}
                </span>
                <span id={`inbox-choice-${channel.kind}-hint`} class="channel-choice-hint">
                  {t(`settingsInboxes.typeHints.${channel.kind}`)}
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <TextField note={note("name", t("settingsInboxes.hints.name"))} label={t("settingsInboxes.fields.name")} value={name} onInput={setName} />
        <ChannelFields kind={kind} draft={draft} errors={errors} onChange={(path, value) => setDraft((current) => ({ ...current, [path]: value }))} />
        <Unplaced errors={errors} placed={["name", ...placedPaths(kind)]} />
        <FormActions submit={t("settingsInboxes.create")} busy={busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}

function ReadyStep({ inbox, agents, onFinished, onMoreSettings }: { inbox: Inbox; agents: Agent[]; onFinished: () => void; onMoreSettings: () => void }) {
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const { members, setMembers, save } = useMembers(inbox.id, (failure) => setErrors(errorsOf(failure)));
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      await save();
      onFinished();
    } catch (failure) {
      setErrors(errorsOf(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={t("settingsInboxes.readyTitle", { name: inbox.name })} onClose={onFinished} class="dialog-wide">
      <form class="form" onSubmit={submit} noValidate>
        <p class="notice notice-success" role="status">
          <Icon name="check-circle" /> {t("settingsInboxes.created", { name: inbox.name })}
        </p>
        <fieldset class="inbox-group">
          <legend class="field-label">{connectTitle(kindOf(inbox))}</legend>
          <ConnectInfo inbox={inbox} idPrefix="inbox-ready" />
        </fieldset>
        <Members agents={agents} members={members} onChange={setMembers} idPrefix="inbox-ready" lead={t("settingsInboxes.membersLead")} />
        <Unplaced errors={errors} placed={[]} />
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled={busy || members === null}>
            {t("settingsInboxes.saveMembers")}
          </button>
          <button type="button" class="button" onClick={onMoreSettings}>
            {t("settingsInboxes.moreSettings")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
