/**
 * Client API: a contact's answer to a template message (src/domain/message-templates.ts), the second
 * half of `PATCH .../messages/:message_id`. A CSAT rating is stored once by the Conversation object;
 * an email goes onto the contact as the visitor's own claim (the identity rules of
 * src/durable/account/contacts.ts: a value another contact holds stays a claim).
 */
import type { Context } from "hono";
import { accountObject } from "../../durable/addresses";
import type { AppEnv } from "../context";
import { ApiError, notFound } from "../errors";
import { existingConversation } from "../known-ids";
import { jsonTextResponse } from "../messages";
import { contactSessionOf } from "./session";

type Params = { inbox_identifier: string; contact_identifier: string; conversation_id: number; message_id: number };

export async function answerTemplateMessage(c: Context<AppEnv>, params: Params, submitted: unknown) {
  const { inbox, session } = await contactSessionOf(c, params.inbox_identifier, params.contact_identifier);
  const access = { inboxId: inbox.id, sourceId: session.contactInbox.sourceId };
  const conversation = await existingConversation(c.env, inbox.accountId, params.conversation_id);
  const result = await conversation.answerTemplate(access, params.message_id, session.contact.id, submitted);
  if (result === "not_found") throw notFound("Message");
  if (result === "not_template") {
    throw new ApiError(422, "validation_failed", "Only input_csat and input_email messages take these submitted_values.", [
      { field: "submitted_values", message: "not a template message", code: "not_template" },
    ]);
  }
  if (result === "invalid") {
    throw new ApiError(422, "validation_failed", "The answer does not fit the message.", [
      { field: "submitted_values", message: "a rating from 1 to 5, or a valid email", code: "invalid" },
    ]);
  }
  if (result === "already_answered") throw new ApiError(409, "already_answered", "This survey has been answered.");
  if (result.answer?.kind === "email") {
    const updated = await accountObject(c.env, inbox.accountId).updateContactSession(inbox.id, access.sourceId, { email: result.answer.email }, false);
    if (updated === null) throw notFound("Contact");
  }
  return jsonTextResponse(c, result.payloadJson ?? "{}");
}
