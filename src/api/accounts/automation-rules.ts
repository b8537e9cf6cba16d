/**
 * Application API: the account's automation rules (Chatwoot's /api/v1/accounts/:account_id/automation_rules):
 * an event, conditions joined by AND/OR, and the actions to take. Administrators only. Which
 * attributes each event may test and how lives in `src/domain/automation-conditions.ts`; running
 * the rules is not part of this router.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Context } from "hono";
import { ATTRIBUTE_MODELS, AUTOMATION_EVENTS, accountUsers, automationRules, customAttributeDefinitions, teams } from "../../db/schema";
import { type AutomationCondition, checkConditions, FILTER_OPERATORS, QUERY_OPERATORS } from "../../domain/automation-conditions";
import { PRIORITIES } from "../../domain/conversation";
import { accountAuditEntry, changedFields } from "../audit";
import { requireRole } from "../auth";
import { type AppEnv, createRouter } from "../context";
import { ApiError, errorResponses, type FieldIssue, notFound } from "../errors";
import { BodyId, idParams, Name, optionalText } from "../schemas";
import { Label } from "./conversations";
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

const noParams = z.tuple([]).default([]);
const action = <N extends string, P extends z.ZodType>(name: N, params: P) =>
  z.object({ action_name: z.literal(name), action_params: params }).strict();

const EmailList = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  .refine((list) => list.split(",").every((email) => /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/.test(email.trim())), "Expected email addresses separated by commas.");

const ActionInput = z
  .discriminatedUnion("action_name", [
    action("assign_agent", z.tuple([z.union([BodyId, z.literal("nil")])]).openapi({ description: "[user_id], or [\"nil\"] to unassign" })),
    action("assign_team", z.tuple([BodyId]).openapi({ description: "[team_id]" })),
    action("add_label", z.array(Label).min(1).max(100)),
    action("remove_label", z.array(Label).min(1).max(100)),
    action(
      "send_email_to_team",
      z.tuple([z.object({ team_ids: z.array(BodyId).min(1).max(100), message: z.string().trim().min(1).max(10_000) }).strict()]),
    ),
    action("send_email_transcript", z.tuple([EmailList]).openapi({ description: "[\"a@example.com, b@example.com\"]" })),
    action("mute_conversation", noParams),
    action("snooze_conversation", noParams),
    action("resolve_conversation", noParams),
    action("open_conversation", noParams),
    action("change_priority", z.tuple([z.enum(PRIORITIES).nullable()])),
    action("send_webhook_event", z.tuple([z.url({ protocol: /^https?$/ }).max(2048)])),
    action("send_attachment", z.array(BodyId).min(1).max(15).openapi({ description: "Not available yet: answers 422" })),
    action("send_message", z.tuple([z.string().trim().min(1).max(150_000)]).openapi({ description: "[text]; may use template variables" })),
    action("add_sla", z.tuple([BodyId]).openapi({ description: "Not available yet: answers 422" })),
  ])
  .openapi("AutomationActionInput");
type AutomationAction = z.infer<typeof ActionInput>;

const RuleInput = z
  .object({
    name: Name.openapi({ example: "Refund requests to billing" }),
    description: optionalText(1000),
    event_name: z.enum(AUTOMATION_EVENTS),
    conditions: z.array(ConditionInput).min(1).max(50),
    actions: z.array(ActionInput).min(1).max(50),
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

const invalid = (issues: FieldIssue[]) => new ApiError(422, "validation_failed", "The request body is not valid.", issues);

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

/** 422 naming each action (by index) that Parley cannot take yet or that names a user or team outside the account. */
async function checkActions(c: Context<AppEnv>, actions: AutomationAction[]) {
  const accountId = c.var.membership.accountId;
  const userIds = new Set<number>();
  const teamIds = new Set<number>();
  for (const entry of actions) {
    if (entry.action_name === "assign_agent" && entry.action_params[0] !== "nil") userIds.add(entry.action_params[0]);
    if (entry.action_name === "assign_team") teamIds.add(entry.action_params[0]);
    if (entry.action_name === "send_email_to_team") for (const id of entry.action_params[0].team_ids) teamIds.add(id);
  }
  const db = c.var.db;
  const [members, accountTeams] = await Promise.all([
    userIds.size === 0
      ? []
      : db.select({ id: accountUsers.userId }).from(accountUsers).where(and(eq(accountUsers.accountId, accountId), inArray(accountUsers.userId, [...userIds]))),
    teamIds.size === 0 ? [] : db.select({ id: teams.id }).from(teams).where(and(eq(teams.accountId, accountId), inArray(teams.id, [...teamIds]))),
  ]);
  const knownUsers = new Set(members.map((member) => member.id));
  const knownTeams = new Set(accountTeams.map((team) => team.id));
  const issues: FieldIssue[] = [];
  for (const [index, entry] of actions.entries()) {
    const issue = (field: string, message: string, code: string) => issues.push({ field: `actions.${index}.${field}`, message, code });
    switch (entry.action_name) {
      case "send_attachment":
        issue("action_name", "Automation rules cannot hold files yet.", "not_available");
        break;
      case "add_sla":
        issue("action_name", "There are no SLA policies yet.", "not_available");
        break;
      case "assign_agent": {
        const [userId] = entry.action_params;
        if (userId !== "nil" && !knownUsers.has(userId)) issue("action_params", `User ${userId} is not a member of this account.`, "not_found");
        break;
      }
      case "assign_team":
      case "send_email_to_team": {
        const ids = entry.action_name === "assign_team" ? entry.action_params : entry.action_params[0].team_ids;
        const unknown = ids.filter((id) => !knownTeams.has(id));
        if (unknown.length > 0) issue("action_params", `Not teams of this account: ${unknown.join(", ")}.`, "not_found");
        break;
      }
    }
  }
  if (issues.length > 0) throw invalid(issues);
}

/** "<name> (copy)", kept within the 255 characters a name may have. */
const copyName = (name: string) => `${name.slice(0, 255 - " (copy)".length)} (copy)`;

// ---- Routes --------------------------------------------------------------------------------------

export const accountAutomationRules = createRouter();

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
    method: "patch",
    path: "/{account_id}/automation_rules/{automation_rule_id}",
    tags,
    security: userSecurity,
    summary: "Update an automation rule (administrators)",
    description:
      "`{\"active\": false}` pauses it. Conditions are checked again when they or the event change, actions when they " +
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
    description: "The copy is named \"<name> (copy)\" and is as active as the original; wrapped in `payload`, as Chatwoot's is.",
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
