/**
 * The Conversation object's message templates (src/domain/message-templates.ts): which ones a change
 * calls for, read against the inbox's settings in D1 and the contact, and what a contact's answer to
 * one (a CSAT rating, an email) stores. The object writes the messages and the answers; this module
 * only decides.
 */
import type { ConversationState, MessageRecord } from "../../domain/conversation";
import { MessageType } from "../../domain/conversation";
import {
  type CsatAnswer,
  csatAnswerOf,
  csatSurveyAfter,
  emailCollectAfterFirstReply,
  submittedEmailOf,
  type TemplateMessage,
  type TemplateSettings,
} from "../../domain/message-templates";
import { accountObject } from "../addresses";

async function templateSettings(env: Env, inboxId: number): Promise<TemplateSettings | null> {
  const row = await env.DB.prepare("select channel_type, csat_survey_enabled, enable_email_collect from inboxes where id = ?")
    .bind(inboxId)
    .first<{ channel_type: string; csat_survey_enabled: number; enable_email_collect: number }>();
  if (!row) return null;
  return { webWidget: row.channel_type === "web_widget", csatSurveyEnabled: row.csat_survey_enabled === 1, enableEmailCollect: row.enable_email_collect === 1 };
}

/** The survey a status change calls for: only a change into resolved reads the inbox. */
export async function templatesAfterChange(env: Env, before: ConversationState, after: ConversationState): Promise<TemplateMessage[]> {
  if (before.status === after.status || after.status !== "resolved") return [];
  const inbox = await templateSettings(env, after.inboxId);
  const survey = inbox ? csatSurveyAfter(before, after, inbox) : null;
  return survey ? [survey] : [];
}

/** The email collect messages an agent's first public answer calls for (the contact's email read from its Account object). */
export async function templatesAfterFirstReply(env: Env, state: ConversationState): Promise<TemplateMessage[]> {
  const inbox = await templateSettings(env, state.inboxId);
  if (!inbox?.webWidget || !inbox.enableEmailCollect) return [];
  const session = await accountObject(env, state.accountId).contactSession(state.inboxId, state.sourceId);
  if (!session) return [];
  const claimed = session.contact.additionalAttributes?.claimed_email;
  return emailCollectAfterFirstReply(inbox, Boolean(session.contact.email || claimed));
}

/** What a contact's answer to a template message does. */
export type TemplateAnswer =
  | { kind: "csat"; answer: CsatAnswer; submittedValues: { csat_survey_response: CsatAnswer } }
  | { kind: "email"; email: string; submittedValues: { email: string } }
  | "not_template"
  | "invalid"
  | "already_answered";

/**
 * Reads `submitted` as the answer `message` asks for. A survey is answered once: the first answer
 * stands (Chatwoot's widget shows it and offers no second). An email may be corrected.
 */
export function templateAnswer(message: MessageRecord, submitted: unknown): TemplateAnswer {
  if (message.messageType === MessageType.incoming) return "not_template";
  if (message.contentType === "input_csat") {
    if (message.contentAttributes.submitted_values) return "already_answered";
    const answer = csatAnswerOf(submitted);
    return answer ? { kind: "csat", answer, submittedValues: { csat_survey_response: answer } } : "invalid";
  }
  if (message.contentType === "input_email") {
    const email = submittedEmailOf(submitted);
    return email ? { kind: "email", email, submittedValues: { email } } : "invalid";
  }
  return "not_template";
}

/** The CSAT answer a survey message holds, if any (to store it again, idempotently, when a retry finds it answered). */
export function storedCsatAnswer(message: MessageRecord): CsatAnswer | null {
  return csatAnswerOf(message.contentAttributes.submitted_values);
}

/**
 * Stores a survey's answer in D1 (`csat_survey_responses`), once per survey message: a retry that
 * finds the row changes nothing. The agent credited is the one the survey was sent for.
 */
export async function storeCsatResponse(env: Env, state: ConversationState, message: MessageRecord, contactId: number, answer: CsatAnswer): Promise<void> {
  const agent = Number(message.contentAttributes.assigned_agent_id);
  await env.DB.prepare(
    `insert into csat_survey_responses (account_id, conversation_id, message_id, inbox_id, team_id, contact_id, assigned_agent_id, rating, feedback_message)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (account_id, conversation_id, message_id) do nothing`,
  )
    .bind(
      state.accountId,
      state.displayId,
      message.id,
      state.inboxId,
      state.teamId,
      contactId,
      Number.isInteger(agent) && agent > 0 ? agent : state.assigneeId,
      answer.rating,
      answer.feedback_message,
    )
    .run();
}

/** Records a survey as sent (D1 `csat_surveys_sent`, for the metrics' answered share); other templates record nothing. */
export async function templateSent(env: Env, state: ConversationState, message: MessageRecord): Promise<void> {
  if (message.contentType !== "input_csat") return;
  await env.DB.prepare("insert into csat_surveys_sent (account_id, conversation_id, message_id, inbox_id) values (?, ?, ?, ?) on conflict do nothing")
    .bind(state.accountId, state.displayId, message.id, state.inboxId)
    .run();
}
