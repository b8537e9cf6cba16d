/**
 * The actions automation rules and macros take on a conversation (Chatwoot's `actions: [{action_name,
 * action_params}]`): their input schemas and the account checks an action list must pass before it
 * is stored. Running them is src/jobs/conversation-actions.ts.
 */
import { z } from "@hono/zod-openapi";
import { and, eq, inArray } from "drizzle-orm";
import type { Context } from "hono";
import { accountUsers, slaPolicies, teams, workflowFiles } from "../db/schema";
import { PRIORITIES } from "../domain/conversation";
import { checkDestination, privateDestinationsAllowed } from "../domain/destination-guard";
import { Label } from "./accounts/conversations";
import type { AppEnv } from "./context";
import { ApiError, type FieldIssue } from "./errors";
import { BodyId } from "./schemas";

const noParams = z.tuple([]).default([]);
const action = <N extends string, P extends z.ZodType>(name: N, params: P) =>
  z.object({ action_name: z.literal(name), action_params: params }).strict();

const EmailList = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  .refine((list) => list.split(",").every((email) => /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/.test(email.trim())), "Expected email addresses separated by commas.");

const MessageText = z.string().trim().min(1).max(150_000);

const SHARED_ACTIONS = [
  action("assign_team", z.tuple([BodyId]).openapi({ description: "[team_id]" })),
  action("add_label", z.array(Label).min(1).max(100)),
  action("remove_label", z.array(Label).min(1).max(100)),
  action(
    "send_email_to_team",
    z.tuple([z.object({ team_ids: z.array(BodyId).min(1).max(100), message: z.string().trim().min(1).max(10_000) }).strict()]),
  ),
  action("send_email_transcript", z.tuple([EmailList]).openapi({ description: "[\"a@example.com, b@example.com\"]" })),
  action("mute_conversation", noParams),
  action("snooze_conversation", noParams),
  action("resolve_conversation", noParams),
  action("open_conversation", noParams),
  action("change_priority", z.tuple([z.enum(PRIORITIES).nullable()])),
  action("send_webhook_event", z.tuple([z.url({ protocol: /^https?$/ }).max(2048)])),
  action(
    "send_attachment",
    z.array(BodyId).min(1).max(15).openapi({ description: "[blob_id, ...]: files uploaded through attach_file; sent as one outgoing message" }),
  ),
  action("send_message", z.tuple([MessageText]).openapi({ description: "[text]; may use template variables" })),
  action("add_sla", z.tuple([BodyId]).openapi({ description: "[sla_policy_id]" })),
] as const;

export const AutomationActionInput = z
  .discriminatedUnion("action_name", [
    action("assign_agent", z.tuple([z.union([BodyId, z.literal("nil")])]).openapi({ description: "[user_id], or [\"nil\"] to unassign" })),
    ...SHARED_ACTIONS,
  ])
  .openapi("AutomationActionInput");
export type AutomationAction = z.infer<typeof AutomationActionInput>;

/** Macros take the automation actions, a private note, removing the team, and assigning whoever runs the macro ("self"). */
export const MacroActionInput = z
  .discriminatedUnion("action_name", [
    action(
      "assign_agent",
      z.tuple([z.union([BodyId, z.literal("nil"), z.literal("self")])]).openapi({ description: "[user_id], [\"self\"] (who runs the macro) or [\"nil\"]" }),
    ),
    ...SHARED_ACTIONS,
    action("add_private_note", z.tuple([MessageText]).openapi({ description: "[text]; may use template variables" })),
    action("remove_assigned_team", noParams),
  ])
  .openapi("MacroActionInput");
export type MacroAction = z.infer<typeof MacroActionInput>;

/** Any action either kind of list may hold: what the runner takes. */
export type ConversationAction = AutomationAction | MacroAction;

export const invalidBody = (issues: FieldIssue[]) => new ApiError(422, "validation_failed", "The request body is not valid.", issues);

