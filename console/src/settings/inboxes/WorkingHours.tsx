/** An inbox's week: each day closed or open between two times, with the API's answers for that day beside it. */
import type { FormErrors } from "../../core/api";
import { t } from "../../core/i18n";
import type { Day } from "./model";

const pad = (value: number | null) => String(value ?? 0).padStart(2, "0");
const timeOf = (hour: number | null, minutes: number | null) => (hour === null ? "" : `${pad(hour)}:${pad(minutes)}`);
const parseTime = (value: string): [number | null, number | null] => {
  const match = /^(\d{2}):(\d{2})$/.exec(value);
  return match ? [Number(match[1]), Number(match[2])] : [null, null];
};

const DAY_NAMES = [0, 1, 2, 3, 4, 5, 6].map((day) =>
  new Intl.DateTimeFormat("en", { weekday: "long", timeZone: "UTC" }).format(new Date(Date.UTC(2024, 0, 7 + day))),
);

/** Monday to Friday 9 to 5, as the API's default week. */
export const defaultWeek = (): Day[] =>
  [0, 1, 2, 3, 4, 5, 6].map((day) => ({
    day_of_week: day,
    closed_all_day: day === 0 || day === 6,
    open_all_day: false,
    open_hour: 9,
    open_minutes: 0,
    close_hour: 17,
    close_minutes: 0,
  }));

/** The week as the API takes it: no hours on days closed or open all day. */
export const weekToSave = (week: Day[]) =>
  week.map((day) => (day.closed_all_day || day.open_all_day ? { ...day, open_hour: null, open_minutes: null, close_hour: null, close_minutes: null } : day));

/** The API paths of the week's errors, which the week shows. */
export const weekErrorPaths = (errors: FormErrors) => Object.keys(errors.fields).filter((key) => key.startsWith("working_hours."));

type WorkingHoursProps = { week: Day[]; onChange: (update: (week: Day[]) => Day[]) => void; errors: FormErrors };

export function WorkingHours({ week, onChange, errors }: WorkingHoursProps) {
  // Each change applies to the latest week, so two quick edits both keep their values.
  const setDay = (index: number, change: Partial<Day>) => onChange((current) => current.map((day, at) => (at === index ? { ...day, ...change } : day)));
  return (
    <div class="inbox-week">
      {week.map((day, index) => {
        const dayName = DAY_NAMES[day.day_of_week] ?? String(day.day_of_week);
        const rowErrors = Object.entries(errors.fields).filter(([key]) => key.startsWith(`working_hours.${index}.`));
        return (
          <div key={day.day_of_week} class="inbox-day" role="group" aria-label={dayName}>
            <span class="inbox-day-name">{dayName}</span>
            <span class="field-inline">
              <input
                id={`inbox-day-${index}-closed`}
                type="checkbox"
                checked={day.closed_all_day}
                onChange={(event) => setDay(index, { closed_all_day: event.currentTarget.checked, open_all_day: false })}
              />
              <label for={`inbox-day-${index}-closed`}>{t("settingsInboxes.closed")}</label>
            </span>
            {!day.closed_all_day && (
              <>
                <label class="visually-hidden" for={`inbox-day-${index}-open`}>
                  {t("settingsInboxes.opensAt", { day: dayName })}
                </label>
                <input
                  id={`inbox-day-${index}-open`}
                  type="time"
                  value={timeOf(day.open_hour, day.open_minutes)}
                  onInput={(event) => {
                    const [hour, minutes] = parseTime(event.currentTarget.value);
                    setDay(index, { open_hour: hour, open_minutes: minutes });
                  }}
                />
                <span aria-hidden="true">–</span>
                <label class="visually-hidden" for={`inbox-day-${index}-close`}>
                  {t("settingsInboxes.closesAt", { day: dayName })}
                </label>
                <input
                  id={`inbox-day-${index}-close`}
                  type="time"
                  value={timeOf(day.close_hour, day.close_minutes)}
                  onInput={(event) => {
                    const [hour, minutes] = parseTime(event.currentTarget.value);
                    setDay(index, { close_hour: hour, close_minutes: minutes });
                  }}
                />
              </>
            )}
            {rowErrors.map(([key, message]) => (
              <span key={key} class="field-error inbox-day-error">
                {message}
              </span>
            ))}
          </div>
        );
      })}
    </div>
  );
}
