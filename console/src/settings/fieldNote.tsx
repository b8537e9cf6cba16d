/**
 * A settings form field's wiring: its id, `aria-invalid` and `aria-describedby`, and the note under it
 * (the API's refusal of that field in words when there is one, otherwise its hint), so a screen reader
 * hears the same words a sighted person reads beside the field.
 */
import type { FormErrors } from "../core/api";

export type FieldNote = {
  id: string;
  props: { id: string; "aria-invalid": "true" | undefined; "aria-describedby": string | undefined };
  note: preact.JSX.Element | null;
};

/** `form` prefixes the ids (unique on the page); `hint` is the field's hint, or null for none. */
export function fieldNote(form: string, name: string, errors: FormErrors, hint: string | null): FieldNote {
  const id = `${form}-${name}`;
  const error = errors.fields[name];
  const noteId = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  const note = error ? (
    <span id={noteId} class="field-error">
      {error}
    </span>
  ) : hint ? (
    <span id={noteId} class="field-hint">
      {hint}
    </span>
  ) : null;
  return { id, props: { id, "aria-invalid": error ? "true" : undefined, "aria-describedby": noteId }, note };
}
