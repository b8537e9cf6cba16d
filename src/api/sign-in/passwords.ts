/**
 * Password links as devise answers them for Chatwoot: `POST /auth/password {email}` mails a reset
 * link, `PUT /auth/password` sets the password with the token of a reset or invitation link. Setting
 * one ends every session of the user.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { asc, eq, inArray } from "drizzle-orm";
import type { Context } from "hono";
import { accounts, accountUsers, agencies, emails, users } from "../../db/schema";
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "../../domain/passwords";
import { RESET_LINK_SECONDS } from "../../domain/sign-in";
import { enqueueJobs } from "../../jobs/messages";
import { passwordEmailRow } from "../../jobs/send-email";
import { auditInsert } from "../../services/audit-log";
import { type AppEnv, createRouter } from "../context";
import { ApiError, errorResponses } from "../errors";
import { deleteSessions, endSessionsAccess, newPasswordTokenId, passwordTokenInsert, redeemPasswordToken, retirePasswordTokens } from "./sessions-store";
import { limitedRoute } from "../limits";

const tags = ["Sign-in"];

/** Password rules: 8 to 128 characters (long passphrases welcome; the cap bounds the hashing work). */
export const Password = z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH).openapi({ format: "password", example: "correct horse battery staple" });

/** `password` and `password_confirmation` must agree, as devise checks. */
export const confirmationMatches = (input: { password?: string; password_confirmation?: string }) =>
  input.password === undefined || input.password === input.password_confirmation;
export const confirmationIssue = { message: "Must match password.", path: ["password_confirmation"] };

const ResetRequest = z
  .object({ email: z.string().trim().toLowerCase().min(1).max(320).openapi({ example: "dana@acme.test" }) })
  .strict()
  .openapi("PasswordResetRequest");

const ResetInput = z
  .object({
    reset_password_token: z.string().min(1).max(200),
    password: Password,
    password_confirmation: z.string().max(PASSWORD_MAX_LENGTH),
  })
  .strict()
  .refine(confirmationMatches, confirmationIssue)
  .openapi("PasswordResetInput");

const Message = z.object({ message: z.string() });

export const signInPasswords = createRouter();

signInPasswords.openapi(
  limitedRoute(
    createRoute({
      method: "post",
      path: "/password",
      tags,
      summary: "Mail a link to reset the password",
      description:
        "The same answer whether or not the email belongs to a user. Each user the email names gets a link " +
        `that works once and expires in ${RESET_LINK_SECONDS / 3600} hours: ` +
        "`${PUBLIC_URL}/app/auth/password/edit?reset_password_token=<token>`.",
      request: { body: { required: true, content: { "application/json": { schema: ResetRequest } } } },
      responses: {
        200: { description: "Accepted", content: { "application/json": { schema: Message } } },
        ...errorResponses(400, 413, 415, 422),
      },
    }),
    "password_reset.email",
    "password_reset.address",
  ),
  async (c) => {
    const { email } = c.req.valid("json");
    // Done after the answer, so its time does not tell whether the email exists.
    c.executionCtx.waitUntil(
      mailResetLinks(c, email).catch((error: unknown) => console.error("password reset email failed", error instanceof Error ? error.message : error)),
    );
    return c.json({ message: "If this email belongs to a user, a link to reset the password is on its way." }, 200);
  },
);

/** One reset link per user the email names, recorded in their first sub-account's emails (an agency user's: the agency's). */
async function mailResetLinks(c: Context<AppEnv>, email: string) {
  const db = c.var.db;
  const named = await db
    .select({ id: users.id, name: users.name, agencyId: users.agencyId, agencyRole: users.agencyRole, agencyName: agencies.name })
    .from(users)
    .innerJoin(agencies, eq(agencies.id, users.agencyId))
    .where(eq(users.email, email))
    .orderBy(asc(users.id))
    .limit(10);
  if (named.length === 0) return;
  const memberships = await db
    .select({ userId: accountUsers.userId, accountId: accounts.id, accountName: accounts.name })
    .from(accountUsers)
    .innerJoin(accounts, eq(accounts.id, accountUsers.accountId))
    .where(
      inArray(
        accountUsers.userId,
        named.map((u) => u.id),
      ),
    )
    .orderBy(asc(accounts.id));
  const emailIds: number[] = [];
  for (const user of named) {
    const account = memberships.find((m) => m.userId === user.id);
    // An agency user's email is the agency's; a user outside every sub-account otherwise has none today.
    if (!account && user.agencyRole === null) continue;
    const link = await newPasswordTokenId(c.env.TOKEN_SIGNING_SECRET);
    const [, , [row]] = await db.batch([
      retirePasswordTokens(db, user.id),
      passwordTokenInsert(db, { ...link, userId: user.id, purpose: "reset", validForSeconds: RESET_LINK_SECONDS }),
      db
        .insert(emails)
        .values(
          passwordEmailRow(c.env, {
            accountId: account?.accountId ?? null,
            purpose: "reset",
            tokenId: link.tokenId,
            to: email,
            recipientName: user.name,
            accountName: account?.accountName ?? user.agencyName,
            validForSeconds: RESET_LINK_SECONDS,
          }),
        )
        .returning({ id: emails.id }),
    ]);
    if (row) emailIds.push(row.id);
  }
  await enqueueJobs(
    c.env.JOBS,
    emailIds.map((id) => ({ type: "email.send", email_id: id })),
  );
}

signInPasswords.openapi(
  limitedRoute(
    createRoute({
      method: "put",
      path: "/password",
      tags,
      summary: "Set the password with a reset or invitation link's token",
      description: "The link works once. Every session of the user ends (their /cable subscriptions too); sign in afterwards.",
      request: { body: { required: true, content: { "application/json": { schema: ResetInput } } } },
      responses: {
        200: { description: "The password is set", content: { "application/json": { schema: z.object({ success: z.literal(true), message: z.string() }) } } },
        ...errorResponses(400, 413, 415, 422),
      },
    }),
    "password_change.address",
  ),
  async (c) => {
    const input = c.req.valid("json");
    const db = c.var.db;
    const redeemed = await redeemPasswordToken(db, input.reset_password_token);
    const user = redeemed ? await db.query.users.findFirst({ where: eq(users.id, redeemed.userId) }) : undefined;
    if (!redeemed || !user) throw new ApiError(422, "invalid_token", "This link is not valid: it may have expired or been used already.");
    const actor = { type: "User" as const, id: user.id, name: user.name, email: user.email };
    const [, ended] = await db.batch([
      db
        .update(users)
        .set({ passwordHash: await hashPassword(input.password), updatedAt: new Date() })
        .where(eq(users.id, user.id)),
      deleteSessions(db, user.id, { except: null }),
      retirePasswordTokens(db, user.id),
      auditInsert(db, actor, c.req.header("cf-connecting-ip") ?? null, {
        action: redeemed.purpose === "invitation" ? "accept_invitation" : "reset_password",
        auditableType: "User",
        auditableId: user.id,
        agencyId: user.agencyId,
        accountId: null,
        changes: { email: user.email, password: "changed" },
      }),
    ]);
    await endSessionsAccess(c.env, user.id, ended);
    return c.json({ success: true as const, message: "Your password has been set. Sign in with it." }, 200);
  },
);
