/** The postMessage protocol between the loader (on the website) and the chat app (in the iframe). */

export type WidgetEvent = "ready" | "opened" | "closed" | "on-message" | "unread-count" | "postback" | "error" | "session";

/** Loader → app. */
export type ToApp =
  | { type: "parley:command"; name: string; args: unknown[] }
  | { type: "parley:focus" }
  | { type: "parley:visibility"; open: boolean };

/** App → loader. `close` asks the loader to close the panel (the app's close button, Escape inside the iframe). */
export type FromApp = { type: "parley:app-ready" } | { type: "parley:event"; event: WidgetEvent | "close"; detail?: unknown };

/**
 * The token goes in the query, where the server reads it to send the widget's frame-ancestors; the
 * page the visitor is on stays in the fragment, which never leaves the browser.
 */
export function iframeUrl(origin: string, token: string, page: string, embedded: boolean): string {
  const params = new URLSearchParams({ parent: new URL(page).origin, page, embedded: embedded ? "1" : "0" });
  return `${origin}/widget/app.html?token=${encodeURIComponent(token)}#${params.toString()}`;
}
