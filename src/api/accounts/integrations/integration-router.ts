/**
 * Builds the Application API router of one integration (WhatsApp numbers, Facebook pages, ...) from a
 * description of its fields: list and show for every member, create, update and delete for
 * administrators, each change audited in the same batch. Chat widgets point at these rows.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, ne, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Context } from "hono";
import type { facebookPages, instagramAccounts, voiceAiAgents, whatsappNumbers } from "../../../db/schema";
import { accountAuditEntry, changedFields } from "../../audit";
import { requireRole } from "../../auth";
import { type AppEnv, createRouter } from "../../context";
import { ApiError, errorResponses, notFound } from "../../errors";
import { idParams, iso, Timestamp } from "../../schemas";
import { userSecurity } from "../profile";

type IntegrationTable = typeof whatsappNumbers | typeof facebookPages | typeof instagramAccounts | typeof voiceAiAgents;
type Row<T extends IntegrationTable> = T["$inferSelect"];

/** One API field: its column, how it is validated on input and described on output. */
type Field<T extends IntegrationTable> = {
  column: keyof Row<T> & keyof T & string;
  input: z.ZodType;
  output: z.ZodType;
  /** Used when a create leaves the field out; without one the field is required. */
  default?: string | null;
  /** Unique within the account: a value another row holds answers 422 "taken". */
  unique?: boolean;
};

export type IntegrationDefinition<T extends IntegrationTable> = {
  table: T;
  /** The path segment under /integrations, e.g. whatsapp_numbers. */
  resource: string;
  /** The id's path parameter, e.g. whatsapp_number_id. */
  idParam: string;
  /** The audit log's auditable_type and the OpenAPI schema name, e.g. WhatsappNumber. */
  typeName: string;
  /** For messages, e.g. "WhatsApp number". */
  label: string;
  fields: Record<string, Field<T>>;
};

