/**
 * Agency API: snapshots of a sub-account's chat widgets (/api/v1/agency/snapshots) and their loads
 * into other sub-accounts. Creating one captures the widgets and copies their media; loading one
 * queues a `snapshot.load` job per target (`src/jobs/load-snapshot.ts`), whose progress and report
 * the load answers.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { BatchItem } from "drizzle-orm/batch";
import { and, count, desc, eq, or, sql } from "drizzle-orm";
import type { Context } from "hono";
import { accounts, CHAT_WIDGET_TYPES, chatWidgets, customAttributeDefinitions, SNAPSHOT_LOAD_STATUSES, snapshotLoads, snapshots } from "../../db/schema";
import { inJsonList } from "../../db/queries";
import {
  SNAPSHOT_CONTENTS_VERSION,
  SNAPSHOT_MEDIA_SLOTS,
  snapshotAttributeDefinitionOf,
  type SnapshotContents,
  snapshotContentsOf,
  snapshotMediaCopies,
  snapshotMediaPrefix,
  snapshotWidgetOf,
} from "../../domain/snapshot-contents";
import { enqueueJobs } from "../../jobs/messages";
import { deleteMediaUnder } from "../../jobs/purge-account";
import type { LoadSummary } from "../../jobs/load-snapshot";
import { loadChatWidgets } from "../../services/loaded-chat-widgets";
import { auditEntry } from "../audit";
import { agencyOf } from "../auth";
import { type AppEnv, createRouter } from "../context";
import { ApiError, errorResponses, type FieldIssue, notFound } from "../errors";
import { copyMedia } from "../media";
import { BodyId, idParams, iso, Name, offsetOf, PageQuery, pageOf, Timestamp } from "../schemas";
import { agencyAccount, security } from "./accounts";

const tags = ["Agency: snapshots"];
const snapshotParams = idParams("snapshot_id");
const loadParams = idParams("load_id");
const MAX_WIDGETS = 100;
const MAX_DEFINITIONS = 200;
const MAX_TARGETS = 100;

// ---- Schemas ------------------------------------------------------------------------------------

const AttributeKeyRef = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_]+$/, "Expected a definition id or an attribute key.");

const AssetsInput = z
  .object({
    chat_widgets: z
      .union([z.literal("all"), z.array(BodyId).max(MAX_WIDGETS)])
      .openapi({ description: '`"all"`, or ids of the source account\'s chat widgets', example: "all" }),
    custom_attribute_definitions: z
      .array(z.union([BodyId, AttributeKeyRef]))
      .max(MAX_DEFINITIONS)
      .default([])
      .openapi({
        description:
          "Definitions to include, by id or attribute key (a key names both models' definitions). None unless listed: a load " +
          "creates only these, and drops pre-chat fields that ask for attributes the target lacks.",
      }),
  })
  .strict()
  .openapi("SnapshotAssetsInput");

const SnapshotCreateInput = z
  .object({
    name: Name.openapi({ example: "Dental clinic widgets" }),
    account_id: BodyId.openapi({ description: "The sub-account to take the snapshot of" }),
    assets: AssetsInput,
  })
  .strict()
  .openapi("SnapshotCreateInput");

const SnapshotSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    account_id: z.number().int().openapi({ description: "The sub-account it was taken from (it may have been deleted since)" }),
    assets: z.object({
      chat_widgets: z.union([z.literal("all"), z.array(z.number().int())]),
      custom_attribute_definitions: z.array(z.number().int()).openapi({ description: "The included definitions' ids in the source" }),
    }),
    counts: z.object({ chat_widgets: z.number().int(), custom_attribute_definitions: z.number().int(), media_files: z.number().int() }),
    created_at: Timestamp,
  })
  .openapi("Snapshot");

const SnapshotMediaSchema = z.object({ file_name: z.string(), content_type: z.string() }).nullable();

const SnapshotContentsSchema = z
  .object({
    version: z.number().int(),
    chat_widgets: z.array(
      z.object({
        source_widget_id: z.number().int(),
        name: z.string(),
        type: z.enum(CHAT_WIDGET_TYPES),
        settings: z.record(z.string(), z.unknown()).openapi({ description: "Settings and layout; avatar and logo are in `media`" }),
        pre_chat_form: z.record(z.string(), z.unknown()),
        inbox: z.record(z.string(), z.unknown()).nullable().openapi({ description: "The routed inbox's settings, without its tokens" }),
        dependencies: z.object({
          whatsapp_number: z.object({ phone_number: z.string(), display_name: z.string().nullable() }).nullable(),
          facebook_page: z.object({ page_id: z.string(), name: z.string() }).nullable(),
          instagram_account: z.object({ instagram_id: z.string(), username: z.string() }).nullable(),
          voice_ai_agent: z.object({ name: z.string() }).nullable(),
        }),
        media: z.object({ avatar: SnapshotMediaSchema, logo: SnapshotMediaSchema }).openapi({ description: "Copies the snapshot owns" }),
      }),
    ),
    custom_attribute_definitions: z.array(z.record(z.string(), z.unknown())),
  })
  .openapi("SnapshotContents");

const SnapshotWithContentsSchema = SnapshotSchema.extend({ contents: SnapshotContentsSchema }).openapi("SnapshotWithContents");

const LoadInput = z
  .object({
    account_ids: z.array(BodyId).min(1).max(MAX_TARGETS).openapi({ description: "Target sub-accounts of the agency; one load (and one job) each" }),
    dry_run: z.boolean().default(false).openapi({ description: "Report what would happen without writing anything" }),
    on_conflict: z.enum(["override", "skip"]).default("override").openapi({
      description: "Widgets an earlier load of this snapshot created in the target: update them (override) or leave them (skip)",
    }),
  })
  .strict()
  .openapi("SnapshotLoadInput");

const DependencyOutcomeSchema = z.object({
  type: z.enum(["whatsapp_number", "facebook_page", "instagram_account", "voice_ai_agent"]),
  outcome: z.enum(["mapped", "left_empty"]),
  mapped_to: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).optional(),
  reason: z.string().optional(),
  auto_selected: z.boolean().optional(),
});

const ReportEntrySchema = z
  .discriminatedUnion("kind", [
    z.object({
      kind: z.literal("chat_widget"),
      source_widget_id: z.number().int(),
      name: z.string(),
      type: z.enum(CHAT_WIDGET_TYPES),
      action: z.enum(["created", "updated", "skipped", "would_create", "would_update"]),
      widget_id: z.number().int().nullable(),
      setup_status: z.enum(["complete", "incomplete"]).nullable(),
      missing_dependencies: z.array(z.string()).openapi({ description: "The helper texts the widget shows while incomplete" }),
      dependencies: z.array(DependencyOutcomeSchema),
      media: z.array(z.object({ slot: z.enum(SNAPSHOT_MEDIA_SLOTS), outcome: z.enum(["copied", "would_copy", "missing", "skipped"]) })),
      inbox: z
        .object({ outcome: z.enum(["mapped", "created", "would_create", "left_empty"]), inbox_id: z.number().int().nullable(), name: z.string() })
        .nullable(),
      warnings: z.array(z.string()),
    }),
    z.object({
      kind: z.literal("custom_attribute_definition"),
      attribute_key: z.string(),
      attribute_model: z.string(),
      action: z.enum(["created", "skipped", "would_create"]),
      definition_id: z.number().int().nullable(),
      reason: z.string().optional(),
    }),
  ])
  .openapi("SnapshotLoadReportEntry");

const SnapshotLoadSchema = z
  .object({
    id: z.number().int(),
    snapshot_id: z.number().int(),
    account_id: z.number().int(),
    status: z.enum(SNAPSHOT_LOAD_STATUSES),
    dry_run: z.boolean(),
    on_conflict: z.enum(["override", "skip"]),
    progress: z.object({ done: z.number().int(), total: z.number().int() }).openapi({ description: "Widgets loaded so far, of all" }),
    report: z.array(ReportEntrySchema).openapi({ description: "One entry per custom attribute definition and per widget" }),
    summary: z
      .record(z.string(), z.unknown())
      .nullable()
      .openapi({ description: "When finished: counts, and the D1 statements and round trips the job used (in total and per widget)" }),
    error: z.string().nullable(),
    created_at: Timestamp,
    started_at: Timestamp.nullable(),
    finished_at: Timestamp.nullable(),
  })
  .openapi("SnapshotLoad");

// ---- Rows and answers ---------------------------------------------------------------------------

type SnapshotRow = typeof snapshots.$inferSelect;
type LoadRow = typeof snapshotLoads.$inferSelect;
type StoredAssets = { chat_widgets: "all" | number[]; custom_attribute_definitions: number[] };

const EMPTY_CONTENTS: SnapshotContents = { version: SNAPSHOT_CONTENTS_VERSION, chat_widgets: [], custom_attribute_definitions: [] };
const contentsOf = (row: SnapshotRow) => snapshotContentsOf(row.contents) ?? EMPTY_CONTENTS;

function serializeSnapshot(row: SnapshotRow): z.infer<typeof SnapshotSchema> {
  const contents = contentsOf(row);
  const assets = row.assets as StoredAssets;
  return {
    id: row.id,
    name: row.name,
    account_id: row.sourceAccountId,
    assets: { chat_widgets: assets.chat_widgets, custom_attribute_definitions: assets.custom_attribute_definitions },
    counts: {
      chat_widgets: contents.chat_widgets.length,
      custom_attribute_definitions: contents.custom_attribute_definitions.length,
      media_files: contents.chat_widgets.reduce((sum, widget) => sum + SNAPSHOT_MEDIA_SLOTS.filter((slot) => widget.media[slot]).length, 0),
    },
    created_at: iso(row.createdAt),
  };
}

type ReportEntryAnswer = z.infer<typeof ReportEntrySchema>;

function serializeLoad(row: LoadRow): z.infer<typeof SnapshotLoadSchema> {
  const stored = row.report as (ReportEntryAnswer | LoadSummary)[];
  const summary = stored.find((entry): entry is LoadSummary => entry.kind === "summary") ?? null;
  return {
    id: row.id,
    snapshot_id: row.snapshotId,
    account_id: row.accountId,
    status: row.status,
    dry_run: row.dryRun,
    on_conflict: row.onConflict,
    progress: { done: row.progressDone, total: row.progressTotal },
    report: stored.filter((entry): entry is ReportEntryAnswer => entry.kind !== "summary"),
    summary,
    error: row.error,
    created_at: iso(row.createdAt),
    started_at: row.startedAt ? iso(row.startedAt) : null,
    finished_at: row.finishedAt ? iso(row.finishedAt) : null,
  };
}

/** The agency's own snapshot, or 404 for any other id. */
async function agencySnapshot(c: Context<AppEnv>, snapshotId: number): Promise<SnapshotRow> {
  const [row] = await c.var.db
    .select()
    .from(snapshots)
    .where(and(eq(snapshots.id, snapshotId), eq(snapshots.agencyId, agencyOf(c).id)));
  if (!row) throw notFound("Snapshot");
  return row;
}

