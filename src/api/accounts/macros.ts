/**
 * Application API: the account's macros (Chatwoot's /api/v1/accounts/:account_id/macros): ordered
 * actions an agent runs on conversations in one click. A `personal` macro is its author's alone; a
 * `global` one every member sees and runs, and only administrators create, change or delete it.
 * Running a macro (`execute`) takes its actions in order on each conversation and answers what each
 * action did; changes are made as the user who runs it.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, inArray, or, sql } from "drizzle-orm";
import type { Context } from "hono";
import { MACRO_VISIBILITIES, macros, users } from "../../db/schema";
import { accountObject } from "../../durable/addresses";
import { runConversationActions } from "../../jobs/conversation-actions";
import { accountAuditEntry, changedFields } from "../audit";
import { userOf } from "../auth";
import { checkActions, type MacroAction, MacroActionInput } from "../conversation-actions";
import { type AppEnv, createRouter } from "../context";
import { ApiError, errorResponses, notFound } from "../errors";
import { BodyId, idParams, iso, Name, Timestamp } from "../schemas";
import { ATTACH_FILE_DESCRIPTION, attachFileBody, attachWorkflowFile, WorkflowFileSchema } from "../workflow-files";
import { userSecurity } from "./profile";
import { viewerOf } from "./viewer";

const tags = ["Application: macros"];
const accountParams = idParams("account_id");
const macroParams = idParams("account_id", "macro_id");
const AUDITABLE_TYPE = "Macro";

const MacroInput = z
  .object({
    name: Name.openapi({ example: "Escalate to billing" }),
    visibility: z.enum(MACRO_VISIBILITIES).default("personal").openapi({ description: "personal: only you; global: everyone (administrators)" }),
    actions: z.array(MacroActionInput).min(1).max(50),
  })
  .strict()
  .openapi("MacroInput");
const MacroUpdateInput = z
  .object({ name: Name.optional(), visibility: z.enum(MACRO_VISIBILITIES).optional(), actions: z.array(MacroActionInput).min(1).max(50).optional() })
  .strict()
  .openapi("MacroUpdateInput");

const UserRef = z.object({ id: z.number().int(), name: z.string() }).nullable();
const MacroSchema = z
  .object({
    id: z.number().int(),
    account_id: z.number().int(),
    name: z.string(),
    visibility: z.enum(MACRO_VISIBILITIES),
    actions: z.array(z.object({ action_name: z.string(), action_params: z.array(z.unknown()) })),
    created_by: UserRef,
    updated_by: UserRef,
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Macro");

const ActionResultSchema = z.object({
  action_name: z.string(),
  status: z.enum(["done", "unchanged", "failed"]).openapi({ description: "unchanged: it was already so" }),
  message: z.string().optional(),
});
const ExecutionSchema = z
  .object({
    payload: z.array(
      z.object({
        conversation_id: z.number().int(),
        status: z.enum(["done", "not_found"]),
        results: z.array(ActionResultSchema),
      }),
    ),
  })
  .openapi("MacroExecution");

type MacroRow = typeof macros.$inferSelect;

const configurationOf = (row: Pick<MacroRow, "name" | "visibility" | "actions">) => ({ name: row.name, visibility: row.visibility, actions: row.actions });

async function serializeMacros(c: Context<AppEnv>, rows: MacroRow[]): Promise<z.infer<typeof MacroSchema>[]> {
  const ids = [...new Set(rows.flatMap((row) => [row.createdById, row.updatedById]).filter((id): id is number => id !== null))];
  const people = ids.length === 0 ? [] : await c.var.db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids));
  const byId = new Map(people.map((person) => [person.id, person]));
  const ref = (id: number | null) => (id === null ? null : (byId.get(id) ?? null));
  return rows.map((row) => ({
    id: row.id,
    account_id: row.accountId,
    ...configurationOf(row),
    actions: row.actions as MacroAction[],
    created_by: ref(row.createdById),
    updated_by: ref(row.updatedById),
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  }));
}

async function serializeMacro(c: Context<AppEnv>, row: MacroRow) {
  const [macro] = await serializeMacros(c, [row]);
  if (!macro) throw new Error("serializing a macro gave nothing");
  return { payload: macro };
}

/** Global macros and the caller's own personal ones. */
const visibleTo = (c: Context<AppEnv>) =>
  and(eq(macros.accountId, c.var.membership.accountId), or(eq(macros.visibility, "global"), eq(macros.createdById, userOf(c).id)));

