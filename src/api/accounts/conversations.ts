/**
 * Application API: agents list, read and work conversations (Chatwoot's conversations, messages,
 * toggles, assignments, labels and custom attributes). Reads come from the Account object's index;
 * changes go to the conversation's own object, which publishes them to every subscriber.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { assignableAgent, inboxNameOf } from "../../db/queries";
import { teams } from "../../db/schema";
import { CONVERSATION_STATUSES, MessageType, PRIORITIES, type SenderRef } from "../../domain/conversation";
import { renderDraft, renderTemplate, templateContextFor } from "../../domain/template-variables";
import { accountObject } from "../../durable/addresses";
import type { Actor } from "../../durable/conversation";
import { AgentSchema, serializeAgents } from "../agents";
import { agentBotOf } from "../agent-bot-access";
import { userOf } from "../auth";
import { Attributes } from "../contact-input";
import { type AppEnv, createRouter } from "../context";
import { ApiError, errorResponses, notFound } from "../errors";
import { notifyMentions } from "../mentions";
import { checkContentAttributes, ContentTypeSchema, jsonTextResponse, multipartMessage, readMessageBody, storeMessageAttachments } from "../messages";
import { deleteStoredFiles } from "../../db/account-storage";
import { BodyId, Id, idParams } from "../schemas";
import { ConversationSchema, CountsSchema, ListQuery, listFilterOf } from "./conversation-lists";
import { userSecurity } from "./profile";
import { viewerOf } from "./viewer";
import { capLabels } from "../caps";
import { existingConversation } from "../known-ids";
import { CHANNEL_CLASSES } from "../../domain/chatwoot-payloads";
import { TemplateParams } from "../../domain/whatsapp-cloud";
import { whatsappReplyOf } from "./whatsapp-templates";
import { ensureMetaReplyWindow } from "../meta-reply-window";

const tags = ["Application: conversations"];
const security = userSecurity;
const conversationParams = idParams("account_id", "conversation_id");

const Json = z.record(z.string(), z.unknown());
const MessageSchema = Json.openapi("Message");

import { Label } from "../schemas";

export { Label };

const MessageInput = z
  .object({
    content: z.string().max(150_000).optional(),
    message_type: z.enum(["outgoing", "incoming"]).default("outgoing"),
    private: z.boolean().default(false),
    content_type: ContentTypeSchema.default("text"),
    content_attributes: z.record(z.string(), z.unknown()).optional(),
    echo_id: z.string().trim().min(1).max(128).optional(),
    template_params: TemplateParams.optional().openapi({
      description: "WhatsApp conversations: send an approved message template (Chatwoot's name, category, language, processed_params)",
    }),
  })
  .strict()
  .openapi("MessageInput");

/** The calling agent as the actor of a change. */
export async function actorOf(c: Context<AppEnv>): Promise<Actor> {
  // An agent bot hands over by opening the conversation: Parley itself acts, under the bot's name.
  const bot = agentBotOf(c);
  if (bot) return { type: "system", name: bot.name };
  const user = userOf(c);
  return { type: "user", id: user.id, name: user.name };
}

/** The conversation as the caller may see it, or 404. */
export async function visibleConversation(c: Context<AppEnv>, displayId: number) {
  const viewer = await viewerOf(c);
  const payload = await accountObject(c.env, c.var.membership.accountId).conversation(displayId, viewer);
  if (!payload) throw notFound("Conversation");
  return { viewer, payload };
}

/**
 * An agent's reply in an SMS conversation leaves as a text message (sms.send), unless its contact
 * answered STOP: then it is refused, 422 `contact_opted_out`, as the provider would refuse it.
 */
async function smsReplyTarget(c: Context<AppEnv>, displayId: number) {
  const { payload } = await visibleConversation(c, displayId);
  const isSms = payload.meta.channel === CHANNEL_CLASSES.sms;
  const optedOutAt = payload.meta.sender.additional_attributes.sms_opted_out_at;
  if (isSms && typeof optedOutAt === "string") {
    throw new ApiError(
      422,
      "contact_opted_out",
      `This contact opted out of text messages (they answered STOP on ${optedOutAt}); they must text START before they can be sent a reply.`,
      {
        sms_opted_out_at: optedOutAt,
      },
    );
  }
  // Messenger and Instagram: 422 outside_messaging_window beyond the 7 days Meta allows.
  await ensureMetaReplyWindow(c.env, c.var.membership.accountId, payload);
  return { payload, isSms };
}

