/** Application API: the calling user (Chatwoot's /api/v1/profile), their password and their sessions. */
import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { users, userSessions } from "../../db/schema";
import { verifyPassword, hashPassword, PASSWORD_MAX_LENGTH } from "../../domain/passwords";
import { auditEntry, changedFields } from "../audit";
import { credentialOf, userOf } from "../auth";
import { createRouter } from "../context";
import { ApiError, errorResponses, notFound } from "../errors";
import { idParams, iso, Name, Timestamp } from "../schemas";
import { confirmationIssue, confirmationMatches, Password } from "../sign-in/passwords";
import { credentialRef, SignedInUserSchema, signedInUser } from "../sign-in/signed-in-user";
import { deleteSessions, endSessionsAccess, liveSessions } from "../sign-in/sessions-store";

/**
 * Every way a user authenticates: the API token or a session's access token (Bearer or
 * `api_access_token`), devise's three headers, or the console's cookie.
 */
export const userSecurity: Record<string, string[]>[] = [
  { userToken: [] },
  { apiAccessToken: [] },
  { deviseAccessToken: [], deviseClient: [], deviseUid: [] },
  { sessionCookie: [] },
];

const tags = ["Application: profile"];

const ProfileInput = z
  .object({
    profile: z
      .object({
        name: Name.optional(),
        email: z.email().max(320).trim().toLowerCase().optional(),
        current_password: z.string().max(PASSWORD_MAX_LENGTH).optional().openapi({
          description: "Required to change the password or the email once the user has a password",
        }),
        password: Password.optional(),
        password_confirmation: z.string().max(PASSWORD_MAX_LENGTH).optional(),
      })
      .strict()
      .refine(confirmationMatches, confirmationIssue),
  })
  .strict()
  .openapi("ProfileInput");

const SessionSchema = z
  .object({
    id: z.number().int(),
    current: z.boolean().openapi({ description: "The session this request is signed in with" }),
    created_at: Timestamp,
    last_used_at: Timestamp.openapi({ description: "Written at most once a minute" }),
    expires_at: Timestamp,
    user_agent: z.string().nullable(),
    ip: z.string().nullable(),
  })
  .openapi("UserSession");

export const profile = createRouter();

profile.openapi(
  createRoute({
    method: "get",
    path: "/profile",
    tags,
    security: userSecurity,
    summary: "The calling user and the sub-accounts they belong to",
    responses: {
      200: { description: "The profile", content: { "application/json": { schema: SignedInUserSchema } } },
      ...errorResponses(401),
    },
  }),
  async (c) => c.json(await signedInUser(c, userOf(c), credentialRef(credentialOf(c))), 200),
);

profile.openapi(
  createRoute({
    method: "put",
    path: "/profile",
    tags,
    security: userSecurity,
    summary: "Change the calling user's name, email or password",
    description:
      'Chatwoot\'s `{"profile": {...}}`. Once the user has a password, changing it or the email needs ' +
      "`current_password`. A new password ends every other session of the user (their /cable subscriptions too).",
    request: { body: { required: true, content: { "application/json": { schema: ProfileInput } } } },
    responses: {
      200: { description: "The profile", content: { "application/json": { schema: SignedInUserSchema } } },
      ...errorResponses(400, 401, 409, 413, 415, 422),
    },
  }),
  async (c) => {
    const caller = userOf(c);
    const credential = credentialOf(c);
    const input = c.req.valid("json").profile;
    const db = c.var.db;
    const user = await db.query.users.findFirst({ where: eq(users.id, caller.id) });
    if (!user) throw notFound("User");

    const changesEmail = input.email !== undefined && input.email !== user.email;
    if (user.passwordHash && (input.password !== undefined || changesEmail)) {
      const current = input.current_password ?? "";
      if (!(await verifyPassword(current, user.passwordHash))) {
        throw new ApiError(422, "invalid_current_password", "The current password is not correct.", [
          { field: "profile.current_password", message: "Does not match.", code: "invalid_current_password" },
        ]);
      }
    }
    const fields = changedFields({ name: user.name, email: user.email }, { name: input.name, email: input.email });
    const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
    if (Object.keys(fields).length === 0 && passwordHash === undefined) {
      return c.json(await signedInUser(c, user, credentialRef(credential)), 200);
    }
    const keep = credential.kind === "session" ? credential.sessionId : null;
    const audit = auditEntry(c, {
      action: "update",
      auditableType: "User",
      auditableId: user.id,
      agencyId: user.agencyId,
      accountId: null,
      changes: { ...fields, ...(passwordHash ? { password: "changed" } : {}) },
    });
    const update = db
      .update(users)
      .set({ name: input.name ?? user.name, email: input.email ?? user.email, ...(passwordHash ? { passwordHash } : {}), updatedAt: new Date() })
      .where(eq(users.id, user.id));
    if (passwordHash) {
      const [, ended] = await db.batch([update, deleteSessions(db, user.id, { except: keep }), audit]);
      await endSessionsAccess(c.env, user.id, ended);
    } else {
      await db.batch([update, audit]);
    }
    const updated = { ...user, name: input.name ?? user.name, email: input.email ?? user.email };
    return c.json(await signedInUser(c, updated, credentialRef(credential)), 200);
  },
);

profile.openapi(
  createRoute({
    method: "get",
    path: "/profile/sessions",
    tags,
    security: userSecurity,
    summary: "The calling user's signed-in sessions, most recently used first",
    responses: {
      200: { description: "The live sessions", content: { "application/json": { schema: z.object({ payload: z.array(SessionSchema) }) } } },
      ...errorResponses(401),
    },
  }),
  async (c) => {
    const user = userOf(c);
    const credential = credentialOf(c);
    const rows = await liveSessions(c.var.db, user.id);
    return c.json(
      {
        payload: rows.map((row) => ({
          id: row.id,
          current: credential.kind === "session" && credential.sessionId === row.id,
          created_at: iso(row.createdAt),
          last_used_at: iso(row.lastUsedAt),
          expires_at: iso(row.expiresAt),
          user_agent: row.userAgent,
          ip: row.ip,
        })),
      },
      200,
    );
  },
);

profile.openapi(
  createRoute({
    method: "delete",
    path: "/profile/sessions/{session_id}",
    tags,
    security: userSecurity,
    summary: "End one of the calling user's sessions",
    description: "Its access token, cookie and pubsub token stop working at once, and its /cable subscriptions are closed.",
    request: { params: idParams("session_id") },
    responses: { 204: { description: "Ended" }, ...errorResponses(400, 401, 404) },
  }),
  async (c) => {
    const { session_id } = c.req.valid("param");
    const user = userOf(c);
    const db = c.var.db;
    const owned = await db.query.userSessions.findFirst({
      where: and(eq(userSessions.id, session_id), eq(userSessions.userId, user.id)),
      columns: { id: true },
    });
    if (!owned) throw notFound("Session");
    const [ended] = await db.batch([
      deleteSessions(db, user.id, { only: session_id }),
      auditEntry(c, {
        action: "revoke_session",
        auditableType: "User",
        auditableId: user.id,
        agencyId: user.agencyId,
        accountId: null,
        changes: { email: user.email, session_id },
      }),
    ]);
    await endSessionsAccess(c.env, user.id, ended);
    return c.body(null, 204);
  },
);
