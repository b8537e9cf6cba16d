/**
 * Application API: Chatwoot's conversation update (`PATCH .../conversations/:id {priority,
 * sla_policy_id}`), which is how agents apply an SLA policy, and the misses of the applied SLA.
 * An SLA, once applied, is neither removed nor changed.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { slaPolicies } from "../../db/schema";
import { PRIORITIES } from "../../domain/conversation";
import { SLA_EVENT_TYPES, SLA_STATUSES } from "../../domain/sla";
import { type AppEnv, createRouter } from "../context";
import { ApiError, errorResponses, notFound } from "../errors";
import { BodyId, idParams } from "../schemas";
import { actorOf, visibleConversation } from "./conversations";
import { userSecurity } from "./profile";
import { existingConversation } from "../known-ids";

const tags = ["Application: conversations"];
const conversationParams = idParams("account_id", "conversation_id");

const UpdateConversationInput = z
  .object({
    priority: z
      .enum([...PRIORITIES, "none"])
      .nullable()
      .optional()
      .openapi({ description: "`none` or null clears it" }),
    sla_policy_id: BodyId.nullable()
      .optional()
      .openapi({ description: "Applies the account's SLA policy. Once applied it can neither change nor be removed (409 `sla_already_applied`)." }),
  })
  .strict()
  .refine((input) => input.priority !== undefined || input.sla_policy_id !== undefined, {
    message: "Send priority or sla_policy_id.",
    path: ["sla_policy_id"],
  })
  .openapi("ConversationUpdate");

const AppliedSlaSchema = z
  .object({
    id: z.number().int().openapi({ description: "The conversation's display id: a conversation has one applied SLA at most" }),
    sla_id: z.number().int(),
    sla_status: z.enum(SLA_STATUSES),
    created_at: z.number().int(),
    updated_at: z.number().int(),
    sla_name: z.string(),
    sla_description: z.string().nullable(),
    sla_first_response_time_threshold: z.number().int().nullable(),
    sla_next_response_time_threshold: z.number().int().nullable(),
    sla_resolution_time_threshold: z.number().int().nullable(),
    sla_only_during_business_hours: z.boolean(),
    frt_due_at: z.number().int().nullable().openapi({ description: "Unix seconds" }),
    nrt_due_at: z.number().int().nullable().openapi({ description: "Unix seconds, while a follow-up waits after the first reply" }),
    rt_due_at: z.number().int().nullable().openapi({ description: "Unix seconds" }),
  })
  .openapi("AppliedSla");

const SlaEventSchema = z
  .object({
    id: z.number().int().openapi({ description: "Numbers the conversation's misses from 1" }),
    event_type: z.enum(SLA_EVENT_TYPES),
    meta: z.record(z.string(), z.unknown()),
    created_at: z.number().int(),
    updated_at: z.number().int(),
  })
  .openapi("SlaEvent");

const slaAlreadyApplied = (appliedPolicyId: number | null) =>
  new ApiError(409, "sla_already_applied", "The conversation already has an SLA policy; it can neither change nor be removed.", {
    sla_policy_id: appliedPolicyId,
  });

async function accountPolicy(c: Context<AppEnv>, policyId: number) {
  const policy = await c.var.db.query.slaPolicies.findFirst({
    where: and(eq(slaPolicies.id, policyId), eq(slaPolicies.accountId, c.var.membership.accountId)),
  });
  if (!policy) {
    throw new ApiError(422, "validation_failed", "The SLA policy does not exist in this account.", [
      { field: "sla_policy_id", message: `SLA policy ${policyId} is not a policy of this account.`, code: "not_found" },
    ]);
  }
  return policy;
}

export const accountConversationSla = createRouter();

accountConversationSla.openapi(
  createRoute({
    method: "patch",
    path: "/{account_id}/conversations/{conversation_id}",
    tags,
    security: userSecurity,
    summary: "Update a conversation: its priority, or apply an SLA policy",
    description:
      "Chatwoot's Update Conversation. `sla_policy_id` applies one of the account's SLA policies; sending the one already " +
      "applied changes nothing, any other (or null) answers 409 `sla_already_applied`.",
    request: { params: conversationParams, body: { required: true, content: { "application/json": { schema: UpdateConversationInput } } } },
    responses: {
      200: { description: "The conversation", content: { "application/json": { schema: z.record(z.string(), z.unknown()) } } },
      ...errorResponses(400, 401, 404, 409, 413, 415, 422),
    },
  }),
  async (c) => {
    const { conversation_id } = c.req.valid("param");
    const input = c.req.valid("json");
    const { viewer, payload } = await visibleConversation(c, conversation_id);
    const conversation = await existingConversation(c.env, c.var.membership.accountId, conversation_id);
    const access = { inboxIds: viewer.inboxIds };
    const actor = await actorOf(c);
    let latest = payload;
    const applied = payload.sla_policy_id;
    if (input.sla_policy_id !== undefined && input.sla_policy_id !== applied) {
      if (applied !== null || input.sla_policy_id === null) throw slaAlreadyApplied(applied);
      const policy = await accountPolicy(c, input.sla_policy_id);
      const result = await conversation.applySla(access, policy, actor);
      if (result === null) throw notFound("Conversation");
      if (result === "already_applied") throw slaAlreadyApplied(null);
      latest = result.payload ?? latest;
    }
    if (input.priority !== undefined) {
      const result = await conversation.togglePriority(access, input.priority === "none" ? null : input.priority, actor);
      if (!result) throw notFound("Conversation");
      latest = result.payload ?? latest;
    }
    return c.json(latest, 200);
  },
);

accountConversationSla.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/conversations/{conversation_id}/sla_events",
    tags,
    security: userSecurity,
    summary: "The applied SLA and its misses",
    description: "Each missed deadline (frt, nrt, rt) once, oldest first; an nrt miss once per waiting follow-up.",
    request: { params: conversationParams },
    responses: {
      200: {
        description: "The misses, and the applied SLA (null when there is none)",
        content: { "application/json": { schema: z.object({ payload: z.array(SlaEventSchema), applied_sla: AppliedSlaSchema.nullable() }) } },
      },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { conversation_id } = c.req.valid("param");
    const { payload } = await visibleConversation(c, conversation_id);
    return c.json({ payload: payload.sla_events, applied_sla: payload.applied_sla }, 200);
  },
);
