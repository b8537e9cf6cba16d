import { describe, expect, it } from "vitest";
import { allDay, closed, hours } from "./business-day-fixtures";
import { addWorkingTime, type BusinessDay, localWeekdayAndMinute, type WorkingSchedule } from "../../src/domain/business-hours";
import {
  advanceSla,
  type AppliedSla,
  type AppliedSlaPolicy,
  appliedSlaPayload,
  missesDueAt,
  nextSlaDeadline,
  type SlaConversation,
  slaEventsPayload,
  slaSchedule,
  startSla,
} from "../../src/domain/sla";

/** Monday to Friday 09:00–17:00, weekends closed. */
const officeWeek: BusinessDay[] = [closed(0), ...[1, 2, 3, 4, 5].map((day) => hours(day, [9, 0], [17, 0])), closed(6)];
const office = (timezone: string): WorkingSchedule => ({ workingHours: officeWeek, timezone });

/** Unix seconds of a UTC time; 2026-03-02 is a Monday. */
const at = (iso: string) => Date.parse(`${iso}Z`) / 1000;
const HOUR = 3600;
const MINUTE = 60;

describe("working time: deadlines that count only open hours", () => {
  it("counts within one open day", () => {
    expect(addWorkingTime(office("UTC"), at("2026-03-02T10:00:00"), 2 * HOUR)).toBe(at("2026-03-02T12:00:00"));
  });

  it("stops the clock overnight and resumes at the next opening", () => {
    expect(addWorkingTime(office("UTC"), at("2026-03-02T16:00:00"), 2 * HOUR)).toBe(at("2026-03-03T10:00:00"));
  });

  it("skips a closed weekend", () => {
    expect(addWorkingTime(office("UTC"), at("2026-03-06T16:30:00"), HOUR)).toBe(at("2026-03-09T09:30:00"));
  });

  it("starts counting at the opening when the start falls on a closed day, before opening or after closing", () => {
    expect(addWorkingTime(office("UTC"), at("2026-03-07T12:00:00"), 30 * MINUTE)).toBe(at("2026-03-09T09:30:00"));
    expect(addWorkingTime(office("UTC"), at("2026-03-02T07:00:00"), HOUR)).toBe(at("2026-03-02T10:00:00"));
    expect(addWorkingTime(office("UTC"), at("2026-03-02T18:00:00"), HOUR)).toBe(at("2026-03-03T10:00:00"));
  });

  it("ends exactly at closing time when the threshold fills the day", () => {
    expect(addWorkingTime(office("UTC"), at("2026-03-02T09:00:00"), 8 * HOUR)).toBe(at("2026-03-02T17:00:00"));
  });

  it("reads the hours on the inbox's clocks: New York", () => {
    // 13:00 UTC is 08:00 EST; the office opens at 09:00 EST (14:00 UTC).
    expect(addWorkingTime(office("America/New_York"), at("2026-03-02T13:00:00"), HOUR)).toBe(at("2026-03-02T15:00:00"));
  });

  it("reads the hours on the inbox's clocks: Kolkata, half an hour off UTC", () => {
    // 11:00 UTC is 16:30 IST: half an hour on Monday, the other half from 09:00 IST (03:30 UTC) on Tuesday.
    expect(addWorkingTime(office("Asia/Kolkata"), at("2026-03-02T11:00:00"), HOUR)).toBe(at("2026-03-03T04:00:00"));
  });

  it("reads the hours on the inbox's clocks: Auckland, where Monday starts on Sunday in UTC", () => {
    // 2026-03-01T20:00Z is Monday 09:00 in Auckland (NZDT, UTC+13).
    expect(addWorkingTime(office("Pacific/Auckland"), at("2026-03-01T19:00:00"), 30 * MINUTE)).toBe(at("2026-03-01T20:30:00"));
  });

  it("counts a day open all day until midnight", () => {
    const schedule: WorkingSchedule = { workingHours: [closed(0), hours(1, [9, 0], [17, 0]), allDay(6)], timezone: "UTC" };
    // One hour on Saturday until midnight, Sunday closed, the second hour on Monday from 09:00.
    expect(addWorkingTime(schedule, at("2026-03-07T23:00:00"), 2 * HOUR)).toBe(at("2026-03-09T10:00:00"));
  });

  it("measures open hours on the real clock across a daylight-saving change", () => {
    const everyDay: WorkingSchedule = { workingHours: [0, 1, 2, 3, 4, 5, 6].map(allDay), timezone: "Europe/Berlin" };
    // 2026-03-29 has 23 hours in Berlin: open all week is the wall clock.
    expect(addWorkingTime(everyDay, at("2026-03-28T23:00:00"), 24 * HOUR)).toBe(at("2026-03-29T23:00:00"));
    // Friday 16:00 EST (21:00 UTC), then the clocks go forward on Sunday: Monday 09:00 EDT is 13:00 UTC.
    expect(addWorkingTime(office("America/New_York"), at("2026-03-06T21:00:00"), 2 * HOUR)).toBe(at("2026-03-09T14:00:00"));
  });

  it("counts the wall clock when the schedule has no open hours", () => {
    const shut: WorkingSchedule = { workingHours: [0, 1, 2, 3, 4, 5, 6].map(closed), timezone: "UTC" };
    expect(addWorkingTime(shut, at("2026-03-02T10:00:00"), HOUR)).toBe(at("2026-03-02T11:00:00"));
  });

  it("treats a day whose closing is not after its opening as closed", () => {
    const odd: WorkingSchedule = { workingHours: [hours(1, [17, 0], [9, 0]), hours(2, [9, 0], [17, 0])], timezone: "UTC" };
    expect(addWorkingTime(odd, at("2026-03-02T10:00:00"), HOUR)).toBe(at("2026-03-03T10:00:00"));
  });

  it("reaches deadlines weeks away", () => {
    // Ten weeks of 40 working hours from a Monday's opening end on the tenth Friday's closing.
    expect(addWorkingTime(office("UTC"), at("2026-03-02T09:00:00"), 400 * HOUR)).toBe(at("2026-05-08T17:00:00"));
    // One open minute a week: a year of working seconds is far beyond any calendar, but still answered.
    const minuteAWeek: WorkingSchedule = { workingHours: [hours(3, [12, 0], [12, 1])], timezone: "UTC" };
    expect(addWorkingTime(minuteAWeek, at("2026-03-02T00:00:00"), 3 * MINUTE)).toBe(at("2026-03-18T12:01:00"));
    expect(addWorkingTime(minuteAWeek, at("2026-03-02T00:00:00"), 366 * 24 * HOUR)).toBeGreaterThan(at("9999-01-01T00:00:00"));
  });

  it("agrees with counting open minutes one by one", () => {
    // A reference: step a minute at a time and count the minutes inside [open, close) on the local clock.
    const isOpenMinute = (schedule: WorkingSchedule, unixSeconds: number) => {
      const { weekday, minute } = localWeekdayAndMinute(schedule.timezone, new Date(unixSeconds * 1000));
      const day = schedule.workingHours.find((entry) => entry.day_of_week === weekday);
      if (!day || day.closed_all_day) return false;
      if (day.open_all_day) return true;
      return (day.open_hour ?? 0) * 60 + (day.open_minutes ?? 0) <= minute && minute < (day.close_hour ?? 0) * 60 + (day.close_minutes ?? 0);
    };
    const byMinutes = (schedule: WorkingSchedule, start: number, minutes: number) => {
      let cursor = start;
      let left = minutes;
      while (left > 0) {
        if (isOpenMinute(schedule, cursor)) left--;
        cursor += MINUTE;
      }
      return cursor;
    };
    const split: WorkingSchedule = {
      workingHours: [
        closed(0),
        hours(1, [8, 30], [12, 15]),
        hours(2, [13, 0], [18, 45]),
        allDay(3),
        hours(4, [0, 0], [6, 0]),
        closed(5),
        hours(6, [10, 0], [11, 0]),
      ],
      timezone: "UTC",
    };
    const cases: [WorkingSchedule, string, number][] = [
      [office("Europe/Berlin"), "2026-03-02T06:07:00", 125],
      [office("America/Los_Angeles"), "2026-03-05T23:59:00", 600],
      [office("Asia/Kathmandu"), "2026-03-06T10:00:00", 1000],
      [split, "2026-03-01T17:00:00", 2000],
      [split, "2026-03-04T12:34:00", 77],
      [{ workingHours: split.workingHours, timezone: "Australia/Adelaide" }, "2026-04-02T00:00:00", 3000],
    ];
    for (const [schedule, start, minutes] of cases) {
      expect(addWorkingTime(schedule, at(start), minutes * MINUTE), `${schedule.timezone} ${start} +${minutes} min`).toBe(
        byMinutes(schedule, at(start), minutes),
      );
    }
  });
});

