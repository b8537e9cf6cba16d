/**
 * An inbox's settings: name, greeting, CSAT survey, reply time (website inboxes), time zone and
 * working hours, the channel's own settings that an update may change (the website widget's look,
 * the API webhook, provider credentials, tokens, the email address), identity verification with the
 * HMAC secret, what to paste at the provider, and members. The API's 422 answers sit beside their fields.
 */
import { useState } from "preact/hooks";
import { Dialog } from "../../components/Dialog";
import { accountPath, api, errorsOf, type FormErrors, NO_ERRORS } from "../../core/api";
import { t } from "../../core/i18n";
import { FormActions } from "../FormActions";
import { ChannelFields, channelChanges, type Draft, draftOf, placedPaths } from "./ChannelFields";
import { ConnectInfo } from "./ConnectInfo";
import { CheckboxField, TextField, Unplaced, useNote } from "./fields";
import { Members, useMembers } from "./Members";
import { type Agent, connectTitle, type Day, type Inbox, kindOf, REPLY_TIMES, type ReplyTime, verifiesIdentity } from "./model";
import { defaultWeek, WorkingHours, weekErrorPaths, weekToSave } from "./WorkingHours";

const TIME_ZONES: string[] = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];

type EditInboxProps = { inbox: Inbox; agents: Agent[]; onClose: () => void; onSaved: (name: string) => void };

