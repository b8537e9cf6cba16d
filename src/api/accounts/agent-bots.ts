/**
 * Application API: the account's agent bots (Chatwoot's /api/v1/accounts/:account_id/agent_bots) and
 * which inbox each answers (`inboxes/:id/agent_bot`, `set_agent_bot`). A bot gets its inboxes' events
 * at `outgoing_url` (src/jobs/inbox-deliveries.ts) and answers with its own access token, shown when
 * the bot is created and when it is reset. Administrators manage bots; every member may list them.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Context } from "hono";
import { agentBotInboxes, agentBots, inboxes, webhookDeliveries } from "../../db/schema";
import { issueAccessToken } from "../../domain/tokens";
import { newWebhookSecret } from "../../domain/webhook-signature";
import { accountAuditEntry, changedFields } from "../audit";
import { requireRole } from "../auth";
import { type AppEnv, createRouter } from "../context";
import { errorResponses, notFound, ApiError } from "../errors";
import { BodyId, idParams, iso, Name, optionalText, Timestamp } from "../schemas";
import { refreshWorkflowListeners } from "../workflow-listeners";
import { userSecurity } from "./profile";
import { ensureAllowedDestination } from "./webhooks";

const tags = ["Application: agent bots"];
const AUDITABLE_TYPE = "AgentBot";
const accountParams = idParams("account_id");
const botParams = idParams("account_id", "agent_bot_id");
const inboxParams = idParams("account_id", "inbox_id");

const OutgoingUrl = z
  .url({ protocol: /^https?$/, error: "Expected an http or https URL." })
  .max(2048)
  .openapi({
    description:
      "Where the bot's inboxes' events are POSTed, signed with the bot's `secret` (X-Chatwoot-Signature and X-Parley-Signature). " +
      "Internal destinations are refused (422 `destination_not_allowed`) unless the installation allows them.",
    example: "https://bot.example.com/chatwoot",
  });

const AgentBotInput = z
  .object({ name: Name, description: optionalText(1000), outgoing_url: OutgoingUrl.nullable().optional() })
  .strict()
  .openapi("AgentBotInput");

const AgentBotUpdateInput = z
  .object({ name: Name.optional(), description: optionalText(1000), outgoing_url: OutgoingUrl.nullable().optional() })
  .strict()
  .openapi("AgentBotUpdateInput");

export const AgentBotSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    description: z.string().nullable(),
    thumbnail: z.string(),
    outgoing_url: z.string().nullable(),
    bot_type: z.literal("webhook"),
    bot_config: z.record(z.string(), z.unknown()),
    account_id: z.number().int(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("AgentBot");

const AgentBotWithToken = AgentBotSchema.extend({
  access_token: z.string().openapi({ description: "The bot's token for the Application API (`api_access_token`). Shown only here and when reset." }),
  secret: z.string().openapi({ description: "Signs the events sent to outgoing_url. Shown only here and when reset." }),
}).openapi("AgentBotWithToken");

type AgentBotRow = typeof agentBots.$inferSelect;

const serializeBot = (row: AgentBotRow): z.infer<typeof AgentBotSchema> => ({
  id: row.id,
  name: row.name,
  description: row.description,
  thumbnail: "",
  outgoing_url: row.outgoingUrl,
  bot_type: "webhook",
  bot_config: {},
  account_id: row.accountId,
  created_at: iso(row.createdAt),
  updated_at: iso(row.updatedAt),
});

/** What the audit log records of a bot (never its token or secret). */
const configurationOf = (row: { name: string; description: string | null; outgoingUrl: string | null }) => ({
  name: row.name,
  description: row.description,
  outgoing_url: row.outgoingUrl,
});

async function accountBot(c: Context<AppEnv>, id: number): Promise<AgentBotRow> {
  const bot = await c.var.db.query.agentBots.findFirst({ where: and(eq(agentBots.id, id), eq(agentBots.accountId, c.var.membership.accountId)) });
  if (!bot) throw notFound("Agent bot");
  return bot;
}

async function accountInbox(c: Context<AppEnv>, id: number) {
  const inbox = await c.var.db.query.inboxes.findFirst({
    where: and(eq(inboxes.id, id), eq(inboxes.accountId, c.var.membership.accountId)),
    columns: { id: true, name: true },
  });
  if (!inbox) throw notFound("Inbox");
  return inbox;
}

const json = <T extends z.ZodType>(description: string, schema: T) => ({ description, content: { "application/json": { schema } } });

export const accountAgentBots = createRouter();
accountAgentBots.use("/:account_id/agent_bots/*", refreshWorkflowListeners);
accountAgentBots.use("/:account_id/agent_bots", refreshWorkflowListeners);
// An inbox's bot and an API inbox's webhook_url hear its events: inbox changes refresh the listeners too
// (this router is mounted before the inboxes router, so this runs around its routes).
accountAgentBots.use("/:account_id/inboxes", refreshWorkflowListeners);
accountAgentBots.use("/:account_id/inboxes/*", refreshWorkflowListeners);

