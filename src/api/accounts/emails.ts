/**
 * Application API: the account's emails (administrators), newest first: the log of what automation
 * sent and, in local development (EMAIL_DELIVERY "outbox"), the outbox itself, since nothing leaves.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { count, desc, eq } from "drizzle-orm";
import { EMAIL_KINDS, EMAIL_STATUSES, emails } from "../../db/schema";
import { requireRole } from "../auth";
import { createRouter } from "../context";
import { errorResponses } from "../errors";
import { idParams, iso, offsetOf, PageQuery, pageOf, Timestamp } from "../schemas";
import { userSecurity } from "./profile";

const EmailSchema = z
  .object({
    id: z.number().int(),
    account_id: z.number().int(),
    kind: z.enum(EMAIL_KINDS).openapi({
      description:
        "team_notification (send_email_to_team), transcript (send_email_transcript), conversation_reply (an email inbox's reply), continuity (a website visitor's replies by email), ...",
    }),
    conversation_id: z.number().int().nullable(),
    to: z.array(z.string()),
    subject: z.string(),
    text: z.string(),
    html: z.string().nullable(),
    status: z.enum(EMAIL_STATUSES),
    delivery: z.enum(["binding", "outbox"]).nullable().openapi({ description: "How it was sent: the email binding, or only the local outbox" }),
    message_id: z.string().nullable(),
    from: z.string().nullable().openapi({ description: "Conversation emails: the sender (`Name <address>`); null: EMAIL_FROM" }),
    reply_to: z.string().nullable().openapi({ description: "Conversation emails: the conversation's reply address" }),
    headers: z.record(z.string(), z.string()).nullable().openapi({ description: "Conversation emails: In-Reply-To and References" }),
    attempts: z.number().int(),
    error: z.string().nullable(),
    sent_at: Timestamp.nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Email");

/** An email of the account listed (the list is filtered by it, so its `account_id` is that account). */
const serializeEmail =
  (accountId: number) =>
  (row: typeof emails.$inferSelect): z.infer<typeof EmailSchema> => ({
    id: row.id,
    account_id: accountId,
    kind: row.kind,
    conversation_id: row.displayId,
    to: row.to,
    subject: row.subject,
    text: row.text,
    html: row.html,
    status: row.status,
    delivery: row.delivery,
    message_id: row.messageId,
    from: row.fromAddress,
    reply_to: row.replyTo,
    headers: row.headers,
    attempts: row.attempts,
    error: row.error,
    sent_at: row.sentAt ? iso(row.sentAt) : null,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  });

export const accountEmails = createRouter();

accountEmails.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/emails",
    tags: ["Application: emails"],
    security: userSecurity,
    summary: "The account's emails, newest first (administrators)",
    description:
      "Every email automation queued (send_email_to_team, send_email_transcript) with its status. When the " +
      'installation\'s EMAIL_DELIVERY is "outbox" (local development) nothing is sent and this is the outbox.',
    middleware: [requireRole("administrator")] as const,
    request: { params: idParams("account_id"), query: PageQuery },
    responses: {
      200: { description: "A page of emails", content: { "application/json": { schema: pageOf(EmailSchema) } } },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const where = eq(emails.accountId, c.var.membership.accountId);
    const [rows, [total]] = await Promise.all([
      c.var.db.select().from(emails).where(where).orderBy(desc(emails.id)).limit(query.per_page).offset(offsetOf(query)),
      c.var.db.select({ count: count() }).from(emails).where(where),
    ]);
    return c.json(
      { meta: { count: total?.count ?? 0, current_page: query.page, per_page: query.per_page }, payload: rows.map(serializeEmail(c.var.membership.accountId)) },
      200,
    );
  },
);
