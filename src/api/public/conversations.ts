/** Client API: the contact session's conversations and their messages (Chatwoot's public conversations and messages). */
import { createRoute, z } from "@hono/zod-openapi";
import { MessageType } from "../../domain/conversation";
import { accountObject, conversationObject } from "../../durable/addresses";
import { createRouter } from "../context";
import { ApiError, errorResponses, notFound } from "../errors";
import { jsonTextResponse, multipartMessage, readMessageBody, storeMessageAttachments } from "../messages";
import { deleteStoredFiles } from "../../db/account-storage";
import { Id } from "../schemas";
import { Attributes } from "../contact-input";
import { contactSessionOf, contactViewer, conversationParams, sessionParams, sessionRef, tags } from "./session";
import { capCustomAttributes, conversationsCapped, maxConversationsPerSession } from "../caps";
import { existingConversation } from "../known-ids";
import { limitedRoute } from "../limits";
import { answerTemplateMessage } from "./template-answers";
import { initialConversationStatus } from "../../db/inbox-listeners";

const Json = z.record(z.string(), z.unknown());
const ConversationSchema = Json.openapi("PublicConversation", { description: "Chatwoot's public conversation object" });
const MessageSchema = Json.openapi("Message", { description: "Chatwoot's message object" });

const ConversationInput = z.object({ custom_attributes: Attributes.optional() }).strict().openapi("PublicConversationInput");

const MessageInput = z
  .object({
    content: z.string().max(150_000).optional(),
    echo_id: z.string().trim().min(1).max(128).optional().openapi({ description: "Client id: a retried send with the same echo_id creates one message" }),
  })
  .strict()
  .refine((input) => input.content === undefined || input.content.trim() !== "", { message: "content must not be blank", path: ["content"] })
  .openapi("PublicMessageInput");

const SubmittedValue = z
  .object({
    name: z.string().max(100).optional(),
    title: z.string().max(1000).optional(),
    value: z.union([z.string().max(10_000), z.number(), z.boolean()]),
  })
  .strict();
/** Chatwoot's answers to its template messages: a CSAT rating (input_csat) or an email (input_email). */
const TemplateAnswerInput = z
  .object({
    csat_survey_response: z
      .object({ rating: z.number().int().min(1).max(5), feedback_message: z.string().max(2_000).nullable().optional() })
      .strict()
      .optional(),
    email: z.string().trim().max(320).optional(),
  })
  .strict()
  .refine((answer) => (answer.csat_survey_response === undefined) !== (answer.email === undefined), { message: "Expected csat_survey_response or email." });
const MessageUpdateInput = z
  .object({
    submitted_values: z.union([z.array(SubmittedValue).min(1).max(100), TemplateAnswerInput]).openapi({
      description: "Interactive messages: a list of values; input_csat: `{csat_survey_response: {rating, feedback_message}}`; input_email: `{email}`",
    }),
  })
  .strict()
  .openapi("PublicMessageUpdateInput");

const PageQuery = z.object({
  before: Id.optional().openapi({ description: "Messages older than this message id" }),
  after: Id.optional().openapi({ description: "Messages newer than this message id (catch-up after a reconnect)" }),
});

const messageParams = conversationParams.extend({ message_id: Id.openapi({ param: { name: "message_id", in: "path" } }) });

export const publicConversations = createRouter();

publicConversations.openapi(
  limitedRoute(
    createRoute({
      method: "get",
      path: "/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations",
      tags,
      summary: "List the session's conversations",
      request: { params: sessionParams },
      responses: {
        200: {
          description: "Conversations, newest first, each with its latest message",
          content: { "application/json": { schema: z.array(ConversationSchema) } },
        },
        ...errorResponses(400, 404),
      },
    }),
    "public_read.address",
  ),
  async (c) => {
    const { inbox_identifier, contact_identifier } = c.req.valid("param");
    const ref = await sessionRef(c, inbox_identifier, contact_identifier);
    const conversations = await accountObject(c.env, ref.accountId).sessionConversations(ref.access.inboxId, ref.access.sourceId);
    if (!conversations) throw notFound("Contact");
    return c.json(conversations, 200);
  },
);

