/**
 * Each channel's own fields, named by their path in the Application API's inbox body (so a 422 answer's
 * `field` finds its input): what creating an inbox of that channel takes, and which of them an update
 * may change. Secrets (tokens) are typed in but never shown back; on edit, empty keeps the stored one.
 */
import type { FormErrors } from "../../core/api";
import { t } from "../../core/i18n";
import { TextField, useNote } from "./fields";
import { type ChannelKind, type Inbox, randomVerifyToken } from "./model";

type FieldSpec = {
  /** The API path, such as channel.provider_config.api_key. */
  path: string;
  /** The key under settingsInboxes.fields (and .hints unless `hint` names another). */
  name: string;
  hint?: string;
  type?: "text" | "url" | "email" | "tel" | "password" | "color";
  optional?: boolean;
  secret?: boolean;
  mono?: boolean;
  /** Whether a PATCH may change it (the API's fields per channel type). */
  editable: boolean;
  initial?: () => string;
};

const SPECS: Record<ChannelKind, FieldSpec[]> = {
  web_widget: [
    { path: "channel.website_url", name: "website_url", type: "url", editable: true },
    { path: "channel.widget_color", name: "widget_color", type: "color", editable: true, initial: () => "#1f93ff" },
    { path: "channel.welcome_title", name: "welcome_title", optional: true, editable: true },
    { path: "channel.welcome_tagline", name: "welcome_tagline", optional: true, editable: true },
  ],
  api: [{ path: "channel.webhook_url", name: "webhook_url", type: "url", optional: true, editable: true }],
  sms: [
    { path: "channel.phone_number", name: "phone_number", type: "tel", editable: true },
    { path: "channel.provider_config.account_sid", name: "account_sid", mono: true, editable: true },
    { path: "channel.provider_config.auth_token", name: "auth_token", type: "password", secret: true, editable: true },
    { path: "channel.provider_config.api_base_url", name: "api_base_url", type: "url", optional: true, editable: true },
  ],
  whatsapp: [
    { path: "channel.phone_number", name: "phone_number", hint: "whatsapp_phone_number", type: "tel", editable: true },
    { path: "channel.provider_config.phone_number_id", name: "phone_number_id", mono: true, editable: true },
    { path: "channel.provider_config.business_account_id", name: "business_account_id", mono: true, editable: true },
    { path: "channel.provider_config.api_key", name: "api_key", type: "password", secret: true, editable: true },
    { path: "channel.provider_config.webhook_verify_token", name: "webhook_verify_token", mono: true, editable: true, initial: randomVerifyToken },
  ],
  facebook_page: [
    { path: "channel.page_id", name: "page_id", mono: true, editable: false },
    { path: "channel.page_access_token", name: "page_access_token", type: "password", secret: true, editable: true },
    { path: "channel.page_name", name: "page_name", optional: true, editable: false },
  ],
  instagram: [
    { path: "channel.instagram_id", name: "instagram_id", mono: true, editable: false },
    { path: "channel.access_token", name: "access_token", type: "password", secret: true, editable: true },
    { path: "channel.username", name: "username", optional: true, editable: false },
  ],
  email: [{ path: "channel.email", name: "email", type: "email", editable: true }],
};

/** The provider each channel names in its body; SMS offers Twilio's API, the one Parley speaks. */
const PROVIDERS: Partial<Record<ChannelKind, string>> = { sms: "twilio", whatsapp: "whatsapp_cloud" };

export type Draft = Record<string, string>;

/** The fields a new inbox of `kind` starts with. */
export function newDraft(kind: ChannelKind): Draft {
  return Object.fromEntries(SPECS[kind].map((spec) => [spec.path, spec.initial?.() ?? ""]));
}

const storedValue = (inbox: Inbox, path: string): string => {
  const [, first, second] = path.split(".");
  const value = second === undefined ? (inbox as unknown as Record<string, unknown>)[first ?? ""] : inbox.provider_config?.[second as "account_sid"];
  return typeof value === "string" ? value : "";
};

