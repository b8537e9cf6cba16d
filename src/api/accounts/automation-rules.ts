/**
 * Application API: the account's automation rules (Chatwoot's /api/v1/accounts/:account_id/automation_rules):
 * an event, conditions joined by AND/OR, and the actions to take. Administrators only. Which
 * attributes each event may test and how lives in `src/domain/automation-conditions.ts`, the actions
 * in `../conversation-actions.ts`; the rules run in `src/jobs/automation.ts`.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { Context } from "hono";
import { ATTRIBUTE_MODELS, AUTOMATION_EVENTS, AUTOMATION_RUN_STATUSES, automationRules, automationRuns, customAttributeDefinitions } from "../../db/schema";
import { type AutomationCondition, checkConditions, FILTER_OPERATORS, QUERY_OPERATORS } from "../../domain/automation-conditions";
import { accountAuditEntry, changedFields } from "../audit";
import { type AutomationAction, AutomationActionInput, checkActions, invalidBody } from "../conversation-actions";
import { requireRole } from "../auth";
import { type AppEnv, createRouter } from "../context";
import { refreshWorkflowListeners } from "../workflow-listeners";
import { ApiError, errorResponses, type FieldIssue, notFound } from "../errors";
import { idParams, iso, Name, offsetOf, optionalText, PageQuery, pageOf, Timestamp } from "../schemas";
import { ATTACH_FILE_DESCRIPTION, attachFileBody, attachWorkflowFile, WorkflowFileSchema } from "../workflow-files";
import { userSecurity } from "./profile";

const tags = ["Application: automation rules"];
const accountParams = idParams("account_id");
const ruleParams = idParams("account_id", "automation_rule_id");
const AUDITABLE_TYPE = "AutomationRule";

// ---- Input ---------------------------------------------------------------------------------------

const ConditionInput = z
  .object({
    attribute_key: z.string().trim().min(1).max(100).openapi({ description: "A standard attribute, or a custom attribute's key", example: "status" }),
    filter_operator: z.enum(FILTER_OPERATORS),
    values: z
      .array(z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]))
      .max(100)
      .openapi({ description: "Alternatives: equal_to is met by any of them", example: ["open"] }),
    query_operator: z
      .enum([...QUERY_OPERATORS, "and", "or"])
      .nullable()
      .optional()
      .transform((operator) => (operator == null ? null : (operator.toUpperCase() as (typeof QUERY_OPERATORS)[number])))
      .openapi({ description: "Joins this condition to the next (AND binds tighter than OR); null on the last" }),
    custom_attribute_type: z
      .enum(["", ...ATTRIBUTE_MODELS])
      .optional()
      .transform((model) => (model === "" ? undefined : model))
      .openapi({ description: "For custom attributes: whose attribute it is; filled in when only one model defines the key" }),
  })
  .strict()
  .openapi("AutomationConditionInput");

const RuleInput = z
  .object({
    name: Name.openapi({ example: "Refund requests to billing" }),
    description: optionalText(1000),
    event_name: z.enum(AUTOMATION_EVENTS),
    conditions: z.array(ConditionInput).min(1).max(50),
    actions: z.array(AutomationActionInput).min(1).max(50),
    active: z.boolean().optional().openapi({ description: "false pauses the rule" }),
  })
  .strict()
  .openapi("AutomationRuleInput");
const RuleUpdateInput = RuleInput.partial().strict().openapi("AutomationRuleUpdateInput");

// ---- Output --------------------------------------------------------------------------------------

const ConditionSchema = z
  .object({
    attribute_key: z.string(),
    filter_operator: z.enum(FILTER_OPERATORS),
    values: z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])),
    query_operator: z.enum(QUERY_OPERATORS).nullable(),
    custom_attribute_type: z.enum(ATTRIBUTE_MODELS).optional(),
  })
  .openapi("AutomationCondition");

const RuleSchema = z
  .object({
    id: z.number().int(),
    account_id: z.number().int(),
    name: z.string(),
    description: z.string().nullable(),
    event_name: z.enum(AUTOMATION_EVENTS),
    conditions: z.array(ConditionSchema),
    actions: z.array(z.object({ action_name: z.string(), action_params: z.array(z.unknown()) })),
    active: z.boolean(),
    created_on: z.number().int().openapi({ description: "Unix seconds" }),
  })
  .openapi("AutomationRule");

/** Chatwoot wraps the rule in `payload` when it shows, updates or clones one, not when it creates one. */
const RulePayload = z.object({ payload: RuleSchema });

