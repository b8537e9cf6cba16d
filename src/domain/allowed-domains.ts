/**
 * Which websites may load a chat widget: `allowed_domains` holds hostnames, `*.example.com` for
 * example.com and every subdomain of it; an empty list allows any site.
 */

const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";

/** A lowercase hostname, optionally starting with `*.`. */
export const ALLOWED_DOMAIN = new RegExp(`^(?:\\*\\.)?${LABEL}(?:\\.${LABEL})*$`);

/** The hostname of an http(s) origin such as `https://shop.example.com:8443`, or null for anything else (`null`, file:). */
export function originHost(origin: string): string | null {
  try {
    const url = new URL(origin);
    return url.protocol === "http:" || url.protocol === "https:" ? url.hostname.toLowerCase() : null;
  } catch {
    return null;
  }
}

export function hostAllowed(host: string, allowedDomains: readonly string[]): boolean {
  if (allowedDomains.length === 0) return true;
  return allowedDomains.some((domain) => {
    if (!domain.startsWith("*.")) return host === domain;
    const base = domain.slice(2);
    return host === base || host.endsWith(`.${base}`);
  });
}

/** Whether a page of `origin` may load the widget. */
export function originAllowed(origin: string, allowedDomains: readonly string[]): boolean {
  const host = originHost(origin);
  return host !== null && hostAllowed(host, allowedDomains);
}