/** An existing inbox's changeable channel fields as stored (secrets empty). */
export function draftOf(inbox: Inbox, kind: ChannelKind): Draft {
  return Object.fromEntries(SPECS[kind].filter((spec) => spec.editable).map((spec) => [spec.path, spec.secret ? "" : storedValue(inbox, spec.path)]));
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown) {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  const inner = (target[head] ??= {}) as Record<string, unknown>;
  setPath(inner, rest, value);
}

/** The `channel` object that creates an inbox of `kind`: every filled field, empty optional ones left out. */
export function channelToCreate(kind: ChannelKind, draft: Draft): Record<string, unknown> {
  const channel: Record<string, unknown> = { type: kind };
  const provider = PROVIDERS[kind];
  if (provider) channel.provider = provider;
  for (const spec of SPECS[kind]) {
    const value = (draft[spec.path] ?? "").trim();
    if (value !== "" || !spec.optional) setPath(channel, spec.path.split(".").slice(1), value);
  }
  return channel;
}

/** The `channel` changes of an edit: the fields that differ from `stored`; an emptied optional field is null, an empty secret is kept. */
export function channelChanges(kind: ChannelKind, draft: Draft, stored: Draft): Record<string, unknown> {
  const channel: Record<string, unknown> = {};
  for (const spec of SPECS[kind]) {
    if (!spec.editable) continue;
    const value = (draft[spec.path] ?? "").trim();
    if (value === (stored[spec.path] ?? "").trim()) continue;
    if (spec.secret && value === "") continue;
    setPath(channel, spec.path.split(".").slice(1), value === "" && spec.optional ? null : value);
  }
  return channel;
}

/** The API paths the fields of `kind` show errors for. */
export const placedPaths = (kind: ChannelKind) => SPECS[kind].map((spec) => spec.path);

type ChannelFieldsProps = {
  kind: ChannelKind;
  draft: Draft;
  errors: FormErrors;
  onChange: (path: string, value: string) => void;
  /** Editing an existing inbox: only the fields an update may change, secrets optional. */
  editing?: boolean;
  /** What an empty field shows, by path: a stored secret masked, say. */
  placeholders?: Record<string, string | undefined>;
};

export function ChannelFields({ kind, draft, errors, onChange, editing, placeholders = {} }: ChannelFieldsProps) {
  const note = useNote(errors, editing ? "inbox-edit" : "inbox");
  return (
    <>
      {kind === "sms" && !editing && (
        <div class="field">
          <label for="inbox-sms-provider">{t("settingsInboxes.fields.provider")}</label>
          <select id="inbox-sms-provider" class="select" aria-describedby="inbox-sms-provider-hint">
            <option value="twilio">{t("settingsInboxes.providers.twilio")}</option>
          </select>
          <span id="inbox-sms-provider-hint" class="field-hint">
            {t("settingsInboxes.hints.provider")}
          </span>
        </div>
      )}
      {SPECS[kind]
        .filter((spec) => !editing || spec.editable)
        .map((spec) => {
          const hint = [t(`settingsInboxes.hints.${spec.hint ?? spec.name}`), editing && spec.secret ? t("settingsInboxes.keepToken") : ""]
            .filter(Boolean)
            .join(" ");
          const fieldNote = note(spec.path, hint);
          const label = t(`settingsInboxes.fields.${spec.name}`);
          const value = draft[spec.path] ?? "";
          if (spec.type === "color") {
            return (
              <div class="field" key={spec.path}>
                <label for={fieldNote.id}>{label}</label>
                <span class="inbox-colour">
                  <input
                    id={fieldNote.id}
                    type="color"
                    value={value || "#1f93ff"}
                    {...fieldNote.aria}
                    onInput={(event) => onChange(spec.path, event.currentTarget.value)}
                  />
                  <code>{value || "#1f93ff"}</code>
                </span>
                {fieldNote.note}
              </div>
            );
          }
          return (
            <TextField
              key={spec.path}
              note={fieldNote}
              label={label}
              value={value}
              type={spec.type}
              optional={spec.optional || (editing && spec.secret)}
              mono={spec.mono}
              placeholder={placeholders[spec.path]}
              autoComplete={spec.secret ? "new-password" : "off"}
              onInput={(next) => onChange(spec.path, next)}
            />
          );
        })}
    </>
  );
}
