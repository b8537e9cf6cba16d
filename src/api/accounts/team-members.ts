/** Application API: a team's agents (Chatwoot's /api/v1/accounts/:account_id/teams/:team_id/team_members). */
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, inArray } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Context } from "hono";
import { accountUsers, teamMembers, users } from "../../db/schema";
import {
  AgentSchema,
  accountAgents,
  agentColumns,
  type MemberEdit,
  memberEditDescriptions,
  planMemberEdit,
  serializeAgents,
  UserIds,
  writeMemberEdit,
} from "../agents";
import { auditEntry } from "../audit";
import { requireRole } from "../auth";
import { type AppEnv, createRouter } from "../context";
import { errorResponses } from "../errors";
import { idParams } from "../schemas";
import { userSecurity } from "./profile";
import { accountTeam } from "./teams";

const tags = ["Application: team members"];
const teamParams = idParams("account_id", "team_id");

const TeamMembersInput = z.object({ user_ids: UserIds }).strict().openapi("TeamMembersInput");

/** The team's members, as agents of this account. */
async function membersOf(c: Context<AppEnv>, teamId: number) {
  return c.var.db
    .select(agentColumns)
    .from(teamMembers)
    .innerJoin(users, eq(users.id, teamMembers.userId))
    .innerJoin(accountUsers, and(eq(accountUsers.userId, teamMembers.userId), eq(accountUsers.accountId, c.var.membership.accountId)))
    .where(eq(teamMembers.teamId, teamId))
    .orderBy(asc(users.id));
}

const agentsOf = (c: Context<AppEnv>, rows: Awaited<ReturnType<typeof membersOf>>) => serializeAgents(c, rows);

export const accountTeamMembers = createRouter();

accountTeamMembers.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/teams/{team_id}/team_members",
    tags,
    security: userSecurity,
    summary: "List a team's members",
    request: { params: teamParams },
    responses: {
      200: { description: "The team's members", content: { "application/json": { schema: z.array(AgentSchema) } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { team_id } = c.req.valid("param");
    const team = await accountTeam(c, team_id);
    return c.json(await agentsOf(c, await membersOf(c, team.id)), 200);
  },
);

const editRoute = <M extends "post" | "patch" | "delete">(method: M, edit: MemberEdit, summary: string) =>
  createRoute({
    method,
    path: "/{account_id}/teams/{team_id}/team_members",
    tags,
    security: userSecurity,
    summary: `${summary} (administrators)`,
    description: `${memberEditDescriptions[edit]} Every user must belong to the account. Answers with the team's members.`,
    middleware: [requireRole("administrator")] as const,
    request: {
      params: teamParams,
      body: { required: true, content: { "application/json": { schema: TeamMembersInput } } },
    },
    responses: {
      200: { description: "The team's members", content: { "application/json": { schema: z.array(AgentSchema) } } },
      ...errorResponses(400, 401, 403, 404, 413, 415, 422),
    },
  });

/** Applies an edit and its audit entry in one batch. */
async function editTeamMembers(c: Context<AppEnv>, edit: MemberEdit, teamId: number, userIds: number[]) {
  const team = await accountTeam(c, teamId);
  const requested = await accountAgents(c, userIds);
  const current = await membersOf(c, team.id);
  const changes = planMemberEdit(edit, current, requested);
  const db = c.var.db;
  const changed = await writeMemberEdit(c, { auditableType: "Team", id: team.id, accountId: team.accountId }, changes, {
    remove: (userIds) => db.delete(teamMembers).where(and(eq(teamMembers.teamId, team.id), inArray(teamMembers.userId, userIds))),
    add: (userIds) =>
      db
        .insert(teamMembers)
        .values(userIds.map((userId) => ({ teamId: team.id, userId })))
        .onConflictDoNothing(),
  });
  if (!changed) return agentsOf(c, current);
  return agentsOf(c, await membersOf(c, team.id));
}

accountTeamMembers.openapi(editRoute("post", "add", "Add agents to a team"), async (c) =>
  c.json(await editTeamMembers(c, "add", c.req.valid("param").team_id, c.req.valid("json").user_ids), 200),
);

accountTeamMembers.openapi(editRoute("patch", "replace", "Replace a team's agents"), async (c) =>
  c.json(await editTeamMembers(c, "replace", c.req.valid("param").team_id, c.req.valid("json").user_ids), 200),
);

accountTeamMembers.openapi(editRoute("delete", "remove", "Remove agents from a team"), async (c) =>
  c.json(await editTeamMembers(c, "remove", c.req.valid("param").team_id, c.req.valid("json").user_ids), 200),
);
