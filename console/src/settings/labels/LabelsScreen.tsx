/**
 * Labels: the sub-account's labels (title, colour, description, whether the sidebar shows them).
 * Create and edit in a dialog whose fields show the API's 422 answers beside them; delete after a
 * confirm dialog.
 */
import { useEffect, useState } from "preact/hooks";
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

type Label = { id: number; title: string; description: string | null; color: string; show_on_sidebar: boolean };
type Draft = { title: string; description: string; color: string; show_on_sidebar: boolean };

const NEW_LABEL: Draft = { title: "", description: "", color: "#1f93ff", show_on_sidebar: true };

export function LabelsScreen() {
  const {
    items: labels,
    error,
    reload: load,
  } = useList(async () => [...(await api.get<{ payload: Label[] }>(accountPath("/labels"))).payload].sort((a, b) => a.title.localeCompare(b.title)));
  const [editing, setEditing] = useState<Label | "new" | null>(null);
  const [deleting, setDeleting] = useState<Label | null>(null);
  const [announce, setAnnounce] = useState("");
  useEffect(() => {
    document.title = `${t("settings.labels.title")} · ${t("common.appName")}`;
  }, []);
  return (
    <div class="settings-screen">
      <SettingsHead
        title={t("settings.labels.title")}
        lead={t("settings.labels.lead")}
        add={{ label: t("settings.labels.add"), onAdd: () => setEditing("new") }}
      />
      <ListState
        items={labels}
        error={error && t("settings.loadFailed", { message: error })}
        announce={announce}
        label={t("settings.labels.title")}
        empty={t("settings.labels.empty")}
        columns={[t("settings.labels.fields.title"), t("settings.labels.fields.description"), t("settings.labels.sidebar"), t("settings.labels.actions")]}
      >
        {(labels) =>
          labels.map((label) => (
            <tr key={label.id}>
              <th scope="row">
                <span class="label-swatch" style={{ background: label.color }} aria-hidden="true" />
                {label.title}
              </th>
              <td>{label.description ?? <span class="muted">{t("settings.labels.noDescription")}</span>}</td>
              <td>{label.show_on_sidebar ? t("settings.labels.shown") : t("settings.labels.hidden")}</td>
              <td>
                <span class="row-actions">
                  <RowButton label={t("settings.labels.edit")} row={label.title} onClick={() => setEditing(label)} />
                  <RowButton label={t("settings.labels.delete")} row={label.title} danger onClick={() => setDeleting(label)} />
                </span>
              </td>
            </tr>
          ))
        }
      </ListState>
      {editing && (
        <LabelDialog
          label={editing === "new" ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            setAnnounce(t("settings.labels.saved", { title: saved.title }));
            void load();
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={t("settings.labels.confirmDeleteTitle")}
          description={t("settings.labels.confirmDelete", { title: deleting.title })}
          confirmLabel={t("settings.labels.deleteConfirm", { title: deleting.title })}
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await api.del(accountPath(`/labels/${deleting.id}`));
            setAnnounce(t("settings.labels.deleted", { title: deleting.title }));
            setDeleting(null);
            void load();
          }}
        />
      )}
    </div>
  );
}

function LabelDialog({ label, onClose, onSaved }: { label: Label | null; onClose: () => void; onSaved: (label: Label) => void }) {
  const [draft, setDraft] = useState<Draft>(
    label ? { title: label.title, description: label.description ?? "", color: label.color, show_on_sidebar: label.show_on_sidebar } : NEW_LABEL,
  );
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    const body = {
      title: draft.title.trim(),
      description: draft.description.trim() === "" ? null : draft.description.trim(),
      color: draft.color,
      show_on_sidebar: draft.show_on_sidebar,
    };
    try {
      const saved = label ? await api.patch<Label>(accountPath(`/labels/${label.id}`), body) : await api.post<Label>(accountPath("/labels"), body);
      onSaved(saved);
    } catch (failure) {
      setErrors(errorsOf(failure));
    } finally {
      setBusy(false);
    }
  };
  const field = (name: "title" | "description" | "color") => {
    const id = `label-${name}`;
    const error = errors.fields[name];
    const hint = t(`settings.labels.hints.${name}`);
    return {
      id,
      error: error ? (
        <span id={`${id}-error`} class="field-error">
          {error}
        </span>
      ) : (
        <span id={`${id}-hint`} class="field-hint">
          {hint}
        </span>
      ),
      props: { id, "aria-invalid": error ? ("true" as const) : undefined, "aria-describedby": error ? `${id}-error` : `${id}-hint` },
    };
  };
  const title = field("title");
  const description = field("description");
  const color = field("color");
  return (
    <Dialog title={label ? t("settings.labels.editTitle", { title: label.title }) : t("settings.labels.add")} onClose={onClose}>
      <form class="form" onSubmit={submit} noValidate>
        <div class="field">
          <label for={title.id}>{t("settings.labels.fields.title")}</label>
          <input
            {...title.props}
            type="text"
            required
            value={draft.title}
            onInput={(event) => {
              const value = event.currentTarget.value;
              setDraft((current) => ({ ...current, title: value }));
            }}
          />
          {title.error}
        </div>
        <div class="field">
          <label for={description.id}>
            {t("settings.labels.fields.description")} <span class="muted">{t("settings.optional")}</span>
          </label>
          <textarea
            {...description.props}
            rows={3}
            value={draft.description}
            onInput={(event) => {
              const value = event.currentTarget.value;
              setDraft((current) => ({ ...current, description: value }));
            }}
          />
          {description.error}
        </div>
        <div class="field">
          <label for={color.id}>{t("settings.labels.fields.color")}</label>
          <input
            {...color.props}
            type="color"
            class="color-input"
            value={draft.color}
            onInput={(event) => {
              const value = event.currentTarget.value;
              setDraft((current) => ({ ...current, color: value }));
            }}
          />
          {color.error}
        </div>
        <div class="field-inline">
          <input
            id="label-sidebar"
            type="checkbox"
            checked={draft.show_on_sidebar}
            onChange={(event) => {
              const checked = event.currentTarget.checked;
              setDraft((current) => ({ ...current, show_on_sidebar: checked }));
            }}
          />
          <label for="label-sidebar">{t("settings.labels.fields.show_on_sidebar")}</label>
        </div>
        <FormNotice errors={errors} checkFields={t("settings.labels.checkFields")} />
        <FormActions submit={label ? t("settings.labels.save") : t("settings.labels.create")} busy={busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
