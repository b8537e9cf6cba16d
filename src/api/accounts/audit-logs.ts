/** Application API: the account's audit log (Chatwoot's /api/v1/accounts/:account_id/audit_logs), for administrators. */
import { createRoute } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { auditLogs } from "../../db/schema";
import { AuditLogPage, AuditLogQuery, listAuditLogs } from "../audit";
import { requireRole } from "../auth";
import { createRouter } from "../context";
import { errorResponses } from "../errors";
import { idParams } from "../schemas";
import { userSecurity } from "./profile";

export const accountAuditLogs = createRouter();

accountAuditLogs.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/audit_logs",
    tags: ["Application: audit logs"],
    security: userSecurity,
    summary: "The account's audit log, newest first (administrators)",
    middleware: [requireRole("administrator")] as const,
    request: { params: idParams("account_id"), query: AuditLogQuery },
    responses: {
      200: { description: "A page of audit entries", content: { "application/json": { schema: AuditLogPage } } },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const query = c.req.valid("query");
    return c.json(
      await listAuditLogs(c.var.db, eq(auditLogs.accountId, c.var.membership.accountId), query),
      200,
    );
  },
);
