/**
 * The one audit helper of the routers. `auditEntry` builds the insert (src/services/audit-log.ts) for
 * a configuration change by the request's caller, so the caller commits it in the same D1 batch as the
 * change itself: both land, or neither does. Also the audit log's pages.
 */
import { z } from "@hono/zod-openapi";
import { count, desc, type SQL } from "drizzle-orm";
import type { Context } from "hono";
import type { Database } from "../db/client";
import { ACTOR_TYPES, auditLogs } from "../db/schema";
import { type Actor, type AuditChange, auditInsert } from "../services/audit-log";
import type { AppEnv, Principal } from "./context";
import { offsetOf, PageQuery } from "./schemas";

export function actorOf(principal: Principal): Actor {
  switch (principal.type) {
    case "Platform":
      return { type: "Platform", id: null, name: "Platform operator", email: null };
    case "Agency":
      // An agency user signed in to the Agency API acts as themself; the agency token as the agency.
      if (principal.staff) return { type: "User", id: principal.staff.id, name: principal.staff.name, email: principal.staff.email };
      return { type: "Agency", id: principal.agency.id, name: principal.agency.name, email: null };
    case "User":
      return { type: "User", id: principal.user.id, name: principal.user.name, email: principal.user.email };
    case "AgentBot":
      return { type: "AgentBot", id: principal.bot.id, name: principal.bot.name, email: null };
  }
}

/** The audit insert for a change made by this request's caller, from this request's client IP. */
export function auditEntry(c: Context<AppEnv>, change: AuditChange) {
  const remoteAddress = c.req.header("cf-connecting-ip") ?? null;
  return auditInsert(c.var.db, actorOf(c.var.principal), remoteAddress, change);
}

/** The audit insert for a change the caller made to one of their account's objects (Application API). */
export function accountAuditEntry(
  c: Context<AppEnv>,
  action: string,
  auditableType: string,
  auditableId: AuditChange["auditableId"],
  changes: Record<string, unknown>,
) {
  const { agencyId, accountId } = c.var.membership;
  return auditEntry(c, { action, auditableType, auditableId, agencyId, accountId, changes });
}

/** Equal values; JSON values (e.g. working hours) compare by content, not identity. */
const sameValue = (a: unknown, b: unknown) => a === b || (typeof a === "object" && typeof b === "object" && JSON.stringify(a) === JSON.stringify(b));

/** `{field: [before, after]}` for the fields of `patch` whose value differs from `before`. */
export function changedFields<T extends Record<string, unknown>>(before: T, patch: Partial<T>): Record<string, [unknown, unknown]> {
  const changes: Record<string, [unknown, unknown]> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined && !sameValue(before[key], value)) changes[key] = [before[key] ?? null, value];
  }
  return changes;
}

export const AuditLogSchema = z
  .object({
    id: z.number().int(),
    action: z.string().openapi({ example: "update" }),
    auditable_type: z.string().openapi({ example: "AccountUser" }),
    auditable_id: z.number().int().nullable(),
    associated_type: z.literal("Account").nullable(),
    associated_id: z.number().int().nullable().openapi({ description: "The sub-account the change belongs to" }),
    agency_id: z.number().int().nullable(),
    audited_changes: z.record(z.string(), z.unknown()),
    user_type: z.enum(ACTOR_TYPES).openapi({ description: "Who acted: a user, an agency, the platform operator or Parley itself" }),
    user_id: z.number().int().nullable(),
    username: z.string().nullable(),
    user_email: z.string().nullable(),
    remote_address: z.string().nullable(),
    created_at: z.number().int().openapi({ description: "Unix seconds" }),
  })
  .openapi("AuditLog");

/** Chatwoot's audit log page shape. */
export const AuditLogPage = z.object({
  audit_logs: z.array(AuditLogSchema),
  current_page: z.number().int(),
  per_page: z.number().int(),
  total_entries: z.number().int(),
});

export const AuditLogQuery = PageQuery;

/** One page of audit entries matching `filter`, newest first. */
export async function listAuditLogs(db: Database, filter: SQL | undefined, query: PageQuery) {
  const [rows, [total]] = await Promise.all([
    db.select().from(auditLogs).where(filter).orderBy(desc(auditLogs.id)).limit(query.per_page).offset(offsetOf(query)),
    db.select({ value: count() }).from(auditLogs).where(filter),
  ]);
  return {
    audit_logs: rows.map(serializeAuditLog),
    current_page: query.page,
    per_page: query.per_page,
    total_entries: total?.value ?? 0,
  };
}

function serializeAuditLog(row: typeof auditLogs.$inferSelect): z.infer<typeof AuditLogSchema> {
  return {
    id: row.id,
    action: row.action,
    auditable_type: row.auditableType,
    auditable_id: row.auditableId,
    associated_type: row.accountId === null ? null : "Account",
    associated_id: row.accountId,
    agency_id: row.agencyId,
    audited_changes: row.auditedChanges,
    user_type: row.actorType,
    user_id: row.actorId,
    username: row.actorName,
    user_email: row.actorEmail,
    remote_address: row.remoteAddress,
    created_at: Math.floor(row.createdAt.getTime() / 1000),
  };
}
