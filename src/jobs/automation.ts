/**
 * The automation rule runner: for one conversation event, the account's active rules for each of
 * its automation events whose conditions the conversation (and the event's message) meets run their
 * actions in order. Each rule runs once per event (automation_runs); changes automation makes do not
 * reach this runner again (the consumer drops events automation caused).
 */
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { ConversationAction } from "../services/conversation-actions";
import type { Database } from "../db/client";
import { automationRules, automationRuns } from "../db/schema";
import { type AutomationCondition, evaluateConditions, factsFromConversation } from "../domain/automation-conditions";
import type { ConversationPayload, MessagePayload } from "../domain/chatwoot-payloads";
import type { AutomationTrigger } from "../domain/events";
import { runConversationActions } from "./conversation-actions";

export type AutomationRule = typeof automationRules.$inferSelect;

/** The account's active rules for any of `triggers`, oldest first. */
export async function activeRules(db: Database, accountId: number, triggers: readonly AutomationTrigger[]): Promise<AutomationRule[]> {
  if (triggers.length === 0) return [];
  return db
    .select()
    .from(automationRules)
    .where(and(eq(automationRules.accountId, accountId), eq(automationRules.active, true), inArray(automationRules.eventName, [...triggers])))
    .orderBy(asc(automationRules.id));
}

export type AutomationEventInput = {
  accountId: number;
  displayId: number;
  /** `<account>:<conversation>:<seq>`: the event's identity. */
  eventKey: string;
  /** The rules for the event (`activeRules`). */
  rules: readonly AutomationRule[];
  conversation: ConversationPayload;
  message: MessagePayload | null;
};

/** Runs the rules whose conditions are met; answers how many ran. */
export async function runAutomationRules(env: Env, db: Database, input: AutomationEventInput, now = new Date()): Promise<number> {
  const facts = factsFromConversation(input.conversation, input.message ?? undefined);
  let ran = 0;
  for (const rule of input.rules) {
    if (!evaluateConditions(rule.conditions as AutomationCondition[], facts, now)) continue;
    const [claimed] = await db
      .insert(automationRuns)
      .values({ accountId: input.accountId, ruleId: rule.id, eventKey: input.eventKey, eventName: rule.eventName, conversationId: input.displayId })
      .onConflictDoUpdate({
        target: [automationRuns.ruleId, automationRuns.eventKey],
        set: { updatedAt: sql`(unixepoch())` },
        setWhere: sql`${automationRuns.status} = 'running'`,
      })
      .returning({ id: automationRuns.id });
    // Completed already: a redelivered event.
    if (!claimed) continue;
    const results = await runConversationActions(
      {
        env,
        db,
        accountId: input.accountId,
        displayId: input.displayId,
        actor: { type: "automation", ruleId: rule.id, name: rule.name },
        access: { inboxIds: null },
        key: `rule:${rule.id}:${input.eventKey}`,
        webhookEvent: `automation_event.${rule.eventName}`,
      },
      rule.actions as ConversationAction[],
    );
    await db.update(automationRuns).set({ status: "completed", results, updatedAt: sql`(unixepoch())` }).where(eq(automationRuns.id, claimed.id));
    ran++;
  }
  return ran;
}
