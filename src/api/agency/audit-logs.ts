/** Agency API: the agency's audit log, across the agency and all its sub-accounts. */
import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { auditLogs } from "../../db/schema";
import { AuditLogPage, AuditLogQuery, listAuditLogs } from "../audit";
import { agencyOf } from "../auth";
import { createRouter } from "../context";
import { errorResponses } from "../errors";
import { Id } from "../schemas";
import { security } from "./accounts";

export const agencyAuditLogs = createRouter();

agencyAuditLogs.openapi(
  createRoute({
    method: "get",
    path: "/audit_logs",
    tags: ["Agency: audit logs"],
    security,
    summary: "The agency's audit log, newest first",
    description:
      "Entries about the agency and every one of its sub-accounts; `account_id` narrows it to one, `auditable_type` " +
      "to one kind of object (e.g. `Account`, `Snapshot`, `AccountUser`), `action` to one action (e.g. `open`).",
    request: {
      query: AuditLogQuery.extend({
        account_id: Id.optional(),
        auditable_type: z.string().trim().min(1).max(64).optional().openapi({ example: "Account" }),
        action: z.string().trim().min(1).max(64).optional().openapi({ example: "open" }),
      }),
    },
    responses: {
      200: { description: "A page of audit entries", content: { "application/json": { schema: AuditLogPage } } },
      ...errorResponses(400, 401),
    },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const agency = agencyOf(c);
    const filter = and(
      eq(auditLogs.agencyId, agency.id),
      query.account_id === undefined ? undefined : eq(auditLogs.accountId, query.account_id),
      query.auditable_type === undefined ? undefined : eq(auditLogs.auditableType, query.auditable_type),
      query.action === undefined ? undefined : eq(auditLogs.action, query.action),
    );
    return c.json(await listAuditLogs(c.var.db, filter, query), 200);
  },
);