/** 422 naming each action (by index) that names a user, team, SLA policy or file outside the account. */
export async function checkActions(c: Context<AppEnv>, actions: ConversationAction[]): Promise<void> {
  const accountId = c.var.membership.accountId;
  const userIds = new Set<number>();
  const teamIds = new Set<number>();
  const policyIds = new Set<number>();
  const fileIds = new Set<number>();
  for (const entry of actions) {
    if (entry.action_name === "assign_agent" && typeof entry.action_params[0] === "number") userIds.add(entry.action_params[0]);
    if (entry.action_name === "assign_team") teamIds.add(entry.action_params[0]);
    if (entry.action_name === "send_email_to_team") for (const id of entry.action_params[0].team_ids) teamIds.add(id);
    if (entry.action_name === "add_sla") policyIds.add(entry.action_params[0]);
    if (entry.action_name === "send_attachment") for (const id of entry.action_params) fileIds.add(id);
  }
  const db = c.var.db;
  const [members, accountTeams, policies, files] = await Promise.all([
    userIds.size === 0
      ? []
      : db.select({ id: accountUsers.userId }).from(accountUsers).where(and(eq(accountUsers.accountId, accountId), inArray(accountUsers.userId, [...userIds]))),
    teamIds.size === 0 ? [] : db.select({ id: teams.id }).from(teams).where(and(eq(teams.accountId, accountId), inArray(teams.id, [...teamIds]))),
    policyIds.size === 0
      ? []
      : db.select({ id: slaPolicies.id }).from(slaPolicies).where(and(eq(slaPolicies.accountId, accountId), inArray(slaPolicies.id, [...policyIds]))),
    fileIds.size === 0
      ? []
      : db.select({ id: workflowFiles.id }).from(workflowFiles).where(and(eq(workflowFiles.accountId, accountId), inArray(workflowFiles.id, [...fileIds]))),
  ]);
  const knownUsers = new Set(members.map((member) => member.id));
  const knownTeams = new Set(accountTeams.map((team) => team.id));
  const knownPolicies = new Set(policies.map((policy) => policy.id));
  const knownFiles = new Set(files.map((file) => file.id));
  const issues: FieldIssue[] = [];
  for (const [index, entry] of actions.entries()) {
    const issue = (field: string, message: string, code: string) => issues.push({ field: `actions.${index}.${field}`, message, code });
    switch (entry.action_name) {
      case "send_attachment": {
        const unknown = entry.action_params.filter((id) => !knownFiles.has(id));
        if (unknown.length > 0) issue("action_params", `Not files uploaded to this account through attach_file: ${unknown.join(", ")}.`, "not_found");
        break;
      }
      case "send_webhook_event": {
        const destination = checkDestination(entry.action_params[0], { allowPrivate: privateDestinationsAllowed(c.env.ALLOW_PRIVATE_DESTINATIONS) });
        if (!destination.ok) issue("action_params", destination.message, "destination_not_allowed");
        break;
      }
      case "add_sla": {
        const [policyId] = entry.action_params;
        if (!knownPolicies.has(policyId)) issue("action_params", `SLA policy ${policyId} is not a policy of this account.`, "not_found");
        break;
      }
      case "assign_agent": {
        const [userId] = entry.action_params;
        if (typeof userId === "number" && !knownUsers.has(userId)) issue("action_params", `User ${userId} is not a member of this account.`, "not_found");
        break;
      }
      case "assign_team":
      case "send_email_to_team": {
        const ids = entry.action_name === "assign_team" ? entry.action_params : entry.action_params[0].team_ids;
        const unknown = ids.filter((id) => !knownTeams.has(id));
        if (unknown.length > 0) issue("action_params", `Not teams of this account: ${unknown.join(", ")}.`, "not_found");
        break;
      }
    }
  }
  if (issues.length > 0) throw invalidBody(issues);
}
