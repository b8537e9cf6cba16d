/**
 * What the chat widget tells a visitor about the team: online or away, when they usually reply, the
 * out-of-office message, the greeting. The widget's own settings win where they are set (its
 * business hours when switched on, its away message), the inbox's otherwise. Online follows
 * Chatwoot's widget: with working hours on, within them; without, while an inbox agent is online.
 */
import { type BusinessDay, isOpenAt } from "./business-hours";

export type InboxAvailabilitySettings = {
  workingHoursEnabled: boolean;
  workingHours: readonly BusinessDay[];
  timezone: string;
  outOfOfficeMessage: string | null;
};

export type WidgetAvailabilitySettings = {
  business_hours: { enabled: boolean; timezone: string | null; days: readonly BusinessDay[] };
  away_message: string | null;
};

export type Schedule = { enabled: boolean; days: readonly BusinessDay[]; timezone: string };

/** The schedule that counts: the widget's business hours when switched on, else the inbox's working hours. */
export function effectiveSchedule(inbox: InboxAvailabilitySettings, widget: WidgetAvailabilitySettings, accountTimezone: string): Schedule {
  if (widget.business_hours.enabled) {
    return { enabled: true, days: widget.business_hours.days, timezone: widget.business_hours.timezone ?? accountTimezone };
  }
  return { enabled: inbox.workingHoursEnabled, days: inbox.workingHours, timezone: inbox.timezone };
}

const STEP_SECONDS = 300;
const LOOK_AHEAD_SECONDS = 8 * 86_400;

/**
 * When being open next changes (Unix seconds, to the minute), or null when it never does within
 * eight days (always open, always closed). The widget asks again then.
 */
export function nextScheduleChange(schedule: Schedule, nowSeconds: number): number | null {
  if (!schedule.enabled) return null;
  const openAt = (at: number) => isOpenAt(schedule.days, schedule.timezone, new Date(at * 1000));
  const now = openAt(nowSeconds);
  const start = Math.floor(nowSeconds / 60) * 60;
  for (let at = start + STEP_SECONDS; at <= start + LOOK_AHEAD_SECONDS; at += STEP_SECONDS) {
    if (openAt(at) === now) continue;
    // The flip happened within the last step: find its minute.
    for (let minute = at - STEP_SECONDS + 60; minute <= at; minute += 60) if (openAt(minute) !== now) return minute;
    return at;
  }
  return null;
}

export type TeamAvailability = {
  online: boolean;
  open_now: boolean;
  next_change_at: number | null;
  out_of_office_message: string | null;
};

/** Online or away now, and the out-of-office message to show when away outside the schedule. */
export function teamAvailability(
  inbox: InboxAvailabilitySettings,
  widget: WidgetAvailabilitySettings,
  accountTimezone: string,
  agentsOnline: number,
  nowSeconds: number,
): TeamAvailability {
  const schedule = effectiveSchedule(inbox, widget, accountTimezone);
  const openNow = !schedule.enabled || isOpenAt(schedule.days, schedule.timezone, new Date(nowSeconds * 1000));
  return {
    online: schedule.enabled ? openNow : agentsOnline > 0,
    open_now: openNow,
    next_change_at: nextScheduleChange(schedule, nowSeconds),
    out_of_office_message: openNow ? null : (widget.away_message ?? inbox.outOfOfficeMessage),
  };
}
