/**
 * Application API: the account's audit log (Chatwoot's /api/v1/accounts/:account_id/audit_logs), for
 * administrators, newest first. Chatwoot pages it; Parley also narrows it by action, kind of object,
 * who acted and when, so the console's filters are the API's.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, eq, gte, lt } from "drizzle-orm";
import { auditLogs } from "../../db/schema";
import { AuditLogPage, AuditLogQuery, listAuditLogs } from "../audit";
import { requireRole } from "../auth";
import { createRouter } from "../context";
import { ApiError, errorResponses } from "../errors";
import { Id, idParams } from "../schemas";
import { userSecurity } from "./profile";

const Instant = z.iso
  .datetime({ offset: true })
  .transform((text) => new Date(Date.parse(text)))
  .openapi({ type: "string", format: "date-time", example: "2026-12-01T00:00:00Z" });

const AccountAuditLogQuery = AuditLogQuery.extend({
  action: z.string().trim().min(1).max(64).optional().openapi({ description: "One action, e.g. `create`, `update`, `destroy`", example: "update" }),
  auditable_type: z.string().trim().min(1).max(64).optional().openapi({ description: "One kind of object, e.g. `Label`, `Macro`, `Inbox`", example: "Label" }),
  user_id: Id.optional().openapi({ description: "Changes made by this user" }),
  since: Instant.optional().openapi({ description: "Entries made at or after this time" }),
  until: Instant.optional().openapi({ description: "Entries made before this time" }),
});

export const accountAuditLogs = createRouter();

accountAuditLogs.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/audit_logs",
    tags: ["Application: audit logs"],
    security: userSecurity,
    summary: "The account's audit log, newest first (administrators)",
    description:
      "Chatwoot's page of entries. `action`, `auditable_type` and `user_id` narrow it to one action, kind of object or " +
      "person; `since` (inclusive) and `until` (exclusive) to a time range, 400 naming `until` when it is not after `since`.",
    middleware: [requireRole("administrator")] as const,
    request: { params: idParams("account_id"), query: AccountAuditLogQuery },
    responses: {
      200: { description: "A page of audit entries", content: { "application/json": { schema: AuditLogPage } } },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const query = c.req.valid("query");
    if (query.since && query.until && query.until <= query.since) {
      throw new ApiError(400, "invalid_parameter", "The query parameters are not valid.", [
        { field: "until", message: "must be after the start of the range", code: "invalid" },
      ]);
    }
    const filter = and(
      eq(auditLogs.accountId, c.var.membership.accountId),
      query.action === undefined ? undefined : eq(auditLogs.action, query.action),
      query.auditable_type === undefined ? undefined : eq(auditLogs.auditableType, query.auditable_type),
      query.user_id === undefined ? undefined : and(eq(auditLogs.actorType, "User"), eq(auditLogs.actorId, query.user_id)),
      query.since === undefined ? undefined : gte(auditLogs.createdAt, query.since),
      query.until === undefined ? undefined : lt(auditLogs.createdAt, query.until),
    );
    return c.json(await listAuditLogs(c.var.db, filter, query), 200);
  },
);
