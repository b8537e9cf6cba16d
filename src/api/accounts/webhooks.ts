/**
 * Application API: the account's webhooks (Chatwoot's /api/v1/accounts/:account_id/webhooks), their
 * signing secrets, test pings and delivery logs. Administrators only, as in Chatwoot. Deliveries
 * themselves are made by the `webhook.deliver` job (`src/jobs/webhooks.ts`).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, count, desc, eq, sql } from "drizzle-orm";
import type { Context } from "hono";
import { inboxes, WEBHOOK_DELIVERY_STATUSES, webhookDeliveries, webhookDeliveryAttempts, webhooks } from "../../db/schema";
import { checkDestination, privateDestinationsAllowed } from "../../domain/destination-guard";
import { WEBHOOK_EVENTS } from "../../domain/events";
import { newWebhookSecret } from "../../domain/webhook-signature";
import { enqueueWebhookPing } from "../../jobs/webhooks";
import { accountAuditEntry, changedFields } from "../audit";
import { requireRole } from "../auth";
import { type AppEnv, createRouter } from "../context";
import { refreshWorkflowListeners } from "../workflow-listeners";
import { ApiError, errorResponses, notFound } from "../errors";
import { BodyId, idParams, iso, offsetOf, optionalText, PageQuery, pageOf, Timestamp } from "../schemas";
import { userSecurity } from "./profile";

const tags = ["Application: webhooks"];
const accountParams = idParams("account_id");
const webhookParams = idParams("account_id", "webhook_id");
const deliveryParams = idParams("account_id", "webhook_id", "delivery_id");
const AUDITABLE_TYPE = "Webhook";

/** What a webhook gets when created without `subscriptions`: Chatwoot's default (everything but typing). */
const DEFAULT_SUBSCRIPTIONS = WEBHOOK_EVENTS.filter((event) => !event.startsWith("conversation_typing_"));

// ---- Input ---------------------------------------------------------------------------------------

const WebhookUrl = z
  .url({ protocol: /^https?$/, error: "Expected an http or https URL." })
  .max(2048)
  .openapi({
    description:
      "Where deliveries are POSTed. Loopback, private, link-local and other internal destinations are refused (422 " +
      "`destination_not_allowed`) unless the installation allows them (ALLOW_PRIVATE_DESTINATIONS). Unique in the account.",
    example: "https://example.com/parley/webhook",
  });

const Subscriptions = z
  .array(z.enum(WEBHOOK_EVENTS))
  .max(WEBHOOK_EVENTS.length * 2)
  .transform((events) => [...new Set(events)])
  .openapi({ description: "Chatwoot's event names; duplicates are dropped", example: ["conversation_created", "message_created"] });

const WebhookInboxId = BodyId.nullable().openapi({ description: "Only this inbox's events (an inbox of the account); null for all" });

const WebhookInput = z
  .object({
    url: WebhookUrl,
    name: optionalText(255),
    subscriptions: Subscriptions.optional().openapi({ description: `Defaults to ${DEFAULT_SUBSCRIPTIONS.join(", ")}` }),
    inbox_id: WebhookInboxId.optional(),
  })
  .strict()
  .openapi("WebhookInput");

const WebhookUpdateInput = z
  .object({ url: WebhookUrl.optional(), name: optionalText(255), subscriptions: Subscriptions.optional(), inbox_id: WebhookInboxId.optional() })
  .strict()
  .openapi("WebhookUpdateInput");

// ---- Output --------------------------------------------------------------------------------------

