/**
 * Macros: the sub-account's global macros and the administrator's personal ones, each an ordered list
 * of actions. The builder reuses the automation builder's action rows (plus moving a row up and down),
 * shows the API's refusals beside the field or row they concern; delete after a confirmation.
 */
import { useEffect, useState } from "preact/hooks";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { accountPath, api, errorsOf, failureMessage, type FormErrors, NO_ERRORS } from "../../core/api";
import { t } from "../../core/i18n";
import { Icon } from "../../core/icons";
import { type ActionChoice, ActionRow, type CustomParams, errorsUnder } from "../ActionRow";
import { ACTIONS, type Action, type Directory, loadDirectory } from "../automation/model";
import { fieldNote } from "../fieldNote";
import { FormActions } from "../FormActions";
import { ListState } from "../ListState";
import { RowButton } from "../RowButton";
import { SettingsHead } from "../SettingsHead";
import { useList } from "../useList";

type Visibility = "global" | "personal";
export type Macro = { id: number; name: string; visibility: Visibility; actions: Action[]; created_by: { id: number; name: string } | null };

/** What a macro may do: the automation actions, a private note, removing the team and sending files (Chatwoot's macro actions). */
const MACRO_ACTIONS: readonly ActionChoice[] = [
  ...ACTIONS,
  { name: "add_private_note", params: "text" },
  { name: "remove_assigned_team", params: "none" },
  { name: "send_attachment", params: "custom" },
];

const MACRO_ONLY = ["add_private_note", "remove_assigned_team", "send_attachment"];
const actionLabel = (name: string) => (MACRO_ONLY.includes(name) ? t(`settingsMacros.actions.${name}`) : t(`settings.automation.actions.${name}`));

export function MacrosScreen() {
  const { items, error, reload } = useList(async () => (await api.get<{ payload: Macro[] }>(accountPath("/macros"))).payload);
  const [editing, setEditing] = useState<Macro | "new" | null>(null);
  const [deleting, setDeleting] = useState<Macro | null>(null);
  const [announce, setAnnounce] = useState("");
  useEffect(() => {
    document.title = `${t("settingsMacros.title")} · ${t("common.appName")}`;
  }, []);
  if (editing) {
    return (
      <MacroBuilder
        macro={editing === "new" ? null : editing}
        onCancel={() => setEditing(null)}
        onSaved={(macro) => {
          setEditing(null);
          setAnnounce(t("settingsMacros.saved", { name: macro.name }));
          void reload();
        }}
      />
    );
  }
  return (
    <div class="settings-screen">
      <SettingsHead
        title={t("settingsMacros.title")}
        lead={t("settingsMacros.lead")}
        add={{ label: t("settingsMacros.add"), onAdd: () => setEditing("new") }}
      />
      <ListState
        items={items}
        error={error && t("settings.loadFailed", { message: error })}
        announce={announce}
        label={t("settingsMacros.title")}
        empty={t("settingsMacros.empty")}
        columns={[
          t("settingsMacros.columns.name"),
          t("settingsMacros.columns.visibility"),
          t("settingsMacros.columns.actions"),
          t("settingsMacros.columns.author"),
          t("settingsMacros.columns.row"),
        ]}
      >
        {(rows) =>
          rows.map((macro) => (
            <tr key={macro.id}>
              <th scope="row">{macro.name}</th>
              <td>{t(`settingsMacros.visibilityShort.${macro.visibility}`)}</td>
              <td>
                <ol class="macro-actions-summary">
                  {macro.actions.map((action, index) => (
                    <li key={index}>{actionLabel(action.action_name)}</li>
                  ))}
                </ol>
              </td>
              <td>{macro.created_by?.name ?? <span class="muted">{t("settingsMacros.unknownAuthor")}</span>}</td>
              <td>
                <span class="row-actions">
                  <RowButton label={t("settingsMacros.edit")} row={macro.name} onClick={() => setEditing(macro)} />
                  <RowButton label={t("settingsMacros.delete")} row={macro.name} danger onClick={() => setDeleting(macro)} />
                </span>
              </td>
            </tr>
          ))
        }
      </ListState>
      {deleting && (
        <ConfirmDialog
          title={t("settingsMacros.confirmDeleteTitle")}
          description={t("settingsMacros.confirmDelete", { name: deleting.name })}
          confirmLabel={t("settingsMacros.deleteConfirm", { name: deleting.name })}
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await api.del(accountPath(`/macros/${deleting.id}`));
            setAnnounce(t("settingsMacros.deleted", { name: deleting.name }));
            setDeleting(null);
            void reload();
          }}
        />
      )}
    </div>
  );
}

