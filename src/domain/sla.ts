/** SLA clocks: the deadlines an applied SLA policy sets a conversation, the misses due at a moment, and the verdict on resolve. */
import { addWorkingTime, type WorkingSchedule } from "./business-hours";
import type { ConversationStatus } from "./conversation";

/** Chatwoot's SLA event types: first response, next response, resolution. */
export const SLA_EVENT_TYPES = ["frt", "nrt", "rt"] as const;
export type SlaEventType = (typeof SLA_EVENT_TYPES)[number];

/** Chatwoot's applied SLA statuses: active until a miss, then active_with_misses; on resolve hit or missed, for good. */
export const SLA_STATUSES = ["active", "active_with_misses", "hit", "missed"] as const;
export type SlaStatus = (typeof SLA_STATUSES)[number];

/** An SLA policy as it was when applied: the conversation keeps it even if the policy is deleted later. Thresholds in seconds. */
export type AppliedSlaPolicy = {
  id: number;
  name: string;
  description: string | null;
  firstResponseTimeThreshold: number | null;
  nextResponseTimeThreshold: number | null;
  resolutionTimeThreshold: number | null;
  onlyDuringBusinessHours: boolean;
};

/** One missed deadline, recorded once. */
export type SlaMiss = {
  type: SlaEventType;
  /** Unix seconds when it was recorded. */
  at: number;
  /** For nrt, the waiting period it belongs to (the conversation's waiting_since): one miss per period. Null for frt and rt. */
  waitingSince: number | null;
  /** When it was written to D1 and notified (Unix seconds); null until then. */
  reportedAt: number | null;
};

/** The SLA applied to a conversation, kept in the conversation's state. Times in Unix seconds. */
export type AppliedSla = {
  policy: AppliedSlaPolicy;
  /** The inbox's working hours when only they count; null when the wall clock counts. */
  schedule: WorkingSchedule | null;
  appliedAt: number;
  updatedAt: number;
  status: SlaStatus;
  frtDueAt: number | null;
  /** While a visitor's follow-up waits for an agent (after the first reply); null otherwise. */
  nrtDueAt: number | null;
  rtDueAt: number | null;
  misses: SlaMiss[];
  /** What D1's applied_slas row was last told; null before it was written. */
  mirrored: { status: SlaStatus; nextDeadlineAt: number | null } | null;
};

/** What the clocks read from a conversation (ConversationState has these fields). */
export type SlaConversation = {
  createdAt: number;
  firstReplyCreatedAt: number | null;
  waitingSince: number | null;
  status: ConversationStatus;
};

const isFinal = (status: SlaStatus) => status === "hit" || status === "missed";

/** `threshold` seconds after `start`: on the wall clock, or only in the schedule's working hours. */
function deadline(schedule: WorkingSchedule | null, start: number, threshold: number): number {
  return schedule ? addWorkingTime(schedule, start, threshold) : start + threshold;
}

/**
 * The schedule the deadlines count in: the inbox's working hours when the policy says so and the
 * inbox has them turned on with at least one open day (as Chatwoot), else null (the wall clock).
 */
export function slaSchedule(
  policy: AppliedSlaPolicy,
  inbox: { workingHoursEnabled: boolean; workingHours: WorkingSchedule["workingHours"]; timezone: string },
): WorkingSchedule | null {
  if (!policy.onlyDuringBusinessHours || !inbox.workingHoursEnabled) return null;
  if (!inbox.workingHours.some((day) => !day.closed_all_day)) return null;
  return { workingHours: inbox.workingHours, timezone: inbox.timezone };
}

/**
 * The deadlines, as Chatwoot sets them: first response and resolution count from the conversation's
 * creation (not from when the SLA was applied); the next response from the visitor's follow-up that
 * waits, once there was a first agent reply.
 */
export function slaDueTimes(policy: AppliedSlaPolicy, schedule: WorkingSchedule | null, conversation: SlaConversation) {
  const { firstResponseTimeThreshold: frt, nextResponseTimeThreshold: nrt, resolutionTimeThreshold: rt } = policy;
  return {
    frtDueAt: frt === null ? null : deadline(schedule, conversation.createdAt, frt),
    nrtDueAt: nextResponseDueAt(policy, schedule, conversation),
    rtDueAt: rt === null ? null : deadline(schedule, conversation.createdAt, rt),
  };
}

