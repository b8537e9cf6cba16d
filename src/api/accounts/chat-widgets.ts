/**
 * Application API: the account's chat widgets (/api/v1/accounts/:account_id/chat_widgets), their
 * embed code and media. A widget that lacks a dependency its type needs is incomplete: it cannot be
 * saved and has no code (409 setup_incomplete), and every answer says what is missing.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, desc, eq, inArray, lte, sql } from "drizzle-orm";
import type { Context } from "hono";
import {
  CHAT_WIDGET_TYPES,
  type ChatWidgetType,
  chatWidgets,
  customAttributeDefinitions,
  facebookPages,
  inboxes,
  instagramAccounts,
  snapshotLoads,
  snapshots,
  voiceAiAgents,
  whatsappNumbers,
} from "../../db/schema";
import { imageTypeOf, WIDGET_IMAGE_TYPES } from "../../domain/image-types";
import { randomIdentifier } from "../../domain/tokens";
import { widgetEmbedCode } from "../../domain/widget-embed";
import { DEPENDENCY_FIELDS, type DependencyType, dependencyTypesOf, inboxFitsWidget, widgetSetup, type WidgetSetup } from "../../domain/widget-setup";
import { accountAuditEntry, changedFields } from "../audit";
import { requireRole } from "../auth";
import {
  DEFAULT_PRE_CHAT_FORM,
  defaultWidgetSettings,
  MEDIA_SLOTS,
  type MediaSlot,
  mergePreChatForm,
  mergeWidgetSettings,
  type PreChatForm,
  PreChatFormInput,
  type WidgetSettings,
  WidgetSettingsInput,
} from "../../services/chat-widget-settings";
import { type ChatWidgetRow, type LoadedChatWidget, loadChatWidgets, loadedChatWidget, type WidgetDependencyRows } from "../../services/loaded-chat-widgets";
import { PreChatFormSchema, WidgetSettingsSchema } from "../chat-widget-settings";
import { type AppEnv, createRouter } from "../context";
import { ApiError, errorResponses, type FieldIssue, notFound, validationError } from "../errors";
import { mediaUrl, newMediaKey } from "../media";
import { readForm, readJson } from "../messages";
import { BodyId, Id, idParams, iso, Name, Timestamp } from "../schemas";
import { userSecurity } from "./profile";

const tags = ["Application: chat widgets"];
const accountParams = idParams("account_id");
const widgetParams = idParams("account_id", "chat_widget_id");
const mediaParams = z.object({
  account_id: Id.openapi({ param: { name: "account_id", in: "path" } }),
  chat_widget_id: Id.openapi({ param: { name: "chat_widget_id", in: "path" } }),
  slot: z.enum(MEDIA_SLOTS).openapi({ param: { name: "slot", in: "path" } }),
});
const MAX_IMAGE_BYTES = 2 * 1024 * 1024;
const AUDITABLE_TYPE = "ChatWidget";

// ---- Answers -------------------------------------------------------------------------------------

const MissingDependencySchema = z.object({
  type: z.enum(["inbox", "whatsapp_number", "facebook_page", "instagram_account", "voice_ai_agent", "channel"]),
  field: z.string(),
  message: z.string().openapi({ description: "The helper text to show" }),
});
const ActionSchema = z.object({
  enabled: z.boolean(),
  reason: z.string().nullable().openapi({ description: "Why the action is disabled: the helper text; null when enabled" }),
});

const SnapshotOriginSchema = z
  .object({
    snapshot_id: z.number().int(),
    snapshot_name: z.string().nullable().openapi({ description: "null when the snapshot has been deleted since" }),
    load_id: z.number().int().nullable().openapi({ description: "The load that created the widget; null when it is no longer known" }),
    loaded_at: Timestamp.openapi({ description: "When that load created the widget" }),
  })
  .openapi("ChatWidgetSnapshotOrigin");
type SnapshotOrigin = z.infer<typeof SnapshotOriginSchema>;

const ChatWidgetSchema = z
  .object({
    id: z.number().int(),
    account_id: z.number().int(),
    name: z.string(),
    type: z.enum(CHAT_WIDGET_TYPES),
    widget_token: z.string().openapi({ description: "The public id the embed code carries" }),
    command_secret: z
      .string()
      .nullable()
      .openapi({
        description:
          "The key a site's server signs >cs commands that act on people with (docs/SECURITY.md, \"What a site owner " +
          'signs"); shown to administrators only, null for agents',
      }),
    inbox_id: z.number().int().nullable(),
    whatsapp_number_id: z.number().int().nullable(),
    facebook_page_id: z.number().int().nullable(),
    instagram_account_id: z.number().int().nullable(),
    voice_ai_agent_id: z.number().int().nullable(),
    settings: WidgetSettingsSchema,
    pre_chat_form: PreChatFormSchema,
    setup_status: z.enum(["complete", "incomplete"]),
    missing_dependencies: z.array(MissingDependencySchema),
    actions: z.object({ save: ActionSchema, get_code: ActionSchema }),
    snapshot: SnapshotOriginSchema.nullable().openapi({ description: "The snapshot load that created the widget; null for widgets made here" }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("ChatWidget");
type ChatWidget = z.infer<typeof ChatWidgetSchema>;

const mediaAnswer = (origin: string, media: WidgetSettings["avatar"]) => (media ? { url: mediaUrl(origin, media.key), ...media } : null);

/** The widget as the API answers it, setup included. Snapshot loads answer their widgets with it too. */
export function serializeChatWidget(
  { widget, settings, preChatForm, setup }: LoadedChatWidget,
  origin: string,
  { showSecret, snapshot = null }: { showSecret: boolean; snapshot?: SnapshotOrigin | null } = { showSecret: false },
): ChatWidget {
  return {
    id: widget.id,
    account_id: widget.accountId,
    name: widget.name,
    type: widget.type,
    widget_token: widget.widgetToken,
    command_secret: showSecret ? widget.commandSecret : null,
    inbox_id: widget.inboxId,
    whatsapp_number_id: widget.whatsappNumberId,
    facebook_page_id: widget.facebookPageId,
    instagram_account_id: widget.instagramAccountId,
    voice_ai_agent_id: widget.voiceAiAgentId,
    settings: { ...settings, avatar: mediaAnswer(origin, settings.avatar), logo: mediaAnswer(origin, settings.logo) },
    pre_chat_form: preChatForm,
    ...setup,
    snapshot,
    created_at: iso(widget.createdAt),
    updated_at: iso(widget.updatedAt),
  };
}

