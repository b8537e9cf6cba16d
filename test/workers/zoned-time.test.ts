// Wall-clock times in a time zone (src/domain/zoned-time.ts), against Intl's own formatting as the oracle.
import { describe, expect, it } from "vitest";
import { unixToWallTime, wallTimeToUnix } from "../../src/domain/zoned-time";

const ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham"];
const START = Date.UTC(2026, 0, 1) / 1000;
const HOUR = 3600;

/** What Intl shows at the instant, as YYYY-MM-DDTHH:MM. */
const oracles = new Map(
  ZONES.map((timeZone) => [
    timeZone,
    new Intl.DateTimeFormat("en-CA", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" }),
  ]),
);

function intlWallTime(unix: number, timeZone: string): string {
  const parts = (oracles.get(timeZone) ?? new Intl.DateTimeFormat()).formatToParts(new Date(unix * 1000));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}T${part("hour")}:${part("minute")}`;
}

describe("zoned wall-clock times", () => {
  it("show every instant of a year as Intl shows it, in zones with half hours and daylight saving", () => {
    for (const zone of ZONES) {
      for (let unix = START; unix < START + 366 * 24 * HOUR; unix += 11 * HOUR + 13 * 60) {
        expect(unixToWallTime(unix, zone), `${zone} at ${unix}`).toBe(intlWallTime(unix, zone));
      }
    }
  });

  it("name an instant that shows the same wall-clock time, for every time a clock shows", () => {
    for (const zone of ZONES) {
      for (let unix = START; unix < START + 366 * 24 * HOUR; unix += 11 * HOUR + 7 * 60) {
        const wall = intlWallTime(unix, zone);
        const back = wallTimeToUnix(wall, zone);
        expect(back === null ? null : intlWallTime(back, zone), `${zone} ${wall}`).toBe(wall);
      }
    }
  });

  it("put a time skipped by spring's change after it", () => {
    const unix = wallTimeToUnix("2026-03-29T02:30", "Europe/Berlin");
    expect(unix === null ? null : unixToWallTime(unix, "Europe/Berlin")).toBe("2026-03-29T03:30");
  });

  it("refuse text that is not a wall-clock time", () => {
    expect(wallTimeToUnix("tomorrow at nine", "UTC")).toBeNull();
    expect(wallTimeToUnix("2026-12-07T09:00:00", "UTC")).toBe(Date.UTC(2026, 11, 7, 9) / 1000);
  });
});
