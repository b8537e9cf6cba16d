/**
 * What every Client API route starts from: the inbox named by `inbox_identifier` (an API inbox's
 * identifier or a website inbox's website_token) and, below it, the contact session named by
 * `contact_identifier` (the contact inbox's source_id). Unknown ones answer 404.
 */
import { z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { inboxes } from "../../db/schema";
import { contactPubsubToken } from "../../domain/tokens";
import { accountObject, type ContactSession } from "../../durable/account";
import type { AppEnv } from "../context";
import { notFound } from "../errors";
import { Id } from "../schemas";

export const tags = ["Client API"];

const Identifier = z.string().min(1).max(128);
export const inboxParams = z.object({
  inbox_identifier: Identifier.openapi({ param: { name: "inbox_identifier", in: "path" } }),
});
export const sessionParams = inboxParams.extend({
  contact_identifier: Identifier.openapi({ param: { name: "contact_identifier", in: "path" }, description: "The contact's source_id" }),
});
export const conversationParams = sessionParams.extend({
  conversation_id: Id.openapi({ param: { name: "conversation_id", in: "path" } }),
});

export async function inboxByIdentifier(c: Context<AppEnv>, identifier: string) {
  const inbox = await c.var.db.query.inboxes.findFirst({ where: eq(inboxes.inboxIdentifier, identifier) });
  if (!inbox) throw notFound("Inbox");
  return inbox;
}

export async function contactSessionOf(c: Context<AppEnv>, inboxIdentifier: string, sourceId: string) {
  const inbox = await inboxByIdentifier(c, inboxIdentifier);
  const session = await accountObject(c.env, inbox.accountId).contactSession(inbox.id, sourceId);
  if (!session) throw notFound("Contact");
  return { inbox, session };
}

export const PublicContactSchema = z
  .object({
    id: z.number().int(),
    source_id: z.string(),
    pubsub_token: z.string().openapi({ description: "Subscribe to /cable with this token to receive this session's events" }),
    name: z.string(),
    email: z.string().nullable(),
    phone_number: z.string().nullable(),
    identifier: z.string().nullable(),
    custom_attributes: z.record(z.string(), z.unknown()),
  })
  .openapi("PublicContact");

export async function publicContact(c: Context<AppEnv>, accountId: number, session: ContactSession) {
  return {
    id: session.contact.id,
    source_id: session.contactInbox.sourceId,
    pubsub_token: await contactPubsubToken(c.env.TOKEN_SIGNING_SECRET, accountId, session.contactInbox.id, session.contactInbox.sourceId),
    name: session.contact.name,
    email: session.contact.email,
    phone_number: session.contact.phoneNumber,
    identifier: session.contact.identifier,
    custom_attributes: session.contact.customAttributes,
  };
}
