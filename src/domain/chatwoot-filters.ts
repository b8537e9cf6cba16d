/**
 * Chatwoot's advanced filters (`POST .../conversations/filter`, `.../contacts/filter`, and the
 * `query` of saved custom filters): a list of conditions `{attribute_key, filter_operator, values,
 * query_operator}` joined left to right, evaluated as automation conditions are
 * (./automation-conditions.ts). This module says which attributes each kind of filter tests and
 * reads them from a conversation or a contact.
 */
import type { ContactRecord } from "./chatwoot-payloads";
import type { ConversationState, MessageRecord } from "./conversation";
import {
  type AttributeModel,
  type AutomationCondition,
  type ConditionFacts,
  type ConditionValue,
  evaluateConditions,
  FILTER_OPERATORS,
  type FilterOperator,
  QUERY_OPERATORS,
} from "./automation-conditions";
import { MessageType, type MessageTypeName } from "./conversation";

export const FILTER_KINDS = ["conversation", "contact"] as const;
export type FilterKind = (typeof FILTER_KINDS)[number];

/** One condition as a client sends it: Chatwoot's payload, query_operator in either case. */
export type FilterCondition = {
  attribute_key: string;
  filter_operator: FilterOperator;
  values: ConditionValue[];
  query_operator?: string | null;
  custom_attribute_type?: string | null;
};

/**
 * The standard attributes of each filter, as Chatwoot's FilterService lists them
 * (lib/filters/filter_keys.yml): conversations by status, assignee, inbox, team, display id, campaign,
 * labels, browser language, country, referer, priority and dates; contacts by name, email, phone
 * number, identifier, country, city, company, labels and dates.
 */
const STANDARD_KEYS: Record<FilterKind, readonly string[]> = {
  conversation: [
    "status",
    "assignee_id",
    "inbox_id",
    "team_id",
    "display_id",
    "campaign_id",
    "labels",
    "browser_language",
    "conversation_language",
    "country_code",
    "referer",
    "priority",
    "created_at",
    "last_activity_at",
    "email",
    "phone_number",
    "message_type",
    "content",
  ],
  contact: ["name", "email", "phone_number", "identifier", "country_code", "city", "company", "labels", "created_at", "last_activity_at"],
};

/** Keys the automation facts lack; kept under a prefix no custom attribute key can have. */
const EXTRA = "$";

export type FilterIssue = { index: number; field: "attribute_key" | "filter_operator" | "query_operator"; message: string };

/**
 * Why the conditions cannot be run, or an empty list: every attribute must be a standard attribute
 * of the filter or a custom attribute the account defines (`customKeys`), and query operators AND/OR.
 */
export function filterIssues(kind: FilterKind, conditions: readonly FilterCondition[], customKeys: ReadonlySet<string>): FilterIssue[] {
  const issues: FilterIssue[] = [];
  for (const [index, condition] of conditions.entries()) {
    const key = condition.attribute_key;
    if (!STANDARD_KEYS[kind].includes(key) && !customKeys.has(key)) {
      issues.push({ index, field: "attribute_key", message: `${key} is not an attribute a ${kind} filter can test` });
    }
    if (!(FILTER_OPERATORS as readonly string[]).includes(condition.filter_operator)) {
      issues.push({ index, field: "filter_operator", message: `expected one of ${FILTER_OPERATORS.join(", ")}` });
    }
    const joiner = condition.query_operator?.toUpperCase() ?? null;
    if (joiner !== null && !(QUERY_OPERATORS as readonly string[]).includes(joiner)) {
      issues.push({ index, field: "query_operator", message: "expected AND or OR" });
    }
  }
  return issues;
}

const isoDay = (unixSeconds: number | null) => (unixSeconds === null ? null : new Date(unixSeconds * 1000).toISOString());