export function integrationRouter<T extends IntegrationTable>(definition: IntegrationDefinition<T>) {
  const { table, resource, idParam, typeName, label, fields } = definition;
  const tags = ["Application: integrations"];
  const listPath = `/{account_id}/integrations/${resource}`;
  const itemPath = `${listPath}/{${idParam}}`;
  const accountParams = idParams("account_id");
  const itemParams = idParams("account_id", idParam);
  const entries = Object.entries(fields);
  // Drizzle cannot follow column names through a generic table, so rows are read as plain records.
  const columns = table as unknown as Record<string, SQLiteColumn | undefined> & { id: SQLiteColumn; accountId: SQLiteColumn };
  const rowOf = (row: unknown) => row as Record<string, unknown> & { id: number; accountId: number; createdAt: Date; updatedAt: Date };

  const CreateInput = z
    .object(Object.fromEntries(entries.map(([name, field]) => [name, field.default === undefined ? field.input : field.input.optional()])))
    .strict()
    .openapi(`${typeName}CreateInput`);
  const UpdateInput = z
    .object(Object.fromEntries(entries.map(([name, field]) => [name, field.input.optional()])))
    .strict()
    .openapi(`${typeName}UpdateInput`);
  const Schema = z
    .object({
      id: z.number().int(),
      account_id: z.number().int(),
      ...Object.fromEntries(entries.map(([name, field]) => [name, field.output])),
      created_at: Timestamp,
      updated_at: Timestamp,
    })
    .openapi(typeName);

  /** The row's configuration under its API names: what the audit log records. */
  const configurationOf = (row: Record<string, unknown>) => Object.fromEntries(entries.map(([name, field]) => [name, row[field.column] ?? null]));
  const columnsOf = (input: Record<string, unknown>) =>
    Object.fromEntries(entries.filter(([name]) => input[name] !== undefined).map(([name, field]) => [field.column, input[name]]));
  const serialize = (stored: unknown) => {
    const row = rowOf(stored);
    return { id: row.id, account_id: row.accountId, ...configurationOf(row), created_at: iso(row.createdAt), updated_at: iso(row.updatedAt) };
  };

  async function find(c: Context<AppEnv>, id: number) {
    const [row] = await c.var.db
      .select()
      .from(table as IntegrationTable)
      .where(and(eq(columns.id, id), eq(columns.accountId, c.var.membership.accountId)));
    if (!row) throw notFound(label);
    return rowOf(row);
  }

  /** 422 "taken" for unique fields whose value another row of the account already holds. */
  async function ensureUnique(c: Context<AppEnv>, input: Record<string, unknown>, exceptId?: number) {
    for (const [name, field] of entries) {
      const value = input[name];
      const column = columns[field.column];
      if (!field.unique || typeof value !== "string" || !column) continue;
      const [taken] = await c.var.db
        .select({ id: columns.id })
        .from(table as IntegrationTable)
        .where(and(eq(columns.accountId, c.var.membership.accountId), eq(column, value), exceptId === undefined ? undefined : ne(columns.id, exceptId)));
      if (taken) {
        throw new ApiError(422, "validation_failed", "The request body is not valid.", [{ field: name, message: "has already been taken", code: "taken" }]);
      }
    }
  }

  const router = createRouter();

  router.openapi(
    createRoute({
      method: "get",
      path: listPath,
      tags,
      security: userSecurity,
      summary: `List the account's ${label}s`,
      request: { params: accountParams },
      responses: {
        200: { description: `The ${label}s`, content: { "application/json": { schema: z.object({ payload: z.array(Schema) }) } } },
        ...errorResponses(400, 401, 404),
      },
    }),
    async (c) => {
      const rows = await c.var.db
        .select()
        .from(table as IntegrationTable)
        .where(eq(columns.accountId, c.var.membership.accountId))
        .orderBy(asc(columns.id));
      return c.json({ payload: rows.map(serialize) }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: itemPath,
      tags,
      security: userSecurity,
      summary: `Show a ${label}`,
      request: { params: itemParams },
      responses: {
        200: { description: `The ${label}`, content: { "application/json": { schema: Schema } } },
        ...errorResponses(400, 401, 404),
      },
    }),
    async (c) => {
      const params: Record<string, number> = c.req.valid("param");
      return c.json(serialize(await find(c, params[idParam] ?? 0)), 200);
    },
  );

  router.openapi(
    createRoute({
      method: "post",
      path: listPath,
      tags,
      security: userSecurity,
      summary: `Add a ${label} (administrators)`,
      middleware: [requireRole("administrator")] as const,
      request: {
        params: accountParams,
        body: { required: true, content: { "application/json": { schema: CreateInput } } },
      },
      responses: {
        201: { description: "Created", content: { "application/json": { schema: Schema } } },
        ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
      },
    }),
    async (c) => {
      const input: Record<string, unknown> = c.req.valid("json");
      await ensureUnique(c, input);
      const withDefaults = Object.fromEntries(entries.map(([name, field]) => [name, input[name] ?? field.default ?? null]));
      const values = { accountId: c.var.membership.accountId, ...columnsOf(withDefaults) } as T["$inferInsert"];
      const db = c.var.db;
      const [[row]] = await db.batch([
        db
          .insert(table as IntegrationTable)
          .values(values)
          .returning(),
        accountAuditEntry(c, "create", typeName, sql`last_insert_rowid()`, withDefaults),
      ]);
      if (!row) throw new Error(`${resource} insert returned no row`);
      return c.json(serialize(row), 201);
    },
  );

  router.openapi(
    createRoute({
      method: "patch",
      path: itemPath,
      tags,
      security: userSecurity,
      summary: `Update a ${label} (administrators)`,
      description: "Widgets that use it become incomplete while it is disconnected or inactive.",
      middleware: [requireRole("administrator")] as const,
      request: {
        params: itemParams,
        body: { required: true, content: { "application/json": { schema: UpdateInput } } },
      },
      responses: {
        200: { description: `The updated ${label}`, content: { "application/json": { schema: Schema } } },
        ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
      },
    }),
    async (c) => {
      const params: Record<string, number> = c.req.valid("param");
      const input: Record<string, unknown> = c.req.valid("json");
      const row = await find(c, params[idParam] ?? 0);
      const changes = changedFields(configurationOf(row), input);
      if (Object.keys(changes).length === 0) return c.json(serialize(row), 200);
      const changed = Object.fromEntries(Object.keys(changes).map((name) => [name, input[name]]));
      await ensureUnique(c, changed, row.id);
      const db = c.var.db;
      const [[updated]] = await db.batch([
        db
          .update(table as IntegrationTable)
          .set({ ...columnsOf(changed), updatedAt: new Date() })
          .where(eq(columns.id, row.id))
          .returning(),
        accountAuditEntry(c, "update", typeName, row.id, changes),
      ]);
      return c.json(serialize(updated ?? row), 200);
    },
  );

  router.openapi(
    createRoute({
      method: "delete",
      path: itemPath,
      tags,
      security: userSecurity,
      summary: `Remove a ${label} (administrators)`,
      description:
        "Widgets that used it keep their settings and become incomplete until another is chosen. " +
        "One that is an inbox (a WhatsApp number, page or Instagram account with its channel) answers 409 `in_use`: delete the inbox first.",
      middleware: [requireRole("administrator")] as const,
      request: { params: itemParams },
      responses: { 204: { description: "Deleted" }, ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const params: Record<string, number> = c.req.valid("param");
      const row = await find(c, params[idParam] ?? 0);
      // The row is the channel's one home: its inbox would be left with nothing to send from.
      const inboxId = "inboxId" in row ? row.inboxId : null;
      if (typeof inboxId === "number") throw new ApiError(409, "in_use", `This ${label} is inbox ${inboxId}: delete the inbox first.`, { inbox_id: inboxId });
      const db = c.var.db;
      await db.batch([
        db.delete(table as IntegrationTable).where(eq(columns.id, row.id)),
        accountAuditEntry(c, "destroy", typeName, row.id, configurationOf(row)),
      ]);
      return c.body(null, 204);
    },
  );

  return router;
}
