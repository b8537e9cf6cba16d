/** Whether an inbox is open at a moment, from its working hours in Chatwoot's shape and its time zone. */

/** One day of working hours, as Chatwoot stores them (day_of_week 0 = Sunday). */
export type BusinessDay = {
  day_of_week: number;
  closed_all_day: boolean;
  open_all_day: boolean;
  open_hour: number | null;
  open_minutes: number | null;
  close_hour: number | null;
  close_minutes: number | null;
};

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The formatter for `timezone`, or UTC's when the zone is unknown (stored zones were validated; this never throws). */
function formatterFor(timezone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    const options: Intl.DateTimeFormatOptions = { weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    try {
      formatter = new Intl.DateTimeFormat("en-US", { ...options, timeZone: timezone });
    } catch {
      formatter = new Intl.DateTimeFormat("en-US", { ...options, timeZone: "UTC" });
    }
    formatters.set(timezone, formatter);
  }
  return formatter;
}

/** The weekday (0 = Sunday) and minute of the day at `date` on the clocks of `timezone`. */
export function localWeekdayAndMinute(timezone: string, date: Date): { weekday: number; minute: number } {
  const parts = formatterFor(timezone).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  const hour = Number(part("hour")) % 24;
  return { weekday: WEEKDAYS[part("weekday")] ?? 0, minute: hour * 60 + Number(part("minute")) };
}

/**
 * Whether the schedule is open at `date`. Like Chatwoot, both ends count at minute precision:
 * open 09:00–17:00 is open from 09:00 through 17:00, and a day without an entry is closed.
 */
export function isOpenAt(workingHours: readonly BusinessDay[], timezone: string, date: Date): boolean {
  const { weekday, minute } = localWeekdayAndMinute(timezone, date);
  const day = workingHours.find((entry) => entry.day_of_week === weekday);
  if (!day || day.closed_all_day) return false;
  if (day.open_all_day) return true;
  const { open_hour, open_minutes, close_hour, close_minutes } = day;
  if (open_hour === null || open_minutes === null || close_hour === null || close_minutes === null) return false;
  return open_hour * 60 + open_minutes <= minute && minute <= close_hour * 60 + close_minutes;
}
