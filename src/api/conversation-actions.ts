/**
 * The account checks a list of conversation actions must pass before a rule or macro is stored (their
 * schemas are src/services/conversation-actions.ts). Running them is src/jobs/conversation-actions.ts.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Context } from "hono";
import { accountUsers, slaPolicies, teams, workflowFiles } from "../db/schema";
import { checkDestination, privateDestinationsAllowed } from "../domain/destination-guard";
import type { AppEnv } from "./context";
import { ApiError, type FieldIssue } from "./errors";

import type { ConversationAction } from "../services/conversation-actions";

export {
  type AutomationAction,
  AutomationActionInput,
  type ConversationAction,
  type MacroAction,
  MacroActionInput,
} from "../services/conversation-actions";

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
      : db
          .select({ id: accountUsers.userId })
          .from(accountUsers)
          .where(and(eq(accountUsers.accountId, accountId), inArray(accountUsers.userId, [...userIds]))),
    teamIds.size === 0
      ? []
      : db
          .select({ id: teams.id })
          .from(teams)
          .where(and(eq(teams.accountId, accountId), inArray(teams.id, [...teamIds]))),
    policyIds.size === 0
      ? []
      : db
          .select({ id: slaPolicies.id })
          .from(slaPolicies)
          .where(and(eq(slaPolicies.accountId, accountId), inArray(slaPolicies.id, [...policyIds]))),
    fileIds.size === 0
      ? []
      : db
          .select({ id: workflowFiles.id })
          .from(workflowFiles)
          .where(and(eq(workflowFiles.accountId, accountId), inArray(workflowFiles.id, [...fileIds]))),
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