accountAgentBots.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/agent_bots",
    tags,
    security: userSecurity,
    summary: "List the account's agent bots",
    request: { params: accountParams },
    responses: { 200: json("The agent bots", z.array(AgentBotSchema)), ...errorResponses(400, 401, 404) },
  }),
  async (c) => {
    const rows = await c.var.db.select().from(agentBots).where(eq(agentBots.accountId, c.var.membership.accountId)).orderBy(asc(agentBots.id));
    return c.json(rows.map(serializeBot), 200);
  },
);

accountAgentBots.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/agent_bots",
    tags,
    security: userSecurity,
    summary: "Create an agent bot (administrators)",
    description:
      "The answer carries the bot's `access_token` (for the Application API, as `api_access_token` or a Bearer token) and the " +
      "`secret` that signs the events it gets; neither is shown again until reset. Connect it to an inbox with `set_agent_bot`.",
    middleware: [requireRole("administrator")] as const,
    request: { params: accountParams, body: { required: true, content: { "application/json": { schema: AgentBotInput } } } },
    responses: { 200: json("The agent bot with its token", AgentBotWithToken), ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
  }),
  async (c) => {
    const input = c.req.valid("json");
    if (input.outgoing_url) ensureAllowedDestination(c, input.outgoing_url, "outgoing_url");
    const token = await issueAccessToken("agent_bot");
    const values = {
      accountId: c.var.membership.accountId,
      name: input.name,
      description: input.description ?? null,
      outgoingUrl: input.outgoing_url ?? null,
      tokenId: token.tokenId,
      tokenHash: token.tokenHash,
      secret: newWebhookSecret(),
    };
    const db = c.var.db;
    const [[row]] = await db.batch([
      db.insert(agentBots).values(values).returning(),
      accountAuditEntry(c, "create", AUDITABLE_TYPE, sql`last_insert_rowid()`, configurationOf(values)),
    ]);
    if (!row) throw new Error("agent bot insert returned no row");
    return c.json({ ...serializeBot(row), access_token: token.token, secret: row.secret }, 200);
  },
);

accountAgentBots.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/agent_bots/{agent_bot_id}",
    tags,
    security: userSecurity,
    summary: "Show an agent bot",
    request: { params: botParams },
    responses: { 200: json("The agent bot", AgentBotSchema), ...errorResponses(400, 401, 404) },
  }),
  async (c) => c.json(serializeBot(await accountBot(c, c.req.valid("param").agent_bot_id)), 200),
);