export function EditInbox({ inbox, agents, onClose, onSaved }: EditInboxProps) {
  const kind = kindOf(inbox);
  const [name, setName] = useState(inbox.name);
  const [greetingEnabled, setGreetingEnabled] = useState(inbox.greeting_enabled);
  const [greeting, setGreeting] = useState(inbox.greeting_message ?? "");
  const [csat, setCsat] = useState(inbox.csat_survey_enabled);
  const [replyTime, setReplyTime] = useState<ReplyTime>(inbox.reply_time);
  const [timezone, setTimezone] = useState(inbox.timezone);
  const [hoursEnabled, setHoursEnabled] = useState(inbox.working_hours_enabled);
  const [week, setWeek] = useState<Day[]>(inbox.working_hours.length === 7 ? inbox.working_hours : defaultWeek());
  const [hmacMandatory, setHmacMandatory] = useState(inbox.hmac_mandatory);
  const [stored] = useState<Draft>(() => draftOf(inbox, kind));
  const [channel, setChannel] = useState<Draft>(stored);
  const [copied, setCopied] = useState(false);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const { members, setMembers, save: saveMembers } = useMembers(inbox.id, (failure) => setErrors(errorsOf(failure)));
  const field = useNote(errors, "inbox-edit");
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    const channelBody = channelChanges(kind, channel, stored);
    if (verifiesIdentity(kind)) channelBody.hmac_mandatory = hmacMandatory;
    const body: Record<string, unknown> = {
      name: name.trim(),
      greeting_enabled: greetingEnabled,
      greeting_message: greeting.trim() === "" ? null : greeting.trim(),
      csat_survey_enabled: csat,
      timezone: timezone.trim(),
      working_hours_enabled: hoursEnabled,
      working_hours: weekToSave(week),
      ...(kind === "web_widget" ? { reply_time: replyTime } : {}),
      ...(Object.keys(channelBody).length > 0 ? { channel: channelBody } : {}),
    };
    try {
      const saved = await api.patch<Inbox>(accountPath(`/inboxes/${inbox.id}`), body);
      await saveMembers();
      onSaved(saved.name);
    } catch (failure) {
      setErrors(errorsOf(failure));
    } finally {
      setBusy(false);
    }
  };
  const greetingNote = field("greeting_message", t("settingsInboxes.hints.greeting_message"));
  const timezoneNote = field("timezone", t("settingsInboxes.hints.timezone"));
  const replyTimeNote = field("reply_time", t("settingsInboxes.hints.reply_time"));
  const placed = ["name", "greeting_message", "timezone", "reply_time", "channel.hmac_mandatory", ...placedPaths(kind), ...weekErrorPaths(errors)];
  return (
    <Dialog title={t("settingsInboxes.editTitle", { name: inbox.name })} onClose={onClose} class="dialog-wide">
      <form class="form" onSubmit={submit} noValidate>
        <TextField note={field("name")} label={t("settingsInboxes.fields.name")} value={name} onInput={setName} />
        <fieldset class="inbox-group">
          <legend class="field-label">{t("settingsInboxes.greeting")}</legend>
          <CheckboxField
            id="inbox-greeting-enabled"
            label={t("settingsInboxes.fields.greeting_enabled")}
            checked={greetingEnabled}
            onChange={setGreetingEnabled}
          />
          <div class="field">
            <label for={greetingNote.id}>{t("settingsInboxes.fields.greeting_message")}</label>
            <textarea id={greetingNote.id} rows={2} value={greeting} {...greetingNote.aria} onInput={(event) => setGreeting(event.currentTarget.value)} />
            {greetingNote.note}
          </div>
        </fieldset>
        <fieldset class="inbox-group">
          <legend class="field-label">{t("settingsInboxes.conversations")}</legend>
          <CheckboxField
            id="inbox-csat"
            label={t("settingsInboxes.fields.csat_survey_enabled")}
            checked={csat}
            onChange={setCsat}
            hint={errors.fields.csat_survey_enabled ?? t("settingsInboxes.hints.csat_survey_enabled")}
          />
          {kind === "web_widget" && (
            <div class="field">
              <label for={replyTimeNote.id}>{t("settingsInboxes.fields.reply_time")}</label>
              <select
                id={replyTimeNote.id}
                class="select"
                value={replyTime}
                {...replyTimeNote.aria}
                onChange={(event) => setReplyTime(REPLY_TIMES.find((time) => time === event.currentTarget.value) ?? "in_a_few_minutes")}
              >
                {REPLY_TIMES.map((time) => (
                  <option key={time} value={time}>
                    {t(`settingsInboxes.replyTimes.${time}`)}
                  </option>
                ))}
              </select>
              {replyTimeNote.note}
            </div>
          )}
        </fieldset>
        <fieldset class="inbox-group">
          <legend class="field-label">{t("settingsInboxes.hours")}</legend>
          <div class="field">
            <label for={timezoneNote.id}>{t("settingsInboxes.fields.timezone")}</label>
            <input
              id={timezoneNote.id}
              type="text"
              list="inbox-timezones"
              value={timezone}
              {...timezoneNote.aria}
              onInput={(event) => setTimezone(event.currentTarget.value)}
            />
            <datalist id="inbox-timezones">
              {TIME_ZONES.map((zone) => (
                <option key={zone} value={zone} />
              ))}
            </datalist>
            {timezoneNote.note}
          </div>
          <CheckboxField id="inbox-hours-enabled" label={t("settingsInboxes.fields.working_hours_enabled")} checked={hoursEnabled} onChange={setHoursEnabled} />
          {hoursEnabled && <WorkingHours week={week} onChange={setWeek} errors={errors} />}
        </fieldset>
        <fieldset class="inbox-group">
          <legend class="field-label">{kind === "web_widget" ? t("settingsInboxes.website") : t("settingsInboxes.channelSettings")}</legend>
          <ChannelFields
            kind={kind}
            draft={channel}
            errors={errors}
            editing
            placeholders={{ "channel.provider_config.api_key": inbox.provider_config?.api_key }}
            onChange={(path, value) => setChannel((current) => ({ ...current, [path]: value }))}
          />
        </fieldset>
        {verifiesIdentity(kind) && (
          <fieldset class="inbox-group">
            <legend class="field-label">{t("settingsInboxes.identity")}</legend>
            <CheckboxField
              id="inbox-hmac"
              label={t("settingsInboxes.fields.hmac_mandatory")}
              checked={hmacMandatory}
              onChange={setHmacMandatory}
              hint={errors.fields["channel.hmac_mandatory"] ?? t("settingsInboxes.hints.hmac_mandatory")}
            />
            {inbox.hmac_token && (
              <div class="field">
                <label for="inbox-hmac-token">{t("settingsInboxes.fields.hmac_token")}</label>
                <span class="inbox-token">
                  <input id="inbox-hmac-token" type="text" readOnly value={inbox.hmac_token} />
                  <button
                    type="button"
                    class="button"
                    onClick={async () => {
                      await navigator.clipboard.writeText(inbox.hmac_token ?? "");
                      setCopied(true);
                    }}
                  >
                    {t("settingsInboxes.copy")}
                  </button>
                </span>
                <span class="field-hint" role="status">
                  {copied ? t("settingsInboxes.copied") : ""}
                </span>
              </div>
            )}
          </fieldset>
        )}
        <fieldset class="inbox-group">
          <legend class="field-label">{connectTitle(kind)}</legend>
          <ConnectInfo inbox={inbox} idPrefix="inbox-edit-connect" />
        </fieldset>
        <Members agents={agents} members={members} onChange={setMembers} idPrefix="inbox-edit" />
        <Unplaced errors={errors} placed={placed} />
        <FormActions submit={t("settingsInboxes.save")} busy={busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
