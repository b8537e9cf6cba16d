// The widget's pure rules, in milliseconds: which shipped locale a site's or browser's language
// means, which links a message may hold, and when the team's schedule next changes.
import { describe, expect, it } from "vitest";
import { nextScheduleChange, teamAvailability } from "../../src/domain/widget-availability";
import { browserLocale, resolveLocale } from "../../widget/src/app/i18n";
import { safeHref } from "../../widget/src/app/markdown";

const WEEKDAYS_NINE_TO_FIVE = [0, 1, 2, 3, 4, 5, 6].map((day) => ({
  day_of_week: day,
  closed_all_day: day === 0 || day === 6,
  open_all_day: false,
  open_hour: day === 0 || day === 6 ? null : 9,
  open_minutes: day === 0 || day === 6 ? null : 0,
  close_hour: day === 0 || day === 6 ? null : 17,
  close_minutes: day === 0 || day === 6 ? null : 0,
}));
const at = (iso: string) => Date.parse(iso) / 1000;

describe("the widget's locales", () => {
  it("maps what sites and browsers say onto Chatwoot's locale names", () => {
    expect(["pt-BR", "pt", "pt_PT", "zh-Hans-CN", "zh", "de-AT", "AR", "en-GB"].map(resolveLocale)).toEqual([
      "pt_BR",
      "pt_BR",
      "pt_BR",
      "zh_CN",
      "zh_CN",
      "de",
      "ar",
      "en",
    ]);
  });

  it("ships no traditional Chinese or unknown language, and takes the first browser language it ships", () => {
    expect([resolveLocale("zh-TW"), resolveLocale("ja"), resolveLocale("")]).toEqual([null, null, null]);
    expect(browserLocale(["ja-JP", "zh-TW", "nl-BE", "en"])).toBe("nl");
    expect(browserLocale(["ja"])).toBeNull();
  });
});

describe("links in messages", () => {
  it("keeps absolute http and https links only", () => {
    expect(safeHref("https://example.com/a?b=1")).toBe("https://example.com/a?b=1");
    expect(safeHref("http://example.com")).toBe("http://example.com/");
    for (const refused of ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,hi", "/relative", "mailto:a@b.c", "vbscript:x"]) {
      expect(safeHref(refused), refused).toBeNull();
    }
  });
});

describe("the team's schedule", () => {
  const inbox = { workingHoursEnabled: true, workingHours: WEEKDAYS_NINE_TO_FIVE, timezone: "Europe/Berlin", outOfOfficeMessage: "Closed." };
  const noWidgetHours = { business_hours: { enabled: false, timezone: null, days: [] }, away_message: null };

  it("says when a closed schedule opens next, to the minute, in the inbox's time zone", () => {
    // Saturday 2026-12-05 12:00 UTC: Berlin opens on Monday at 09:00 (08:00 UTC).
    const schedule = { enabled: true, days: WEEKDAYS_NINE_TO_FIVE, timezone: "Europe/Berlin" };
    expect(nextScheduleChange(schedule, at("2026-12-05T12:00:00Z"))).toBe(at("2026-12-07T08:00:00Z"));
    // Monday 10:00 Berlin: it closes after 17:00, at 17:01 (Chatwoot counts the closing minute open).
    expect(nextScheduleChange(schedule, at("2026-12-07T09:00:00Z"))).toBe(at("2026-12-07T16:01:00Z"));
  });

  it("is away with the out-of-office message outside the hours, online within them whoever is connected", () => {
    expect(teamAvailability(inbox, noWidgetHours, "UTC", 3, at("2026-12-05T12:00:00Z"))).toMatchObject({
      online: false,
      open_now: false,
      out_of_office_message: "Closed.",
    });
    expect(teamAvailability(inbox, noWidgetHours, "UTC", 0, at("2026-12-07T09:00:00Z"))).toMatchObject({
      online: true,
      open_now: true,
      out_of_office_message: null,
    });
  });

  it("follows the agents without working hours, and lets the widget's hours and away message win", () => {
    const always = { ...inbox, workingHoursEnabled: false };
    expect(teamAvailability(always, noWidgetHours, "UTC", 0, at("2026-12-05T12:00:00Z"))).toMatchObject({
      online: false,
      open_now: true,
      next_change_at: null,
    });
    expect(teamAvailability(always, noWidgetHours, "UTC", 1, at("2026-12-05T12:00:00Z")).online).toBe(true);
    const widget = { business_hours: { enabled: true, timezone: "UTC", days: WEEKDAYS_NINE_TO_FIVE }, away_message: "Back Monday." };
    expect(teamAvailability(always, widget, "UTC", 5, at("2026-12-05T12:00:00Z"))).toMatchObject({ online: false, out_of_office_message: "Back Monday." });
  });
});