const policy = (input: Partial<AppliedSlaPolicy> = {}): AppliedSlaPolicy => ({
  id: 7,
  name: "Enterprise P0",
  description: "Urgent customers",
  firstResponseTimeThreshold: null,
  nextResponseTimeThreshold: null,
  resolutionTimeThreshold: null,
  onlyDuringBusinessHours: false,
  ...input,
});

const CREATED = at("2026-03-02T10:00:00");
const conversation = (input: Partial<SlaConversation> = {}): SlaConversation => ({
  createdAt: CREATED,
  firstReplyCreatedAt: null,
  waitingSince: CREATED,
  status: "open",
  ...input,
});

/** An SLA applied at the conversation's creation. */
const applied = (input: Partial<AppliedSlaPolicy>, schedule: WorkingSchedule | null = null, state = conversation()): AppliedSla =>
  startSla(policy(input), schedule, state, state.createdAt).sla;

describe("SLA deadlines", () => {
  it("counts the first response and the resolution from the conversation's creation", () => {
    const sla = applied({ firstResponseTimeThreshold: 300, resolutionTimeThreshold: 86_400 });
    expect(sla).toMatchObject({ frtDueAt: CREATED + 300, nrtDueAt: null, rtDueAt: CREATED + 86_400, status: "active", misses: [] });
  });

  it("counts from the creation even when the SLA is applied later", () => {
    const sla = startSla(policy({ resolutionTimeThreshold: 3600 }), null, conversation(), CREATED + 600).sla;
    expect(sla.rtDueAt).toBe(CREATED + 3600);
    expect(sla.appliedAt).toBe(CREATED + 600);
  });

  it("sets a next-response deadline only while a follow-up waits after the first agent reply", () => {
    const nrt = { nextResponseTimeThreshold: 120 };
    expect(applied(nrt).nrtDueAt).toBeNull();
    const replied = conversation({ firstReplyCreatedAt: CREATED + 60, waitingSince: null });
    expect(applied(nrt, null, replied).nrtDueAt).toBeNull();
    const followUp = conversation({ firstReplyCreatedAt: CREATED + 60, waitingSince: CREATED + 90 });
    expect(applied(nrt, null, followUp).nrtDueAt).toBe(CREATED + 90 + 120);
  });

  it("counts only working hours when the policy says so", () => {
    // Created Friday 16:30 UTC; a one-hour first response is due Monday 09:30.
    const friday = conversation({ createdAt: at("2026-03-06T16:30:00"), waitingSince: at("2026-03-06T16:30:00") });
    const sla = applied({ firstResponseTimeThreshold: HOUR, onlyDuringBusinessHours: true }, office("UTC"), friday);
    expect(sla.frtDueAt).toBe(at("2026-03-09T09:30:00"));
  });

  it("takes the inbox's working hours only when the policy asks for them and the inbox has open hours turned on", () => {
    const inbox = { workingHoursEnabled: true, workingHours: officeWeek, timezone: "Europe/Paris" };
    expect(slaSchedule(policy({ onlyDuringBusinessHours: true }), inbox)).toEqual({ workingHours: officeWeek, timezone: "Europe/Paris" });
    expect(slaSchedule(policy({ onlyDuringBusinessHours: false }), inbox)).toBeNull();
    expect(slaSchedule(policy({ onlyDuringBusinessHours: true }), { ...inbox, workingHoursEnabled: false })).toBeNull();
    expect(slaSchedule(policy({ onlyDuringBusinessHours: true }), { ...inbox, workingHours: [0, 1, 2, 3, 4, 5, 6].map(closed) })).toBeNull();
  });
});