const WebhookSchema = z
  .object({
    id: z.number().int(),
    name: z.string().nullable(),
    url: z.string(),
    account_id: z.number().int(),
    subscriptions: z.array(z.string()),
    inbox: z.object({ id: z.number().int(), name: z.string(), channel_type: z.string() }).nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Webhook");

const WebhookWithSecret = WebhookSchema.extend({
  secret: z.string().openapi({ description: "Signs every delivery (X-Parley-Signature). Shown only when created or rotated." }),
}).openapi("WebhookWithSecret");

const DeliverySchema = z
  .object({
    id: z.number().int().openapi({ description: "Also sent as X-Parley-Delivery, the same on every retry" }),
    webhook_id: z.number().int().nullable(),
    event: z.string(),
    url: z.string(),
    status: z.enum(WEBHOOK_DELIVERY_STATUSES).openapi({ description: "failed: the last attempt failed, another follows; dead: given up" }),
    attempts: z.number().int(),
    attempts_count: z
      .number()
      .int()
      .openapi({ description: "How many attempts the attempt log keeps (the newest 20); listed by .../deliveries/{delivery_id}/attempts" }),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    payload: z.record(z.string(), z.unknown()).openapi({ description: "The JSON body sent" }),
    created_at: Timestamp,
    updated_at: Timestamp,
    delivered_at: Timestamp.nullable(),
  })
  .openapi("WebhookDelivery");

const DeliveryAttemptSchema = z
  .object({
    attempt: z.number().int().openapi({ description: "1 for the first attempt" }),
    started_at: Timestamp,
    finished_at: Timestamp,
    status_code: z.number().int().nullable().openapi({ description: "The receiver's HTTP status; null when no answer came" }),
    error: z
      .string()
      .nullable()
      .openapi({ description: "Why the attempt failed, in words (an HTTP status, no answer in time, a refused destination); null when it succeeded" }),
    duration_ms: z.number().int(),
    response_excerpt: z.string().nullable().openapi({ description: "The start of the answer's body, at most 1 KB" }),
  })
  .openapi("WebhookDeliveryAttempt");

type WebhookRow = typeof webhooks.$inferSelect;
type InboxSummary = { id: number; name: string; channelType: string } | null;

/** The webhook under its API names: what the audit log records (never the secret). */
const configurationOf = (row: Pick<WebhookRow, "name" | "url" | "subscriptions" | "inboxId">) => ({
  name: row.name,
  url: row.url,
  subscriptions: row.subscriptions,
  inbox_id: row.inboxId,
});

const serializeWebhook = (row: WebhookRow, inbox: InboxSummary): z.infer<typeof WebhookSchema> => ({
  id: row.id,
  name: row.name,
  url: row.url,
  account_id: row.accountId,
  subscriptions: row.subscriptions,
  inbox: inbox && { id: inbox.id, name: inbox.name, channel_type: inbox.channelType },
  created_at: iso(row.createdAt),
  updated_at: iso(row.updatedAt),
});

const withSecret = (row: WebhookRow, inbox: InboxSummary) => ({ ...serializeWebhook(row, inbox), secret: row.secret });

const serializeDelivery = (row: typeof webhookDeliveries.$inferSelect, attemptsCount = 0): z.infer<typeof DeliverySchema> => ({
  id: row.id,
  webhook_id: row.webhookId,
  event: row.event,
  url: row.url,
  status: row.status,
  attempts: row.attempts,
  attempts_count: attemptsCount,
  last_status_code: row.lastStatusCode,
  last_error: row.lastError,
  payload: JSON.parse(row.body) as Record<string, unknown>,
  created_at: iso(row.createdAt),
  updated_at: iso(row.updatedAt),
  delivered_at: row.deliveredAt && iso(row.deliveredAt),
});

// ---- Lookups and checks --------------------------------------------------------------------------

const inboxColumns = { id: inboxes.id, name: inboxes.name, channelType: inboxes.channelType };

/** One of the account's webhooks with its inbox, or 404 for any other id. */
async function accountWebhook(c: Context<AppEnv>, id: number): Promise<{ webhook: WebhookRow; inbox: InboxSummary }> {
  const [row] = await c.var.db
    .select({ webhook: webhooks, inbox: inboxColumns })
    .from(webhooks)
    .leftJoin(inboxes, eq(inboxes.id, webhooks.inboxId))
    .where(and(eq(webhooks.id, id), eq(webhooks.accountId, c.var.membership.accountId)));
  if (!row) throw notFound("Webhook");
  return row;
}

const invalid = (field: string, message: string, code: string) =>
  new ApiError(422, "validation_failed", "The request body is not valid.", [{ field, message, code }]);

/** 422 unless the URL is a destination this installation may call. */
export function ensureAllowedDestination(c: Context<AppEnv>, url: string, field = "url") {
  const check = checkDestination(url, { allowPrivate: privateDestinationsAllowed(c.env.ALLOW_PRIVATE_DESTINATIONS) });
  if (!check.ok) {
    throw new ApiError(422, "destination_not_allowed", check.message, [{ field, message: check.message, code: check.reason }]);
  }
}

/** The account's inbox `inboxId` (null: none), or 422. */
async function accountInbox(c: Context<AppEnv>, inboxId: number | null): Promise<InboxSummary> {
  if (inboxId === null) return null;
  const [inbox] = await c.var.db
    .select(inboxColumns)
    .from(inboxes)
    .where(and(eq(inboxes.id, inboxId), eq(inboxes.accountId, c.var.membership.accountId)));
  if (!inbox) throw invalid("inbox_id", `Inbox ${inboxId} is not an inbox of this account.`, "not_account_inbox");
  return inbox;
}

/** URLs are unique in an account (Chatwoot's validation): 422 when another webhook has it. */
async function ensureUrlFree(c: Context<AppEnv>, url: string, exceptId?: number) {
  const taken = await c.var.db.query.webhooks.findFirst({
    columns: { id: true },
    where: and(eq(webhooks.accountId, c.var.membership.accountId), eq(webhooks.url, url)),
  });
  if (taken && taken.id !== exceptId) throw invalid("url", "has already been taken", "taken");
}

const WebhookPayload = z.object({ payload: z.object({ webhook: WebhookSchema }) });
const WebhookWithSecretPayload = z.object({ payload: z.object({ webhook: WebhookWithSecret }) });
const json = <T extends z.ZodType>(description: string, schema: T) => ({ description, content: { "application/json": { schema } } });

export const accountWebhooks = createRouter();
accountWebhooks.use("/:account_id/webhooks/*", refreshWorkflowListeners);
accountWebhooks.use("/:account_id/webhooks", refreshWorkflowListeners);

accountWebhooks.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/webhooks",
    tags,
    security: userSecurity,
    summary: "List the account's webhooks (administrators)",
    description: "Chatwoot's shape, `{payload: {webhooks: [...]}}`. Secrets are not listed.",
    middleware: [requireRole("administrator")] as const,
    request: { params: accountParams },
    responses: {
      200: json("The webhooks", z.object({ payload: z.object({ webhooks: z.array(WebhookSchema) }) })),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const rows = await c.var.db
      .select({ webhook: webhooks, inbox: inboxColumns })
      .from(webhooks)
      .leftJoin(inboxes, eq(inboxes.id, webhooks.inboxId))
      .where(eq(webhooks.accountId, c.var.membership.accountId))
      .orderBy(asc(webhooks.id));
    return c.json({ payload: { webhooks: rows.map((row) => serializeWebhook(row.webhook, row.inbox)) } }, 200);
  },
);

accountWebhooks.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/webhooks",
    tags,
    security: userSecurity,
    summary: "Add a webhook (administrators)",
    description:
      "Events the webhook subscribes to are POSTed to `url` as Chatwoot's payloads with `event`, signed with the " +
      'webhook\'s `secret`: `X-Parley-Signature: sha256=<hex HMAC-SHA256 of "<X-Parley-Timestamp>.<raw body>">`. ' +
      "The secret is in this answer only (and when rotated). With `inbox_id`, only that inbox's events are sent.",
    middleware: [requireRole("administrator")] as const,
    request: { params: accountParams, body: { required: true, content: { "application/json": { schema: WebhookInput } } } },
    responses: {
      200: json("The webhook, with its secret", WebhookWithSecretPayload),
      ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
    },
  }),
  async (c) => {
    const input = c.req.valid("json");
    ensureAllowedDestination(c, input.url);
    const inbox = await accountInbox(c, input.inbox_id ?? null);
    await ensureUrlFree(c, input.url);
    const values = {
      accountId: c.var.membership.accountId,
      inboxId: input.inbox_id ?? null,
      name: input.name ?? null,
      url: input.url,
      subscriptions: input.subscriptions ?? DEFAULT_SUBSCRIPTIONS,
      secret: newWebhookSecret(),
    };
    const db = c.var.db;
    const [[row]] = await db.batch([
      db.insert(webhooks).values(values).returning(),
      accountAuditEntry(c, "create", AUDITABLE_TYPE, sql`last_insert_rowid()`, configurationOf(values)),
    ]);
    if (!row) throw new Error("webhook insert returned no row");
    return c.json({ payload: { webhook: withSecret(row, inbox) } }, 200);
  },
);

