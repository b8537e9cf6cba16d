/**
 * Which outbound URLs Parley may call on a user's behalf (webhooks, SMS providers): http(s) only,
 * and never the installation's own network — loopback, private, link-local (cloud metadata),
 * unspecified or reserved addresses, in any spelling, and names that only resolve locally —
 * unless the installation allows private destinations (local development does).
 *
 * Names are not resolved here (a Worker cannot), so a public name pointing at a private address
 * is not caught; on Cloudflare a Worker's fetch reaches only the public internet anyway. What this
 * stops is literal addresses and local names, including the spellings that dodge naive checks
 * (`http://2130706433/`, `http://0x7f.1/`, `http://[::ffff:127.0.0.1]/`, `http://api.localhost/`).
 */

export const DESTINATION_REFUSALS = [
  "invalid_url",
  "unsupported_scheme",
  "loopback",
  "private",
  "link_local",
  "unspecified",
  "reserved",
  "local_name",
] as const;
export type DestinationRefusal = (typeof DESTINATION_REFUSALS)[number];

export type DestinationCheck = { ok: true; url: URL } | { ok: false; reason: DestinationRefusal; message: string };

/** The installation setting (`ALLOW_PRIVATE_DESTINATIONS`) as a boolean: only "true" allows them. */
export const privateDestinationsAllowed = (setting: string | undefined): boolean => setting === "true";

const REFUSAL_MESSAGES: Record<DestinationRefusal, string> = {
  invalid_url: "Expected an absolute http or https URL.",
  unsupported_scheme: "Only http and https URLs are allowed.",
  loopback: "Loopback destinations (localhost, 127.0.0.0/8, ::1) are not allowed.",
  private: "Private network destinations (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7) are not allowed.",
  link_local: "Link-local destinations (169.254/16, fe80::/10), which include cloud metadata services, are not allowed.",
  unspecified: "Unspecified addresses (0.0.0.0, ::) are not allowed.",
  reserved: "Reserved, multicast and broadcast addresses are not allowed.",
  local_name: "Names that only resolve inside a local network (.local, .internal, .home.arpa, single labels) are not allowed.",
};

/** Whether Parley may send requests to `url`; `allowPrivate` lifts everything but the scheme rule. */
export function checkDestination(url: string, options: { allowPrivate: boolean }): DestinationCheck {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return refusal("invalid_url");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return refusal("unsupported_scheme");
  if (parsed.hostname === "") return refusal("invalid_url");
  if (options.allowPrivate) return { ok: true, url: parsed };
  const reason = classifyHost(parsed.hostname);
  return reason ? refusal(reason) : { ok: true, url: parsed };
}

const refusal = (reason: DestinationRefusal): DestinationCheck => ({ ok: false, reason, message: REFUSAL_MESSAGES[reason] });

/**
 * Why a host (a URL's hostname: a name, an IPv4 address in any of its spellings, or an IPv6
 * address with or without brackets) must not be called, or null when it may be.
 */
export function classifyHost(rawHost: string): DestinationRefusal | null {
  const host = rawHost.trim().toLowerCase();
  if (host.startsWith("[") || host.includes(":")) {
    const groups = parseIpv6(host.replace(/^\[|\]$/g, ""));
    return groups ? classifyIpv6(groups) : "invalid_url";
  }
  const name = host.replace(/\.$/, "");
  if (name === "") return "invalid_url";
  const ipv4 = parseIpv4(name);
  if (ipv4 === "invalid") return "invalid_url";
  if (ipv4 !== null) return classifyIpv4(ipv4);
  if (name === "localhost" || name.endsWith(".localhost")) return "loopback";
  if (!name.includes(".") || LOCAL_SUFFIXES.some((suffix) => name.endsWith(suffix))) return "local_name";
  return null;
}

const LOCAL_SUFFIXES = [".local", ".internal", ".home.arpa", ".localdomain"];

// ---- IPv4 -----------------------------------------------------------------------------------------

/** [network, prefix length, reason], networks as unsigned 32-bit numbers. */
const IPV4_RANGES: [number, number, DestinationRefusal][] = [
  [ipv4("0.0.0.0"), 8, "unspecified"],
  [ipv4("10.0.0.0"), 8, "private"],
  [ipv4("100.64.0.0"), 10, "private"],
  [ipv4("127.0.0.0"), 8, "loopback"],
  [ipv4("169.254.0.0"), 16, "link_local"],
  [ipv4("172.16.0.0"), 12, "private"],
  [ipv4("192.0.0.0"), 24, "reserved"],
  [ipv4("192.168.0.0"), 16, "private"],
  [ipv4("198.18.0.0"), 15, "reserved"],
  [ipv4("224.0.0.0"), 4, "reserved"],
  [ipv4("240.0.0.0"), 4, "reserved"],
];

function ipv4(dotted: string): number {
  const parsed = parseIpv4(dotted);
  if (typeof parsed !== "number") throw new Error(`not an IPv4 address: ${dotted}`);
  return parsed;
}

