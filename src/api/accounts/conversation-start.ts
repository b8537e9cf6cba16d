/**
 * Application API: `POST /api/v1/accounts/:account_id/conversations`, Chatwoot's way for an agent
 * (or an agent bot, or an integration with a user's token) to start a conversation with a contact in
 * an inbox: by the contact's `source_id` there, or by `contact_id` (a session in the inbox is made
 * when it has none), optionally assigned, with a first outgoing message.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { initialConversationStatus } from "../../db/inbox-listeners";
import { assignableAgent } from "../../db/queries";
import { inboxes, teams } from "../../db/schema";
import { CONVERSATION_STATUSES, MessageType, type SenderRef } from "../../domain/conversation";
import type { EventOrigin } from "../../domain/events";
import { accountObject, conversationObject } from "../../durable/addresses";
import { agentBotOf } from "../agent-bot-access";
import { userOf } from "../auth";
import { capCustomAttributes } from "../caps";
import { Attributes } from "../contact-input";
import { type AppEnv, createRouter } from "../context";
import { ApiError, errorResponses, notFound } from "../errors";
import { BodyId, idParams } from "../schemas";
import { ConversationSchema } from "./conversation-lists";
import { actorOf } from "./conversations";
import { userSecurity } from "./profile";
import { viewerOf } from "./viewer";

const tags = ["Application: conversations"];

const StartInput = z
  .object({
    inbox_id: BodyId,
    source_id: z.string().trim().min(1).max(255).optional().openapi({ description: "The contact's session in the inbox (Chatwoot's contact_inbox source_id)" }),
    contact_id: BodyId.optional().openapi({ description: "Without source_id: the contact, given a session in the inbox when it has none" }),
    status: z.enum(CONVERSATION_STATUSES).optional().openapi({ description: "Defaults to open, or pending when an agent bot answers the inbox" }),
    assignee_id: BodyId.optional(),
    team_id: BodyId.optional(),
    additional_attributes: Attributes.optional(),
    custom_attributes: Attributes.optional(),
    message: z
      .object({ content: z.string().trim().min(1).max(150_000) })
      .strict()
      .optional()
      .openapi({ description: "A first message, sent to the contact by the caller" }),
  })
  .strict()
  .refine((input) => input.source_id !== undefined || input.contact_id !== undefined, {
    message: "Send the contact's source_id in the inbox, or its contact_id.",
    path: ["source_id"],
  })
  .openapi("ConversationStartInput");

const invalid = (field: string, message: string, code = "invalid") =>
  new ApiError(422, "validation_failed", "The request body is not valid.", [{ field, message, code }]);

/** The caller as who started the conversation: a user, or the system on behalf of an agent bot. */
function originOfCaller(c: Context<AppEnv>): EventOrigin {
  return agentBotOf(c) ? { type: "system" } : { type: "user", userId: userOf(c).id };
}

function senderOfCaller(c: Context<AppEnv>): SenderRef {
  const bot = agentBotOf(c);
  return bot ? { type: "agent_bot", id: bot.id } : { type: "user", id: userOf(c).id };
}

/** The contact's source_id in the inbox: the one given, or the contact's session there (made when missing). */
async function sourceIdOf(c: Context<AppEnv>, inboxId: number, input: { source_id?: string; contact_id?: number }): Promise<string> {
  if (input.source_id) return input.source_id;
  const contactId = input.contact_id;
  if (contactId === undefined) throw invalid("source_id", "Send the contact's source_id in the inbox, or its contact_id.");
  const account = accountObject(c.env, c.var.membership.accountId);
  const existing = (await account.contactInboxesOf(contactId)).find((session) => session.inboxId === inboxId);
  if (existing) return existing.sourceId;
  const created = await account.createContactInbox(contactId, inboxId, crypto.randomUUID());
  if (created === null) throw invalid("contact_id", `Contact ${contactId} is not a contact of this account.`, "not_found");
  if ("conflict" in created) throw invalid("contact_id", "The contact could not be given a session in the inbox.", "conflict");
  return created.sourceId;
}

export const accountConversationStart = createRouter();

accountConversationStart.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/conversations",
    tags,
    security: userSecurity,
    summary: "Start a conversation with a contact in an inbox",
    description:
      "Chatwoot's create conversation: the contact by its `source_id` in the inbox or by `contact_id`, optionally assigned to an agent " +
      "or a team, with a first outgoing `message`. Agents start conversations in their inboxes; an agent bot in the inboxes it answers.",
    request: { params: idParams("account_id"), body: { required: true, content: { "application/json": { schema: StartInput } } } },
    responses: {
      200: { description: "The new conversation", content: { "application/json": { schema: ConversationSchema } } },
      ...errorResponses(400, 401, 404, 413, 415, 422),
    },
  }),
  async (c) => {
    const input = c.req.valid("json");
    const accountId = c.var.membership.accountId;
    if (input.custom_attributes) capCustomAttributes(c.env, "conversation", input.custom_attributes);
    const viewer = await viewerOf(c);
    const inbox = await c.var.db.query.inboxes.findFirst({
      where: and(eq(inboxes.id, input.inbox_id), eq(inboxes.accountId, accountId)),
      columns: { id: true },
    });
    if (!inbox || (viewer.inboxIds !== null && !viewer.inboxIds.includes(inbox.id)))
      throw invalid("inbox_id", `Inbox ${input.inbox_id} is not an inbox you can reach.`, "not_found");
    const assignee = input.assignee_id === undefined ? null : await assignableAgent(c.var.db, accountId, input.assignee_id, inbox.id);
    if (input.assignee_id !== undefined && !assignee)
      throw invalid("assignee_id", `User ${input.assignee_id} cannot be assigned conversations of this inbox.`, "not_assignable");
    const team =
      input.team_id === undefined
        ? null
        : ((await c.var.db.query.teams.findFirst({
            where: and(eq(teams.id, input.team_id), eq(teams.accountId, accountId)),
            columns: { id: true, name: true },
          })) ?? null);
    if (input.team_id !== undefined && !team) throw invalid("team_id", `Team ${input.team_id} is not a team of this account.`, "not_found");

    const sourceId = await sourceIdOf(c, inbox.id, input);
    const account = accountObject(c.env, accountId);
    const seed = await account.reserveConversation({
      inboxId: inbox.id,
      sourceId,
      customAttributes: input.custom_attributes ?? {},
      additionalAttributes: input.additional_attributes ?? {},
      status: input.status === "open" || input.status === "pending" ? input.status : await initialConversationStatus(c.env.DB, inbox.id),
    });
    if (!seed) throw invalid("source_id", "No contact has this source_id in the inbox.", "not_found");
    const conversation = conversationObject(c.env, accountId, seed.displayId);
    await conversation.start(seed, originOfCaller(c));
    const access = { inboxIds: viewer.inboxIds };
    const actor = await actorOf(c);
    if (assignee) await conversation.assignAgent(access, { id: assignee.id, name: assignee.name }, actor);
    if (team) await conversation.assignTeam(access, team, null, actor);
    if (input.status === "resolved" || input.status === "snoozed") await conversation.toggleStatus(access, input.status, null, actor);
    if (input.message) {
      await conversation.addMessage(
        access,
        {
          messageType: MessageType.outgoing,
          content: input.message.content,
          contentType: "text",
          contentAttributes: {},
          private: false,
          echoId: null,
          sourceId: null,
          attachments: [],
        },
        senderOfCaller(c),
      );
    }
    const payload = await account.conversation(seed.displayId, viewer);
    if (!payload) throw notFound("Conversation");
    return c.json(payload, 200);
  },
);
