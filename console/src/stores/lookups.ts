/** The account's inboxes, teams, labels and agents, loaded once per account (filters, row details). */
import { signal } from "@preact/signals";
import { accountPath, api } from "../core/api";

export type InboxSummary = { id: number; name: string; channel_type?: string };
export type TeamSummary = { id: number; name: string };
export type LabelSummary = { id: number; title: string; color?: string };
export type AgentSummary = {
  id: number;
  name: string;
  available_name?: string;
  email?: string;
  role?: string;
  availability_status?: string;
  thumbnail?: string;
};

export const inboxes = signal<InboxSummary[]>([]);
export const teams = signal<TeamSummary[]>([]);
export const labels = signal<LabelSummary[]>([]);
export const agents = signal<AgentSummary[]>([]);
export const lookupsError = signal<string | null>(null);

let loadedFor: number | null = null;

const payloadOf = <T>(answer: unknown): T[] => {
  if (Array.isArray(answer)) return answer as T[];
  const payload = (answer as { payload?: unknown } | null)?.payload;
  return Array.isArray(payload) ? (payload as T[]) : [];
};

/** Loads the lookups of `accountId` unless they are loaded already. */
export async function loadLookups(accountId: number, force = false) {
  if (loadedFor === accountId && !force) return;
  loadedFor = accountId;
  lookupsError.value = null;
  const results = await Promise.allSettled([
    api.get(accountPath("/inboxes")).then((a) => (inboxes.value = payloadOf<InboxSummary>(a))),
    api.get(accountPath("/teams")).then((a) => (teams.value = payloadOf<TeamSummary>(a))),
    api.get(accountPath("/labels")).then((a) => (labels.value = payloadOf<LabelSummary>(a))),
    api.get(accountPath("/agents")).then((a) => (agents.value = payloadOf<AgentSummary>(a))),
  ]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    lookupsError.value = failed.reason instanceof Error ? failed.reason.message : String(failed.reason);
    loadedFor = null;
  }
}

export const inboxName = (id: number) => inboxes.value.find((i) => i.id === id)?.name ?? null;
