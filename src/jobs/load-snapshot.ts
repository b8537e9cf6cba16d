/**
 * The `snapshot.load` job: loads one snapshot into one target sub-account. The decisions come from
 * `src/domain/snapshot-mapping.ts`; this module reads the target, copies media and writes.
 *
 * Safe to repeat. A finished load is left alone. Each widget's writes (its inbox when one is
 * created, the widget, the load's progress and report entry) are one D1 batch, so a retry resumes
 * after the last widget that landed. Widgets are keyed by `snapshot_source`, media keys are derived
 * from the snapshot, widget, slot and target (a second copy overwrites the first), and inboxes are
 * looked up by name before one is created.
 */
import { and, eq, inArray, like, lt, or, type SQL, sql } from "drizzle-orm";
import { inboxConfiguration, type InboxValues } from "../services/inbox-configuration";
import { auditInsert, SYSTEM_ACTOR } from "../services/audit-log";
import { type StoredMedia, storedPreChatForm, storedWidgetSettings, type WidgetSettings } from "../services/chat-widget-settings";
import { loadChatWidgets } from "../services/loaded-chat-widgets";
import { copyMedia, newMediaKey } from "../services/media-store";
import { type Database, openDatabase } from "../db/client";
import { countingD1, type D1Counts } from "../db/query-count";
import {
  accounts,
  chatWidgets,
  customAttributeDefinitions,
  facebookPages,
  inboxes,
  instagramAccounts,
  snapshotLoads,
  snapshots,
  voiceAiAgents,
  whatsappNumbers,
} from "../db/schema";
import {
  SNAPSHOT_MEDIA_SLOTS,
  type SnapshotContents,
  snapshotContentsOf,
  snapshotMediaKey,
  type SnapshotMediaSlot,
  type SnapshotWidget,
} from "../domain/snapshot-contents";
import {
  type AttributeRef,
  attributeReportEntry,
  countReport,
  dependencyWarning,
  droppedFieldWarning,
  finishedStatus,
  type InboxOutcome,
  inboxSettingsFor,
  keepKnownPreChatFields,
  type LoadCounts,
  mapDependencies,
  inboxCreatable,
  matchChannelInbox,
  matchInbox,
  type MediaOutcome,
  planAttributeDefinitions,
  type ReportEntry,
  snapshotSourceOf,
  type TargetIntegrations,
  widgetAction,
  type WidgetReportEntry,
  withTargetLocation,
} from "../domain/snapshot-mapping";
import { derivedUuid, randomIdentifier } from "../domain/tokens";
import { widgetSetup } from "../domain/widget-setup";

type LoadRow = typeof snapshotLoads.$inferSelect;
type SnapshotRow = typeof snapshots.$inferSelect;
type AccountRow = typeof accounts.$inferSelect;

/** The last element of a finished load's stored report: its counts and what the run cost. */
export type LoadSummary = LoadCounts & {
  kind: "summary";
  /** D1 statements and round trips of the run that finished the load, in total and per widget. */
  d1: D1Counts & { per_widget: { statements: number; round_trips: number } };
  r2: { reads: number; writes: number };
  duration_ms: number;
};

type StoredReport = (ReportEntry | LoadSummary)[];

/** A reason the load cannot succeed, however often it is retried: it fails at once. */
class LoadFailure extends Error {}

/** Another attempt of the same load is running (a duplicate delivery): retried later, the load left as it is. */
class LoadBusy extends Error {}

/** How long a running attempt holds the load; after that a redelivery may take it over (the attempt died). */
const LEASE_MS = 60_000;
/** Media copies in flight at once. */
const MEDIA_CONCURRENCY = 8;

const isFinished = (status: LoadRow["status"]) => status === "completed" || status === "completed_with_warnings";

export async function loadSnapshotIntoAccount(env: Env, loadId: number): Promise<void> {
  const counted = countingD1(env.DB);
  const db = openDatabase(counted.d1);
  const [found] = await db
    .select({ load: snapshotLoads, snapshot: snapshots })
    .from(snapshotLoads)
    .innerJoin(snapshots, eq(snapshots.id, snapshotLoads.snapshotId))
    .where(eq(snapshotLoads.id, loadId));
  // Gone with its snapshot, or a redelivery of a load that already finished: nothing to do.
  if (!found || isFinished(found.load.status)) return;
  try {
    await runLoad({ env, db, load: found.load, snapshot: found.snapshot, counts: counted.counts, startedAt: Date.now(), r2: { reads: 0, writes: 0 } });
  } catch (error) {
    if (error instanceof LoadBusy) throw error;
    const message = error instanceof Error ? error.message : String(error);
    await db
      .update(snapshotLoads)
      .set({ status: "failed", error: message.slice(0, 1000), finishedAt: new Date() })
      .where(eq(snapshotLoads.id, loadId));
    // Anything else may be passing (D1, R2): the queue retries it, and the retry resumes.
    if (!(error instanceof LoadFailure)) throw error;
  }
}

