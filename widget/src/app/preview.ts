/**
 * The chat app's preview mode, for the console's widget builder: `/widget/app.html#preview=1&parent=<origin>`
 * renders a configuration the console posts (unsaved settings, so an incomplete widget can be seen)
 * instead of fetching one, and never starts a visitor's session. Only Parley's own origin may
 * drive it: the parent must be this origin, and messages are accepted from it alone.
 */
import type { WidgetConfig } from "./types";

/** Console → app: show this configuration. App → console: `parley:app-ready` (protocol.ts) once it listens. */
export type PreviewMessage = { type: "parley:preview"; config: WidgetConfig };

export const isPreviewMessage = (data: unknown): data is PreviewMessage =>
  typeof data === "object" &&
  data !== null &&
  (data as { type?: unknown }).type === "parley:preview" &&
  typeof (data as { config?: unknown }).config === "object";

/** The preview page's address for a console at `origin` (which must be Parley's own). */
export const previewUrl = (origin: string) => `${origin}/widget/app.html#${new URLSearchParams({ preview: "1", parent: origin, embedded: "1" }).toString()}`;
