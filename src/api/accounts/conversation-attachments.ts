/**
 * Application API: `GET .../conversations/:conversation_id/attachments`, every file shared in a
 * conversation (Chatwoot's attachments tab of the contact panel), oldest first, each with its message's
 * time and sender.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { accountObject } from "../../durable/addresses";
import { createRouter } from "../context";
import { errorResponses, notFound } from "../errors";
import { idParams } from "../schemas";
import { userSecurity } from "./profile";
import { viewerOf } from "./viewer";

/** Messages are read 100 at a time (the Conversation object's page after a cursor); a conversation longer than this many pages lists the files of its first ones. */
const MAX_PAGES = 100;

const AttachmentSchema = z.record(z.string(), z.unknown()).openapi("ConversationAttachment", {
  description: "Chatwoot's attachment (id, message_id, file_type, data_url, thumb_url, file_size, file_name) with the message's created_at and sender",
});

export const accountConversationAttachments = createRouter();

accountConversationAttachments.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/conversations/{conversation_id}/attachments",
    tags: ["Application: conversations"],
    security: userSecurity,
    summary: "The files shared in a conversation",
    request: { params: idParams("account_id", "conversation_id") },
    responses: {
      200: {
        description: "The attachments",
        content: { "application/json": { schema: z.object({ meta: z.object({ total_count: z.number().int() }), payload: z.array(AttachmentSchema) }) } },
      },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { conversation_id } = c.req.valid("param");
    const viewer = await viewerOf(c);
    const account = accountObject(c.env, c.var.membership.accountId);
    const payload: Record<string, unknown>[] = [];
    let after = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const messages = await account.messages(conversation_id, viewer, { before: null, after });
      if (messages === null) throw notFound("Conversation");
      for (const message of messages) {
        const sender = "sender" in message ? message.sender : null;
        for (const attachment of message.attachments) payload.push({ ...attachment, created_at: message.created_at, sender });
      }
      const last = messages.at(-1);
      if (!last || messages.length < 100) break;
      after = last.id;
    }
    return c.json({ meta: { total_count: payload.length }, payload }, 200);
  },
);
