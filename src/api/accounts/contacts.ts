/**
 * Application API: the account's contacts (Chatwoot's /api/v1/accounts/:account_id/contacts and
 * /actions/contact_merge). Contacts live in the Account object. Every member manages them; only
 * administrators delete or merge. Contacts are not configuration, so nothing here is audited.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, inArray } from "drizzle-orm";
import type { Context } from "hono";
import { inboxes } from "../../db/schema";
import { CHANNEL_CLASSES, type ContactRecord, contactPayload } from "../../domain/chatwoot-payloads";
import { accountObject } from "../../durable/addresses";
import { CONTACT_SORTS } from "../../durable/account/contacts";
import { requireRole } from "../auth";
import { contactConflict, ContactInput, contactFields } from "../contact-input";
import { type AppEnv, createRouter } from "../context";
import { conflict, errorResponses, notFound } from "../errors";
import { BodyId, idParams, PageQuery, pageOf } from "../schemas";
import { visibleToCaller } from "./inboxes";
import { userSecurity } from "./profile";
import { viewerOf } from "./viewer";

const tags = ["Application: contacts"];
const accountParams = idParams("account_id");
const contactParams = idParams("account_id", "contact_id");

const CONTACTS_PER_PAGE = 15;
const SORTS = [...CONTACT_SORTS, ...CONTACT_SORTS.map((sort) => `-${sort}` as const)];

const ContactListQuery = z.object({
  page: PageQuery.shape.page,
  per_page: z.coerce.number().int().min(1).max(100).default(CONTACTS_PER_PAGE).openapi({ example: CONTACTS_PER_PAGE }),
  sort: z
    .enum(SORTS)
    .default("-last_activity_at")
    .openapi({ description: "A field, descending with a leading `-`; ties go to the newest contact" })
    .transform((value) => ({
      sort: CONTACT_SORTS.find((column) => value.replace(/^-/, "") === column) ?? "last_activity_at",
      descending: value.startsWith("-"),
    })),
  include_contact_inboxes: z
    .enum(["true", "false"])
    .default("true")
    .openapi({ description: "Whether each contact lists its inbox sessions (`contact_inboxes`)" })
    .transform((value) => value === "true"),
});
type ContactListQuery = z.infer<typeof ContactListQuery>;

const ContactSearchQuery = ContactListQuery.extend({
  q: z.string().trim().min(1).max(255).openapi({ description: "Matched against name, email, phone number and identifier" }),
});

const ContactCreateInput = ContactInput.extend({
  inbox_id: BodyId.optional().openapi({ description: "Also start a session for the contact in this inbox" }),
})
  .strict()
  .openapi("ContactCreateInput");
const ContactUpdateInput = ContactInput.openapi("ContactInput");

const CustomAttributeKeysInput = z
  .object({ custom_attributes: z.array(z.string().min(1).max(100)).max(100).openapi({ description: "Keys to remove" }) })
  .strict()
  .openapi("ContactCustomAttributeKeysInput");

const ContactInboxInput = z
  .object({
    inbox_id: BodyId,
    source_id: z.string().trim().min(1).max(255).optional().openapi({ description: "The contact's id in the inbox; random if omitted" }),
  })
  .strict()
  .openapi("ContactInboxInput");

const ContactMergeInput = z
  .object({ base_contact_id: BodyId, mergee_contact_id: BodyId })
  .strict()
  .refine((input) => input.base_contact_id !== input.mergee_contact_id, {
    path: ["mergee_contact_id"],
    message: "A contact cannot be merged into itself.",
  })
  .openapi("ContactMergeInput");

const InboxSummarySchema = z.object({ id: z.number().int(), name: z.string(), channel_type: z.enum(Object.values(CHANNEL_CLASSES)) }).openapi("InboxSummary");
type InboxSummary = z.infer<typeof InboxSummarySchema>;

const ContactInboxSchema = z.object({ source_id: z.string(), inbox: InboxSummarySchema }).openapi("ContactInbox");

const Json = z.record(z.string(), z.unknown());
const ContactSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    email: z.string().nullable(),
    phone_number: z.string().nullable(),
    identifier: z.string().nullable(),
    thumbnail: z.string(),
    avatar_url: z.string(),
    additional_attributes: Json,
    custom_attributes: Json,
    created_at: z.number().int().openapi({ description: "Unix seconds" }),
    last_activity_at: z.number().int().nullable().openapi({ description: "Unix seconds" }),
    type: z.literal("contact"),
    contact_inboxes: z.array(ContactInboxSchema).optional().openapi({ description: "The contact's sessions in inboxes the caller can see" }),
  })
  .openapi("Contact");
type Contact = z.infer<typeof ContactSchema>;

const ContactPayload = z.object({ payload: ContactSchema });
const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });

/** The inboxes the caller can see, by id: those among `ids`, or all of them. One D1 query. */
async function visibleInboxes(c: Context<AppEnv>, ids?: number[]): Promise<Map<number, InboxSummary>> {
  if (ids?.length === 0) return new Map();
  const rows = await c.var.db
    .select({ id: inboxes.id, name: inboxes.name, channelType: inboxes.channelType })
    .from(inboxes)
    .where(and(visibleToCaller(c), ids === undefined ? undefined : inArray(inboxes.id, [...new Set(ids)])))
    .orderBy(asc(inboxes.id));
  return new Map(rows.map((row) => [row.id, { id: row.id, name: row.name, channel_type: CHANNEL_CLASSES[row.channelType] }]));
}

