/**
 * The conversation list: the filters come from the route's query, pages and counts from the
 * server (GET .../conversations, .../conversations/search, .../conversations/meta); /cable events
 * insert, update, move and drop rows as they happen, respecting the filters, and the counts are
 * fetched again shortly after. After a reconnect the first page and the counts are fetched again.
 */
import { batch, computed, signal } from "@preact/signals";
import { accountPath, api, ApiError } from "../core/api";
import { onCableEvent } from "../core/cable";
import { currentUserId } from "../core/session";

export const STATUSES = ["open", "pending", "snoozed", "resolved", "all"] as const;
export const ASSIGNEE_TABS = ["mine", "unassigned", "all"] as const;
export const SORTS = [
  "last_activity_at_desc",
  "last_activity_at_asc",
  "created_at_desc",
  "created_at_asc",
  "priority_desc",
  "priority_asc",
  "waiting_since_asc",
  "waiting_since_desc",
] as const;
export type StatusFilter = (typeof STATUSES)[number];
export type AssigneeTab = (typeof ASSIGNEE_TABS)[number];
export type SortKey = (typeof SORTS)[number];
export type Priority = "urgent" | "high" | "medium" | "low" | null;

export type ListFilters = {
  assignee: AssigneeTab;
  status: StatusFilter;
  inbox: number | null;
  team: number | null;
  label: string | null;
  sort: SortKey;
  q: string;
};

export type LastMessage = {
  id: number;
  content: string | null;
  message_type: number;
  private?: boolean;
  created_at: number;
  attachments?: { file_type: string }[];
  content_type?: string;
};

export type AppliedSla = {
  sla_name?: string;
  sla_status?: string;
  frt_due_at?: number | null;
  nrt_due_at?: number | null;
  rt_due_at?: number | null;
};

export type ConversationSummary = {
  id: number;
  inbox_id: number;
  status: Exclude<StatusFilter, "all">;
  priority: Priority;
  meta: {
    sender: { id: number; name: string | null; email?: string | null; phone_number?: string | null; thumbnail?: string };
    assignee: { id: number; name: string; available_name?: string } | null;
    team: { id: number; name: string } | null;
  };
  messages: LastMessage[];
  labels: string[];
  unread_count: number;
  last_activity_at: number;
  created_at: number;
  waiting_since: number | null;
  snoozed_until?: number | string | null;
  applied_sla: AppliedSla | null;
  team_id?: number | null;
  assignee_id?: number | null;
};

type Counts = { mine_count: number; unassigned_count: number; assigned_count: number; all_count: number };

export const PER_PAGE = 25;

export const rows = signal<ConversationSummary[]>([]);
export const counts = signal<Counts | null>(null);
export const listLoading = signal(false);
export const listError = signal<string | null>(null);
export const hasMore = signal(false);
export const filters = signal<ListFilters>(defaultFilters());
/** Ids (display ids) in list order, for Alt+J / Alt+K. */
export const rowIds = computed(() => rows.value.map((r) => r.id));

let page = 0;
let generation = 0;

export function defaultFilters(): ListFilters {
  return { assignee: "mine", status: "open", inbox: null, team: null, label: null, sort: "last_activity_at_desc", q: "" };
}

const pick = <T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T =>
  value !== undefined && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
const idOrNull = (value: string | undefined) => (value && /^\d+$/.test(value) ? Number(value) : null);

/** The filters a route query names (Chatwoot's defaults for what it leaves out). */
export function filtersFromQuery(query: Record<string, string>): ListFilters {
  const d = defaultFilters();
  return {
    assignee: pick(query.assignee, ASSIGNEE_TABS, d.assignee),
    status: pick(query.status, STATUSES, d.status),
    inbox: idOrNull(query.inbox),
    team: idOrNull(query.team),
    label: query.label || null,
    sort: pick(query.sort, SORTS, d.sort),
    q: (query.q ?? "").slice(0, 200),
  };
}

/** The route query for `f`, leaving defaults out. */
export function queryOf(f: ListFilters): Record<string, string | number | null> {
  const d = defaultFilters();
  return {
    assignee: f.assignee === d.assignee ? null : f.assignee,
    status: f.status === d.status ? null : f.status,
    inbox: f.inbox,
    team: f.team,
    label: f.label,
    sort: f.sort === d.sort ? null : f.sort,
    q: f.q || null,
  };
}

const sameFilters = (a: ListFilters, b: ListFilters) =>
  a.assignee === b.assignee && a.status === b.status && a.inbox === b.inbox && a.team === b.team && a.label === b.label && a.sort === b.sort && a.q === b.q;

function scopeQuery(f: ListFilters) {
  return {
    status: f.status,
    inbox_id: f.inbox ?? undefined,
    team_id: f.team ?? undefined,
    labels: f.label ? [f.label] : undefined,
  };
}

type ListAnswer = { data?: { meta?: Counts; payload?: ConversationSummary[] }; meta?: Counts; payload?: ConversationSummary[] };

