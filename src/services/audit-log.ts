/**
 * The audit log's one insert: who acted, on what, with which changes (passwords filtered out). The
 * caller commits it in the same D1 batch as the change itself; routers name the actor from the request
 * (src/api/audit.ts), jobs act as the system.
 */
import type { SQL } from "drizzle-orm";
import type { Database } from "../db/client";
import { auditLogs, type ActorType } from "../db/schema";

export type Actor = { type: ActorType; id: number | null; name: string | null; email: string | null };

export type AuditChange = {
  /** e.g. "create", "update", "destroy", "rotate_token". */
  action: string;
  /** The kind of object changed, Chatwoot-style: "Account", "User", "AccountUser", "Agency", "Inbox", "Team". */
  auditableType: string;
  /** Its id; an SQL expression when it is only known inside the batch (e.g. `last_insert_rowid()`). */
  auditableId: number | SQL | null;
  agencyId: number | SQL | null;
  accountId: number | SQL | null;
  /** Created/destroyed objects: their fields. Updates: `{field: [before, after]}`. */
  changes: Record<string, unknown>;
};

export const SYSTEM_ACTOR: Actor = { type: "System", id: null, name: "Parley", email: null };

/** Shown instead of the value of any `password*` field (Rails' filter_parameters): passwords never reach the log. */
export const FILTERED = "[FILTERED]";

function filterSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(filterSecrets);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, /^password/i.test(key) ? FILTERED : filterSecrets(v)]));
}

export function auditInsert(db: Database, actor: Actor, remoteAddress: string | null, change: AuditChange) {
  return db.insert(auditLogs).values({
    agencyId: change.agencyId,
    accountId: change.accountId,
    actorType: actor.type,
    actorId: actor.id,
    actorName: actor.name,
    actorEmail: actor.email,
    action: change.action,
    auditableType: change.auditableType,
    auditableId: change.auditableId,
    auditedChanges: filterSecrets(change.changes) as Record<string, unknown>,
    remoteAddress,
  });
}
