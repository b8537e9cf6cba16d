/** Contact input as the routers answer it; the fields themselves are src/services/contact-input.ts. */
import { ApiError } from "./errors";

export { Attributes, ContactInput, contactFields } from "../services/contact-input";

/** A uniqueness conflict reported by the Account object, as Chatwoot answers it: 422 on the field. */
export function contactConflict(field: string): ApiError {
  const label = field === "source_id" ? "Source" : field.charAt(0).toUpperCase() + field.slice(1).replace("_", " ");
  return new ApiError(422, "validation_failed", `${label} has already been taken.`, [{ field, message: "has already been taken", code: "taken" }]);
}