/** A macro the caller sees, or 404 (someone else's personal macro does not exist for them). */
async function visibleMacro(c: Context<AppEnv>, id: number): Promise<MacroRow> {
  const row = await c.var.db.query.macros.findFirst({ where: and(eq(macros.id, id), visibleTo(c)) });
  if (!row) throw notFound("Macro");
  return row;
}

/** Only administrators make, change or delete global macros. */
function ensureMayManage(c: Context<AppEnv>, visibility: MacroRow["visibility"]) {
  if (visibility === "global" && c.var.membership.role !== "administrator") {
    throw new ApiError(403, "forbidden", "Only administrators manage global macros; agents' macros are personal.");
  }
}

export const accountMacros = createRouter();

accountMacros.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/macros",
    tags,
    security: userSecurity,
    summary: "List the macros you can run",
    description: "The account's global macros and your personal ones, oldest first.",
    request: { params: accountParams },
    responses: {
      200: { description: "The macros", content: { "application/json": { schema: z.object({ payload: z.array(MacroSchema) }) } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const rows = await c.var.db.select().from(macros).where(visibleTo(c)).orderBy(asc(macros.id));
    return c.json({ payload: await serializeMacros(c, rows) }, 200);
  },
);

accountMacros.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/macros",
    tags,
    security: userSecurity,
    summary: "Create a macro",
    description: "Agents create personal macros; administrators also global ones (403 for an agent's global macro).",
    request: { params: accountParams, body: { required: true, content: { "application/json": { schema: MacroInput } } } },
    responses: {
      200: { description: "Created", content: { "application/json": { schema: z.object({ payload: MacroSchema }) } } },
      ...errorResponses(400, 401, 403, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const input = c.req.valid("json");
    ensureMayManage(c, input.visibility);
    await checkActions(c, input.actions);
    const userId = userOf(c).id;
    const values = {
      accountId: c.var.membership.accountId,
      name: input.name,
      visibility: input.visibility,
      actions: input.actions,
      createdById: userId,
      updatedById: userId,
    };
    const db = c.var.db;
    const [[row]] = await db.batch([
      db.insert(macros).values(values).returning(),
      accountAuditEntry(c, "create", AUDITABLE_TYPE, sql`last_insert_rowid()`, configurationOf(values)),
    ]);
    if (!row) throw new Error("macro insert returned no row");
    return c.json(await serializeMacro(c, row), 200);
  },
);

accountMacros.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/macros/attach_file",
    tags,
    security: userSecurity,
    summary: "Upload a file for send_attachment",
    description: ATTACH_FILE_DESCRIPTION,
    request: { params: accountParams, body: attachFileBody },
    responses: {
      200: { description: "The stored file", content: { "application/json": { schema: WorkflowFileSchema } } },
      ...errorResponses(400, 401, 404, 413, 415, 422),
    },
  }),
  async (c) => c.json(await attachWorkflowFile(c), 200),
);

