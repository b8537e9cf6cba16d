/**
 * Runs automation and macro actions on one conversation, in order. Each action reports what it did;
 * one that fails is recorded and the rest still run. Every action is safe to run twice for the same
 * run `key` (a redelivered job): state changes that are already true change nothing, messages carry
 * an echo id derived from the key, and emails and webhooks are keyed by it.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { ConversationAction } from "../services/conversation-actions";
import type { Database } from "../db/client";
import { assignableAgent, inboxNameOf } from "../db/queries";
import { slaPolicies, teams, users, workflowFiles } from "../db/schema";
import type { ConversationPayload } from "../domain/chatwoot-payloads";
import { type Attachment, MessageType } from "../domain/conversation";
import { renderTemplate, templateContextFor } from "../domain/template-variables";
import { accountObject, conversationObject } from "../durable/addresses";
import type { Access } from "../durable/access";
import { type Actor, originOf } from "../durable/conversation";
import { emailTeams, emailTranscript } from "./send-email";
import { enqueueUrlWebhook } from "./webhooks";

export type ActionStatus = "done" | "unchanged" | "failed";
export type ActionResult = { action_name: string; status: ActionStatus; message?: string };

export type ActionRun = {
  env: Env;
  db: Database;
  accountId: number;
  displayId: number;
  /** Who acts: the rule (automation) or the user running a macro. */
  actor: Actor;
  /** What the actor may reach: every inbox for automation, the user's inboxes for a macro. */
  access: Access;
  /** Unique per run: with the action's index it makes every side effect happen once. */
  key: string;
  /** The `event` a send_webhook_event body carries, e.g. `automation_event.message_created`. */
  webhookEvent: string;
};

class ActionFailed extends Error {}

/** Runs `actions` in order and answers one result per action. */
export async function runConversationActions(run: ActionRun, actions: readonly ConversationAction[]): Promise<ActionResult[]> {
  const results: ActionResult[] = [];
  for (const [index, action] of actions.entries()) {
    try {
      const changed = await runAction(run, action, `${run.key}:${index}`);
      results.push({ action_name: action.action_name, status: changed ? "done" : "unchanged" });
    } catch (error) {
      const message = error instanceof ActionFailed ? error.message : "The action failed unexpectedly.";
      if (!(error instanceof ActionFailed)) console.error("conversation action failed", action.action_name, run.key, error);
      results.push({ action_name: action.action_name, status: "failed", message });
    }
  }
  return results;
}

/** The conversation as the actor may see it now (for templates, labels and the current team). */
async function currentConversation(run: ActionRun): Promise<ConversationPayload> {
  const found = await accountObject(run.env, run.accountId).eventPayloads(run.displayId, null);
  if (!found) throw new ActionFailed("The conversation no longer exists.");
  return found.conversation;
}

const changedOrMissing = (result: { payload: unknown } | null): boolean => {
  if (result === null) throw new ActionFailed("The conversation is out of reach.");
  return result.payload !== null;
};

/** Runs one action; answers whether it changed anything. */
async function runAction(run: ActionRun, action: ConversationAction, key: string): Promise<boolean> {
  const conversation = conversationObject(run.env, run.accountId, run.displayId);
  const { access, actor } = run;
  switch (action.action_name) {
    case "assign_agent": {
      const [target] = action.action_params;
      if (target === "nil") return changedOrMissing(await conversation.assignAgent(access, null, actor));
      const userId = target === "self" ? selfOf(actor) : target;
      const { inbox_id } = await currentConversation(run);
      const agent = await assignableAgent(run.db, run.accountId, userId, inbox_id);
      if (!agent) throw new ActionFailed(`User ${userId} cannot be assigned conversations of inbox ${inbox_id}.`);
      return changedOrMissing(await conversation.assignAgent(access, { id: agent.id, name: agent.name }, actor));
    }
    case "assign_team":
    case "remove_assigned_team": {
      const current = await currentConversation(run);
      const team = action.action_name === "assign_team" ? await accountTeam(run, action.action_params[0]) : null;
      return changedOrMissing(await conversation.assignTeam(access, team, current.meta.team?.name ?? null, actor));
    }
    case "add_label":
    case "remove_label": {
      const { labels } = await currentConversation(run);
      const wanted =
        action.action_name === "add_label"
          ? [...labels, ...action.action_params.filter((label) => !labels.includes(label))]
          : labels.filter((label) => !action.action_params.includes(label));
      if (wanted.length === labels.length && wanted.every((label) => labels.includes(label))) return false;
      if ((await conversation.setLabels(access, wanted, actor)) === null) throw new ActionFailed("The conversation is out of reach.");
      return true;
    }
    case "mute_conversation":
      return changedOrMissing(await conversation.setMuted(access, true, actor));
    case "snooze_conversation":
      return changedOrMissing(await conversation.toggleStatus(access, "snoozed", null, actor));
    case "resolve_conversation":
      return changedOrMissing(await conversation.toggleStatus(access, "resolved", null, actor));
    case "open_conversation":
      return changedOrMissing(await conversation.toggleStatus(access, "open", null, actor));
    case "change_priority":
      return changedOrMissing(await conversation.togglePriority(access, action.action_params[0], actor));
    case "send_message":
    case "add_private_note": {
      const current = await currentConversation(run);
      const author = await authorOf(run);
      const inbox = await inboxNameOf(run.db, run.accountId, current.inbox_id);
      const content = renderTemplate(action.action_params[0], templateContextFor(current, author, inbox)).text;
      return addOutgoingMessage(run, key, author, { content, private: action.action_name === "add_private_note", attachments: [] });
    }
    case "send_attachment": {
      const attachments = await workflowAttachments(run, action.action_params);
      return addOutgoingMessage(run, key, await authorOf(run), { content: null, private: false, attachments });
    }
    case "send_email_to_team": {
      const [{ team_ids, message }] = action.action_params;
      return (await emailTeams(run.env, { accountId: run.accountId, displayId: run.displayId, teamIds: team_ids, message, key })) > 0;
    }
    case "send_email_transcript": {
      const to = action.action_params[0]
        .split(",")
        .map((address) => address.trim())
        .filter(Boolean);
      return (await emailTranscript(run.env, { accountId: run.accountId, displayId: run.displayId, to, key })) > 0;
    }
    case "send_webhook_event": {
      const current = await currentConversation(run);
      await enqueueUrlWebhook(run.env, { accountId: run.accountId, url: action.action_params[0], event: run.webhookEvent, payload: current, key });
      return true;
    }
    case "add_sla": {
      const policy = await run.db.query.slaPolicies.findFirst({
        where: and(eq(slaPolicies.id, action.action_params[0]), eq(slaPolicies.accountId, run.accountId)),
      });
      if (!policy) throw new ActionFailed(`SLA policy ${action.action_params[0]} no longer exists.`);
      const applied = await conversation.applySla(access, policy, actor);
      if (applied === null) throw new ActionFailed("The conversation is out of reach.");
      if (applied === "already_applied") throw new ActionFailed("The conversation already has an SLA policy; it cannot change.");
      return true;
    }
  }
}