const invalid = (issues: FieldIssue[]) => new ApiError(422, "validation_failed", "The request body is not valid.", issues);

/** The source's widgets the assets name: all of them, or the listed ids (422 for ids of nothing in the account). */
async function chosenWidgets(c: Context<AppEnv>, accountId: number, chosen: "all" | number[]) {
  const listed = chosen === "all" ? null : chosen;
  const ids = listed && [...new Set(listed)];
  const widgets = await loadChatWidgets(c.var.db, and(eq(chatWidgets.accountId, accountId), ids === null ? undefined : inJsonList(chatWidgets.id, ids)));
  if (listed && ids) {
    const unknown = ids.filter((id) => !widgets.some((loaded) => loaded.widget.id === id));
    if (unknown.length > 0) {
      throw invalid(
        unknown.map((id) => ({ field: `assets.chat_widgets.${listed.indexOf(id)}`, message: `The account has no chat widget ${id}.`, code: "not_found" })),
      );
    }
  }
  if (widgets.length > MAX_WIDGETS) {
    throw invalid([{ field: "assets.chat_widgets", message: `A snapshot holds at most ${MAX_WIDGETS} chat widgets.`, code: "too_big" }]);
  }
  return widgets;
}

/** The definitions the assets name by id or key (422 for any that names nothing in the account). */
async function chosenDefinitions(c: Context<AppEnv>, accountId: number, refs: (number | string)[]) {
  if (refs.length === 0) return [];
  const ids = refs.filter((ref): ref is number => typeof ref === "number");
  const keys = refs.filter((ref): ref is string => typeof ref === "string");
  const rows = await c.var.db
    .select()
    .from(customAttributeDefinitions)
    .where(
      and(
        eq(customAttributeDefinitions.accountId, accountId),
        or(inJsonList(customAttributeDefinitions.id, ids), inJsonList(customAttributeDefinitions.attributeKey, keys)),
      ),
    )
    .orderBy(customAttributeDefinitions.id);
  const issues = refs.flatMap((ref, index) =>
    rows.some((row) => row.id === ref || row.attributeKey === ref)
      ? []
      : [{ field: `assets.custom_attribute_definitions.${index}`, message: `The account has no custom attribute definition ${ref}.`, code: "not_found" }],
  );
  if (issues.length > 0) throw invalid(issues);
  return rows;
}

