/**
 * Where the calling user's notifications are pushed, with Chatwoot's paths and bodies:
 * `POST /api/v1/notification_subscriptions` (a browser's Web Push subscription, `browser_push`, or
 * the mobile app's device token, `fcm`), `DELETE /api/v1/notification_subscriptions` (by
 * `push_token` or `endpoint`), the installation's VAPID public key the console subscribes with, and
 * `PUT /api/v1/profile/set_active_account`, which the mobile app calls when the user switches account.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, eq, sql } from "drizzle-orm";
import { accountUsers, notificationSubscriptions } from "../../db/schema";
import { userOf } from "../auth";
import { createRouter } from "../context";
import { ApiError, errorResponses, notFound } from "../errors";
import { BodyId, iso, Timestamp } from "../schemas";
import { userSecurity } from "./profile";

const tags = ["Application: profile"];

const Key = z.string().trim().min(1).max(512);
const HttpsUrl = z
  .string()
  .trim()
  .max(2048)
  .url()
  .refine((url) => url.startsWith("https://") || url.startsWith("http://"), "Expected an http(s) URL.");

/** The app's device details beside its token (deviceName, devicePlatform, apiLevel, ...): kept as they come, a few short strings. */
const DeviceDetails = z
  .object({ push_token: Key, device_id: Key.optional() })
  .catchall(z.string().max(256))
  .refine((attributes) => Object.keys(attributes).length <= 20, "At most 20 attributes.");

const SubscriptionFields = z.discriminatedUnion("subscription_type", [
  z
    .object({
      subscription_type: z.literal("browser_push"),
      subscription_attributes: z.object({ endpoint: HttpsUrl, p256dh: Key, auth: Key }).strict(),
    })
    .strict(),
  z.object({ subscription_type: z.literal("fcm"), subscription_attributes: DeviceDetails }).strict(),
]);

/**
 * Chatwoot's body is `{"notification_subscription": {...}}`; its mobile app sends the fields
 * unwrapped (Rails wraps them), so both are taken.
 */
const SubscriptionInput = z
  .preprocess(
    // Only a body that is the wrapper alone is unwrapped: anything beside it is refused with the rest.
    (body) =>
      typeof body === "object" && body !== null && Object.keys(body).length === 1 && "notification_subscription" in body
        ? body.notification_subscription
        : body,
    SubscriptionFields,
  )
  .openapi("NotificationSubscriptionInput", {
    description: "The fields, wrapped in `notification_subscription` (Chatwoot's documented body) or not (its mobile app's).",
  });

