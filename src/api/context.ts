/** What every request carries through Hono: bindings, the database and who is calling. */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Database } from "../db/client";
import type { AgencyRole, Role } from "../db/schema";
import { validationError } from "./errors";

/**
 * What a user authenticated with: their API token, or a signed-in session (by its access token, the
 * devise headers or the console's cookie). `tokenId` is the credential's token lookup id: the user's
 * pubsub token and /cable subscriptions are bound to it, so they end with the credential.
 */
export type Credential =
  | { kind: "api_token"; tokenId: string }
  | {
      kind: "session";
      tokenId: string;
      sessionId: number;
      clientId: string;
      expiresAt: Date;
      transport: "token" | "headers" | "cookie";
      /** The sub-account an agency user's session opened as its administrator, if any. */
      actingAccountId: number | null;
    };

/** The agency's own person behind an Agency API request made with their session (not the agency token). */
export type AgencyStaff = { id: number; name: string; email: string; role: AgencyRole; credential: Credential };

export type Principal =
  | { type: "Platform" }
  | { type: "Agency"; agency: { id: number; name: string }; staff?: AgencyStaff }
  | {
      type: "User";
      user: { id: number; agencyId: number; name: string; email: string; agencyRole: AgencyRole | null };
      credential: Credential;
    }
  /** An agent bot with its access token: acts in its own account, on the routes Chatwoot opens to bots. */
  | { type: "AgentBot"; bot: { id: number; accountId: number; name: string } };

/** The caller's membership in the account named by the `:account_id` path parameter. */
export type Membership = { accountId: number; agencyId: number; role: Role };

export type AppEnv = {
  Bindings: Env;
  Variables: { db: Database; principal: Principal; membership: Membership };
};

/** A router whose zod validation failures become the one error shape (422 body, 400 params). */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, result.target);
    },
  });
}
