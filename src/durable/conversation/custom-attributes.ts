/** Removing custom attributes from a conversation (the widget's deleteConversationCustomAttribute, Chatwoot's destroy_custom_attributes). */
import type { ConversationState } from "../../domain/conversation";

/** The state without `keys` among its custom attributes, or null when it has none of them (nothing to change, no event). */
export function withoutCustomAttributes(state: ConversationState, keys: readonly string[]): ConversationState | null {
  if (!keys.some((key) => Object.hasOwn(state.customAttributes, key))) return null;
  const customAttributes = Object.fromEntries(Object.entries(state.customAttributes).filter(([key]) => !keys.includes(key)));
  return { ...state, customAttributes };
}