const originOf = (c: Context<AppEnv>) => new URL(c.req.url).origin;
const secretFor = (c: Context<AppEnv>) => ({ showSecret: c.var.membership.role === "administrator" });

/**
 * Where snapshot-made widgets came from: their snapshot (`snapshot_source` is `<snapshot id>:<source
 * widget id>`) and the latest load of it into this account queued before the widget was created.
 */
async function snapshotOrigins(c: Context<AppEnv>, widgets: ChatWidgetRow[]): Promise<Map<number, SnapshotOrigin>> {
  const origins = new Map<number, SnapshotOrigin>();
  const fromSnapshots = widgets.flatMap((widget) => {
    const snapshotId = Number(widget.snapshotSource?.split(":")[0]);
    return Number.isInteger(snapshotId) && snapshotId > 0 ? [{ widget, snapshotId }] : [];
  });
  if (fromSnapshots.length === 0) return origins;
  const snapshotIds = [...new Set(fromSnapshots.map(({ snapshotId }) => snapshotId))];
  const [names, loads] = await Promise.all([
    c.var.db.select({ id: snapshots.id, name: snapshots.name }).from(snapshots).where(inArray(snapshots.id, snapshotIds)),
    c.var.db
      .select({ id: snapshotLoads.id, snapshotId: snapshotLoads.snapshotId, createdAt: snapshotLoads.createdAt, finishedAt: snapshotLoads.finishedAt })
      .from(snapshotLoads)
      .where(
        and(
          eq(snapshotLoads.accountId, c.var.membership.accountId),
          inArray(snapshotLoads.snapshotId, snapshotIds),
          eq(snapshotLoads.dryRun, false),
          lte(snapshotLoads.createdAt, new Date(Math.max(...fromSnapshots.map(({ widget }) => widget.createdAt.getTime())))),
        ),
      )
      .orderBy(desc(snapshotLoads.createdAt), desc(snapshotLoads.id)),
  ]);
  for (const { widget, snapshotId } of fromSnapshots) {
    const load = loads.find((row) => row.snapshotId === snapshotId && row.createdAt.getTime() <= widget.createdAt.getTime());
    origins.set(widget.id, {
      snapshot_id: snapshotId,
      snapshot_name: names.find((row) => row.id === snapshotId)?.name ?? null,
      load_id: load?.id ?? null,
      loaded_at: iso(widget.createdAt),
    });
  }
  return origins;
}

