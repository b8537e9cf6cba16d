/** Platform API: the installation's operator creates, lists and deletes agencies. */
import { createRoute, z } from "@hono/zod-openapi";
import { count, desc, eq, sql } from "drizzle-orm";
import { accountPurges, accounts, agencies, snapshots } from "../../db/schema";
import { issueAccessToken } from "../../domain/tokens";
import { enqueueJobs } from "../../jobs/messages";
import { AgencyUserInput, AgencyUserSchema, createAgencyUser } from "../agency-staff";
import { auditEntry } from "../audit";
import { createRouter } from "../context";
import { errorResponses, notFound } from "../errors";
import { idParams, iso, Name, offsetOf, PageQuery, pageOf, Timestamp } from "../schemas";

const security = [{ platformToken: [] }];
const tags = ["Platform: agencies"];

const AgencySchema = z.object({ id: z.number().int(), name: z.string(), accounts_count: z.number().int(), created_at: Timestamp }).openapi("Agency");
const AgencyWithToken = AgencySchema.extend({
  access_token: z.string().openapi({ description: "The agency's token for the Agency API. Shown only now." }),
}).openapi("AgencyWithToken");

const AgencyInput = z
  .object({ name: Name.openapi({ example: "Northwind Digital" }) })
  .strict()
  .openapi("AgencyInput");
const agencyParams = idParams("agency_id");

type AgencyRow = typeof agencies.$inferSelect;
const serializeAgency = (agency: AgencyRow, accountsCount: number) => ({
  id: agency.id,
  name: agency.name,
  accounts_count: accountsCount,
  created_at: iso(agency.createdAt),
});

// Raw SQL: drizzle renders columns unqualified inside a select list, which would bind both to "accounts".
const accountsCount = sql<number>`(select count(*) from accounts where accounts.agency_id = agencies.id)`;

export const platformAgencies = createRouter();

platformAgencies.openapi(
  createRoute({
    method: "post",
    path: "/agencies",
    tags,
    security,
    summary: "Create an agency",
    request: { body: { required: true, content: { "application/json": { schema: AgencyInput } } } },
    responses: {
      201: { description: "Created", content: { "application/json": { schema: AgencyWithToken } } },
      ...errorResponses(400, 401, 413, 415, 422),
    },
  }),
  async (c) => {
    const { name } = c.req.valid("json");
    const token = await issueAccessToken("agency");
    const db = c.var.db;
    const [[agency]] = await db.batch([
      db.insert(agencies).values({ name, tokenId: token.tokenId, tokenHash: token.tokenHash }).returning(),
      auditEntry(c, {
        action: "create",
        auditableType: "Agency",
        auditableId: sql`last_insert_rowid()`,
        agencyId: sql`last_insert_rowid()`,
        accountId: null,
        changes: { name },
      }),
    ]);
    if (!agency) throw new Error("agency insert returned no row");
    return c.json({ ...serializeAgency(agency, 0), access_token: token.token }, 201);
  },
);