publicConversations.openapi(
  limitedRoute(
    createRoute({
      method: "post",
      path: "/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations",
      tags,
      summary: "Start a conversation",
      request: {
        params: sessionParams,
        body: { required: false, content: { "application/json": { schema: ConversationInput } } },
      },
      responses: {
        200: { description: "The new conversation", content: { "application/json": { schema: ConversationSchema } } },
        ...errorResponses(400, 404, 413, 415, 422),
      },
    }),
    "public_create.address",
    "public_create.website_token",
    "widget_conversations.address",
  ),
  async (c) => {
    const { inbox_identifier, contact_identifier } = c.req.valid("param");
    const input = c.req.valid("json") ?? {};
    if (input.custom_attributes) capCustomAttributes(c.env, "conversation", input.custom_attributes);
    const ref = await sessionRef(c, inbox_identifier, contact_identifier);
    const account = accountObject(c.env, ref.accountId);
    const reserved = await account.reserveSessionConversation(
      {
        ...ref.access,
        customAttributes: input.custom_attributes ?? {},
        additionalAttributes: {},
        status: await initialConversationStatus(c.env.DB, ref.access.inboxId),
      },
      maxConversationsPerSession(c.env),
    );
    if (!reserved) throw notFound("Contact");
    if ("capped" in reserved) throw conversationsCapped(c.env, reserved.capped);
    const { seed } = reserved;
    await conversationObject(c.env, ref.accountId, seed.displayId).start(seed, { type: "contact" });
    const conversation = await account.sessionConversation(ref.access.inboxId, ref.access.sourceId, seed.displayId);
    if (!conversation) throw new Error("conversation was not indexed after starting");
    return c.json(conversation, 200);
  },
);

publicConversations.openapi(
  limitedRoute(
    createRoute({
      method: "get",
      path: "/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations/{conversation_id}",
      tags,
      summary: "Show a conversation with its latest messages",
      request: { params: conversationParams },
      responses: {
        200: { description: "The conversation", content: { "application/json": { schema: ConversationSchema } } },
        ...errorResponses(400, 404),
      },
    }),
    "public_read.address",
  ),
  async (c) => {
    const { inbox_identifier, contact_identifier, conversation_id } = c.req.valid("param");
    const ref = await sessionRef(c, inbox_identifier, contact_identifier);
    const conversation = await accountObject(c.env, ref.accountId).sessionConversation(ref.access.inboxId, ref.access.sourceId, conversation_id);
    if (!conversation) throw notFound("Conversation");
    return c.json(conversation, 200);
  },
);

publicConversations.openapi(
  limitedRoute(
    createRoute({
      method: "post",
      path: "/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations/{conversation_id}/toggle_status",
      tags,
      summary: "Resolve the conversation, or reopen it when resolved",
      request: { params: conversationParams },
      responses: {
        200: { description: "The conversation", content: { "application/json": { schema: ConversationSchema } } },
        ...errorResponses(400, 404),
      },
    }),
    "public_write.address",
    "session_write.session",
  ),
  async (c) => {
    const { inbox_identifier, contact_identifier, conversation_id } = c.req.valid("param");
    const { inbox, session } = await contactSessionOf(c, inbox_identifier, contact_identifier);
    const access = { inboxId: inbox.id, sourceId: session.contactInbox.sourceId };
    const conversation = await existingConversation(c.env, inbox.accountId, conversation_id);
    const toggled = await conversation.toggleResolved(access, { type: "contact", name: session.contact.name || "the contact" });
    if (!toggled) throw notFound("Conversation");
    const payload = await accountObject(c.env, inbox.accountId).sessionConversation(inbox.id, session.contactInbox.sourceId, conversation_id);
    return c.json(payload ?? {}, 200);
  },
);

publicConversations.openapi(
  limitedRoute(
    createRoute({
      method: "post",
      path: "/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations/{conversation_id}/toggle_typing",
      tags,
      summary: "Tell the agents the contact is typing",
      request: {
        params: conversationParams,
        body: { required: true, content: { "application/json": { schema: z.object({ typing_status: z.enum(["on", "off"]) }).strict() } } },
      },
      responses: { 200: { description: "Sent" }, ...errorResponses(400, 404, 413, 415, 422) },
    }),
    "public_write.address",
    "session_typing.session",
  ),
  async (c) => {
    const { inbox_identifier, contact_identifier, conversation_id } = c.req.valid("param");
    const { typing_status } = c.req.valid("json");
    const ref = await sessionRef(c, inbox_identifier, contact_identifier);
    const sent = await accountObject(c.env, ref.accountId).typing(
      conversation_id,
      { type: "contact", viewer: contactViewer(ref) },
      typing_status === "on",
      false,
    );
    if (!sent) throw notFound("Conversation");
    return c.json({}, 200);
  },
);

publicConversations.openapi(
  limitedRoute(
    createRoute({
      method: "post",
      path: "/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations/{conversation_id}/update_last_seen",
      tags,
      summary: "Mark the conversation read by the contact",
      request: { params: conversationParams },
      responses: { 200: { description: "Marked" }, ...errorResponses(400, 404) },
    }),
    "public_write.address",
  ),
  async (c) => {
    const { inbox_identifier, contact_identifier, conversation_id } = c.req.valid("param");
    const ref = await sessionRef(c, inbox_identifier, contact_identifier);
    const result = await (await existingConversation(c.env, ref.accountId, conversation_id)).updateLastSeen(ref.access, "contact");
    if (!result) throw notFound("Conversation");
    return c.json({}, 200);
  },
);