function MacroBuilder({ macro, onCancel, onSaved }: { macro: Macro | null; onCancel: () => void; onSaved: (macro: Macro) => void }) {
  const [name, setName] = useState(macro?.name ?? "");
  const [visibility, setVisibility] = useState<Visibility>(macro?.visibility ?? "global");
  const [actions, setActions] = useState<Action[]>(macro?.actions ?? [{ action_name: "add_label", action_params: [] }]);
  const [directory, setDirectory] = useState<Directory | null>(null);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const [moved, setMoved] = useState("");
  /** The names of the files uploaded here, by blob id (a saved macro names only the ids). */
  const [fileNames, setFileNames] = useState<Record<number, string>>({});
  useEffect(() => {
    loadDirectory()
      .then(setDirectory)
      .catch((failure: unknown) => setErrors({ fields: {}, message: errorsOf(failure).message }));
  }, []);
  /** A refusal goes once what it concerns is changed; the notice above goes with the last marked row. */
  const forget = (prefix: string) => {
    const fields = Object.fromEntries(Object.entries(errors.fields).filter(([field]) => field !== prefix && !field.startsWith(`${prefix}.`)));
    const message = Object.keys(fields).length === 0 && errors.message === t("settingsMacros.checkRows") ? null : errors.message;
    setErrors({ fields, message });
  };
  const setAction = (index: number, patch: Partial<Action>) => {
    setActions(actions.map((each, at) => (at === index ? { ...each, ...patch } : each)));
    forget(`actions.${index}`);
  };
  const move = (index: number, by: -1 | 1) => {
    const to = index + by;
    const next = [...actions];
    const [taken] = next.splice(index, 1);
    if (!taken || to < 0 || to > actions.length - 1) return;
    next.splice(to, 0, taken);
    setActions(next);
    // Refusals are by row number: they no longer point at the right rows.
    setErrors({ fields: {}, message: errors.message === t("settingsMacros.checkRows") ? null : errors.message });
    setMoved(t("settingsMacros.moved", { from: index + 1, to: to + 1 }));
    // Focus follows the moved row: the same button, or the other one when the row reached an end.
    requestAnimationFrame(() => {
      const same = document.getElementById(`macro-move-${by < 0 ? "up" : "down"}-${to}`) as HTMLButtonElement | null;
      const other = document.getElementById(`macro-move-${by < 0 ? "down" : "up"}-${to}`) as HTMLButtonElement | null;
      (same && !same.disabled ? same : other)?.focus();
    });
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    const body = { name: name.trim(), visibility, actions };
    try {
      const saved = macro
        ? (await api.patch<{ payload: Macro }>(accountPath(`/macros/${macro.id}`), body)).payload
        : (await api.post<{ payload: Macro }>(accountPath("/macros"), body)).payload;
      onSaved(saved);
    } catch (failure) {
      const found = errorsOf(failure);
      setErrors(Object.keys(found.fields).length > 0 ? { fields: found.fields, message: t("settingsMacros.checkRows") } : found);
    } finally {
      setBusy(false);
    }
  };
  const title = macro ? t("settingsMacros.editTitle", { name: macro.name }) : t("settingsMacros.newTitle");
  const nameField = fieldNote("macro", "name", errors, null);
  const visibilityField = fieldNote("macro", "visibility", errors, null);
  return (
    <form class="settings-screen rule-builder" onSubmit={submit} noValidate aria-label={title}>
      <div class="settings-head">
        <h1 class="page-title">{title}</h1>
      </div>
      {errors.message && (
        <div class="notice notice-error" role="alert">
          <p>{errors.message}</p>
        </div>
      )}
      <p role="status" class="visually-hidden">
        {moved}
      </p>
      <fieldset class="builder-section">
        <legend>{t("settingsMacros.about")}</legend>
        <div class="field">
          <label for={nameField.id}>{t("settingsMacros.name")}</label>
          <input
            {...nameField.props}
            value={name}
            onInput={(event) => {
              setName(event.currentTarget.value);
              forget("name");
            }}
          />
          {nameField.note}
        </div>
        <fieldset class="radio-group" aria-describedby={visibilityField.props["aria-describedby"]}>
          <legend>{t("settingsMacros.visibility")}</legend>
          {(["global", "personal"] as const).map((each) => (
            <span class="field-inline" key={each}>
              <input
                type="radio"
                id={`macro-visibility-${each}`}
                name="macro-visibility"
                checked={visibility === each}
                onChange={() => {
                  setVisibility(each);
                  forget("visibility");
                }}
              />
              <label for={`macro-visibility-${each}`}>{t(`settingsMacros.visibilities.${each}`)}</label>
            </span>
          ))}
          {visibilityField.note}
        </fieldset>
      </fieldset>
      <fieldset class="builder-section">
        <legend>{t("settingsMacros.actionsTitle")}</legend>
        <ol class="rule-rows">
          {actions.map((action, index) => (
            <ActionRow
              key={`${index}-${action.action_name}`}
              index={index}
              action={action}
              choices={MACRO_ACTIONS}
              actionLabel={actionLabel}
              agentChoices={[
                { value: "self", label: t("settingsMacros.self") },
                { value: "nil", label: t("settings.automation.unassign") },
              ]}
              directory={directory}
              only={actions.length === 1}
              problems={errorsUnder(errors, `actions.${index}.`)}
              onChange={(patch) => setAction(index, patch)}
              onRemove={() => {
                setActions(actions.filter((_, at) => at !== index));
                setErrors({ fields: {}, message: null });
              }}
              customParams={(params) => (
                <AttachmentFiles {...params} names={fileNames} onUploaded={(id, name) => setFileNames((names) => ({ ...names, [id]: name }))} />
              )}
              extra={
                actions.length > 1 && (
                  <>
                    <button type="button" id={`macro-move-up-${index}`} class="button button-small" disabled={index === 0} onClick={() => move(index, -1)}>
                      <Icon name="arrow-up" />
                      <span class="visually-hidden">{t("settingsMacros.moveUp", { number: index + 1 })}</span>
                    </button>
                    <button
                      type="button"
                      id={`macro-move-down-${index}`}
                      class="button button-small"
                      disabled={index === actions.length - 1}
                      onClick={() => move(index, 1)}
                    >
                      <Icon name="arrow-down" />
                      <span class="visually-hidden">{t("settingsMacros.moveDown", { number: index + 1 })}</span>
                    </button>
                  </>
                )
              }
            />
          ))}
        </ol>
        <button type="button" class="button" onClick={() => setActions([...actions, { action_name: "add_label", action_params: [] }])}>
          <Icon name="plus" /> {t("settingsMacros.addAction")}
        </button>
      </fieldset>
      <FormActions submit={t("settingsMacros.save")} busy={busy} onCancel={onCancel} />
    </form>
  );
}

