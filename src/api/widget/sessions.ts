/**
 * Widget API for the chat app in the iframe: start a visitor's session (validating the widget's
 * pre-chat form, or the email/SMS form, on the server too) and the `window.parley` calls the Client
 * API has no route for (conversation attributes and labels, deleting contact and conversation attributes).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { accountUsers, campaigns, chatWidgets, inboxes } from "../../db/schema";
import { MessageType } from "../../domain/conversation";
import { checkPreChat, EMAIL_SMS_FIELDS, type PreChatFieldRule } from "../../domain/pre-chat";
import { contactPubsubToken } from "../../domain/tokens";
import { accountObject, conversationObject } from "../../durable/addresses";
import { asVisitorSees } from "../../durable/account/contacts";
import { storedPreChatForm } from "../../services/chat-widget-settings";
import { Attributes, contactConflict } from "../contact-input";
import { type AppEnv, createRouter } from "../context";
import { ApiError, errorResponses, notFound } from "../errors";
import { BodyId, WebUrl } from "../schemas";
import { visiblePreChatFields } from "./config";
import { capCustomAttributes, customAttributesTooLarge, maxCustomAttributesBytes, maxLabelsPerConversation, tooManyLabels } from "../caps";
import { existingConversation } from "../known-ids";
import { limitedRoute } from "../limits";
import { initialConversationStatus } from "../../db/inbox-listeners";
import { inboxFitsWidget } from "../../domain/widget-setup";

const tags = ["Widget API"];
const WidgetToken = z.string().min(1).max(64);
const SourceId = z.string().min(1).max(128);

/**
 * The widget and the inbox it routes to: a website inbox, or for the Email/SMS widget also an email
 * or SMS inbox (src/domain/widget-setup.ts); a widget without one cannot take visitors.
 */
async function widgetWithInbox(c: Context<AppEnv>, widgetToken: string) {
  const [row] = await c.var.db
    .select({ widget: chatWidgets, inbox: inboxes })
    .from(chatWidgets)
    .leftJoin(inboxes, eq(inboxes.id, chatWidgets.inboxId))
    .where(eq(chatWidgets.widgetToken, widgetToken));
  if (!row) throw notFound("Widget");
  if (!row.inbox || !inboxFitsWidget(row.widget.type, row.inbox.channelType)) {
    throw new ApiError(409, "setup_incomplete", "This widget is not connected to an inbox it can route to yet.");
  }
  return { widget: row.widget, inbox: row.inbox };
}

/**
 * The session id of a lead in an email or SMS inbox. The address or number a visitor types is a
 * claim, not a proof, so the lead never joins the contact who holds it: its own contact (the
 * visitor rules make a taken value a claim) under a new session. An SMS lead's session is its
 * number when the inbox has no session of that number yet, so the visitor's text answers join it.
 */
async function leadSourceId(c: Context<AppEnv>, inbox: { id: number; accountId: number; channelType: string }, phone: string | null | undefined) {
  if (inbox.channelType !== "sms" || !phone) return crypto.randomUUID();
  const taken = await accountObject(c.env, inbox.accountId).contactSession(inbox.id, phone);
  return taken ? crypto.randomUUID() : phone;
}

/** The rules the server checks: exactly the fields the widget shows (see the public config). */
async function preChatRules(c: Context<AppEnv>, accountId: number, stored: unknown): Promise<PreChatFieldRule[]> {
  const form = storedPreChatForm(stored);
  return form.enabled ? visiblePreChatFields(c, accountId, form.fields) : [];
}

const SessionInput = z
  .object({
    widget_token: WidgetToken,
    values: z.record(z.string(), z.union([z.string().max(1000), z.number(), z.boolean()])).default({}),
    message: z.string().trim().min(1).max(10_000).optional(),
    referer: WebUrl.optional().openapi({ description: "The page the visitor is on (http or https)" }),
    campaign_id: BodyId.optional().openapi({ description: "The campaign the visitor answers: the conversation begins with its message" }),
  })
  .strict()
  .openapi("WidgetSessionInput");

/** The campaign a visitor answers: an enabled ongoing campaign of the widget's inbox, with its sender if still an agent. */
async function answeredCampaign(c: Context<AppEnv>, campaignId: number, inboxId: number) {
  const [row] = await c.var.db
    .select({ campaign: campaigns, senderMember: accountUsers.userId })
    .from(campaigns)
    .leftJoin(accountUsers, and(eq(accountUsers.accountId, campaigns.accountId), eq(accountUsers.userId, campaigns.senderId)))
    .where(and(eq(campaigns.id, campaignId), eq(campaigns.inboxId, inboxId), eq(campaigns.enabled, true), eq(campaigns.campaignType, "ongoing")));
  if (!row) {
    throw new ApiError(422, "validation_failed", "The campaign is not running on this widget.", [
      { field: "campaign_id", message: "not an enabled campaign of this widget's inbox", code: "not_found" },
    ]);
  }
  return { message: row.campaign.message, senderId: row.senderMember ?? null };
}

