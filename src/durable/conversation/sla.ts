/**
 * The I/O side of a Conversation object's SLA clock: the inbox's working hours for a new SLA, and
 * reporting to D1 (applied_slas, sla_events) and to the people a miss notifies. The clock itself is
 * pure (src/domain/sla.ts) and its state lives in the conversation's state.
 */
import { and, eq } from "drizzle-orm";
import { openDatabase } from "../../db/client";
import { accountUsers, appliedSlas, inboxes, slaEvents } from "../../db/schema";
import type { WorkingSchedule } from "../../domain/business-hours";
import type { ConversationState } from "../../domain/conversation";
import {
  type AppliedSla,
  type AppliedSlaPolicy,
  missPeriod,
  missTitle,
  nextSlaDeadline,
  NOTIFICATION_TYPE_OF_MISS,
  type SlaMiss,
  type SlaStatus,
  slaSchedule,
} from "../../domain/sla";
import { accountObject } from "../addresses";

/** The policy fields a conversation keeps (callers may pass a whole D1 row). */
export const policySnapshot = (policy: AppliedSlaPolicy): AppliedSlaPolicy => ({
  id: policy.id,
  name: policy.name,
  description: policy.description,
  firstResponseTimeThreshold: policy.firstResponseTimeThreshold,
  nextResponseTimeThreshold: policy.nextResponseTimeThreshold,
  resolutionTimeThreshold: policy.resolutionTimeThreshold,
  onlyDuringBusinessHours: policy.onlyDuringBusinessHours,
});

/**
 * The working hours a new SLA counts in: the inbox's as they are now (the conversation keeps them,
 * so later edits to the inbox do not move its deadlines), or null for the wall clock.
 */
export async function workingScheduleFor(env: Env, inboxId: number, policy: AppliedSlaPolicy): Promise<WorkingSchedule | null> {
  if (!policy.onlyDuringBusinessHours) return null;
  const inbox = await openDatabase(env.DB).query.inboxes.findFirst({
    columns: { workingHoursEnabled: true, workingHours: true, timezone: true },
    where: eq(inboxes.id, inboxId),
  });
  return inbox ? slaSchedule(policy, inbox) : null;
}

/** One key per miss: the same miss is one D1 row and one notification per person, however often it is reported. */
const missKey = (state: ConversationState, miss: SlaMiss) => `sla:${state.accountId}:${state.displayId}:${miss.type}:${missPeriod(miss)}`;

/** What a report told D1: the misses it wrote and notified, and the row's status and next deadline. */
export type SlaReport = { missKeys: string[]; mirrored: { status: SlaStatus; nextDeadlineAt: number | null } };

/**
 * Whether D1 and the people to notify need to hear from the clock: misses not reported yet, a status
 * D1 does not have, or a deadline earlier than the one D1 holds (the sweep looks by it). A deadline
 * that moved later only matters to the sweep, which asks with `exact`: it is told then, so a busy
 * conversation does not write to D1 for every message.
 */
export function slaReportDue(state: ConversationState, exact: boolean): boolean {
  const sla = state.appliedSla;
  if (!sla) return false;
  if (sla.misses.some((miss) => miss.reportedAt === null)) return true;
  const mirrored = sla.mirrored;
  if (!mirrored || mirrored.status !== sla.status) return true;
  const next = nextSlaDeadline(sla, state);
  if (exact) return mirrored.nextDeadlineAt !== next;
  return next !== null && (mirrored.nextDeadlineAt === null || next < mirrored.nextDeadlineAt);
}

/**
 * Writes the applied SLA to D1 (its row, and one sla_events row per miss not reported yet, each
 * written once) and notifies the assignee and the administrators of each such miss (once per miss
 * and person, by key). Safe to repeat: a report that failed halfway is simply made again.
 */
export async function reportSla(env: Env, state: ConversationState): Promise<SlaReport | null> {
  const sla = state.appliedSla;
  if (!sla) return null;
  const db = openDatabase(env.DB);
  const unreported = sla.misses.filter((miss) => miss.reportedAt === null);
  const mirrored = { status: sla.status, nextDeadlineAt: nextSlaDeadline(sla, state) };
  const row = {
    status: sla.status,
    frtDueAt: sla.frtDueAt,
    nrtDueAt: sla.nrtDueAt,
    rtDueAt: sla.rtDueAt,
    nextDeadlineAt: mirrored.nextDeadlineAt,
    updatedAt: new Date(sla.updatedAt * 1000),
  };
  await db.batch([
    db
      .insert(appliedSlas)
      .values({
        accountId: state.accountId,
        displayId: state.displayId,
        inboxId: state.inboxId,
        slaPolicyId: sla.policy.id,
        createdAt: new Date(sla.appliedAt * 1000),
        ...row,
      })
      .onConflictDoUpdate({ target: [appliedSlas.accountId, appliedSlas.displayId], set: row }),
    ...unreported.map((miss) =>
      db
        .insert(slaEvents)
        .values({
          accountId: state.accountId,
          displayId: state.displayId,
          inboxId: state.inboxId,
          slaPolicyId: sla.policy.id,
          eventType: miss.type,
          period: missPeriod(miss),
          meta: miss.type === "nrt" ? { waiting_since: miss.waitingSince } : {},
          createdAt: new Date(miss.at * 1000),
        })
        .onConflictDoNothing(),
    ),
  ]);
  if (unreported.length > 0) await notifyMisses(env, state, sla, unreported);
  return { missKeys: unreported.map((miss) => missKey(state, miss)), mirrored };
}

/** Tells the assignee and the administrators of the account (those who can see the conversation) about each miss. */
async function notifyMisses(env: Env, state: ConversationState, sla: AppliedSla, misses: SlaMiss[]): Promise<void> {
  const administrators = await openDatabase(env.DB)
    .select({ userId: accountUsers.userId })
    .from(accountUsers)
    .where(and(eq(accountUsers.accountId, state.accountId), eq(accountUsers.role, "administrator")));
  const userIds = [...new Set([...administrators.map((row) => row.userId), ...(state.assigneeId === null ? [] : [state.assigneeId])])];
  if (userIds.length === 0) return;
  const account = accountObject(env, state.accountId);
  for (const miss of misses) {
    await account.notify({
      key: missKey(state, miss),
      displayId: state.displayId,
      notificationType: NOTIFICATION_TYPE_OF_MISS[miss.type],
      title: missTitle(miss.type, state.displayId, sla.policy.name),
      to: { userIds },
    });
  }
}

/** `state` with what `report` told D1 marked: its misses reported at `now`, and the row as D1 has it. */
export function withSlaReported(state: ConversationState, report: SlaReport, now: number): ConversationState {
  const sla = state.appliedSla;
  if (!sla) return state;
  const reported = new Set(report.missKeys);
  const misses = sla.misses.map((miss) => (miss.reportedAt === null && reported.has(missKey(state, miss)) ? { ...miss, reportedAt: now } : miss));
  return { ...state, appliedSla: { ...sla, misses, mirrored: report.mirrored } };
}
