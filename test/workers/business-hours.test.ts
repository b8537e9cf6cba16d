import { describe, expect, it } from "vitest";
import { allDay, closed, hours } from "./business-day-fixtures";
import { type BusinessDay, isOpenAt, localWeekdayAndMinute } from "../../src/domain/business-hours";

// Monday to Friday 09:00–17:30, Saturday open all day, Sunday closed.
const week: BusinessDay[] = [closed(0), ...[1, 2, 3, 4, 5].map((day) => hours(day, [9, 0], [17, 30])), allDay(6)];

// 2026-03-02 is a Monday.
const utc = (iso: string) => new Date(`${iso}Z`);

describe("local weekday and time", () => {
  it("numbers the weekdays from Sunday = 0 like Chatwoot", () => {
    expect(localWeekdayAndMinute("UTC", utc("2026-03-01T12:00:00")).weekday).toBe(0);
    expect(localWeekdayAndMinute("UTC", utc("2026-03-07T12:00:00")).weekday).toBe(6);
  });

  it("reads midnight as minute 0", () => {
    expect(localWeekdayAndMinute("UTC", utc("2026-03-02T00:00:00"))).toEqual({ weekday: 1, minute: 0 });
  });

  it("reads the weekday and time on the inbox's clocks, which may be another day than UTC", () => {
    // 02:00 UTC on Monday is 21:00 on Sunday in New York (EST, UTC-5).
    expect(localWeekdayAndMinute("America/New_York", utc("2026-03-02T02:00:00"))).toEqual({ weekday: 0, minute: 21 * 60 });
  });

  it("follows daylight saving time", () => {
    // Amsterdam is UTC+1 in winter and UTC+2 in summer.
    expect(localWeekdayAndMinute("Europe/Amsterdam", utc("2026-01-05T08:00:00")).minute).toBe(9 * 60);
    expect(localWeekdayAndMinute("Europe/Amsterdam", utc("2026-07-06T08:00:00")).minute).toBe(10 * 60);
  });

  it("falls back to UTC for a time zone it does not know, without throwing", () => {
    expect(localWeekdayAndMinute("Not/AZone", utc("2026-03-02T10:15:00"))).toEqual({ weekday: 1, minute: 10 * 60 + 15 });
  });
});

describe("isOpenAt", () => {
  it("is open during a day's hours", () => {
    expect(isOpenAt(week, "UTC", utc("2026-03-02T12:00:00"))).toBe(true);
  });

  it("is closed before the day opens", () => {
    expect(isOpenAt(week, "UTC", utc("2026-03-02T08:59:00"))).toBe(false);
  });

  it("is open from the opening minute", () => {
    expect(isOpenAt(week, "UTC", utc("2026-03-02T09:00:00"))).toBe(true);
  });

  it("is open through the closing minute, like Chatwoot", () => {
    expect(isOpenAt(week, "UTC", utc("2026-03-02T17:30:59"))).toBe(true);
  });

  it("is closed after the closing minute", () => {
    expect(isOpenAt(week, "UTC", utc("2026-03-02T17:31:00"))).toBe(false);
  });

  it("is closed all of a day closed all day", () => {
    expect(isOpenAt(week, "UTC", utc("2026-03-01T12:00:00"))).toBe(false);
  });

  it("is open all of a day open all day, to its last minute", () => {
    expect(isOpenAt(week, "UTC", utc("2026-03-07T00:00:00"))).toBe(true);
    expect(isOpenAt(week, "UTC", utc("2026-03-07T23:59:59"))).toBe(true);
  });

  it("is open all day even when an open-all-day entry has no hours", () => {
    const day: BusinessDay = { ...allDay(1), open_hour: null, open_minutes: null, close_hour: null, close_minutes: null };
    expect(isOpenAt([day], "UTC", utc("2026-03-02T03:00:00"))).toBe(true);
  });

  it("is closed on a day the schedule does not list", () => {
    expect(isOpenAt([hours(2, [9, 0], [17, 0])], "UTC", utc("2026-03-02T12:00:00"))).toBe(false);
  });

  it("is closed on a day whose hours are missing", () => {
    const day: BusinessDay = { ...hours(1, [9, 0], [17, 0]), close_hour: null };
    expect(isOpenAt([day], "UTC", utc("2026-03-02T12:00:00"))).toBe(false);
  });

  it("uses the inbox's time zone: open at 09:30 in New York, closed at 09:30 UTC there", () => {
    // 14:30 UTC on Monday is 09:30 EST; 09:30 UTC is 04:30 EST.
    expect(isOpenAt(week, "America/New_York", utc("2026-03-02T14:30:00"))).toBe(true);
    expect(isOpenAt(week, "America/New_York", utc("2026-03-02T09:30:00"))).toBe(false);
  });

  it("uses the local weekday: Friday evening in New York is Saturday in UTC", () => {
    // 01:00 UTC on Saturday (open all day) is 20:00 on Friday in New York (closed after 17:30).
    expect(isOpenAt(week, "UTC", utc("2026-03-07T01:00:00"))).toBe(true);
    expect(isOpenAt(week, "America/New_York", utc("2026-03-07T01:00:00"))).toBe(false);
  });
});