type RuleRow = typeof automationRules.$inferSelect;

/** The rule under its API names: what the audit log records. Conditions and actions are stored as the API checked them. */
const configurationOf = (row: Pick<RuleRow, "name" | "description" | "eventName" | "conditions" | "actions" | "active">) => ({
  name: row.name,
  description: row.description,
  event_name: row.eventName,
  conditions: row.conditions as AutomationCondition[],
  actions: row.actions as AutomationAction[],
  active: row.active,
});

const serializeRule = (row: RuleRow): z.infer<typeof RuleSchema> => ({
  id: row.id,
  account_id: row.accountId,
  ...configurationOf(row),
  created_on: Math.floor(row.createdAt.getTime() / 1000),
});

/** One of the account's rules, or 404 for any other id. */
async function accountRule(c: Context<AppEnv>, id: number): Promise<RuleRow> {
  const row = await c.var.db.query.automationRules.findFirst({
    where: and(eq(automationRules.id, id), eq(automationRules.accountId, c.var.membership.accountId)),
  });
  if (!row) throw notFound("Automation rule");
  return row;
}

// ---- Checks across fields and against the account -------------------------------------------------

const invalid = invalidBody;

/** The conditions as stored, or 422 naming each condition (by index) that the event or the account's attributes rule out. */
async function checkedConditions(c: Context<AppEnv>, event: RuleRow["eventName"], conditions: AutomationCondition[]) {
  const definitions = await c.var.db
    .select({
      key: customAttributeDefinitions.attributeKey,
      model: customAttributeDefinitions.attributeModel,
      displayType: customAttributeDefinitions.attributeDisplayType,
    })
    .from(customAttributeDefinitions)
    .where(eq(customAttributeDefinitions.accountId, c.var.membership.accountId));
  const checked = checkConditions(event, conditions, definitions);
  if (checked.issues.length > 0) {
    throw invalid(checked.issues.map((issue) => ({ field: `conditions.${issue.index}.${issue.field}`, message: issue.message, code: issue.code })));
  }
  return checked.conditions;
}

/** "<name> (copy)", kept within the 255 characters a name may have. */
const copyName = (name: string) => `${name.slice(0, 255 - " (copy)".length)} (copy)`;

// ---- Routes --------------------------------------------------------------------------------------

export const accountAutomationRules = createRouter();
accountAutomationRules.use("/:account_id/automation_rules/*", refreshWorkflowListeners);
accountAutomationRules.use("/:account_id/automation_rules", refreshWorkflowListeners);

accountAutomationRules.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/automation_rules",
    tags,
    security: userSecurity,
    summary: "List the account's automation rules (administrators)",
    middleware: [requireRole("administrator")] as const,
    request: { params: accountParams },
    responses: {
      200: { description: "The rules, oldest first", content: { "application/json": { schema: z.object({ payload: z.array(RuleSchema) }) } } },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const rows = await c.var.db
      .select()
      .from(automationRules)
      .where(eq(automationRules.accountId, c.var.membership.accountId))
      .orderBy(asc(automationRules.id));
    return c.json({ payload: rows.map(serializeRule) }, 200);
  },
);

accountAutomationRules.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/automation_rules/{automation_rule_id}",
    tags,
    security: userSecurity,
    summary: "Show an automation rule (administrators)",
    middleware: [requireRole("administrator")] as const,
    request: { params: ruleParams },
    responses: {
      200: { description: "The rule", content: { "application/json": { schema: RulePayload } } },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { automation_rule_id } = c.req.valid("param");
    return c.json({ payload: serializeRule(await accountRule(c, automation_rule_id)) }, 200);
  },
);

