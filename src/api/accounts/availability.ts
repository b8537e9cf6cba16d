/**
 * Application API: the calling user's availability in one of their sub-accounts (Chatwoot's
 * `POST /api/v1/profile/availability`). The choice is kept by the account's Account object, whose
 * presence shows it to the other agents while the user is connected to /cable.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { accountUsers } from "../../db/schema";
import { accountObject } from "../../durable/addresses";
import { AVAILABILITIES } from "../../durable/account/availability";
import { credentialOf, userOf } from "../auth";
import { createRouter } from "../context";
import { errorResponses, notFound } from "../errors";
import { BodyId } from "../schemas";
import { credentialRef, SignedInUserSchema, signedInUser } from "../sign-in/signed-in-user";
import { userSecurity } from "./profile";

const AvailabilityInput = z
  .object({
    profile: z
      .object({
        availability: z.enum(AVAILABILITIES),
        account_id: BodyId.openapi({ description: "The sub-account the availability is for" }),
      })
      .strict(),
  })
  .strict()
  .openapi("AvailabilityInput");

export const profileAvailability = createRouter();

profileAvailability.openapi(
  createRoute({
    method: "post",
    path: "/profile/availability",
    tags: ["Application: profile"],
    security: userSecurity,
    summary: "Choose online, busy or offline in a sub-account",
    description:
      "While connected to /cable the user shows as they chose (offline hides them); the other agents receive " +
      'presence.update with `users: {"<id>": "online" | "busy" | "offline"}`, and agent lists and payloads carry it ' +
      "as `availability_status`. Answers the profile, its `availability_status` being the one in `account_id`.",
    request: { body: { required: true, content: { "application/json": { schema: AvailabilityInput } } } },
    responses: {
      200: { description: "The profile", content: { "application/json": { schema: SignedInUserSchema } } },
      ...errorResponses(400, 401, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const { availability, account_id } = c.req.valid("json").profile;
    const user = userOf(c);
    const [membership] = await c.var.db
      .select({ accountId: accountUsers.accountId })
      .from(accountUsers)
      .where(and(eq(accountUsers.userId, user.id), eq(accountUsers.accountId, account_id)));
    if (!membership) throw notFound("Account");
    const account = accountObject(c.env, account_id);
    await account.setAvailability(user.id, availability);
    const shown = (await account.userAvailability([user.id]))[String(user.id)]?.status ?? "offline";
    return c.json({ ...(await signedInUser(c, user, credentialRef(credentialOf(c)))), availability_status: shown }, 200);
  },
);