/** One inbox the caller can see, or 404. */
async function visibleInbox(c: Context<AppEnv>, inboxId: number): Promise<InboxSummary> {
  const inbox = (await visibleInboxes(c, [inboxId])).get(inboxId);
  if (!inbox) throw notFound("Inbox");
  return inbox;
}

const contactsOf = (c: Context<AppEnv>) => accountObject(c.env, c.var.membership.accountId);

/** Contacts in Chatwoot's JSON; with `contact_inboxes` (sessions in inboxes the caller can see) when asked. */
async function contactsJson(c: Context<AppEnv>, contacts: ContactRecord[], withInboxes = true): Promise<Contact[]> {
  if (!withInboxes) return contacts.map(contactPayload);
  const account = contactsOf(c);
  const sessions = await Promise.all(contacts.map((contact) => account.contactInboxesOf(contact.id)));
  const inboxesById = await visibleInboxes(
    c,
    sessions.flat().map((session) => session.inboxId),
  );
  return contacts.map((contact, i) => ({
    ...contactPayload(contact),
    contact_inboxes: (sessions[i] ?? []).flatMap((session) => {
      const inbox = inboxesById.get(session.inboxId);
      return inbox ? [{ source_id: session.sourceId, inbox }] : [];
    }),
  }));
}

async function contactJson(c: Context<AppEnv>, contact: ContactRecord): Promise<Contact> {
  const [json] = await contactsJson(c, [contact]);
  if (!json) throw new Error("contactsJson dropped a contact");
  return json;
}

async function existingContact(c: Context<AppEnv>, contactId: number): Promise<ContactRecord> {
  const contact = await contactsOf(c).getContact(contactId);
  if (!contact) throw notFound("Contact");
  return contact;
}

async function contactPage(c: Context<AppEnv>, q: string | null, query: ContactListQuery) {
  const { count, contacts } = await contactsOf(c).listContacts({
    q,
    page: query.page,
    perPage: query.per_page,
    sort: query.sort.sort,
    descending: query.sort.descending,
  });
  return {
    meta: { count, current_page: query.page, per_page: query.per_page },
    payload: await contactsJson(c, contacts, query.include_contact_inboxes),
  };
}

export const accountContacts = createRouter();

accountContacts.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/contacts",
    tags,
    security: userSecurity,
    summary: "List the account's contacts",
    description: `${CONTACTS_PER_PAGE} per page unless \`per_page\` says otherwise; most recently active first unless \`sort\` says otherwise.`,
    request: { params: accountParams, query: ContactListQuery },
    responses: {
      200: { description: "A page of contacts", content: json(pageOf(ContactSchema)) },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => c.json(await contactPage(c, null, c.req.valid("query")), 200),
);