const SessionSchema = z
  .object({
    source_id: z.string(),
    pubsub_token: z.string(),
    contact: z.object({ id: z.number(), name: z.string(), email: z.string().nullable(), phone_number: z.string().nullable() }),
    conversation_id: z.number().nullable(),
  })
  .openapi("WidgetSession");

export const widgetSessions = createRouter();

widgetSessions.openapi(
  limitedRoute(
    createRoute({
      method: "post",
      path: "/sessions",
      tags,
      summary: "Start a visitor's session from a widget",
      description:
        "Checks `values` against the widget's pre-chat form (email/SMS widgets: name plus email or phone, and `message`), " +
        "creates the contact session and a conversation carrying the attribute answers, and posts `message` when given. " +
        "Per-field problems answer 422 with `details[].field` = `values.<name>`.",
      request: { body: { required: true, content: { "application/json": { schema: SessionInput } } } },
      responses: {
        201: { description: "The session", content: { "application/json": { schema: SessionSchema } } },
        ...errorResponses(400, 404, 409, 413, 415, 422),
      },
    }),
    "public_create.address",
    "public_create.website_token",
    "widget_conversations.address",
  ),
  async (c) => {
    const input = c.req.valid("json");
    const { widget, inbox } = await widgetWithInbox(c, input.widget_token);
    const isEmailSms = widget.type === "email_sms";
    const rules = isEmailSms ? EMAIL_SMS_FIELDS : await preChatRules(c, widget.accountId, widget.preChatForm);
    const { answers, issues } = checkPreChat(rules, input.values);
    if (isEmailSms && !answers.contact.email && !answers.contact.phone_number) {
      issues.push({ field: "values.email", message: "Leave an email address or a phone number to answer on", code: "required" });
    }
    if (isEmailSms && !input.message) issues.push({ field: "message", message: "Write a message", code: "required" });
    if (inbox.channelType === "email" && !answers.contact.email) {
      issues.push({ field: "values.email", message: "Leave an email address: the answer comes by email", code: "required" });
    }
    if (inbox.channelType === "sms" && !answers.contact.phone_number) {
      issues.push({ field: "values.phone_number", message: "Leave a phone number: the answer comes by text message", code: "required" });
    }
    if (issues.length > 0) throw new ApiError(422, "validation_failed", "Some answers need another look.", issues);
    capCustomAttributes(c.env, "contact", answers.contactAttributes, "values");
    capCustomAttributes(c.env, "conversation", answers.conversationAttributes, "values");
    const campaign = input.campaign_id === undefined ? null : await answeredCampaign(c, input.campaign_id, inbox.id);

    const account = accountObject(c.env, inbox.accountId);
    const sourceId = await leadSourceId(c, inbox, answers.contact.phone_number);
    const session = await account.startContactSession({
      inboxId: inbox.id,
      sourceId,
      fields: { ...answers.contact, custom_attributes: answers.contactAttributes },
      identifierVerified: false,
    });
    if ("conflict" in session) throw contactConflict(session.conflict);
    const contact = asVisitorSees(session.contact);

    const seed = await account.reserveConversation({
      inboxId: inbox.id,
      sourceId,
      customAttributes: answers.conversationAttributes,
      additionalAttributes: {
        widget_id: widget.id,
        widget_type: widget.type,
        ...(input.campaign_id === undefined ? {} : { campaign_id: input.campaign_id }),
        referer: input.referer ?? null,
        browser_language: c.req.header("accept-language")?.split(",")[0]?.trim() ?? null,
        initiated_at: { timestamp: new Date().toISOString() },
      },
      status: await initialConversationStatus(c.env.DB, inbox.id),
    });
    if (!seed) throw notFound("Contact");
    const conversation = conversationObject(c.env, inbox.accountId, seed.displayId);
    await conversation.start(seed, { type: "contact" });
    if (campaign) {
      await conversation.addMessage(
        { inboxId: inbox.id, sourceId },
        {
          messageType: MessageType.outgoing,
          content: campaign.message,
          contentType: "text",
          contentAttributes: { campaign_id: input.campaign_id },
          private: false,
          echoId: null,
          sourceId: null,
          attachments: [],
        },
        campaign.senderId === null ? null : { type: "user", id: campaign.senderId },
      );
    }
    if (input.message) {
      await conversation.addMessage(
        { inboxId: inbox.id, sourceId },
        {
          messageType: MessageType.incoming,
          content: input.message,
          contentType: "text",
          contentAttributes: {},
          private: false,
          echoId: null,
          sourceId: null,
          attachments: [],
        },
        { type: "contact" },
      );
    }
    return c.json(
      {
        source_id: sourceId,
        pubsub_token: await contactPubsubToken(c.env.TOKEN_SIGNING_SECRET, inbox.accountId, session.contactInbox.id, sourceId),
        contact: { id: contact.id, name: contact.name, email: contact.email, phone_number: contact.phoneNumber },
        conversation_id: seed.displayId,
      },
      201,
    );
  },
);

const SessionRef = { widget_token: WidgetToken, source_id: SourceId };
const ConversationRef = { ...SessionRef, conversation_id: BodyId };

