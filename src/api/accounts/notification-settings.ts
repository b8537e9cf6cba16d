/**
 * Application API: the caller's notification settings in the account (Chatwoot's
 * /api/v1/accounts/:account_id/notification_settings). They live in the Account object beside the
 * notifications they decide: a notification of a type is stored for a user who keeps its email or
 * its push flag.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { EMAIL_FLAGS, type NotificationFlags, PUSH_FLAGS } from "../../domain/notifications";
import { accountObject } from "../../durable/addresses";
import type { NotificationSettingsRecord } from "../../durable/account/notifications";
import { userOf } from "../auth";
import { type AppEnv, createRouter } from "../context";
import { errorResponses } from "../errors";
import { idParams } from "../schemas";
import { userSecurity } from "./profile";

const tags = ["Application: notifications"];
const accountParams = idParams("account_id");
const path = "/{account_id}/notification_settings";

const NotificationSettingsSchema = z
  .object({
    id: z.number().int(),
    user_id: z.number().int(),
    account_id: z.number().int(),
    all_email_flags: z.array(z.enum(EMAIL_FLAGS)),
    selected_email_flags: z.array(z.enum(EMAIL_FLAGS)),
    all_push_flags: z.array(z.enum(PUSH_FLAGS)),
    selected_push_flags: z.array(z.enum(PUSH_FLAGS)),
  })
  .openapi("NotificationSettings");

const NotificationSettingsInput = z
  .object({
    notification_settings: z
      .object({
        selected_email_flags: z
          .array(z.enum(EMAIL_FLAGS))
          .max(EMAIL_FLAGS.length * 2)
          .optional(),
        selected_push_flags: z
          .array(z.enum(PUSH_FLAGS))
          .max(PUSH_FLAGS.length * 2)
          .optional(),
      })
      .strict(),
  })
  .strict()
  .openapi("NotificationSettingsInput", {
    example: { notification_settings: { selected_email_flags: ["email_conversation_assignment"], selected_push_flags: ["push_conversation_creation"] } },
  });

export const accountNotificationSettings = createRouter();

const settingsJson = (accountId: number, record: NotificationSettingsRecord): z.infer<typeof NotificationSettingsSchema> => ({
  id: record.id,
  user_id: record.userId,
  account_id: accountId,
  all_email_flags: [...EMAIL_FLAGS],
  selected_email_flags: record.flags.email,
  all_push_flags: [...PUSH_FLAGS],
  selected_push_flags: record.flags.push,
});

const settingsOf = (c: Context<AppEnv>) => accountObject(c.env, c.var.membership.accountId);

accountNotificationSettings.openapi(
  createRoute({
    method: "get",
    path,
    tags,
    security: userSecurity,
    summary: "The caller's notification settings",
    description:
      "One email and one push flag per notification type. Until the caller saves any, Chatwoot's defaults: no email, push for every type but " +
      "`conversation_creation`, which is only ever stored for users who chose it.",
    request: { params: accountParams },
    responses: {
      200: { description: "The settings", content: { "application/json": { schema: NotificationSettingsSchema } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const record = await settingsOf(c).notificationSettings(userOf(c).id);
    return c.json(settingsJson(c.var.membership.accountId, record), 200);
  },
);

for (const method of ["patch", "put"] as const) {
  accountNotificationSettings.openapi(
    createRoute({
      method,
      path,
      tags,
      security: userSecurity,
      summary: method === "patch" ? "Change the caller's notification settings" : "Change the caller's notification settings (same as PATCH)",
      description:
        "`selected_email_flags` and `selected_push_flags` each replace that kind's flags when given; a kind left out stays as it was. " +
        "A notification of a type is stored (and sent as `notification.created`) for a user who keeps either of its flags.",
      request: { params: accountParams, body: { required: true, content: { "application/json": { schema: NotificationSettingsInput } } } },
      responses: {
        200: { description: "The settings now", content: { "application/json": { schema: NotificationSettingsSchema } } },
        ...errorResponses(400, 401, 404, 413, 415, 422),
      },
    }),
    async (c) => {
      const input = c.req.valid("json").notification_settings;
      const change: Partial<NotificationFlags> = {};
      if (input.selected_email_flags) change.email = [...new Set(input.selected_email_flags)];
      if (input.selected_push_flags) change.push = [...new Set(input.selected_push_flags)];
      const record = await settingsOf(c).updateNotificationSettings(userOf(c).id, change);
      return c.json(settingsJson(c.var.membership.accountId, record), 200);
    },
  );
}
