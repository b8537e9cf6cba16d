/**
 * The user as devise_token_auth answers for Chatwoot (`/auth/sign_in`, `/auth/validate_token`) and as
 * `GET /api/v1/profile` shows them: one serializer, so the console and the mobile app see one shape.
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { ROLES } from "../../db/schema";
import { userPubsubToken } from "../../domain/tokens";
import type { AppEnv, Credential } from "../context";
import { accountObject } from "../../durable/account";
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
  })
  .openapi("Profile");

export type SignedInUser = z.infer<typeof SignedInUserSchema>;

type UserFields = { id: number; name: string; email: string };
type CredentialRef = Pick<Credential, "tokenId"> & { sessionId: number | null };

export const credentialRef = (credential: Credential): CredentialRef => ({
  tokenId: credential.tokenId,
  sessionId: credential.kind === "session" ? credential.sessionId : null,
});

/** The user with their sub-accounts, their availability in the first, and the pubsub token of `credential`. */
export async function signedInUser(c: Context<AppEnv>, user: UserFields, credential: CredentialRef): Promise<SignedInUser> {
  const memberships = await membershipsOf(c.var.db, user.id);
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
  };
}