type Run = {
  env: Env;
  db: Database;
  load: LoadRow;
  snapshot: SnapshotRow;
  counts: () => D1Counts;
  startedAt: number;
  r2: { reads: number; writes: number };
};

/** What the run knows about the target; it learns the inboxes it creates as it goes. */
type Target = {
  account: AccountRow;
  integrations: TargetIntegrations;
  inboxes: { id: number; name: string; channel_type: string }[];
  /** Custom attributes the target has (once the included ones are created, with those). */
  attributes: ({ id: number | null } & AttributeRef)[];
  /** Widgets earlier loads of this snapshot created, by source widget id. */
  loaded: Map<number, { id: number; type: SnapshotWidget["type"]; settings: Record<string, unknown> }>;
};

function contentsOf(snapshot: SnapshotRow): SnapshotContents {
  const contents = snapshotContentsOf(snapshot.contents);
  if (!contents) throw new LoadFailure("The snapshot's contents are in a format this version cannot load.");
  return contents;
}

async function runLoad(run: Run): Promise<void> {
  const { db, load, snapshot } = run;
  const contents = contentsOf(snapshot);
  // What an earlier attempt of this load finished; it stays as it is.
  const entries = (load.report as StoredReport).filter((entry): entry is ReportEntry => entry.kind !== "summary");
  const widgetsDone = entries.filter((entry) => entry.kind === "chat_widget").length;
  const target = await startLoad(run, contents, widgetsDone);

  const attributesDone = entries.some((entry) => entry.kind === "custom_attribute_definition");
  if (!attributesDone && contents.custom_attribute_definitions.length > 0) {
    entries.push(...(await loadAttributeDefinitions(run, contents, target)));
  }
  const remaining = contents.chat_widgets.slice(widgetsDone);
  // Media first, all widgets' at once (a copy overwrites its own earlier copy, so a retry may repeat them).
  const media = await prepareMedia(
    run,
    target,
    remaining.filter((source) => widgetAction(target.loaded.get(source.source_widget_id)?.id ?? null, run.load.onConflict, run.load.dryRun) !== "skipped"),
  );
  for (const source of remaining) {
    entries.push(await loadWidget(run, target, source, entries, media.get(source.source_widget_id)));
  }
  await finishLoad(run, target, contents, entries);
}

/**
 * Takes the load (queued, failed, or running in an attempt whose lease ran out) and reads the target,
 * in one round trip. Fails for a target that is gone; a load another attempt holds is busy.
 */