accountWebhooks.openapi(
  createRoute({
    method: "patch",
    path: "/{account_id}/webhooks/{webhook_id}",
    tags,
    security: userSecurity,
    summary: "Update a webhook (administrators)",
    description: "Deliveries already recorded keep the URL they were recorded for; every attempt signs with the current secret.",
    middleware: [requireRole("administrator")] as const,
    request: { params: webhookParams, body: { required: true, content: { "application/json": { schema: WebhookUpdateInput } } } },
    responses: {
      200: json("The updated webhook", WebhookPayload),
      ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
    },
  }),
  async (c) => {
    const { webhook_id } = c.req.valid("param");
    const input = c.req.valid("json");
    const current = await accountWebhook(c, webhook_id);
    if (input.url !== undefined) {
      ensureAllowedDestination(c, input.url);
      await ensureUrlFree(c, input.url, webhook_id);
    }
    const inbox = input.inbox_id === undefined ? current.inbox : await accountInbox(c, input.inbox_id);
    const changes = changedFields(configurationOf(current.webhook), input);
    if (Object.keys(changes).length === 0) return c.json({ payload: { webhook: serializeWebhook(current.webhook, current.inbox) } }, 200);
    const db = c.var.db;
    const [[updated]] = await db.batch([
      db
        .update(webhooks)
        .set({ url: input.url, name: input.name, subscriptions: input.subscriptions, inboxId: input.inbox_id, updatedAt: new Date() })
        .where(eq(webhooks.id, webhook_id))
        .returning(),
      accountAuditEntry(c, "update", AUDITABLE_TYPE, webhook_id, changes),
    ]);
    return c.json({ payload: { webhook: serializeWebhook(updated ?? current.webhook, inbox) } }, 200);
  },
);

