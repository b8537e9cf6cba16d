/** Application API: the account's teams (Chatwoot's /api/v1/accounts/:account_id/teams); administrators change them. */
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, ne, sql } from "drizzle-orm";
import type { Context } from "hono";
import { teamMembers, teams } from "../../db/schema";
import { auditEntry, changedFields } from "../audit";
import { requireRole, userOf } from "../auth";
import { type AppEnv, createRouter } from "../context";
import { conflict, errorResponses, notFound } from "../errors";
import { idParams, Name, optionalText } from "../schemas";
import { userSecurity } from "./profile";

const tags = ["Application: teams"];
const accountParams = idParams("account_id");
const teamParams = idParams("account_id", "team_id");

const TeamCreateInput = z
  .object({
    name: Name.openapi({ example: "Front desk" }),
    description: optionalText(1000),
    allow_auto_assign: z.boolean().optional(),
  })
  .strict()
  .openapi("TeamCreateInput");
const TeamUpdateInput = TeamCreateInput.partial().strict().openapi("TeamUpdateInput");

const TeamSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    description: z.string().nullable(),
    allow_auto_assign: z.boolean(),
    account_id: z.number().int(),
    is_member: z.boolean().openapi({ description: "Whether the caller is in the team" }),
  })
  .openapi("Team");

type TeamRow = typeof teams.$inferSelect;

/** The team's configuration under its API names: what the audit log records. */
const configurationOf = (team: Pick<TeamRow, "name" | "description" | "allowAutoAssign">) => ({
  name: team.name,
  description: team.description,
  allow_auto_assign: team.allowAutoAssign,
});

const serializeTeam = (team: TeamRow & { isMember: boolean }): z.infer<typeof TeamSchema> => ({
  id: team.id,
  ...configurationOf(team),
  account_id: team.accountId,
  is_member: team.isMember,
});

/** The account's teams (or the one with `teamId`), each with whether the caller is a member. */
async function teamsWithMembership(c: Context<AppEnv>, teamId?: number) {
  const rows = await c.var.db
    .select({ team: teams, memberId: teamMembers.userId })
    .from(teams)
    .leftJoin(teamMembers, and(eq(teamMembers.teamId, teams.id), eq(teamMembers.userId, userOf(c).id)))
    .where(and(eq(teams.accountId, c.var.membership.accountId), teamId === undefined ? undefined : eq(teams.id, teamId)))
    .orderBy(asc(teams.id));
  return rows.map((row) => ({ ...row.team, isMember: row.memberId !== null }));
}

/** One of the account's teams, or 404 for any other id. */
export async function accountTeam(c: Context<AppEnv>, teamId: number): Promise<TeamRow> {
  const team = await c.var.db.query.teams.findFirst({
    where: and(eq(teams.id, teamId), eq(teams.accountId, c.var.membership.accountId)),
  });
  if (!team) throw notFound("Team");
  return team;
}

/** Team names are unique within an account. */
async function ensureNameFree(c: Context<AppEnv>, name: string, exceptTeamId?: number) {
  const taken = await c.var.db.query.teams.findFirst({
    where: and(eq(teams.accountId, c.var.membership.accountId), eq(teams.name, name), exceptTeamId === undefined ? undefined : ne(teams.id, exceptTeamId)),
  });
  if (taken) throw conflict("The account already has a team with this name.", { team_id: taken.id });
}

export const accountTeams = createRouter();

