/**
 * Application API: the account's labels (Chatwoot's /api/v1/accounts/:account_id/labels), the tags
 * contacts carry and one-off campaigns address their audience by. Every member reads them;
 * administrators change them.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, ne, sql } from "drizzle-orm";
import type { Context } from "hono";
import { labels } from "../../db/schema";
import { accountObject } from "../../durable/addresses";
import { accountAuditEntry, changedFields } from "../audit";
import { requireRole } from "../auth";
import { type AppEnv, createRouter } from "../context";
import { ApiError, errorResponses, notFound } from "../errors";
import { idParams, optionalText } from "../schemas";
import { Label } from "./conversations";
import { HexColor } from "../../services/inbox-configuration";
import { userSecurity } from "./profile";

const tags = ["Application: labels"];
const accountParams = idParams("account_id");
const labelParams = idParams("account_id", "label_id");
const AUDITABLE_TYPE = "Label";
const DEFAULT_LABEL_COLOR = "#1f93ff";

const LabelInput = z
  .object({
    title: Label.openapi({
      description: "Letters, digits, _ and -; stored in lower case; unique within the account",
      example: "billing",
    }),
    description: optionalText(1000),
    color: HexColor.optional().openapi({ description: `Defaults to ${DEFAULT_LABEL_COLOR}` }),
    show_on_sidebar: z.boolean().optional().openapi({ description: "Defaults to true" }),
  })
  .strict()
  .openapi("LabelInput");
const LabelUpdateInput = LabelInput.partial().strict().openapi("LabelUpdateInput");

const LabelSchema = z
  .object({
    id: z.number().int(),
    title: z.string(),
    description: z.string().nullable(),
    color: z.string(),
    show_on_sidebar: z.boolean(),
  })
  .openapi("Label");

type LabelRow = typeof labels.$inferSelect;

/** The label under its API names: what the answers show and the audit log records. */
const serializeLabel = (row: Pick<LabelRow, "title" | "description" | "color" | "showOnSidebar"> & { id: number }) => ({
  id: row.id,
  title: row.title,
  description: row.description,
  color: row.color,
  show_on_sidebar: row.showOnSidebar,
});
const configurationOf = (row: Pick<LabelRow, "title" | "description" | "color" | "showOnSidebar">) => {
  const { id: _id, ...configuration } = serializeLabel({ ...row, id: 0 });
  return configuration;
};

/** One of the account's labels, or 404 for any other id. */
async function accountLabel(c: Context<AppEnv>, id: number): Promise<LabelRow> {
  const row = await c.var.db.query.labels.findFirst({
    where: and(eq(labels.id, id), eq(labels.accountId, c.var.membership.accountId)),
  });
  if (!row) throw notFound("Label");
  return row;
}

/** Titles are unique within an account (422 `taken`, as Chatwoot's validation answers). */
async function ensureTitleFree(c: Context<AppEnv>, title: string, exceptId?: number) {
  const taken = await c.var.db.query.labels.findFirst({
    where: and(eq(labels.accountId, c.var.membership.accountId), eq(labels.title, title), exceptId === undefined ? undefined : ne(labels.id, exceptId)),
  });
  if (taken) {
    throw new ApiError(422, "validation_failed", "The request body is not valid.", [{ field: "title", message: "has already been taken", code: "taken" }]);
  }
}

export const accountLabels = createRouter();

