/**
 * Application API: Chatwoot's integration apps and hooks (`integrations/apps`, `integrations/hooks`).
 * Parley runs one of Chatwoot's apps, `webhook`: its hooks are the account's webhooks (an inbox's, with
 * `inbox_id`), so a hook made here delivers exactly as one made under /webhooks does, and is listed,
 * signed and logged there. Chatwoot's other apps (Slack, Dialogflow, Dyte, Linear, OpenAI, ...) are
 * third-party products Parley does not connect to: a hook for one answers 422 `app_not_supported`.
 * Administrators only, as in Chatwoot.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, sql } from "drizzle-orm";
import type { Context } from "hono";
import { inboxes, webhooks } from "../../db/schema";
import { WEBHOOK_EVENTS } from "../../domain/events";
import { newWebhookSecret } from "../../domain/webhook-signature";
import { accountAuditEntry } from "../audit";
import { requireRole } from "../auth";
import { type AppEnv, createRouter } from "../context";
import { ApiError, errorResponses, notFound } from "../errors";
import { BodyId, idParams } from "../schemas";
import { refreshWorkflowListeners } from "../workflow-listeners";
import { userSecurity } from "./profile";
import { ensureAllowedDestination } from "./webhooks";

const tags = ["Application: integrations"];
const SUPPORTED_APPS = ["webhook"] as const;
const DEFAULT_EVENTS = WEBHOOK_EVENTS.filter((event) => !event.startsWith("conversation_typing_"));

const HookSettings = z
  .object({
    url: z.url({ protocol: /^https?$/, error: "Expected an http or https URL." }).max(2048),
    events: z
      .array(z.enum(WEBHOOK_EVENTS))
      .max(WEBHOOK_EVENTS.length * 2)
      .optional()
      .openapi({ description: "Chatwoot's webhook event names; all but typing by default" }),
    name: z.string().trim().max(255).optional(),
  })
  .strict()
  .openapi("WebhookHookSettings");

const HookInput = z
  .object({
    app_id: z.string().trim().min(1).max(100).openapi({ description: "The app: `webhook` is the one Parley runs", example: "webhook" }),
    inbox_id: BodyId.nullable().optional(),
    settings: HookSettings,
  })
  .strict()
  .openapi("IntegrationHookInput");

const HookUpdateInput = z
  .object({ status: z.enum(["enabled"]).optional(), inbox_id: BodyId.nullable().optional(), settings: HookSettings.partial().optional() })
  .strict()
  .openapi("IntegrationHookUpdateInput");

const HookSchema = z
  .object({
    id: z.number().int(),
    app_id: z.literal("webhook"),
    status: z.literal("enabled"),
    hook_type: z.enum(["account", "inbox"]),
    account_id: z.number().int(),
    inbox: z.object({ id: z.number().int(), name: z.string() }).nullable(),
    settings: z.object({ url: z.string(), events: z.array(z.string()), name: z.string().nullable() }),
  })
  .openapi("IntegrationHook");

const AppSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    enabled: z.boolean(),
    allow_multiple_hooks: z.boolean(),
    hook_type: z.string(),
    action: z.string(),
    hooks: z.array(HookSchema),
  })
  .openapi("IntegrationApp");

type WebhookRow = typeof webhooks.$inferSelect;
type InboxSummary = { id: number; name: string } | null;

const serializeHook = (row: WebhookRow, inbox: InboxSummary): z.infer<typeof HookSchema> => ({
  id: row.id,
  app_id: "webhook",
  status: "enabled",
  hook_type: row.inboxId === null ? "account" : "inbox",
  account_id: row.accountId,
  inbox,
  settings: { url: row.url, events: row.subscriptions, name: row.name },
});

const invalid = (field: string, message: string, code: string) =>
  new ApiError(422, "validation_failed", "The request body is not valid.", [{ field, message, code }]);

async function accountInbox(c: Context<AppEnv>, inboxId: number | null): Promise<InboxSummary> {
  if (inboxId === null) return null;
  const inbox = await c.var.db.query.inboxes.findFirst({
    where: and(eq(inboxes.id, inboxId), eq(inboxes.accountId, c.var.membership.accountId)),
    columns: { id: true, name: true },
  });
  if (!inbox) throw invalid("inbox_id", `Inbox ${inboxId} is not an inbox of this account.`, "not_account_inbox");
  return inbox;
}

async function accountHook(c: Context<AppEnv>, id: number): Promise<{ webhook: WebhookRow; inbox: InboxSummary }> {
  const [row] = await c.var.db
    .select({ webhook: webhooks, inbox: { id: inboxes.id, name: inboxes.name } })
    .from(webhooks)
    .leftJoin(inboxes, eq(inboxes.id, webhooks.inboxId))
    .where(and(eq(webhooks.id, id), eq(webhooks.accountId, c.var.membership.accountId)));
  if (!row) throw notFound("Hook");
  return row;
}

async function ensureUrlFree(c: Context<AppEnv>, url: string, exceptId?: number) {
  const taken = await c.var.db.query.webhooks.findFirst({
    columns: { id: true },
    where: and(eq(webhooks.accountId, c.var.membership.accountId), eq(webhooks.url, url)),
  });
  if (taken && taken.id !== exceptId) throw invalid("settings.url", "has already been taken", "taken");
}

const json = <T extends z.ZodType>(description: string, schema: T) => ({ description, content: { "application/json": { schema } } });

export const accountIntegrationHooks = createRouter();
accountIntegrationHooks.use("/:account_id/integrations/hooks", refreshWorkflowListeners);
accountIntegrationHooks.use("/:account_id/integrations/hooks/*", refreshWorkflowListeners);

accountIntegrationHooks.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/integrations/apps",
    tags,
    security: userSecurity,
    summary: "The integration apps Parley runs, with their hooks (administrators)",
    middleware: [requireRole("administrator")] as const,
    request: { params: idParams("account_id") },
    responses: { 200: json("The apps", z.object({ payload: z.array(AppSchema) })), ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const rows = await c.var.db
      .select({ webhook: webhooks, inbox: { id: inboxes.id, name: inboxes.name } })
      .from(webhooks)
      .leftJoin(inboxes, eq(inboxes.id, webhooks.inboxId))
      .where(eq(webhooks.accountId, c.var.membership.accountId))
      .orderBy(asc(webhooks.id));
    const hooks = rows.map((row) => serializeHook(row.webhook, row.inbox));
    const webhookApp = {
      id: "webhook",
      name: "Webhooks",
      description: "Events of the account, or of one inbox, POSTed to a URL as Chatwoot's payloads, signed and retried.",
      enabled: hooks.length > 0,
      allow_multiple_hooks: true,
      hook_type: "account",
      action: "/webhooks",
      hooks,
    };
    return c.json({ payload: [webhookApp] }, 200);
  },
);

accountIntegrationHooks.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/integrations/hooks",
    tags,
    security: userSecurity,
    summary: "Add a hook of an app (administrators)",
    description:
      "`webhook`: `settings.url` (and optionally `events`, `name`) become a webhook of the account, of `inbox_id`'s events alone when given. " +
      `Other apps answer 422 app_not_supported; Parley runs ${SUPPORTED_APPS.join(", ")}.`,
    middleware: [requireRole("administrator")] as const,
    request: { params: idParams("account_id"), body: { required: true, content: { "application/json": { schema: HookInput } } } },
    responses: { 200: json("The hook", HookSchema), ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
  }),
  async (c) => {
    const input = c.req.valid("json");
    if (!(SUPPORTED_APPS as readonly string[]).includes(input.app_id)) {
      throw new ApiError(422, "app_not_supported", `Parley does not run the ${input.app_id} app; it runs ${SUPPORTED_APPS.join(", ")}.`, [
        { field: "app_id", message: `expected one of ${SUPPORTED_APPS.join(", ")}`, code: "app_not_supported" },
      ]);
    }
    ensureAllowedDestination(c, input.settings.url, "settings.url");
    const inbox = await accountInbox(c, input.inbox_id ?? null);
    await ensureUrlFree(c, input.settings.url);
    const values = {
      accountId: c.var.membership.accountId,
      inboxId: inbox?.id ?? null,
      name: input.settings.name || null,
      url: input.settings.url,
      subscriptions: [...new Set(input.settings.events ?? DEFAULT_EVENTS)],
      secret: newWebhookSecret(),
    };
    const db = c.var.db;
    const [[row]] = await db.batch([
      db.insert(webhooks).values(values).returning(),
      accountAuditEntry(c, "create", "Webhook", sql`last_insert_rowid()`, {
        name: values.name,
        url: values.url,
        subscriptions: values.subscriptions,
        inbox_id: values.inboxId,
      }),
    ]);
    if (!row) throw new Error("webhook insert returned no row");
    return c.json(serializeHook(row, inbox), 200);
  },
);

accountIntegrationHooks.openapi(
  createRoute({
    method: "patch",
    path: "/{account_id}/integrations/hooks/{hook_id}",
    tags,
    security: userSecurity,
    summary: "Update a hook (administrators)",
    middleware: [requireRole("administrator")] as const,
    request: { params: idParams("account_id", "hook_id"), body: { required: true, content: { "application/json": { schema: HookUpdateInput } } } },
    responses: { 200: json("The hook", HookSchema), ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
  }),
  async (c) => {
    const { hook_id } = c.req.valid("param");
    const input = c.req.valid("json");
    const current = await accountHook(c, hook_id);
    const url = input.settings?.url;
    if (url !== undefined) {
      ensureAllowedDestination(c, url, "settings.url");
      await ensureUrlFree(c, url, hook_id);
    }
    const inbox = input.inbox_id === undefined ? current.inbox : await accountInbox(c, input.inbox_id);
    const next = {
      url: url ?? current.webhook.url,
      name: input.settings?.name === undefined ? current.webhook.name : input.settings.name || null,
      subscriptions: input.settings?.events ? [...new Set(input.settings.events)] : current.webhook.subscriptions,
      inboxId: inbox?.id ?? null,
    };
    const db = c.var.db;
    const [[updated]] = await db.batch([
      db
        .update(webhooks)
        .set({ ...next, updatedAt: new Date() })
        .where(eq(webhooks.id, hook_id))
        .returning(),
      accountAuditEntry(c, "update", "Webhook", hook_id, {
        url: [current.webhook.url, next.url],
        subscriptions: [current.webhook.subscriptions, next.subscriptions],
        inbox_id: [current.webhook.inboxId, next.inboxId],
      }),
    ]);
    return c.json(serializeHook(updated ?? current.webhook, inbox), 200);
  },
);

accountIntegrationHooks.openapi(
  createRoute({
    method: "delete",
    path: "/{account_id}/integrations/hooks/{hook_id}",
    tags,
    security: userSecurity,
    summary: "Delete a hook (administrators)",
    middleware: [requireRole("administrator")] as const,
    request: { params: idParams("account_id", "hook_id") },
    responses: { 200: { description: "Deleted" }, ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const { webhook } = await accountHook(c, c.req.valid("param").hook_id);
    const db = c.var.db;
    await db.batch([
      db.delete(webhooks).where(eq(webhooks.id, webhook.id)),
      accountAuditEntry(c, "destroy", "Webhook", webhook.id, {
        name: webhook.name,
        url: webhook.url,
        subscriptions: webhook.subscriptions,
        inbox_id: webhook.inboxId,
      }),
    ]);
    return c.json({}, 200);
  },
);
