/**
 * The widget's language catalog, shared by every front door of the chat app (`window.parley` and
 * Chatwoot's SDK): English is built in, the other locales load when first chosen (a chunk each), so
 * the first load stays small. Locale names are Chatwoot's (`pt_BR`, `zh_CN`); `resolveLocale` maps
 * anything a site or a browser says (`pt-br`, `zh-Hans-CN`, `de-AT`) onto one of them.
 */
import { en, type StringKey, type Strings } from "./en";

export type { StringKey, Strings };

/** The locales the widget ships, by Chatwoot's names. */
export const LOCALES = ["en", "es", "pt_BR", "fr", "de", "it", "nl", "ru", "ar", "zh_CN"] as const;
export type Locale = (typeof LOCALES)[number];

/** Scripts written right to left. */
const RTL: ReadonlySet<Locale> = new Set(["ar"]);

const loaders: Record<Exclude<Locale, "en">, () => Promise<{ default: Strings }>> = {
  es: () => import("./locales/es"),
  pt_BR: () => import("./locales/pt_BR"),
  fr: () => import("./locales/fr"),
  de: () => import("./locales/de"),
  it: () => import("./locales/it"),
  nl: () => import("./locales/nl"),
  ru: () => import("./locales/ru"),
  ar: () => import("./locales/ar"),
  zh_CN: () => import("./locales/zh_CN"),
};

/** The shipped locale for a tag such as `pt-BR`, `pt`, `zh-Hans-CN` or `de_AT`; null when none fits. */
export function resolveLocale(tag: string | null | undefined): Locale | null {
  if (!tag) return null;
  const parts = tag.replace(/_/g, "-").toLowerCase().split("-");
  const language = parts[0] ?? "";
  if (language === "pt") return "pt_BR";
  if (language === "zh") return parts.some((part) => part === "tw" || part === "hk" || part === "hant") ? null : "zh_CN";
  return (LOCALES as readonly string[]).includes(language) ? (language as Locale) : null;
}

/** The first of the browser's languages the widget ships (the site's choice when it asks for the browser's). */
export function browserLocale(languages: readonly string[]): Locale | null {
  for (const language of languages) {
    const locale = resolveLocale(language);
    if (locale) return locale;
  }
  return null;
}

let current: Strings = en;
let currentLocale: Locale = "en";

/** Switches to `locale` (English when it is not shipped), loading its strings first; sets the document's lang and direction. */
export async function setLocale(tag: string | null | undefined): Promise<Locale> {
  const locale = resolveLocale(tag) ?? "en";
  const strings = locale === "en" ? en : { ...en, ...(await loaders[locale]()).default };
  current = strings;
  currentLocale = locale;
  document.documentElement.lang = locale.replace("_", "-");
  document.documentElement.dir = RTL.has(locale) ? "rtl" : "ltr";
  return locale;
}

/** The current locale as a BCP 47 tag, for Intl. */
export const intlLocale = () => currentLocale.replace("_", "-");

/** A string of the current locale with its `{placeholders}` filled. */
export function t(key: StringKey, values: Record<string, string | number> = {}): string {
  return current[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
