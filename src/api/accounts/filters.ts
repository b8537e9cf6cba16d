/**
 * Application API: Chatwoot's advanced filters, `POST .../conversations/filter` and
 * `.../contacts/filter`, with its payload `{"payload": [{attribute_key, filter_operator, values,
 * query_operator}]}` (src/domain/chatwoot-filters.ts). Conversations are those the caller sees.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { customAttributeDefinitions } from "../../db/schema";
import { FILTER_OPERATORS } from "../../domain/automation-conditions";
import { type FilterCondition, type FilterKind, filterIssues } from "../../domain/chatwoot-filters";
import { contactPayload } from "../../domain/chatwoot-payloads";
import { accountObject } from "../../durable/addresses";
import { type AppEnv, createRouter } from "../context";
import { ApiError, errorResponses } from "../errors";
import { idParams } from "../schemas";
import { CONVERSATIONS_PER_PAGE, ConversationSchema, CountsSchema } from "./conversation-lists";
import { userSecurity } from "./profile";
import { viewerOf } from "./viewer";

const tags = ["Application: filters"];
const CONTACTS_PER_PAGE = 15;

export const FilterConditionInput = z
  .object({
    attribute_key: z.string().trim().min(1).max(100).openapi({ example: "status" }),
    filter_operator: z.enum(FILTER_OPERATORS),
    values: z
      .array(z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]))
      .max(100)
      .default([])
      .openapi({ description: "Alternatives: equal_to is met by any of them", example: ["open"] }),
    query_operator: z
      .string()
      .nullable()
      .optional()
      .openapi({ description: "AND or OR (either case): joins this condition to the next, AND binding tighter; null on the last" }),
    custom_attribute_type: z.string().max(50).nullable().optional(),
  })
  .strict()
  .openapi("FilterCondition");

/** Chatwoot's filter payload: the conditions, joined left to right. */
export const FilterPayload = z
  .object({ payload: z.array(FilterConditionInput).min(1).max(50) })
  .strict()
  .openapi("FilterPayload", {
    example: {
      payload: [
        { attribute_key: "browser_language", filter_operator: "not_equal_to", values: ["en"], query_operator: "AND" },
        { attribute_key: "status", filter_operator: "equal_to", values: ["pending"], query_operator: null },
      ],
    },
  });

/** The conditions, or 422 naming each one (by index) whose attribute or operator the filter cannot run. */
export async function checkedFilter(c: Context<AppEnv>, kind: FilterKind, conditions: FilterCondition[]): Promise<FilterCondition[]> {
  const definitions = await c.var.db
    .select({ key: customAttributeDefinitions.attributeKey, model: customAttributeDefinitions.attributeModel })
    .from(customAttributeDefinitions)
    .where(eq(customAttributeDefinitions.accountId, c.var.membership.accountId));
  const model = kind === "contact" ? "contact_attribute" : null;
  const keys = new Set(definitions.filter((definition) => model === null || definition.model === model).map((definition) => definition.key));
  const issues = filterIssues(kind, conditions, keys);
  if (issues.length > 0) {
    throw new ApiError(
      422,
      "validation_failed",
      "The filter is not valid.",
      issues.map((issue) => ({ field: `payload.${issue.index}.${issue.field}`, message: issue.message, code: "invalid_filter" })),
    );
  }
  return conditions;
}

const PageParam = z.object({ page: z.coerce.number().int().min(1).max(100_000).default(1) });
const body = { required: true, content: { "application/json": { schema: FilterPayload } } };

export const accountFilters = createRouter();

accountFilters.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/conversations/filter",
    tags,
    security: userSecurity,
    summary: "Filter conversations (Chatwoot's advanced filter)",
    description:
      "Conversations the caller sees that meet the conditions, most recently active first, 25 per page, with the counts per " +
      "assignee type. Attributes: status, assignee_id, inbox_id, team_id, display_id, campaign_id, labels, browser_language, " +
      "conversation_language, country_code, referer, priority, created_at, last_activity_at, the contact's email and " +
      "phone_number, the last message's message_type and content, and the account's custom attributes.",
    request: { params: idParams("account_id"), query: PageParam, body },
    responses: {
      200: {
        description: "A page of conversations",
        content: { "application/json": { schema: z.object({ meta: CountsSchema, payload: z.array(ConversationSchema) }) } },
      },
      ...errorResponses(400, 401, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const { page } = c.req.valid("query");
    const conditions = await checkedFilter(c, "conversation", c.req.valid("json").payload);
    const viewer = await viewerOf(c);
    const result = await accountObject(c.env, c.var.membership.accountId).filterConversations({
      visibleInboxIds: viewer.inboxIds,
      viewerId: viewer.userId,
      conditions,
      page,
      perPage: CONVERSATIONS_PER_PAGE,
    });
    return c.json({ meta: result.counts, payload: result.payload }, 200);
  },
);

accountFilters.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/contacts/filter",
    tags,
    security: userSecurity,
    summary: "Filter contacts (Chatwoot's advanced filter)",
    description:
      "Contacts that meet the conditions, newest first, 15 per page. Attributes: name, email, phone_number, identifier, " +
      "country_code, city, company, labels, created_at, last_activity_at and the account's contact custom attributes.",
    request: { params: idParams("account_id"), query: PageParam, body },
    responses: {
      200: {
        description: "A page of contacts",
        content: {
          "application/json": {
            schema: z.object({
              meta: z.object({ count: z.number().int(), current_page: z.number().int() }),
              payload: z.array(z.record(z.string(), z.unknown())),
            }),
          },
        },
      },
      ...errorResponses(400, 401, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const { page } = c.req.valid("query");
    const conditions = await checkedFilter(c, "contact", c.req.valid("json").payload);
    const result = await accountObject(c.env, c.var.membership.accountId).filterContacts({ conditions, page, perPage: CONTACTS_PER_PAGE });
    return c.json({ meta: { count: result.count, current_page: page }, payload: result.contacts.map(contactPayload) }, 200);
  },
);
