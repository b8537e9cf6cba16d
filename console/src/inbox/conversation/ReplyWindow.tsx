/**
 * What the reply box shows when the channel's provider takes no free-form reply now (the
 * conversation's `can_reply` is false, Chatwoot's messaging window): why, in words, with a link to
 * the provider's rule; for WhatsApp, a template picker (choose an approved template, fill its
 * variables, see the preview, send). The private note tab is not affected.
 */
import { useEffect, useId, useRef, useState } from "preact/hooks";
import { accountPath, api } from "../../core/api";
import { t } from "../../core/i18n";
import { Icon } from "../../core/icons";
import { errorText } from "./errors";
import type { ConversationStore } from "./store";
import { templateFields, templateParams, templatePreview, valueKey, type TemplateField, type WhatsappTemplate } from "./template-fields";
import type { Message } from "./types";
import "./reply-window.css";

const WHATSAPP = "Channel::Whatsapp";
const WHATSAPP_WINDOW_DOC = "https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-messages#customer-service-windows";
const META_WINDOW_DOC = "https://developers.facebook.com/docs/messenger-platform/policy/policy-overview#24hours_window";

/** True when the conversation's channel refuses a free-form reply now. */
export const replyRestricted = (store: ConversationStore) => store.conversation.value?.can_reply === false;

export function ReplyWindow({ store }: { store: ConversationStore }) {
  const id = useId();
  const [picking, setPicking] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const closing = useRef(false);
  const conversation = store.conversation.value;
  const whatsapp = conversation?.meta.channel === WHATSAPP;
  const lastIncoming = [...store.messages.value].reverse().find((m) => m.message_type === 0)?.id ?? null;

  const seenIncoming = useRef(lastIncoming);

  // The contact wrote again: the server says whether the window opened (no event may carry it).
  useEffect(() => {
    if (lastIncoming === seenIncoming.current) return;
    seenIncoming.current = lastIncoming;
    api
      .get<NonNullable<typeof conversation>>(store.path())
      .then((fresh) => {
        if (fresh.can_reply !== store.conversation.peek()?.can_reply) store.conversation.value = fresh;
      })
      .catch((error: unknown) => store.fail(error));
  }, [lastIncoming]);

  // Focus returns to the button that opened the picker when it closes.
  useEffect(() => {
    if (!picking && closing.current) opener.current?.focus();
    closing.current = false;
  }, [picking]);

  return (
    <div class="rw-window">
      <div class="rw-banner">
        <Icon name="clock" />
        <div class="rw-banner-text">
          <p id={`${id}-why`}>
            {whatsapp ? t("replyWindow.whatsapp_closed") : t("replyWindow.meta_closed")} {t("replyWindow.notes_still_work")}
          </p>
          <a href={whatsapp ? WHATSAPP_WINDOW_DOC : META_WINDOW_DOC} target="_blank" rel="noopener noreferrer">
            {whatsapp ? t("replyWindow.learn_more_whatsapp") : t("replyWindow.learn_more_meta")}
            <Icon name="external-link" size={14} />
            <span class="cv-visually-hidden">{t("replyWindow.opens_new_tab")}</span>
          </a>
        </div>
        {whatsapp && !picking && (
          <button ref={opener} type="button" class="cv-btn cv-primary" aria-describedby={`${id}-why`} onClick={() => setPicking(true)}>
            <Icon name="send" />
            <span>{t("replyWindow.choose_template")}</span>
          </button>
        )}
      </div>
      {whatsapp && picking && conversation && (
        <TemplatePicker
          store={store}
          inboxId={conversation.inbox_id}
          onClose={() => {
            closing.current = true;
            setPicking(false);
          }}
        />
      )}
    </div>
  );
}

type Load = { state: "loading" } | { state: "failed"; reason: string } | { state: "ready"; templates: WhatsappTemplate[] };