accountAutomationRules.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/automation_rules",
    tags,
    security: userSecurity,
    summary: "Create an automation rule (administrators)",
    description:
      "Each event may test the attributes Chatwoot's editor offers for it, plus `city`, `company`, `labels` and the " +
      "account's custom attributes; each attribute allows its own operators. Problems answer 422 naming the condition " +
      "or action by index (`conditions.2.attribute_key`). Answers 200 as Chatwoot does.",
    middleware: [requireRole("administrator")] as const,
    request: {
      params: accountParams,
      body: { required: true, content: { "application/json": { schema: RuleInput } } },
    },
    responses: {
      200: { description: "Created", content: { "application/json": { schema: RuleSchema } } },
      ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
    },
  }),
  async (c) => {
    const input = c.req.valid("json");
    const conditions = await checkedConditions(c, input.event_name, input.conditions);
    await checkActions(c, input.actions);
    const values = {
      accountId: c.var.membership.accountId,
      name: input.name,
      description: input.description ?? null,
      eventName: input.event_name,
      conditions,
      actions: input.actions,
      active: input.active ?? true,
    };
    const db = c.var.db;
    const [[row]] = await db.batch([
      db.insert(automationRules).values(values).returning(),
      accountAuditEntry(c, "create", AUDITABLE_TYPE, sql`last_insert_rowid()`, configurationOf(values)),
    ]);
    if (!row) throw new Error("automation rule insert returned no row");
    return c.json(serializeRule(row), 200);
  },
);

accountAutomationRules.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/automation_rules/attach_file",
    tags,
    security: userSecurity,
    summary: "Upload a file for send_attachment (administrators)",
    description: ATTACH_FILE_DESCRIPTION,
    middleware: [requireRole("administrator")] as const,
    request: { params: accountParams, body: attachFileBody },
    responses: {
      200: { description: "The stored file", content: { "application/json": { schema: WorkflowFileSchema } } },
      ...errorResponses(400, 401, 403, 404, 413, 415, 422),
    },
  }),
  async (c) => c.json(await attachWorkflowFile(c), 200),
);

