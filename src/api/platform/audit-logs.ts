/** Platform API: the installation's whole audit log, optionally narrowed to one agency. */
import { createRoute } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { auditLogs } from "../../db/schema";
import { AuditLogPage, AuditLogQuery, listAuditLogs } from "../audit";
import { createRouter } from "../context";
import { errorResponses } from "../errors";
import { Id } from "../schemas";

export const platformAuditLogs = createRouter();

platformAuditLogs.openapi(
  createRoute({
    method: "get",
    path: "/audit_logs",
    tags: ["Platform: audit logs"],
    security: [{ platformToken: [] }],
    summary: "The installation's audit log, newest first",
    request: { query: AuditLogQuery.extend({ agency_id: Id.optional() }) },
    responses: {
      200: { description: "A page of audit entries", content: { "application/json": { schema: AuditLogPage } } },
      ...errorResponses(400, 401),
    },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const filter = query.agency_id === undefined ? undefined : eq(auditLogs.agencyId, query.agency_id);
    return c.json(await listAuditLogs(c.var.db, filter, query), 200);
  },
);