async function startLoad(run: Run, contents: SnapshotContents, widgetsDone: number): Promise<Target> {
  const { db, load, snapshot } = run;
  const accountId = load.accountId;
  const now = new Date();
  const [claimed, [account], numbers, pages, instagram, agents, inboxRows, attributes, loaded] = await db.batch([
    db
      .update(snapshotLoads)
      .set({ status: "running", startedAt: now, progressTotal: contents.chat_widgets.length, progressDone: widgetsDone, error: null, finishedAt: null })
      .where(
        and(
          eq(snapshotLoads.id, load.id),
          or(
            inArray(snapshotLoads.status, ["queued", "failed"]),
            and(eq(snapshotLoads.status, "running"), lt(snapshotLoads.startedAt, new Date(now.getTime() - LEASE_MS))),
          ),
        ),
      )
      .returning({ id: snapshotLoads.id }),
    db.select().from(accounts).where(eq(accounts.id, accountId)),
    db
      .select({ id: whatsappNumbers.id, phone_number: whatsappNumbers.phoneNumber, display_name: whatsappNumbers.displayName, status: whatsappNumbers.status })
      .from(whatsappNumbers)
      .where(eq(whatsappNumbers.accountId, accountId)),
    db
      .select({ id: facebookPages.id, page_id: facebookPages.pageId, name: facebookPages.name, status: facebookPages.status })
      .from(facebookPages)
      .where(eq(facebookPages.accountId, accountId)),
    db
      .select({ id: instagramAccounts.id, instagram_id: instagramAccounts.instagramId, username: instagramAccounts.username, status: instagramAccounts.status })
      .from(instagramAccounts)
      .where(eq(instagramAccounts.accountId, accountId)),
    db
      .select({ id: voiceAiAgents.id, name: voiceAiAgents.name, status: voiceAiAgents.status })
      .from(voiceAiAgents)
      .where(eq(voiceAiAgents.accountId, accountId)),
    db.select({ id: inboxes.id, name: inboxes.name, channel_type: inboxes.channelType }).from(inboxes).where(eq(inboxes.accountId, accountId)),
    db
      .select({
        id: customAttributeDefinitions.id,
        attribute_key: customAttributeDefinitions.attributeKey,
        attribute_model: customAttributeDefinitions.attributeModel,
      })
      .from(customAttributeDefinitions)
      .where(eq(customAttributeDefinitions.accountId, accountId)),
    db
      .select({ id: chatWidgets.id, source: chatWidgets.snapshotSource, type: chatWidgets.type, settings: chatWidgets.settings })
      .from(chatWidgets)
      .where(and(eq(chatWidgets.accountId, accountId), like(chatWidgets.snapshotSource, `${snapshot.id}:%`))),
  ]);
  if (claimed.length === 0) throw new LoadBusy(`snapshot load ${load.id} is running in another attempt`);
  if (!account || account.agencyId !== load.agencyId) throw new LoadFailure("The target sub-account no longer exists.");
  const bySource = new Map<number, { id: number; type: SnapshotWidget["type"]; settings: Record<string, unknown> }>();
  for (const widget of loaded) bySource.set(Number(widget.source?.split(":")[1]), widget);
  return {
    account,
    integrations: { whatsapp_numbers: numbers, facebook_pages: pages, instagram_accounts: instagram, voice_ai_agents: agents },
    inboxes: inboxRows,
    attributes,
    loaded: bySource,
  };
}

/** Creates the included custom attribute definitions the target lacks (same key and model: kept as it is). */
async function loadAttributeDefinitions(run: Run, contents: SnapshotContents, target: Target): Promise<ReportEntry[]> {
  const { db, load } = run;
  const plans = planAttributeDefinitions(
    contents.custom_attribute_definitions,
    target.attributes.flatMap((attribute) => (attribute.id === null ? [] : [{ ...attribute, id: attribute.id }])),
  );
  const created = plans.filter((plan) => plan.action === "create").map((plan) => plan.definition);
  target.attributes.push(...created.map((definition) => ({ ...definition, id: null })));
  const entries = plans.map((plan) => attributeReportEntry(plan, load.dryRun));
  if (load.dryRun) return entries;
  const inserts = created.map((definition) =>
    db
      .insert(customAttributeDefinitions)
      .values({
        accountId: target.account.id,
        attributeDisplayName: definition.attribute_display_name,
        attributeKey: definition.attribute_key,
        attributeDisplayType: definition.attribute_display_type,
        attributeModel: definition.attribute_model,
        attributeDescription: definition.attribute_description,
        attributeValues: definition.attribute_values,
        regexPattern: definition.regex_pattern,
        regexCue: definition.regex_cue,
        defaultValue: definition.default_value,
      })
      .onConflictDoNothing(),
  );
  await db.batch([db.update(snapshotLoads).set({ report: entries }).where(eq(snapshotLoads.id, load.id)), ...inserts]);
  return entries;
}

/** The inbox row a load creates: the source inbox's settings with the target's time zone and new tokens. */
function newInboxValues(source: NonNullable<SnapshotWidget["inbox"]>, account: AccountRow): InboxValues {
  const settings = inboxSettingsFor(source, account.timezone);
  const token = randomIdentifier(24);
  return {
    accountId: account.id,
    name: settings.name,
    channelType: settings.channel_type,
    inboxIdentifier: token,
    websiteToken: settings.channel_type === "web_widget" ? token : null,
    websiteUrl: settings.website_url,
    widgetColor: settings.widget_color,
    welcomeTitle: settings.welcome_title,
    welcomeTagline: settings.welcome_tagline,
    webhookUrl: null,
    hmacToken: randomIdentifier(32),
    hmacMandatory: settings.hmac_mandatory,
    greetingEnabled: settings.greeting_enabled,
    greetingMessage: settings.greeting_message,
    enableEmailCollect: settings.enable_email_collect,
    allowMessagesAfterResolved: settings.allow_messages_after_resolved,
    lockToSingleConversation: settings.lock_to_single_conversation,
    workingHoursEnabled: settings.working_hours_enabled,
    outOfOfficeMessage: settings.out_of_office_message,
    timezone: settings.timezone,
    workingHours: settings.working_hours,
  };
}