// ---- Routes -------------------------------------------------------------------------------------

export const agencySnapshots = createRouter();

agencySnapshots.openapi(
  createRoute({
    method: "post",
    path: "/snapshots",
    tags,
    security,
    summary: "Take a snapshot of a sub-account's chat widgets",
    description:
      "Captures each chosen widget's settings, layout and pre-chat form, its inbox's settings (no tokens), the identities " +
      "of the integrations it uses (WhatsApp number, Facebook page, Instagram account, Voice AI agent name) and copies of " +
      "its avatar and logo, which the snapshot owns: changing or deleting the source later changes nothing. Custom " +
      "attribute definitions are included only when listed.",
    request: { body: { required: true, content: { "application/json": { schema: SnapshotCreateInput } } } },
    responses: {
      201: { description: "Created", content: { "application/json": { schema: SnapshotWithContentsSchema } } },
      ...errorResponses(400, 401, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const input = c.req.valid("json");
    const agency = agencyOf(c);
    const account = await agencyAccount(c, input.account_id);
    const widgets = await chosenWidgets(c, account.id, input.assets.chat_widgets);
    const definitions = await chosenDefinitions(c, account.id, input.assets.custom_attribute_definitions);

    const mediaKeys = widgets.flatMap(({ settings }) => SNAPSHOT_MEDIA_SLOTS.flatMap((slot) => settings[slot]?.key ?? []));
    const present = new Set((await Promise.all(mediaKeys.map(async (key) => ((await c.env.MEDIA.head(key)) ? key : null)))).filter((key) => key !== null));
    const captured = widgets.map((widget) => snapshotWidgetOf(widget, (key) => present.has(key)));
    const contents: SnapshotContents = {
      version: SNAPSHOT_CONTENTS_VERSION,
      chat_widgets: captured,
      custom_attribute_definitions: definitions.map(snapshotAttributeDefinitionOf),
    };
    const assets: StoredAssets = {
      chat_widgets: input.assets.chat_widgets === "all" ? "all" : widgets.map((loaded) => loaded.widget.id),
      custom_attribute_definitions: definitions.map((row) => row.id),
    };
    const db = c.var.db;
    const [[snapshot]] = await db.batch([
      db.insert(snapshots).values({ agencyId: agency.id, name: input.name, sourceAccountId: account.id, assets, contents }).returning(),
      auditEntry(c, {
        action: "create",
        auditableType: "Snapshot",
        auditableId: sql`last_insert_rowid()`,
        agencyId: agency.id,
        accountId: null,
        changes: { name: input.name, source_account_id: account.id, assets, chat_widgets: captured.length, custom_attribute_definitions: definitions.length },
      }),
    ]);
    if (!snapshot) throw new Error("snapshot insert returned no row");

    // The copies' keys carry the snapshot's id, so they are made once it has one.
    const copies = widgets.flatMap((widget, index) => {
      const kept = captured[index];
      return kept ? snapshotMediaCopies(snapshot.id, widget, kept) : [];
    });
    try {
      await Promise.all(copies.map((copy) => copyMedia(c.env.MEDIA, copy.from, copy.to)));
    } catch (error) {
      await deleteMediaUnder(c.env.MEDIA, snapshotMediaPrefix(snapshot.id));
      await db.batch([
        db.delete(snapshots).where(eq(snapshots.id, snapshot.id)),
        auditEntry(c, {
          action: "destroy",
          auditableType: "Snapshot",
          auditableId: snapshot.id,
          agencyId: agency.id,
          accountId: null,
          changes: { reason: "its media could not be copied" },
        }),
      ]);
      throw error;
    }
    return c.json({ ...serializeSnapshot(snapshot), contents }, 201);
  },
);

agencySnapshots.openapi(
  createRoute({
    method: "get",
    path: "/snapshots",
    tags,
    security,
    summary: "List the agency's snapshots, newest first",
    request: { query: PageQuery },
    responses: {
      200: { description: "A page of snapshots", content: { "application/json": { schema: pageOf(SnapshotSchema) } } },
      ...errorResponses(400, 401),
    },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const mine = eq(snapshots.agencyId, agencyOf(c).id);
    const db = c.var.db;
    const [rows, [total]] = await Promise.all([
      db.select().from(snapshots).where(mine).orderBy(desc(snapshots.id)).limit(query.per_page).offset(offsetOf(query)),
      db.select({ value: count() }).from(snapshots).where(mine),
    ]);
    return c.json({ meta: { count: total?.value ?? 0, current_page: query.page, per_page: query.per_page }, payload: rows.map(serializeSnapshot) }, 200);
  },
);

agencySnapshots.openapi(
  createRoute({
    method: "get",
    path: "/snapshots/{snapshot_id}",
    tags,
    security,
    summary: "Show a snapshot with what it holds",
    request: { params: snapshotParams },
    responses: {
      200: { description: "The snapshot", content: { "application/json": { schema: SnapshotWithContentsSchema } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { snapshot_id } = c.req.valid("param");
    const snapshot = await agencySnapshot(c, snapshot_id);
    return c.json({ ...serializeSnapshot(snapshot), contents: contentsOf(snapshot) }, 200);
  },
);

agencySnapshots.openapi(
  createRoute({
    method: "delete",
    path: "/snapshots/{snapshot_id}",
    tags,
    security,
    summary: "Delete a snapshot",
    description: "Its media copies and its load history go with it. Widgets it loaded into sub-accounts stay.",
    request: { params: snapshotParams },
    responses: { 204: { description: "Deleted" }, ...errorResponses(400, 401, 404) },
  }),
  async (c) => {
    const { snapshot_id } = c.req.valid("param");
    const snapshot = await agencySnapshot(c, snapshot_id);
    const db = c.var.db;
    await db.batch([
      db.delete(snapshots).where(eq(snapshots.id, snapshot.id)),
      auditEntry(c, {
        action: "destroy",
        auditableType: "Snapshot",
        auditableId: snapshot.id,
        agencyId: snapshot.agencyId,
        accountId: null,
        changes: { name: snapshot.name, source_account_id: snapshot.sourceAccountId, assets: snapshot.assets },
      }),
    ]);
    await deleteMediaUnder(c.env.MEDIA, snapshotMediaPrefix(snapshot.id));
    return c.body(null, 204);
  },
);

agencySnapshots.openapi(
  createRoute({
    method: "post",
    path: "/snapshots/{snapshot_id}/loads",
    tags,
    security,
    summary: "Load a snapshot into sub-accounts",
    description:
      "Queues one load per target; each runs on its own, so a target that fails does not stop the others. Every widget " +
      "is created, incomplete where the target lacks what it needs. Loading the same snapshot again updates the widgets " +
      "it created before (`on_conflict: override`) or leaves them (`skip`); it never duplicates them. `dry_run` " +
      "reports the same without writing. 404 (naming them) when any target is not the agency's.",
    request: {
      params: snapshotParams,
      body: { required: true, content: { "application/json": { schema: LoadInput } } },
    },
    responses: {
      202: {
        description: "Queued",
        content: {
          "application/json": {
            schema: z.object({
              loads: z.array(z.object({ id: z.number().int(), account_id: z.number().int(), status: z.enum(SNAPSHOT_LOAD_STATUSES) })),
            }),
          },
        },
      },
      ...errorResponses(400, 401, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const { snapshot_id } = c.req.valid("param");
    const input = c.req.valid("json");
    const snapshot = await agencySnapshot(c, snapshot_id);
    const db = c.var.db;
    const targetIds = [...new Set(input.account_ids)];
    const owned = await db
      .select({ id: accounts.id })
      .from(accounts)
      .where(and(eq(accounts.agencyId, snapshot.agencyId), inJsonList(accounts.id, targetIds)));
    const outside = targetIds.filter((id) => !owned.some((row) => row.id === id));
    if (outside.length > 0) throw new ApiError(404, "not_found", "Account not found.", { account_ids: outside });

    const statements = targetIds.flatMap((accountId): BatchItem<"sqlite">[] => [
      db
        .insert(snapshotLoads)
        .values({ snapshotId: snapshot.id, agencyId: snapshot.agencyId, accountId, dryRun: input.dry_run, onConflict: input.on_conflict, report: [] })
        .returning({ id: snapshotLoads.id, account_id: snapshotLoads.accountId, status: snapshotLoads.status }),
      auditEntry(c, {
        action: "create",
        auditableType: "SnapshotLoad",
        auditableId: sql`last_insert_rowid()`,
        agencyId: snapshot.agencyId,
        accountId: null,
        changes: { snapshot_id: snapshot.id, snapshot_name: snapshot.name, account_id: accountId, dry_run: input.dry_run, on_conflict: input.on_conflict },
      }),
    ]);
    const [first, ...rest] = statements;
    if (!first) throw new Error("a load needs at least one target");
    const results = await db.batch([first, ...rest]);
    // Every other result is an insert's returned row; the ones between are the audit entries.
    const loads = results.filter((_, index) => index % 2 === 0).flatMap((rows) => rows as { id: number; account_id: number; status: LoadRow["status"] }[]);
    try {
      await enqueueJobs(
        c.env.JOBS,
        loads.map((load) => ({ type: "snapshot.load", load_id: load.id })),
      );
    } catch (error) {
      await db
        .update(snapshotLoads)
        .set({ status: "failed", error: "The load could not be queued; request it again.", finishedAt: new Date() })
        .where(
          inJsonList(
            snapshotLoads.id,
            loads.map((load) => load.id),
          ),
        );
      throw error;
    }
    return c.json({ loads }, 202);
  },
);

const loadPage = async (c: Context<AppEnv>, snapshotId: number, query: PageQuery) => {
  const db = c.var.db;
  const ofSnapshot = eq(snapshotLoads.snapshotId, snapshotId);
  const [rows, [total]] = await Promise.all([
    db.select().from(snapshotLoads).where(ofSnapshot).orderBy(desc(snapshotLoads.id)).limit(query.per_page).offset(offsetOf(query)),
    db.select({ value: count() }).from(snapshotLoads).where(ofSnapshot),
  ]);
  return { meta: { count: total?.value ?? 0, current_page: query.page, per_page: query.per_page }, payload: rows.map(serializeLoad) };
};

agencySnapshots.openapi(
  createRoute({
    method: "get",
    path: "/snapshots/{snapshot_id}/loads",
    tags,
    security,
    summary: "The snapshot's loads, newest first",
    request: { params: snapshotParams, query: PageQuery },
    responses: {
      200: { description: "A page of loads", content: { "application/json": { schema: pageOf(SnapshotLoadSchema) } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { snapshot_id } = c.req.valid("param");
    const snapshot = await agencySnapshot(c, snapshot_id);
    return c.json(await loadPage(c, snapshot.id, c.req.valid("query")), 200);
  },
);

agencySnapshots.openapi(
  createRoute({
    method: "get",
    path: "/snapshot_loads/{load_id}",
    tags,
    security,
    summary: "Show a snapshot load: status, progress and report",
    description:
      "`status` moves queued → running → completed, completed_with_warnings (a widget left incomplete, a pre-chat field " +
      "dropped, a Voice AI agent auto-selected, media missing) or failed (`error` says why).",
    request: { params: loadParams },
    responses: {
      200: { description: "The load", content: { "application/json": { schema: SnapshotLoadSchema } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { load_id } = c.req.valid("param");
    const [load] = await c.var.db
      .select()
      .from(snapshotLoads)
      .where(and(eq(snapshotLoads.id, load_id), eq(snapshotLoads.agencyId, agencyOf(c).id)));
    if (!load) throw notFound("Snapshot load");
    return c.json(serializeLoad(load), 200);
  },
);
