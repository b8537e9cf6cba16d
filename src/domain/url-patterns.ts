/**
 * Chatwoot's URL patterns for website campaigns: which page URLs a campaign's `trigger_rules.url`
 * matches. The rules (Chatwoot's "Wildcard URL support in website live-chat campaigns"):
 *
 * - a pattern starts with http:// or https://; scheme, host and port must match;
 * - a URL matches with or without a trailing slash, so `https://chatwoot.com/app` and
 *   `https://chatwoot.com/app/` name the same page;
 * - a query or hash in the pattern must be the URL's; without one, the URL's query and hash do not
 *   matter (`https://chatwoot.com/app` matches `https://chatwoot.com/app?test_param=1`);
 * - `*` after the host matches any characters, so `https://chatwoot.com/*` covers every page;
 * - `{*.}?` before the domain matches the domain and any of its subdomains.
 *
 * Everything else is literal: no regular expression is built from a pattern, and a pattern that
 * breaks these rules matches nothing (`validCampaignUrlPattern` tells the API to refuse it).
 */

const MAX_PATTERN_LENGTH = 2048;
const SUBDOMAINS = "{*.}?";
const WILDCARD = "*";

type CampaignUrlPattern = {
  protocol: string;
  hostname: string;
  /** `{*.}?`: the hostname or any subdomain of it. */
  withSubdomains: boolean;
  port: string;
  /** Normalized, without a trailing slash; may contain `*`. */
  path: string;
  /** Without the `?` / `#`; null when the pattern has none, so the URL's does not matter. */
  query: string | null;
  hash: string | null;
};

const SCHEME = /^(https?):\/\//i;
const FORBIDDEN_IN_AUTHORITY = /[*{}@\\]/;
const WHITESPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f]/;
const PERCENT_ESCAPE = /%[0-9a-fA-F]{2}/g;
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/** Percent-escapes in one spelling: unreserved characters decoded (`%7E` is `~`), others upper-case. */
function normalizeEscapes(text: string): string {
  return text.replace(PERCENT_ESCAPE, (escape) => {
    const char = String.fromCharCode(Number.parseInt(escape.slice(1), 16));
    return UNRESERVED.test(char) ? char : escape.toUpperCase();
  });
}

/** `/app/` and `/app` are the same page; the root path becomes "". */
const withoutTrailingSlash = (path: string) => (path.endsWith("/") ? path.slice(0, -1) : path);

function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/** The pattern's parts, or null when it is not a pattern these rules understand. */
function parsePattern(pattern: string): CampaignUrlPattern | null {
  if (pattern.length === 0 || pattern.length > MAX_PATTERN_LENGTH || WHITESPACE_OR_CONTROL.test(pattern)) return null;
  const scheme = SCHEME.exec(pattern)?.[1];
  if (!scheme) return null;
  let remainder = pattern.slice(scheme.length + 3);
  const withSubdomains = remainder.startsWith(SUBDOMAINS);
  if (withSubdomains) remainder = remainder.slice(SUBDOMAINS.length);
  // The authority runs to the first `/`, `?` or `#`.
  const authorityEnd = remainder.search(/[/?#]/);
  const authority = authorityEnd === -1 ? remainder : remainder.slice(0, authorityEnd);
  const rest = authorityEnd === -1 ? "" : remainder.slice(authorityEnd);
  if (authority === "" || FORBIDDEN_IN_AUTHORITY.test(authority)) return null;
  // The URL parser normalizes everything but the wildcards, which it leaves as they are.
  const parsed = parseUrl(`${scheme.toLowerCase()}://${authority}${rest}`);
  if (!parsed || parsed.hostname === "") return null;
  return {
    protocol: parsed.protocol,
    hostname: parsed.hostname,
    withSubdomains,
    port: parsed.port,
    path: normalizeEscapes(withoutTrailingSlash(parsed.pathname)),
    query: parsed.search === "" ? null : normalizeEscapes(parsed.search.slice(1)),
    hash: parsed.hash === "" ? null : normalizeEscapes(parsed.hash.slice(1)),
  };
}

/**
 * Whether `text` matches `glob`, where `*` stands for any characters (none included). Linear
 * backtracking to the last `*` only, so no pattern can make it slow the way a regex could.
 */
function globMatches(glob: string, text: string): boolean {
  let g = 0;
  let t = 0;
  let lastStar = -1;
  let resumeAt = 0;
  while (t < text.length) {
    if (glob[g] === WILDCARD) {
      lastStar = g++;
      resumeAt = t;
    } else if (g < glob.length && glob[g] === text[t]) {
      g++;
      t++;
    } else if (lastStar >= 0) {
      g = lastStar + 1;
      t = ++resumeAt;
    } else {
      return false;
    }
  }
  while (glob[g] === WILDCARD) g++;
  return g === glob.length;
}

function hostMatches(pattern: CampaignUrlPattern, hostname: string): boolean {
  if (hostname === pattern.hostname) return true;
  return pattern.withSubdomains && hostname.endsWith(`.${pattern.hostname}`);
}

/** Whether the API should accept `pattern` as a campaign's `trigger_rules.url`. */
export function validCampaignUrlPattern(pattern: string): boolean {
  return parsePattern(pattern) !== null;
}

/** Whether the page at `url` matches the campaign URL `pattern`. Never throws: bad input matches nothing. */
export function campaignUrlMatches(pattern: string, url: string): boolean {
  const rule = parsePattern(pattern);
  const page = url.length > 0 && !WHITESPACE_OR_CONTROL.test(url) ? parseUrl(url) : null;
  if (!rule || !page) return false;
  if (page.protocol !== rule.protocol || page.port !== rule.port || !hostMatches(rule, page.hostname)) return false;
  const path = normalizeEscapes(withoutTrailingSlash(page.pathname));
  // With or without its trailing slash: `/app` and `/app/` both match `/app/*` as well as `/app`.
  if (!globMatches(rule.path, path) && !globMatches(rule.path, `${path}/`)) return false;
  if (rule.query !== null && !globMatches(rule.query, normalizeEscapes(page.search.slice(1)))) return false;
  if (rule.hash !== null && !globMatches(rule.hash, normalizeEscapes(page.hash.slice(1)))) return false;
  return true;
}