describe("SLA misses (Chatwoot's semantics)", () => {
  it("misses the first response when no agent replied by its deadline", () => {
    const sla = applied({ firstResponseTimeThreshold: 300 });
    expect(missesDueAt(sla, conversation(), CREATED + 299)).toEqual([]);
    expect(missesDueAt(sla, conversation(), CREATED + 300)).toEqual(["frt"]);
  });

  it("hits the first response when the reply comes by the deadline, even exactly at it", () => {
    const sla = applied({ firstResponseTimeThreshold: 300 });
    const replied = conversation({ firstReplyCreatedAt: CREATED + 300, waitingSince: null });
    expect(missesDueAt(sla, replied, CREATED + 10_000)).toEqual([]);
    expect(nextSlaDeadline(sla, replied)).toBeNull();
  });

  it("counts a late first reply as a miss even when no alarm looked at the deadline", () => {
    const sla = applied({ firstResponseTimeThreshold: 300 });
    const { sla: after, newMisses } = advanceSla(sla, conversation(), conversation({ firstReplyCreatedAt: CREATED + 400, waitingSince: null }), CREATED + 400);
    expect(newMisses.map((miss) => miss.type)).toEqual(["frt"]);
    expect(after.status).toBe("active_with_misses");
  });

  it("misses the next response when a follow-up waits past it, once per waiting period", () => {
    let state = conversation({ firstReplyCreatedAt: CREATED + 60, waitingSince: null });
    let sla = applied({ nextResponseTimeThreshold: 120 }, null, state);
    // The visitor follows up at +100: due at +220.
    const followUp = { ...state, waitingSince: CREATED + 100 };
    sla = advanceSla(sla, state, followUp, CREATED + 100).sla;
    state = followUp;
    expect(sla.nrtDueAt).toBe(CREATED + 220);
    expect(nextSlaDeadline(sla, state)).toBe(CREATED + 220);
    expect(missesDueAt(sla, state, CREATED + 219)).toEqual([]);
    const missed = advanceSla(sla, state, state, CREATED + 220);
    expect(missed.newMisses).toEqual([{ type: "nrt", at: CREATED + 220, waitingSince: CREATED + 100, reportedAt: null }]);
    sla = missed.sla;
    // Still waiting later: nothing new; a second follow-up in the same period changes nothing either.
    expect(advanceSla(sla, state, state, CREATED + 5000).newMisses).toEqual([]);
    expect(nextSlaDeadline(sla, state)).toBeNull();
    // The agent answers, the visitor writes again: a new period, which can miss again.
    const answered = { ...state, waitingSince: null };
    sla = advanceSla(sla, state, answered, CREATED + 6000).sla;
    expect(sla.nrtDueAt).toBeNull();
    const again = { ...answered, waitingSince: CREATED + 7000 };
    sla = advanceSla(sla, answered, again, CREATED + 7000).sla;
    expect(sla.nrtDueAt).toBe(CREATED + 7120);
    expect(advanceSla(sla, again, again, CREATED + 7120).newMisses.map((miss) => miss.waitingSince)).toEqual([CREATED + 7000]);
  });

  it("leaves the wait before the first reply to the first response", () => {
    const sla = applied({ nextResponseTimeThreshold: 60 });
    expect(missesDueAt(sla, conversation(), CREATED + 10_000)).toEqual([]);
  });

  it("misses the resolution when the conversation is not resolved by its deadline", () => {
    const sla = applied({ resolutionTimeThreshold: 3600 });
    expect(missesDueAt(sla, conversation(), CREATED + 3599)).toEqual([]);
    expect(missesDueAt(sla, conversation(), CREATED + 3600)).toEqual(["rt"]);
    expect(missesDueAt(sla, conversation({ status: "pending" }), CREATED + 3600)).toEqual(["rt"]);
    expect(missesDueAt(sla, conversation({ status: "snoozed" }), CREATED + 3600)).toEqual(["rt"]);
  });

  it("records each miss once", () => {
    let sla = applied({ firstResponseTimeThreshold: 60, resolutionTimeThreshold: 60 });
    const first = advanceSla(sla, conversation(), conversation(), CREATED + 61);
    expect(first.newMisses.map((miss) => miss.type)).toEqual(["frt", "rt"]);
    sla = first.sla;
    const second = advanceSla(sla, conversation(), conversation(), CREATED + 120);
    expect(second.newMisses).toEqual([]);
    expect(second.changed).toBe(false);
    expect(sla.misses).toHaveLength(2);
  });

  it("counts deadlines that had passed before the SLA was applied", () => {
    const started = startSla(policy({ firstResponseTimeThreshold: 60 }), null, conversation(), CREATED + 600);
    expect(started.newMisses.map((miss) => miss.type)).toEqual(["frt"]);
    expect(started.sla.status).toBe("active_with_misses");
  });

  it("names the earliest open deadline for the alarm", () => {
    const sla = applied({ firstResponseTimeThreshold: 600, resolutionTimeThreshold: 300 });
    expect(nextSlaDeadline(sla, conversation())).toBe(CREATED + 300);
    const rtMissed = advanceSla(sla, conversation(), conversation(), CREATED + 300).sla;
    expect(nextSlaDeadline(rtMissed, conversation())).toBe(CREATED + 600);
  });
});

