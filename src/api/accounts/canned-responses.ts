/**
 * Application API: the account's canned responses (Chatwoot's /api/v1/accounts/:account_id/canned_responses),
 * saved replies agents insert by short code. Every member reads them and renders them into a
 * conversation; administrators change them.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, desc, eq, ne, type SQL, sql } from "drizzle-orm";
import type { Context } from "hono";
import { cannedResponses } from "../../db/schema";
import { accountAuditEntry, changedFields } from "../audit";
import { requireRole } from "../auth";
import { type AppEnv, createRouter } from "../context";
import { ApiError, errorResponses, notFound } from "../errors";
import { BodyId, idParams, iso, Timestamp } from "../schemas";
import { previewTemplate, TemplatePreviewSchema } from "./conversations";
import { userSecurity } from "./profile";

const tags = ["Application: canned responses"];
const accountParams = idParams("account_id");
const cannedResponseParams = idParams("account_id", "canned_response_id");
const AUDITABLE_TYPE = "CannedResponse";

const CannedResponseInput = z
  .object({
    short_code: z.string().trim().min(1).max(255).openapi({ description: "Unique within the account", example: "refund" }),
    content: z
      .string()
      .trim()
      .min(1)
      .max(150_000)
      .openapi({ description: "May use template variables", example: "Hi {{ contact.first_name || 'there' }}, your refund is on its way." }),
  })
  .strict()
  .openapi("CannedResponseInput");
const CannedResponseUpdateInput = CannedResponseInput.partial().strict().openapi("CannedResponseUpdateInput");

const CannedResponseSchema = z
  .object({
    id: z.number().int(),
    account_id: z.number().int(),
    short_code: z.string(),
    content: z.string(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("CannedResponse");

type CannedResponseRow = typeof cannedResponses.$inferSelect;

/** What the audit log records. */
const configurationOf = (row: Pick<CannedResponseRow, "shortCode" | "content">) => ({ short_code: row.shortCode, content: row.content });

const serializeCannedResponse = (row: CannedResponseRow): z.infer<typeof CannedResponseSchema> => ({
  id: row.id,
  account_id: row.accountId,
  ...configurationOf(row),
  created_at: iso(row.createdAt),
  updated_at: iso(row.updatedAt),
});

/** One of the account's canned responses, or 404 for any other id. */
async function accountCannedResponse(c: Context<AppEnv>, id: number): Promise<CannedResponseRow> {
  const row = await c.var.db.query.cannedResponses.findFirst({
    where: and(eq(cannedResponses.id, id), eq(cannedResponses.accountId, c.var.membership.accountId)),
  });
  if (!row) throw notFound("Canned response");
  return row;
}

/** Short codes are unique within an account (422 as Chatwoot's validation answers). */
async function ensureShortCodeFree(c: Context<AppEnv>, shortCode: string, exceptId?: number) {
  const taken = await c.var.db.query.cannedResponses.findFirst({
    where: and(
      eq(cannedResponses.accountId, c.var.membership.accountId),
      eq(cannedResponses.shortCode, shortCode),
      exceptId === undefined ? undefined : ne(cannedResponses.id, exceptId),
    ),
  });
  if (taken) {
    throw new ApiError(422, "validation_failed", "The request body is not valid.", [{ field: "short_code", message: "has already been taken", code: "taken" }]);
  }
}

/** `%text%`-style LIKE pattern that matches `text` literally (its `%`, `_` and `\` escaped). */
const likePattern = (prefix: string, text: string, suffix: string) => `${prefix}${text.replace(/[\\%_]/g, "\\$&")}${suffix}`;
const like = (column: typeof cannedResponses.shortCode | typeof cannedResponses.content, pattern: string): SQL => sql`${column} like ${pattern} escape '\\'`;

export const accountCannedResponses = createRouter();

