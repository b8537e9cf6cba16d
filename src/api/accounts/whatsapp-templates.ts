/**
 * WhatsApp inboxes' message templates and the rules of a reply on WhatsApp: outside the 24-hour
 * customer service window only an approved template may be sent (422 `outside_messaging_window`),
 * and a template message names one the inbox's business account has approved.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { inboxes, type WhatsappTemplate } from "../../db/schema";
import { CHANNEL_CLASSES } from "../../domain/chatwoot-payloads";
import { insideServiceWindow, renderedTemplate, type TemplateParams } from "../../domain/whatsapp-cloud";
import { conversationObject } from "../../durable/addresses";
import { enqueueJobs } from "../../jobs/messages";
import { whatsappTemplatesOf } from "../../jobs/whatsapp-templates";
import { requireRole } from "../auth";
import type { AppEnv } from "../context";
import { createRouter } from "../context";
import { ApiError, errorResponses, notFound } from "../errors";
import { idParams } from "../schemas";
import { visibleToCaller } from "./inboxes";
import { userSecurity } from "./profile";

const TemplateSchema = z
  .object({
    id: z.string().nullable(),
    name: z.string(),
    language: z.string(),
    status: z.string().openapi({ description: "APPROVED, PENDING, REJECTED...: only approved ones can be sent" }),
    category: z.string().nullable(),
    components: z.array(z.record(z.string(), z.unknown())),
    parameter_format: z.string().nullable().optional(),
  })
  .openapi("WhatsappTemplate");

export const accountWhatsappTemplates = createRouter();

accountWhatsappTemplates.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/inboxes/{inbox_id}/whatsapp_templates",
    tags: ["Application: inboxes"],
    security: userSecurity,
    summary: "List a WhatsApp inbox's message templates",
    description:
      "Synced from the Graph API's message_templates endpoint of the inbox's business account and kept for an hour; " +
      "`refresh=true` syncs now. When Meta cannot be reached, the last synced list is answered with `error` saying why.",
    request: {
      params: idParams("account_id", "inbox_id"),
      query: z.object({ refresh: z.enum(["true", "false"]).optional() }),
    },
    responses: {
      200: {
        description: "The templates",
        content: {
          "application/json": {
            schema: z.object({ payload: z.array(TemplateSchema), synced_at: z.number().int().nullable(), error: z.string().nullable() }),
          },
        },
      },
      ...errorResponses(400, 401, 404, 422),
    },
  }),
  async (c) => {
    const { inbox_id } = c.req.valid("param");
    const [inbox] = await c.var.db
      .select()
      .from(inboxes)
      .where(and(eq(inboxes.id, inbox_id), visibleToCaller(c)));
    if (!inbox) throw notFound("Inbox");
    if (inbox.channelType !== "whatsapp") throw new ApiError(422, "not_whatsapp_inbox", "Only WhatsApp inboxes have message templates.");
    const answer = await whatsappTemplatesOf(c.env, c.var.db, inbox, { refresh: c.req.valid("query").refresh === "true" });
    return c.json({ payload: answer.templates, synced_at: answer.syncedAt ? Math.floor(answer.syncedAt.getTime() / 1000) : null, error: answer.error }, 200);
  },
);

accountWhatsappTemplates.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/inboxes/{inbox_id}/sync_templates",
    tags: ["Application: inboxes"],
    security: userSecurity,
    summary: "Sync a WhatsApp inbox's message templates",
    description:
      "Chatwoot's sync_templates: queues a sync of the templates from the Graph API's message_templates endpoint of the inbox's " +
      "business account (as on the inbox's creation) and answers at once; the list route and the inbox's `message_templates` show the result.",
    middleware: [requireRole("administrator")] as const,
    request: { params: idParams("account_id", "inbox_id") },
    responses: {
      200: { description: "Queued", content: { "application/json": { schema: z.object({ message: z.string() }) } } },
      ...errorResponses(400, 401, 403, 404, 422),
    },
  }),
  async (c) => {
    const { inbox_id } = c.req.valid("param");
    const [inbox] = await c.var.db
      .select({ id: inboxes.id, channelType: inboxes.channelType })
      .from(inboxes)
      .where(and(eq(inboxes.id, inbox_id), visibleToCaller(c)));
    if (!inbox) throw notFound("Inbox");
    if (inbox.channelType !== "whatsapp") throw new ApiError(422, "not_whatsapp_inbox", "Template sync is only available for WhatsApp inboxes.");
    await enqueueJobs(c.env.JOBS, [{ type: "whatsapp.templates_sync", inbox_id: inbox.id }]);
    return c.json({ message: "Template sync initiated successfully" }, 200);
  },
);

/**
 * What a non-private outgoing message in this conversation becomes on WhatsApp: a template message
 * (its content the template's text with the parameters, `content_attributes.template_params` as
 * Chatwoot stores them), or a free reply inside the window; refused otherwise. Null for other channels
 * (where `template_params` is refused).
 */
export async function whatsappReplyOf(
  c: Context<AppEnv>,
  conversation: { id: number; inbox_id: number; meta: { channel: string } },
  templateParams: TemplateParams | undefined,
): Promise<{ content: string | null; contentAttributes: Record<string, unknown> } | null> {
  if (conversation.meta.channel !== CHANNEL_CLASSES.whatsapp) {
    if (templateParams) throw new ApiError(422, "not_for_channel_type", "template_params are for WhatsApp conversations only.");
    return null;
  }
  if (templateParams) {
    const [inbox] = await c.var.db.select().from(inboxes).where(eq(inboxes.id, conversation.inbox_id));
    if (!inbox) throw notFound("Inbox");
    const named = (templates: WhatsappTemplate[]) =>
      templates.find((candidate) => candidate.name === templateParams.name && candidate.language === templateParams.language);
    const cached = await whatsappTemplatesOf(c.env, c.var.db, inbox);
    // A template approved since the last sync: read the list again once before refusing.
    const template = named(cached.templates) ?? named((await whatsappTemplatesOf(c.env, c.var.db, inbox, { refresh: true })).templates);
    if (template?.status.toUpperCase() !== "APPROVED") {
      throw new ApiError(422, "unknown_template", `The business account has no approved template "${templateParams.name}" in ${templateParams.language}.`, [
        { field: "template_params.name", message: "is not an approved template of this inbox", code: "unknown_template" },
      ]);
    }
    return {
      content: renderedTemplate(template, templateParams),
      contentAttributes: { template_params: { ...templateParams, category: templateParams.category ?? template.category ?? undefined } },
    };
  }
  const lastInboundAt = await conversationObject(c.env, c.var.membership.accountId, conversation.id).lastIncomingAt();
  if (!insideServiceWindow(lastInboundAt, Math.floor(Date.now() / 1000))) {
    throw new ApiError(
      422,
      "outside_messaging_window",
      "More than 24 hours have passed since the contact's last WhatsApp message: only an approved template can be sent now (template_params).",
      { last_incoming_at: lastInboundAt },
    );
  }
  return { content: null, contentAttributes: {} };
}