/** The conditions as the evaluator takes them: extra standard keys moved under the prefix, joiners upper case. */
function normalized(kind: FilterKind, conditions: readonly FilterCondition[], extraKeys: ReadonlySet<string>): AutomationCondition[] {
  return conditions.map((condition, index) => {
    const extra = STANDARD_KEYS[kind].includes(condition.attribute_key) && extraKeys.has(condition.attribute_key);
    const model: AttributeModel | undefined = extra
      ? "conversation_attribute"
      : STANDARD_KEYS[kind].includes(condition.attribute_key)
        ? undefined
        : kind === "contact"
          ? "contact_attribute"
          : condition.custom_attribute_type === "contact_attribute"
            ? "contact_attribute"
            : condition.custom_attribute_type === "conversation_attribute"
              ? "conversation_attribute"
              : undefined;
    const joiner = index === conditions.length - 1 ? null : condition.query_operator?.toUpperCase() === "OR" ? "OR" : "AND";
    return {
      attribute_key: extra ? `${EXTRA}${condition.attribute_key}` : condition.attribute_key,
      filter_operator: condition.filter_operator,
      values: condition.values,
      query_operator: joiner,
      ...(model ? { custom_attribute_type: model } : {}),
    };
  });
}

const text = (value: unknown): string | null => (typeof value === "string" && value.trim() !== "" ? value : null);

const MESSAGE_TYPE_NAME = new Map<number, MessageTypeName>(Object.entries(MessageType).map(([name, code]) => [code, name as MessageTypeName]));

/** What a conversation filter looks at: the conversation's state, its contact and its last message. */
export type ConversationFilterSubject = { state: ConversationState; contact: ContactRecord; lastMessage: MessageRecord | null };

const CONVERSATION_EXTRA_KEYS = new Set(["display_id", "campaign_id", "created_at", "last_activity_at"]);

export function conversationMatches(conditions: readonly FilterCondition[], subject: ConversationFilterSubject, now = new Date()): boolean {
  const { state, contact, lastMessage } = subject;
  const about = state.additionalAttributes;
  const facts: ConditionFacts = {
    status: state.status,
    priority: state.priority,
    inbox_id: state.inboxId,
    assignee_id: state.assigneeId,
    team_id: state.teamId,
    labels: [...state.labels],
    browser_language: text(about.browser_language),
    conversation_language: text(about.conversation_language),
    country_code: text(about.country_code) ?? text(contact.additionalAttributes.country_code),
    referer: text(about.referer),
    mail_subject: text(about.mail_subject),
    email: contact.email,
    phone_number: contact.phoneNumber,
    city: text(contact.additionalAttributes.city),
    company: text(contact.additionalAttributes.company_name) ?? text(contact.additionalAttributes.company),
    message_type: lastMessage ? (MESSAGE_TYPE_NAME.get(lastMessage.messageType) ?? null) : null,
    content: lastMessage?.content ?? null,
    conversation_custom_attributes: {
      ...state.customAttributes,
      [`${EXTRA}display_id`]: state.displayId,
      [`${EXTRA}campaign_id`]: typeof about.campaign_id === "number" ? about.campaign_id : null,
      [`${EXTRA}created_at`]: isoDay(state.createdAt),
      [`${EXTRA}last_activity_at`]: isoDay(state.lastActivityAt),
    },
    contact_custom_attributes: { ...contact.customAttributes },
  };
  return evaluateConditions(normalized("conversation", conditions, CONVERSATION_EXTRA_KEYS), facts, now);
}

/** What a contact filter looks at: the contact and its labels. */
export type ContactFilterSubject = { contact: ContactRecord; labels: string[] };

const CONTACT_EXTRA_KEYS = new Set(["name", "identifier", "created_at", "last_activity_at"]);

export function contactMatches(conditions: readonly FilterCondition[], subject: ContactFilterSubject, now = new Date()): boolean {
  const { contact } = subject;
  const about = contact.additionalAttributes;
  const facts: ConditionFacts = {
    status: null,
    priority: null,
    inbox_id: null,
    assignee_id: null,
    team_id: null,
    labels: [...subject.labels],
    browser_language: null,
    conversation_language: null,
    country_code: text(about.country_code),
    referer: null,
    mail_subject: null,
    email: contact.email,
    phone_number: contact.phoneNumber,
    city: text(about.city),
    company: text(about.company_name) ?? text(about.company),
    message_type: null,
    content: null,
    conversation_custom_attributes: {
      [`${EXTRA}name`]: contact.name,
      [`${EXTRA}identifier`]: contact.identifier,
      [`${EXTRA}created_at`]: isoDay(contact.createdAt),
      [`${EXTRA}last_activity_at`]: isoDay(contact.lastActivityAt),
    },
    contact_custom_attributes: { ...contact.customAttributes },
  };
  return evaluateConditions(normalized("contact", conditions, CONTACT_EXTRA_KEYS), facts, now);
}
