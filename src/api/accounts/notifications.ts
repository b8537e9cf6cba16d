/**
 * Application API: the caller's own notifications in the account (Chatwoot's
 * /api/v1/accounts/:account_id/notifications). They live in the Account object; each user sees,
 * marks and deletes only theirs.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { NOTIFICATION_TYPES } from "../../domain/notifications";
import { accountObject } from "../../durable/addresses";
import { userOf } from "../auth";
import { createRouter } from "../context";
import { errorResponses, notFound } from "../errors";
import { BodyId, idParams } from "../schemas";
import { userSecurity } from "./profile";
import { viewerOf } from "./viewer";

const tags = ["Application: notifications"];
const security = userSecurity;
const accountParams = idParams("account_id");
const notificationParams = idParams("account_id", "notification_id");

/** Chatwoot's page size for notifications. */
const PER_PAGE = 15;

const NotificationSchema = z
  .object({
    id: z.number().int(),
    notification_type: z.enum(NOTIFICATION_TYPES),
    push_message_title: z.string(),
    primary_actor_type: z.literal("Conversation"),
    primary_actor_id: z.number().int(),
    primary_actor: z.record(z.string(), z.unknown()).nullable().openapi({ description: "The conversation, null once the caller no longer sees it" }),
    read_at: z.string().nullable().openapi({ format: "date-time" }),
    secondary_actor: z.null(),
    user_id: z.number().int(),
    created_at: z.number().int().openapi({ description: "Unix seconds" }),
    last_activity_at: z.number().int(),
    snoozed_until: z.null(),
    account_id: z.number().int(),
  })
  .openapi("Notification");

const NotificationPage = z
  .object({
    data: z.object({
      meta: z.object({ unread_count: z.number().int(), count: z.number().int(), current_page: z.number().int() }),
      payload: z.array(NotificationSchema),
    }),
  })
  .openapi("NotificationPage");

const ReadAllInput = z
  .object({
    primary_actor_type: z.literal("Conversation"),
    primary_actor_id: BodyId.openapi({ description: "The conversation's display id" }),
  })
  .strict()
  .openapi("NotificationReadAllInput");

export const accountNotifications = createRouter();

accountNotifications.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/notifications",
    tags,
    security,
    summary: "The caller's notifications, newest first",
    description: `Pages of ${PER_PAGE}, as in Chatwoot. \`unread_count\` and \`count\` cover all of the caller's notifications in the account.`,
    request: {
      params: accountParams,
      query: z.object({ page: z.coerce.number().int().min(1).max(100_000).default(1).openapi({ example: 1 }) }),
    },
    responses: {
      200: { description: "A page of notifications", content: { "application/json": { schema: NotificationPage } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { page } = c.req.valid("query");
    const viewer = await viewerOf(c);
    const list = await accountObject(c.env, c.var.membership.accountId).listNotifications(viewer, page, PER_PAGE);
    const data = { meta: { unread_count: list.unreadCount, count: list.count, current_page: page }, payload: list.payload };
    return c.json({ data }, 200);
  },
);

accountNotifications.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/notifications/unread_count",
    tags,
    security,
    summary: "How many of the caller's notifications are unread",
    request: { params: accountParams },
    responses: {
      200: { description: "The number, bare (as in Chatwoot)", content: { "application/json": { schema: z.number().int() } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const count = await accountObject(c.env, c.var.membership.accountId).unreadNotificationCount(userOf(c).id);
    return c.json(count, 200);
  },
);

accountNotifications.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/notifications/read_all",
    tags,
    security,
    summary: "Mark all of the caller's notifications read",
    description: 'With `{primary_actor_type: "Conversation", primary_actor_id}`, only those about that conversation. Answers 200 with no body.',
    request: {
      params: accountParams,
      body: { required: false, content: { "application/json": { schema: ReadAllInput } } },
    },
    responses: {
      200: { description: "Marked" },
      ...errorResponses(400, 401, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const input = c.req.valid("json") as z.infer<typeof ReadAllInput> | undefined;
    await accountObject(c.env, c.var.membership.accountId).readAllNotifications(userOf(c).id, input?.primary_actor_id ?? null);
    return c.body(null, 200);
  },
);

const marks = [
  { method: "patch", path: "/{account_id}/notifications/{notification_id}", summary: "Mark one of the caller's notifications read", read: true },
  { method: "post", path: "/{account_id}/notifications/{notification_id}/unread", summary: "Mark one of the caller's notifications unread", read: false },
] as const;

for (const { method, path, summary, read } of marks) {
  accountNotifications.openapi(
    createRoute({
      method,
      path,
      tags,
      security,
      summary,
      request: { params: notificationParams },
      responses: {
        200: { description: "The notification", content: { "application/json": { schema: NotificationSchema } } },
        ...errorResponses(400, 401, 404),
      },
    }),
    async (c) => {
      const { notification_id } = c.req.valid("param");
      const marked = await accountObject(c.env, c.var.membership.accountId).markNotification(await viewerOf(c), notification_id, read);
      if (!marked) throw notFound("Notification");
      return c.json(marked, 200);
    },
  );
}

accountNotifications.openapi(
  createRoute({
    method: "delete",
    path: "/{account_id}/notifications/{notification_id}",
    tags,
    security,
    summary: "Delete one of the caller's notifications",
    description: "Answers 200 with no body, as in Chatwoot.",
    request: { params: notificationParams },
    responses: {
      200: { description: "Deleted" },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { notification_id } = c.req.valid("param");
    if (!(await accountObject(c.env, c.var.membership.accountId).deleteNotification(userOf(c).id, notification_id))) throw notFound("Notification");
    return c.body(null, 200);
  },
);
