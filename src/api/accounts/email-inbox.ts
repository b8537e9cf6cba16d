/**
 * Email inboxes (Chatwoot's Channel::Email) as the inbox routes take them: `channel: {type: "email",
 * email}`, the address Email Routing delivers to the Worker. An address belongs to one inbox of the
 * whole installation, since an arriving mail must name exactly one.
 */
import { z } from "@hono/zod-openapi";
import { and, eq, ne } from "drizzle-orm";
import type { Context } from "hono";
import { inboxes } from "../../db/schema";
import { EMAIL_ADDRESS_PATTERN, normalizeAddress } from "../../domain/email-channel";
import type { AppEnv } from "../context";
import { ApiError } from "../errors";

export const InboxEmailAddress = z
  .string()
  .trim()
  .max(254)
  .transform(normalizeAddress)
  .refine((address) => EMAIL_ADDRESS_PATTERN.test(address), "Expected an email address such as support@acme.test.")
  .refine((address) => !address.startsWith("reply+"), "Addresses starting with reply+ are the conversations' reply addresses.")
  .openapi({ type: "string", example: "support@acme.test", description: "Where the inbox receives mail: route it to the Worker with Email Routing" });

export const EmailChannelInput = z
  .object({ type: z.literal("email"), email: InboxEmailAddress })
  .strict()
  .openapi("EmailChannelInput");

/** The channel fields a PATCH may change on an email inbox. */
export const emailChannelUpdateFields = { email: InboxEmailAddress.optional() };

/** 422 `taken` when another inbox, in any account, already receives mail at this address. */
export async function ensureInboxEmailFree(c: Context<AppEnv>, email: string, exceptInboxId?: number) {
  const taken = await c.var.db.query.inboxes.findFirst({
    where: and(eq(inboxes.email, email), exceptInboxId === undefined ? undefined : ne(inboxes.id, exceptInboxId)),
    columns: { id: true },
  });
  if (taken) {
    throw new ApiError(422, "validation_failed", "The request body is not valid.", [
      { field: "channel.email", message: "has already been taken", code: "taken" },
    ]);
  }
}
