/**
 * The user as devise_token_auth answers for Chatwoot (`/auth/sign_in`, `/auth/validate_token`) and as
 * `GET /api/v1/profile` shows them: one serializer, so the console and the mobile app see one shape.
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { and, asc, eq } from "drizzle-orm";
import { AGENCY_ROLES, type AgencyRole, accounts, agencies, ROLES } from "../../db/schema";
import { userPubsubToken } from "../../domain/tokens";
import type { AppEnv, Credential } from "../context";
import { accountObject } from "../../durable/addresses";
import { membershipsOf } from "./sessions-store";

export const SignedInUserSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    display_name: z.string(),
    available_name: z.string(),
    email: z.string(),
    uid: z.string().openapi({ description: "devise_token_auth's uid: the email" }),
    provider: z.literal("email"),
    role: z.enum(ROLES).nullable().openapi({ description: "The role in `account_id`" }),
    account_id: z.number().int().nullable().openapi({ description: "The default sub-account: the first the user joined" }),
    accounts: z.array(z.object({ id: z.number().int(), name: z.string(), role: z.enum(ROLES) })),
    pubsub_token: z.string().openapi({
      description: "Token for subscribing to /cable, bound to the credential in use: a session's dies with the session",
    }),
    avatar_url: z.string(),
    availability_status: z.enum(["online", "busy", "offline"]),
    // Only for a person of the agency itself (the Agency View); absent for users of sub-accounts.
    agency_role: z.enum(AGENCY_ROLES).optional().openapi({ description: "Only for a person of the agency: owner or admin" }),
    agency: z.object({ id: z.number().int(), name: z.string() }).optional().openapi({ description: "Only for an agency user: their agency" }),
    agency_accounts: z
      .array(z.object({ id: z.number().int(), name: z.string() }))
      .optional()
      .openapi({
        description: "Only for an agency user: the sub-accounts they can open as administrator (`POST /api/v1/agency/accounts/:id/open`)",
      }),
    acting_account_id: z.number().int().nullable().optional().openapi({
      description: "Only for an agency user: the sub-account this session opened (also in `accounts`, as administrator)",
    }),
  })
  .openapi("Profile");

export type SignedInUser = z.infer<typeof SignedInUserSchema>;

type UserFields = { id: number; name: string; email: string; agencyId: number; agencyRole: AgencyRole | null };
type CredentialRef = Pick<Credential, "tokenId"> & { sessionId: number | null; actingAccountId?: number | null };

export const credentialRef = (credential: Credential): CredentialRef => ({
  tokenId: credential.tokenId,
  sessionId: credential.kind === "session" ? credential.sessionId : null,
  actingAccountId: credential.kind === "session" ? credential.actingAccountId : null,
});

/** Most sub-accounts an agency user's profile lists (the Agency API's list pages through all of them). */
const AGENCY_ACCOUNTS_SHOWN = 500;

/** What an agency user sees besides their memberships: their agency, its sub-accounts, the one their session opened. */
async function agencyView(c: Context<AppEnv>, user: UserFields, actingAccountId: number | null) {
  const db = c.var.db;
  const [agency, agencyAccounts] = await Promise.all([
    db.query.agencies.findFirst({ where: eq(agencies.id, user.agencyId), columns: { id: true, name: true } }),
    db
      .select({ id: accounts.id, name: accounts.name })
      .from(accounts)
      .where(eq(accounts.agencyId, user.agencyId))
      .orderBy(asc(accounts.name), asc(accounts.id))
      .limit(AGENCY_ACCOUNTS_SHOWN),
  ]);
  const acting =
    actingAccountId === null
      ? undefined
      : await db.query.accounts.findFirst({
          where: and(eq(accounts.id, actingAccountId), eq(accounts.agencyId, user.agencyId)),
          columns: { id: true, name: true },
        });
  return { agency: agency ?? null, agencyAccounts, acting: acting ?? null };
}

/** The user with their sub-accounts, their availability in the first, and the pubsub token of `credential`. */
export async function signedInUser(c: Context<AppEnv>, user: UserFields, credential: CredentialRef): Promise<SignedInUser> {
  const memberships: SignedInUser["accounts"] = await membershipsOf(c.var.db, user.id);
  const view = user.agencyRole === null ? null : await agencyView(c, user, credential.actingAccountId ?? null);
  if (view?.acting && !memberships.some((m) => m.id === view.acting?.id)) memberships.push({ ...view.acting, role: "administrator" });
  const first = memberships[0];
  // What the default sub-account's agents see of the user (Chatwoot's availability_status).
  const availability = first ? (await accountObject(c.env, first.id).userAvailability([user.id]))[String(user.id)]?.status : undefined;
  return {
    id: user.id,
    name: user.name,
    display_name: user.name,
    available_name: user.name,
    email: user.email,
    uid: user.email,
    provider: "email",
    role: first?.role ?? null,
    account_id: first?.id ?? null,
    accounts: memberships,
    pubsub_token: await userPubsubToken(c.env.TOKEN_SIGNING_SECRET, user.id, credential.tokenId, credential.sessionId),
    avatar_url: "",
    availability_status: availability ?? "offline",
    ...(view && user.agencyRole
      ? {
          agency_role: user.agencyRole,
          ...(view.agency ? { agency: view.agency } : {}),
          agency_accounts: view.agencyAccounts,
          acting_account_id: view.acting?.id ?? null,
        }
      : {}),
  };
}