platformAgencies.openapi(
  createRoute({
    method: "get",
    path: "/agencies",
    tags,
    security,
    summary: "List agencies",
    request: { query: PageQuery },
    responses: {
      200: { description: "A page of agencies", content: { "application/json": { schema: pageOf(AgencySchema) } } },
      ...errorResponses(400, 401),
    },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const db = c.var.db;
    const [rows, [total]] = await Promise.all([
      db.select({ agency: agencies, accountsCount }).from(agencies).orderBy(desc(agencies.id)).limit(query.per_page).offset(offsetOf(query)),
      db.select({ value: count() }).from(agencies),
    ]);
    return c.json(
      {
        meta: { count: total?.value ?? 0, current_page: query.page, per_page: query.per_page },
        payload: rows.map((row) => serializeAgency(row.agency, row.accountsCount)),
      },
      200,
    );
  },
);

platformAgencies.openapi(
  createRoute({
    method: "get",
    path: "/agencies/{agency_id}",
    tags,
    security,
    summary: "Show an agency",
    request: { params: agencyParams },
    responses: {
      200: { description: "The agency", content: { "application/json": { schema: AgencySchema } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { agency_id } = c.req.valid("param");
    const [row] = await c.var.db.select({ agency: agencies, accountsCount }).from(agencies).where(eq(agencies.id, agency_id));
    if (!row) throw notFound("Agency");
    return c.json(serializeAgency(row.agency, row.accountsCount), 200);
  },
);

platformAgencies.openapi(
  createRoute({
    method: "post",
    path: "/agencies/{agency_id}/rotate_token",
    tags,
    security,
    summary: "Replace an agency's access token",
    description: "The old token stops working at once. The new one is shown only in this response.",
    request: { params: agencyParams },
    responses: {
      200: { description: "The new token", content: { "application/json": { schema: AgencyWithToken } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { agency_id } = c.req.valid("param");
    const db = c.var.db;
    const token = await issueAccessToken("agency");
    const [[agency]] = await db.batch([
      db.update(agencies).set({ tokenId: token.tokenId, tokenHash: token.tokenHash, updatedAt: new Date() }).where(eq(agencies.id, agency_id)).returning(),
      auditEntry(c, {
        action: "rotate_token",
        auditableType: "Agency",
        auditableId: agency_id,
        agencyId: agency_id,
        accountId: null,
        changes: { access_token: "rotated" },
      }),
    ]);
    if (!agency) throw notFound("Agency");
    const [counted] = await db.select({ value: count() }).from(accounts).where(eq(accounts.agencyId, agency_id));
    return c.json({ ...serializeAgency(agency, counted?.value ?? 0), access_token: token.token }, 200);
  },
);

platformAgencies.openapi(
  createRoute({
    method: "delete",
    path: "/agencies/{agency_id}",
    tags,
    security,
    summary: "Delete an agency with its sub-accounts and users",
    description: "Configuration is deleted at once; each sub-account's media and live state, and the agency's snapshot media, are removed in the background.",
    request: { params: agencyParams },
    responses: { 204: { description: "Deleted" }, ...errorResponses(400, 401, 404) },
  }),
  async (c) => {
    const { agency_id } = c.req.valid("param");
    const db = c.var.db;
    const agency = await db.query.agencies.findFirst({ where: eq(agencies.id, agency_id) });
    if (!agency) throw notFound("Agency");
    const accountIds = (await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.agencyId, agency_id))).map((row) => row.id);
    const snapshotIds = (await db.select({ id: snapshots.id }).from(snapshots).where(eq(snapshots.agencyId, agency_id))).map((row) => row.id);
    await db.batch([
      db
        .insert(accountPurges)
        .select(
          db
            .select({
              accountId: accounts.id,
              requestedAt: sql`unixepoch()`.as("requested_at"),
              enqueuedAt: sql`null`.as("enqueued_at"),
            })
            .from(accounts)
            .where(eq(accounts.agencyId, agency_id)),
        )
        .onConflictDoNothing(),
      db.delete(agencies).where(eq(agencies.id, agency_id)),
      auditEntry(c, {
        action: "destroy",
        auditableType: "Agency",
        auditableId: agency_id,
        agencyId: agency_id,
        accountId: null,
        changes: { name: agency.name, accounts: accountIds },
      }),
    ]);
    await enqueueJobs(c.env.JOBS, [
      ...accountIds.map((account_id) => ({ type: "account.purge" as const, account_id })),
      ...snapshotIds.map((snapshot_id) => ({ type: "snapshot.purge" as const, snapshot_id })),
    ]);
    return c.body(null, 204);
  },
);

platformAgencies.openapi(
  createRoute({
    method: "post",
    path: "/agencies/{agency_id}/users",
    tags,
    security,
    summary: "Create a person of the agency (owner or admin)",
    description:
      "They sign in with `POST /auth/sign_in` and see the Agency View: the agency's sub-accounts, snapshots and " +
      "audit log, and any sub-account opened as its administrator. 409 when the email already names a user of the agency.",
    request: { params: agencyParams, body: { required: true, content: { "application/json": { schema: AgencyUserInput } } } },
    responses: {
      201: { description: "Created", content: { "application/json": { schema: AgencyUserSchema } } },
      ...errorResponses(400, 401, 404, 409, 413, 415, 422),
    },
  }),
  async (c) => {
    const { agency_id } = c.req.valid("param");
    const agency = await c.var.db.query.agencies.findFirst({ where: eq(agencies.id, agency_id), columns: { id: true } });
    if (!agency) throw notFound("Agency");
    return c.json(await createAgencyUser(c, agency.id, c.req.valid("json")), 201);
  },
);
