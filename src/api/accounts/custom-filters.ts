/**
 * Application API: Chatwoot's custom filters (/api/v1/accounts/:account_id/custom_filters), an agent's
 * saved folders of conversations and segments of contacts. Each belongs to the user who saved it and
 * only they see it, as in Chatwoot. A conversation or contact filter's `query` is the filter payload
 * `{"payload": [conditions]}` (./filters), checked when it is saved; a report filter's is kept as given.
 * They are personal views, not the account's configuration, so the audit log does not record them.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, count, eq } from "drizzle-orm";
import type { Context } from "hono";
import { CUSTOM_FILTER_TYPES, customFilters } from "../../db/schema";
import { jsonBytes } from "../../domain/json-bytes";
import { userOf } from "../auth";
import { type AppEnv, createRouter } from "../context";
import { ApiError, errorResponses, notFound } from "../errors";
import { idParams, iso, Name, Timestamp } from "../schemas";
import { checkedFilter, FilterPayload } from "./filters";
import { userSecurity } from "./profile";

const tags = ["Application: custom filters"];
/** Saved filters per user and account. */
export const MAX_CUSTOM_FILTERS = 50;
const MAX_QUERY_BYTES = 16 * 1024;

const FilterType = z.enum(CUSTOM_FILTER_TYPES);
const Query = z
  .record(z.string(), z.unknown())
  .openapi({ description: 'Conversation and contact filters: Chatwoot\'s filter payload, `{"payload": [conditions]}`' });

const CustomFilterFields = z
  .object({
    name: Name,
    filter_type: FilterType.optional(),
    type: FilterType.optional().openapi({ description: "Chatwoot's swagger name of filter_type" }),
    query: Query,
  })
  .strict();

const CustomFilterUpdateFields = z
  .object({ name: Name.optional(), filter_type: FilterType.optional(), type: FilterType.optional(), query: Query.optional() })
  .strict();

/** Chatwoot's dashboard wraps the fields in `custom_filter`; its swagger sends them bare. Both are taken. */
const wrapped = <T extends z.ZodType>(fields: T) => z.union([z.object({ custom_filter: fields }).strict(), fields]);
const CustomFilterInput = wrapped(CustomFilterFields).openapi("CustomFilterInput");
const CustomFilterUpdateInput = wrapped(CustomFilterUpdateFields).openapi("CustomFilterUpdateInput");

const unwrap = <T extends object>(input: T | { custom_filter: T }): T => ("custom_filter" in input ? input.custom_filter : input);

export const CustomFilterSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    filter_type: FilterType,
    query: z.record(z.string(), z.unknown()),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("CustomFilter");

type CustomFilterRow = typeof customFilters.$inferSelect;

const serialize = (row: CustomFilterRow): z.infer<typeof CustomFilterSchema> => ({
  id: row.id,
  name: row.name,
  filter_type: row.filterType,
  query: row.query,
  created_at: iso(row.createdAt),
  updated_at: iso(row.updatedAt),
});

/** The query as stored: a conversation or contact filter's conditions checked against the account, bounded in size. */
async function checkedQuery(c: Context<AppEnv>, type: z.infer<typeof FilterType>, query: Record<string, unknown>) {
  if (jsonBytes(query) > MAX_QUERY_BYTES) {
    throw new ApiError(422, "validation_failed", "The query is too large.", [{ field: "query", message: `at most ${MAX_QUERY_BYTES} bytes`, code: "too_big" }]);
  }
  if (type === "report") return query;
  const parsed = FilterPayload.safeParse(query);
  if (!parsed.success) {
    throw new ApiError(422, "validation_failed", "The query is not a filter payload.", [
      { field: "query.payload", message: 'expected {"payload": [{attribute_key, filter_operator, values, query_operator}]}', code: "invalid_filter" },
    ]);
  }
  return { ...query, payload: await checkedFilter(c, type, parsed.data.payload) };
}

async function ownFilter(c: Context<AppEnv>, id: number): Promise<CustomFilterRow> {
  const row = await c.var.db.query.customFilters.findFirst({
    where: and(eq(customFilters.id, id), eq(customFilters.accountId, c.var.membership.accountId), eq(customFilters.userId, userOf(c).id)),
  });
  if (!row) throw notFound("Custom filter");
  return row;
}

const params = idParams("account_id", "custom_filter_id");
const json = <T extends z.ZodType>(description: string, schema: T) => ({ description, content: { "application/json": { schema } } });

