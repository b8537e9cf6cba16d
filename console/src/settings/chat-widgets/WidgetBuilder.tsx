/**
 * The chat widget builder: the form beside the live preview. Works on an unsaved draft (a widget that
 * misses a dependency cannot be saved), so setup is computed here by the API's own rules; Save and Get
 * Code stay focusable but off, with a helper tooltip, until the pickers supply what is missing.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import { accountPath, api, errorsOf, type FormErrors, NO_ERRORS } from "../../core/api";
import { formatDateTime, t } from "../../core/i18n";
import { Icon } from "../../core/icons";
import { Link, navigate } from "../../core/router";
import { accountId } from "../../core/session";
import { inboxes, loadLookups } from "../../stores/lookups";
import { integrations, loadIntegrations } from "../integrations/store";
import { DependencyPicker, pickerId } from "./DependencyPicker";
import { type Fix, GatedButton } from "./GatedButton";
import { GetCodeDialog } from "./GetCodeDialog";
import {
  bodyOf,
  type ChatWidget,
  DEPENDENCY_FIELDS,
  dependenciesOf,
  type Draft,
  draftOf,
  foundDependencies,
  neededDependencies,
  newDraft,
  previewConfig,
  setupOf,
  WIDGET_CHANNELS,
  WIDGET_TYPES,
  type WidgetType,
  inboxesFor,
} from "./model";
import { PreChatEditor } from "./PreChatEditor";
import { Preview } from "./Preview";
import { widgetsPath } from "../paths";

const LINK_CHANNELS: WidgetType[] = ["whatsapp", "facebook", "all_in_one"];
/** Fields whose errors the form shows beside them; any other field's error is listed above the form. */
const PLACED_FIELD =
  /^(name|inbox_id|whatsapp_number_id|facebook_page_id|instagram_account_id|voice_ai_agent_id|media\.\w+|settings\.(colors\.(primary|text)|launcher\.text|greeting\.(title|tagline)|away_message|prefilled_text|channels|allowed_domains(\.\d+)?)|pre_chat_form\.fields\.\d+\.(name|label|values))$/;