// Declared before /contacts/{contact_id}, which would otherwise answer for "search".
accountContacts.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/contacts/search",
    tags,
    security: userSecurity,
    summary: "Search the account's contacts",
    request: { params: accountParams, query: ContactSearchQuery },
    responses: {
      200: { description: "A page of matching contacts", content: json(pageOf(ContactSchema)) },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const query = c.req.valid("query");
    return c.json(await contactPage(c, query.q, query), 200);
  },
);

accountContacts.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/contacts",
    tags,
    security: userSecurity,
    summary: "Create a contact",
    description:
      "With `inbox_id`, the contact also gets a session in that inbox (a random `source_id`), in the same write. " +
      "An inbox the caller cannot see answers 404. Email and identifier are unique within the account (422 on the field).",
    request: { params: accountParams, body: { required: true, content: json(ContactCreateInput) } },
    responses: {
      201: {
        description: "Created",
        content: json(
          z.object({
            payload: z.object({
              contact: ContactSchema,
              contact_inbox: z.object({ inbox: InboxSummarySchema.nullable(), source_id: z.string().nullable() }),
            }),
          }),
        ),
      },
      ...errorResponses(400, 401, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const { inbox_id, ...input } = c.req.valid("json");
    const inbox = inbox_id === undefined ? null : await visibleInbox(c, inbox_id);
    const created = await contactsOf(c).createContact(contactFields(input), inbox ? { inboxId: inbox.id, sourceId: crypto.randomUUID() } : undefined);
    if ("conflict" in created) throw contactConflict(created.conflict);
    const contact = await contactJson(c, created.contact);
    return c.json({ payload: { contact, contact_inbox: { inbox, source_id: created.contactInbox?.sourceId ?? null } } }, 201);
  },
);

accountContacts.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/contacts/{contact_id}",
    tags,
    security: userSecurity,
    summary: "Show a contact",
    request: { params: contactParams },
    responses: {
      200: { description: "The contact", content: json(ContactPayload) },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const contact = await existingContact(c, c.req.valid("param").contact_id);
    return c.json({ payload: await contactJson(c, contact) }, 200);
  },
);

for (const method of ["put", "patch"] as const) {
  accountContacts.openapi(
    createRoute({
      method,
      path: "/{account_id}/contacts/{contact_id}",
      tags,
      security: userSecurity,
      summary: method === "put" ? "Update a contact" : "Update a contact (same as PUT)",
      description: "Only the given fields change; custom and additional attributes are merged key by key.",
      request: { params: contactParams, body: { required: true, content: json(ContactUpdateInput) } },
      responses: {
        200: { description: "The updated contact", content: json(ContactPayload) },
        ...errorResponses(400, 401, 404, 413, 415, 422),
      },
    }),
    async (c) => {
      const { contact_id } = c.req.valid("param");
      const updated = await contactsOf(c).updateContact(contact_id, contactFields(c.req.valid("json")));
      if (updated === null) throw notFound("Contact");
      if ("conflict" in updated) throw contactConflict(updated.conflict);
      return c.json({ payload: await contactJson(c, updated) }, 200);
    },
  );
}

accountContacts.openapi(
  createRoute({
    method: "delete",
    path: "/{account_id}/contacts/{contact_id}",
    tags,
    security: userSecurity,
    summary: "Delete a contact (administrators)",
    description: "Its inbox sessions go with it. A contact with conversations cannot be deleted (409).",
    middleware: [requireRole("administrator")] as const,
    request: { params: contactParams },
    responses: { 204: { description: "Deleted" }, ...errorResponses(400, 401, 403, 404, 409) },
  }),
  async (c) => {
    const result = await contactsOf(c).deleteContact(c.req.valid("param").contact_id);
    if (result === "not_found") throw notFound("Contact");
    if (result === "has_conversations") throw conflict("The contact has conversations.");
    return c.body(null, 204);
  },
);