function classifyIpv4(address: number): DestinationRefusal | null {
  for (const [network, bits, reason] of IPV4_RANGES) {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if ((address & mask) >>> 0 === network) return reason;
  }
  return null;
}

/**
 * An IPv4 address the way URL parsers read one (WHATWG "IPv4 parser"): one to four parts, each
 * decimal, octal (leading 0) or hex (0x), the last filling the remaining bytes, so `127.1`,
 * `2130706433`, `0x7f000001` and `0177.0.0.1` are all 127.0.0.1. Null when the host is a name,
 * "invalid" when it looks numeric but is out of range.
 */
export function parseIpv4(host: string): number | null | "invalid" {
  const parts = host.split(".");
  const numbers = parts.map(numericPart);
  // A name unless its last label is a number; then it must be a well-formed address.
  if (numbers.at(-1) === null) return null;
  if (parts.length > 4 || numbers.some((n) => n === null)) return "invalid";
  const values = numbers as number[];
  const last = values[values.length - 1] ?? 0;
  const leading = values.slice(0, -1);
  if (leading.some((n) => n > 255) || last >= 256 ** (5 - values.length)) return "invalid";
  let address = last;
  for (const [index, n] of leading.entries()) address += n * 256 ** (3 - index);
  return address;
}

function numericPart(part: string): number | null {
  if (/^0x[0-9a-f]*$/.test(part)) return part.length === 2 ? 0 : Number.parseInt(part.slice(2), 16);
  if (/^0[0-7]+$/.test(part)) return Number.parseInt(part.slice(1), 8);
  if (/^(0|[1-9][0-9]*)$/.test(part)) return Number(part);
  return null;
}

// ---- IPv6 -----------------------------------------------------------------------------------------

/** Eight 16-bit groups, or null when `text` is not an IPv6 address (an embedded dotted IPv4 tail is allowed). */
export function parseIpv6(text: string): number[] | null {
  if (text.includes("%")) return null; // a zone id names a local interface
  let body = text;
  let tail: number[] = [];
  const lastColon = body.lastIndexOf(":");
  if (lastColon < 0) return null;
  if (body.slice(lastColon + 1).includes(".")) {
    const v4 = parseStrictDottedQuad(body.slice(lastColon + 1));
    if (v4 === null) return null;
    tail = [v4 >>> 16, v4 & 0xffff];
    body = body.slice(0, lastColon + 1); // "::ffff:" or "::" or "1:2:3:4:5:6:"
    if (!body.endsWith("::")) body = body.slice(0, -1);
  }
  const halves = body.split("::");
  if (halves.length > 2) return null;
  const groupsOf = (part: string) => (part === "" ? [] : part.split(":"));
  const head = groupsOf(halves[0] ?? "");
  const rest = groupsOf(halves[1] ?? "");
  if ([...head, ...rest].some((group) => !/^[0-9a-f]{1,4}$/.test(group))) return null;
  const explicit = head.length + rest.length + tail.length;
  const compressed = halves.length === 2;
  if (compressed ? explicit > 7 : explicit !== 8) return null;
  const hex = (group: string) => Number.parseInt(group, 16);
  const zeros = compressed ? new Array<number>(8 - explicit).fill(0) : [];
  return [...head.map(hex), ...zeros, ...rest.map(hex), ...tail];
}

function parseStrictDottedQuad(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((part) => !/^(0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255)) return null;
  return parts.reduce((address, part) => address * 256 + Number(part), 0);
}

const embeddedIpv4 = (high: number, low: number) => ((high << 16) | low) >>> 0;

function classifyIpv6(groups: number[]): DestinationRefusal | null {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  const firstFiveZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (firstFiveZero && g5 === 0) {
    if (g6 === 0 && g7 === 0) return "unspecified";
    if (g6 === 0 && g7 === 1) return "loopback";
    return classifyIpv4(embeddedIpv4(g6, g7)) ?? "reserved"; // IPv4-compatible (::a.b.c.d), deprecated
  }
  if (firstFiveZero && g5 === 0xffff) return classifyIpv4(embeddedIpv4(g6, g7)); // IPv4-mapped
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0xffff && g5 === 0) return classifyIpv4(embeddedIpv4(g6, g7)); // IPv4-translated
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return classifyIpv4(embeddedIpv4(g6, g7)); // NAT64
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) return "private"; // local-use NAT64
  if (g0 === 0x2002) return classifyIpv4(embeddedIpv4(g1, g2)); // 6to4
  if (g0 === 0x2001 && g1 === 0) return classifyIpv4(embeddedIpv4(~g6 & 0xffff, ~g7 & 0xffff)); // Teredo client
  if (g0 === 0x100 && g1 === 0 && g2 === 0 && g3 === 0) return "reserved"; // discard-only
  if ((g0 & 0xfe00) === 0xfc00) return "private"; // unique local, fc00::/7
  if ((g0 & 0xffc0) === 0xfe80) return "link_local"; // fe80::/10
  if ((g0 & 0xffc0) === 0xfec0) return "private"; // site-local, fec0::/10 (deprecated)
  if ((g0 & 0xff00) === 0xff00) return "reserved"; // multicast
  return null;
}
