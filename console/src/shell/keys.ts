/** Keyboard helpers for shortcuts. */

/** True when the key goes to a text field (shortcuts without a modifier must not fire there). */
export function isTyping(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null;
  if (!target) return false;
  const tag = target.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
}

/** Alt (Option) plus a letter, by physical key so macOS's Option characters do not matter. */
export const isAltKey = (event: KeyboardEvent, letter: string) =>
  event.altKey && !event.ctrlKey && !event.metaKey && !event.shiftKey && event.code === `Key${letter.toUpperCase()}`;
