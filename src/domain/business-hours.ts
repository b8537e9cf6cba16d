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

/** An inbox's working hours and the time zone they are read in. */
export type WorkingSchedule = { workingHours: readonly BusinessDay[]; timezone: string };

const SECONDS_PER_DAY = 86_400;
const dateFormatters = new Map<string, Intl.DateTimeFormat>();

function dateFormatterFor(timezone: string): Intl.DateTimeFormat {
  let formatter = dateFormatters.get(timezone);
  if (!formatter) {
    const options: Intl.DateTimeFormatOptions = {
      year: "numeric",
      month: "numeric",
      day: "numeric",
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    };
    try {
      formatter = new Intl.DateTimeFormat("en-US", { ...options, timeZone: timezone });
    } catch {
      formatter = new Intl.DateTimeFormat("en-US", { ...options, timeZone: "UTC" });
    }
    dateFormatters.set(timezone, formatter);
  }
  return formatter;
}

/** A moment on the clocks of a time zone: the local date, its weekday (0 = Sunday) and the second of the day. */
type LocalMoment = { year: number; month: number; day: number; weekday: number; second: number };

function localMomentAt(timezone: string, unixSeconds: number): LocalMoment {
  const parts = dateFormatterFor(timezone).formatToParts(new Date(unixSeconds * 1000));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  return {
    year: Number(part("year")),
    month: Number(part("month")),
    day: Number(part("day")),
    weekday: WEEKDAYS[part("weekday")] ?? 0,
    second: (Number(part("hour")) % 24) * 3600 + Number(part("minute")) * 60 + Number(part("second")),
  };
}

/** Seconds since the epoch of a local date at midnight, as if it were UTC: a day number that ignores zones. */
const dayKey = (year: number, month: number, day: number) => Date.UTC(year, month - 1, day) / 1000;

/**
 * The instant at which the clocks of `timezone` show `second` seconds into the local day
 * `year-month-day` (the day may overflow: the 32nd of a month is the 1st of the next). Two passes
 * over the zone's offset find it across daylight-saving changes; a local time the change skips
 * comes out an hour off, which the callers guard against.
 */
function instantOf(timezone: string, year: number, month: number, day: number, second: number): number {
  const naive = dayKey(year, month, day) + second;
  const offsetAt = (instant: number) => {
    const local = localMomentAt(timezone, instant);
    return dayKey(local.year, local.month, local.day) + local.second - instant;
  };
  return naive - offsetAt(naive - offsetAt(naive));
}

/** The first instant of the local day `days` days after `local`'s (never earlier, even where midnight is skipped). */
function startOfLocalDay(timezone: string, local: LocalMoment, days: number): number {
  const target = dayKey(local.year, local.month, local.day + days);
  let instant = instantOf(timezone, local.year, local.month, local.day + days, 0);
  for (let guard = 0; guard < 4; guard++) {
    const reached = localMomentAt(timezone, instant);
    if (dayKey(reached.year, reached.month, reached.day) >= target) break;
    instant += 3600;
  }
  return instant;
}

/** The open part of a day as seconds of the local day [open, close), or null when it is closed. */
function openInterval(day: BusinessDay | undefined): [number, number] | null {
  if (!day || day.closed_all_day) return null;
  if (day.open_all_day) return [0, SECONDS_PER_DAY];
  const { open_hour, open_minutes, close_hour, close_minutes } = day;
  if (open_hour === null || open_minutes === null || close_hour === null || close_minutes === null) return null;
  const open = open_hour * 3600 + open_minutes * 60;
  const close = close_hour * 3600 + close_minutes * 60;
  return close > open ? [open, close] : null;
}

/**
 * The moment `seconds` of working time after `start` (Unix seconds), counting only the hours the
 * schedule is open, as Chatwoot's SLA business-hours deadline does: time before the day opens, after
 * it closes and on closed days does not count, a day open all day counts until midnight, and a
 * schedule without any open hours counts the wall clock. Open hours are measured on the real clock,
 * so a day shortened by a daylight-saving change has an hour less. Long spans skip whole weeks at
 * once (counted on the local clock, so across a skipped week an hour of a daylight-saving change
 * inside open hours may be off).
 */
export function addWorkingTime(schedule: WorkingSchedule, start: number, seconds: number): number {
  const { timezone } = schedule;
  const intervals = [0, 1, 2, 3, 4, 5, 6].map((weekday) => openInterval(schedule.workingHours.find((day) => day.day_of_week === weekday)));
  const openPerWeek = intervals.reduce((sum, interval) => sum + (interval ? interval[1] - interval[0] : 0), 0);
  if (openPerWeek === 0) return start + seconds;
  let remaining = seconds;
  let cursor = start;
  for (;;) {
    const local = localMomentAt(timezone, cursor);
    const interval = intervals[local.weekday];
    if (interval && local.second < interval[1]) {
      const from = Math.max(cursor, local.second < interval[0] ? instantOf(timezone, local.year, local.month, local.day, interval[0]) : cursor);
      const until = instantOf(timezone, local.year, local.month, local.day, interval[1]);
      const available = Math.max(0, until - from);
      if (remaining <= available) return from + remaining;
      remaining -= available;
    }
    const wholeWeeks = Math.floor(remaining / openPerWeek) - 1;
    if (wholeWeeks > 0) {
      remaining -= wholeWeeks * openPerWeek;
      cursor = Math.max(cursor + 1, startOfLocalDay(timezone, local, 1 + 7 * wholeWeeks));
    } else {
      cursor = Math.max(cursor + 1, startOfLocalDay(timezone, local, 1));
    }
  }
}