accountWebhooks.openapi(
  createRoute({
    method: "delete",
    path: "/{account_id}/webhooks/{webhook_id}",
    tags,
    security: userSecurity,
    summary: "Delete a webhook (administrators)",
    description: "Its delivery log goes with it, and deliveries not yet made are not made.",
    middleware: [requireRole("administrator")] as const,
    request: { params: webhookParams },
    responses: { 204: { description: "Deleted" }, ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const { webhook_id } = c.req.valid("param");
    const { webhook } = await accountWebhook(c, webhook_id);
    const db = c.var.db;
    await db.batch([
      db.delete(webhooks).where(eq(webhooks.id, webhook.id)),
      accountAuditEntry(c, "destroy", AUDITABLE_TYPE, webhook.id, configurationOf(webhook)),
    ]);
    return c.body(null, 204);
  },
);

accountWebhooks.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/webhooks/{webhook_id}/rotate_secret",
    tags,
    security: userSecurity,
    summary: "Replace a webhook's secret (administrators)",
    description: "Every attempt from now on, retries of earlier events included, is signed with the new secret, shown only here.",
    middleware: [requireRole("administrator")] as const,
    request: { params: webhookParams },
    responses: {
      200: json("The webhook, with its new secret", WebhookWithSecretPayload),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { webhook_id } = c.req.valid("param");
    const current = await accountWebhook(c, webhook_id);
    const db = c.var.db;
    const [[updated]] = await db.batch([
      db.update(webhooks).set({ secret: newWebhookSecret(), updatedAt: new Date() }).where(eq(webhooks.id, webhook_id)).returning(),
      accountAuditEntry(c, "rotate_secret", AUDITABLE_TYPE, webhook_id, { secret: "rotated" }),
    ]);
    if (!updated) throw notFound("Webhook");
    return c.json({ payload: { webhook: withSecret(updated, current.inbox) } }, 200);
  },
);

accountWebhooks.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/webhooks/{webhook_id}/test",
    tags,
    security: userSecurity,
    summary: "Send a signed ping to a webhook (administrators)",
    description:
      'Queues a `ping` event (`{event: "ping", account, webhook}`), signed like every delivery, so the receiver and its ' +
      "signature check can be tried. Its outcome appears in the delivery log.",
    middleware: [requireRole("administrator")] as const,
    request: { params: webhookParams },
    responses: {
      202: json("The queued delivery", z.object({ payload: z.object({ delivery: DeliverySchema }) })),
      ...errorResponses(400, 401, 403, 404, 422),
    },
  }),
  async (c) => {
    const { webhook_id } = c.req.valid("param");
    const { webhook } = await accountWebhook(c, webhook_id);
    ensureAllowedDestination(c, webhook.url);
    const delivery = await enqueueWebhookPing(c.env, webhook);
    return c.json({ payload: { delivery: serializeDelivery(delivery) } }, 202);
  },
);

