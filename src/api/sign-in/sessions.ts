/**
 * Sign-in as devise_token_auth answers it for Chatwoot: `POST /auth/sign_in` starts a session,
 * `DELETE /auth/sign_out` ends it, `GET /auth/validate_token` checks it. The session's access token
 * comes back in the body and in devise's headers (`access-token`, `client`, `uid`, `token-type`,
 * `expiry`), and in the console's HttpOnly cookie.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { asc, eq } from "drizzle-orm";
import { agencies, users } from "../../db/schema";
import { dummyVerification, hashPassword, needsRehash, PASSWORD_MAX_LENGTH, verifyPassword } from "../../domain/passwords";
import { chooseSignInUser, clearedSessionCookie, SESSION_MAX_SECONDS, sessionCookie, type SignInCandidate } from "../../domain/sign-in";
import { credentialOf, userOf } from "../auth";
import { createRouter } from "../context";
import { ApiError, errorResponses, ErrorSchema, notFound } from "../errors";
import { userSecurity } from "../accounts/profile";
import { credentialRef, SignedInUserSchema, signedInUser } from "./signed-in-user";
import { deleteSessions, endSessionsAccess, startSession } from "./sessions-store";
import { limitedRoute } from "../limits";

const tags = ["Sign-in"];

/** Users one email may name (one per agency); the password is checked against each. */
const MAX_USERS_PER_EMAIL = 10;

const SignInInput = z
  .object({
    email: z.string().trim().toLowerCase().min(1).max(320).openapi({ example: "dana@acme.test" }),
    password: z.string().min(1).max(PASSWORD_MAX_LENGTH).openapi({ format: "password" }),
    agency_id: z.number().int().positive().optional().openapi({
      description: "Only when the answer was 409 agency_required: which agency's user to sign in",
    }),
  })
  .strict()
  .openapi("SignInInput");

const SignInAnswer = z.object({ data: SignedInUserSchema.extend({ access_token: z.string().openapi({ description: "This session's access token" }) }) });

const deviseHeaders = {
  "access-token": { schema: { type: "string" as const }, description: "The session's access token" },
  client: { schema: { type: "string" as const }, description: "The session's client id" },
  uid: { schema: { type: "string" as const }, description: "The user's email" },
  "token-type": { schema: { type: "string" as const }, description: "Bearer" },
  expiry: { schema: { type: "string" as const }, description: "When the session expires unless used, Unix seconds" },
  "set-cookie": { schema: { type: "string" as const }, description: "parley_session: HttpOnly; Secure; SameSite=Strict; Path=/" },
};

const invalidCredentials = () => new ApiError(401, "invalid_credentials", "Invalid login credentials. Please try again.");

export const signInSessions = createRouter();

