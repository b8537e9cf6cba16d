/**
 * Inboxes: the sub-account's website, API and SMS inboxes. Create website and API inboxes; edit an
 * inbox's name, greeting, time zone and working hours, identity verification (require a verified
 * identity, the HMAC secret with a copy button) and members; delete after a confirm dialog. The API's
 * 422 answers are shown beside the field they concern.
 */
import { useEffect, useState } from "preact/hooks";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Dialog } from "../../components/Dialog";
import { accountPath, api, errorsOf, type FormErrors, NO_ERRORS } from "../../core/api";
import { t } from "../../core/i18n";
import { FormActions } from "../FormActions";
import { ListState } from "../ListState";
import { RowButton } from "../RowButton";
import { SettingsHead } from "../SettingsHead";
import { useList } from "../useList";

type Day = {
  day_of_week: number;
  closed_all_day: boolean;
  open_all_day: boolean;
  open_hour: number | null;
  open_minutes: number | null;
  close_hour: number | null;
  close_minutes: number | null;
};
type Inbox = {
  id: number;
  name: string;
  channel_type: keyof typeof TYPE_KEY;
  greeting_enabled: boolean;
  greeting_message: string | null;
  working_hours_enabled: boolean;
  timezone: string;
  working_hours: Day[];
  hmac_mandatory: boolean;
  hmac_token?: string;
  website_url: string | null;
  webhook_url: string | null;
  phone_number: string | null;
};
type Agent = { id: number; name: string; email: string };

const TYPE_KEY = {
  "Channel::WebWidget": "web_widget",
  "Channel::Api": "api",
  "Channel::Sms": "sms",
  "Channel::Email": "email",
  "Channel::Whatsapp": "whatsapp",
  "Channel::FacebookPage": "facebook_page",
  "Channel::Instagram": "instagram",
} as const;
/** Identity verification (an HMAC of the visitor's identifier) belongs to website and API inboxes only. */
const verifiesIdentity = (kind: (typeof TYPE_KEY)[keyof typeof TYPE_KEY]) => kind === "web_widget" || kind === "api";
const TIME_ZONES: string[] = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];

const pad = (value: number | null) => String(value ?? 0).padStart(2, "0");
const timeOf = (hour: number | null, minutes: number | null) => (hour === null ? "" : `${pad(hour)}:${pad(minutes)}`);
const parseTime = (value: string): [number | null, number | null] => {
  const match = /^(\d{2}):(\d{2})$/.exec(value);
  return match ? [Number(match[1]), Number(match[2])] : [null, null];
};
const defaultWeek = (): Day[] =>
  [0, 1, 2, 3, 4, 5, 6].map((day) => ({
    day_of_week: day,
    closed_all_day: day === 0 || day === 6,
    open_all_day: false,
    open_hour: 9,
    open_minutes: 0,
    close_hour: 17,
    close_minutes: 0,
  }));

export function InboxesScreen() {
  const [agents, setAgents] = useState<Agent[]>([]);
  const {
    items: inboxes,
    error,
    reload: load,
  } = useList(async () => {
    const [list, people] = await Promise.all([api.get<{ payload: Inbox[] }>(accountPath("/inboxes")), api.get<Agent[]>(accountPath("/agents"))]);
    setAgents([...people].sort((a, b) => a.name.localeCompare(b.name)));
    return [...list.payload].sort((a, b) => a.name.localeCompare(b.name));
  });
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Inbox | null>(null);
  const [deleting, setDeleting] = useState<Inbox | null>(null);
  const [announce, setAnnounce] = useState("");
  useEffect(() => {
    document.title = `${t("settings.inboxes.title")} · ${t("common.appName")}`;
  }, []);
  return (
    <div class="settings-screen">
      <SettingsHead
        title={t("settings.inboxes.title")}
        lead={t("settings.inboxes.lead")}
        add={{ label: t("settings.inboxes.add"), onAdd: () => setCreating(true) }}
      />
      <ListState
        items={inboxes}
        error={error && t("settings.loadFailed", { message: error })}
        announce={announce}
        label={t("settings.inboxes.title")}
        empty={t("settings.inboxes.empty")}
        columns={[t("settings.inboxes.fields.name"), t("settings.inboxes.type"), t("settings.inboxes.verification"), t("settings.inboxes.actions")]}
      >
        {(inboxes) =>
          inboxes.map((inbox) => (
            <tr key={inbox.id}>
              <th scope="row">
                {inbox.name}
                <span class="muted block team-description">{inbox.website_url ?? inbox.phone_number ?? inbox.webhook_url ?? ""}</span>
              </th>
              <td>{t(`settings.inboxes.types.${TYPE_KEY[inbox.channel_type]}`)}</td>
              <td>{inbox.hmac_mandatory ? t("settings.inboxes.verified") : t("settings.inboxes.notRequired")}</td>
              <td>
                <span class="row-actions">
                  <RowButton label={t("settings.inboxes.edit")} row={inbox.name} onClick={() => setEditing(inbox)} />
                  <RowButton label={t("settings.inboxes.delete")} row={inbox.name} danger onClick={() => setDeleting(inbox)} />
                </span>
              </td>
            </tr>
          ))
        }
      </ListState>
      {creating && (
        <CreateDialog
          onClose={() => setCreating(false)}
          onCreated={(inbox) => {
            setCreating(false);
            setAnnounce(t("settings.inboxes.saved", { name: inbox.name }));
            void load();
            setEditing(inbox);
          }}
        />
      )}
      {editing && (
        <EditDialog
          inbox={editing}
          agents={agents}
          onClose={() => setEditing(null)}
          onSaved={(name) => {
            setEditing(null);
            setAnnounce(t("settings.inboxes.saved", { name }));
            void load();
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={t("settings.inboxes.confirmDeleteTitle")}
          description={t("settings.inboxes.confirmDelete", { name: deleting.name })}
          confirmLabel={t("settings.inboxes.deleteConfirm", { name: deleting.name })}
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await api.del(accountPath(`/inboxes/${deleting.id}`));
            setAnnounce(t("settings.inboxes.deleted", { name: deleting.name }));
            setDeleting(null);
            void load();
          }}
        />
      )}
    </div>
  );
}