describe("SLA status", () => {
  it("turns active_with_misses at the first miss", () => {
    const sla = applied({ firstResponseTimeThreshold: 60 });
    const missed = advanceSla(sla, conversation(), conversation(), CREATED + 60).sla;
    expect(missed.status).toBe("active_with_misses");
    expect(missed.updatedAt).toBe(CREATED + 60);
  });

  it("is hit when the conversation is resolved without misses", () => {
    const sla = applied({ firstResponseTimeThreshold: 600, resolutionTimeThreshold: 3600 });
    const replied = conversation({ firstReplyCreatedAt: CREATED + 30, waitingSince: null });
    const resolved = advanceSla(sla, replied, { ...replied, status: "resolved" }, CREATED + 100);
    expect(resolved.sla.status).toBe("hit");
    expect(resolved.newMisses).toEqual([]);
    expect(nextSlaDeadline(resolved.sla, { ...replied, status: "resolved" })).toBeNull();
  });

  it("is missed when the conversation is resolved after a miss", () => {
    let sla = applied({ firstResponseTimeThreshold: 60 });
    sla = advanceSla(sla, conversation(), conversation(), CREATED + 60).sla;
    expect(advanceSla(sla, conversation(), conversation({ status: "resolved", waitingSince: null }), CREATED + 90).sla.status).toBe("missed");
  });

  it("counts a resolution after its deadline as missed even when no alarm looked at the deadline", () => {
    const sla = applied({ resolutionTimeThreshold: 60 });
    const resolved = advanceSla(sla, conversation(), conversation({ status: "resolved", waitingSince: null }), CREATED + 61);
    expect(resolved.newMisses.map((miss) => miss.type)).toEqual(["rt"]);
    expect(resolved.sla.status).toBe("missed");
  });

  it("keeps the verdict once given: a reopened conversation's clocks no longer run", () => {
    const sla = applied({ resolutionTimeThreshold: 60 });
    const hit = advanceSla(sla, conversation(), conversation({ status: "resolved", waitingSince: null }), CREATED + 10).sla;
    const reopened = conversation({ status: "open" });
    const later = advanceSla(hit, { ...reopened, status: "resolved" }, reopened, CREATED + 1000);
    expect(later).toMatchObject({ changed: false, newMisses: [] });
    expect(later.sla.status).toBe("hit");
    expect(missesDueAt(hit, reopened, CREATED + 1000)).toEqual([]);
    expect(nextSlaDeadline(hit, reopened)).toBeNull();
  });

  it("gives the verdict at once when applied to a resolved conversation", () => {
    const resolved = conversation({ status: "resolved", firstReplyCreatedAt: CREATED + 10, waitingSince: null });
    expect(startSla(policy({ firstResponseTimeThreshold: 60 }), null, resolved, CREATED + 100).sla.status).toBe("hit");
  });
});