/** The answer for widgets read here: the secret for administrators and where a snapshot-made widget came from. */
async function answerOf(c: Context<AppEnv>, widget: LoadedChatWidget): Promise<ChatWidget> {
  const origins = await snapshotOrigins(c, [widget.widget]);
  return serializeChatWidget(widget, originOf(c), { ...secretFor(c), snapshot: origins.get(widget.widget.id) ?? null });
}

/** One of the account's widgets with its dependencies, or 404 for any other id. */
async function accountWidget(c: Context<AppEnv>, widgetId: number): Promise<LoadedChatWidget> {
  const [found] = await loadChatWidgets(c.var.db, and(eq(chatWidgets.id, widgetId), eq(chatWidgets.accountId, c.var.membership.accountId)));
  if (!found) throw notFound("Chat widget");
  return found;
}

/** 409 for an incomplete widget, its first helper text as the message. */
export function ensureComplete(setup: WidgetSetup) {
  const [first] = setup.missing_dependencies;
  if (first) throw new ApiError(409, "setup_incomplete", first.message, { missing_dependencies: setup.missing_dependencies });
}

type WidgetConfiguration = Pick<
  ChatWidgetRow,
  "name" | "type" | "widgetToken" | "inboxId" | "whatsappNumberId" | "facebookPageId" | "instagramAccountId" | "voiceAiAgentId"
> & {
  settings: WidgetSettings;
  preChatForm: PreChatForm;
};

/** The widget's configuration under its API names, settings one entry per section: what the audit log records. */
function configurationOf(widget: WidgetConfiguration): Record<string, unknown> {
  return {
    name: widget.name,
    type: widget.type,
    widget_token: widget.widgetToken,
    inbox_id: widget.inboxId,
    whatsapp_number_id: widget.whatsappNumberId,
    facebook_page_id: widget.facebookPageId,
    instagram_account_id: widget.instagramAccountId,
    voice_ai_agent_id: widget.voiceAiAgentId,
    ...Object.fromEntries(Object.entries(widget.settings).map(([section, value]) => [`settings.${section}`, value])),
    pre_chat_form: widget.preChatForm,
  };
}

/** The configuration as row fields, for inserts and updates. */
const columnsOf = ({ settings, preChatForm, ...rest }: WidgetConfiguration) => ({ ...rest, settings, preChatForm });

const configurationOfLoaded = ({ widget, settings, preChatForm }: LoadedChatWidget) => configurationOf({ ...widget, settings, preChatForm });

// ---- Inputs and the plan of a change ------------------------------------------------------------