/**
 * Adds one outgoing message (or note) from the actor: a user's own message for a macro, an
 * unattributed one carrying the rule's id for automation. Its echo id, derived from the run key,
 * makes a repeated run add it once; answers whether it was added now.
 */
async function addOutgoingMessage(
  run: ActionRun,
  key: string,
  author: { id: number } | null,
  message: { content: string | null; private: boolean; attachments: Attachment[] },
): Promise<boolean> {
  const { actor } = run;
  const added = await conversationObject(run.env, run.accountId, run.displayId).addMessage(
    run.access,
    {
      messageType: MessageType.outgoing,
      content: message.content,
      contentType: "text",
      contentAttributes: actor.type === "automation" ? { automation_rule_id: actor.ruleId } : {},
      private: message.private,
      echoId: `workflow:${key}`,
      sourceId: null,
      attachments: message.attachments,
    },
    author ? { type: "user", id: author.id } : null,
    originOf(actor),
  );
  if (!added) throw new ActionFailed("The conversation is out of reach.");
  return added.created;
}

/** The account's workflow files `fileIds` names, in that order, as a message's attachments (ids 1..n). */
async function workflowAttachments(run: ActionRun, fileIds: readonly number[]): Promise<Attachment[]> {
  const wanted = [...new Set(fileIds)];
  const rows = await run.db
    .select({ id: workflowFiles.id, attachment: workflowFiles.attachment })
    .from(workflowFiles)
    .where(and(eq(workflowFiles.accountId, run.accountId), inArray(workflowFiles.id, wanted)));
  const byId = new Map(rows.map((row) => [row.id, row.attachment]));
  const missing = wanted.filter((id) => !byId.has(id));
  if (missing.length === 1) throw new ActionFailed(`File ${missing[0]} no longer exists.`);
  if (missing.length > 1) throw new ActionFailed(`Files ${missing.join(", ")} no longer exist.`);
  return wanted.flatMap((id, index) => {
    const file = byId.get(id);
    return file ? [{ ...file, id: index + 1 }] : [];
  });
}

/** Who a message is from: the user running a macro; automation's messages have no sender. */
async function authorOf(run: ActionRun) {
  return run.actor.type === "user" ? await userById(run, run.actor.id) : null;
}

function selfOf(actor: Actor): number {
  if (actor.type !== "user") throw new ActionFailed('Only a person running a macro can be assigned as "self".');
  return actor.id;
}

async function accountTeam(run: ActionRun, teamId: number) {
  const [team] = await run.db
    .select({ id: teams.id, name: teams.name })
    .from(teams)
    .where(and(eq(teams.id, teamId), eq(teams.accountId, run.accountId)));
  if (!team) throw new ActionFailed(`Team ${teamId} no longer exists.`);
  return team;
}

async function userById(run: ActionRun, userId: number) {
  const [user] = await run.db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(eq(users.id, userId));
  if (!user) throw new ActionFailed(`User ${userId} no longer exists.`);
  return user;
}
