/** Times, days and names as the visitor reads them: Intl in the widget's locale, on the visitor's own clock. */
import { intlLocale, t } from "./i18n";

const dayKey = (date: Date) => `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;

/** A key that is the same for two moments on the same local day. */
export const localDay = (unixSeconds: number) => dayKey(new Date(unixSeconds * 1000));

/** "Today", "Yesterday", or the date in the visitor's locale (with the year when it is not this one's). */
export function dayLabel(unixSeconds: number, now = new Date()): string {
  const date = new Date(unixSeconds * 1000);
  if (dayKey(date) === dayKey(now)) return t("today");
  const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  if (dayKey(date) === dayKey(yesterday)) return t("yesterday");
  return new Intl.DateTimeFormat(intlLocale(), {
    weekday: "long",
    day: "numeric",
    month: "long",
    ...(date.getFullYear() === now.getFullYear() ? {} : { year: "numeric" }),
  }).format(date);
}

/** The time of day, as the visitor's locale writes it. */
export const timeLabel = (unixSeconds: number) =>
  new Intl.DateTimeFormat(intlLocale(), { hour: "numeric", minute: "2-digit" }).format(new Date(unixSeconds * 1000));

/** A day and time, for "back online" and a conversation's date. */
export const dateTimeLabel = (unixSeconds: number) =>
  new Intl.DateTimeFormat(intlLocale(), { weekday: "long", hour: "numeric", minute: "2-digit" }).format(new Date(unixSeconds * 1000));

export const dateLabel = (unixSeconds: number) => new Intl.DateTimeFormat(intlLocale(), { dateStyle: "medium" }).format(new Date(unixSeconds * 1000));

/** Up to two initials for an avatar without a picture. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : [words[0]];
  return letters
    .map((word) => (word ? (Array.from(word)[0] ?? "") : ""))
    .join("")
    .toUpperCase();
}
