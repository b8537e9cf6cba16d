/**
 * Application API: Chatwoot's bulk actions (`POST /api/v1/accounts/:account_id/bulk_actions`), the
 * conversation list's "select many" toolbar: a status, an assignee, a team and labels to add or remove,
 * applied to each conversation the caller sees, each by its own Conversation object as the single
 * routes do it (activity messages, events, webhooks and automation follow).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { assignableAgent } from "../../db/queries";
import { teams } from "../../db/schema";
import { CONVERSATION_STATUSES } from "../../domain/conversation";
import { accountObject, conversationObject } from "../../durable/addresses";
import { capLabels, maxLabelsPerConversation } from "../caps";
import { type AppEnv, createRouter } from "../context";
import { ApiError, errorResponses } from "../errors";
import { BodyId, idParams } from "../schemas";
import { actorOf, Label } from "./conversations";
import { userSecurity } from "./profile";
import { viewerOf } from "./viewer";

const tags = ["Application: conversations"];
export const MAX_BULK_CONVERSATIONS = 100;

const BulkActionInput = z
  .object({
    type: z.literal("Conversation").default("Conversation"),
    ids: z.array(BodyId).min(1).max(MAX_BULK_CONVERSATIONS).openapi({ description: "Display ids of the conversations" }),
    fields: z
      .object({
        status: z.enum(CONVERSATION_STATUSES).optional(),
        snoozed_until: z.number().int().positive().nullable().optional(),
        assignee_id: BodyId.nullable().optional(),
        team_id: BodyId.nullable().optional(),
      })
      .strict()
      .optional(),
    labels: z
      .object({ add: z.array(Label).max(100).optional(), remove: z.array(Label).max(100).optional() })
      .strict()
      .optional(),
  })
  .strict()
  .openapi("BulkActionInput", {
    example: { type: "Conversation", ids: [1, 2], fields: { status: "resolved", assignee_id: 3 }, labels: { add: ["billing"], remove: ["new"] } },
  });

const invalid = (field: string, message: string, code: string) =>
  new ApiError(422, "validation_failed", "The request body is not valid.", [{ field, message, code }]);

async function accountTeam(c: Context<AppEnv>, teamId: number | null | undefined) {
  if (teamId == null) return null;
  const team = await c.var.db.query.teams.findFirst({
    where: and(eq(teams.id, teamId), eq(teams.accountId, c.var.membership.accountId)),
    columns: { id: true, name: true },
  });
  if (!team) throw invalid("fields.team_id", `Team ${teamId} is not a team of this account.`, "not_found");
  return team;
}

export const accountBulkActions = createRouter();

accountBulkActions.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/bulk_actions",
    tags,
    security: userSecurity,
    summary: "Change many conversations at once (status, assignee, team, labels)",
    description:
      `Up to ${MAX_BULK_CONVERSATIONS} conversations. Conversations the caller does not see, or that do not exist, are listed in \`skipped\`; ` +
      "an assignee who may not take a conversation of its inbox leaves that conversation unassigned-as-it-was and lists it in `skipped` too.",
    request: { params: idParams("account_id"), body: { required: true, content: { "application/json": { schema: BulkActionInput } } } },
    responses: {
      200: {
        description: "What was changed",
        content: { "application/json": { schema: z.object({ updated: z.array(z.number().int()), skipped: z.array(z.number().int()) }) } },
      },
      ...errorResponses(400, 401, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const input = c.req.valid("json");
    const fields = input.fields ?? {};
    const accountId = c.var.membership.accountId;
    if (input.labels?.add) capLabels(c.env, input.labels.add, "labels.add");
    if (fields.status === "snoozed" && fields.snoozed_until != null && fields.snoozed_until * 1000 <= Date.now()) {
      throw invalid("fields.snoozed_until", "must be in the future", "too_small");
    }
    const team = await accountTeam(c, fields.team_id);
    const viewer = await viewerOf(c);
    const access = { inboxIds: viewer.inboxIds };
    const actor = await actorOf(c);
    const account = accountObject(c.env, accountId);
    const updated: number[] = [];
    const skipped: number[] = [];
    for (const displayId of [...new Set(input.ids)]) {
      const current = await account.conversation(displayId, viewer);
      if (!current) {
        skipped.push(displayId);
        continue;
      }
      const conversation = conversationObject(c.env, accountId, displayId);
      let complete = true;
      if (fields.status) await conversation.toggleStatus(access, fields.status, fields.status === "snoozed" ? (fields.snoozed_until ?? null) : null, actor);
      if (fields.assignee_id !== undefined) {
        const assignee = fields.assignee_id === null ? null : await assignableAgent(c.var.db, accountId, fields.assignee_id, current.inbox_id);
        if (fields.assignee_id !== null && !assignee) complete = false;
        else await conversation.assignAgent(access, assignee ? { id: assignee.id, name: assignee.name } : null, actor);
      }
      if (fields.team_id !== undefined) await conversation.assignTeam(access, team, current.meta.team?.name ?? null, actor);
      for (const label of input.labels?.add ?? []) {
        const added = await conversation.changeLabel(access, "add", label, actor, maxLabelsPerConversation(c.env));
        if (added && "tooManyLabels" in added) complete = false;
      }
      for (const label of input.labels?.remove ?? []) await conversation.changeLabel(access, "remove", label, actor, maxLabelsPerConversation(c.env));
      (complete ? updated : skipped).push(displayId);
    }
    return c.json({ updated, skipped }, 200);
  },
);