accountAgentBots.openapi(
  createRoute({
    method: "patch",
    path: "/{account_id}/agent_bots/{agent_bot_id}",
    tags,
    security: userSecurity,
    summary: "Update an agent bot (administrators)",
    middleware: [requireRole("administrator")] as const,
    request: { params: botParams, body: { required: true, content: { "application/json": { schema: AgentBotUpdateInput } } } },
    responses: { 200: json("The agent bot", AgentBotSchema), ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
  }),
  async (c) => {
    const { agent_bot_id } = c.req.valid("param");
    const input = c.req.valid("json");
    const bot = await accountBot(c, agent_bot_id);
    if (input.outgoing_url) ensureAllowedDestination(c, input.outgoing_url, "outgoing_url");
    const patch = { name: input.name, description: input.description, outgoing_url: input.outgoing_url };
    const changes = changedFields(configurationOf(bot), patch);
    if (Object.keys(changes).length === 0) return c.json(serializeBot(bot), 200);
    const db = c.var.db;
    const [[updated]] = await db.batch([
      db
        .update(agentBots)
        .set({ name: input.name, description: input.description, outgoingUrl: input.outgoing_url, updatedAt: new Date() })
        .where(eq(agentBots.id, bot.id))
        .returning(),
      accountAuditEntry(c, "update", AUDITABLE_TYPE, bot.id, changes),
    ]);
    return c.json(serializeBot(updated ?? bot), 200);
  },
);

accountAgentBots.openapi(
  createRoute({
    method: "delete",
    path: "/{account_id}/agent_bots/{agent_bot_id}",
    tags,
    security: userSecurity,
    summary: "Delete an agent bot (administrators)",
    description: "Its inboxes are left without a bot, its token stops working, and events not yet sent to it are not sent.",
    middleware: [requireRole("administrator")] as const,
    request: { params: botParams },
    responses: { 200: { description: "Deleted" }, ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const bot = await accountBot(c, c.req.valid("param").agent_bot_id);
    const db = c.var.db;
    const now = new Date();
    await db.batch([
      db
        .update(webhookDeliveries)
        .set({ status: "dead", lastError: "The agent bot was deleted.", updatedAt: now })
        .where(and(eq(webhookDeliveries.agentBotId, bot.id), inArray(webhookDeliveries.status, ["queued", "failed"]))),
      db.update(webhookDeliveries).set({ agentBotId: null }).where(eq(webhookDeliveries.agentBotId, bot.id)),
      db.delete(agentBots).where(eq(agentBots.id, bot.id)),
      accountAuditEntry(c, "destroy", AUDITABLE_TYPE, bot.id, configurationOf(bot)),
    ]);
    return c.json({}, 200);
  },
);

accountAgentBots.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/agent_bots/{agent_bot_id}/reset_access_token",
    tags,
    security: userSecurity,
    summary: "Give an agent bot a new access token and secret (administrators)",
    description: "The old token stops working at once; the new token and secret are in this answer only.",
    middleware: [requireRole("administrator")] as const,
    request: { params: botParams },
    responses: { 200: json("The agent bot with its new token", AgentBotWithToken), ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const bot = await accountBot(c, c.req.valid("param").agent_bot_id);
    const token = await issueAccessToken("agent_bot");
    const db = c.var.db;
    const [[updated]] = await db.batch([
      db
        .update(agentBots)
        .set({ tokenId: token.tokenId, tokenHash: token.tokenHash, secret: newWebhookSecret(), updatedAt: new Date() })
        .where(eq(agentBots.id, bot.id))
        .returning(),
      accountAuditEntry(c, "rotate_token", AUDITABLE_TYPE, bot.id, {}),
    ]);
    if (!updated) throw notFound("Agent bot");
    return c.json({ ...serializeBot(updated), access_token: token.token, secret: updated.secret }, 200);
  },
);

accountAgentBots.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/inboxes/{inbox_id}/agent_bot",
    tags,
    security: userSecurity,
    summary: "The agent bot that answers an inbox",
    request: { params: inboxParams },
    responses: { 200: json("The inbox's agent bot, or null", z.object({ agent_bot: AgentBotSchema.nullable() })), ...errorResponses(400, 401, 404) },
  }),
  async (c) => {
    const inbox = await accountInbox(c, c.req.valid("param").inbox_id);
    const [row] = await c.var.db
      .select({ bot: agentBots })
      .from(agentBotInboxes)
      .innerJoin(agentBots, eq(agentBots.id, agentBotInboxes.agentBotId))
      .where(eq(agentBotInboxes.inboxId, inbox.id));
    return c.json({ agent_bot: row ? serializeBot(row.bot) : null }, 200);
  },
);

accountAgentBots.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/inboxes/{inbox_id}/set_agent_bot",
    tags,
    security: userSecurity,
    summary: "Connect an agent bot to an inbox, or disconnect it (administrators)",
    description:
      "`agent_bot`: the bot's id, or null to leave the inbox to people. While a bot answers an inbox, its new conversations " +
      "start `pending` (the bot's turn) and it gets the inbox's events; it hands over by opening the conversation.",
    middleware: [requireRole("administrator")] as const,
    request: {
      params: inboxParams,
      body: { required: true, content: { "application/json": { schema: z.object({ agent_bot: BodyId.nullable() }).strict() } } },
    },
    responses: { 204: { description: "Set" }, ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
  }),
  async (c) => {
    const { inbox_id } = c.req.valid("param");
    const { agent_bot } = c.req.valid("json");
    const inbox = await accountInbox(c, inbox_id);
    const bot =
      agent_bot === null
        ? null
        : await c.var.db.query.agentBots.findFirst({
            where: and(eq(agentBots.id, agent_bot), eq(agentBots.accountId, c.var.membership.accountId)),
          });
    if (agent_bot !== null && !bot) {
      throw new ApiError(422, "validation_failed", "The agent bot does not exist in this account.", [
        { field: "agent_bot", message: `Agent bot ${agent_bot} is not a bot of this account.`, code: "not_found" },
      ]);
    }
    const db = c.var.db;
    const current = await db.query.agentBotInboxes.findFirst({ where: eq(agentBotInboxes.inboxId, inbox.id) });
    const before = current?.agentBotId ?? null;
    if (before === (bot?.id ?? null)) return c.body(null, 204);
    await db.batch([
      db.delete(agentBotInboxes).where(eq(agentBotInboxes.inboxId, inbox.id)),
      ...(bot ? [db.insert(agentBotInboxes).values({ inboxId: inbox.id, agentBotId: bot.id, accountId: c.var.membership.accountId })] : []),
      accountAuditEntry(c, "update", "Inbox", inbox.id, { agent_bot_id: [before, bot?.id ?? null] }),
    ]);
    return c.body(null, 204);
  },
);
