/**
 * Application API: a contact's labels (Chatwoot's /api/v1/accounts/:account_id/contacts/:id/labels).
 * Labels are the account's label titles; they are stored with the contact in the Account object and
 * decide which contacts a one-off campaign reaches. Every member manages them, as contacts.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { inJsonList } from "../../db/queries";
import { labels } from "../../db/schema";
import { accountObject } from "../../durable/addresses";
import { createRouter } from "../context";
import { errorResponses, notFound } from "../errors";
import { idParams } from "../schemas";
import { Label } from "./conversations";
import { userSecurity } from "./profile";

const tags = ["Application: contacts"];
const contactParams = idParams("account_id", "contact_id");

const LabelList = z.object({ payload: z.array(z.string()).openapi({ description: "Label titles, in alphabetical order" }) }).openapi("ContactLabels");

export const accountContactLabels = createRouter();

accountContactLabels.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/contacts/{contact_id}/labels",
    tags,
    security: userSecurity,
    summary: "The contact's labels",
    request: { params: contactParams },
    responses: {
      200: { description: "Labels", content: { "application/json": { schema: LabelList } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { contact_id } = c.req.valid("param");
    const titles = await accountObject(c.env, c.var.membership.accountId).contactLabels(contact_id);
    if (titles === null) throw notFound("Contact");
    return c.json({ payload: titles }, 200);
  },
);

accountContactLabels.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/contacts/{contact_id}/labels",
    tags,
    security: userSecurity,
    summary: "Replace the contact's labels",
    description:
      "`labels` becomes the contact's whole list. As in Chatwoot, titles that are not labels of the account are " +
      "left out (create them with `POST .../labels` first); the answer shows what the contact carries now.",
    request: {
      params: contactParams,
      body: {
        required: true,
        content: {
          "application/json": {
            schema: z
              .object({ labels: z.array(Label).max(100) })
              .strict()
              .openapi("ContactLabelsInput"),
          },
        },
      },
    },
    responses: {
      200: { description: "Labels", content: { "application/json": { schema: LabelList } } },
      ...errorResponses(400, 401, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const { contact_id } = c.req.valid("param");
    const { labels: wanted } = c.req.valid("json");
    const { accountId } = c.var.membership;
    const known =
      wanted.length === 0
        ? []
        : await c.var.db
            .select({ title: labels.title })
            .from(labels)
            .where(and(eq(labels.accountId, accountId), inJsonList(labels.title, [...new Set(wanted)])));
    const titles = await accountObject(c.env, accountId).setContactLabels(
      contact_id,
      known.map((row) => row.title),
    );
    if (titles === null) throw notFound("Contact");
    return c.json({ payload: titles }, 200);
  },
);
