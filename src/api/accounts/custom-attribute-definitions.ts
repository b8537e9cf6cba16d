/**
 * Application API: custom attribute definitions (Chatwoot's /api/v1/accounts/:account_id/custom_attribute_definitions),
 * the contact and conversation fields an account adds. Pre-chat forms of chat widgets ask for them.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, sql } from "drizzle-orm";
import type { Context } from "hono";
import { ATTRIBUTE_DISPLAY_TYPES, ATTRIBUTE_MODELS, customAttributeDefinitions } from "../../db/schema";
import { accountAuditEntry, changedFields } from "../audit";
import { requireRole } from "../auth";
import { type AppEnv, createRouter } from "../context";
import { ApiError, errorResponses, type FieldIssue, notFound } from "../errors";
import { idParams, iso, Name, optionalText, RegexPattern, Timestamp } from "../schemas";
import { userSecurity } from "./profile";

const tags = ["Application: custom attributes"];
const accountParams = idParams("account_id");
const definitionParams = idParams("account_id", "custom_attribute_definition_id");
const AUDITABLE_TYPE = "CustomAttributeDefinition";

type AttributeModel = (typeof ATTRIBUTE_MODELS)[number];

/** Chatwoot's standard attributes: a custom attribute may not take their keys. */
const RESERVED_KEYS: Record<AttributeModel, readonly string[]> = {
  contact_attribute: ["name", "email", "phone_number", "identifier", "country_code", "city", "created_at", "last_activity_at", "referer", "blocked"],
  conversation_attribute: [
    "status",
    "priority",
    "assignee_id",
    "inbox_id",
    "team_id",
    "display_id",
    "campaign_id",
    "labels",
    "browser_language",
    "country_code",
    "referer",
    "created_at",
    "last_activity_at",
  ],
};

const AttributeModel = z.enum(ATTRIBUTE_MODELS);
const AttributeKey = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_]+$/, "Expected letters, digits and underscores only.")
  .openapi({ example: "plan_name" });

const editableFields = {
  attribute_display_name: Name.openapi({ example: "Plan name" }),
  attribute_display_type: z.enum(ATTRIBUTE_DISPLAY_TYPES),
  attribute_description: optionalText(1000),
  attribute_values: z
    .array(z.string().trim().min(1).max(255))
    .max(100)
    .refine((values) => new Set(values).size === values.length, "Values must be distinct.")
    .openapi({ description: "The choices of a list attribute; empty for every other type" }),
  regex_pattern: RegexPattern.nullable(),
  regex_cue: optionalText(255).openapi({ description: "Shown when a value does not match regex_pattern" }),
  default_value: z.string().max(255).nullable(),
};

const DefinitionCreateInput = z
  .object({
    ...editableFields,
    attribute_key: AttributeKey,
    attribute_model: AttributeModel,
    attribute_values: editableFields.attribute_values.optional(),
    regex_pattern: editableFields.regex_pattern.optional(),
    default_value: editableFields.default_value.optional(),
  })
  .strict()
  .openapi("CustomAttributeDefinitionCreateInput");

const DefinitionUpdateInput = z
  .object({
    ...editableFields,
    attribute_key: AttributeKey.openapi({ description: "Cannot change; accepted when it is the current key" }),
    attribute_model: AttributeModel.openapi({ description: "Cannot change; accepted when it is the current model" }),
  })
  .partial()
  .strict()
  .openapi("CustomAttributeDefinitionUpdateInput");

