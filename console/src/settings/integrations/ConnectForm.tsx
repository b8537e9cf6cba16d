/**
 * The form that connects one integration (a WhatsApp number, a Facebook page, an Instagram account,
 * a Voice AI agent): its fields, the API's 422 answers next to the field they concern. Used by the
 * Integrations screen and inside the widget builder's pickers.
 */
import { useState } from "preact/hooks";
import { errorsOf } from "../../core/api";
import { t } from "../../core/i18n";
import { connectIntegration, type IntegrationKind, type IntegrationRow } from "./store";

type FieldSpec = { name: string; type: "text" | "tel"; required: boolean };

export const CONNECT_FIELDS: Record<IntegrationKind, FieldSpec[]> = {
  whatsapp_numbers: [
    { name: "phone_number", type: "tel", required: true },
    { name: "display_name", type: "text", required: false },
  ],
  facebook_pages: [
    { name: "name", type: "text", required: true },
    { name: "page_id", type: "text", required: true },
  ],
  instagram_accounts: [
    { name: "username", type: "text", required: true },
    { name: "instagram_id", type: "text", required: true },
  ],
  voice_ai_agents: [
    { name: "name", type: "text", required: true },
    { name: "phone_number", type: "tel", required: false },
  ],
};

type ConnectFormProps = {
  kind: IntegrationKind;
  idPrefix: string;
  onConnected: (row: IntegrationRow) => void;
  onCancel?: () => void;
};

export function ConnectForm({ kind, idPrefix, onConnected, onCancel }: ConnectFormProps) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<{ fields: Record<string, string>; message: string | null }>({ fields: {}, message: null });
  const submit = async (event: Event) => {
    event.preventDefault();
    event.stopPropagation();
    setBusy(true);
    const body = Object.fromEntries(
      CONNECT_FIELDS[kind].flatMap(({ name, required }) => {
        const value = (values[name] ?? "").trim();
        return value === "" && !required ? [] : [[name, value]];
      }),
    );
    try {
      const row = await connectIntegration(kind, body);
      setValues({});
      setErrors({ fields: {}, message: null });
      onConnected(row);
    } catch (error) {
      setErrors(errorsOf(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="connect-form" onSubmit={submit} aria-label={t(`settings.integrations.${kind}.connect`)} noValidate>
      {CONNECT_FIELDS[kind].map(({ name, type, required }) => {
        const id = `${idPrefix}-${name}`;
        const error = errors.fields[name];
        return (
          <div class="field" key={name}>
            <label for={id}>
              {t(`settings.integrations.${kind}.fields.${name}`)}
              {!required && <span class="muted"> {t("settings.optional")}</span>}
            </label>
            <input
              id={id}
              type={type}
              value={values[name] ?? ""}
              required={required}
              aria-invalid={error ? "true" : undefined}
              aria-describedby={error ? `${id}-error` : `${id}-hint`}
              onInput={(event) => {
                const value = event.currentTarget.value;
                setValues((current) => ({ ...current, [name]: value }));
              }}
            />
            {error ? (
              <span id={`${id}-error`} class="field-error">
                {error}
              </span>
            ) : (
              <span id={`${id}-hint`} class="field-hint">
                {t(`settings.integrations.${kind}.hints.${name}`)}
              </span>
            )}
          </div>
        );
      })}
      {errors.message && (
        <p class="notice notice-error" role="alert">
          {errors.message}
        </p>
      )}
      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled={busy}>
          {busy ? t("settings.connecting") : t(`settings.integrations.${kind}.connect`)}
        </button>
        {onCancel && (
          <button type="button" class="button" onClick={onCancel}>
            {t("common.cancel")}
          </button>
        )}
      </div>
    </form>
  );
}
