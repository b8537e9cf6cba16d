/**
 * Chat widgets as the routers, the public widget configuration and snapshot loads read them: each
 * row with the rows it depends on, its settings and pre-chat form completed with defaults, and its
 * setup computed.
 */
import { and, asc, eq, type SQL } from "drizzle-orm";
import type { Database } from "../db/client";
import { chatWidgets, facebookPages, inboxes, instagramAccounts, voiceAiAgents, whatsappNumbers } from "../db/schema";
import { inboxFitsWidget, type WidgetSetup, widgetSetup } from "../domain/widget-setup";
import { type PreChatForm, storedPreChatForm, storedWidgetSettings, type WidgetSettings } from "./chat-widget-settings";

export type ChatWidgetRow = typeof chatWidgets.$inferSelect;

/** The rows a widget depends on, null where none is chosen; what setup and the public configuration read. */
export type WidgetDependencyRows = {
  inbox: typeof inboxes.$inferSelect | null;
  whatsapp_number: typeof whatsappNumbers.$inferSelect | null;
  facebook_page: typeof facebookPages.$inferSelect | null;
  instagram_account: typeof instagramAccounts.$inferSelect | null;
  voice_ai_agent: typeof voiceAiAgents.$inferSelect | null;
};

export type LoadedChatWidget = {
  widget: ChatWidgetRow;
  settings: WidgetSettings;
  preChatForm: PreChatForm;
  dependencies: WidgetDependencyRows;
  setup: WidgetSetup;
};

/** A widget row read with its settings completed and its setup computed. */
export function loadedChatWidget(widget: ChatWidgetRow, rows: WidgetDependencyRows): LoadedChatWidget {
  const settings = storedWidgetSettings(widget.type, widget.settings);
  // An inbox of a channel the widget cannot route to (its type changed since) counts as none.
  const dependencies = rows.inbox && !inboxFitsWidget(widget.type, rows.inbox.channelType) ? { ...rows, inbox: null } : rows;
  return { widget, settings, preChatForm: storedPreChatForm(widget.preChatForm), dependencies, setup: widgetSetup(widget.type, settings, dependencies) };
}

/**
 * The widgets matching `where`, each with its dependencies, in one query. Dependencies of another
 * account, or an inbox of a channel the widget cannot route to, never count.
 */
export async function loadChatWidgets(db: Database, where: SQL | undefined): Promise<LoadedChatWidget[]> {
  const rows = await db
    .select({
      widget: chatWidgets,
      inbox: inboxes,
      whatsapp_number: whatsappNumbers,
      facebook_page: facebookPages,
      instagram_account: instagramAccounts,
      voice_ai_agent: voiceAiAgents,
    })
    .from(chatWidgets)
    .leftJoin(inboxes, and(eq(inboxes.id, chatWidgets.inboxId), eq(inboxes.accountId, chatWidgets.accountId)))
    .leftJoin(whatsappNumbers, and(eq(whatsappNumbers.id, chatWidgets.whatsappNumberId), eq(whatsappNumbers.accountId, chatWidgets.accountId)))
    .leftJoin(facebookPages, and(eq(facebookPages.id, chatWidgets.facebookPageId), eq(facebookPages.accountId, chatWidgets.accountId)))
    .leftJoin(instagramAccounts, and(eq(instagramAccounts.id, chatWidgets.instagramAccountId), eq(instagramAccounts.accountId, chatWidgets.accountId)))
    .leftJoin(voiceAiAgents, and(eq(voiceAiAgents.id, chatWidgets.voiceAiAgentId), eq(voiceAiAgents.accountId, chatWidgets.accountId)))
    .where(where)
    .orderBy(asc(chatWidgets.id));
  return rows.map(({ widget, ...dependencies }) => loadedChatWidget(widget, dependencies));
}