const SubscriptionSchema = z
  .object({
    id: z.number().int(),
    user_id: z.number().int(),
    subscription_type: z.enum(["browser_push", "fcm"]),
    subscription_attributes: z.record(z.string(), z.string()),
    identifier: z.string(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("NotificationSubscription");

const SubscriptionRef = z.object({ push_token: Key.optional(), endpoint: HttpsUrl.optional() });

export const notificationSubscriptionRoutes = createRouter();

notificationSubscriptionRoutes.openapi(
  createRoute({
    method: "post",
    path: "/notification_subscriptions",
    tags,
    security: userSecurity,
    summary: "Receive notifications as browser or mobile pushes",
    description:
      "`browser_push` with the browser's Web Push subscription (`endpoint`, `p256dh`, `auth`; subscribe with the key of " +
      "`GET /api/v1/notification_subscriptions/vapid_public_key`), or `fcm` with the mobile app's `push_token`, which " +
      "reaches the app through the installation's push relay. Subscribing the same endpoint or token again updates it. " +
      "Notifications are pushed for the types the user keeps the push flag of (notification_settings).",
    request: { body: { required: true, content: { "application/json": { schema: SubscriptionInput } } } },
    responses: {
      200: { description: "The subscription", content: { "application/json": { schema: SubscriptionSchema } } },
      ...errorResponses(400, 401, 413, 415, 422),
    },
  }),
  async (c) => {
    const input = c.req.valid("json");
    const user = userOf(c);
    const identifier = input.subscription_type === "browser_push" ? input.subscription_attributes.endpoint : input.subscription_attributes.push_token;
    const attributes: Record<string, string> = { ...input.subscription_attributes };
    const [row] = await c.var.db
      .insert(notificationSubscriptions)
      .values({ userId: user.id, subscriptionType: input.subscription_type, identifier, attributes })
      .onConflictDoUpdate({
        target: [notificationSubscriptions.userId, notificationSubscriptions.identifier],
        set: { subscriptionType: input.subscription_type, attributes, updatedAt: sql`(unixepoch())` },
      })
      .returning();
    if (!row) throw new ApiError(422, "validation_failed", "The subscription could not be stored.");
    return c.json(
      {
        id: row.id,
        user_id: row.userId,
        subscription_type: row.subscriptionType,
        subscription_attributes: row.attributes,
        identifier: row.identifier,
        created_at: iso(row.createdAt),
        updated_at: iso(row.updatedAt),
      },
      200,
    );
  },
);

notificationSubscriptionRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/notification_subscriptions",
    tags,
    security: userSecurity,
    summary: "Stop pushing to a browser or device",
    description:
      "Removes the caller's subscription named by `push_token` (the mobile app, on sign-out) or `endpoint` (a browser). Answers 200 whether it existed or not.",
    request: {
      query: SubscriptionRef,
      // Chatwoot's mobile app names the token in a JSON body.
      body: { required: false, content: { "application/json": { schema: SubscriptionRef.strict() } } },
    },
    responses: { 200: { description: "Removed" }, ...errorResponses(400, 401, 413, 415, 422) },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const body = c.req.valid("json") ?? {};
    const identifier = body.push_token ?? body.endpoint ?? query.push_token ?? query.endpoint;
    if (!identifier) {
      throw new ApiError(422, "validation_failed", "Name the subscription by push_token or endpoint.", [
        { field: "push_token", message: "can't be blank", code: "blank" },
      ]);
    }
    await c.var.db
      .delete(notificationSubscriptions)
      .where(and(eq(notificationSubscriptions.userId, userOf(c).id), eq(notificationSubscriptions.identifier, identifier)));
    return c.json({}, 200);
  },
);

notificationSubscriptionRoutes.openapi(
  createRoute({
    method: "get",
    path: "/notification_subscriptions/vapid_public_key",
    tags,
    security: userSecurity,
    summary: "The key browsers subscribe to Web Push with",
    description: "The installation's VAPID public key (base64url), the `applicationServerKey` of `pushManager.subscribe`; null when the installation has none.",
    responses: {
      200: { description: "The key", content: { "application/json": { schema: z.object({ vapid_public_key: z.string().nullable() }) } } },
      ...errorResponses(401),
    },
  }),
  (c) => c.json({ vapid_public_key: c.env.VAPID_PUBLIC_KEY || null }, 200),
);

const ActiveAccountInput = z
  .object({ profile: z.object({ account_id: BodyId.openapi({ description: "One of the caller's sub-accounts" }) }).strict() })
  .strict()
  .openapi("ActiveAccountInput");

notificationSubscriptionRoutes.openapi(
  createRoute({
    method: "put",
    path: "/profile/set_active_account",
    tags,
    security: userSecurity,
    summary: "Choose the account the apps open",
    description: "Records the sub-account as the caller's most recently active one (Chatwoot's `active_at` on the profile's `accounts`).",
    request: { body: { required: true, content: { "application/json": { schema: ActiveAccountInput } } } },
    responses: { 200: { description: "Recorded" }, ...errorResponses(400, 401, 404, 413, 415, 422) },
  }),
  async (c) => {
    const { account_id } = c.req.valid("json").profile;
    const updated = await c.var.db
      .update(accountUsers)
      .set({ activeAt: new Date() })
      .where(and(eq(accountUsers.userId, userOf(c).id), eq(accountUsers.accountId, account_id)))
      .returning({ accountId: accountUsers.accountId });
    if (updated.length === 0) throw notFound("Account");
    return c.json({}, 200);
  },
);