function nextResponseDueAt(policy: AppliedSlaPolicy, schedule: WorkingSchedule | null, conversation: SlaConversation): number | null {
  const threshold = policy.nextResponseTimeThreshold;
  if (threshold === null || conversation.firstReplyCreatedAt === null || conversation.waitingSince === null) return null;
  return deadline(schedule, conversation.waitingSince, threshold);
}

const hasMiss = (sla: AppliedSla, type: SlaEventType) => sla.misses.some((miss) => miss.type === type);
const hasNextResponseMiss = (sla: AppliedSla, waitingSince: number) => sla.misses.some((miss) => miss.type === "nrt" && miss.waitingSince === waitingSince);

/**
 * The deadlines missed at `now` and not recorded yet (Chatwoot's checks): the first response when
 * the first agent reply did not come by its deadline; the next response when the visitor's
 * follow-up still waits at its deadline (once per waiting period); the resolution when the
 * conversation is not resolved by its deadline. A reply or resolution exactly at the deadline is in time.
 */
export function missesDueAt(sla: AppliedSla, conversation: SlaConversation, now: number): SlaEventType[] {
  if (isFinal(sla.status)) return [];
  const due: SlaEventType[] = [];
  const { frtDueAt, nrtDueAt, rtDueAt } = sla;
  if (frtDueAt !== null && !hasMiss(sla, "frt")) {
    const reply = conversation.firstReplyCreatedAt;
    if (reply === null ? now >= frtDueAt : reply > frtDueAt) due.push("frt");
  }
  const waitingSince = conversation.waitingSince;
  if (nrtDueAt !== null && waitingSince !== null && conversation.firstReplyCreatedAt !== null && now >= nrtDueAt && !hasNextResponseMiss(sla, waitingSince)) {
    due.push("nrt");
  }
  if (rtDueAt !== null && conversation.status !== "resolved" && now >= rtDueAt && !hasMiss(sla, "rt")) due.push("rt");
  return due;
}

/** The earliest deadline still open (Unix seconds): when the conversation's alarm must next look. Null when none is. */
export function nextSlaDeadline(sla: AppliedSla, conversation: SlaConversation): number | null {
  if (isFinal(sla.status)) return null;
  const open: number[] = [];
  if (sla.frtDueAt !== null && conversation.firstReplyCreatedAt === null && !hasMiss(sla, "frt")) open.push(sla.frtDueAt);
  if (sla.nrtDueAt !== null && conversation.waitingSince !== null && !hasNextResponseMiss(sla, conversation.waitingSince)) open.push(sla.nrtDueAt);
  if (sla.rtDueAt !== null && conversation.status !== "resolved" && !hasMiss(sla, "rt")) open.push(sla.rtDueAt);
  return open.length > 0 ? Math.min(...open) : null;
}

export type SlaAdvance = { sla: AppliedSla; newMisses: SlaMiss[]; changed: boolean };

/**
 * The applied SLA after its conversation changed from `before` to `after` at `now`: the misses
 * that were due on the conversation as it was (so a reply or a resolution that comes after a
 * deadline whose alarm has not run yet still counts it), the deadlines of the conversation as it is,
 * the misses due on that, and, once it is resolved, the verdict: hit without misses, missed with
 * some. The verdict is final (as in Chatwoot): the clocks stop, even if the conversation reopens.
 */
export function advanceSla(sla: AppliedSla, before: SlaConversation, after: SlaConversation, now: number): SlaAdvance {
  if (isFinal(sla.status)) return { sla, newMisses: [], changed: false };
  const newMisses: SlaMiss[] = [];
  const record = (current: AppliedSla, conversation: SlaConversation): AppliedSla => {
    const missed = missesDueAt(current, conversation, now).map(
      (type): SlaMiss => ({ type, at: now, waitingSince: type === "nrt" ? conversation.waitingSince : null, reportedAt: null }),
    );
    newMisses.push(...missed);
    return missed.length > 0 ? { ...current, misses: [...current.misses, ...missed] } : current;
  };
  let next = record(sla, before);
  const samePeriod = before.waitingSince === after.waitingSince && (before.firstReplyCreatedAt === null) === (after.firstReplyCreatedAt === null);
  const nrtDueAt = samePeriod ? next.nrtDueAt : nextResponseDueAt(next.policy, next.schedule, after);
  if (nrtDueAt !== next.nrtDueAt) next = { ...next, nrtDueAt };
  next = record(next, after);
  let status: SlaStatus = newMisses.length > 0 || next.status === "active_with_misses" ? "active_with_misses" : "active";
  if (after.status === "resolved") status = status === "active" ? "hit" : "missed";
  if (status !== next.status || newMisses.length > 0) next = { ...next, status, updatedAt: now };
  return { sla: next, newMisses, changed: next !== sla };
}

