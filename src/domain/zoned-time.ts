/**
 * Wall-clock times in a time zone and the instants they name, for forms that ask "when" in a
 * sub-account's time zone (a one-off campaign's schedule) whatever zone the browser is in. Pure,
 * on Intl alone, so the console and tests share it.
 */

const formats = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone: making one is far slower than using it. */
function formatIn(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** How far the zone's wall clock is ahead of UTC at the instant `utcMs`, in milliseconds. */
function offsetAt(utcMs: number, timeZone: string): number {
  const parts = formatIn(timeZone).formatToParts(new Date(utcMs));
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"), part("second"));
  return wall - Math.floor(utcMs / 1000) * 1000;
}

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * The Unix seconds of a wall-clock time (`YYYY-MM-DDTHH:MM[:SS]`, as `<input type="datetime-local">`
 * gives it) in `timeZone`; null for text that is not one. A time skipped by a daylight-saving change
 * lands after the change, as clocks that spring forward show it.
 */
export function wallTimeToUnix(value: string, timeZone: string): number | null {
  const match = WALL_TIME.exec(value);
  if (!match) return null;
  const [, year, month, day, hour, minute, second] = match;
  const wall = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second ?? 0));
  const guess = wall - offsetAt(wall, timeZone);
  const utc = wall - offsetAt(guess, timeZone);
  return Math.floor(utc / 1000);
}

/** The wall-clock time (`YYYY-MM-DDTHH:MM`) in `timeZone` at the instant `unixSeconds`. */
export function unixToWallTime(unixSeconds: number, timeZone: string): string {
  const wall = new Date(unixSeconds * 1000 + offsetAt(unixSeconds * 1000, timeZone));
  return wall.toISOString().slice(0, 16);
}