export const TemplatePreviewSchema = z
  .object({
    content: z.string(),
    undefined_variables: z.array(z.object({ variable: z.string(), reason: z.enum(["missing", "unknown"]) })),
  })
  .openapi("TemplatePreview");

/**
 * `content` as an agent's draft in the conversation, with its template variables filled as
 * Chatwoot's dashboard fills them (`agent` is the assignee), and the variables left empty; 404 for
 * a conversation the caller does not see.
 */
export async function previewTemplate(c: Context<AppEnv>, displayId: number, content: string): Promise<z.infer<typeof TemplatePreviewSchema>> {
  const { payload } = await visibleConversation(c, displayId);
  const inbox = await inboxNameOf(c.var.db, c.var.membership.accountId, payload.inbox_id);
  const { text, undefinedVariables } = renderDraft(content, templateContextFor(payload, userOf(c), inbox));
  return { content: text, undefined_variables: undefinedVariables };
}

/** An outgoing message's text with its template variables rendered as Chatwoot's server renders them (`agent` is the sender). */
async function renderedContent(c: Context<AppEnv>, content: string, payload: ConversationPayloadOf, user: ReturnType<typeof userOf>) {
  const inbox = await inboxNameOf(c.var.db, c.var.membership.accountId, payload.inbox_id);
  return renderTemplate(content, templateContextFor(payload, user, inbox)).text;
}

type ConversationPayloadOf = Awaited<ReturnType<typeof visibleConversation>>["payload"];

export const accountConversations = createRouter();

accountConversations.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/conversations",
    tags,
    security,
    summary: "List conversations",
    description:
      "25 per page, open conversations with the most recent activity first unless `status` and `sort_by` say otherwise; " +
      "`meta` counts the same filters per assignee type. Each conversation carries its unread count and its last message.",
    request: { params: idParams("account_id"), query: ListQuery },
    responses: {
      200: {
        description: "A page of conversations",
        content: { "application/json": { schema: z.object({ data: z.object({ meta: CountsSchema, payload: z.array(ConversationSchema) }) }) } },
      },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const filter = await listFilterOf(c, c.req.valid("query"));
    const result = await accountObject(c.env, c.var.membership.accountId).listConversations(filter);
    return c.json({ data: { meta: result.counts, payload: result.payload } }, 200);
  },
);

accountConversations.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/conversations/{conversation_id}",
    tags,
    security,
    summary: "Show a conversation",
    request: { params: conversationParams },
    responses: {
      200: { description: "The conversation", content: { "application/json": { schema: ConversationSchema } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { conversation_id } = c.req.valid("param");
    return c.json((await visibleConversation(c, conversation_id)).payload, 200);
  },
);

accountConversations.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/conversations/{conversation_id}/messages",
    tags,
    security,
    summary: "List messages, private notes included",
    description: "The latest 20 (or 20 before `before`), or up to 100 after `after`, oldest first.",
    request: {
      params: conversationParams,
      query: z.object({ before: Id.optional(), after: Id.optional() }),
    },
    responses: {
      200: {
        description: "Messages",
        content: { "application/json": { schema: z.object({ meta: Json, payload: z.array(MessageSchema) }) } },
      },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { conversation_id } = c.req.valid("param");
    const { before, after } = c.req.valid("query");
    const { viewer, payload } = await visibleConversation(c, conversation_id);
    const messages = await accountObject(c.env, c.var.membership.accountId).messages(conversation_id, viewer, {
      before: before ?? null,
      after: after ?? null,
    });
    const meta = {
      labels: payload.labels,
      additional_attributes: payload.additional_attributes,
      contact: payload.meta.sender,
      assignee: payload.meta.assignee,
      agent_last_seen_at: payload.agent_last_seen_at,
      assignee_last_seen_at: payload.assignee_last_seen_at,
    };
    return c.json({ meta, payload: messages ?? [] }, 200);
  },
);

