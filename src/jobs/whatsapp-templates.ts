/**
 * A WhatsApp inbox's message templates, synced from the Graph API's message_templates endpoint of
 * its business account and cached on the inbox (`whatsapp_templates`), as Chatwoot keeps
 * `message_templates` on its WhatsApp channel. Read again when older than an hour or when asked.
 */
import { eq } from "drizzle-orm";
import { type Database, openDatabase } from "../db/client";
import { inboxes, type WhatsappProviderConfig, type WhatsappTemplate } from "../db/schema";
import { templatesPage } from "../domain/whatsapp-cloud";
import { graphRequest } from "./meta-graph";

export const TEMPLATES_FRESH_SECONDS = 60 * 60;
const MAX_PAGES = 10;

export type TemplatesAnswer = { templates: WhatsappTemplate[]; syncedAt: Date | null; error: string | null };

/** Every template of the business account (following `paging.next`), or Meta's refusal in words. */
export async function fetchWhatsappTemplates(
  env: Env,
  config: WhatsappProviderConfig,
): Promise<{ ok: true; templates: WhatsappTemplate[] } | { ok: false; error: string }> {
  const templates: WhatsappTemplate[] = [];
  let next: string | null = `${encodeURIComponent(config.business_account_id)}/message_templates`;
  for (let page = 0; next && page < MAX_PAGES; page++) {
    const answer = await graphRequest(env, next, { token: config.api_key, query: page === 0 ? { limit: "100" } : {} });
    if (!answer.ok) return { ok: false, error: answer.error };
    const read = templatesPage(answer.json);
    templates.push(...read.templates);
    next = read.next;
  }
  return { ok: true, templates };
}

/**
 * The inbox's templates: the cached list while fresh, else synced now and stored. When Meta cannot be
 * reached the cached list is answered with the reason, so agents keep what they had.
 */
export async function whatsappTemplatesOf(
  env: Env,
  db: Database,
  inbox: { id: number; whatsappConfig: WhatsappProviderConfig | null; whatsappTemplates: WhatsappTemplate[] | null; whatsappTemplatesSyncedAt: Date | null },
  options: { refresh?: boolean; now?: Date } = {},
): Promise<TemplatesAnswer> {
  const now = options.now ?? new Date();
  const cached = { templates: inbox.whatsappTemplates ?? [], syncedAt: inbox.whatsappTemplatesSyncedAt };
  const fresh = cached.syncedAt !== null && now.getTime() - cached.syncedAt.getTime() < TEMPLATES_FRESH_SECONDS * 1000;
  if (!inbox.whatsappConfig || (fresh && !options.refresh)) return { ...cached, error: null };
  const synced = await fetchWhatsappTemplates(env, inbox.whatsappConfig);
  if (!synced.ok) return { ...cached, error: synced.error };
  await db.update(inboxes).set({ whatsappTemplates: synced.templates, whatsappTemplatesSyncedAt: now }).where(eq(inboxes.id, inbox.id));
  return { templates: synced.templates, syncedAt: now, error: null };
}

/**
 * The `whatsapp.templates_sync` job: the inbox's templates read from the Graph API now and stored
 * (a deleted inbox or another channel is nothing to do). Meta's refusal is kept for the list route to
 * tell, as Chatwoot's sync logs it; the cached list stays.
 */
export async function syncWhatsappTemplates(env: Env, job: { inbox_id: number }): Promise<void> {
  const db = openDatabase(env.DB);
  const [inbox] = await db.select().from(inboxes).where(eq(inboxes.id, job.inbox_id));
  if (inbox?.channelType !== "whatsapp") return;
  const answer = await whatsappTemplatesOf(env, db, inbox, { refresh: true });
  if (answer.error) console.warn(`whatsapp.templates_sync: inbox ${inbox.id}: ${answer.error}`);
}