signInSessions.openapi(
  limitedRoute(
    createRoute({
      method: "post",
      path: "/sign_in",
      tags,
      summary: "Sign in with an email and a password (devise_token_auth)",
      description:
        "Starts a session. Its access token works as `api_access_token` or Bearer, in devise's `access-token`, " +
        "`client` and `uid` headers, and in the console's cookie; it never replaces the user's API token. One " +
        "generic 401 whether or not the email exists. When the email names users of several agencies and the " +
        "password opens more than one of them, the answer is 409 `agency_required` with those agencies: send " +
        "again with `agency_id`.",
      request: { body: { required: true, content: { "application/json": { schema: SignInInput } } } },
      responses: {
        200: { description: "Signed in", headers: deviseHeaders, content: { "application/json": { schema: SignInAnswer } } },
        401: { description: "invalid_credentials", content: { "application/json": { schema: ErrorSchema } } },
        409: { description: "agency_required: `details.agencies` lists `{id, name}`", content: { "application/json": { schema: ErrorSchema } } },
        ...errorResponses(400, 413, 415, 422),
      },
    }),
    "sign_in.email",
    "sign_in.address",
  ),
  async (c) => {
    const { email, password, agency_id } = c.req.valid("json");
    const db = c.var.db;
    const found = await db
      .select({
        id: users.id,
        agencyId: users.agencyId,
        name: users.name,
        email: users.email,
        passwordHash: users.passwordHash,
        agencyRole: users.agencyRole,
        agencyName: agencies.name,
      })
      .from(users)
      .innerJoin(agencies, eq(agencies.id, users.agencyId))
      .where(eq(users.email, email))
      .orderBy(asc(users.id))
      .limit(MAX_USERS_PER_EMAIL);

    // One hash per user the email names, and one for nobody: the time does not tell whether it exists.
    if (found.length === 0) await dummyVerification(password);
    const candidates: SignInCandidate[] = [];
    for (const user of found) {
      const passwordMatches = user.passwordHash ? await verifyPassword(password, user.passwordHash) : (await dummyVerification(password), false);
      candidates.push({ userId: user.id, agencyId: user.agencyId, agencyName: user.agencyName, passwordMatches });
    }
    const choice = chooseSignInUser(candidates, agency_id ?? null);
    if (choice.outcome === "invalid") throw invalidCredentials();
    if (choice.outcome === "agency_required") {
      throw new ApiError(409, "agency_required", "This email and password open users of several agencies: choose one with agency_id.", {
        agencies: choice.agencies,
      });
    }
    const user = found.find((u) => u.id === choice.userId);
    if (!user) throw invalidCredentials();
    if (user.passwordHash && needsRehash(user.passwordHash)) {
      await db
        .update(users)
        .set({ passwordHash: await hashPassword(password) })
        .where(eq(users.id, user.id));
    }

    const { session, accessToken } = await startSession(db, user.id, {
      userAgent: c.req.header("user-agent") ?? null,
      ip: c.req.header("cf-connecting-ip") ?? null,
    });
    const expiry = Math.floor(session.expiresAt.getTime() / 1000);
    c.header("access-token", accessToken);
    c.header("client", session.clientId);
    c.header("uid", user.email);
    c.header("token-type", "Bearer");
    c.header("expiry", String(expiry));
    // The cookie lasts as long as the session could (its hard limit); the server decides when it ends sooner.
    c.header("set-cookie", sessionCookie(accessToken, SESSION_MAX_SECONDS));
    c.header("cache-control", "no-store");
    const data = await signedInUser(c, user, { tokenId: session.tokenId, sessionId: session.id });
    return c.json({ data: { ...data, access_token: accessToken } }, 200);
  },
);

signInSessions.openapi(
  createRoute({
    method: "delete",
    path: "/sign_out",
    tags,
    security: userSecurity,
    summary: "End the session this request is signed in with",
    description: "Its access token, cookie and pubsub token stop working, and its /cable subscriptions are closed.",
    responses: {
      200: { description: "Signed out; the cookie is cleared", content: { "application/json": { schema: z.object({ success: z.literal(true) }) } } },
      ...errorResponses(401, 404),
    },
  }),
  async (c) => {
    const user = userOf(c);
    const credential = credentialOf(c);
    if (credential.kind !== "session") throw notFound("Signed-in session");
    const ended = await deleteSessions(c.var.db, user.id, { only: credential.sessionId });
    await endSessionsAccess(c.env, user.id, ended);
    c.header("set-cookie", clearedSessionCookie());
    return c.json({ success: true as const }, 200);
  },
);

signInSessions.openapi(
  createRoute({
    method: "get",
    path: "/validate_token",
    tags,
    security: userSecurity,
    summary: "Check the credential and return the signed-in user",
    responses: {
      200: {
        description: "The credential is valid",
        content: { "application/json": { schema: z.object({ success: z.literal(true), data: SignedInUserSchema }) } },
      },
      ...errorResponses(401),
    },
  }),
  async (c) => {
    const credential = credentialOf(c);
    if (credential.kind === "session") c.header("expiry", String(Math.floor(credential.expiresAt.getTime() / 1000)));
    return c.json({ success: true as const, data: await signedInUser(c, userOf(c), credentialRef(credential)) }, 200);
  },
);