/** A field's error (by the API's field path) or its hint, and the aria attributes that point to it. */
function useNote(errors: FormErrors) {
  return (field: string, hint?: string) => {
    const id = `inbox-${field.replace(/\W/g, "-")}`;
    const error = errors.fields[field];
    return {
      aria: { "aria-invalid": error ? ("true" as const) : undefined, "aria-describedby": error ? `${id}-error` : hint ? `${id}-hint` : undefined },
      note: error ? (
        <span id={`${id}-error`} class="field-error">
          {error}
        </span>
      ) : hint ? (
        <span id={`${id}-hint`} class="field-hint">
          {hint}
        </span>
      ) : null,
    };
  };
}

/** Field errors the form has no place for, said in one notice. */
function Unplaced({ errors, placed }: { errors: FormErrors; placed: string[] }) {
  const rest = Object.entries(errors.fields).filter(([field]) => !placed.includes(field));
  if (!errors.message && Object.keys(errors.fields).length === 0) return null;
  return (
    <div class="notice notice-error" role="alert">
      <p>{errors.message ?? t("settings.inboxes.checkFields")}</p>
      {rest.length > 0 && (
        <ul>
          {rest.map(([field, message]) => (
            <li key={field}>{`${field}: ${message}`}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function CreateDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (inbox: Inbox) => void }) {
  const [type, setType] = useState<"web_widget" | "api">("web_widget");
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const field = useNote(errors);
  const urlField = type === "web_widget" ? "channel.website_url" : "channel.webhook_url";
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    const channel = type === "web_widget" ? { type, website_url: url.trim() } : { type, webhook_url: url.trim() === "" ? null : url.trim() };
    try {
      onCreated(await api.post<Inbox>(accountPath("/inboxes"), { name: name.trim(), channel }));
    } catch (failure) {
      setErrors(errorsOf(failure));
    } finally {
      setBusy(false);
    }
  };
  const nameNote = field("name");
  const urlNote = field(urlField, t(`settings.inboxes.hints.${type === "web_widget" ? "website_url" : "webhook_url"}`));
  return (
    <Dialog title={t("settings.inboxes.add")} onClose={onClose}>
      <form class="form" onSubmit={submit} noValidate>
        <div class="field">
          <label for="inbox-type">{t("settings.inboxes.type")}</label>
          <select id="inbox-type" class="select" value={type} onChange={(event) => setType(event.currentTarget.value === "api" ? "api" : "web_widget")}>
            <option value="web_widget">{t("settings.inboxes.types.web_widget")}</option>
            <option value="api">{t("settings.inboxes.types.api")}</option>
          </select>
        </div>
        <div class="field">
          <label for="inbox-name">{t("settings.inboxes.fields.name")}</label>
          <input id="inbox-name" type="text" required value={name} {...nameNote.aria} onInput={(event) => setName(event.currentTarget.value)} />
          {nameNote.note}
        </div>
        <div class="field">
          <label for="inbox-url">
            {t(`settings.inboxes.fields.${type === "web_widget" ? "website_url" : "webhook_url"}`)}
            {type === "api" && <span class="muted"> {t("settings.optional")}</span>}
          </label>
          <input id="inbox-url" type="url" value={url} {...urlNote.aria} onInput={(event) => setUrl(event.currentTarget.value)} />
          {urlNote.note}
        </div>
        <Unplaced errors={errors} placed={["name", urlField]} />
        <FormActions submit={t("settings.inboxes.create")} busy={busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}

const DAY_NAMES = [0, 1, 2, 3, 4, 5, 6].map((day) =>
  new Intl.DateTimeFormat("en", { weekday: "long", timeZone: "UTC" }).format(new Date(Date.UTC(2024, 0, 7 + day))),
);

function EditDialog({ inbox, agents, onClose, onSaved }: { inbox: Inbox; agents: Agent[]; onClose: () => void; onSaved: (name: string) => void }) {
  const [name, setName] = useState(inbox.name);
  const [greetingEnabled, setGreetingEnabled] = useState(inbox.greeting_enabled);
  const [greeting, setGreeting] = useState(inbox.greeting_message ?? "");
  const [timezone, setTimezone] = useState(inbox.timezone);
  const [hoursEnabled, setHoursEnabled] = useState(inbox.working_hours_enabled);
  const [week, setWeek] = useState<Day[]>(inbox.working_hours.length === 7 ? inbox.working_hours : defaultWeek());
  const [hmacMandatory, setHmacMandatory] = useState(inbox.hmac_mandatory);
  const [members, setMembers] = useState<Set<number> | null>(null);
  const [copied, setCopied] = useState(false);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const field = useNote(errors);
  const kind = TYPE_KEY[inbox.channel_type];
  useEffect(() => {
    api.get<{ payload: Agent[] }>(accountPath(`/inbox_members/${inbox.id}`)).then(
      (answer) => setMembers(new Set(answer.payload.map((member) => member.id))),
      (failure: unknown) => setErrors(errorsOf(failure)),
    );
  }, [inbox.id]);
  const setDay = (index: number, change: Partial<Day>) => setWeek(week.map((day, at) => (at === index ? { ...day, ...change } : day)));
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    const body: Record<string, unknown> = {
      name: name.trim(),
      greeting_enabled: greetingEnabled,
      greeting_message: greeting.trim() === "" ? null : greeting.trim(),
      timezone: timezone.trim(),
      working_hours_enabled: hoursEnabled,
      working_hours: week.map((day) =>
        day.closed_all_day || day.open_all_day ? { ...day, open_hour: null, open_minutes: null, close_hour: null, close_minutes: null } : day,
      ),
    };
    if (verifiesIdentity(kind)) body.channel = { hmac_mandatory: hmacMandatory };
    try {
      const saved = await api.patch<Inbox>(accountPath(`/inboxes/${inbox.id}`), body);
      if (members) await api.patch(accountPath("/inbox_members"), { inbox_id: inbox.id, user_ids: [...members] });
      onSaved(saved.name);
    } catch (failure) {
      setErrors(errorsOf(failure));
    } finally {
      setBusy(false);
    }
  };
  const nameNote = field("name");
  const greetingNote = field("greeting_message", t("settings.inboxes.hints.greeting_message"));
  const timezoneNote = field("timezone", t("settings.inboxes.hints.timezone"));
  const placed = ["name", "greeting_message", "timezone", "channel.hmac_mandatory"];
  return (
    <Dialog title={t("settings.inboxes.editTitle", { name: inbox.name })} onClose={onClose} class="dialog-wide">
      <form class="form" onSubmit={submit} noValidate>
        <div class="field">
          <label for="inbox-edit-name">{t("settings.inboxes.fields.name")}</label>
          <input id="inbox-edit-name" type="text" required value={name} {...nameNote.aria} onInput={(event) => setName(event.currentTarget.value)} />
          {nameNote.note}
        </div>
        <fieldset class="inbox-group">
          <legend class="field-label">{t("settings.inboxes.greeting")}</legend>
          <div class="field-inline">
            <input
              id="inbox-greeting-enabled"
              type="checkbox"
              checked={greetingEnabled}
              onChange={(event) => setGreetingEnabled(event.currentTarget.checked)}
            />
            <label for="inbox-greeting-enabled">{t("settings.inboxes.fields.greeting_enabled")}</label>
          </div>
          <div class="field">
            <label for="inbox-greeting">{t("settings.inboxes.fields.greeting_message")}</label>
            <textarea id="inbox-greeting" rows={2} value={greeting} {...greetingNote.aria} onInput={(event) => setGreeting(event.currentTarget.value)} />
            {greetingNote.note}
          </div>
        </fieldset>
        <fieldset class="inbox-group">
          <legend class="field-label">{t("settings.inboxes.hours")}</legend>
          <div class="field">
            <label for="inbox-timezone">{t("settings.inboxes.fields.timezone")}</label>
            <input
              id="inbox-timezone"
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
          <div class="field-inline">
            <input id="inbox-hours-enabled" type="checkbox" checked={hoursEnabled} onChange={(event) => setHoursEnabled(event.currentTarget.checked)} />
            <label for="inbox-hours-enabled">{t("settings.inboxes.fields.working_hours_enabled")}</label>
          </div>
          {hoursEnabled && (
            <div class="inbox-week">
              {week.map((day, index) => {
                const dayName = DAY_NAMES[day.day_of_week] ?? String(day.day_of_week);
                const rowErrors = Object.entries(errors.fields).filter(([key]) => key.startsWith(`working_hours.${index}.`));
                for (const [key] of rowErrors) placed.push(key);
                return (
                  <div key={day.day_of_week} class="inbox-day" role="group" aria-label={dayName}>
                    <span class="inbox-day-name">{dayName}</span>
                    <span class="field-inline">
                      <input
                        id={`inbox-day-${index}-closed`}
                        type="checkbox"
                        checked={day.closed_all_day}
                        onChange={(event) => setDay(index, { closed_all_day: event.currentTarget.checked, open_all_day: false })}
                      />
                      <label for={`inbox-day-${index}-closed`}>{t("settings.inboxes.closed")}</label>
                    </span>
                    {!day.closed_all_day && (
                      <>
                        <label class="visually-hidden" for={`inbox-day-${index}-open`}>
                          {t("settings.inboxes.opensAt", { day: dayName })}
                        </label>
                        <input
                          id={`inbox-day-${index}-open`}
                          type="time"
                          value={timeOf(day.open_hour, day.open_minutes)}
                          onInput={(event) => {
                            const [hour, minutes] = parseTime(event.currentTarget.value);
                            setDay(index, { open_hour: hour, open_minutes: minutes });
                          }}
                        />
                        <span aria-hidden="true">–</span>
                        <label class="visually-hidden" for={`inbox-day-${index}-close`}>
                          {t("settings.inboxes.closesAt", { day: dayName })}
                        </label>
                        <input
                          id={`inbox-day-${index}-close`}
                          type="time"
                          value={timeOf(day.close_hour, day.close_minutes)}
                          onInput={(event) => {
                            const [hour, minutes] = parseTime(event.currentTarget.value);
                            setDay(index, { close_hour: hour, close_minutes: minutes });
                          }}
                        />
                      </>
                    )}
                    {rowErrors.map(([key, message]) => (
                      <span key={key} class="field-error inbox-day-error">
                        {message}
                      </span>
                    ))}
                  </div>
                );
              })}
            </div>
          )}
        </fieldset>
        {verifiesIdentity(kind) && (
          <fieldset class="inbox-group">
            <legend class="field-label">{t("settings.inboxes.identity")}</legend>
            <div class="field-inline">
              <input
                id="inbox-hmac"
                type="checkbox"
                checked={hmacMandatory}
                onChange={(event) => setHmacMandatory(event.currentTarget.checked)}
                aria-describedby="inbox-hmac-hint"
              />
              <label for="inbox-hmac">{t("settings.inboxes.fields.hmac_mandatory")}</label>
            </div>
            <span id="inbox-hmac-hint" class="field-hint">
              {errors.fields["channel.hmac_mandatory"] ?? t("settings.inboxes.hints.hmac_mandatory")}
            </span>
            {inbox.hmac_token && (
              <div class="field">
                <label for="inbox-hmac-token">{t("settings.inboxes.fields.hmac_token")}</label>
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
                    {t("settings.inboxes.copy")}
                  </button>
                </span>
                <span class="field-hint" role="status">
                  {copied ? t("settings.inboxes.copied") : ""}
                </span>
              </div>
            )}
          </fieldset>
        )}
        <fieldset class="team-members">
          <legend class="field-label">{t("settings.inboxes.members")}</legend>
          {members === null ? (
            <p class="muted">{t("common.loading")}</p>
          ) : (
            agents.map((agent) => (
              <div class="field-inline" key={agent.id}>
                <input
                  id={`inbox-member-${agent.id}`}
                  type="checkbox"
                  checked={members.has(agent.id)}
                  onChange={(event) => {
                    const next = new Set(members);
                    if (event.currentTarget.checked) next.add(agent.id);
                    else next.delete(agent.id);
                    setMembers(next);
                  }}
                />
                <label for={`inbox-member-${agent.id}`}>
                  {agent.name} <span class="muted">{agent.email}</span>
                </label>
              </div>
            ))
          )}
        </fieldset>
        <Unplaced errors={errors} placed={placed} />
        <FormActions submit={t("settings.inboxes.save")} busy={busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
