/**
 * Chatwoot's URL patterns for website campaigns: which page URLs a campaign's `trigger_rules.url`
 * matches. Chatwoot's widget matches them with the URL Pattern standard (`URLPattern`), and so does
 * Parley, with the Workers runtime's native `URLPattern`, on the server. A pattern is a URL pattern
 * string (`*` for any characters, `:name` for one path segment, `{*.}?` before a domain for the
 * domain and its subdomains, `*.example.com` for its subdomains only), read with the rules of
 * Chatwoot's "Wildcard URL support in website live-chat campaigns":
 *
 * - a pattern starts with http:// or https://; scheme, host and port must match;
 * - a URL matches with or without a trailing slash, so `https://chatwoot.com/app` and
 *   `https://chatwoot.com/app/` name the same page;
 * - a query or hash in the pattern must be the URL's; without one, the URL's query and hash do not
 *   matter (`https://chatwoot.com/app` matches `https://chatwoot.com/app?test_param=1`);
 * - a pattern without a path names the site's home page (`https://chatwoot.com`), as the same
 *   pattern with `/` does.
 *
 * Refused (the API answers 422): regular-expression groups (`/(a|b)`), credentials, a host of
 * wildcards only, and more than
 * MAX_WILDCARDS wildcards in one part of the pattern. `URLPattern` compiles to a backtracking
 * regular expression, and a few wildcards in a row can take seconds on a long URL; two per part
 * keep the worst case quadratic in the URL's length, which MAX_URL_LENGTH bounds.
 */

const MAX_URL_LENGTH = 2048;
export const MAX_WILDCARDS = 2;

const SCHEME = /^https?:\/\//i;
const WHITESPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f]/;
const PERCENT_ESCAPE = /%[0-9a-fA-F]{2}/g;
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
/** `*` and `:name` outside an escape: what the standard compiles into a repetition. */
const WILDCARD = /(?<!\\)(?:\*|:[A-Za-z_$][\w$]*)/g;

type PartName = "pathname" | "search" | "hash";
type PageParts = { protocol: string; hostname: string; port: string } & Record<PartName, string>;

/** Percent-escapes in one spelling: unreserved characters decoded (`%7E` is `~`), others upper-case. */
function normalizeEscapes(text: string): string {
  return text.replace(PERCENT_ESCAPE, (escape) => {
    const char = String.fromCharCode(Number.parseInt(escape.slice(1), 16));
    return UNRESERVED.test(char) ? char : escape.toUpperCase();
  });
}

/** `/app/` and `/app` are the same page; the root stays `/`. */
const withoutTrailingSlash = (path: string) => (path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path);

const wildcards = (part: string) => part.match(WILDCARD)?.length ?? 0;

/** A host pattern names a site: some letter or digit besides its wildcards (`{*.}?` alone names none). */
const namesASite = (hostname: string) => /[\p{L}\p{N}]/u.test(hostname.replace(WILDCARD, ""));

function compile(text: string): URLPattern | null {
  if (text.length === 0 || text.length > MAX_URL_LENGTH || WHITESPACE_OR_CONTROL.test(text) || !SCHEME.test(text)) return null;
  let parsed: URLPattern;
  try {
    parsed = new URLPattern(normalizeEscapes(text));
  } catch {
    return null;
  }
  if (parsed.hasRegExpGroups || parsed.username !== "*" || parsed.password !== "*" || !namesASite(parsed.hostname)) return null;
  const parts = [parsed.hostname, parsed.pathname, parsed.search, parsed.hash];
  if (parts.some((part) => wildcards(part) > MAX_WILDCARDS)) return null;
  // The same pattern, with the page rules above: no path is the home page, no trailing slash.
  const pathname = parsed.pathname === "*" ? "/" : withoutTrailingSlash(parsed.pathname);
  try {
    return new URLPattern({
      protocol: parsed.protocol,
      hostname: parsed.hostname,
      port: parsed.port,
      pathname,
      search: parsed.search,
      hash: parsed.hash,
    });
  } catch {
    return null;
  }
}

function pageParts(url: string): PageParts | null {
  if (url.length === 0 || url.length > MAX_URL_LENGTH || WHITESPACE_OR_CONTROL.test(url)) return null;
  let page: URL;
  try {
    page = new URL(url);
  } catch {
    return null;
  }
  if (page.protocol !== "http:" && page.protocol !== "https:") return null;
  return {
    protocol: page.protocol.slice(0, -1),
    hostname: page.hostname,
    port: page.port,
    pathname: normalizeEscapes(page.pathname),
    search: normalizeEscapes(page.search.slice(1)),
    hash: normalizeEscapes(page.hash.slice(1)),
  };
}

/** Whether the API should accept `pattern` as a campaign's `trigger_rules.url`. */
export function validCampaignUrlPattern(pattern: string): boolean {
  return compile(pattern) !== null;
}

/** Whether the page at `url` matches the campaign URL `pattern`. Never throws: bad input matches nothing. */
export function campaignUrlMatches(pattern: string, url: string): boolean {
  const rule = compile(pattern);
  const page = pageParts(url);
  if (!rule || !page) return false;
  // With or without its trailing slash: `/app` and `/app/` both match `/app/*` as well as `/app`.
  const trimmed = withoutTrailingSlash(page.pathname);
  return [trimmed, `${trimmed}/`].some((pathname) => rule.test({ ...page, pathname }));
}