type PreparedMedia = { outcomes: MediaOutcome[]; copies: Partial<Record<SnapshotMediaSlot, StoredMedia>>; warnings: string[] };

/**
 * Copies the widgets' media into the target (in a dry run, checks it is there), a few at a time. A copy's
 * key is derived from the snapshot, source widget, slot and target, so copying again overwrites it.
 */
async function prepareMedia(run: Run, target: Target, widgets: SnapshotWidget[]): Promise<Map<number, PreparedMedia>> {
  const { env, load, snapshot } = run;
  const files = widgets.flatMap((source) =>
    SNAPSHOT_MEDIA_SLOTS.flatMap((slot) => {
      const file = source.media[slot];
      return file ? [{ source, slot, file }] : [];
    }),
  );
  const copied = await mapConcurrently(files, MEDIA_CONCURRENCY, async ({ source, slot, file }) => {
    const from = snapshotMediaKey(snapshot.id, source.source_widget_id, slot, file.file_name);
    run.r2.reads++;
    if (load.dryRun) return { to: null, present: (await env.MEDIA.head(from)) !== null };
    const id = await derivedUuid(env.TOKEN_SIGNING_SECRET, `snapshot:${snapshot.id}:${source.source_widget_id}:${slot}:account:${target.account.id}`);
    const to = newMediaKey(target.account.id, "widgets", file.file_name, id);
    const present = await copyMedia(env.MEDIA, from, to);
    if (present) run.r2.writes++;
    return { to, present };
  });
  const prepared = new Map<number, PreparedMedia>();
  files.forEach(({ source, slot, file }, index) => {
    const result = copied[index];
    const media = prepared.get(source.source_widget_id) ?? { outcomes: [], copies: {}, warnings: [] };
    prepared.set(source.source_widget_id, media);
    if (!result?.present) {
      media.warnings.push(`The snapshot's ${slot} file is missing; the widget has no ${slot}.`);
      media.outcomes.push({ slot, outcome: "missing" });
      return;
    }
    media.outcomes.push({ slot, outcome: load.dryRun ? "would_copy" : "copied" });
    if (result.to) media.copies[slot] = { key: result.to, content_type: file.content_type };
  });
  return prepared;
}

/** `fn` over the items with at most `limit` in flight; results in the items' order. */
async function mapConcurrently<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      const item = items[index];
      if (item !== undefined) results[index] = await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Loads one widget: maps it, copies its media and writes it with its report entry in one batch. */