accountLabels.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/labels",
    tags,
    security: userSecurity,
    summary: "List the account's labels",
    request: { params: accountParams },
    responses: {
      200: { description: "The labels", content: { "application/json": { schema: z.object({ payload: z.array(LabelSchema) }) } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const rows = await c.var.db.select().from(labels).where(eq(labels.accountId, c.var.membership.accountId)).orderBy(asc(labels.title));
    return c.json({ payload: rows.map(serializeLabel) }, 200);
  },
);

accountLabels.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/labels/{label_id}",
    tags,
    security: userSecurity,
    summary: "Show a label",
    request: { params: labelParams },
    responses: {
      200: { description: "The label", content: { "application/json": { schema: LabelSchema } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { label_id } = c.req.valid("param");
    return c.json(serializeLabel(await accountLabel(c, label_id)), 200);
  },
);

accountLabels.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/labels",
    tags,
    security: userSecurity,
    summary: "Create a label (administrators)",
    description: "Answers 200 with the label, as Chatwoot does.",
    middleware: [requireRole("administrator")] as const,
    request: {
      params: accountParams,
      body: { required: true, content: { "application/json": { schema: LabelInput } } },
    },
    responses: {
      200: { description: "Created", content: { "application/json": { schema: LabelSchema } } },
      ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
    },
  }),
  async (c) => {
    const input = c.req.valid("json");
    await ensureTitleFree(c, input.title);
    const values = {
      accountId: c.var.membership.accountId,
      title: input.title,
      description: input.description ?? null,
      color: input.color ?? DEFAULT_LABEL_COLOR,
      showOnSidebar: input.show_on_sidebar ?? true,
    };
    const db = c.var.db;
    const [[row]] = await db.batch([
      db.insert(labels).values(values).returning(),
      accountAuditEntry(c, "create", AUDITABLE_TYPE, sql`last_insert_rowid()`, configurationOf(values)),
    ]);
    if (!row) throw new Error("label insert returned no row");
    return c.json(serializeLabel(row), 200);
  },
);

accountLabels.openapi(
  createRoute({
    method: "patch",
    path: "/{account_id}/labels/{label_id}",
    tags,
    security: userSecurity,
    summary: "Update a label (administrators)",
    description: "A new title is applied to the contacts that carry the label, as Chatwoot does; conversations keep the title " + "they were given.",
    middleware: [requireRole("administrator")] as const,
    request: {
      params: labelParams,
      body: { required: true, content: { "application/json": { schema: LabelUpdateInput } } },
    },
    responses: {
      200: { description: "The updated label", content: { "application/json": { schema: LabelSchema } } },
      ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
    },
  }),
  async (c) => {
    const { label_id } = c.req.valid("param");
    const input = c.req.valid("json");
    const row = await accountLabel(c, label_id);
    const changes = changedFields(configurationOf(row), input);
    if (Object.keys(changes).length === 0) return c.json(serializeLabel(row), 200);
    const retitled = input.title !== undefined && "title" in changes;
    if (retitled) await ensureTitleFree(c, input.title ?? row.title, row.id);
    const db = c.var.db;
    const [[updated]] = await db.batch([
      db
        .update(labels)
        .set({
          title: input.title,
          description: input.description,
          color: input.color,
          showOnSidebar: input.show_on_sidebar,
          updatedAt: new Date(),
        })
        .where(eq(labels.id, row.id))
        .returning(),
      accountAuditEntry(c, "update", AUDITABLE_TYPE, row.id, changes),
    ]);
    if (retitled && updated) await accountObject(c.env, row.accountId).renameContactLabel(row.title, updated.title);
    return c.json(serializeLabel(updated ?? row), 200);
  },
);

accountLabels.openapi(
  createRoute({
    method: "delete",
    path: "/{account_id}/labels/{label_id}",
    tags,
    security: userSecurity,
    summary: "Delete a label (administrators)",
    description: "Contacts and conversations keep the title, as in Chatwoot; campaigns no longer reach anyone through this label.",
    middleware: [requireRole("administrator")] as const,
    request: { params: labelParams },
    responses: { 204: { description: "Deleted" }, ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const { label_id } = c.req.valid("param");
    const row = await accountLabel(c, label_id);
    const db = c.var.db;
    await db.batch([db.delete(labels).where(eq(labels.id, row.id)), accountAuditEntry(c, "destroy", AUDITABLE_TYPE, row.id, configurationOf(row))]);
    return c.body(null, 204);
  },
);