publicConversations.openapi(
  limitedRoute(
    createRoute({
      method: "get",
      path: "/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations/{conversation_id}/messages",
      tags,
      summary: "List messages",
      description: "The latest 20 (or 20 before `before`), or up to 100 after `after`, oldest first. Private notes are never included.",
      request: { params: conversationParams, query: PageQuery },
      responses: {
        200: { description: "Messages", content: { "application/json": { schema: z.array(MessageSchema) } } },
        ...errorResponses(400, 404),
      },
    }),
    "public_read.address",
  ),
  async (c) => {
    const { inbox_identifier, contact_identifier, conversation_id } = c.req.valid("param");
    const { before, after } = c.req.valid("query");
    const ref = await sessionRef(c, inbox_identifier, contact_identifier);
    const messages = await accountObject(c.env, ref.accountId).messages(conversation_id, contactViewer(ref), {
      before: before ?? null,
      after: after ?? null,
    });
    if (!messages) throw notFound("Conversation");
    return c.json(messages, 200);
  },
);

publicConversations.openapi(
  limitedRoute(
    createRoute({
      method: "post",
      path: "/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations/{conversation_id}/messages",
      tags,
      summary: "Send a message as the contact",
      description: "JSON, or multipart/form-data with `content`, `echo_id` and files in `attachments[]`.",
      request: {
        params: conversationParams,
        body: {
          required: false,
          content: {
            "application/json": { schema: MessageInput },
            ...multipartMessage({ content: { type: "string" }, echo_id: { type: "string" } }),
          },
        },
      },
      responses: {
        200: { description: "The message", content: { "application/json": { schema: MessageSchema } } },
        ...errorResponses(400, 404, 413, 415, 422),
      },
    }),
    "public_write.address",
    "session_message.session",
    "session_upload.session",
  ),
  async (c) => {
    const { inbox_identifier, contact_identifier, conversation_id } = c.req.valid("param");
    const { input, files } = await readMessageBody(c, MessageInput);
    if (!input.content && files.length === 0) {
      throw new ApiError(422, "validation_failed", "A message needs content or attachments.", [{ field: "content", message: "can't be blank", code: "blank" }]);
    }
    const ref = await sessionRef(c, inbox_identifier, contact_identifier);
    const conversation = await existingConversation(c.env, ref.accountId, conversation_id);
    const attachments = await storeMessageAttachments(c, ref.accountId, conversation_id, ref.access, files);
    const result = await conversation.addMessage(
      ref.access,
      {
        messageType: MessageType.incoming,
        content: input.content ?? null,
        contentType: "text",
        contentAttributes: {},
        private: false,
        echoId: input.echo_id ?? null,
        sourceId: null,
        attachments,
      },
      { type: "contact" },
    );
    if (!result) {
      await deleteStoredFiles(c.env, ref.accountId, attachments);
      throw notFound("Conversation");
    }
    if (result.payloadJson) return jsonTextResponse(c, result.payloadJson);
    return c.json((await accountObject(c.env, ref.accountId).message(conversation_id, contactViewer(ref), result.message.id)) ?? {}, 200);
  },
);

publicConversations.openapi(
  limitedRoute(
    createRoute({
      method: "patch",
      path: "/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations/{conversation_id}/messages/{message_id}",
      tags,
      summary: "Answer an interactive or template message",
      description:
        "Stores the contact's `submitted_values` on an input_select, form or cards message, a CSAT survey (input_csat, answered once; " +
        "the answer lands in csat_survey_responses) or an email box (input_email, the email stored on the contact as their own claim), " +
        "and emits message.updated.",
      request: { params: messageParams, body: { required: true, content: { "application/json": { schema: MessageUpdateInput } } } },
      responses: {
        200: { description: "The updated message", content: { "application/json": { schema: MessageSchema } } },
        ...errorResponses(400, 404, 409, 413, 415, 422),
      },
    }),
    "public_write.address",
    "session_message.session",
  ),
  async (c) => {
    const { inbox_identifier, contact_identifier, conversation_id, message_id } = c.req.valid("param");
    const { submitted_values } = c.req.valid("json");
    if (!Array.isArray(submitted_values))
      return answerTemplateMessage(c, { inbox_identifier, contact_identifier, conversation_id, message_id }, submitted_values);
    const ref = await sessionRef(c, inbox_identifier, contact_identifier);
    const result = await (await existingConversation(c.env, ref.accountId, conversation_id)).submitValues(ref.access, message_id, submitted_values);
    if (result === "not_found") throw notFound("Message");
    if (result === "not_interactive") {
      throw new ApiError(422, "validation_failed", "Only input_select, form and cards messages take submitted_values.", [
        { field: "submitted_values", message: "not an interactive message", code: "not_interactive" },
      ]);
    }
    return jsonTextResponse(c, result.payloadJson ?? "{}");
  },
);
