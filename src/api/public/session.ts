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
import type { ContactSession } from "../../durable/account";
import { accountObject } from "../../durable/addresses";
import { asVisitorSees } from "../../durable/account/contacts";
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
  // Only website and API inboxes speak the Client API: the others reach contacts through their provider.
  if (!inbox || (inbox.channelType !== "web_widget" && inbox.channelType !== "api")) throw notFound("Inbox");
  return inbox;
}

/** Where a Client API conversation route points: the inbox's account and the session's access to its conversations. */
export type SessionRef = { accountId: number; access: { inboxId: number; sourceId: string } };

const INBOX_REF_TTL_MS = 10_000;
const inboxRefs = new Map<string, { accountId: number; inboxId: number; at: number }>();

/**
 * The inbox's ids for the hot message path, remembered by this isolate for a few seconds so a
 * visitor's messages skip the D1 lookup. Only ids are cached: anything that checks an inbox's
 * settings (identity, HMAC) reads them fresh.
 */
export async function sessionRef(c: Context<AppEnv>, inboxIdentifier: string, sourceId: string): Promise<SessionRef> {
  const now = Date.now();
  let cached = inboxRefs.get(inboxIdentifier);
  if (!cached || now - cached.at > INBOX_REF_TTL_MS) {
    const inbox = await inboxByIdentifier(c, inboxIdentifier);
    cached = { accountId: inbox.accountId, inboxId: inbox.id, at: now };
    if (inboxRefs.size >= 10_000) inboxRefs.clear();
    inboxRefs.set(inboxIdentifier, cached);
  }
  return { accountId: cached.accountId, access: { inboxId: cached.inboxId, sourceId } };
}

export const contactViewer = (ref: SessionRef) => ({ kind: "contact" as const, ...ref.access });

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

/** The session's contact as its visitor sees it: their claims in place, nothing about other contacts. */
export async function publicContact(c: Context<AppEnv>, accountId: number, session: ContactSession) {
  const contact = asVisitorSees(session.contact);
  return {
    id: contact.id,
    source_id: session.contactInbox.sourceId,
    pubsub_token: await contactPubsubToken(c.env.TOKEN_SIGNING_SECRET, accountId, session.contactInbox.id, session.contactInbox.sourceId),
    name: contact.name,
    email: contact.email,
    phone_number: contact.phoneNumber,
    identifier: contact.identifier,
    custom_attributes: contact.customAttributes,
  };
}