describe("SLA payloads", () => {
  it("shows Chatwoot's applied_sla fields with the deadlines in Unix seconds", () => {
    const sla = applied({ firstResponseTimeThreshold: 300, nextResponseTimeThreshold: 120 });
    expect(appliedSlaPayload(sla, 42)).toEqual({
      id: 42,
      sla_id: 7,
      sla_status: "active",
      created_at: CREATED,
      updated_at: CREATED,
      sla_name: "Enterprise P0",
      sla_description: "Urgent customers",
      sla_first_response_time_threshold: 300,
      sla_next_response_time_threshold: 120,
      sla_resolution_time_threshold: null,
      sla_only_during_business_hours: false,
      frt_due_at: CREATED + 300,
      nrt_due_at: null,
      rt_due_at: null,
    });
  });

  it("lists the misses as Chatwoot's sla_events, oldest first", () => {
    let state = conversation({ firstReplyCreatedAt: CREATED + 10, waitingSince: CREATED + 20 });
    let sla = applied({ nextResponseTimeThreshold: 30, resolutionTimeThreshold: 100 }, null, state);
    sla = advanceSla(sla, state, state, CREATED + 50).sla;
    state = { ...state, waitingSince: null };
    sla = advanceSla(sla, state, state, CREATED + 100).sla;
    expect(slaEventsPayload(sla)).toEqual([
      { id: 1, event_type: "nrt", meta: { waiting_since: CREATED + 20 }, created_at: CREATED + 50, updated_at: CREATED + 50 },
      { id: 2, event_type: "rt", meta: {}, created_at: CREATED + 100, updated_at: CREATED + 100 },
    ]);
  });
});
