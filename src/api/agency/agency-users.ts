/**
 * Agency API: the agency's own people (`/agency_users`, owners manage them) and opening a sub-account
 * as its administrator for the current session (`/accounts/:id/open`), audited in both logs.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, count, eq, isNotNull } from "drizzle-orm";
import { users, userSessions } from "../../db/schema";
import { accountObject } from "../../durable/addresses";
import { AgencyUserInput, AgencyUserSchema, createAgencyUser, serializeAgencyUser } from "../agency-staff";
import { auditEntry } from "../audit";
import { agencyOf, requireAgencyOwner } from "../auth";
import { createRouter } from "../context";
import { conflict, errorResponses, forbidden, notFound } from "../errors";
import { accountIdsOf, endUserAccess } from "../sign-in/sessions-store";
import { idParams, offsetOf, PageQuery, pageOf } from "../schemas";
import { agencyAccount, security as agencyTokenSecurity } from "./accounts";

const tags = ["Agency: agency users"];
/** The agency token, or an agency user's session (Bearer session token, devise headers or the console's cookie). */
const security = [...agencyTokenSecurity, { userToken: [] }];
const userParams = idParams("user_id");

export const agencyStaff = createRouter();

agencyStaff.openapi(
  createRoute({
    method: "get",
    path: "/agency_users",
    tags,
    security,
    summary: "List the agency's own people (owners and admins)",
    request: { query: PageQuery },
    responses: {
      200: { description: "A page of agency users", content: { "application/json": { schema: pageOf(AgencyUserSchema) } } },
      ...errorResponses(400, 401),
    },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const agency = agencyOf(c);
    const db = c.var.db;
    const staff = and(eq(users.agencyId, agency.id), isNotNull(users.agencyRole));
    const [rows, [total]] = await Promise.all([
      db.select().from(users).where(staff).orderBy(asc(users.id)).limit(query.per_page).offset(offsetOf(query)),
      db.select({ value: count() }).from(users).where(staff),
    ]);
    return c.json({ meta: { count: total?.value ?? 0, current_page: query.page, per_page: query.per_page }, payload: rows.map(serializeAgencyUser) }, 200);
  },
);

agencyStaff.openapi(
  createRoute({
    method: "post",
    path: "/agency_users",
    tags,
    security,
    summary: "Add a person to the agency (owners only)",
    description: "They sign in with `POST /auth/sign_in` and see the Agency View. 409 when the email already names a user of the agency.",
    request: { body: { required: true, content: { "application/json": { schema: AgencyUserInput } } } },
    responses: {
      201: { description: "Created", content: { "application/json": { schema: AgencyUserSchema } } },
      ...errorResponses(400, 401, 403, 409, 413, 415, 422),
    },
  }),
  async (c) => {
    const agency = requireAgencyOwner(c);
    return c.json(await createAgencyUser(c, agency.id, c.req.valid("json")), 201);
  },
);

agencyStaff.openapi(
  createRoute({
    method: "delete",
    path: "/agency_users/{user_id}",
    tags,
    security,
    summary: "Remove a person from the agency (owners only)",
    description: "Their sessions end at once. An owner cannot remove themself (409).",
    request: { params: userParams },
    responses: { 204: { description: "Removed" }, ...errorResponses(400, 401, 403, 404, 409) },
  }),
  async (c) => {
    const agency = requireAgencyOwner(c);
    const { user_id } = c.req.valid("param");
    const principal = c.var.principal;
    const db = c.var.db;
    const user = await db.query.users.findFirst({
      where: and(eq(users.id, user_id), eq(users.agencyId, agency.id), isNotNull(users.agencyRole)),
    });
    if (!user) throw notFound("Agency user");
    if (principal.type === "Agency" && principal.staff?.id === user.id) throw conflict("You cannot remove yourself from the agency.");
    // Where their /cable subscriptions may be open, read before the delete takes memberships and sessions with it.
    const [memberOf, actingIn] = await Promise.all([
      accountIdsOf(c.env, user.id),
      db
        .selectDistinct({ id: userSessions.actingAccountId })
        .from(userSessions)
        .where(and(eq(userSessions.userId, user.id), isNotNull(userSessions.actingAccountId))),
    ]);
    await db.batch([
      db.delete(users).where(eq(users.id, user.id)),
      auditEntry(c, {
        action: "destroy",
        auditableType: "AgencyUser",
        auditableId: user.id,
        agencyId: agency.id,
        accountId: null,
        changes: serializeAgencyUser(user),
      }),
    ]);
    const opened = actingIn.flatMap((row) => (row.id === null ? [] : [row.id]));
    await endUserAccess(c.env, user.id, "all", [...new Set([...memberOf, ...opened])]);
    return c.body(null, 204);
  },
);

const OpenedAccount = z
  .object({
    account_id: z.number().int(),
    role: z.literal("administrator"),
    console_path: z.string().openapi({ example: "/app/accounts/7/conversations" }),
  })
  .openapi("OpenedAccount");

agencyStaff.openapi(
  createRoute({
    method: "post",
    path: "/accounts/{account_id}/open",
    tags,
    security,
    summary: "Open a sub-account as its administrator, for this session only",
    description:
      "For an agency user's session: the Application API then accepts the session in this sub-account with the " +
      "role administrator, without a membership (not assignable, no notifications). Opening another sub-account " +
      "replaces it; the session's end ends it. Each switch is written once, to the agency's audit log and the " +
      "sub-account's. The agency token gets 403: it has no session to act in.",
    request: { params: idParams("account_id") },
    responses: {
      200: { description: "The session now acts in the sub-account", content: { "application/json": { schema: OpenedAccount } } },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { account_id } = c.req.valid("param");
    const account = await agencyAccount(c, account_id);
    const principal = c.var.principal;
    const staff = principal.type === "Agency" ? principal.staff : undefined;
    if (!staff || staff.credential.kind !== "session") throw forbidden("Only an agency user's signed-in session can open a sub-account.");
    const db = c.var.db;
    const previous = staff.credential.actingAccountId;
    await db.batch([
      db.update(userSessions).set({ actingAccountId: account.id }).where(eq(userSessions.id, staff.credential.sessionId)),
      auditEntry(c, {
        action: "open",
        auditableType: "Account",
        auditableId: account.id,
        agencyId: account.agencyId,
        accountId: account.id,
        changes: { role: "administrator", session_id: staff.credential.sessionId, previous_account_id: previous },
      }),
    ]);
    // The sub-account opened before no longer sees this session: its Account object re-reads and closes the subscription.
    if (previous !== null && previous !== account.id) await accountObject(c.env, previous).invalidateMemberAccess();
    return c.json({ account_id: account.id, role: "administrator" as const, console_path: `/app/accounts/${account.id}/conversations` }, 200);
  },
);
