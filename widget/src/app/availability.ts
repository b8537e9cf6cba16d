/**
 * Whether the team is there, as the header says it: "We are online" with Chatwoot's reply time, or
 * "We are away at the moment" (with when they are back, outside the schedule). Read from the widget
 * API (src/api/widget/availability.ts), then kept current by the agents' presence on /cable and by
 * asking again when the schedule says the state changes.
 */
import { request } from "./client";
import { dateTimeLabel } from "./format";
import { t } from "./i18n";
import { el } from "./thread";
import type { Availability } from "./types";

export class Team {
  current: Availability | null = null;
  private presence = new Map<number, string>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly widgetToken: string,
    private readonly changed: () => void,
  ) {}

  async load(): Promise<Availability | null> {
    clearTimeout(this.timer);
    try {
      this.current = await request<Availability>("GET", `/api/v1/widget/availability?widget_token=${encodeURIComponent(this.widgetToken)}`);
    } catch {
      this.current = null;
    }
    for (const agent of this.current?.agents ?? []) this.presence.set(agent.id, agent.availability_status);
    const next = this.current?.next_change_at;
    // Timers of more than ~24 days overflow; the schedule looks at most eight days ahead.
    if (next) this.timer = setTimeout(() => void this.load().then(this.changed), Math.max(1_000, next * 1000 - Date.now() + 1_000));
    return this.current;
  }

  /** Chatwoot's presence.update for contacts: `{ users: { "<id>": "online" | "busy" | "offline" } }`, everyone connected. */
  presenceUpdate(users: Record<string, string>) {
    if (!this.current) return;
    for (const agent of this.current.agents) this.presence.set(agent.id, users[String(agent.id)] ?? "offline");
    this.changed();
  }

  /** Online as Chatwoot's widget decides: within working hours when they are on, else while an inbox agent is online. */
  get online(): boolean {
    const team = this.current;
    if (!team) return true;
    if (team.working_hours_enabled) return team.open_now;
    return team.agents.some((agent) => this.presence.get(agent.id) === "online");
  }

  /** The header's status line, or nothing before the team is known (the console's preview). */
  statusView(): HTMLElement | null {
    const team = this.current;
    if (!team) return null;
    const status = el("p", { class: `team-status ${this.online ? "is-online" : "is-away"}` });
    status.append(el("span", { class: "dot", "aria-hidden": "true" }), document.createTextNode(this.online ? t("online") : t("offline")));
    const detail = this.online ? t(team.reply_time) : !team.open_now && team.next_change_at ? t("backAt", { when: dateTimeLabel(team.next_change_at) }) : null;
    if (detail) status.append(el("span", { class: "detail" }, detail));
    return status;
  }
}