export function WidgetBuilder({ widgetId, initialType }: { widgetId: number | null; initialType: WidgetType | null }) {
  const account = accountId.value;
  const [widget, setWidget] = useState<ChatWidget | null>(null);
  const [draft, setDraft] = useState<Draft | null>(widgetId === null ? newDraft(initialType ?? "live_chat", t("settings.widgets.newName")) : null);
  const [saved, setSaved] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState<"save" | "code" | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [code, setCode] = useState<string | null>(null);

  useEffect(() => {
    if (account === null) return;
    void loadLookups(account);
    loadIntegrations().catch((error: unknown) => setLoadError(errorsOf(error).message));
    if (widgetId === null) return;
    api.get<ChatWidget>(accountPath(`/chat_widgets/${widgetId}`)).then(
      (answer) => {
        setWidget(answer);
        const next = draftOf(answer);
        setDraft(next);
        setSaved(JSON.stringify(next));
      },
      (error: unknown) => setLoadError(errorsOf(error).message),
    );
  }, [account, widgetId]);

  const found = useMemo(() => (draft ? foundDependencies(draft, inboxes.value, integrations.value) : null), [draft, inboxes.value, integrations.value]);
  const setup = useMemo(() => (draft && found ? setupOf(draft, found) : null), [draft, found]);
  const media = { avatar: widget?.settings.avatar ?? null, logo: widget?.settings.logo ?? null };
  const config = useMemo(() => (draft && found ? previewConfig(draft, found, media, widget?.settings.locale ?? "en") : null), [draft, found, widget]);

  useEffect(() => {
    const place = draft?.name || t("settings.widgets.title");
    document.title = `${place} · ${t("settings.widgets.title")} · ${t("common.appName")}`;
  }, [draft?.name]);

  if (account === null) return null;
  if (loadError && !draft) {
    return (
      <p class="notice notice-error" role="alert">
        {t("settings.loadFailed", { message: loadError })}
      </p>
    );
  }
  if (!draft || !setup || !config) return <p class="page-loading">{t("common.loading")}</p>;

  const isNew = widget === null;
  const dirty = saved !== JSON.stringify(draft);
  const errorOf = (field: string) => errors.fields[field] ?? null;
  const change = (next: Partial<Draft>) => setDraft((current) => current && { ...current, ...next });
  const changeSettings = (next: Partial<Draft["settings"]>) => setDraft((current) => current && { ...current, settings: { ...current.settings, ...next } });
  const missing = setup.missing_dependencies;
  const firstMissing = missing[0];
  const reason = setup.actions.save.reason;
  const fix: Fix | null = firstMissing
    ? {
        label: t(`settings.widgets.fix.${firstMissing.type}`),
        target: firstMissing.type === "channel" ? "widget-channel-live_chat" : pickerId(firstMissing.type),
      }
    : null;

  const save = async (): Promise<ChatWidget | null> => {
    setBusy("save");
    setNotice(null);
    try {
      const body = bodyOf(draft, isNew);
      const answer = isNew
        ? await api.post<ChatWidget>(accountPath("/chat_widgets"), body)
        : await api.patch<ChatWidget>(accountPath(`/chat_widgets/${widget.id}`), body);
      const next = draftOf(answer);
      setWidget(answer);
      setDraft(next);
      setSaved(JSON.stringify(next));
      setErrors(NO_ERRORS);
      setNotice(t("settings.widgets.saved"));
      if (isNew) navigate(`${widgetsPath(account)}/${answer.id}`, { replace: true });
      return answer;
    } catch (error) {
      setErrors(errorsOf(error));
      return null;
    } finally {
      setBusy(null);
    }
  };

  const getCode = async () => {
    const current = isNew || dirty ? await save() : widget;
    if (!current) return;
    setBusy("code");
    try {
      const answer = await api.get<{ html: string }>(accountPath(`/chat_widgets/${current.id}/embed_code`));
      setCode(answer.html);
    } catch (error) {
      setErrors(errorsOf(error));
    } finally {
      setBusy(null);
    }
  };

  const upload = async (slot: "avatar" | "logo", file: File | undefined) => {
    if (!file || !widget) return;
    const form = new FormData();
    form.append("file", file);
    try {
      const answer = await api.upload<ChatWidget>(accountPath(`/chat_widgets/${widget.id}/media/${slot}`), form);
      setWidget(answer);
      setErrors(NO_ERRORS);
    } catch (error) {
      const found = errorsOf(error);
      setErrors({ fields: { [`media.${slot}`]: found.fields.file ?? found.message ?? "" }, message: null });
    }
  };
  const removeMedia = async (slot: "avatar" | "logo") => {
    if (!widget) return;
    try {
      setWidget(await api.del<ChatWidget>(accountPath(`/chat_widgets/${widget.id}/media/${slot}`)));
    } catch (error) {
      setErrors({ fields: { [`media.${slot}`]: errorsOf(error).message ?? "" }, message: null });
    }
  };

  const text = (id: string, label: string, value: string, onInput: (value: string) => void, field: string, extra: { hint?: string; type?: string } = {}) => {
    const error = errorOf(field);
    const describedBy = error ? `${id}-error` : extra.hint ? `${id}-hint` : undefined;
    return (
      <div class="field">
        <label for={id}>{label}</label>
        <input
          id={id}
          type={extra.type ?? "text"}
          value={value}
          aria-invalid={error ? "true" : undefined}
          aria-describedby={describedBy}
          onInput={(event) => onInput(event.currentTarget.value)}
        />
        {error ? (
          <span id={`${id}-error`} class="field-error">
            {error}
          </span>
        ) : (
          extra.hint && (
            <span id={`${id}-hint`} class="field-hint">
              {extra.hint}
            </span>
          )
        )}
      </div>
    );
  };

  const colour = (key: "primary" | "text") => {
    const id = `widget-colour-${key}`;
    const error = errorOf(`settings.colors.${key}`);
    return (
      <div class="field colour-field">
        <label for={id}>{t(`settings.widgets.looks.${key}`)}</label>
        <div class="picker-row">
          <input
            id={id}
            type="color"
            value={draft.settings.colors[key]}
            aria-invalid={error ? "true" : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
            onInput={(event) => changeSettings({ colors: { ...draft.settings.colors, [key]: event.currentTarget.value } })}
          />
          <code>{draft.settings.colors[key]}</code>
        </div>
        {error && (
          <span id={`${id}-error`} class="field-error">
            {error}
          </span>
        )}
      </div>
    );
  };

  const needed = neededDependencies(draft);
  const linkInbox = draft.inbox_id ?? null;

  return (
    <div class="builder">
      <div class="builder-head">
        <nav aria-label={t("settings.breadcrumb")} class="breadcrumb">
          <Link href={widgetsPath(account)}>{t("settings.widgets.title")}</Link>
          <Icon name="chevron-right" size={14} />
          <span aria-current="page">{isNew ? t("settings.widgets.new") : draft.name}</span>
        </nav>
        <div class="builder-title-row">
          <div class="builder-title">
            <h1 class="page-title">{isNew ? t("settings.widgets.new") : t("settings.widgets.edit", { name: draft.name })}</h1>
            <div class="builder-status">
              <span class={`chip ${setup.setup_status === "complete" ? "chip-success" : "chip-warning"}`}>
                {t(`settings.widgets.status.${setup.setup_status}`)}
              </span>
              {dirty && !isNew && <span class="chip chip-neutral">{t("settings.widgets.unsaved")}</span>}
              {widget?.snapshot && (
                <span class="muted">
                  {t("settings.widgets.fromSnapshot", {
                    name: widget.snapshot.snapshot_name ?? `#${widget.snapshot.snapshot_id}`,
                    date: formatDateTime(widget.snapshot.loaded_at),
                  })}
                </span>
              )}
            </div>
          </div>
          <div class="builder-actions">
            <GatedButton id="widget-save" primary reason={reason} fix={fix} busy={busy !== null} onClick={() => void save()}>
              {busy === "save" ? t("common.saving") : t("settings.widgets.save")}
            </GatedButton>
            <GatedButton id="widget-get-code" reason={setup.actions.get_code.reason} fix={fix} busy={busy !== null} onClick={() => void getCode()}>
              <Icon name="download" /> {t("settings.widgets.getCode")}
            </GatedButton>
          </div>
        </div>
        <div role="status" class="builder-notice">
          {notice && <p class="notice notice-success">{notice}</p>}
        </div>
        {(errors.message || Object.keys(errors.fields).length > 0) && (
          <div class="notice notice-error" role="alert">
            <Icon name="alert" />
            <div>
              <p>{errors.message ?? t("settings.widgets.checkFields")}</p>
              <ul>
                {Object.entries(errors.fields)
                  .filter(([field]) => !PLACED_FIELD.test(field))
                  .map(([field, message]) => (
                    <li key={field}>
                      <code>{field}</code>: {message}
                    </li>
                  ))}
              </ul>
            </div>
          </div>
        )}
        {missing.length > 0 && (
          <div class="notice notice-info setup-needed">
            <Icon name="info" />
            <div>
              <p>{t("settings.widgets.setupNeeded")}</p>
              <ul>
                {missing.map((item) => (
                  <li key={item.type}>{item.message}</li>
                ))}
              </ul>
            </div>
          </div>
        )}
      </div>

      <div class="builder-body">
        <div class="builder-form">
          <fieldset class="builder-section">
            <legend>{t("settings.widgets.sections.basics")}</legend>
            {text("widget-name", t("settings.widgets.name"), draft.name, (value) => change({ name: value }), "name")}
            {isNew ? (
              <div class="field">
                <label for="widget-type">{t("settings.widgets.type")}</label>
                <select
                  id="widget-type"
                  class="select"
                  value={draft.type}
                  onChange={(event) => {
                    const type = event.currentTarget.value as WidgetType;
                    setDraft((current) => {
                      if (!current) return current;
                      const fresh = newDraft(type, current.name);
                      return { ...fresh, settings: { ...current.settings, channels: fresh.settings.channels }, pre_chat_form: current.pre_chat_form };
                    });
                    navigate(`${widgetsPath(account)}/new?type=${type}`, { replace: true });
                  }}
                >
                  {WIDGET_TYPES.map((type) => (
                    <option key={type} value={type}>
                      {t(`settings.widgets.types.${type}`)}
                    </option>
                  ))}
                </select>
              </div>
            ) : (
              <p class="field">
                <span class="field-label">{t("settings.widgets.type")}</span> {t(`settings.widgets.types.${draft.type}`)}
              </p>
            )}
            {draft.type === "all_in_one" && (
              <fieldset class="channel-toggles" id="widget-channels">
                <legend>{t("settings.widgets.channels")}</legend>
                {WIDGET_CHANNELS.map((channel) => (
                  <div class="field-inline" key={channel}>
                    <input
                      id={`widget-channel-${channel}`}
                      type="checkbox"
                      checked={draft.settings.channels?.[channel] ?? false}
                      onChange={(event) =>
                        changeSettings({
                          channels: {
                            ...(draft.settings.channels ?? {
                              live_chat: false,
                              email_sms: false,
                              whatsapp: false,
                              facebook: false,
                              instagram: false,
                              voice_ai: false,
                            }),
                            [channel]: event.currentTarget.checked,
                          },
                        })
                      }
                    />
                    <label for={`widget-channel-${channel}`}>{t(`settings.widgets.types.${channel}`)}</label>
                  </div>
                ))}
                {errorOf("settings.channels") && <span class="field-error">{errorOf("settings.channels")}</span>}
              </fieldset>
            )}
            {dependenciesOf(draft.type)
              .filter((dependency) => draft.type !== "all_in_one" || needed.includes(dependency))
              .map((dependency) => {
                const field = DEPENDENCY_FIELDS[dependency];
                return (
                  <DependencyPicker
                    key={dependency}
                    dependency={dependency}
                    value={draft[field]}
                    websiteInboxes={inboxesFor(draft.type, inboxes.value)}
                    missing={missing.find((item) => item.type === dependency)?.message ?? null}
                    error={errorOf(field)}
                    onChange={(id) => change({ [field]: id })}
                  />
                );
              })}
          </fieldset>

          <fieldset class="builder-section">
            <legend>{t("settings.widgets.sections.looks")}</legend>
            <fieldset class="radio-group">
              <legend>{t("settings.widgets.looks.position")}</legend>
              {(["left", "right"] as const).map((position) => (
                <div class="field-inline" key={position}>
                  <input
                    id={`widget-position-${position}`}
                    type="radio"
                    name="widget-position"
                    checked={draft.settings.position === position}
                    onChange={() => changeSettings({ position })}
                  />
                  <label for={`widget-position-${position}`}>{t(`settings.widgets.looks.${position}`)}</label>
                </div>
              ))}
            </fieldset>
            <div class="colour-row">
              {colour("primary")}
              {colour("text")}
            </div>
            {text(
              "widget-launcher-text",
              t("settings.widgets.looks.launcherText"),
              draft.settings.launcher.text ?? "",
              (value) => changeSettings({ launcher: { ...draft.settings.launcher, text: value || null } }),
              "settings.launcher.text",
              { hint: t("settings.widgets.looks.launcherHint") },
            )}
            <div class="field">
              <label for="widget-launcher-icon">{t("settings.widgets.looks.icon")}</label>
              <select
                id="widget-launcher-icon"
                class="select"
                value={draft.settings.launcher.icon}
                onChange={(event) =>
                  changeSettings({ launcher: { ...draft.settings.launcher, icon: event.currentTarget.value as Draft["settings"]["launcher"]["icon"] } })
                }
              >
                {(["chat", "message", "help", "phone"] as const).map((icon) => (
                  <option key={icon} value={icon}>
                    {t(`settings.widgets.looks.icons.${icon}`)}
                  </option>
                ))}
              </select>
            </div>
            <div class="media-row">
              {(["logo", "avatar"] as const).map((slot) => {
                const current = media[slot];
                const id = `widget-media-${slot}`;
                const error = errorOf(`media.${slot}`);
                return (
                  <div class="field media-field" key={slot}>
                    <label for={id}>{t(`settings.widgets.media.${slot}`)}</label>
                    {current && <img src={current.url} alt="" class="media-thumb" />}
                    <input
                      id={id}
                      type="file"
                      accept="image/png,image/jpeg,image/gif,image/webp,image/svg+xml"
                      disabled={isNew}
                      aria-invalid={error ? "true" : undefined}
                      aria-describedby={`${id}-hint${error ? ` ${id}-error` : ""}`}
                      onChange={(event) => void upload(slot, event.currentTarget.files?.[0])}
                    />
                    <span id={`${id}-hint`} class="field-hint">
                      {isNew ? t("settings.widgets.media.saveFirst") : t("settings.widgets.media.hint")}
                    </span>
                    {error && (
                      <span id={`${id}-error`} class="field-error">
                        {error}
                      </span>
                    )}
                    {current && (
                      <button type="button" class="button button-small" onClick={() => void removeMedia(slot)}>
                        {t("settings.widgets.media.remove", { slot: t(`settings.widgets.media.${slot}`) })}
                      </button>
                    )}
                  </div>
                );
              })}
            </div>
          </fieldset>

          <fieldset class="builder-section">
            <legend>{t("settings.widgets.sections.texts")}</legend>
            {text(
              "widget-title",
              t("settings.widgets.texts.title"),
              draft.settings.greeting.title,
              (value) => changeSettings({ greeting: { ...draft.settings.greeting, title: value } }),
              "settings.greeting.title",
            )}
            {text(
              "widget-tagline",
              t("settings.widgets.texts.tagline"),
              draft.settings.greeting.tagline,
              (value) => changeSettings({ greeting: { ...draft.settings.greeting, tagline: value } }),
              "settings.greeting.tagline",
            )}
            {text(
              "widget-away",
              t("settings.widgets.texts.away"),
              draft.settings.away_message ?? "",
              (value) => changeSettings({ away_message: value || null }),
              "settings.away_message",
            )}
            {LINK_CHANNELS.includes(draft.type) &&
              text(
                "widget-prefilled",
                t("settings.widgets.texts.prefilled"),
                draft.settings.prefilled_text ?? "",
                (value) => changeSettings({ prefilled_text: value || null }),
                "settings.prefilled_text",
                { hint: t("settings.widgets.texts.prefilledHint") },
              )}
          </fieldset>

          {(draft.type === "live_chat" || (draft.type === "all_in_one" && draft.settings.channels?.live_chat)) && (
            <fieldset class="builder-section">
              <legend>{t("settings.widgets.sections.prechat")}</legend>
              <PreChatEditor form={draft.pre_chat_form} onChange={(pre_chat_form) => change({ pre_chat_form })} errorOf={errorOf} />
            </fieldset>
          )}

          <fieldset class="builder-section">
            <legend>{t("settings.widgets.sections.publishing")}</legend>
            <div class="field">
              <label for="widget-domains">{t("settings.widgets.domains.label")}</label>
              <textarea
                id="widget-domains"
                rows={3}
                value={draft.settings.allowed_domains.join("\n")}
                aria-invalid={Object.keys(errors.fields).some((key) => key.startsWith("settings.allowed_domains")) ? "true" : undefined}
                aria-describedby="widget-domains-hint widget-domains-error"
                onInput={(event) =>
                  changeSettings({
                    allowed_domains: event.currentTarget.value
                      .split(/[\n,]/)
                      .map((domain) => domain.trim())
                      .filter((domain, index, all) => domain !== "" || index === all.length - 1),
                  })
                }
              />
              <span id="widget-domains-hint" class="field-hint">
                {t("settings.widgets.domains.hint")}
              </span>
              <span id="widget-domains-error" class="field-error">
                {Object.entries(errors.fields)
                  .filter(([key]) => key.startsWith("settings.allowed_domains"))
                  .map(([key, message]) => `${draft.settings.allowed_domains[Number(key.split(".")[2])] ?? ""}: ${message}`)
                  .join(" ")}
              </span>
            </div>
            <InboxCampaigns inboxId={linkInbox} />
          </fieldset>
        </div>
        <Preview config={config} position={draft.settings.position} launcherText={draft.settings.launcher.text} />
      </div>
      {code !== null && <GetCodeDialog html={code} onClose={() => setCode(null)} />}
    </div>
  );
}

type Campaign = { id: number; title: string; enabled: boolean; campaign_type: string; inbox: { id: number }; trigger_rules: { url?: string } };

/** The ongoing campaigns of the widget's inbox: what greets visitors of this widget, and on which pages. */
function InboxCampaigns({ inboxId }: { inboxId: number | null }) {
  const [campaigns, setCampaigns] = useState<Campaign[] | null>(null);
  useEffect(() => {
    if (inboxId === null) return;
    api.get<Campaign[]>(accountPath("/campaigns")).then(setCampaigns, () => setCampaigns([]));
  }, [inboxId]);
  const ongoing = (campaigns ?? []).filter((campaign) => campaign.inbox.id === inboxId && campaign.campaign_type === "ongoing");
  return (
    <div class="field">
      <span class="field-label">{t("settings.widgets.campaigns.label")}</span>
      {inboxId === null ? (
        <p class="field-hint">{t("settings.widgets.campaigns.noInbox")}</p>
      ) : ongoing.length === 0 ? (
        <p class="field-hint">{t("settings.widgets.campaigns.none")}</p>
      ) : (
        <>
          <p class="field-hint">{t("settings.widgets.campaigns.hint")}</p>
          <ul class="campaign-list">
            {ongoing.map((campaign) => (
              <li key={campaign.id}>
                <strong>{campaign.title}</strong> <span class="muted">{campaign.trigger_rules.url ?? ""}</span>{" "}
                <span class={`chip ${campaign.enabled ? "chip-success" : "chip-neutral"}`}>
                  {t(campaign.enabled ? "settings.widgets.campaigns.on" : "settings.widgets.campaigns.off")}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

export const isWidgetType = (value: string | undefined): value is WidgetType => WIDGET_TYPES.includes(value as WidgetType);
