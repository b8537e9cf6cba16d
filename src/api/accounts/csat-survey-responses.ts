/**
 * Application API: CSAT survey responses (Chatwoot's /api/v1/accounts/:account_id/csat_survey_responses
 * and its /metrics), what contacts answered to the survey sent when their conversation was resolved
 * (src/domain/message-templates.ts). Administrators read them, filtered as Chatwoot filters them:
 * since/until (Unix seconds), user_ids (the agent credited), inbox_id, team_id, rating; 25 a page.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, desc, eq, gte, inArray, lte, type SQL, sql } from "drizzle-orm";
import type { Context } from "hono";
import { accountUsers, csatSurveyResponses, csatSurveysSent, users } from "../../db/schema";
import { contactPayload } from "../../domain/chatwoot-payloads";
import { accountObject } from "../../durable/addresses";
import { agentColumns, AgentSchema, serializeAgents } from "../agents";
import { requireRole } from "../auth";
import { type AppEnv, createRouter } from "../context";
import { errorResponses } from "../errors";
import { idParams } from "../schemas";
import { userSecurity } from "./profile";

const tags = ["Application: CSAT survey responses"];
const accountParams = idParams("account_id");
const RESULTS_PER_PAGE = 25;

/** A list in a query: repeated (`rating=4&rating=5`) or comma separated (`rating=4,5`). */
const idList = (max: number) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((value) =>
      (Array.isArray(value) ? value : [value])
        .flatMap((entry) => entry.split(","))
        .filter((entry) => entry !== "")
        .map(Number),
    )
    .pipe(z.array(z.number().int().min(1).max(max)).max(100))
    .optional();

const Filters = z.object({
  since: z.coerce.number().int().min(0).optional().openapi({ description: "Unix seconds: answered at or after" }),
  until: z.coerce.number().int().min(0).optional().openapi({ description: "Unix seconds: answered at or before" }),
  user_ids: idList(Number.MAX_SAFE_INTEGER).openapi({ description: "The agents credited (the assignee when the survey was sent)" }),
  inbox_id: z.coerce.number().int().positive().optional(),
  team_id: z.coerce.number().int().positive().optional(),
  rating: idList(5).openapi({ description: "Ratings, 1 to 5" }),
});
const ListQuery = Filters.extend({ page: z.coerce.number().int().min(1).max(100_000).default(1) });

const CsatSurveyResponseSchema = z
  .object({
    id: z.number().int(),
    rating: z.number().int(),
    feedback_message: z.string().nullable(),
    account_id: z.number().int(),
    message_id: z.number().int(),
    contact: z.record(z.string(), z.unknown()).optional().openapi({ description: "Chatwoot's contact object" }),
    conversation_id: z.number().int().openapi({ description: "The conversation's display id" }),
    assigned_agent: AgentSchema.optional(),
    created_at: z.number().int().openapi({ description: "Unix seconds" }),
  })
  .openapi("CsatSurveyResponse");

const MetricsSchema = z
  .object({
    total_count: z.number().int(),
    ratings_count: z.record(z.string(), z.number().int()).openapi({ description: "Responses per rating", example: { "4": 2, "5": 7 } }),
    total_sent_messages_count: z.number().int().openapi({ description: "Surveys sent in the period (answered or not)" }),
  })
  .openapi("CsatSurveyMetrics");

function conditions(accountId: number, filters: z.infer<typeof Filters>): SQL[] {
  const t = csatSurveyResponses;
  const where: SQL[] = [eq(t.accountId, accountId)];
  if (filters.since !== undefined) where.push(gte(t.createdAt, new Date(filters.since * 1000)));
  if (filters.until !== undefined) where.push(lte(t.createdAt, new Date(filters.until * 1000)));
  if (filters.user_ids?.length) where.push(inArray(t.assignedAgentId, filters.user_ids));
  if (filters.inbox_id !== undefined) where.push(eq(t.inboxId, filters.inbox_id));
  if (filters.team_id !== undefined) where.push(eq(t.teamId, filters.team_id));
  if (filters.rating?.length) where.push(inArray(t.rating, filters.rating));
  return where;
}

