/** Client API: a custom chat interface creates and updates the contact of its session (Chatwoot's public contacts). */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { identifierHashValid } from "../../domain/identity";
import { accountObject } from "../../durable/addresses";
import { contactConflict, ContactInput, contactFields } from "../contact-input";
import { type AppEnv, createRouter } from "../context";
import { ApiError, errorResponses, notFound } from "../errors";
import { contactSessionOf, inboxByIdentifier, inboxParams, PublicContactSchema, publicContact, sessionParams, tags } from "./session";
import { capCustomAttributes } from "../caps";
import { limitedRoute } from "../limits";

const PublicContactInput = ContactInput.omit({ additional_attributes: true })
  .extend({
    identifier_hash: z.string().trim().max(128).optional().openapi({
      description: "HMAC-SHA256 (hex) of `identifier` with the inbox's hmac_token; required when the inbox makes it mandatory",
    }),
  })
  .strict()
  .openapi("PublicContactInput");
type PublicContactInput = z.infer<typeof PublicContactInput>;

type InboxRow = Awaited<ReturnType<typeof inboxByIdentifier>>;

/**
 * Checks the identity: a valid `identifier_hash` verifies `identifier`; a wrong one is refused; a
 * missing one is refused when the inbox makes verification mandatory, and otherwise leaves the
 * identifier unverified.
 */
async function verifiedIdentity(inbox: InboxRow, input: PublicContactInput): Promise<boolean> {
  if (!input.identifier) return false;
  if (input.identifier_hash) {
    if (await identifierHashValid(inbox.hmacToken, input.identifier, input.identifier_hash)) return true;
    throw new ApiError(401, "invalid_identifier_hash", "The identifier_hash does not match the identifier.");
  }
  if (inbox.hmacMandatory) {
    throw new ApiError(401, "identifier_hash_required", "This inbox requires identifier_hash with identifier.");
  }
  return false;
}

const fieldsOf = (input: PublicContactInput) => {
  const { identifier_hash: _hash, ...rest } = input;
  return contactFields(rest);
};

export const publicContacts = createRouter();

publicContacts.openapi(
  limitedRoute(
    createRoute({
      method: "post",
      path: "/inboxes/{inbox_identifier}/contacts",
      tags,
      summary: "Create a contact session",
      description:
        "Starts a contact's session in the inbox and returns its `source_id` (the contact_identifier of the other " +
        "Client API routes) and `pubsub_token`. The contact that holds an identifier verified by `identifier_hash` is " +
        "reused, as in Chatwoot; anything else creates a new contact. An email or phone number another contact has, and " +
        "an identifier without a valid hash, are kept as the visitor's claims: the answer is the same whether or not " +
        "another contact has them.",
      request: {
        params: inboxParams,
        body: { required: true, content: { "application/json": { schema: PublicContactInput } } },
      },
      responses: {
        200: { description: "The session's contact", content: { "application/json": { schema: PublicContactSchema } } },
        ...errorResponses(400, 401, 404, 413, 415, 422),
      },
    }),
    "public_create.address",
    "public_create.website_token",
  ),
  async (c) => {
    const { inbox_identifier } = c.req.valid("param");
    const input = c.req.valid("json");
    if (input.custom_attributes) capCustomAttributes(c.env, "contact", input.custom_attributes);
    const inbox = await inboxByIdentifier(c, inbox_identifier);
    const identifierVerified = await verifiedIdentity(inbox, input);
    const session = await accountObject(c.env, inbox.accountId).startContactSession({
      inboxId: inbox.id,
      sourceId: crypto.randomUUID(),
      fields: fieldsOf(input),
      identifierVerified,
    });
    if ("conflict" in session) throw contactConflict(session.conflict);
    return c.json(await publicContact(c, inbox.accountId, session), 200);
  },
);

publicContacts.openapi(
  limitedRoute(
    createRoute({
      method: "get",
      path: "/inboxes/{inbox_identifier}/contacts/{contact_identifier}",
      tags,
      summary: "Show the session's contact",
      request: { params: sessionParams },
      responses: {
        200: { description: "The session's contact", content: { "application/json": { schema: PublicContactSchema } } },
        ...errorResponses(400, 404),
      },
    }),
    "public_read.address",
  ),
  async (c) => {
    const { inbox_identifier, contact_identifier } = c.req.valid("param");
    const { inbox, session } = await contactSessionOf(c, inbox_identifier, contact_identifier);
    return c.json(await publicContact(c, inbox.accountId, session), 200);
  },
);

publicContacts.openapi(
  limitedRoute(
    createRoute({
      method: "patch",
      path: "/inboxes/{inbox_identifier}/contacts/{contact_identifier}",
      tags,
      summary: "Update the session's contact",
      description:
        "Custom attributes are merged key by key. Values another contact has, and an identifier without a valid hash, " +
        "are kept as claims (the answer does not tell whether another contact has them). An identifier with a valid " +
        "`identifier_hash` moves the session to the person's contact: the answer's `source_id` and `pubsub_token` are " +
        "then the person's session in this inbox, shared by their devices, and the caller continues with those.",
      request: {
        params: sessionParams,
        body: { required: true, content: { "application/json": { schema: PublicContactInput } } },
      },
      responses: {
        200: { description: "The updated contact", content: { "application/json": { schema: PublicContactSchema } } },
        ...errorResponses(400, 401, 404, 413, 415, 422),
      },
    }),
    "public_write.address",
    "session_write.session",
  ),
  async (c) => updateSession(c, c.req.valid("param"), c.req.valid("json")),
);

async function updateSession(c: Context<AppEnv>, params: { inbox_identifier: string; contact_identifier: string }, input: PublicContactInput) {
  const { inbox, session } = await contactSessionOf(c, params.inbox_identifier, params.contact_identifier);
  if (input.custom_attributes) capCustomAttributes(c.env, "contact", { ...session.contact.customAttributes, ...input.custom_attributes });
  const identifierVerified = await verifiedIdentity(inbox, input);
  const updated = await accountObject(c.env, inbox.accountId).updateContactSession(inbox.id, params.contact_identifier, fieldsOf(input), identifierVerified);
  if (updated === null) throw notFound("Contact");
  if ("conflict" in updated) throw contactConflict(updated.conflict);
  return c.json(await publicContact(c, inbox.accountId, updated), 200);
}
