/**
 * The pre-chat form of a live chat (or all-in-one) widget: on or off, its message, and its fields in
 * order, each with its label, type, required and shown; custom fields come from the account's custom
 * attribute definitions (snapshots never create them, so they are picked, not typed).
 */
import { useEffect, useState } from "preact/hooks";
import { accountPath, api } from "../../core/api";
import { t } from "../../core/i18n";
import { Icon } from "../../core/icons";
import type { PreChatField, PreChatForm } from "./model";

type Definition = {
  attribute_key: string;
  attribute_display_name: string;
  attribute_display_type: string;
  attribute_model: "contact_attribute" | "conversation_attribute";
  attribute_values?: string[];
};

const FIELD_TYPES: PreChatField["type"][] = ["text", "email", "phone", "number", "date", "link", "list", "checkbox"];
const typeOfDefinition = (definition: Definition): PreChatField["type"] =>
  definition.attribute_display_type === "currency" || definition.attribute_display_type === "percent"
    ? "number"
    : (FIELD_TYPES.find((type) => type === definition.attribute_display_type) ?? "text");

type EditorProps = { form: PreChatForm; onChange: (form: PreChatForm) => void; errorOf: (field: string) => string | null };

export function PreChatEditor({ form, onChange, errorOf }: EditorProps) {
  const [definitions, setDefinitions] = useState<Definition[]>([]);
  const [adding, setAdding] = useState("");
  useEffect(() => {
    api.get<Definition[]>(accountPath("/custom_attribute_definitions")).then(setDefinitions, () => setDefinitions([]));
  }, []);
  const setField = (index: number, change: Partial<PreChatField>) =>
    onChange({ ...form, fields: form.fields.map((field, i) => (i === index ? { ...field, ...change } : field)) });
  const move = (index: number, by: -1 | 1) => {
    const fields = [...form.fields];
    const [moved] = fields.splice(index, 1);
    if (!moved) return;
    fields.splice(index + by, 0, moved);
    onChange({ ...form, fields });
    requestAnimationFrame(() => document.getElementById(`prechat-${index + by}-${by < 0 ? "up" : "down"}`)?.focus());
  };
  const unused = definitions.filter((definition) => !form.fields.some((field) => field.name === definition.attribute_key));
  const add = () => {
    const definition = unused.find((one) => `${one.attribute_model}:${one.attribute_key}` === adding);
    if (!definition) return;
    const type = typeOfDefinition(definition);
    const field: PreChatField = {
      field_type: definition.attribute_model,
      name: definition.attribute_key,
      type,
      label: definition.attribute_display_name,
      placeholder: null,
      required: false,
      enabled: true,
      ...(type === "list" ? { values: definition.attribute_values ?? [] } : {}),
    };
    onChange({ ...form, fields: [...form.fields, field] });
    setAdding("");
  };
  return (
    <div class="prechat-editor">
      <div class="field-inline">
        <input id="prechat-enabled" type="checkbox" checked={form.enabled} onChange={(event) => onChange({ ...form, enabled: event.currentTarget.checked })} />
        <label for="prechat-enabled">{t("settings.widgets.prechat.enabled")}</label>
      </div>
      <div class="field">
        <label for="prechat-message">{t("settings.widgets.prechat.message")}</label>
        <input
          id="prechat-message"
          type="text"
          value={form.message ?? ""}
          onInput={(event) => onChange({ ...form, message: event.currentTarget.value || null })}
        />
      </div>
      <table class="settings-table prechat-fields">
        <caption class="visually-hidden">{t("settings.widgets.prechat.fields")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("settings.widgets.prechat.label")}</th>
            <th scope="col">{t("settings.widgets.prechat.type")}</th>
            <th scope="col">{t("settings.widgets.prechat.required")}</th>
            <th scope="col">{t("settings.widgets.prechat.shown")}</th>
            <th scope="col">
              <span class="visually-hidden">{t("settings.widgets.prechat.order")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {form.fields.map((field, index) => {
            const labelId = `prechat-${index}-label`;
            const error =
              errorOf(`pre_chat_form.fields.${index}.name`) ??
              errorOf(`pre_chat_form.fields.${index}.label`) ??
              errorOf(`pre_chat_form.fields.${index}.values`);
            return (
              <tr key={field.name}>
                <td>
                  <input
                    id={labelId}
                    type="text"
                    class="input-compact"
                    value={field.label}
                    aria-label={t("settings.widgets.prechat.labelOf", { name: field.name })}
                    aria-invalid={error ? "true" : undefined}
                    aria-describedby={error ? `${labelId}-error` : undefined}
                    onInput={(event) => setField(index, { label: event.currentTarget.value })}
                  />
                  <span class="muted field-key">
                    {field.field_type === "standard" ? t("settings.widgets.prechat.standard") : t(`settings.widgets.prechat.${field.field_type}`)} ·{" "}
                    {field.name}
                  </span>
                  {error && (
                    <span id={`${labelId}-error`} class="field-error">
                      {error}
                    </span>
                  )}
                </td>
                <td>
                  {field.field_type === "standard" ? (
                    <span>{t(`settings.widgets.prechat.types.${field.type}`)}</span>
                  ) : (
                    <select
                      class="select select-small"
                      value={field.type}
                      aria-label={t("settings.widgets.prechat.typeOf", { name: field.label })}
                      onChange={(event) => setField(index, { type: event.currentTarget.value as PreChatField["type"] })}
                    >
                      {FIELD_TYPES.filter((type) => type !== "email" && type !== "phone").map((type) => (
                        <option key={type} value={type}>
                          {t(`settings.widgets.prechat.types.${type}`)}
                        </option>
                      ))}
                    </select>
                  )}
                </td>
                <td>
                  <input
                    type="checkbox"
                    checked={field.required}
                    aria-label={t("settings.widgets.prechat.requiredOf", { name: field.label })}
                    onChange={(event) => setField(index, { required: event.currentTarget.checked })}
                  />
                </td>
                <td>
                  <input
                    type="checkbox"
                    checked={field.enabled}
                    aria-label={t("settings.widgets.prechat.shownOf", { name: field.label })}
                    onChange={(event) => setField(index, { enabled: event.currentTarget.checked })}
                  />
                </td>
                <td>
                  <div class="row-actions">
                    <button
                      id={`prechat-${index}-up`}
                      type="button"
                      class="icon-button"
                      disabled={index === 0}
                      aria-label={t("settings.widgets.prechat.up", { name: field.label })}
                      onClick={() => move(index, -1)}
                    >
                      <Icon name="arrow-up" />
                    </button>
                    <button
                      id={`prechat-${index}-down`}
                      type="button"
                      class="icon-button"
                      disabled={index === form.fields.length - 1}
                      aria-label={t("settings.widgets.prechat.down", { name: field.label })}
                      onClick={() => move(index, 1)}
                    >
                      <Icon name="arrow-down" />
                    </button>
                    {field.field_type !== "standard" && (
                      <button
                        type="button"
                        class="icon-button"
                        aria-label={t("settings.widgets.prechat.remove", { name: field.label })}
                        onClick={() => onChange({ ...form, fields: form.fields.filter((_, i) => i !== index) })}
                      >
                        <Icon name="trash" />
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div class="picker-row prechat-add">
        <label for="prechat-add" class="visually-hidden">
          {t("settings.widgets.prechat.addLabel")}
        </label>
        <select id="prechat-add" class="select" value={adding} onChange={(event) => setAdding(event.currentTarget.value)} disabled={unused.length === 0}>
          <option value="">{unused.length === 0 ? t("settings.widgets.prechat.noAttributes") : t("settings.widgets.prechat.addLabel")}</option>
          {unused.map((definition) => (
            <option key={`${definition.attribute_model}:${definition.attribute_key}`} value={`${definition.attribute_model}:${definition.attribute_key}`}>
              {definition.attribute_display_name} ({t(`settings.widgets.prechat.${definition.attribute_model}`)})
            </option>
          ))}
        </select>
        <button type="button" class="button" onClick={add} disabled={adding === ""}>
          <Icon name="plus" /> {t("settings.widgets.prechat.add")}
        </button>
      </div>
    </div>
  );
}
