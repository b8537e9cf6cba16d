/**
 * Application API: the account's SLA policies (Chatwoot's /api/v1/accounts/:account_id/sla_policies).
 * Administrators create and delete them; a policy is never changed once created (PATCH answers 405),
 * because conversations it was applied to keep their deadlines.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, sql } from "drizzle-orm";
import type { Context } from "hono";
import { slaPolicies } from "../../db/schema";
import { accountAuditEntry } from "../audit";
import { requireRole } from "../auth";
import { type AppEnv, createRouter } from "../context";
import { ApiError, conflict, errorResponses, notFound } from "../errors";
import { idParams, iso, Name, optionalText, Timestamp } from "../schemas";
import { userSecurity } from "./profile";

const tags = ["Application: SLA policies"];
const accountParams = idParams("account_id");
const policyParams = idParams("account_id", "sla_policy_id");

/** Seconds, from one second (short clocks are how the deadlines are tried out) to a year. */
const Threshold = z
  .number()
  .int()
  .min(1)
  .max(366 * 24 * 3600)
  .nullable()
  .optional();

const SlaPolicyInput = z
  .object({
    name: Name.openapi({ example: "Enterprise P0" }),
    description: optionalText(1000),
    first_response_time_threshold: Threshold.openapi({ description: "Seconds to the first agent reply" }),
    next_response_time_threshold: Threshold.openapi({ description: "Seconds to answer a follow-up" }),
    resolution_time_threshold: Threshold.openapi({ description: "Seconds to resolve" }),
    only_during_business_hours: z.boolean().default(false),
  })
  .strict()
  .refine((input) => [input.first_response_time_threshold, input.next_response_time_threshold, input.resolution_time_threshold].some((v) => v != null), {
    message: "Set at least one threshold.",
    path: ["first_response_time_threshold"],
  })
  .openapi("SlaPolicyInput");

const SlaPolicySchema = z
  .object({
    id: z.number().int(),
    account_id: z.number().int(),
    name: z.string(),
    description: z.string().nullable(),
    first_response_time_threshold: z.number().int().nullable(),
    next_response_time_threshold: z.number().int().nullable(),
    resolution_time_threshold: z.number().int().nullable(),
    only_during_business_hours: z.boolean(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("SlaPolicy");

type SlaPolicyRow = typeof slaPolicies.$inferSelect;

const configurationOf = (row: SlaPolicyRow) => ({
  name: row.name,
  description: row.description,
  first_response_time_threshold: row.firstResponseTimeThreshold,
  next_response_time_threshold: row.nextResponseTimeThreshold,
  resolution_time_threshold: row.resolutionTimeThreshold,
  only_during_business_hours: row.onlyDuringBusinessHours,
});

const serializeSlaPolicy = (row: SlaPolicyRow): z.infer<typeof SlaPolicySchema> => ({
  id: row.id,
  account_id: row.accountId,
  ...configurationOf(row),
  created_at: iso(row.createdAt),
  updated_at: iso(row.updatedAt),
});

async function accountPolicy(c: Context<AppEnv>, policyId: number) {
  const row = await c.var.db.query.slaPolicies.findFirst({
    where: and(eq(slaPolicies.id, policyId), eq(slaPolicies.accountId, c.var.membership.accountId)),
  });
  if (!row) throw notFound("SLA policy");
  return row;
}

export const accountSlaPolicies = createRouter();

accountSlaPolicies.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/sla_policies",
    tags,
    security: userSecurity,
    summary: "List the account's SLA policies",
    request: { params: accountParams },
    responses: {
      200: { description: "The policies", content: { "application/json": { schema: z.object({ payload: z.array(SlaPolicySchema) }) } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const rows = await c.var.db.select().from(slaPolicies).where(eq(slaPolicies.accountId, c.var.membership.accountId)).orderBy(asc(slaPolicies.id));
    return c.json({ payload: rows.map(serializeSlaPolicy) }, 200);
  },
);

accountSlaPolicies.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/sla_policies/{sla_policy_id}",
    tags,
    security: userSecurity,
    summary: "Show an SLA policy",
    request: { params: policyParams },
    responses: {
      200: { description: "The policy", content: { "application/json": { schema: z.object({ payload: SlaPolicySchema }) } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { sla_policy_id } = c.req.valid("param");
    return c.json({ payload: serializeSlaPolicy(await accountPolicy(c, sla_policy_id)) }, 200);
  },
);

accountSlaPolicies.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/sla_policies",
    tags,
    security: userSecurity,
    summary: "Create an SLA policy (administrators)",
    description: "At least one threshold, in seconds. Names are unique in the account.",
    middleware: [requireRole("administrator")] as const,
    request: { params: accountParams, body: { required: true, content: { "application/json": { schema: SlaPolicyInput } } } },
    responses: {
      201: { description: "Created", content: { "application/json": { schema: z.object({ payload: SlaPolicySchema }) } } },
      ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
    },
  }),
  async (c) => {
    const input = c.req.valid("json");
    const accountId = c.var.membership.accountId;
    const taken = await c.var.db.query.slaPolicies.findFirst({ where: and(eq(slaPolicies.accountId, accountId), eq(slaPolicies.name, input.name)) });
    if (taken) throw conflict("An SLA policy with this name exists.", { sla_policy_id: taken.id });
    const db = c.var.db;
    const [[row]] = await db.batch([
      db
        .insert(slaPolicies)
        .values({
          accountId,
          name: input.name,
          description: input.description ?? null,
          firstResponseTimeThreshold: input.first_response_time_threshold ?? null,
          nextResponseTimeThreshold: input.next_response_time_threshold ?? null,
          resolutionTimeThreshold: input.resolution_time_threshold ?? null,
          onlyDuringBusinessHours: input.only_during_business_hours,
        })
        .returning(),
      accountAuditEntry(c, "create", "SlaPolicy", sql`last_insert_rowid()`, input),
    ]);
    if (!row) throw new Error("SLA policy insert returned no row");
    return c.json({ payload: serializeSlaPolicy(row) }, 201);
  },
);

accountSlaPolicies.openapi(
  createRoute({
    method: "patch",
    path: "/{account_id}/sla_policies/{sla_policy_id}",
    tags,
    security: userSecurity,
    summary: "SLA policies cannot be changed",
    description: "Always 405: create a new policy instead. Conversations keep the deadlines of the policy they got.",
    middleware: [requireRole("administrator")] as const,
    request: { params: policyParams },
    responses: errorResponses(400, 401, 403, 404, 405),
  }),
  async (c) => {
    const { sla_policy_id } = c.req.valid("param");
    await accountPolicy(c, sla_policy_id);
    throw new ApiError(405, "method_not_allowed", "An SLA policy cannot be changed once created; create a new one instead.");
  },
);

accountSlaPolicies.openapi(
  createRoute({
    method: "delete",
    path: "/{account_id}/sla_policies/{sla_policy_id}",
    tags,
    security: userSecurity,
    summary: "Delete an SLA policy (administrators)",
    middleware: [requireRole("administrator")] as const,
    request: { params: policyParams },
    responses: { 204: { description: "Deleted" }, ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const { sla_policy_id } = c.req.valid("param");
    const row = await accountPolicy(c, sla_policy_id);
    const db = c.var.db;
    await db.batch([db.delete(slaPolicies).where(eq(slaPolicies.id, row.id)), accountAuditEntry(c, "destroy", "SlaPolicy", row.id, configurationOf(row))]);
    return c.body(null, 204);
  },
);