async function loadWidget(
  run: Run,
  target: Target,
  source: SnapshotWidget,
  entriesBefore: ReportEntry[],
  media: PreparedMedia | undefined,
): Promise<WidgetReportEntry> {
  const { db, load, snapshot } = run;
  const existing = target.loaded.get(source.source_widget_id) ?? null;
  const action = widgetAction(existing?.id ?? null, load.onConflict, load.dryRun);
  const entry: WidgetReportEntry = {
    kind: "chat_widget",
    source_widget_id: source.source_widget_id,
    name: source.name,
    type: source.type,
    action,
    widget_id: existing?.id ?? null,
    setup_status: null,
    missing_dependencies: [],
    dependencies: [],
    media: [],
    inbox: null,
    warnings: [],
  };
  const progress = (entries: ReportEntry[]) =>
    db
      .update(snapshotLoads)
      .set({ report: entries, progressDone: entries.filter((one) => one.kind === "chat_widget").length })
      .where(eq(snapshotLoads.id, load.id));

  if (action === "skipped") {
    entry.media = SNAPSHOT_MEDIA_SLOTS.filter((slot) => source.media[slot]).map((slot) => ({ slot, outcome: "skipped" as const }));
    if (!load.dryRun) await progress([...entriesBefore, entry]);
    return entry;
  }

  const settings = storedWidgetSettings(source.type, withTargetLocation(source.settings));
  const { ids, outcomes } = mapDependencies(source, settings.channels, target.integrations);
  entry.dependencies = outcomes;
  entry.warnings.push(...outcomes.flatMap((outcome) => dependencyWarning(outcome) ?? []));

  let newInbox: InboxValues | null = null;
  let inboxId: number | SQL | null = null;
  if (source.inbox) {
    const creatable = inboxCreatable(source.inbox.channel_type);
    const channelMatch = creatable ? null : matchChannelInbox(source.inbox, target.inboxes);
    const matched = creatable ? matchInbox(source.inbox, target.inboxes) : (channelMatch?.inbox ?? null);
    let outcome: InboxOutcome;
    if (matched) {
      inboxId = matched.id;
      outcome = { outcome: "mapped", inbox_id: matched.id, name: matched.name };
      if (channelMatch?.auto_selected) entry.warnings.push(`The ${source.inbox.channel_type} inbox "${matched.name}" was chosen: it is the target's only one.`);
    } else if (!creatable) {
      outcome = { outcome: "left_empty", inbox_id: null, name: source.inbox.name };
      entry.warnings.push(
        `The target has no ${source.inbox.channel_type} inbox named "${source.inbox.name}", and one cannot be made without its own address or provider. The widget stays incomplete until an inbox is chosen.`,
      );
    } else if (load.dryRun) {
      outcome = { outcome: "would_create", inbox_id: null, name: source.inbox.name };
    } else {
      newInbox = newInboxValues(source.inbox, target.account);
      // Its id is only known inside the batch: the widget finds it by its new, unique identifier.
      inboxId = sql`(select ${inboxes.id} from ${inboxes} where ${inboxes.inboxIdentifier} = ${newInbox.inboxIdentifier})`;
      outcome = { outcome: "created", inbox_id: null, name: source.inbox.name };
    }
    entry.inbox = outcome;
  }

  const { form, dropped } = keepKnownPreChatFields(storedPreChatForm(source.pre_chat_form), target.attributes);
  entry.warnings.push(...dropped.map(droppedFieldWarning));
  entry.media = media?.outcomes ?? [];
  entry.warnings.push(...(media?.warnings ?? []));
  for (const slot of SNAPSHOT_MEDIA_SLOTS) settings[slot] = media?.copies[slot] ?? null;

  if (load.dryRun) {
    const setup = widgetSetup(source.type, settings, {
      inbox: entry.inbox && entry.inbox.outcome !== "left_empty" ? {} : null,
      whatsapp_number: ids.whatsapp_number_id === null ? null : { status: "connected" },
      facebook_page: ids.facebook_page_id === null ? null : { status: "connected" },
      instagram_account: ids.instagram_account_id === null ? null : { status: "connected" },
      voice_ai_agent: ids.voice_ai_agent_id === null ? null : { status: "active" },
    });
    entry.setup_status = setup.setup_status;
    entry.missing_dependencies = setup.missing_dependencies.map((missing) => missing.message);
    return entry;
  }

  const columns = {
    name: source.name,
    inboxId,
    whatsappNumberId: ids.whatsapp_number_id,
    facebookPageId: ids.facebook_page_id,
    instagramAccountId: ids.instagram_account_id,
    voiceAiAgentId: ids.voice_ai_agent_id,
    settings,
    preChatForm: form,
  };
  const upsert = db
    .insert(chatWidgets)
    .values({
      accountId: target.account.id,
      type: source.type,
      widgetToken: randomIdentifier(24),
      snapshotSource: snapshotSourceOf(snapshot.id, source.source_widget_id),
      ...columns,
    })
    .onConflictDoUpdate({ target: [chatWidgets.accountId, chatWidgets.snapshotSource], set: { ...columns, updatedAt: new Date() } });
  const entries = [...entriesBefore, entry];
  if (newInbox) {
    const [[created]] = await db.batch([
      db.insert(inboxes).values(newInbox).returning({ id: inboxes.id }),
      auditInsert(db, SYSTEM_ACTOR, null, {
        action: "create",
        auditableType: "Inbox",
        auditableId: inboxId,
        agencyId: target.account.agencyId,
        accountId: target.account.id,
        changes: { ...inboxConfiguration(newInbox), snapshot_load_id: load.id },
      }),
      upsert,
      progress(entries),
    ]);
    if (created) target.inboxes.push({ id: created.id, name: newInbox.name, channel_type: newInbox.channelType });
  } else {
    await db.batch([upsert, progress(entries)]);
  }
  if (existing) await deleteReplacedMedia(run, target, existing, settings);
  return entry;
}