const optionalFields = {
  inbox_id: BodyId.nullable().optional().openapi({ description: "A website inbox of the account: live chat, email/SMS" }),
  whatsapp_number_id: BodyId.nullable().optional(),
  facebook_page_id: BodyId.nullable().optional(),
  instagram_account_id: BodyId.nullable().optional(),
  voice_ai_agent_id: BodyId.nullable().optional(),
  settings: WidgetSettingsInput.optional(),
  pre_chat_form: PreChatFormInput.optional(),
};

const ChatWidgetCreateInput = z
  .object({ name: Name.openapi({ example: "Website chat" }), type: z.enum(CHAT_WIDGET_TYPES), ...optionalFields })
  .strict()
  .openapi("ChatWidgetCreateInput");

const ChatWidgetUpdateInput = z
  .object({
    name: Name.optional(),
    type: z.enum(CHAT_WIDGET_TYPES).optional().openapi({ description: "Cannot change; accepted when it is the current type" }),
    ...optionalFields,
    settings: optionalFields.settings.openapi({ description: "Merged into the current settings, section by section" }),
  })
  .strict()
  .openapi("ChatWidgetUpdateInput");
type ChatWidgetInput = z.infer<typeof ChatWidgetUpdateInput>;

const DEPENDENCY_LABELS: Record<DependencyType, string> = {
  inbox: "inbox",
  whatsapp_number: "WhatsApp number",
  facebook_page: "Facebook page",
  instagram_account: "Instagram account",
  voice_ai_agent: "Voice AI agent",
};

type DependencyIdValues = Record<(typeof DEPENDENCY_FIELDS)[DependencyType], number | null>;

type DependencyTable = typeof inboxes | typeof whatsappNumbers | typeof facebookPages | typeof instagramAccounts | typeof voiceAiAgents;

/** The row of the account's `table` with this id; null for no id, or an id of nothing in the account. */
async function rowOfAccount<T extends DependencyTable>(c: Context<AppEnv>, table: T, id: number | null) {
  if (id === null) return null;
  const scoped: DependencyTable = table;
  const [row] = await c.var.db
    .select()
    .from(scoped)
    .where(and(eq(scoped.id, id), eq(scoped.accountId, c.var.membership.accountId)));
  return (row as T["$inferSelect"] | undefined) ?? null;
}

/** The rows behind the chosen ids; an id that names nothing of the account, or an inbox that is not a website's, is an issue. */
async function accountDependencies(c: Context<AppEnv>, type: ChatWidgetType, ids: DependencyIdValues, issues: FieldIssue[]): Promise<WidgetDependencyRows> {
  const [inbox, whatsapp_number, facebook_page, instagram_account, voice_ai_agent] = await Promise.all([
    rowOfAccount(c, inboxes, ids.inbox_id),
    rowOfAccount(c, whatsappNumbers, ids.whatsapp_number_id),
    rowOfAccount(c, facebookPages, ids.facebook_page_id),
    rowOfAccount(c, instagramAccounts, ids.instagram_account_id),
    rowOfAccount(c, voiceAiAgents, ids.voice_ai_agent_id),
  ]);
  const found: WidgetDependencyRows = { inbox, whatsapp_number, facebook_page, instagram_account, voice_ai_agent };
  for (const [type, field] of Object.entries(DEPENDENCY_FIELDS) as [DependencyType, keyof DependencyIdValues][]) {
    if (ids[field] !== null && found[type] === null) {
      issues.push({ field, message: `No ${DEPENDENCY_LABELS[type]} with this id in the account.`, code: "not_found" });
    }
  }
  if (inbox && !inboxFitsWidget(type, inbox.channelType)) {
    if (type === "email_sms") issues.push({ field: "inbox_id", message: "Choose an email, SMS or website inbox.", code: "not_email_sms_inbox" });
    else issues.push({ field: "inbox_id", message: "Choose a website inbox.", code: "not_web_widget" });
    found.inbox = null;
  }
  return found;
}