/** The session's conversation access, after checking the session exists. */
export async function sessionAccess(c: Context<AppEnv>, widgetToken: string, sourceId: string) {
  const { inbox } = await widgetWithInbox(c, widgetToken);
  const session = await accountObject(c.env, inbox.accountId).contactSession(inbox.id, sourceId);
  if (!session) throw notFound("Contact");
  return { accountId: inbox.accountId, access: { inboxId: inbox.id, sourceId }, session };
}

const ok = { 200: { description: "Done", content: { "application/json": { schema: z.object({}).passthrough() } } } };

/** A visitor's change to its own contact or conversation: a POST with a JSON body, counted per address and per session. */
function sessionWriteRoute<Body extends z.ZodTypeAny>(route: { path: string; summary: string; description?: string; body: Body }) {
  return limitedRoute(
    createRoute({
      method: "post",
      path: route.path,
      tags,
      summary: route.summary,
      ...(route.description === undefined ? {} : { description: route.description }),
      request: { body: { required: true, content: { "application/json": { schema: route.body } } } },
      responses: { ...ok, ...errorResponses(400, 404, 409, 413, 415, 422) },
    }),
    "public_write.address",
    "session_write.session",
  );
}

/** The conversation a session write names, after checking the session exists and the conversation is there. */
async function sessionConversation(c: Context<AppEnv>, input: { widget_token: string; source_id: string; conversation_id: number }) {
  const { accountId, access, session } = await sessionAccess(c, input.widget_token, input.source_id);
  const conversation = await existingConversation(c.env, accountId, input.conversation_id);
  return { access, session, conversation };
}

const AttributeKeys = z.array(z.string().min(1).max(100)).min(1).max(100);

widgetSessions.openapi(
  sessionWriteRoute({
    path: "/contact/custom_attributes/delete",
    summary: "Delete custom attributes of the visitor's contact (deleteCustomAttribute)",
    body: z.object({ ...SessionRef, keys: AttributeKeys }).strict(),
  }),
  async (c) => {
    const input = c.req.valid("json");
    const { accountId, session } = await sessionAccess(c, input.widget_token, input.source_id);
    const contact = await accountObject(c.env, accountId).deleteContactCustomAttributes(session.contact.id, input.keys);
    return c.json({ custom_attributes: contact?.customAttributes ?? {} }, 200);
  },
);

widgetSessions.openapi(
  sessionWriteRoute({
    path: "/conversation/custom_attributes",
    summary: "Set custom attributes of the visitor's conversation (setConversationCustomAttributes)",
    description: "Merged key by key into the conversation's custom attributes.",
    body: z.object({ ...ConversationRef, custom_attributes: Attributes }).strict(),
  }),
  async (c) => {
    const input = c.req.valid("json");
    const { access, conversation } = await sessionConversation(c, input);
    const merged = await conversation.mergeCustomAttributes(access, input.custom_attributes, { type: "contact" }, maxCustomAttributesBytes(c.env));
    if (!merged) throw notFound("Conversation");
    if ("tooLargeBytes" in merged) throw customAttributesTooLarge(c.env, "conversation", merged.tooLargeBytes);
    return c.json({ custom_attributes: merged.customAttributes }, 200);
  },
);

widgetSessions.openapi(
  sessionWriteRoute({
    path: "/conversation/custom_attributes/delete",
    summary: "Delete custom attributes of the visitor's conversation (deleteConversationCustomAttribute)",
    description: "Chatwoot's `destroy_custom_attributes` for the widget: the keys are removed; a key the conversation does not have changes nothing.",
    body: z.object({ ...ConversationRef, keys: AttributeKeys }).strict(),
  }),
  async (c) => {
    const input = c.req.valid("json");
    const { access, conversation } = await sessionConversation(c, input);
    const remaining = await conversation.deleteCustomAttributes(access, input.keys, { type: "contact" });
    if (!remaining) throw notFound("Conversation");
    return c.json({ custom_attributes: remaining }, 200);
  },
);

const LabelInput = z
  .object({
    ...ConversationRef,
    label: z
      .string()
      .trim()
      .toLowerCase()
      .min(1)
      .max(100)
      .regex(/^[\p{L}\p{N}_-]+$/u),
  })
  .strict();

for (const change of ["add", "remove"] as const) {
  widgetSessions.openapi(
    sessionWriteRoute({
      path: `/conversation/labels/${change}`,
      summary: change === "add" ? "Label the visitor's conversation (setLabel)" : "Remove a label (removeLabel)",
      body: LabelInput,
    }),
    async (c) => {
      const input = c.req.valid("json");
      const { access, session, conversation } = await sessionConversation(c, input);
      const visitor = { type: "contact" as const, name: session.contact.name || "the visitor" };
      const result = await conversation.changeLabel(access, change, input.label, visitor, maxLabelsPerConversation(c.env));
      if (!result) throw notFound("Conversation");
      if ("tooManyLabels" in result) throw tooManyLabels(c.env, result.tooManyLabels, "label");
      return c.json({ labels: result.labels }, 200);
    },
  );
}
