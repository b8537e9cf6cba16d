/**
 * Application API: what the agents' conversation lists are made of besides the list itself: the
 * filters and sorts every list takes (shared with `GET .../conversations`), Chatwoot's counts per
 * assignee type (`conversations/meta`) and its search over contacts and message text
 * (`conversations/search`). Everything is answered by the Account object's index.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { CONVERSATION_STATUSES } from "../../domain/conversation";
import { accountObject } from "../../durable/addresses";
import { CONVERSATION_SORTS, type ConversationFilter, type ConversationScope } from "../../durable/account/conversation-index";
import { type AppEnv, createRouter } from "../context";
import { errorResponses } from "../errors";
import { Id, idParams } from "../schemas";
import { userSecurity } from "./profile";
import { viewerOf } from "./viewer";

const tags = ["Application: conversations"];

/** Conversations per page, as in Chatwoot. */
export const CONVERSATIONS_PER_PAGE = 25;

const labelsParam = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) => (value === undefined ? [] : (Array.isArray(value) ? value : value.split(",")).map((l) => l.trim()).filter(Boolean)));

/** The filters every list, count and search takes. */
const ScopeQuery = z.object({
  status: z.enum([...CONVERSATION_STATUSES, "all"]).optional(),
  inbox_id: Id.optional(),
  team_id: Id.optional(),
  "labels[]": labelsParam.openapi({ description: "Conversations with any of these labels" }),
  labels: labelsParam,
  q: z.string().trim().max(200).optional().openapi({ description: "Display id, the contact's name, email, phone number or identifier, or words of a message" }),
});

/** A list's query: the filters, the assignee tab, the order and the page. */
export const ListQuery = ScopeQuery.extend({
  assignee_type: z.enum(["me", "unassigned", "assigned", "all"]).default("all"),
  sort_by: z
    .enum(CONVERSATION_SORTS)
    .default("last_activity_at_desc")
    .openapi({ description: "Chatwoot's sort keys; `latest`, `sort_on_created_at`, `sort_on_priority` and `sort_on_waiting_since` are its older names" }),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
type ListQuery = z.infer<typeof ListQuery>;

export const CountsSchema = z
  .object({
    mine_count: z.number().int(),
    unassigned_count: z.number().int(),
    assigned_count: z.number().int(),
    all_count: z.number().int(),
  })
  .openapi("ConversationCounts");

export const ConversationSchema = z.record(z.string(), z.unknown()).openapi("Conversation", { description: "Chatwoot's conversation object" });

/** The caller's view of a list query: what they may see, filtered as asked (status `defaultStatus` unless given). */
async function scopeOf(c: Context<AppEnv>, query: z.infer<typeof ScopeQuery>, defaultStatus: ConversationScope["status"]): Promise<ConversationScope> {
  const viewer = await viewerOf(c);
  return {
    status: query.status ?? defaultStatus,
    inboxId: query.inbox_id ?? null,
    teamId: query.team_id ?? null,
    labels: [...query["labels[]"], ...query.labels],
    q: query.q || null,
    visibleInboxIds: viewer.inboxIds,
    viewerId: viewer.userId,
  };
}

/** The Account object's filter for a list query; lists show open conversations unless asked otherwise. */
export async function listFilterOf(c: Context<AppEnv>, query: ListQuery, defaultStatus: ConversationScope["status"] = "open"): Promise<ConversationFilter> {
  return {
    ...(await scopeOf(c, query, defaultStatus)),
    assigneeType: query.assignee_type,
    sort: query.sort_by,
    page: query.page,
    perPage: CONVERSATIONS_PER_PAGE,
  };
}

export const accountConversationLists = createRouter();

accountConversationLists.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/conversations/meta",
    tags,
    security: userSecurity,
    summary: "Count conversations per assignee type",
    description:
      "Chatwoot's counts for the Mine, Unassigned and All tabs (and assigned) with the list's filters; open conversations " +
      "unless `status` says otherwise. Agents count the conversations of their inboxes.",
    request: { params: idParams("account_id"), query: ScopeQuery },
    responses: {
      200: { description: "The counts", content: { "application/json": { schema: z.object({ meta: CountsSchema }) } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const scope = await scopeOf(c, c.req.valid("query"), "open");
    return c.json({ meta: await accountObject(c.env, c.var.membership.accountId).conversationCounts(scope) }, 200);
  },
);

const SearchQuery = ListQuery.extend({
  q: z.string().trim().min(1).max(200).openapi({ description: "Words to find: each matches as a prefix, all must match" }),
});

accountConversationLists.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/conversations/search",
    tags,
    security: userSecurity,
    summary: "Search conversations by contact and message text",
    description:
      "Conversations whose display id, contact (name, email, phone number, identifier) or message text (incoming " +
      "messages, replies and private notes; each word as a prefix) matches `q`, 25 per page in the list's order, in " +
      "every status unless `status` is given. Each has in `messages` its newest matching message, or its last message " +
      "when only the contact matched. Agents find the conversations of their inboxes.",
    request: { params: idParams("account_id"), query: SearchQuery },
    responses: {
      200: {
        description: "A page of matching conversations and the counts per assignee type",
        content: { "application/json": { schema: z.object({ meta: CountsSchema, payload: z.array(ConversationSchema) }) } },
      },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const filter = await listFilterOf(c, query, "all");
    const result = await accountObject(c.env, c.var.membership.accountId).searchConversations({ ...filter, q: query.q });
    return c.json({ meta: result.counts, payload: result.payload }, 200);
  },
);