/** Attribute fields of the form must name a custom attribute definition of their model. */
async function checkPreChatAttributes(c: Context<AppEnv>, form: PreChatForm, issues: FieldIssue[]) {
  const attributeFields = form.fields.flatMap((field, index) => (field.field_type === "standard" ? [] : [{ field, index }]));
  if (attributeFields.length === 0) return;
  const definitions = await c.var.db
    .select({ key: customAttributeDefinitions.attributeKey, model: customAttributeDefinitions.attributeModel })
    .from(customAttributeDefinitions)
    .where(
      and(
        eq(customAttributeDefinitions.accountId, c.var.membership.accountId),
        inArray(
          customAttributeDefinitions.attributeKey,
          attributeFields.map(({ field }) => field.name),
        ),
      ),
    );
  for (const { field, index } of attributeFields) {
    if (!definitions.some((definition) => definition.key === field.name && definition.model === field.field_type)) {
      const model = field.field_type === "contact_attribute" ? "contact" : "conversation";
      issues.push({
        field: `pre_chat_form.fields.${index}.name`,
        message: `The account has no ${model} attribute ${field.name}.`,
        code: "unknown_attribute",
      });
    }
  }
}

/**
 * What a create (no `current`) or an update would store, checked: 422 naming every invalid field,
 * then 409 setup_incomplete when the result would still miss a dependency. Nothing is written here.
 */
async function planWidget(c: Context<AppEnv>, current: LoadedChatWidget | null, input: ChatWidgetInput & { type: ChatWidgetType }) {
  const issues: FieldIssue[] = [];
  const type = current?.widget.type ?? input.type;
  if (current && input.type !== current.widget.type) issues.push({ field: "type", message: "cannot be changed", code: "immutable" });

  const allowed = dependencyTypesOf(type).map((dependency) => DEPENDENCY_FIELDS[dependency]);
  for (const field of Object.values(DEPENDENCY_FIELDS)) {
    if (input[field] != null && !allowed.includes(field)) {
      issues.push({ field, message: `${type} widgets do not use ${field}.`, code: "not_for_widget_type" });
    }
  }
  if (input.settings?.channels && type !== "all_in_one") {
    issues.push({ field: "settings.channels", message: "Only all-in-one widgets choose channels.", code: "not_for_widget_type" });
  }
  const settings = mergeWidgetSettings(current?.settings ?? defaultWidgetSettings(type), input.settings ?? {});
  if (type === "all_in_one" && !Object.values(settings.channels ?? {}).some(Boolean)) {
    issues.push({ field: "settings.channels", message: "Turn on at least one channel.", code: "required" });
  }
  const preChatForm = mergePreChatForm(current?.preChatForm ?? DEFAULT_PRE_CHAT_FORM, input.pre_chat_form ?? {});
  if (input.pre_chat_form?.fields) await checkPreChatAttributes(c, preChatForm, issues);

  const stored = current?.widget;
  const ids: DependencyIdValues = {
    inbox_id: input.inbox_id !== undefined ? input.inbox_id : (stored?.inboxId ?? null),
    whatsapp_number_id: input.whatsapp_number_id !== undefined ? input.whatsapp_number_id : (stored?.whatsappNumberId ?? null),
    facebook_page_id: input.facebook_page_id !== undefined ? input.facebook_page_id : (stored?.facebookPageId ?? null),
    instagram_account_id: input.instagram_account_id !== undefined ? input.instagram_account_id : (stored?.instagramAccountId ?? null),
    voice_ai_agent_id: input.voice_ai_agent_id !== undefined ? input.voice_ai_agent_id : (stored?.voiceAiAgentId ?? null),
  };
  const dependencies = await accountDependencies(c, type, ids, issues);
  if (issues.length > 0) throw new ApiError(422, "validation_failed", "The request body is not valid.", issues);

  const setup = widgetSetup(type, settings, dependencies);
  ensureComplete(setup);
  const configuration: WidgetConfiguration = {
    name: input.name ?? stored?.name ?? "",
    type,
    widgetToken: stored?.widgetToken ?? randomIdentifier(24),
    inboxId: ids.inbox_id,
    whatsappNumberId: ids.whatsapp_number_id,
    facebookPageId: ids.facebook_page_id,
    instagramAccountId: ids.instagram_account_id,
    voiceAiAgentId: ids.voice_ai_agent_id,
    settings,
    preChatForm,
  };
  return { configuration, dependencies };
}

