/**
 * Custom attributes: the conversation and contact fields the sub-account adds (display name, key,
 * type, a list's values, description). Create and edit in a dialog whose fields show the API's 422
 * answers beside them; the key and what it applies to are fixed once made; delete after a confirmation.
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

const MODELS = ["conversation_attribute", "contact_attribute"] as const;
/** The types an administrator picks from (the API also keeps currency and percent, shown when a definition has them). */
const TYPES = ["text", "number", "link", "date", "list", "checkbox"] as const;
type Model = (typeof MODELS)[number];

export type Definition = {
  id: number;
  attribute_display_name: string;
  attribute_display_type: string;
  attribute_description: string | null;
  attribute_key: string;
  attribute_values: string[];
  attribute_model: Model;
  regex_pattern: string | null;
  regex_cue: string | null;
};
type Draft = { model: Model; name: string; key: string; keyEdited: boolean; type: string; values: string; description: string; pattern: string; cue: string };

/** A key from a display name, as an administrator would type it: "Plan name" → "plan_name". */
const keyOf = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");

/** An error about "attribute_values.2" belongs beside the values field. */
const byField = (errors: FormErrors): FormErrors => ({
  message: errors.message,
  fields: Object.fromEntries(
    Object.entries(errors.fields)
      .map(([field, message]) => [field.split(".")[0] ?? field, message])
      .reverse(),
  ),
});

export function CustomAttributesScreen() {
  const [shown, setShown] = useState<Model | "">("");
  const { items, error, reload } = useList(
    () => api.get<Definition[]>(accountPath("/custom_attribute_definitions"), { attribute_model: shown || undefined }),
    [shown],
  );
  const [editing, setEditing] = useState<Definition | "new" | null>(null);
  const [deleting, setDeleting] = useState<Definition | null>(null);
  const [announce, setAnnounce] = useState("");
  useEffect(() => {
    document.title = `${t("settingsAttributes.title")} · ${t("common.appName")}`;
  }, []);
  const typeName = (type: string) => t(`settingsAttributes.types.${type}`);
  return (
    <div class="settings-screen">
      <SettingsHead
        title={t("settingsAttributes.title")}
        lead={t("settingsAttributes.lead")}
        add={{ label: t("settingsAttributes.add"), onAdd: () => setEditing("new") }}
      />
      <div class="field settings-search">
        <label for="attributes-model">{t("settingsAttributes.show")}</label>
        <select id="attributes-model" class="select" value={shown} onChange={(event) => setShown(event.currentTarget.value as Model | "")}>
          <option value="">{t("settingsAttributes.all")}</option>
          {MODELS.map((model) => (
            <option key={model} value={model}>
              {t(`settingsAttributes.models.${model}`)}
            </option>
          ))}
        </select>
      </div>
      <ListState
        items={items}
        error={error && t("settings.loadFailed", { message: error })}
        announce={announce}
        label={t("settingsAttributes.title")}
        empty={shown ? t("settingsAttributes.noneOfModel", { model: t(`settingsAttributes.modelsLower.${shown}`) }) : t("settingsAttributes.empty")}
        columns={[
          t("settingsAttributes.columns.name"),
          t("settingsAttributes.columns.key"),
          t("settingsAttributes.columns.model"),
          t("settingsAttributes.columns.type"),
          t("settingsAttributes.columns.description"),
          t("settingsAttributes.columns.actions"),
        ]}
      >
        {(rows) =>
          rows.map((row) => (
            <tr key={row.id}>
              <th scope="row">{row.attribute_display_name}</th>
              <td>
                <code>{row.attribute_key}</code>
              </td>
              <td>{t(`settingsAttributes.models.${row.attribute_model}`)}</td>
              <td>
                {typeName(row.attribute_display_type)}
                {row.attribute_display_type === "list" && (
                  <span class="muted"> ({t("settingsAttributes.valuesCount", { count: row.attribute_values.length })})</span>
                )}
              </td>
              <td>{row.attribute_description ?? <span class="muted">{t("settingsAttributes.noDescription")}</span>}</td>
              <td>
                <span class="row-actions">
                  <RowButton label={t("settingsAttributes.edit")} row={row.attribute_display_name} onClick={() => setEditing(row)} />
                  <RowButton label={t("settingsAttributes.delete")} row={row.attribute_display_name} danger onClick={() => setDeleting(row)} />
                </span>
              </td>
            </tr>
          ))
        }
      </ListState>
      {editing && (
        <AttributeDialog
          definition={editing === "new" ? null : editing}
          initialModel={shown || "conversation_attribute"}
          onClose={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            setAnnounce(t("settingsAttributes.saved", { name: saved.attribute_display_name }));
            void reload();
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={t("settingsAttributes.confirmDeleteTitle")}
          description={t("settingsAttributes.confirmDelete", { name: deleting.attribute_display_name })}
          confirmLabel={t("settingsAttributes.deleteConfirm", { name: deleting.attribute_display_name })}
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await api.del(accountPath(`/custom_attribute_definitions/${deleting.id}`));
            setAnnounce(t("settingsAttributes.deleted", { name: deleting.attribute_display_name }));
            setDeleting(null);
            void reload();
          }}
        />
      )}
    </div>
  );
}