accountContacts.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/contacts/{contact_id}/destroy_custom_attributes",
    tags,
    security: userSecurity,
    summary: "Remove custom attributes from a contact",
    request: { params: contactParams, body: { required: true, content: json(CustomAttributeKeysInput) } },
    responses: {
      200: { description: "The updated contact", content: json(ContactPayload) },
      ...errorResponses(400, 401, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const { contact_id } = c.req.valid("param");
    const { custom_attributes } = c.req.valid("json");
    const contact = await contactsOf(c).deleteContactCustomAttributes(contact_id, custom_attributes);
    if (!contact) throw notFound("Contact");
    return c.json({ payload: await contactJson(c, contact) }, 200);
  },
);

accountContacts.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/contacts/{contact_id}/contact_inboxes",
    tags,
    security: userSecurity,
    summary: "Start a session for the contact in an inbox",
    description: "A `source_id` already used in the inbox answers 422.",
    request: { params: contactParams, body: { required: true, content: json(ContactInboxInput) } },
    responses: {
      201: { description: "Created", content: json(ContactInboxSchema) },
      ...errorResponses(400, 401, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const { contact_id } = c.req.valid("param");
    const input = c.req.valid("json");
    const inbox = await visibleInbox(c, input.inbox_id);
    const created = await contactsOf(c).createContactInbox(contact_id, inbox.id, input.source_id ?? crypto.randomUUID());
    if (created === null) throw notFound("Contact");
    if ("conflict" in created) throw contactConflict(created.conflict);
    return c.json({ source_id: created.sourceId, inbox }, 201);
  },
);

accountContacts.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/contacts/{contact_id}/contactable_inboxes",
    tags,
    security: userSecurity,
    summary: "The inboxes the caller can reach the contact through",
    description: "Every inbox the caller can see, with the contact's `source_id` there when it has a session in it.",
    request: { params: contactParams },
    responses: {
      200: {
        description: "The inboxes",
        content: json(z.object({ payload: z.array(z.object({ source_id: z.string().optional(), inbox: InboxSummarySchema })) })),
      },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const contact = await existingContact(c, c.req.valid("param").contact_id);
    const [sessions, visible] = await Promise.all([contactsOf(c).contactInboxesOf(contact.id), visibleInboxes(c)]);
    const payload = [...visible.values()].map((inbox) => {
      const session = sessions.find((candidate) => candidate.inboxId === inbox.id);
      return session ? { source_id: session.sourceId, inbox } : { inbox };
    });
    return c.json({ payload }, 200);
  },
);

accountContacts.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/contacts/{contact_id}/conversations",
    tags,
    security: userSecurity,
    summary: "The contact's conversations",
    description: "Agents see only conversations in inboxes they are members of. Most recently active first.",
    request: { params: contactParams },
    responses: {
      200: {
        description: "The conversations",
        content: json(z.object({ payload: z.array(Json.openapi({ description: "Chatwoot's conversation object" })) })),
      },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const contact = await existingContact(c, c.req.valid("param").contact_id);
    const payload = await contactsOf(c).conversationsOfContact(contact.id, await viewerOf(c));
    return c.json({ payload }, 200);
  },
);

accountContacts.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/actions/contact_merge",
    tags,
    security: userSecurity,
    summary: "Merge one contact into another (administrators)",
    description:
      "The mergee's inbox sessions and conversations move to the base contact, the base contact's empty fields are " +
      "filled from the mergee's, and the mergee is deleted. Answers the base contact, as Chatwoot does.",
    middleware: [requireRole("administrator")] as const,
    request: { params: accountParams, body: { required: true, content: json(ContactMergeInput) } },
    responses: {
      200: { description: "The merged base contact", content: json(ContactSchema) },
      ...errorResponses(400, 401, 403, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const { base_contact_id, mergee_contact_id } = c.req.valid("json");
    const merged = await contactsOf(c).mergeContacts(base_contact_id, mergee_contact_id);
    if (!merged) throw notFound("Contact");
    return c.json(await contactJson(c, merged), 200);
  },
);