// ---- Routes -------------------------------------------------------------------------------------

const widgetAnswer = { "application/json": { schema: ChatWidgetSchema } };

export const accountChatWidgets = createRouter();

accountChatWidgets.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/chat_widgets",
    tags,
    security: userSecurity,
    summary: "List the account's chat widgets",
    description: "Complete and incomplete ones; each says what it misses and whether Save and Get Code are enabled.",
    request: { params: accountParams },
    responses: {
      200: { description: "The widgets", content: { "application/json": { schema: z.object({ payload: z.array(ChatWidgetSchema) }) } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const widgets = await loadChatWidgets(c.var.db, eq(chatWidgets.accountId, c.var.membership.accountId));
    const origins = await snapshotOrigins(
      c,
      widgets.map(({ widget }) => widget),
    );
    const answer = (widget: LoadedChatWidget) => serializeChatWidget(widget, originOf(c), { ...secretFor(c), snapshot: origins.get(widget.widget.id) ?? null });
    return c.json({ payload: widgets.map(answer) }, 200);
  },
);

accountChatWidgets.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/chat_widgets/{chat_widget_id}",
    tags,
    security: userSecurity,
    summary: "Show a chat widget",
    request: { params: widgetParams },
    responses: { 200: { description: "The widget", content: widgetAnswer }, ...errorResponses(400, 401, 404) },
  }),
  async (c) => {
    const { chat_widget_id } = c.req.valid("param");
    return c.json(await answerOf(c, await accountWidget(c, chat_widget_id)), 200);
  },
);

accountChatWidgets.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/chat_widgets",
    tags,
    security: userSecurity,
    summary: "Create a chat widget (administrators)",
    description:
      "Live chat and email/SMS widgets need `inbox_id` (a website inbox); WhatsApp, Facebook and Instagram widgets a " +
      "connected number, page or account; Voice AI widgets an active agent; all-in-one widgets what each channel they " +
      "turn on needs. Without it the answer is 409 `setup_incomplete` with the helper text, and nothing is saved.",
    middleware: [requireRole("administrator")] as const,
    request: {
      params: accountParams,
      body: { required: true, content: { "application/json": { schema: ChatWidgetCreateInput } } },
    },
    responses: {
      201: { description: "Created", content: widgetAnswer },
      ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
    },
  }),
  async (c) => {
    const input = c.req.valid("json");
    const { configuration, dependencies } = await planWidget(c, null, input);
    const db = c.var.db;
    const [[widget]] = await db.batch([
      db
        .insert(chatWidgets)
        .values({ accountId: c.var.membership.accountId, ...columnsOf(configuration) })
        .returning(),
      accountAuditEntry(c, "create", AUDITABLE_TYPE, sql`last_insert_rowid()`, configurationOf(configuration)),
    ]);
    if (!widget) throw new Error("chat widget insert returned no row");
    return c.json(serializeChatWidget(loadedChatWidget(widget, dependencies), originOf(c), secretFor(c)), 201);
  },
);