function TemplatePicker({ store, inboxId, onClose }: { store: ConversationStore; inboxId: number; onClose: () => void }) {
  const id = useId();
  const [load, setLoad] = useState<Load>({ state: "loading" });
  const [chosen, setChosen] = useState<string>("");
  const [values, setValues] = useState<Record<string, string>>({});
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const select = useRef<HTMLSelectElement>(null);

  async function fetchTemplates(refresh: boolean) {
    setLoad({ state: "loading" });
    try {
      const answer = await api.get<{ payload: WhatsappTemplate[]; error: string | null }>(accountPath(`/inboxes/${inboxId}/whatsapp_templates`), {
        refresh: refresh ? "true" : undefined,
      });
      setLoad({ state: "ready", templates: answer.payload.filter((template) => template.status.toUpperCase() === "APPROVED") });
      setProblem(answer.error);
    } catch (error) {
      setLoad({ state: "failed", reason: errorText(error) });
    }
  }

  useEffect(() => void fetchTemplates(false), [inboxId]);
  // Opened: the template list takes the focus once it can be used.
  useEffect(() => {
    if (load.state === "ready") select.current?.focus();
  }, [load.state]);

  const templates = load.state === "ready" ? load.templates : [];
  const template = templates.find((candidate) => `${candidate.name}|${candidate.language}` === chosen) ?? null;
  const fields = template ? templateFields(template) : [];
  const complete = template !== null && fields.every((field) => (values[valueKey(field)] ?? "").trim() !== "");

  async function send(event: Event) {
    event.preventDefault();
    if (!template) return;
    if (!complete) return setProblem(t("replyWindow.fill_all"));
    setSending(true);
    setProblem(null);
    try {
      const stored = await api.post<Message>(store.path("/messages"), {
        message_type: "outgoing",
        template_params: templateParams(template, fields, values),
        echo_id: crypto.randomUUID(),
      });
      store.handleEvent("message.created", stored);
      store.notice.value = { kind: "info", text: t("replyWindow.sent") };
      onClose();
    } catch (error) {
      setProblem(errorText(error));
    } finally {
      setSending(false);
    }
  }

  const label = (field: TemplateField) =>
    field.part === "header_media"
      ? t("replyWindow.variable_header_media", { type: field.mediaType ?? "image" })
      : t(field.part === "body" ? "replyWindow.variable_body" : "replyWindow.variable_header_text", { name: field.key });

  return (
    <form class="rw-picker" aria-label={t("replyWindow.picker")} onSubmit={send}>
      <div class="rw-row">
        <div class="field rw-grow">
          <label for={`${id}-template`}>{t("replyWindow.template")}</label>
          <select
            ref={select}
            id={`${id}-template`}
            class="select"
            value={chosen}
            disabled={load.state !== "ready" || templates.length === 0}
            onChange={(event) => {
              setChosen(event.currentTarget.value);
              setValues({});
              setProblem(null);
            }}
          >
            <option value="">{t("replyWindow.template_none")}</option>
            {templates.map((candidate) => (
              <option key={`${candidate.name}|${candidate.language}`} value={`${candidate.name}|${candidate.language}`}>
                {t("replyWindow.template_option", { name: candidate.name, language: candidate.language, category: candidate.category ?? "" })}
              </option>
            ))}
          </select>
        </div>
        <button type="button" class="cv-btn cv-quiet" onClick={() => void fetchTemplates(true)} disabled={load.state === "loading"}>
          <Icon name="refresh" />
          <span>{t("replyWindow.refresh")}</span>
        </button>
      </div>
      {load.state === "loading" && <p class="cv-hint">{t("replyWindow.loading")}</p>}
      {load.state === "failed" && (
        <p class="cv-problem" role="alert">
          {t("replyWindow.load_failed", { reason: load.reason })}
        </p>
      )}
      {load.state === "ready" && templates.length === 0 && <p class="cv-hint">{t("replyWindow.none_approved")}</p>}
      {template && (
        <fieldset class="rw-variables">
          <legend>{t("replyWindow.variables")}</legend>
          {fields.length === 0 && <p class="cv-hint">{t("replyWindow.no_variables")}</p>}
          {fields.map((field) => {
            const key = valueKey(field);
            const inputId = `${id}-${key.replace(/[^\w-]/g, "_")}`;
            return (
              <div class="field" key={key}>
                <label for={inputId}>{label(field)}</label>
                <input
                  id={inputId}
                  type={field.part === "header_media" ? "url" : "text"}
                  value={values[key] ?? ""}
                  required
                  aria-describedby={field.example ? `${inputId}-example` : undefined}
                  onInput={(event) => {
                    const value = event.currentTarget.value;
                    setValues((current) => ({ ...current, [key]: value }));
                  }}
                />
                {field.example && (
                  <span id={`${inputId}-example`} class="field-hint">
                    {t("replyWindow.example", { value: field.example })}
                  </span>
                )}
              </div>
            );
          })}
        </fieldset>
      )}
      {template && (
        <section class="rw-preview" aria-labelledby={`${id}-preview`}>
          <h3 id={`${id}-preview`}>{t("replyWindow.preview")}</h3>
          <p>{templatePreview(template, values)}</p>
        </section>
      )}
      {problem && (
        <p class="cv-problem" role="alert">
          {problem}
        </p>
      )}
      <div class="cv-compose-bar">
        <span class="cv-grow" />
        <button type="button" class="cv-btn cv-quiet" onClick={onClose}>
          <Icon name="x" />
          <span>{t("replyWindow.cancel")}</span>
        </button>
        <button type="submit" class="cv-btn cv-primary" disabled={!template || sending}>
          <Icon name="send" />
          <span>{sending ? t("replyWindow.sending") : t("replyWindow.send")}</span>
        </button>
      </div>
    </form>
  );
}