accountCannedResponses.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/canned_responses",
    tags,
    security: userSecurity,
    summary: "List the account's canned responses",
    description:
      "An array, as in Chatwoot. `search` keeps those whose short code or content contains it (case-insensitive), " +
      "short codes that start with it first, then short codes that contain it, then content matches.",
    request: { params: accountParams, query: z.object({ search: z.string().trim().max(255).optional() }) },
    responses: {
      200: { description: "The canned responses", content: { "application/json": { schema: z.array(CannedResponseSchema) } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { search } = c.req.valid("query");
    const inAccount = eq(cannedResponses.accountId, c.var.membership.accountId);
    const db = c.var.db;
    if (!search) return c.json((await db.select().from(cannedResponses).where(inAccount).orderBy(asc(cannedResponses.id))).map(serializeCannedResponse), 200);
    const anywhere = likePattern("%", search, "%");
    const rows = await db
      .select()
      .from(cannedResponses)
      .where(and(inAccount, sql`(${like(cannedResponses.shortCode, anywhere)} or ${like(cannedResponses.content, anywhere)})`))
      .orderBy(
        desc(
          sql`case when ${like(cannedResponses.shortCode, likePattern("", search, "%"))} then 2 when ${like(cannedResponses.shortCode, anywhere)} then 1 else 0 end`,
        ),
        asc(cannedResponses.id),
      );
    return c.json(rows.map(serializeCannedResponse), 200);
  },
);

accountCannedResponses.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/canned_responses",
    tags,
    security: userSecurity,
    summary: "Create a canned response (administrators)",
    description: "Chatwoot lets agents create them too; Parley keeps the account's replies to its administrators. Answers 200 as Chatwoot does.",
    middleware: [requireRole("administrator")] as const,
    request: {
      params: accountParams,
      body: { required: true, content: { "application/json": { schema: CannedResponseInput } } },
    },
    responses: {
      200: { description: "Created", content: { "application/json": { schema: CannedResponseSchema } } },
      ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
    },
  }),
  async (c) => {
    const input = c.req.valid("json");
    await ensureShortCodeFree(c, input.short_code);
    const values = { accountId: c.var.membership.accountId, shortCode: input.short_code, content: input.content };
    const db = c.var.db;
    const [[row]] = await db.batch([
      db.insert(cannedResponses).values(values).returning(),
      accountAuditEntry(c, "create", AUDITABLE_TYPE, sql`last_insert_rowid()`, configurationOf(values)),
    ]);
    if (!row) throw new Error("canned response insert returned no row");
    return c.json(serializeCannedResponse(row), 200);
  },
);

accountCannedResponses.openapi(
  createRoute({
    method: "patch",
    path: "/{account_id}/canned_responses/{canned_response_id}",
    tags,
    security: userSecurity,
    summary: "Update a canned response (administrators)",
    middleware: [requireRole("administrator")] as const,
    request: {
      params: cannedResponseParams,
      body: { required: true, content: { "application/json": { schema: CannedResponseUpdateInput } } },
    },
    responses: {
      200: { description: "The updated canned response", content: { "application/json": { schema: CannedResponseSchema } } },
      ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
    },
  }),
  async (c) => {
    const { canned_response_id } = c.req.valid("param");
    const input = c.req.valid("json");
    const row = await accountCannedResponse(c, canned_response_id);
    const changes = changedFields(configurationOf(row), input);
    if (Object.keys(changes).length === 0) return c.json(serializeCannedResponse(row), 200);
    if (input.short_code !== undefined && "short_code" in changes) await ensureShortCodeFree(c, input.short_code, row.id);
    const db = c.var.db;
    const [[updated]] = await db.batch([
      db
        .update(cannedResponses)
        .set({ shortCode: input.short_code, content: input.content, updatedAt: new Date() })
        .where(eq(cannedResponses.id, row.id))
        .returning(),
      accountAuditEntry(c, "update", AUDITABLE_TYPE, row.id, changes),
    ]);
    return c.json(serializeCannedResponse(updated ?? row), 200);
  },
);

accountCannedResponses.openapi(
  createRoute({
    method: "delete",
    path: "/{account_id}/canned_responses/{canned_response_id}",
    tags,
    security: userSecurity,
    summary: "Delete a canned response (administrators)",
    middleware: [requireRole("administrator")] as const,
    request: { params: cannedResponseParams },
    responses: { 204: { description: "Deleted" }, ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const { canned_response_id } = c.req.valid("param");
    const row = await accountCannedResponse(c, canned_response_id);
    const db = c.var.db;
    await db.batch([
      db.delete(cannedResponses).where(eq(cannedResponses.id, row.id)),
      accountAuditEntry(c, "destroy", AUDITABLE_TYPE, row.id, configurationOf(row)),
    ]);
    return c.body(null, 204);
  },
);

accountCannedResponses.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/canned_responses/{canned_response_id}/render",
    tags,
    security: userSecurity,
    summary: "Fill a canned response's template variables for a conversation",
    description:
      "What the reply would read if the caller sent it in the conversation (its contact, the caller as the agent, the " +
      "conversation), and the variables it would leave empty, as `template_preview` answers. 404 for a conversation " +
      "the caller does not see.",
    request: {
      params: cannedResponseParams,
      body: { required: true, content: { "application/json": { schema: z.object({ conversation_id: BodyId }).strict() } } },
    },
    responses: {
      200: { description: "The rendered reply", content: { "application/json": { schema: TemplatePreviewSchema } } },
      ...errorResponses(400, 401, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const { canned_response_id } = c.req.valid("param");
    const { conversation_id } = c.req.valid("json");
    const row = await accountCannedResponse(c, canned_response_id);
    return c.json(await previewTemplate(c, conversation_id, row.content), 200);
  },
);