accountConversations.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/conversations/{conversation_id}/messages",
    tags,
    security,
    summary: "Send a message or a private note",
    description:
      "JSON, or multipart/form-data with files in `attachments[]`. `content_type` input_select, form, cards and " +
      "article take `content_attributes.items` as in Chatwoot. Template variables such as " +
      "`{{ contact.first_name || 'there' }}` in outgoing messages are filled in. A retried send with the same " +
      "`echo_id` creates one message.",
    request: {
      params: conversationParams,
      body: {
        required: false,
        content: {
          "application/json": { schema: MessageInput },
          ...multipartMessage({
            content: { type: "string" },
            message_type: { type: "string" },
            private: { type: "boolean" },
            echo_id: { type: "string" },
          }),
        },
      },
    },
    responses: {
      200: { description: "The message", content: { "application/json": { schema: MessageSchema } } },
      ...errorResponses(400, 401, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const { conversation_id } = c.req.valid("param");
    const { input, files } = await readMessageBody(c, MessageInput);
    const content = input.content?.trim() ? input.content : null;
    if (content === null && files.length === 0 && input.content_type === "text" && !input.template_params) {
      throw new ApiError(422, "validation_failed", "A message needs content or attachments.", [{ field: "content", message: "can't be blank", code: "blank" }]);
    }
    const contentAttributes = checkContentAttributes(input.content_type, input.content_attributes);
    const accountId = c.var.membership.accountId;
    // An agent bot answers as itself (Chatwoot's sender_type AgentBot); its text is sent as written.
    const bot = agentBotOf(c);
    const user = bot ? null : userOf(c);
    const author: SenderRef = user ? { type: "user", id: user.id } : bot ? { type: "agent_bot", id: bot.id } : null;
    const outgoing = input.message_type === "outgoing";
    const viewer = await viewerOf(c);
    // The conversation's payload is needed to fill template variables, and for a reply that leaves as an SMS.
    const smsReply = outgoing && !input.private ? await smsReplyTarget(c, conversation_id) : null;
    // A WhatsApp reply outside the 24-hour window is refused; a template message takes its text from the template.
    const whatsappReply = smsReply ? await whatsappReplyOf(c, smsReply.payload, input.template_params) : null;
    if (!smsReply && input.template_params) throw new ApiError(422, "not_for_channel_type", "template_params are for outgoing WhatsApp messages only.");
    const rendered =
      outgoing && content && user && /\{[{%]/.test(content)
        ? await renderedContent(c, content, smsReply?.payload ?? (await visibleConversation(c, conversation_id)).payload, user)
        : content;
    const conversation = await existingConversation(c.env, accountId, conversation_id);
    const attachments = await storeMessageAttachments(c, accountId, conversation_id, { inboxIds: viewer.inboxIds }, files);
    const result = await conversation.addMessage(
      { inboxIds: viewer.inboxIds },
      {
        messageType: outgoing ? MessageType.outgoing : MessageType.incoming,
        content: whatsappReply?.content ?? rendered,
        contentType: input.content_type,
        contentAttributes: whatsappReply ? { ...contentAttributes, ...whatsappReply.contentAttributes } : contentAttributes,
        private: outgoing && input.private,
        echoId: input.echo_id ?? null,
        sourceId: null,
        attachments,
      },
      outgoing ? author : { type: "contact" },
    );
    if (!result) {
      await deleteStoredFiles(c.env, accountId, attachments);
      throw notFound("Conversation");
    }
    // The reply leaves on the inbox's channel from the message's own event (src/jobs/outbound.ts), however it was written.
    if (outgoing && input.private && rendered && user) {
      // The note is stored whatever happens to its notifications.
      await notifyMentions(c.env, { accountId, displayId: conversation_id, messageId: result.message.id, content: rendered, author: user }).catch(
        (error: unknown) => console.error("mention notifications failed", error),
      );
    }
    if (result.payloadJson) return jsonTextResponse(c, result.payloadJson);
    return c.json((await accountObject(c.env, accountId).message(conversation_id, viewer, result.message.id)) ?? {}, 200);
  },
);

accountConversations.openapi(
  createRoute({
    method: "delete",
    path: "/{account_id}/conversations/{conversation_id}/messages/{message_id}",
    tags,
    security,
    summary: "Delete a message",
    description:
      'As Chatwoot does: the message stays in its place reading "This message was deleted", with ' +
      "`content_attributes.deleted: true`, its attachments removed; message.updated tells everyone who sees it, and " +
      "search no longer finds its text. Activity messages cannot be deleted.",
    request: { params: idParams("account_id", "conversation_id", "message_id") },
    responses: {
      200: { description: "The deleted message", content: { "application/json": { schema: MessageSchema } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { conversation_id, message_id } = c.req.valid("param");
    const accountId = c.var.membership.accountId;
    const viewer = await viewerOf(c);
    const result = await (await existingConversation(c.env, accountId, conversation_id)).deleteMessage({ inboxIds: viewer.inboxIds }, message_id, userOf(c).id);
    if (!result) throw notFound("Message");
    await deleteStoredFiles(c.env, accountId, result.attachments);
    if (result.payloadJson) return jsonTextResponse(c, result.payloadJson);
    return c.json((await accountObject(c.env, accountId).message(conversation_id, viewer, message_id)) ?? {}, 200);
  },
);

accountConversations.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/conversations/{conversation_id}/template_preview",
    tags,
    security,
    summary: "Fill the template variables of a draft and list the undefined ones",
    description: "What an outgoing message would read, and the variables that would render empty (Chatwoot's warning).",
    request: {
      params: conversationParams,
      body: { required: true, content: { "application/json": { schema: z.object({ content: z.string().max(150_000) }).strict() } } },
    },
    responses: {
      200: { description: "The rendered draft", content: { "application/json": { schema: TemplatePreviewSchema } } },
      ...errorResponses(400, 401, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const { conversation_id } = c.req.valid("param");
    const { content } = c.req.valid("json");
    return c.json(await previewTemplate(c, conversation_id, content), 200);
  },
);

const ToggleStatusInput = z
  .object({
    status: z.enum(CONVERSATION_STATUSES).optional(),
    snoozed_until: z.number().int().positive().nullable().optional().openapi({ description: "Unix seconds; with status snoozed" }),
  })
  .strict()
  .refine((input) => input.status === "snoozed" || input.snoozed_until == null, {
    message: "snoozed_until goes with status snoozed",
    path: ["snoozed_until"],
  });

accountConversations.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/conversations/{conversation_id}/toggle_status",
    tags,
    security,
    summary: "Change the status (open, resolved, pending, snoozed)",
    description: "Without `status`, resolves an open conversation and reopens any other. A snoozed conversation reopens at `snoozed_until`.",
    request: { params: conversationParams, body: { required: false, content: { "application/json": { schema: ToggleStatusInput } } } },
    responses: {
      200: {
        description: "The new status",
        content: {
          "application/json": {
            schema: z.object({ meta: Json, payload: z.object({ success: z.boolean(), current_status: z.string(), conversation_id: z.number() }) }),
          },
        },
      },
      ...errorResponses(400, 401, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const { conversation_id } = c.req.valid("param");
    const input = c.req.valid("json") ?? {};
    const { viewer, payload } = await visibleConversation(c, conversation_id);
    const status = input.status ?? (payload.status === "open" ? "resolved" : "open");
    if (status === "snoozed" && input.snoozed_until != null && input.snoozed_until * 1000 <= Date.now()) {
      throw new ApiError(422, "validation_failed", "snoozed_until must be in the future.", [
        { field: "snoozed_until", message: "must be in the future", code: "too_small" },
      ]);
    }
    const result = await (await existingConversation(c.env, c.var.membership.accountId, conversation_id)).toggleStatus(
      { inboxIds: viewer.inboxIds },
      status,
      status === "snoozed" ? (input.snoozed_until ?? null) : null,
      await actorOf(c),
    );
    if (!result) throw notFound("Conversation");
    return c.json({ meta: {}, payload: { success: true, current_status: result.state.status, conversation_id } }, 200);
  },
);

accountConversations.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/conversations/{conversation_id}/toggle_priority",
    tags,
    security,
    summary: "Set or clear the priority",
    request: {
      params: conversationParams,
      body: { required: true, content: { "application/json": { schema: z.object({ priority: z.enum(PRIORITIES).nullable() }).strict() } } },
    },
    responses: {
      200: { description: "The conversation", content: { "application/json": { schema: ConversationSchema } } },
      ...errorResponses(400, 401, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const { conversation_id } = c.req.valid("param");
    const { priority } = c.req.valid("json");
    const { viewer, payload } = await visibleConversation(c, conversation_id);
    const result = await (await existingConversation(c.env, c.var.membership.accountId, conversation_id)).togglePriority(
      { inboxIds: viewer.inboxIds },
      priority,
      await actorOf(c),
    );
    if (!result) throw notFound("Conversation");
    return c.json(result.payload ?? payload, 200);
  },
);

const AssignmentInput = z
  .object({
    assignee_id: BodyId.nullable().optional(),
    team_id: BodyId.nullable().optional(),
  })
  .strict()
  .refine((input) => (input.assignee_id !== undefined) !== (input.team_id !== undefined), {
    message: "Send either assignee_id or team_id (null to unassign).",
    path: ["assignee_id"],
  });

accountConversations.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/conversations/{conversation_id}/assignments",
    tags,
    security,
    summary: "Assign an agent or a team",
    description:
      "`{assignee_id}` assigns an agent (an administrator or a member of the conversation's inbox); `{team_id}` a team of " +
      "the account; null unassigns. Answers the assignee, the team, or null.",
    request: { params: conversationParams, body: { required: true, content: { "application/json": { schema: AssignmentInput } } } },
    responses: {
      200: {
        description: "The assignee or team",
        content: { "application/json": { schema: z.union([AgentSchema, z.object({ id: z.number(), name: z.string() }), z.null()]) } },
      },
      ...errorResponses(400, 401, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const { conversation_id } = c.req.valid("param");
    const input = c.req.valid("json");
    const accountId = c.var.membership.accountId;
    const { viewer, payload } = await visibleConversation(c, conversation_id);
    const conversation = await existingConversation(c.env, accountId, conversation_id);
    const access = { inboxIds: viewer.inboxIds };
    if (input.assignee_id !== undefined) {
      const assignee = input.assignee_id === null ? null : await assignableAgentOf(c, input.assignee_id, payload.inbox_id);
      const result = await conversation.assignAgent(access, assignee ? { id: assignee.id, name: assignee.name } : null, await actorOf(c));
      if (!result) throw notFound("Conversation");
      return c.json(assignee ? ((await serializeAgents(c, [assignee]))[0] ?? null) : null, 200);
    }
    const team = input.team_id == null ? null : await accountTeam(c, input.team_id);
    const result = await conversation.assignTeam(access, team, payload.meta.team?.name ?? null, await actorOf(c));
    if (!result) throw notFound("Conversation");
    return c.json(team, 200);
  },
);

/** An agent who may take the conversation: an administrator, or a member of its inbox. */
async function assignableAgentOf(c: Context<AppEnv>, userId: number, inboxId: number) {
  const agent = await assignableAgent(c.var.db, c.var.membership.accountId, userId, inboxId);
  if (!agent) throw assigneeError(userId);
  return agent;
}

const assigneeError = (userId: number) =>
  new ApiError(422, "validation_failed", "The assignee must be an administrator or a member of the conversation's inbox.", [
    { field: "assignee_id", message: `User ${userId} cannot be assigned this conversation.`, code: "not_assignable" },
  ]);

async function accountTeam(c: Context<AppEnv>, teamId: number) {
  const [team] = await c.var.db
    .select({ id: teams.id, name: teams.name })
    .from(teams)
    .where(and(eq(teams.id, teamId), eq(teams.accountId, c.var.membership.accountId)));
  if (!team) {
    throw new ApiError(422, "validation_failed", "The team does not exist in this account.", [
      { field: "team_id", message: `Team ${teamId} is not a team of this account.`, code: "not_found" },
    ]);
  }
  return team;
}

accountConversations.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/conversations/{conversation_id}/labels",
    tags,
    security,
    summary: "The conversation's labels",
    request: { params: conversationParams },
    responses: {
      200: { description: "Labels", content: { "application/json": { schema: z.object({ payload: z.array(z.string()) }) } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { conversation_id } = c.req.valid("param");
    return c.json({ payload: (await visibleConversation(c, conversation_id)).payload.labels }, 200);
  },
);

accountConversations.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/conversations/{conversation_id}/labels",
    tags,
    security,
    summary: "Replace the conversation's labels",
    request: {
      params: conversationParams,
      body: { required: true, content: { "application/json": { schema: z.object({ labels: z.array(Label).max(100) }).strict() } } },
    },
    responses: {
      200: { description: "Labels", content: { "application/json": { schema: z.object({ payload: z.array(z.string()) }) } } },
      ...errorResponses(400, 401, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const { conversation_id } = c.req.valid("param");
    const { labels } = c.req.valid("json");
    capLabels(c.env, labels);
    const { viewer } = await visibleConversation(c, conversation_id);
    const result = await (await existingConversation(c.env, c.var.membership.accountId, conversation_id)).setLabels(
      { inboxIds: viewer.inboxIds },
      labels,
      await actorOf(c),
    );
    if (!result) throw notFound("Conversation");
    return c.json({ payload: result }, 200);
  },
);

accountConversations.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/conversations/{conversation_id}/custom_attributes",
    tags,
    security,
    summary: "Replace the conversation's custom attributes",
    request: {
      params: conversationParams,
      body: { required: true, content: { "application/json": { schema: z.object({ custom_attributes: Attributes }).strict() } } },
    },
    responses: {
      200: { description: "The custom attributes", content: { "application/json": { schema: z.object({ custom_attributes: Json }) } } },
      ...errorResponses(400, 401, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const { conversation_id } = c.req.valid("param");
    const { custom_attributes } = c.req.valid("json");
    const { viewer } = await visibleConversation(c, conversation_id);
    const result = await (await existingConversation(c.env, c.var.membership.accountId, conversation_id)).setCustomAttributes(
      { inboxIds: viewer.inboxIds },
      custom_attributes,
      // An agent bot may set them too (Chatwoot's bot routes); Parley itself acts for it.
      agentBotOf(c) ? { type: "system" } : { type: "user", userId: userOf(c).id },
    );
    if (!result) throw notFound("Conversation");
    return c.json({ custom_attributes: result }, 200);
  },
);

accountConversations.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/conversations/{conversation_id}/toggle_typing_status",
    tags,
    security,
    summary: "Tell the others the agent is typing",
    description: "`is_private: true` (typing a private note) reaches only agents.",
    request: {
      params: conversationParams,
      body: {
        required: true,
        content: {
          "application/json": { schema: z.object({ typing_status: z.enum(["on", "off"]), is_private: z.boolean().default(false) }).strict() },
        },
      },
    },
    responses: { 200: { description: "Sent" }, ...errorResponses(400, 401, 404, 413, 415, 422) },
  }),
  async (c) => {
    const { conversation_id } = c.req.valid("param");
    const { typing_status, is_private } = c.req.valid("json");
    await visibleConversation(c, conversation_id);
    await accountObject(c.env, c.var.membership.accountId).typing(
      conversation_id,
      { type: "user", userId: userOf(c).id, viewer: await viewerOf(c) },
      typing_status === "on",
      is_private,
    );
    return c.json({}, 200);
  },
);

accountConversations.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/conversations/{conversation_id}/update_last_seen",
    tags,
    security,
    summary: "Mark the conversation seen by the agent",
    description: "Answers the conversation as it is now (its `unread_count` and `agent_last_seen_at`), which Chatwoot's mobile app reads.",
    request: { params: conversationParams },
    responses: {
      200: { description: "The conversation", content: { "application/json": { schema: ConversationSchema } } },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { conversation_id } = c.req.valid("param");
    const { viewer, payload } = await visibleConversation(c, conversation_id);
    await (await existingConversation(c.env, c.var.membership.accountId, conversation_id)).updateLastSeen(
      { inboxIds: viewer.inboxIds },
      payload.assignee_id === viewer.userId ? "assignee" : "agent",
    );
    return c.json((await visibleConversation(c, conversation_id)).payload, 200);
  },
);
