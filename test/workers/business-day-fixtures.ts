/** Working-hours days for business-hours and SLA clock tests. */
import type { BusinessDay } from "../../src/domain/business-hours";

export const hours = (day: number, open: [number, number], close: [number, number]): BusinessDay => ({
  day_of_week: day,
  closed_all_day: false,
  open_all_day: false,
  open_hour: open[0],
  open_minutes: open[1],
  close_hour: close[0],
  close_minutes: close[1],
});

export const closed = (day: number): BusinessDay => ({
  day_of_week: day,
  closed_all_day: true,
  open_all_day: false,
  open_hour: null,
  open_minutes: null,
  close_hour: null,
  close_minutes: null,
});

export const allDay = (day: number): BusinessDay => ({
  day_of_week: day,
  closed_all_day: false,
  open_all_day: true,
  open_hour: 0,
  open_minutes: 0,
  close_hour: 23,
  close_minutes: 59,
});