async function fetchPage(f: ListFilters, pageNumber: number, signal?: AbortSignal) {
  const assignee_type = f.assignee === "mine" ? "me" : f.assignee;
  const answer = f.q
    ? await api.get<ListAnswer>(
        accountPath("/conversations/search"),
        { q: f.q, ...scopeQuery(f), assignee_type, sort_by: f.sort, page: pageNumber },
        { signal },
      )
    : await api.get<ListAnswer>(accountPath("/conversations"), { ...scopeQuery(f), assignee_type, sort_by: f.sort, page: pageNumber }, { signal });
  const body = answer.data ?? answer;
  return { meta: body.meta ?? null, payload: body.payload ?? [] };
}

let controller: AbortController | null = null;

/** Shows `next` filters: fetches their first page (unless they are the ones shown and `force` is false). */
export async function showFilters(next: ListFilters, force = false) {
  if (!force && sameFilters(next, filters.value) && page > 0) return;
  const changed = !sameFilters(next, filters.value);
  filters.value = next;
  await reloadFirstPage(changed);
}

/** Fetches the first page again; the rows shown stay until the answer replaces them (no flash). */
export async function reloadFirstPage(clear = false) {
  const mine = ++generation;
  controller?.abort();
  controller = new AbortController();
  const f = filters.value;
  batch(() => {
    listLoading.value = true;
    listError.value = null;
    if (clear) {
      rows.value = [];
      hasMore.value = false;
    }
  });
  try {
    const { meta, payload } = await fetchPage(f, 1, controller.signal);
    if (mine !== generation) return;
    page = 1;
    batch(() => {
      rows.value = dedupe(payload);
      hasMore.value = payload.length >= PER_PAGE;
      if (meta) counts.value = meta;
      listLoading.value = false;
    });
    if (!meta) scheduleMeta(0);
  } catch (error) {
    if (mine !== generation || (error instanceof DOMException && error.name === "AbortError")) return;
    batch(() => {
      listError.value = error instanceof Error ? error.message : String(error);
      listLoading.value = false;
    });
  }
}

/** Fetches the next page and appends what is new. */
export async function loadMore() {
  if (listLoading.value || !hasMore.value) return;
  const mine = generation;
  listLoading.value = true;
  listError.value = null;
  try {
    const { payload } = await fetchPage(filters.value, page + 1);
    if (mine !== generation) return;
    page += 1;
    batch(() => {
      const known = new Set(rows.value.map((r) => r.id));
      rows.value = [...rows.value, ...payload.filter((r) => !known.has(r.id))];
      hasMore.value = payload.length >= PER_PAGE;
      listLoading.value = false;
    });
  } catch (error) {
    if (mine !== generation) return;
    batch(() => {
      listError.value = error instanceof Error ? error.message : String(error);
      listLoading.value = false;
    });
  }
}

function dedupe(list: ConversationSummary[]) {
  const seen = new Set<number>();
  return list.filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)));
}

// ---- counts ----------------------------------------------------------------------------------

let metaTimer: ReturnType<typeof setTimeout> | undefined;
/** Fetches the counts again after `delay` ms (one request for a burst of events). */
export function scheduleMeta(delay = 400) {
  clearTimeout(metaTimer);
  metaTimer = setTimeout(() => void refreshMeta(), delay);
}

async function refreshMeta() {
  const f = filters.value;
  try {
    const answer = await api.get<{ meta: Counts }>(accountPath("/conversations/meta"), { ...scopeQuery(f), q: f.q || undefined });
    if (sameFilters(f, filters.value)) counts.value = answer.meta;
  } catch {
    /* counts keep their last value; the list shows its own errors */
  }
}

// ---- live ------------------------------------------------------------------------------------

const PRIORITY_RANK: Record<string, number> = { urgent: 4, high: 3, medium: 2, low: 1 };
const rank = (p: Priority) => (p ? (PRIORITY_RANK[p] ?? 0) : 0);

/** The order the server uses for `sort`, so live rows land where the next fetch would put them. */
export function comparator(sort: SortKey): (a: ConversationSummary, b: ConversationSummary) => number {
  const byActivityDesc = (a: ConversationSummary, b: ConversationSummary) => b.last_activity_at - a.last_activity_at || b.id - a.id;
  switch (sort) {
    case "last_activity_at_asc":
      return (a, b) => a.last_activity_at - b.last_activity_at || a.id - b.id;
    case "created_at_desc":
      return (a, b) => b.created_at - a.created_at || b.id - a.id;
    case "created_at_asc":
      return (a, b) => a.created_at - b.created_at || a.id - b.id;
    case "priority_desc":
      return (a, b) => rank(b.priority) - rank(a.priority) || byActivityDesc(a, b);
    case "priority_asc":
      return (a, b) => rank(a.priority) - rank(b.priority) || byActivityDesc(a, b);
    case "waiting_since_asc":
      return (a, b) => (a.waiting_since ?? Infinity) - (b.waiting_since ?? Infinity) || byActivityDesc(a, b);
    case "waiting_since_desc":
      return (a, b) => (b.waiting_since ?? -Infinity) - (a.waiting_since ?? -Infinity) || byActivityDesc(a, b);
    default:
      return byActivityDesc;
  }
}

