/**
 * Strings: `t("area.key", vars)` looks the key up in the English catalog (console/src/i18n/en),
 * fills `{name}` placeholders from `vars`, and picks plural forms (`{one, other}`) by `vars.count`.
 * A missing key shows the key itself, so it is noticed rather than blank.
 */
import { en } from "../i18n/en/index";

export type Catalog = { [key: string]: string | Catalog };
export type Vars = Record<string, string | number>;

export const locale = "en";
const catalog: Catalog = { ...(en as unknown as Catalog) };

/** Adds areas to the catalog: a chunk's own strings, when it loads (i18n/admin-strings.ts). */
export function addStrings(areas: object): void {
  Object.assign(catalog, areas);
}
const plurals = new Intl.PluralRules(locale);

function lookup(key: string): string | Catalog | undefined {
  let node: string | Catalog | undefined = catalog;
  for (const part of key.split(".")) {
    if (node === undefined || typeof node === "string") return undefined;
    node = node[part];
  }
  return node;
}

export function t(key: string, vars?: Vars): string {
  let found = lookup(key);
  if (found !== undefined && typeof found !== "string") {
    const count = vars?.count;
    const form = typeof count === "number" ? plurals.select(count) : "other";
    found = found[form] ?? found.other;
  }
  if (typeof found !== "string") return key;
  if (!vars) return found;
  return found.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** Formatting helpers in the console's locale. */
const timeFormat = new Intl.DateTimeFormat(locale, { hour: "numeric", minute: "2-digit" });
const dayFormat = new Intl.DateTimeFormat(locale, { month: "short", day: "numeric" });
const fullFormat = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
const relative = new Intl.RelativeTimeFormat(locale, { numeric: "auto", style: "narrow" });

/** Seconds since the epoch or an ISO string, to a Date. */
export function toDate(value: number | string | Date): Date {
  if (value instanceof Date) return value;
  return typeof value === "number" ? new Date(value < 1e12 ? value * 1000 : value) : new Date(value);
}

/** Short time for lists: "14:05" today, "Dec 3" otherwise. */
export function formatShortTime(value: number | string | Date): string {
  const date = toDate(value);
  const now = new Date();
  return date.toDateString() === now.toDateString() ? timeFormat.format(date) : dayFormat.format(date);
}

/** Date and time in full, e.g. for a title attribute. */
export const formatDateTime = (value: number | string | Date) => fullFormat.format(toDate(value));

/** "in 5 min", "3 hr ago" ... */
export function formatRelative(value: number | string | Date, now = Date.now()): string {
  const seconds = Math.round((toDate(value).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 60) return relative.format(seconds, "second");
  if (abs < 3600) return relative.format(Math.round(seconds / 60), "minute");
  if (abs < 86400) return relative.format(Math.round(seconds / 3600), "hour");
  return relative.format(Math.round(seconds / 86400), "day");
}

/** A duration in seconds as "1h 05m" / "12m" / "45s" (for SLA badges). */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(Math.abs(seconds)));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${String(m).padStart(2, "0")}m`;
  if (m > 0) return `${m}m`;
  return `${s % 60}s`;
}