function AttributeDialog(props: { definition: Definition | null; initialModel: Model; onClose: () => void; onSaved: (saved: Definition) => void }) {
  const { definition, onClose, onSaved } = props;
  const [draft, setDraft] = useState<Draft>(
    definition
      ? {
          model: definition.attribute_model,
          name: definition.attribute_display_name,
          key: definition.attribute_key,
          keyEdited: true,
          type: definition.attribute_display_type,
          values: definition.attribute_values.join("\n"),
          description: definition.attribute_description ?? "",
          pattern: definition.regex_pattern ?? "",
          cue: definition.regex_cue ?? "",
        }
      : { model: props.initialModel, name: "", key: "", keyEdited: false, type: "text", values: "", description: "", pattern: "", cue: "" },
  );
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const change = (patch: Partial<Draft>, field: string) => {
    setDraft((current) => ({ ...current, ...patch }));
    if (errors.fields[field])
      setErrors((current) => ({ ...current, fields: Object.fromEntries(Object.entries(current.fields).filter(([name]) => name !== field)) }));
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    const values =
      draft.type === "list"
        ? draft.values
            .split("\n")
            .map((value) => value.trim())
            .filter(Boolean)
        : [];
    const common = {
      attribute_display_name: draft.name.trim(),
      attribute_display_type: draft.type,
      attribute_description: draft.description.trim() === "" ? null : draft.description.trim(),
      attribute_values: values,
      // Only text values are checked against a pattern.
      regex_pattern: draft.type === "text" && draft.pattern.trim() !== "" ? draft.pattern.trim() : null,
      regex_cue: draft.type === "text" && draft.pattern.trim() !== "" && draft.cue.trim() !== "" ? draft.cue.trim() : null,
    };
    try {
      const saved = definition
        ? await api.patch<Definition>(accountPath(`/custom_attribute_definitions/${definition.id}`), common)
        : await api.post<Definition>(accountPath("/custom_attribute_definitions"), {
            ...common,
            attribute_key: draft.key.trim(),
            attribute_model: draft.model,
          });
      onSaved(saved);
    } catch (failure) {
      setErrors(byField(errorsOf(failure)));
    } finally {
      setBusy(false);
    }
  };
  const note = (name: string, hint: boolean) => fieldNote("attribute", name, errors, hint ? t(`settingsAttributes.hints.${name}`) : null);
  const name = note("attribute_display_name", true);
  const key = note("attribute_key", true);
  const type = note("attribute_display_type", false);
  const values = note("attribute_values", true);
  const description = note("attribute_description", true);
  const model = note("attribute_model", true);
  const pattern = note("regex_pattern", true);
  const cue = note("regex_cue", true);
  const types: readonly string[] = TYPES.includes(draft.type as (typeof TYPES)[number]) ? TYPES : [...TYPES, draft.type];
  return (
    <Dialog title={definition ? t("settingsAttributes.editTitle", { name: definition.attribute_display_name }) : t("settingsAttributes.add")} onClose={onClose}>
      <form class="form" onSubmit={submit} noValidate>
        <fieldset class="radio-group" aria-describedby={model.props["aria-describedby"]} disabled={definition !== null}>
          <legend>{t("settingsAttributes.fields.attribute_model")}</legend>
          {MODELS.map((each) => (
            <span class="field-inline" key={each}>
              <input
                type="radio"
                id={`attribute-model-${each}`}
                name="attribute-model"
                checked={draft.model === each}
                onChange={() => change({ model: each }, "attribute_model")}
              />
              <label for={`attribute-model-${each}`}>{t(`settingsAttributes.models.${each}`)}</label>
            </span>
          ))}
          {model.note}
        </fieldset>
        <div class="field">
          <label for={name.id}>{t("settingsAttributes.fields.attribute_display_name")}</label>
          <input
            {...name.props}
            type="text"
            required
            value={draft.name}
            onInput={(event) => {
              const text = event.currentTarget.value;
              change(draft.keyEdited ? { name: text } : { name: text, key: keyOf(text) }, "attribute_display_name");
            }}
          />
          {name.note}
        </div>
        <div class="field">
          <label for={key.id}>{t("settingsAttributes.fields.attribute_key")}</label>
          <input
            {...key.props}
            type="text"
            required
            readOnly={definition !== null}
            value={draft.key}
            onInput={(event) => change({ key: event.currentTarget.value, keyEdited: true }, "attribute_key")}
          />
          {key.note}
        </div>
        <div class="field">
          <label for={type.id}>{t("settingsAttributes.fields.attribute_display_type")}</label>
          <select {...type.props} class="select" value={draft.type} onChange={(event) => change({ type: event.currentTarget.value }, "attribute_display_type")}>
            {types.map((each) => (
              <option key={each} value={each}>
                {t(`settingsAttributes.types.${each}`)}
              </option>
            ))}
          </select>
          {type.note}
        </div>
        {draft.type === "list" && (
          <div class="field">
            <label for={values.id}>{t("settingsAttributes.fields.attribute_values")}</label>
            <textarea {...values.props} rows={4} value={draft.values} onInput={(event) => change({ values: event.currentTarget.value }, "attribute_values")} />
            {values.note}
          </div>
        )}
        {draft.type === "text" && (
          <>
            <div class="field">
              <label for={pattern.id}>
                {t("settingsAttributes.fields.regex_pattern")} <span class="muted">{t("settings.optional")}</span>
              </label>
              <input
                {...pattern.props}
                type="text"
                spellcheck={false}
                value={draft.pattern}
                onInput={(event) => change({ pattern: event.currentTarget.value }, "regex_pattern")}
              />
              {pattern.note}
            </div>
            {draft.pattern.trim() !== "" && (
              <div class="field">
                <label for={cue.id}>
                  {t("settingsAttributes.fields.regex_cue")} <span class="muted">{t("settings.optional")}</span>
                </label>
                <input {...cue.props} type="text" value={draft.cue} onInput={(event) => change({ cue: event.currentTarget.value }, "regex_cue")} />
                {cue.note}
              </div>
            )}
          </>
        )}
        <div class="field">
          <label for={description.id}>
            {t("settingsAttributes.fields.attribute_description")} <span class="muted">{t("settings.optional")}</span>
          </label>
          <textarea
            {...description.props}
            rows={2}
            value={draft.description}
            onInput={(event) => change({ description: event.currentTarget.value }, "attribute_description")}
          />
          {description.note}
        </div>
        <FormNotice errors={errors} checkFields={t("settingsAttributes.checkFields")} />
        <FormActions submit={definition ? t("settingsAttributes.save") : t("settingsAttributes.create")} busy={busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