/** Whether `c` belongs in the list that `f` describes (for rows that arrive over /cable). */
export function matches(c: ConversationSummary, f: ListFilters, me: number | null): boolean {
  if (f.status !== "all" && c.status !== f.status) return false;
  const assigneeId = c.meta?.assignee?.id ?? c.assignee_id ?? null;
  if (f.assignee === "mine" && (me === null || assigneeId !== me)) return false;
  if (f.assignee === "unassigned" && assigneeId !== null) return false;
  if (f.inbox !== null && c.inbox_id !== f.inbox) return false;
  if (f.team !== null && (c.meta?.team?.id ?? c.team_id ?? null) !== f.team) return false;
  if (f.label !== null && !(c.labels ?? []).includes(f.label)) return false;
  return true;
}

/** Puts `c` where it belongs (or takes it out when it no longer matches). */
export function upsert(c: ConversationSummary) {
  const f = filters.value;
  const list = rows.value;
  const index = list.findIndex((r) => r.id === c.id);
  const existing = index >= 0 ? list[index] : undefined;
  const merged = existing ? { ...existing, ...c, messages: c.messages?.length ? c.messages : existing.messages } : c;
  // A search shows what the server found; live changes update those rows but add none.
  const belongs = f.q ? index >= 0 : matches(merged, f, currentUserId.value);
  if (!belongs) {
    if (index >= 0) rows.value = list.filter((r) => r.id !== c.id);
    return;
  }
  const without = index >= 0 ? list.filter((r) => r.id !== c.id) : list;
  const compare = comparator(f.sort);
  let at = without.findIndex((r) => compare(merged, r) < 0);
  if (at === -1) {
    // It sorts after every loaded row: if more pages exist it will arrive with them.
    if (hasMore.value && !existing) return;
    at = without.length;
  }
  rows.value = [...without.slice(0, at), merged, ...without.slice(at)];
}

type MessageEvent = LastMessage & { conversation_id: number; conversation?: { unread_count?: number; last_activity_at?: number; assignee_id?: number | null } };

const pendingFetch = new Set<number>();
/** A conversation the list did not hold got a message: fetch it, then apply the message (the answer may predate it). */
async function fetchAndUpsert(displayId: number, message: MessageEvent) {
  if (pendingFetch.has(displayId)) return;
  pendingFetch.add(displayId);
  try {
    const fetched = await api.get<ConversationSummary>(accountPath(`/conversations/${displayId}`));
    upsert(withMessage(fetched, message, true));
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
  } finally {
    pendingFetch.delete(displayId);
  }
}

const CONVERSATION_EVENTS = new Set([
  "conversation.created",
  "conversation.updated",
  "conversation.status_changed",
  "conversation.read",
  "conversation.contact_changed",
  "assignee.changed",
  "team.changed",
]);

/** `c` with `message` applied: the last message, the unread count and the last activity it brings. */
function withMessage(c: ConversationSummary, message: MessageEvent, created: boolean): ConversationSummary {
  const isActivity = message.message_type === 2;
  const lastId = c.messages[0]?.id ?? 0;
  const replacesLast = created ? !isActivity && message.id >= lastId : message.id === lastId;
  return {
    ...c,
    messages: replacesLast ? [message] : c.messages,
    unread_count: message.conversation?.unread_count ?? c.unread_count,
    last_activity_at: Math.max(c.last_activity_at, message.conversation?.last_activity_at ?? 0),
  };
}

function onMessage(message: MessageEvent, created: boolean) {
  const existing = rows.value.find((r) => r.id === message.conversation_id);
  if (existing) upsert(withMessage(existing, message, created));
  else if (created && !filters.value.q) void fetchAndUpsert(message.conversation_id, message);
}

/** Follows /cable; returns the stop function. */
export function startConversationList(): () => void {
  return onCableEvent((event, data) => {
    if (CONVERSATION_EVENTS.has(event)) {
      const c = data as ConversationSummary | null;
      if (c && typeof c.id === "number" && c.meta) upsert(c);
      scheduleMeta();
    } else if (event === "message.created" || event === "message.updated") {
      const m = data as MessageEvent | null;
      if (m && typeof m.conversation_id === "number") onMessage(m, event === "message.created");
    } else if (event === "contact.updated") {
      const contact = data as { id?: number; name?: string; email?: string; phone_number?: string; thumbnail?: string } | null;
      if (!contact || typeof contact.id !== "number") return;
      rows.value = rows.value.map((r) =>
        r.meta.sender.id === contact.id ? { ...r, meta: { ...r.meta, sender: { ...r.meta.sender, ...contact, id: r.meta.sender.id } } } : r,
      );
    } else if (event === "cable.subscribed") {
      void reloadFirstPage();
      scheduleMeta(0);
    }
  });
}

/** Forgets the list (account switch). */
export const clearList = () => {
  generation++;
  controller?.abort();
  page = 0;
  batch(() => {
    rows.value = [];
    counts.value = null;
    hasMore.value = false;
    listError.value = null;
  });
};