export const accountCustomFilters = createRouter();

accountCustomFilters.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/custom_filters",
    tags,
    security: userSecurity,
    summary: "List the caller's custom filters of one type",
    request: { params: idParams("account_id"), query: z.object({ filter_type: FilterType.default("conversation") }) },
    responses: { 200: json("The custom filters", z.array(CustomFilterSchema)), ...errorResponses(400, 401, 404) },
  }),
  async (c) => {
    const rows = await c.var.db
      .select()
      .from(customFilters)
      .where(
        and(
          eq(customFilters.accountId, c.var.membership.accountId),
          eq(customFilters.userId, userOf(c).id),
          eq(customFilters.filterType, c.req.valid("query").filter_type),
        ),
      )
      .orderBy(asc(customFilters.id));
    return c.json(rows.map(serialize), 200);
  },
);

accountCustomFilters.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/custom_filters",
    tags,
    security: userSecurity,
    summary: "Save a custom filter",
    description: `At most ${MAX_CUSTOM_FILTERS} per user in an account. \`filter_type\` (or \`type\`) defaults to conversation.`,
    request: { params: idParams("account_id"), body: { required: true, content: { "application/json": { schema: CustomFilterInput } } } },
    responses: { 200: json("The custom filter", CustomFilterSchema), ...errorResponses(400, 401, 404, 413, 415, 422) },
  }),
  async (c) => {
    const input = unwrap(c.req.valid("json"));
    const filterType = input.filter_type ?? input.type ?? "conversation";
    const query = await checkedQuery(c, filterType, input.query);
    const owner = { accountId: c.var.membership.accountId, userId: userOf(c).id };
    const [saved] = await c.var.db
      .select({ n: count() })
      .from(customFilters)
      .where(and(eq(customFilters.accountId, owner.accountId), eq(customFilters.userId, owner.userId)));
    if ((saved?.n ?? 0) >= MAX_CUSTOM_FILTERS) {
      throw new ApiError(422, "limit_reached", `A user keeps at most ${MAX_CUSTOM_FILTERS} custom filters in an account.`);
    }
    const [row] = await c.var.db
      .insert(customFilters)
      .values({ ...owner, name: input.name, filterType, query })
      .returning();
    if (!row) throw new Error("custom filter insert returned no row");
    return c.json(serialize(row), 200);
  },
);

accountCustomFilters.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/custom_filters/{custom_filter_id}",
    tags,
    security: userSecurity,
    summary: "Show one of the caller's custom filters",
    request: { params },
    responses: { 200: json("The custom filter", CustomFilterSchema), ...errorResponses(400, 401, 404) },
  }),
  async (c) => c.json(serialize(await ownFilter(c, c.req.valid("param").custom_filter_id)), 200),
);

accountCustomFilters.openapi(
  createRoute({
    method: "patch",
    path: "/{account_id}/custom_filters/{custom_filter_id}",
    tags,
    security: userSecurity,
    summary: "Rename or change one of the caller's custom filters",
    request: { params, body: { required: true, content: { "application/json": { schema: CustomFilterUpdateInput } } } },
    responses: { 200: json("The custom filter", CustomFilterSchema), ...errorResponses(400, 401, 404, 413, 415, 422) },
  }),
  async (c) => {
    const current = await ownFilter(c, c.req.valid("param").custom_filter_id);
    const input = unwrap(c.req.valid("json"));
    const filterType = input.filter_type ?? input.type ?? current.filterType;
    const query =
      input.query !== undefined || filterType !== current.filterType ? await checkedQuery(c, filterType, input.query ?? current.query) : current.query;
    const [row] = await c.var.db
      .update(customFilters)
      .set({ name: input.name ?? current.name, filterType, query, updatedAt: new Date() })
      .where(eq(customFilters.id, current.id))
      .returning();
    return c.json(serialize(row ?? current), 200);
  },
);

accountCustomFilters.openapi(
  createRoute({
    method: "delete",
    path: "/{account_id}/custom_filters/{custom_filter_id}",
    tags,
    security: userSecurity,
    summary: "Delete one of the caller's custom filters",
    request: { params },
    responses: { 200: { description: "Deleted" }, ...errorResponses(400, 401, 404) },
  }),
  async (c) => {
    const current = await ownFilter(c, c.req.valid("param").custom_filter_id);
    await c.var.db.delete(customFilters).where(eq(customFilters.id, current.id));
    return c.json({}, 200);
  },
);