accountChatWidgets.openapi(
  createRoute({
    method: "patch",
    path: "/{account_id}/chat_widgets/{chat_widget_id}",
    tags,
    security: userSecurity,
    summary: "Update a chat widget (administrators)",
    description:
      "An update that leaves the widget incomplete answers 409 `setup_incomplete` and saves nothing; one that supplies " +
      "the missing dependency succeeds. The type cannot change; `settings` merge section by section.",
    middleware: [requireRole("administrator")] as const,
    request: {
      params: widgetParams,
      body: { required: true, content: { "application/json": { schema: ChatWidgetUpdateInput } } },
    },
    responses: {
      200: { description: "The updated widget", content: widgetAnswer },
      ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
    },
  }),
  async (c) => {
    const { chat_widget_id } = c.req.valid("param");
    const input = c.req.valid("json");
    const current = await accountWidget(c, chat_widget_id);
    const { configuration, dependencies } = await planWidget(c, current, { ...input, type: input.type ?? current.widget.type });
    const changes = changedFields(configurationOfLoaded(current), configurationOf(configuration));
    if (Object.keys(changes).length === 0) return c.json(await answerOf(c, current), 200);
    const db = c.var.db;
    const [[updated]] = await db.batch([
      db
        .update(chatWidgets)
        .set({ ...columnsOf(configuration), updatedAt: new Date() })
        .where(eq(chatWidgets.id, current.widget.id))
        .returning(),
      accountAuditEntry(c, "update", AUDITABLE_TYPE, current.widget.id, changes),
    ]);
    return c.json(await answerOf(c, loadedChatWidget(updated ?? current.widget, dependencies)), 200);
  },
);

accountChatWidgets.openapi(
  createRoute({
    method: "delete",
    path: "/{account_id}/chat_widgets/{chat_widget_id}",
    tags,
    security: userSecurity,
    summary: "Delete a chat widget (administrators)",
    description: "Its avatar and logo are deleted too; websites that still embed it get 404 for its configuration.",
    middleware: [requireRole("administrator")] as const,
    request: { params: widgetParams },
    responses: { 204: { description: "Deleted" }, ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const { chat_widget_id } = c.req.valid("param");
    const current = await accountWidget(c, chat_widget_id);
    const db = c.var.db;
    await db.batch([
      db.delete(chatWidgets).where(eq(chatWidgets.id, current.widget.id)),
      accountAuditEntry(c, "destroy", AUDITABLE_TYPE, current.widget.id, configurationOfLoaded(current)),
    ]);
    const keys = [current.settings.avatar?.key, current.settings.logo?.key].filter((key): key is string => key !== undefined);
    if (keys.length > 0) await c.env.MEDIA.delete(keys);
    return c.body(null, 204);
  },
);

accountChatWidgets.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/chat_widgets/{chat_widget_id}/embed_code",
    tags,
    security: userSecurity,
    summary: "The code that puts the widget on a website (Get Code)",
    description: "409 `setup_incomplete` while the widget misses a dependency.",
    request: { params: widgetParams },
    responses: {
      200: {
        description: "The snippet to paste before </body>",
        content: { "application/json": { schema: z.object({ html: z.string() }).openapi("ChatWidgetEmbedCode") } },
      },
      ...errorResponses(400, 401, 404, 409),
    },
  }),
  async (c) => {
    const { chat_widget_id } = c.req.valid("param");
    const widget = await accountWidget(c, chat_widget_id);
    ensureComplete(widget.setup);
    return c.json({ html: widgetEmbedCode(originOf(c), widget.widget.widgetToken) }, 200);
  },
);

// ---- Media --------------------------------------------------------------------------------------

const UploadInput = z.object({ file: z.instanceof(File, { message: "Upload the image as multipart/form-data in the field file." }) }).strict();

