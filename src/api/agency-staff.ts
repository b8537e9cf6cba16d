/**
 * The agency's own people (owners and admins): who they are and how one is created, shared by the
 * Platform API (the operator creates an agency's first owner) and the Agency API (owners add more).
 * They are users rows with an `agency_role`, so sessions, passwords and sign-in stay in one place.
 */
import { z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { AGENCY_ROLES, type AgencyRole, agencies, users } from "../db/schema";
import { hashPassword } from "../domain/passwords";
import { issueAccessToken } from "../domain/tokens";
import { auditEntry } from "./audit";
import type { AppEnv } from "./context";
import { conflict } from "./errors";
import { invitationStatements, mailInvitation, userWithTokenId } from "./invitations";
import { Password } from "./sign-in/passwords";
import { iso, Name, Timestamp } from "./schemas";

export const AgencyRoleSchema = z.enum(AGENCY_ROLES).openapi({
  description: "owner: everything, including the agency's people; admin: everything else",
});

export const AgencyUserSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    email: z.string(),
    role: AgencyRoleSchema,
    agency_id: z.number().int(),
    created_at: Timestamp,
  })
  .openapi("AgencyUser");

export const AgencyUserInput = z
  .object({
    name: Name.openapi({ example: "Olivia Owner" }),
    email: z.email().max(320).trim().toLowerCase().openapi({ example: "olivia@agency.test" }),
    role: AgencyRoleSchema,
    password: Password.optional().openapi({
      description:
        "Their sign-in password (8 to 128 characters). Without one they are mailed an invitation: a one-time link " + "to choose it, valid for 7 days.",
    }),
  })
  .strict()
  .openapi("AgencyUserInput");

type AgencyUserRow = { id: number; name: string; email: string; agencyRole: AgencyRole | null; agencyId: number; createdAt: Date };

export const serializeAgencyUser = (row: AgencyUserRow): z.infer<typeof AgencyUserSchema> => ({
  id: row.id,
  name: row.name,
  email: row.email,
  role: row.agencyRole ?? "admin",
  agency_id: row.agencyId,
  created_at: iso(row.createdAt),
});

/**
 * Creates an agency user with their password, or invites them (a one-time link mailed for the agency);
 * 409 when the email already names a user of the agency (emails are unique per agency). The user, the
 * audit entry, the link and its email land together.
 */
export async function createAgencyUser(c: Context<AppEnv>, agencyId: number, input: z.infer<typeof AgencyUserInput>) {
  const db = c.var.db;
  const existing = await db.query.users.findFirst({
    where: and(eq(users.agencyId, agencyId), eq(users.email, input.email)),
    columns: { id: true },
  });
  if (existing) throw conflict("This email already belongs to a user of the agency.", { user_id: existing.id });
  // An API token as every user has; the Agency API takes only their sessions, the Application API only memberships.
  const token = await issueAccessToken("user");
  const userInsert = db
    .insert(users)
    .values({
      agencyId,
      name: input.name,
      email: input.email,
      tokenId: token.tokenId,
      tokenHash: token.tokenHash,
      passwordHash: input.password === undefined ? null : await hashPassword(input.password),
      agencyRole: input.role,
    })
    .returning();
  const audit = (extra: Record<string, string>) =>
    auditEntry(c, {
      action: "create",
      auditableType: "AgencyUser",
      auditableId: userWithTokenId(token.tokenId),
      agencyId,
      accountId: null,
      changes: { name: input.name, email: input.email, role: input.role, ...extra },
    });
  if (input.password !== undefined) {
    const [[user]] = await db.batch([userInsert, audit({ password: "set" })]);
    if (!user) throw new Error("agency user insert returned no row");
    return serializeAgencyUser(user);
  }
  const agency = await db.query.agencies.findFirst({ where: eq(agencies.id, agencyId), columns: { name: true } });
  const invitation = await invitationStatements(c, {
    userId: userWithTokenId(token.tokenId),
    to: input.email,
    recipientName: input.name,
    accountId: null,
    invitedTo: agency?.name ?? "Parley",
  });
  const [[user], , , [stored]] = await db.batch([userInsert, audit({ invitation: "sent" }), invitation.link, invitation.email]);
  await mailInvitation(c.env, stored);
  if (!user) throw new Error("agency user insert returned no row");
  return serializeAgencyUser(user);
}
