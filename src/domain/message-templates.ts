/**
 * The messages Parley writes into a conversation by itself, as Chatwoot's MessageTemplates do:
 * the CSAT survey when a conversation is resolved (`input_csat`) and the email collect box
 * (`input_email`) after the first agent answer to a visitor who gave no email; and the contact's
 * answers to them, parsed from the Client API's `submitted_values`. Texts are Chatwoot's English
 * templates (config/locales/en.yml, `conversations.templates`).
 */
import { type ContentType, type ConversationState, MessageType } from "./conversation";

/** A message a template writes (the Conversation object's NewMessage, without its ids). */
export type TemplateMessage = {
  messageType: typeof MessageType.template;
  content: string;
  contentType: ContentType;
  contentAttributes: Record<string, unknown>;
};

export const CSAT_MESSAGE = "Please rate the conversation";
export const WAYS_TO_REACH_YOU_MESSAGE = "Give the team a way to reach you.";
export const EMAIL_INPUT_MESSAGE = "Get notified by email";

/** What the inbox says about the templates it wants; read from its row by the caller. */
export type TemplateSettings = { csatSurveyEnabled: boolean; enableEmailCollect: boolean; webWidget: boolean };

/**
 * The CSAT survey for a conversation that has just been resolved: with the inbox's survey on, and
 * not for a muted conversation (muting resolves without anyone having been served). The assignee at
 * this moment is the agent the answer credits (Chatwoot captures it when the survey is sent).
 */
export function csatSurveyAfter(before: ConversationState, after: ConversationState, inbox: TemplateSettings): TemplateMessage | null {
  if (!inbox.csatSurveyEnabled || before.status === "resolved" || after.status !== "resolved" || after.muted) return null;
  return {
    messageType: MessageType.template,
    content: CSAT_MESSAGE,
    contentType: "input_csat",
    contentAttributes: { display_type: "emoji", assigned_agent_id: after.assigneeId ?? before.assigneeId },
  };
}

/**
 * The email collect messages after an agent's first public answer, for a website inbox that asks
 * for it, when the contact has no email yet: "Give the team a way to reach you." and the input_email
 * box. Chatwoot asks on the visitor's first message; Parley waits for the first answer, so a visitor
 * who gets one quickly is not asked at all before it.
 */
export function emailCollectAfterFirstReply(inbox: TemplateSettings, contactHasEmail: boolean): TemplateMessage[] {
  if (!inbox.webWidget || !inbox.enableEmailCollect || contactHasEmail) return [];
  return [
    { messageType: MessageType.template, content: WAYS_TO_REACH_YOU_MESSAGE, contentType: "text", contentAttributes: {} },
    { messageType: MessageType.template, content: EMAIL_INPUT_MESSAGE, contentType: "input_email", contentAttributes: {} },
  ];
}

export type CsatAnswer = { rating: number; feedback_message: string | null };

/**
 * A CSAT answer as Chatwoot's widget submits it: `submitted_values: { csat_survey_response:
 * { rating, feedback_message } }`, rating 1 to 5. Null when it is not one.
 */
export function csatAnswerOf(submitted: unknown): CsatAnswer | null {
  const response = (submitted as { csat_survey_response?: unknown } | null)?.csat_survey_response as
    | { rating?: unknown; feedback_message?: unknown }
    | undefined;
  const rating = Number(response?.rating);
  if (!response || !Number.isInteger(rating) || rating < 1 || rating > 5) return null;
  const feedback = typeof response.feedback_message === "string" ? response.feedback_message.trim().slice(0, 2_000) : "";
  return { rating, feedback_message: feedback === "" ? null : feedback };
}

/** An email as the input_email box takes it: one address, no spaces, a dot in the domain (the widget checks the same). */
export const EMAIL_PATTERN = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,63}$/;

/** The email a contact typed into an input_email box: Chatwoot's widget sends `submitted_values: { email }`. */
export function submittedEmailOf(submitted: unknown): string | null {
  const email = (submitted as { email?: unknown } | null)?.email;
  if (typeof email !== "string") return null;
  const trimmed = email.trim().toLowerCase();
  return trimmed.length <= 320 && EMAIL_PATTERN.test(trimmed) ? trimmed : null;
}
