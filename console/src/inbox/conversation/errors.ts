/** An API failure in words: ApiError's message, with the fields a 422 names. */
import { ApiError } from "../../core/api";

export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = Array.isArray(error.details)
      ? error.details
          .map((d: unknown) => (d && typeof d === "object" && "field" in d && "message" in d ? `${String(d.field)}: ${String(d.message)}` : ""))
          .filter(Boolean)
      : [];
    return fields.length > 0 ? `${error.message} (${fields.join("; ")})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