accountWebhooks.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/webhooks/{webhook_id}/deliveries",
    tags,
    security: userSecurity,
    summary: "A webhook's delivery log (administrators)",
    description:
      "Newest first. Each delivery is one event on its way: `queued`, then `delivered`, or `failed` while the queue retries " +
      "with backoff, and `dead` once it gives up. Finished deliveries are kept for 30 days.",
    middleware: [requireRole("administrator")] as const,
    request: { params: webhookParams, query: PageQuery },
    responses: {
      200: json("A page of deliveries", pageOf(DeliverySchema)),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { webhook_id } = c.req.valid("param");
    const query = c.req.valid("query");
    const { webhook } = await accountWebhook(c, webhook_id);
    const db = c.var.db;
    const ofWebhook = eq(webhookDeliveries.webhookId, webhook.id);
    const attemptsCount = sql<number>`(select count(*) from webhook_delivery_attempts as kept where kept.delivery_id = webhook_deliveries.id)`;
    const [rows, [total]] = await Promise.all([
      db
        .select({ delivery: webhookDeliveries, attemptsCount })
        .from(webhookDeliveries)
        .where(ofWebhook)
        .orderBy(desc(webhookDeliveries.id))
        .limit(query.per_page)
        .offset(offsetOf(query)),
      db.select({ value: count() }).from(webhookDeliveries).where(ofWebhook),
    ]);
    return c.json(
      {
        meta: { count: total?.value ?? 0, current_page: query.page, per_page: query.per_page },
        payload: rows.map((row) => serializeDelivery(row.delivery, row.attemptsCount)),
      },
      200,
    );
  },
);

accountWebhooks.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/webhooks/{webhook_id}/deliveries/{delivery_id}/attempts",
    tags,
    security: userSecurity,
    summary: "A delivery's attempts (administrators)",
    description:
      "Oldest first: when each attempt started and ended, the receiver's HTTP status or why no answer came, in words, how " +
      "long it took and the first kilobyte of the answer. The newest 20 attempts of a delivery are kept.",
    middleware: [requireRole("administrator")] as const,
    request: { params: deliveryParams },
    responses: {
      200: json("The delivery's attempts", z.object({ meta: z.object({ count: z.number().int() }), payload: z.array(DeliveryAttemptSchema) })),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { webhook_id, delivery_id } = c.req.valid("param");
    const { webhook } = await accountWebhook(c, webhook_id);
    const db = c.var.db;
    const [delivery] = await db
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.id, delivery_id), eq(webhookDeliveries.webhookId, webhook.id), eq(webhookDeliveries.accountId, webhook.accountId)));
    if (!delivery) throw notFound("Delivery");
    const rows = await db
      .select()
      .from(webhookDeliveryAttempts)
      .where(and(eq(webhookDeliveryAttempts.deliveryId, delivery.id), eq(webhookDeliveryAttempts.accountId, webhook.accountId)))
      .orderBy(asc(webhookDeliveryAttempts.attempt));
    const payload = rows.map((row) => ({
      attempt: row.attempt,
      started_at: iso(row.startedAt),
      finished_at: iso(row.finishedAt),
      status_code: row.statusCode,
      error: row.error,
      duration_ms: row.durationMs,
      response_excerpt: row.responseExcerpt,
    }));
    return c.json({ meta: { count: payload.length }, payload }, 200);
  },
);