/** Override: media the widget had before (an upload of its own) that the snapshot's copies replaced. */
async function deleteReplacedMedia(
  run: Run,
  target: Target,
  existing: { type: SnapshotWidget["type"]; settings: Record<string, unknown> },
  settings: WidgetSettings,
) {
  const before = storedWidgetSettings(existing.type, existing.settings);
  const prefix = `accounts/${target.account.id}/`;
  const replaced = SNAPSHOT_MEDIA_SLOTS.flatMap((slot) => {
    const key = before[slot]?.key;
    return key && key !== settings[slot]?.key && key.startsWith(prefix) ? [key] : [];
  });
  if (replaced.length > 0) await run.env.MEDIA.delete(replaced);
}

/** Reads back what the load wrote, completes the report and records the load on the target's audit log. */
async function finishLoad(run: Run, target: Target, contents: SnapshotContents, entries: ReportEntry[]): Promise<void> {
  const { db, load, snapshot } = run;
  // A dry run wrote nothing: only the widgets it would skip are read back, as they are.
  let report = entries;
  if (!load.dryRun || entries.some((entry) => entry.kind === "chat_widget" && entry.action === "skipped")) {
    const createdDefinitions = !load.dryRun && entries.some((entry) => entry.kind === "custom_attribute_definition" && entry.definition_id === null);
    const [widgets, definitions] = await Promise.all([
      loadChatWidgets(db, and(eq(chatWidgets.accountId, target.account.id), like(chatWidgets.snapshotSource, `${snapshot.id}:%`))),
      createdDefinitions
        ? db
            .select({ id: customAttributeDefinitions.id, key: customAttributeDefinitions.attributeKey, model: customAttributeDefinitions.attributeModel })
            .from(customAttributeDefinitions)
            .where(eq(customAttributeDefinitions.accountId, target.account.id))
        : [],
    ]);
    const bySource = new Map(widgets.map((loaded) => [loaded.widget.snapshotSource, loaded]));
    report = entries.map((entry): ReportEntry => {
      if (entry.kind === "custom_attribute_definition") {
        const definition = definitions.find((row) => row.key === entry.attribute_key && row.model === entry.attribute_model);
        return { ...entry, definition_id: entry.definition_id ?? definition?.id ?? null };
      }
      const loaded = bySource.get(snapshotSourceOf(snapshot.id, entry.source_widget_id));
      if (!loaded || (load.dryRun && entry.action !== "skipped")) return entry;
      const inbox = entry.inbox && { ...entry.inbox, inbox_id: entry.inbox.inbox_id ?? loaded.widget.inboxId };
      return {
        ...entry,
        widget_id: loaded.widget.id,
        setup_status: loaded.setup.setup_status,
        missing_dependencies: loaded.setup.missing_dependencies.map((missing) => missing.message),
        inbox,
      };
    });
  }
  const counts = countReport(report);
  const status = finishedStatus(report);
  // This run's D1 use, the final write (an update, and the audit entry unless dry) included.
  const used = run.counts();
  const d1 = { statements: used.statements + (load.dryRun ? 1 : 2), round_trips: used.round_trips + 1 };
  const widgetCount = Math.max(1, contents.chat_widgets.length);
  const summary: LoadSummary = {
    kind: "summary",
    ...counts,
    d1: { ...d1, per_widget: { statements: round(d1.statements / widgetCount), round_trips: round(d1.round_trips / widgetCount) } },
    r2: run.r2,
    duration_ms: Date.now() - run.startedAt,
  };
  const finished = db
    .update(snapshotLoads)
    .set({ status, report: [...report, summary], progressDone: contents.chat_widgets.length, error: null, finishedAt: new Date() })
    .where(eq(snapshotLoads.id, load.id));
  if (load.dryRun) {
    await finished;
    return;
  }
  const widgetIds = (action: string) =>
    report.flatMap((entry) => (entry.kind === "chat_widget" && entry.action === action && entry.widget_id !== null ? [entry.widget_id] : []));
  await db.batch([
    finished,
    auditInsert(db, SYSTEM_ACTOR, null, {
      action: "complete",
      auditableType: "SnapshotLoad",
      auditableId: load.id,
      agencyId: target.account.agencyId,
      accountId: target.account.id,
      changes: {
        snapshot_id: snapshot.id,
        snapshot_name: snapshot.name,
        status,
        on_conflict: load.onConflict,
        chat_widgets: { created: widgetIds("created"), updated: widgetIds("updated"), skipped: widgetIds("skipped") },
        custom_attribute_definitions: counts.custom_attribute_definitions,
        inboxes_created: counts.inboxes_created,
        media_copied: counts.media_copied,
        warnings: counts.warnings,
      },
    }),
  ]);
}

const round = (value: number) => Math.round(value * 100) / 100;
