/**
 * The inbox forms' pieces: a field that shows its hint or the API's 422 answer for its path beside it
 * (and points to it with aria-describedby), a labelled checkbox, the notice for answers no field
 * shows, and a read-only value with a copy button.
 */
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import type { FormErrors } from "../../core/api";
import { t } from "../../core/i18n";
import { Icon } from "../../core/icons";
import { fieldNote } from "../fieldNote";

/** `fieldNote` for a field named by its API path (channel.provider_config.api_key, say): its id, aria attributes and note. */
export function useNote(errors: FormErrors, prefix = "inbox") {
  return (path: string, hint?: string) => {
    const { props, note } = fieldNote(prefix, path, errors, hint ?? null);
    const { id, ...aria } = props;
    return { id, aria, note };
  };
}

type TextFieldProps = {
  note: ReturnType<ReturnType<typeof useNote>>;
  label: string;
  value: string;
  onInput: (value: string) => void;
  type?: "text" | "url" | "email" | "tel" | "password";
  optional?: boolean;
  placeholder?: string;
  autoComplete?: string;
  mono?: boolean;
};

/** A labelled text input with its hint or error below. */
export function TextField({ note, label, value, onInput, type = "text", optional, placeholder, autoComplete = "off", mono }: TextFieldProps) {
  return (
    <div class="field">
      <label for={note.id}>
        {label}
        {optional && <span class="muted"> {t("settingsInboxes.optional")}</span>}
      </label>
      <input
        id={note.id}
        type={type}
        class={mono ? "input-mono" : undefined}
        value={value}
        placeholder={placeholder}
        autoComplete={autoComplete}
        spellcheck={false}
        required={!optional}
        {...note.aria}
        onInput={(event) => onInput(event.currentTarget.value)}
      />
      {note.note}
    </div>
  );
}

type CheckboxFieldProps = { id: string; label: string; checked: boolean; onChange: (checked: boolean) => void; hint?: string };

/** A checkbox with its label beside it and, when given, its hint (or the API's answer) below, pointed to by aria-describedby. */
export function CheckboxField({ id, label, checked, onChange, hint }: CheckboxFieldProps) {
  const hintId = hint === undefined ? undefined : `${id}-hint`;
  return (
    <>
      <div class="field-inline">
        <input id={id} type="checkbox" checked={checked} aria-describedby={hintId} onChange={(event) => onChange(event.currentTarget.checked)} />
        <label for={id}>{label}</label>
      </div>
      {hintId && (
        <span id={hintId} class="field-hint">
          {hint}
        </span>
      )}
    </>
  );
}

/** Field errors the form has no place for, said in one notice. */
export function Unplaced({ errors, placed }: { errors: FormErrors; placed: string[] }) {
  const rest = Object.entries(errors.fields).filter(([field]) => !placed.includes(field));
  if (!errors.message && Object.keys(errors.fields).length === 0) return null;
  return (
    <div class="notice notice-error" role="alert">
      <p>{errors.message ?? t("settingsInboxes.checkFields")}</p>
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

/** A value to paste elsewhere: read-only, selectable, with a copy button that says when it has copied. */
export function CopyField({ id, label, value, hint, multiline }: { id: string; label: string; value: string; hint?: ComponentChildren; multiline?: boolean }) {
  const [copied, setCopied] = useState<"yes" | "select" | null>(null);
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <span class="inbox-token">
        {multiline ? (
          <textarea id={id} readOnly rows={3} value={value} aria-describedby={hint ? `${id}-hint` : undefined} />
        ) : (
          <input id={id} type="text" readOnly value={value} aria-describedby={hint ? `${id}-hint` : undefined} />
        )}
        <button
          type="button"
          class="button"
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(value);
              setCopied("yes");
            } catch {
              // No clipboard access (a plain-http origin, or permission refused): select the value to copy by hand.
              const field = document.getElementById(id);
              if (field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement) {
                field.focus();
                field.select();
              }
              setCopied("select");
            }
          }}
        >
          <Icon name={copied === "yes" ? "check" : "copy"} /> {copied === "yes" ? t("settingsInboxes.copiedButton") : t("settingsInboxes.copyButton")}
          <span class="visually-hidden"> {label}</span>
        </button>
      </span>
      {hint && (
        <span id={`${id}-hint`} class="field-hint">
          {hint}
        </span>
      )}
      <span class="visually-hidden" role="status">
        {copied === "yes" ? t("settingsInboxes.copiedValue", { label }) : copied === "select" ? t("settingsInboxes.selectedValue", { label }) : ""}
      </span>
    </div>
  );
}
