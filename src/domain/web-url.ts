/**
 * Links that reach a browser (interactive messages' links and images, avatars, referers) are http or
 * https only: checked when they come in (WebUrl in src/api/schemas.ts) and again where the widget and
 * the console draw them, so a `javascript:` or `data:` link stored before never becomes a live one.
 */

/** The URL when it is an absolute http(s) URL, else null. */
export function webUrl(value: unknown): string | null {
  if (typeof value !== "string") return null;
  try {
    const url = new URL(value.trim());
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * A link as interactive messages carry it, as an absolute http(s) URL: with a scheme it must be http
 * or https; without one (Chatwoot's own example card links to `google.com`) it is read as https.
 * Null for anything else, such as `javascript:`, `data:` or a path.
 */
export function webLink(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const trimmed = value.trim();
  if (SCHEME.test(trimmed)) return webUrl(trimmed);
  if (trimmed.startsWith("/") || trimmed.startsWith("\\")) return null;
  const url = webUrl(`https://${trimmed}`);
  return url && new URL(url).hostname.includes(".") ? url : null;
}