type UploadedFile = { blob_id: number; file_name: string };

/**
 * send_attachment's files: each picked file is uploaded at once (the API's attach_file answers the id
 * the action names), listed by name with a button that takes it out of the action.
 */
function AttachmentFiles(props: CustomParams & { names: Record<number, string>; onUploaded: (id: number, name: string) => void }) {
  const { action, label, describedBy, invalid, onChange, names, onUploaded } = props;
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const ids = action.action_params.filter((param): param is number => typeof param === "number");
  const upload = async (files: File[]) => {
    if (files.length === 0) return;
    setBusy(true);
    setFailure(null);
    const added: number[] = [];
    try {
      for (const file of files) {
        const form = new FormData();
        form.append("attachment", file);
        const stored = await api.upload<UploadedFile>(accountPath("/macros/attach_file"), form);
        onUploaded(stored.blob_id, stored.file_name);
        added.push(stored.blob_id);
      }
    } catch (error) {
      setFailure(t("settingsMacros.uploadFailed", { message: failureMessage(error) }));
    } finally {
      if (added.length > 0) onChange({ action_params: [...ids, ...added] });
      setBusy(false);
    }
  };
  return (
    <span class="macro-files">
      <input
        type="file"
        multiple
        aria-label={label}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        disabled={busy}
        onChange={(event) => {
          const picked = Array.from(event.currentTarget.files ?? []);
          // The list below shows what is attached; the input is ready for more.
          event.currentTarget.value = "";
          void upload(picked);
        }}
      />
      {busy && <span class="muted">{t("settingsMacros.uploading")}</span>}
      {failure && (
        <span class="field-error" role="alert">
          {failure}
        </span>
      )}
      {ids.length > 0 && (
        <ul class="macro-file-list" aria-label={t("settingsMacros.filesOf", { label })}>
          {ids.map((id) => {
            const name = names[id] ?? t("settingsMacros.fileNumber", { id });
            return (
              <li key={id}>
                {name}
                <button type="button" class="button button-small" onClick={() => onChange({ action_params: ids.filter((each) => each !== id) })}>
                  <Icon name="x" />
                  <span class="visually-hidden">{t("settingsMacros.removeFile", { name })}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </span>
  );
}