accountMacros.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/macros/{macro_id}",
    tags,
    security: userSecurity,
    summary: "Show a macro",
    request: { params: macroParams },
    responses: {
      200: { description: "The macro", content: { "application/json": { schema: z.object({ payload: MacroSchema }) } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => c.json(await serializeMacro(c, await visibleMacro(c, c.req.valid("param").macro_id)), 200),
);

accountMacros.openapi(
  createRoute({
    method: "patch",
    path: "/{account_id}/macros/{macro_id}",
    tags,
    security: userSecurity,
    summary: "Update a macro",
    description: "Your personal macros, or (administrators) global ones. Making a macro global or personal follows the same rule.",
    request: { params: macroParams, body: { required: true, content: { "application/json": { schema: MacroUpdateInput } } } },
    responses: {
      200: { description: "The updated macro", content: { "application/json": { schema: z.object({ payload: MacroSchema }) } } },
      ...errorResponses(400, 401, 403, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const input = c.req.valid("json");
    const row = await visibleMacro(c, c.req.valid("param").macro_id);
    ensureMayManage(c, row.visibility);
    if (input.visibility) ensureMayManage(c, input.visibility);
    if (input.actions) await checkActions(c, input.actions);
    const changes = changedFields(configurationOf(row), input);
    if (Object.keys(changes).length === 0) return c.json(await serializeMacro(c, row), 200);
    const db = c.var.db;
    const [[updated]] = await db.batch([
      db
        .update(macros)
        .set({ name: input.name, visibility: input.visibility, actions: input.actions, updatedById: userOf(c).id, updatedAt: new Date() })
        .where(eq(macros.id, row.id))
        .returning(),
      accountAuditEntry(c, "update", AUDITABLE_TYPE, row.id, changes),
    ]);
    return c.json(await serializeMacro(c, updated ?? row), 200);
  },
);

accountMacros.openapi(
  createRoute({
    method: "delete",
    path: "/{account_id}/macros/{macro_id}",
    tags,
    security: userSecurity,
    summary: "Delete a macro",
    request: { params: macroParams },
    responses: {
      200: { description: "Deleted", content: { "application/json": { schema: z.object({}) } } },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const row = await visibleMacro(c, c.req.valid("param").macro_id);
    ensureMayManage(c, row.visibility);
    const db = c.var.db;
    await db.batch([db.delete(macros).where(eq(macros.id, row.id)), accountAuditEntry(c, "destroy", AUDITABLE_TYPE, row.id, configurationOf(row))]);
    return c.json({}, 200);
  },
);

accountMacros.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/macros/{macro_id}/execute",
    tags,
    security: userSecurity,
    summary: "Run a macro on conversations",
    description:
      "Runs the actions in order on each conversation, as you, and answers each action's result: `done`, `unchanged` " +
      "(it was already so) or `failed` with a message; a failed action does not stop the others. Conversations you " +
      "cannot see answer `not_found`. Chatwoot runs macros in the background and answers nothing; Parley answers " +
      "when they ran.",
    request: {
      params: macroParams,
      body: {
        required: true,
        content: { "application/json": { schema: z.object({ conversation_ids: z.array(BodyId).min(1).max(25) }).strict() } },
      },
    },
    responses: {
      200: { description: "What each action did", content: { "application/json": { schema: ExecutionSchema } } },
      ...errorResponses(400, 401, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const { conversation_ids } = c.req.valid("json");
    const macro = await visibleMacro(c, c.req.valid("param").macro_id);
    const viewer = await viewerOf(c);
    const user = userOf(c);
    const accountId = c.var.membership.accountId;
    const execution = crypto.randomUUID();
    const payload: z.infer<typeof ExecutionSchema>["payload"] = [];
    const account = accountObject(c.env, accountId);
    for (const displayId of [...new Set(conversation_ids)]) {
      if (!(await account.conversationState(displayId, viewer))) {
        payload.push({ conversation_id: displayId, status: "not_found", results: [] });
        continue;
      }
      const results = await runConversationActions(
        {
          env: c.env,
          db: c.var.db,
          accountId,
          displayId,
          actor: { type: "user", id: user.id, name: user.name },
          access: { inboxIds: viewer.inboxIds },
          key: `macro:${macro.id}:${execution}:${displayId}`,
          webhookEvent: "macro_event.executed",
        },
        macro.actions as MacroAction[],
      );
      payload.push({ conversation_id: displayId, status: "done", results });
    }
    return c.json({ payload }, 200);
  },
);