accountAutomationRules.openapi(
  createRoute({
    method: "patch",
    path: "/{account_id}/automation_rules/{automation_rule_id}",
    tags,
    security: userSecurity,
    summary: "Update an automation rule (administrators)",
    description:
      '`{"active": false}` pauses it. Conditions are checked again when they or the event change, actions when they ' +
      "change. The answer is wrapped in `payload`, as Chatwoot's is.",
    middleware: [requireRole("administrator")] as const,
    request: {
      params: ruleParams,
      body: { required: true, content: { "application/json": { schema: RuleUpdateInput } } },
    },
    responses: {
      200: { description: "The updated rule", content: { "application/json": { schema: RulePayload } } },
      ...errorResponses(400, 401, 403, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const { automation_rule_id } = c.req.valid("param");
    const input = c.req.valid("json");
    const row = await accountRule(c, automation_rule_id);
    const before = configurationOf(row);
    const eventName = input.event_name ?? before.event_name;
    const conditions =
      input.conditions !== undefined || input.event_name !== undefined
        ? await checkedConditions(c, eventName, input.conditions ?? before.conditions)
        : undefined;
    if (input.actions !== undefined) await checkActions(c, input.actions);
    const changes = changedFields(before, { ...input, conditions });
    if (Object.keys(changes).length === 0) return c.json({ payload: serializeRule(row) }, 200);
    const db = c.var.db;
    const [[updated]] = await db.batch([
      db
        .update(automationRules)
        .set({
          name: input.name,
          description: input.description,
          eventName: input.event_name,
          conditions,
          actions: input.actions,
          active: input.active,
          updatedAt: new Date(),
        })
        .where(eq(automationRules.id, row.id))
        .returning(),
      accountAuditEntry(c, "update", AUDITABLE_TYPE, row.id, changes),
    ]);
    return c.json({ payload: serializeRule(updated ?? row) }, 200);
  },
);

accountAutomationRules.openapi(
  createRoute({
    method: "delete",
    path: "/{account_id}/automation_rules/{automation_rule_id}",
    tags,
    security: userSecurity,
    summary: "Delete an automation rule (administrators)",
    middleware: [requireRole("administrator")] as const,
    request: { params: ruleParams },
    responses: { 204: { description: "Deleted" }, ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const { automation_rule_id } = c.req.valid("param");
    const row = await accountRule(c, automation_rule_id);
    const db = c.var.db;
    await db.batch([
      db.delete(automationRules).where(eq(automationRules.id, row.id)),
      accountAuditEntry(c, "destroy", AUDITABLE_TYPE, row.id, configurationOf(row)),
    ]);
    return c.body(null, 204);
  },
);

accountAutomationRules.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/automation_rules/{automation_rule_id}/clone",
    tags,
    security: userSecurity,
    summary: "Copy an automation rule (administrators)",
    description: 'The copy is named "<name> (copy)" and is as active as the original; wrapped in `payload`, as Chatwoot\'s is.',
    middleware: [requireRole("administrator")] as const,
    request: { params: ruleParams },
    responses: {
      200: { description: "The copy", content: { "application/json": { schema: RulePayload } } },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { automation_rule_id } = c.req.valid("param");
    const original = await accountRule(c, automation_rule_id);
    const values = {
      accountId: original.accountId,
      name: copyName(original.name),
      description: original.description,
      eventName: original.eventName,
      conditions: original.conditions,
      actions: original.actions,
      active: original.active,
    };
    const db = c.var.db;
    const [[copy]] = await db.batch([
      db.insert(automationRules).values(values).returning(),
      accountAuditEntry(c, "create", AUDITABLE_TYPE, sql`last_insert_rowid()`, { ...configurationOf(values), cloned_from: original.id }),
    ]);
    if (!copy) throw new Error("automation rule insert returned no row");
    return c.json({ payload: serializeRule(copy) }, 200);
  },
);

const RunSchema = z
  .object({
    id: z.number().int(),
    conversation_id: z.number().int(),
    event_name: z.enum(AUTOMATION_EVENTS),
    status: z.enum(AUTOMATION_RUN_STATUSES).openapi({ description: "running: under way, or interrupted and to be run again" }),
    results: z.array(z.object({ action_name: z.string(), status: z.string(), message: z.string().optional() })),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("AutomationRun");

accountAutomationRules.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/automation_rules/{automation_rule_id}/runs",
    tags,
    security: userSecurity,
    summary: "What a rule did (administrators)",
    description:
      "The rule's runs, newest first: the conversation and event it ran for, and each action's result (`done`, " +
      "`unchanged` when it was already so, or `failed` with a message; a failed action does not stop the others).",
    middleware: [requireRole("administrator")] as const,
    request: { params: ruleParams, query: PageQuery },
    responses: {
      200: { description: "The runs", content: { "application/json": { schema: pageOf(RunSchema) } } },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { automation_rule_id } = c.req.valid("param");
    const query = c.req.valid("query");
    const rule = await accountRule(c, automation_rule_id);
    const db = c.var.db;
    const [rows, [total]] = await Promise.all([
      db.select().from(automationRuns).where(eq(automationRuns.ruleId, rule.id)).orderBy(desc(automationRuns.id)).limit(query.per_page).offset(offsetOf(query)),
      db.select({ count: sql<number>`count(*)` }).from(automationRuns).where(eq(automationRuns.ruleId, rule.id)),
    ]);
    return c.json(
      {
        meta: { count: total?.count ?? 0, current_page: query.page, per_page: query.per_page },
        payload: rows.map((row) => ({
          id: row.id,
          conversation_id: row.conversationId,
          event_name: row.eventName,
          status: row.status,
          results: row.results,
          created_at: iso(row.createdAt),
          updated_at: iso(row.updatedAt),
        })),
      },
      200,
    );
  },
);
