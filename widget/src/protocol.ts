/** The postMessage protocol between the loader (on the website) and the chat app (in the iframe). */

export type WidgetEvent = "ready" | "opened" | "closed" | "on-message" | "unread-count" | "postback" | "error" | "session" | "start-conversation";

/** Loader → app. */
export type ToApp = { type: "parley:command"; name: string; args: unknown[] } | { type: "parley:focus" } | { type: "parley:visibility"; open: boolean };

/**
 * The team's messages the visitor has not seen, for the preview above a closed launcher: how many,
 * the latest as text ("Alex: See you at 4"), and the preview's accessible name with the count in
 * words, in the visitor's language ("2 new messages. Alex: See you at 4"); no text: nothing to show.
 */
export type UnreadPreview = { count: number; text: string; label: string };

/**
 * App → loader. `close` asks the loader to close the panel (the app's close button, Escape inside
 * the iframe); `parley:unread` carries the unread preview.
 */
export type FromApp =
  | { type: "parley:app-ready" }
  | { type: "parley:event"; event: WidgetEvent | "close"; detail?: unknown }
  | { type: "parley:unread"; preview: UnreadPreview };

/** What a site may choose for the app (its settings): a locale, the visitor's browser language, a theme, a pop-out button in the header. */
export type AppOptions = { locale?: string; useBrowserLanguage?: boolean; theme?: "light" | "dark" | "auto"; showPopoutButton?: boolean };

const APP_OPTIONS = ["locale", "useBrowserLanguage", "theme", "showPopoutButton"] as const;

/**
 * The token goes in the query, where the server reads it to send the widget's frame-ancestors; the
 * page the visitor is on stays in the fragment, which never leaves the browser, with the site's options.
 */
export function iframeUrl(origin: string, token: string, page: string, embedded: boolean, options: AppOptions = {}): string {
  const params = new URLSearchParams({ parent: new URL(page).origin, page, embedded: embedded ? "1" : "0" });
  // Under their own names (`useBrowserLanguage=true`); the loader passes its whole settings, only these are read.
  for (const key of APP_OPTIONS) if (options[key]) params.set(key, String(options[key]));
  return `${origin}/widget/app.html?token=${encodeURIComponent(token)}#${params}`;
}
