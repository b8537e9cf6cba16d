/**
 * A new user's invitation: a one-time link to choose their password and the email that carries it,
 * sent for a sub-account (or, for an agency user, for the agency). Its statements go into the D1
 * batch that creates the user, so the user, the link and the email land together or not at all;
 * `mailInvitation` then queues the email. Shared by sub-account members and agency users.
 */
import { eq, type SQL, sql } from "drizzle-orm";
import type { Context } from "hono";
import { emails, users } from "../db/schema";
import { INVITATION_LINK_SECONDS } from "../domain/sign-in";
import { enqueueJobs } from "../jobs/messages";
import { passwordEmailRow } from "../jobs/send-email";
import type { AppEnv } from "./context";
import { newPasswordTokenId, passwordTokenInsert } from "./sign-in/sessions-store";

/** The id of the user whose API token has `tokenId`, inside the batch that inserts them. */
export const userWithTokenId = (tokenId: string): SQL => sql`(select ${users.id} from ${users} where ${eq(users.tokenId, tokenId)})`;

type Invitation = {
  /** The invitee, usually `userWithTokenId(...)` of the user the same batch creates. */
  userId: SQL;
  to: string;
  recipientName: string;
  /** The sub-account it is sent for; null for an agency user. */
  accountId: number | null;
  /** The sub-account's (or the agency's) name, which the email says they are invited to. */
  invitedTo: string;
};

/** The link's row and the email's (which returns its id, for `mailInvitation`), for the user's batch. */
export async function invitationStatements(c: Context<AppEnv>, invitation: Invitation) {
  const db = c.var.db;
  const link = await newPasswordTokenId(c.env.TOKEN_SIGNING_SECRET);
  const row = passwordEmailRow(c.env, {
    accountId: invitation.accountId,
    purpose: "invitation",
    tokenId: link.tokenId,
    to: invitation.to,
    recipientName: invitation.recipientName,
    accountName: invitation.invitedTo,
    validForSeconds: INVITATION_LINK_SECONDS,
  });
  return {
    link: passwordTokenInsert(db, { ...link, userId: invitation.userId, purpose: "invitation", validForSeconds: INVITATION_LINK_SECONDS }),
    email: db.insert(emails).values(row).returning({ id: emails.id }),
  };
}

/** Queues the invitation email the batch stored (nothing when it stored none). */
export async function mailInvitation(env: Env, stored: { id: number } | undefined): Promise<void> {
  if (stored) await enqueueJobs(env.JOBS, [{ type: "email.send", email_id: stored.id }]);
}
