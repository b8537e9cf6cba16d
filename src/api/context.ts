/** What every request carries through Hono: bindings, the database and who is calling. */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Database } from "../db/client";
import type { Role } from "../db/schema";
import { validationError } from "./errors";

export type Principal =
  | { type: "Platform" }
  | { type: "Agency"; agency: { id: number; name: string } }
  | { type: "User"; user: { id: number; agencyId: number; name: string; email: string; tokenId: string } };

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
