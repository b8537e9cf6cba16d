/**
 * Application API: what Chatwoot's mobile app and dashboard do to one conversation beside its
 * status: `POST .../conversations/:id/mute` (resolved, and the contact's new messages do not
 * reopen it), `unmute`, and `unread` (seen just before the contact's last
 * message, so it counts as unread again).
 */
import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { type AppEnv, createRouter } from "../context";
import { errorResponses, notFound } from "../errors";
import { existingConversation } from "../known-ids";
import { idParams } from "../schemas";
import { ConversationSchema } from "./conversation-lists";
import { actorOf, visibleConversation } from "./conversations";
import { userSecurity } from "./profile";

const conversationParams = idParams("account_id", "conversation_id");

export const accountConversationMute = createRouter();

function conversationRoute(path: string, summary: string, description: string) {
  return createRoute({
    method: "post",
    path: `/{account_id}/conversations/{conversation_id}/${path}`,
    tags: ["Application: conversations"],
    security: userSecurity,
    summary,
    description,
    request: { params: conversationParams },
    responses: {
      200: { description: "The conversation", content: { "application/json": { schema: ConversationSchema } } },
      ...errorResponses(400, 401, 404),
    },
  });
}

async function setMuted(c: Context<AppEnv>, displayId: number, muted: boolean) {
  const { viewer, payload } = await visibleConversation(c, displayId);
  const conversation = await existingConversation(c.env, c.var.membership.accountId, displayId);
  const result = await conversation.setMuted({ inboxIds: viewer.inboxIds }, muted, await actorOf(c));
  if (!result) throw notFound("Conversation");
  return c.json(result.payload ?? payload, 200);
}

accountConversationMute.openapi(
  conversationRoute("mute", "Mute the conversation", "Resolves it; the contact's new messages do not reopen it until it is unmuted (Chatwoot's mute)."),
  async (c) => setMuted(c, c.req.valid("param").conversation_id, true),
);

accountConversationMute.openapi(conversationRoute("unmute", "Unmute the conversation", "The contact's new messages reopen it again."), async (c) =>
  setMuted(c, c.req.valid("param").conversation_id, false),
);

accountConversationMute.openapi(
  conversationRoute(
    "unread",
    "Mark the conversation unread",
    "The agents' and the assignee's last seen time move to just before the contact's last message, so that message " +
      "counts as unread again (`unread_count`).",
  ),
  async (c) => {
    const { conversation_id } = c.req.valid("param");
    const { viewer } = await visibleConversation(c, conversation_id);
    const conversation = await existingConversation(c.env, c.var.membership.accountId, conversation_id);
    const result = await conversation.markUnread({ inboxIds: viewer.inboxIds });
    if (!result) throw notFound("Conversation");
    const { payload: after } = await visibleConversation(c, conversation_id);
    return c.json(after, 200);
  },
);