const DefinitionSchema = z
  .object({
    id: z.number().int(),
    attribute_display_name: z.string(),
    attribute_display_type: z.enum(ATTRIBUTE_DISPLAY_TYPES),
    attribute_description: z.string().nullable(),
    attribute_key: z.string(),
    regex_pattern: z.string().nullable(),
    regex_cue: z.string().nullable(),
    attribute_values: z.array(z.string()),
    attribute_model: AttributeModel,
    default_value: z.string().nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("CustomAttributeDefinition");

type DefinitionRow = typeof customAttributeDefinitions.$inferSelect;
type Configuration = Omit<z.infer<typeof DefinitionSchema>, "id" | "created_at" | "updated_at">;

/** The definition under its API names: what the answer shows and the audit log records. */
const configurationOf = (row: Omit<DefinitionRow, "id" | "accountId" | "createdAt" | "updatedAt">): Configuration => ({
  attribute_display_name: row.attributeDisplayName,
  attribute_display_type: row.attributeDisplayType,
  attribute_description: row.attributeDescription,
  attribute_key: row.attributeKey,
  regex_pattern: row.regexPattern,
  regex_cue: row.regexCue,
  attribute_values: row.attributeValues,
  attribute_model: row.attributeModel,
  default_value: row.defaultValue,
});

const serializeDefinition = (row: DefinitionRow): z.infer<typeof DefinitionSchema> => ({
  id: row.id,
  ...configurationOf(row),
  created_at: iso(row.createdAt),
  updated_at: iso(row.updatedAt),
});

const columnsOf = (config: Configuration) => ({
  attributeDisplayName: config.attribute_display_name,
  attributeDisplayType: config.attribute_display_type,
  attributeDescription: config.attribute_description,
  attributeKey: config.attribute_key,
  regexPattern: config.regex_pattern,
  regexCue: config.regex_cue,
  attributeValues: config.attribute_values,
  attributeModel: config.attribute_model,
  defaultValue: config.default_value,
});

/** The rules that span fields: list values, a list's default, reserved keys. 422 naming every problem. */
function checkDefinition(config: Configuration, issues: FieldIssue[] = []): Configuration {
  const isList = config.attribute_display_type === "list";
  if (isList && config.attribute_values.length === 0) {
    issues.push({ field: "attribute_values", message: "A list attribute needs at least one value.", code: "required" });
  }
  if (!isList && config.attribute_values.length > 0) {
    issues.push({ field: "attribute_values", message: "Only list attributes have values.", code: "not_for_display_type" });
  }
  if (isList && config.default_value !== null && !config.attribute_values.includes(config.default_value)) {
    issues.push({ field: "default_value", message: "The default must be one of the values.", code: "invalid" });
  }
  if (RESERVED_KEYS[config.attribute_model].includes(config.attribute_key.toLowerCase())) {
    issues.push({ field: "attribute_key", message: "is a standard attribute and cannot be redefined", code: "reserved" });
  }
  if (issues.length > 0) throw new ApiError(422, "validation_failed", "The request body is not valid.", issues);
  return config;
}

async function ensureKeyFree(c: Context<AppEnv>, model: AttributeModel, key: string) {
  const taken = await c.var.db.query.customAttributeDefinitions.findFirst({
    where: and(
      eq(customAttributeDefinitions.accountId, c.var.membership.accountId),
      eq(customAttributeDefinitions.attributeModel, model),
      eq(customAttributeDefinitions.attributeKey, key),
    ),
  });
  if (taken) {
    throw new ApiError(422, "validation_failed", "The request body is not valid.", [
      { field: "attribute_key", message: "has already been taken", code: "taken" },
    ]);
  }
}

/** One of the account's definitions, or 404 for any other id. */
async function accountDefinition(c: Context<AppEnv>, id: number): Promise<DefinitionRow> {
  const row = await c.var.db.query.customAttributeDefinitions.findFirst({
    where: and(eq(customAttributeDefinitions.id, id), eq(customAttributeDefinitions.accountId, c.var.membership.accountId)),
  });
  if (!row) throw notFound("Custom attribute definition");
  return row;
}

export const accountCustomAttributeDefinitions = createRouter();

accountCustomAttributeDefinitions.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/custom_attribute_definitions",
    tags,
    security: userSecurity,
    summary: "List the account's custom attribute definitions",
    description: "An array, as in Chatwoot; `attribute_model` narrows it to contact or conversation attributes.",
    request: { params: accountParams, query: z.object({ attribute_model: AttributeModel.optional() }) },
    responses: {
      200: { description: "The definitions", content: { "application/json": { schema: z.array(DefinitionSchema) } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { attribute_model } = c.req.valid("query");
    const rows = await c.var.db
      .select()
      .from(customAttributeDefinitions)
      .where(
        and(
          eq(customAttributeDefinitions.accountId, c.var.membership.accountId),
          attribute_model === undefined ? undefined : eq(customAttributeDefinitions.attributeModel, attribute_model),
        ),
      )
      .orderBy(asc(customAttributeDefinitions.id));
    return c.json(rows.map(serializeDefinition), 200);
  },
);

accountCustomAttributeDefinitions.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/custom_attribute_definitions/{custom_attribute_definition_id}",
    tags,
    security: userSecurity,
    summary: "Show a custom attribute definition",
    request: { params: definitionParams },
    responses: {
      200: { description: "The definition", content: { "application/json": { schema: DefinitionSchema } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { custom_attribute_definition_id } = c.req.valid("param");
    return c.json(serializeDefinition(await accountDefinition(c, custom_attribute_definition_id)), 200);
  },
);

accountCustomAttributeDefinitions.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/custom_attribute_definitions",
    tags,
    security: userSecurity,
    summary: "Define a custom attribute (administrators)",
    description: "`attribute_key` is unique per account and model; list attributes need `attribute_values`.",
    middleware: [requireRole("administrator")] as const,
    request: {
      params: accountParams,
      body: { required: true, content: { "application/json": { schema: DefinitionCreateInput } } },
    },
    responses: {
      200: { description: "Created (Chatwoot answers 200)", content: { "application/json": { schema: DefinitionSchema } } },
      ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
    },
  }),
  async (c) => {
    const input = c.req.valid("json");
    const config = checkDefinition({
      ...input,
      attribute_description: input.attribute_description ?? null,
      attribute_values: input.attribute_values ?? [],
      regex_pattern: input.regex_pattern ?? null,
      regex_cue: input.regex_cue ?? null,
      default_value: input.default_value ?? null,
    });
    await ensureKeyFree(c, config.attribute_model, config.attribute_key);
    const db = c.var.db;
    const [[row]] = await db.batch([
      db
        .insert(customAttributeDefinitions)
        .values({ accountId: c.var.membership.accountId, ...columnsOf(config) })
        .returning(),
      accountAuditEntry(c, "create", AUDITABLE_TYPE, sql`last_insert_rowid()`, config),
    ]);
    if (!row) throw new Error("custom attribute definition insert returned no row");
    return c.json(serializeDefinition(row), 200);
  },
);

accountCustomAttributeDefinitions.openapi(
  createRoute({
    method: "patch",
    path: "/{account_id}/custom_attribute_definitions/{custom_attribute_definition_id}",
    tags,
    security: userSecurity,
    summary: "Update a custom attribute definition (administrators)",
    description: "The key and the model cannot change. Changing the type away from list clears the values.",
    middleware: [requireRole("administrator")] as const,
    request: {
      params: definitionParams,
      body: { required: true, content: { "application/json": { schema: DefinitionUpdateInput } } },
    },
    responses: {
      200: { description: "The updated definition", content: { "application/json": { schema: DefinitionSchema } } },
      ...errorResponses(400, 401, 403, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const { custom_attribute_definition_id } = c.req.valid("param");
    const input = c.req.valid("json");
    const row = await accountDefinition(c, custom_attribute_definition_id);
    const before = configurationOf(row);
    const issues: FieldIssue[] = (["attribute_key", "attribute_model"] as const)
      .filter((field) => input[field] !== undefined && input[field] !== before[field])
      .map((field) => ({ field, message: "cannot be changed", code: "immutable" }));
    const merged = { ...before, ...input };
    if (merged.attribute_display_type !== "list" && input.attribute_values === undefined) merged.attribute_values = [];
    const after = checkDefinition(merged, issues);
    const changes = changedFields(before, after);
    if (Object.keys(changes).length === 0) return c.json(serializeDefinition(row), 200);
    const db = c.var.db;
    const [[updated]] = await db.batch([
      db
        .update(customAttributeDefinitions)
        .set({ ...columnsOf(after), updatedAt: new Date() })
        .where(eq(customAttributeDefinitions.id, row.id))
        .returning(),
      accountAuditEntry(c, "update", AUDITABLE_TYPE, row.id, changes),
    ]);
    return c.json(serializeDefinition(updated ?? row), 200);
  },
);

accountCustomAttributeDefinitions.openapi(
  createRoute({
    method: "delete",
    path: "/{account_id}/custom_attribute_definitions/{custom_attribute_definition_id}",
    tags,
    security: userSecurity,
    summary: "Delete a custom attribute definition (administrators)",
    description:
      "Values already stored on contacts and conversations stay. Pre-chat fields that asked for it are left out of " +
      "the widgets' public configuration until the form is edited.",
    middleware: [requireRole("administrator")] as const,
    request: { params: definitionParams },
    responses: { 204: { description: "Deleted" }, ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const { custom_attribute_definition_id } = c.req.valid("param");
    const row = await accountDefinition(c, custom_attribute_definition_id);
    const db = c.var.db;
    await db.batch([
      db.delete(customAttributeDefinitions).where(eq(customAttributeDefinitions.id, row.id)),
      accountAuditEntry(c, "destroy", AUDITABLE_TYPE, row.id, configurationOf(row)),
    ]);
    return c.body(null, 204);
  },
);
