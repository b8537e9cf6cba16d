/** The API's validation errors in words, next to the field they concern (and the rest above the buttons). */
import { ApiError } from "../core/api";

type Detail = { field?: string; message?: string };

export const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

const detailsOf = (error: unknown): Detail[] => (error instanceof ApiError && Array.isArray(error.details) ? (error.details as Detail[]) : []);

/** The message the API gave for `field`, if any. */
export function fieldError(error: unknown, field: string): string | null {
  return detailsOf(error).find((d) => d.field === field)?.message ?? null;
}

/** The error itself and the details that belong to no field on the form. */
export function FieldErrors({ error, known }: { error: unknown; known: readonly string[] }) {
  if (!error) return null;
  const rest = detailsOf(error).filter((d) => !d.field || !known.includes(d.field));
  return (
    <div class="notice notice-error" role="alert">
      <p>{messageOf(error)}</p>
      {rest.length > 0 && (
        <ul>
          {rest.map((d, i) => (
            <li key={i}>{d.field ? `${d.field}: ${d.message ?? ""}` : d.message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