type ResponseRow = typeof csatSurveyResponses.$inferSelect;

async function serializeResponses(c: Context<AppEnv>, rows: ResponseRow[]) {
  const accountId = c.var.membership.accountId;
  const agentIds = [...new Set(rows.flatMap((row) => (row.assignedAgentId === null ? [] : [row.assignedAgentId])))];
  const agentRows =
    agentIds.length === 0
      ? []
      : await c.var.db
          .select(agentColumns)
          .from(users)
          .innerJoin(accountUsers, and(eq(accountUsers.userId, users.id), eq(accountUsers.accountId, accountId)))
          .where(inArray(users.id, agentIds));
  const agents = new Map((await serializeAgents(c, agentRows)).map((agent) => [agent.id, agent]));
  const account = accountObject(c.env, accountId);
  const contacts = new Map(await Promise.all([...new Set(rows.map((row) => row.contactId))].map(async (id) => [id, await account.getContact(id)] as const)));
  return rows.map((row) => {
    const contact = contacts.get(row.contactId);
    const agent = row.assignedAgentId === null ? undefined : agents.get(row.assignedAgentId);
    return {
      id: row.id,
      rating: row.rating,
      feedback_message: row.feedbackMessage,
      account_id: row.accountId,
      message_id: row.messageId,
      ...(contact ? { contact: contactPayload(contact) } : {}),
      conversation_id: row.conversationId,
      ...(agent ? { assigned_agent: agent } : {}),
      created_at: Math.floor(row.createdAt.getTime() / 1000),
    };
  });
}

export const accountCsatSurveyResponses = createRouter();

accountCsatSurveyResponses.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/csat_survey_responses",
    tags,
    security: userSecurity,
    summary: "List CSAT survey responses (administrators)",
    description: "Newest first, 25 a page, as Chatwoot lists them: a bare array.",
    middleware: [requireRole("administrator")] as const,
    request: { params: accountParams, query: ListQuery },
    responses: {
      200: { description: "The responses", content: { "application/json": { schema: z.array(CsatSurveyResponseSchema) } } },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const rows = await c.var.db
      .select()
      .from(csatSurveyResponses)
      .where(and(...conditions(c.var.membership.accountId, query)))
      .orderBy(desc(csatSurveyResponses.createdAt), desc(csatSurveyResponses.id))
      .limit(RESULTS_PER_PAGE)
      .offset((query.page - 1) * RESULTS_PER_PAGE);
    return c.json(await serializeResponses(c, rows), 200);
  },
);

accountCsatSurveyResponses.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/csat_survey_responses/metrics",
    tags,
    security: userSecurity,
    summary: "CSAT metrics (administrators)",
    description:
      "How many responses match the filters, how many of each rating, and how many surveys were sent in the period " +
      "(since, until and inbox_id apply to those too).",
    middleware: [requireRole("administrator")] as const,
    request: { params: accountParams, query: Filters },
    responses: {
      200: { description: "The metrics", content: { "application/json": { schema: MetricsSchema } } },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const accountId = c.var.membership.accountId;
    const counts = await c.var.db
      .select({ rating: csatSurveyResponses.rating, count: sql<number>`count(*)` })
      .from(csatSurveyResponses)
      .where(and(...conditions(accountId, query)))
      .groupBy(csatSurveyResponses.rating);
    const ratings_count = Object.fromEntries(counts.map((row) => [String(row.rating), row.count]));
    const total_count = counts.reduce((sum, row) => sum + row.count, 0);
    const t = csatSurveysSent;
    const sentWhere: SQL[] = [eq(t.accountId, accountId)];
    if (query.since !== undefined) sentWhere.push(gte(t.createdAt, new Date(query.since * 1000)));
    if (query.until !== undefined) sentWhere.push(lte(t.createdAt, new Date(query.until * 1000)));
    if (query.inbox_id !== undefined) sentWhere.push(eq(t.inboxId, query.inbox_id));
    const [sent] = await c.var.db
      .select({ count: sql<number>`count(*)` })
      .from(t)
      .where(and(...sentWhere));
    return c.json({ total_count, ratings_count, total_sent_messages_count: sent?.count ?? 0 }, 200);
  },
);
