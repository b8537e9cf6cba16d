/**
 * Caps on what a visitor can make Parley keep: the total size of a contact's and a conversation's
 * custom attributes, labels per conversation and conversations per visitor session (wrangler.toml
 * [vars]; docs/SECURITY.md, "Limits"). A change over a cap is refused with 422 and `details` before
 * anything is written.
 */
import { jsonBytes } from "../domain/json-bytes";
import { ApiError } from "./errors";

const setting = (value: string | undefined, fallback: number) => {
  const number = Number(value);
  return Number.isSafeInteger(number) && number > 0 ? number : fallback;
};

export const maxCustomAttributesBytes = (env: Env) => setting(env.MAX_CUSTOM_ATTRIBUTES_BYTES, 16_384);
export const maxLabelsPerConversation = (env: Env) => setting(env.MAX_LABELS_PER_CONVERSATION, 50);
export const maxConversationsPerSession = (env: Env) => setting(env.MAX_CONVERSATIONS_PER_SESSION, 30);

/** Refuses custom attributes (the whole set, as they would be stored) larger than the cap, as JSON. */
export function capCustomAttributes(env: Env, owner: "contact" | "conversation", attributes: Record<string, unknown>, field = "custom_attributes"): void {
  const bytes = jsonBytes(attributes);
  if (bytes > maxCustomAttributesBytes(env)) throw customAttributesTooLarge(env, owner, bytes, field);
}

/** The refusal of custom attributes that would take `bytes` (a Conversation object measured them, merged as they are there). */
export function customAttributesTooLarge(env: Env, owner: "contact" | "conversation", bytes: number, field = "custom_attributes"): ApiError {
  const maxBytes = maxCustomAttributesBytes(env);
  const message = `A ${owner}'s custom attributes may take ${maxBytes} bytes as JSON; these would take ${bytes}.`;
  return new ApiError(422, "custom_attributes_too_large", message, [{ field, message, code: "too_large", max_bytes: maxBytes, bytes }]);
}

/** Refuses a conversation's labels beyond the cap. */
export function capLabels(env: Env, labels: readonly string[], field = "labels"): void {
  const count = new Set(labels).size;
  if (count > maxLabelsPerConversation(env)) throw tooManyLabels(env, count, field);
}

/** The refusal of labels that would make `count` on a conversation. */
export function tooManyLabels(env: Env, count: number, field = "labels"): ApiError {
  const max = maxLabelsPerConversation(env);
  const message = `A conversation may carry ${max} labels; this would make ${count}.`;
  return new ApiError(422, "too_many_labels", message, [{ field, message, code: "too_many", max, count }]);
}

/** The refusal of a visitor session's conversation beyond the cap. */
export function conversationsCapped(env: Env, started: number): ApiError {
  const max = maxConversationsPerSession(env);
  const message = `A visitor session may start ${max} conversations; this one started ${started}. Start a new session.`;
  return new ApiError(422, "too_many_conversations", message, [{ field: "contact_identifier", message, code: "too_many", max, count: started }]);
}
