/**
 * Canned responses: the replies agents insert with `/short_code`. Search by short code or text (the
 * API's `search`), create and edit in a dialog whose fields show the API's 422 answers beside them
 * and that inserts template variables at the cursor; delete after a confirm dialog.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Dialog } from "../../components/Dialog";
import { accountPath, api, errorsOf, type FormErrors, NO_ERRORS } from "../../core/api";
import { t } from "../../core/i18n";
import { FormActions } from "../FormActions";
import { FormNotice } from "../FormNotice";
import { ListState } from "../ListState";
import { RowButton } from "../RowButton";
import { SettingsHead } from "../SettingsHead";
import { useList } from "../useList";

type Canned = { id: number; short_code: string; content: string };

/** The variables offered for insertion; the API renders these (and custom attributes) when an agent uses the reply. */
const VARIABLES = ["contact.first_name", "contact.name", "contact.email", "agent.first_name", "agent.name", "conversation.id"];

export function CannedResponsesScreen() {
  const [search, setSearch] = useState("");
  /** The search the list was asked for: follows the field 200 ms after the last keystroke, at once when it is cleared. */
  const [query, setQuery] = useState("");
  const {
    items: rows,
    error,
    reload,
  } = useList(() => api.get<Canned[]>(accountPath("/canned_responses"), query === "" ? undefined : { search: query }), [query]);
  const [editing, setEditing] = useState<Canned | "new" | null>(null);
  const [deleting, setDeleting] = useState<Canned | null>(null);
  const [announce, setAnnounce] = useState("");
  useEffect(() => {
    document.title = `${t("settings.canned.title")} · ${t("common.appName")}`;
  }, []);
  useEffect(() => {
    const timer = setTimeout(() => setQuery(search.trim()), search === "" ? 0 : 200);
    return () => clearTimeout(timer);
  }, [search]);
  return (
    <div class="settings-screen">
      <SettingsHead
        title={t("settings.canned.title")}
        lead={t("settings.canned.lead")}
        add={{ label: t("settings.canned.add"), onAdd: () => setEditing("new") }}
      />
      <div class="field settings-search" role="search">
        <label for="canned-search">{t("settings.canned.search")}</label>
        <input id="canned-search" type="search" value={search} onInput={(event) => setSearch(event.currentTarget.value)} />
      </div>
      <ListState
        items={rows}
        error={error && t("settings.loadFailed", { message: error })}
        announce={announce}
        label={t("settings.canned.title")}
        empty={search.trim() === "" ? t("settings.canned.empty") : t("settings.canned.noMatch", { search: search.trim() })}
        columns={[t("settings.canned.fields.short_code"), t("settings.canned.fields.content"), t("settings.canned.actions")]}
      >
        {(rows) =>
          rows.map((row) => (
            <tr key={row.id}>
              <th scope="row">
                <code>/{row.short_code}</code>
              </th>
              <td class="canned-content">{row.content}</td>
              <td>
                <span class="row-actions">
                  <RowButton label={t("settings.canned.edit")} row={row.short_code} onClick={() => setEditing(row)} />
                  <RowButton label={t("settings.canned.delete")} row={row.short_code} danger onClick={() => setDeleting(row)} />
                </span>
              </td>
            </tr>
          ))
        }
      </ListState>
      {editing && (
        <CannedDialog
          canned={editing === "new" ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            setAnnounce(t("settings.canned.saved", { code: saved.short_code }));
            void reload();
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={t("settings.canned.confirmDeleteTitle")}
          description={t("settings.canned.confirmDelete", { code: deleting.short_code })}
          confirmLabel={t("settings.canned.deleteConfirm", { code: deleting.short_code })}
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await api.del(accountPath(`/canned_responses/${deleting.id}`));
            setAnnounce(t("settings.canned.deleted", { code: deleting.short_code }));
            setDeleting(null);
            void reload();
          }}
        />
      )}
    </div>
  );
}

function CannedDialog({ canned, onClose, onSaved }: { canned: Canned | null; onClose: () => void; onSaved: (canned: Canned) => void }) {
  const [shortCode, setShortCode] = useState(canned?.short_code ?? "");
  const [content, setContent] = useState(canned?.content ?? "");
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const contentRef = useRef<HTMLTextAreaElement>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    const body = { short_code: shortCode.trim(), content };
    try {
      const saved = canned
        ? await api.patch<Canned>(accountPath(`/canned_responses/${canned.id}`), body)
        : await api.post<Canned>(accountPath("/canned_responses"), body);
      onSaved(saved);
    } catch (failure) {
      setErrors(errorsOf(failure));
    } finally {
      setBusy(false);
    }
  };
  const insert = (variable: string) => {
    const area = contentRef.current;
    const text = `{{ ${variable} }}`;
    const start = area?.selectionStart ?? content.length;
    const end = area?.selectionEnd ?? content.length;
    const next = content.slice(0, start) + text + content.slice(end);
    setContent(next);
    requestAnimationFrame(() => {
      if (!area) return;
      area.focus();
      area.setSelectionRange(start + text.length, start + text.length);
    });
  };
  const describe = (name: "short_code" | "content") => (errors.fields[name] ? `canned-${name}-error` : `canned-${name}-hint`);
  const note = (name: "short_code" | "content") =>
    errors.fields[name] ? (
      <span id={`canned-${name}-error`} class="field-error">
        {errors.fields[name]}
      </span>
    ) : (
      <span id={`canned-${name}-hint`} class="field-hint">
        {t(`settings.canned.hints.${name}`)}
      </span>
    );
  return (
    <Dialog title={canned ? t("settings.canned.editTitle", { code: canned.short_code }) : t("settings.canned.add")} onClose={onClose} class="dialog-wide">
      <form class="form" onSubmit={submit} noValidate>
        <div class="field">
          <label for="canned-short_code">{t("settings.canned.fields.short_code")}</label>
          <input
            id="canned-short_code"
            type="text"
            required
            value={shortCode}
            aria-invalid={errors.fields.short_code ? "true" : undefined}
            aria-describedby={describe("short_code")}
            onInput={(event) => setShortCode(event.currentTarget.value)}
          />
          {note("short_code")}
        </div>
        <div class="field">
          <label for="canned-content">{t("settings.canned.fields.content")}</label>
          <textarea
            ref={contentRef}
            id="canned-content"
            rows={6}
            required
            value={content}
            aria-invalid={errors.fields.content ? "true" : undefined}
            aria-describedby={describe("content")}
            onInput={(event) => setContent(event.currentTarget.value)}
          />
          {note("content")}
        </div>
        <div class="canned-variables" role="group" aria-label={t("settings.canned.insertVariable")}>
          <span class="field-label">{t("settings.canned.insertVariable")}</span>
          {VARIABLES.map((variable) => (
            <button key={variable} type="button" class="button button-small" onClick={() => insert(variable)}>
              {`{{ ${variable} }}`}
            </button>
          ))}
        </div>
        <FormNotice errors={errors} checkFields={t("settings.canned.checkFields")} />
        <FormActions submit={canned ? t("settings.canned.save") : t("settings.canned.create")} busy={busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