/** The uploaded image: multipart `file` (a JSON body can only be refused, with the reason). */
async function readImage(c: Context<AppEnv>): Promise<{ file: File; bytes: Uint8Array; contentType: string }> {
  const multipart = /^multipart\/form-data/i.test(c.req.header("content-type") ?? "");
  const raw = multipart ? Object.fromEntries((await readForm(c)).entries()) : await readJson(c);
  const parsed = UploadInput.safeParse(raw);
  if (!parsed.success) throw validationError(parsed.error, "json");
  const { file } = parsed.data;
  const invalid = (message: string, code: string) =>
    new ApiError(422, "validation_failed", "The request body is not valid.", [{ field: "file", message, code }]);
  if (file.size > MAX_IMAGE_BYTES) throw invalid("Images are limited to 2 MB.", "too_big");
  const bytes = new Uint8Array(await file.arrayBuffer());
  const contentType = imageTypeOf(bytes);
  if (!contentType) throw invalid("Upload a PNG, JPEG, GIF, WebP or SVG image.", "not_an_image");
  return { file, bytes, contentType };
}

/** Stores the widget's new media settings with their audit entry; the caller deletes the replaced file. */
async function saveMedia(c: Context<AppEnv>, current: LoadedChatWidget, slot: MediaSlot, media: WidgetSettings[MediaSlot]) {
  const settings = { ...current.settings, [slot]: media };
  const changes = changedFields(configurationOfLoaded(current), configurationOf({ ...current.widget, settings, preChatForm: current.preChatForm }));
  const db = c.var.db;
  const [[updated]] = await db.batch([
    db.update(chatWidgets).set({ settings, updatedAt: new Date() }).where(eq(chatWidgets.id, current.widget.id)).returning(),
    accountAuditEntry(c, "update", AUDITABLE_TYPE, current.widget.id, changes),
  ]);
  return loadedChatWidget(updated ?? current.widget, current.dependencies);
}

accountChatWidgets.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/chat_widgets/{chat_widget_id}/media/{slot}",
    tags,
    security: userSecurity,
    summary: "Upload the widget's avatar or logo (administrators)",
    description:
      `multipart/form-data with the image in \`file\`: ${WIDGET_IMAGE_TYPES.join(", ")}, at most 2 MB, recognised by ` +
      "its content. It replaces the previous image, which is deleted. Allowed while the widget is incomplete.",
    middleware: [requireRole("administrator")] as const,
    request: {
      params: mediaParams,
      body: {
        required: true,
        content: {
          "multipart/form-data": {
            schema: { type: "object", properties: { file: { type: "string", format: "binary" } }, required: ["file"] },
          },
        },
      },
    },
    responses: {
      200: { description: "The widget with its new image", content: widgetAnswer },
      ...errorResponses(400, 401, 403, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const { chat_widget_id, slot } = c.req.valid("param");
    const current = await accountWidget(c, chat_widget_id);
    const { file, bytes, contentType } = await readImage(c);
    const key = newMediaKey(current.widget.accountId, "widgets", file.name);
    await c.env.MEDIA.put(key, bytes, { httpMetadata: { contentType } });
    let updated: LoadedChatWidget;
    try {
      updated = await saveMedia(c, current, slot, { key, content_type: contentType });
    } catch (error) {
      await c.env.MEDIA.delete(key);
      throw error;
    }
    const replaced = current.settings[slot];
    if (replaced) await c.env.MEDIA.delete(replaced.key);
    return c.json(await answerOf(c, updated), 200);
  },
);

accountChatWidgets.openapi(
  createRoute({
    method: "delete",
    path: "/{account_id}/chat_widgets/{chat_widget_id}/media/{slot}",
    tags,
    security: userSecurity,
    summary: "Remove the widget's avatar or logo (administrators)",
    middleware: [requireRole("administrator")] as const,
    request: { params: mediaParams },
    responses: {
      200: { description: "The widget without the image", content: widgetAnswer },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { chat_widget_id, slot } = c.req.valid("param");
    const current = await accountWidget(c, chat_widget_id);
    const replaced = current.settings[slot];
    if (!replaced) return c.json(await answerOf(c, current), 200);
    const updated = await saveMedia(c, current, slot, null);
    await c.env.MEDIA.delete(replaced.key);
    return c.json(await answerOf(c, updated), 200);
  },
);
