/**
 * A settings form's errors that no field shows, in words: the API's message, or, when fields are
 * marked beside them, one line asking to check those fields.
 */
import type { FormErrors } from "../core/api";

export function FormNotice({ errors, checkFields }: { errors: FormErrors; checkFields: string }) {
  return (
    <>
      {errors.message && (
        <p class="notice notice-error" role="alert">
          {errors.message}
        </p>
      )}
      {Object.keys(errors.fields).length > 0 && (
        <p class="notice notice-error" role="alert">
          {checkFields}
        </p>
      )}
    </>
  );
}