accountTeams.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/teams",
    tags,
    security: userSecurity,
    summary: "List the account's teams",
    request: { params: accountParams },
    responses: {
      200: { description: "The teams", content: { "application/json": { schema: z.array(TeamSchema) } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    return c.json((await teamsWithMembership(c)).map(serializeTeam), 200);
  },
);

accountTeams.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/teams/{team_id}",
    tags,
    security: userSecurity,
    summary: "Show a team",
    request: { params: teamParams },
    responses: {
      200: { description: "The team", content: { "application/json": { schema: TeamSchema } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { team_id } = c.req.valid("param");
    const [team] = await teamsWithMembership(c, team_id);
    if (!team) throw notFound("Team");
    return c.json(serializeTeam(team), 200);
  },
);

accountTeams.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/teams",
    tags,
    security: userSecurity,
    summary: "Create a team (administrators)",
    middleware: [requireRole("administrator")] as const,
    request: {
      params: accountParams,
      body: { required: true, content: { "application/json": { schema: TeamCreateInput } } },
    },
    responses: {
      201: { description: "Created", content: { "application/json": { schema: TeamSchema } } },
      ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
    },
  }),
  async (c) => {
    const input = c.req.valid("json");
    const { accountId, agencyId } = c.var.membership;
    await ensureNameFree(c, input.name);
    const values = {
      accountId,
      name: input.name,
      description: input.description ?? null,
      allowAutoAssign: input.allow_auto_assign ?? true,
    };
    const db = c.var.db;
    const [[team]] = await db.batch([
      db.insert(teams).values(values).returning(),
      auditEntry(c, {
        action: "create",
        auditableType: "Team",
        auditableId: sql`last_insert_rowid()`,
        agencyId,
        accountId,
        changes: configurationOf(values),
      }),
    ]);
    if (!team) throw new Error("team insert returned no row");
    return c.json(serializeTeam({ ...team, isMember: false }), 201);
  },
);

accountTeams.openapi(
  createRoute({
    method: "patch",
    path: "/{account_id}/teams/{team_id}",
    tags,
    security: userSecurity,
    summary: "Update a team (administrators)",
    middleware: [requireRole("administrator")] as const,
    request: {
      params: teamParams,
      body: { required: true, content: { "application/json": { schema: TeamUpdateInput } } },
    },
    responses: {
      200: { description: "The updated team", content: { "application/json": { schema: TeamSchema } } },
      ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
    },
  }),
  async (c) => {
    const { team_id } = c.req.valid("param");
    const input = c.req.valid("json");
    const [team] = await teamsWithMembership(c, team_id);
    if (!team) throw notFound("Team");
    const changes = changedFields(configurationOf(team), input);
    if (Object.keys(changes).length === 0) return c.json(serializeTeam(team), 200);
    if (input.name !== undefined && "name" in changes) await ensureNameFree(c, input.name, team.id);
    const db = c.var.db;
    const [[updated]] = await db.batch([
      db
        .update(teams)
        .set({
          name: input.name,
          description: input.description,
          allowAutoAssign: input.allow_auto_assign,
          updatedAt: new Date(),
        })
        .where(eq(teams.id, team.id))
        .returning(),
      auditEntry(c, {
        action: "update",
        auditableType: "Team",
        auditableId: team.id,
        agencyId: c.var.membership.agencyId,
        accountId: team.accountId,
        changes,
      }),
    ]);
    return c.json(serializeTeam({ ...(updated ?? team), isMember: team.isMember }), 200);
  },
);

accountTeams.openapi(
  createRoute({
    method: "delete",
    path: "/{account_id}/teams/{team_id}",
    tags,
    security: userSecurity,
    summary: "Delete a team (administrators)",
    description: "Its member list goes with it.",
    middleware: [requireRole("administrator")] as const,
    request: { params: teamParams },
    responses: { 204: { description: "Deleted" }, ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const { team_id } = c.req.valid("param");
    const team = await accountTeam(c, team_id);
    const db = c.var.db;
    await db.batch([
      db.delete(teams).where(eq(teams.id, team.id)),
      auditEntry(c, {
        action: "destroy",
        auditableType: "Team",
        auditableId: team.id,
        agencyId: c.var.membership.agencyId,
        accountId: team.accountId,
        changes: configurationOf(team),
      }),
    ]);
    return c.body(null, 204);
  },
);
