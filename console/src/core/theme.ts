/** Light, dark or the system's choice, kept in localStorage (a preference, not a secret). */
import { signal } from "@preact/signals";

export type Theme = "system" | "light" | "dark";
const KEY = "parley.theme";

export const theme = signal<Theme>("system");

export function applyStoredTheme() {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(KEY);
  } catch {
    stored = null;
  }
  setTheme(stored === "light" || stored === "dark" ? stored : "system", false);
}

export function setTheme(next: Theme, remember = true) {
  theme.value = next;
  if (next === "system") document.documentElement.removeAttribute("data-theme");
  else document.documentElement.setAttribute("data-theme", next);
  if (!remember) return;
  try {
    if (next === "system") localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, next);
  } catch {
    /* storage may be unavailable (private windows); the choice lasts for this page */
  }
}