/** A conversation state that may carry an applied SLA (ConversationState is one). */
type WithSla = SlaConversation & { appliedSla?: AppliedSla | null };

/** `after` with its applied SLA advanced from `before` at `now` (see advanceSla); `after` itself when there is none or nothing changed. */
export function advanceConversationSla<T extends WithSla>(before: T, after: T, now: number): T {
  const sla = after.appliedSla;
  if (!sla) return after;
  const advanced = advanceSla(sla, before, after, now);
  return advanced.changed ? { ...after, appliedSla: advanced.sla } : after;
}

/** A newly applied SLA with its deadlines, and what is already due: deadlines that passed before it was applied count. */
export function startSla(policy: AppliedSlaPolicy, schedule: WorkingSchedule | null, conversation: SlaConversation, now: number): SlaAdvance {
  const started: AppliedSla = {
    policy,
    schedule,
    appliedAt: now,
    updatedAt: now,
    status: "active",
    ...slaDueTimes(policy, schedule, conversation),
    misses: [],
    mirrored: null,
  };
  const advanced = advanceSla(started, conversation, conversation, now);
  return { ...advanced, changed: true };
}

/** A stable key for one miss, for idempotent notifications and D1 rows. */
export const missPeriod = (miss: Pick<SlaMiss, "waitingSince">) => miss.waitingSince ?? 0;

export const NOTIFICATION_TYPE_OF_MISS = {
  frt: "sla_missed_first_response",
  nrt: "sla_missed_next_response",
  rt: "sla_missed_resolution",
} as const satisfies Record<SlaEventType, string>;

const MISS_WORDING: Record<SlaEventType, string> = { frt: "first response", nrt: "next response", rt: "resolution" };

/** The notification title for a miss, naming the target, the conversation and the policy. */
export const missTitle = (type: SlaEventType, displayId: number, policyName: string) =>
  `SLA target ${MISS_WORDING[type]} missed for conversation #${displayId} (${policyName})`;

/**
 * Chatwoot's applied_sla object (push_event_data), plus the deadlines as Unix seconds so a client
 * can show a conversation close to breach. Parley keeps one applied SLA per conversation, so its
 * id is the conversation's display id.
 */
export function appliedSlaPayload(sla: AppliedSla, displayId: number) {
  return {
    id: displayId,
    sla_id: sla.policy.id,
    sla_status: sla.status,
    created_at: sla.appliedAt,
    updated_at: sla.updatedAt,
    sla_name: sla.policy.name,
    sla_description: sla.policy.description,
    sla_first_response_time_threshold: sla.policy.firstResponseTimeThreshold,
    sla_next_response_time_threshold: sla.policy.nextResponseTimeThreshold,
    sla_resolution_time_threshold: sla.policy.resolutionTimeThreshold,
    sla_only_during_business_hours: sla.policy.onlyDuringBusinessHours,
    frt_due_at: sla.frtDueAt,
    nrt_due_at: sla.nrtDueAt,
    rt_due_at: sla.rtDueAt,
  };
}
export type AppliedSlaPayload = ReturnType<typeof appliedSlaPayload>;

/** Chatwoot's sla_event objects for the misses, oldest first; ids number the conversation's misses from 1. */
export function slaEventsPayload(sla: AppliedSla) {
  return sla.misses.map((miss, index) => ({
    id: index + 1,
    event_type: miss.type,
    meta: miss.type === "nrt" ? { waiting_since: miss.waitingSince } : {},
    created_at: miss.at,
    updated_at: miss.at,
  }));
}
export type SlaEventPayload = ReturnType<typeof slaEventsPayload>[number];
