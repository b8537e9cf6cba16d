/**
 * Chatwoot's automation conditions: which attributes a rule of each event may test and how, and
 * whether a conversation (with its contact and last message) meets a rule's conditions.
 */
import type { ATTRIBUTE_DISPLAY_TYPES, ATTRIBUTE_MODELS, AUTOMATION_EVENTS } from "../db/schema";
import type { ContactPayload, ConversationPayload, MessagePayload } from "./chatwoot-payloads";
import { CONVERSATION_STATUSES, MessageType, type MessageTypeName, PRIORITIES } from "./conversation";

export type AutomationEvent = (typeof AUTOMATION_EVENTS)[number];
export type AttributeModel = (typeof ATTRIBUTE_MODELS)[number];
export type AttributeDisplayType = (typeof ATTRIBUTE_DISPLAY_TYPES)[number];

export const FILTER_OPERATORS = [
  "equal_to",
  "not_equal_to",
  "contains",
  "does_not_contain",
  "starts_with",
  "is_present",
  "is_not_present",
  "is_greater_than",
  "is_less_than",
  "days_before",
] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export const QUERY_OPERATORS = ["AND", "OR"] as const;
export type QueryOperator = (typeof QUERY_OPERATORS)[number];

export type ConditionValue = string | number | boolean | null;

/** One condition as Chatwoot stores it; `query_operator` joins it to the next one (null on the last). */
export type AutomationCondition = {
  attribute_key: string;
  filter_operator: FilterOperator;
  values: ConditionValue[];
  query_operator: QueryOperator | null;
  /** Set for custom attributes: whose attribute it is. Absent for standard attributes. */
  custom_attribute_type?: AttributeModel;
};

/** What conditions look at: a conversation, its contact and the message that triggered the event, flattened. */
export type ConditionFacts = {
  status: string | null;
  priority: string | null;
  inbox_id: number | null;
  assignee_id: number | null;
  team_id: number | null;
  labels: string[];
  browser_language: string | null;
  conversation_language: string | null;
  country_code: string | null;
  referer: string | null;
  mail_subject: string | null;
  email: string | null;
  phone_number: string | null;
  city: string | null;
  company: string | null;
  /** Chatwoot's name for the message's type: incoming, outgoing, activity or template. */
  message_type: MessageTypeName | null;
  content: string | null;
  conversation_custom_attributes: Record<string, unknown>;
  contact_custom_attributes: Record<string, unknown>;
};

type StandardAttributeKey = Exclude<keyof ConditionFacts, "conversation_custom_attributes" | "contact_custom_attributes">;

/** The values a standard attribute's conditions compare with. */
export type ValueKind = "text" | "id" | "status" | "priority" | "message_type" | "label";

type StandardAttribute = { operators: readonly FilterOperator[]; events: readonly AutomationEvent[]; values: ValueKind };

// Operator sets of Chatwoot's automation editor (its OPERATOR_TYPES_1, _2, _3 and _6).
const EQUALITY = ["equal_to", "not_equal_to"] as const;
const TEXT_MATCH = [...EQUALITY, "contains", "does_not_contain"] as const;
const PRESENCE = [...EQUALITY, "is_present", "is_not_present"] as const;
const PHONE_MATCH = [...TEXT_MATCH, "starts_with"] as const;

const EVERY_EVENT: readonly AutomationEvent[] = ["conversation_created", "conversation_updated", "message_created", "conversation_opened"];
const CONVERSATION_EVENTS: readonly AutomationEvent[] = ["conversation_created", "conversation_updated", "conversation_opened"];

/**
 * The standard attributes and the events whose rules may test them, as Chatwoot's automation editor
 * offers them. `city`, `company` and `labels` are in Chatwoot's filters but not its editor; Parley
 * offers them for every event.
 */
const STANDARD_ATTRIBUTES: Record<StandardAttributeKey, StandardAttribute> = {
  status: { operators: EQUALITY, values: "status", events: ["conversation_created", "conversation_updated"] },
  message_type: { operators: EQUALITY, values: "message_type", events: ["message_created"] },
  content: { operators: TEXT_MATCH, values: "text", events: ["message_created"] },
  email: { operators: TEXT_MATCH, values: "text", events: EVERY_EVENT },
  phone_number: { operators: PHONE_MATCH, values: "text", events: EVERY_EVENT },
  inbox_id: { operators: EQUALITY, values: "id", events: EVERY_EVENT },
  conversation_language: { operators: EQUALITY, values: "text", events: EVERY_EVENT },
  assignee_id: { operators: PRESENCE, values: "id", events: ["conversation_updated", "conversation_opened"] },
  team_id: { operators: PRESENCE, values: "id", events: ["conversation_updated", "conversation_opened"] },
  priority: { operators: EQUALITY, values: "priority", events: CONVERSATION_EVENTS },
  browser_language: { operators: EQUALITY, values: "text", events: CONVERSATION_EVENTS },
  country_code: { operators: EQUALITY, values: "text", events: CONVERSATION_EVENTS },
  referer: { operators: TEXT_MATCH, values: "text", events: CONVERSATION_EVENTS },
  mail_subject: { operators: TEXT_MATCH, values: "text", events: CONVERSATION_EVENTS },
  city: { operators: TEXT_MATCH, values: "text", events: EVERY_EVENT },
  company: { operators: TEXT_MATCH, values: "text", events: EVERY_EVENT },
  labels: { operators: PRESENCE, values: "label", events: EVERY_EVENT },
};

const isStandardAttribute = (key: string): key is StandardAttributeKey => Object.hasOwn(STANDARD_ATTRIBUTES, key);

/** The standard attributes a rule of `event` may test. */
const standardAttributesOf = (event: AutomationEvent): string[] =>
  Object.entries(STANDARD_ATTRIBUTES)
    .filter(([, attribute]) => attribute.events.includes(event))
    .map(([key]) => key);

/** A standard attribute as a rule editor offers it: what it may be tested with, and what its values are. */
export type StandardAttributeChoice = { key: string; operators: readonly FilterOperator[]; values: ValueKind };

/** The standard attributes a rule of `event` may test, with their operators and kind of values (the console's rule builder). */
export const standardAttributeChoices = (event: AutomationEvent): StandardAttributeChoice[] =>
  Object.entries(STANDARD_ATTRIBUTES)
    .filter(([, attribute]) => attribute.events.includes(event))
    .map(([key, attribute]) => ({ key, operators: attribute.operators, values: attribute.values }));

const PRESENCE_ONLY = ["is_present", "is_not_present"] as const;

/** What a custom attribute's conditions may do, by its display type. */
export const CUSTOM_ATTRIBUTE_OPERATORS: Record<AttributeDisplayType, readonly FilterOperator[]> = {
  text: [...TEXT_MATCH, "starts_with", ...PRESENCE_ONLY],
  link: [...TEXT_MATCH, "starts_with", ...PRESENCE_ONLY],
  list: [...EQUALITY, ...PRESENCE_ONLY],
  checkbox: [...EQUALITY, ...PRESENCE_ONLY],
  number: [...EQUALITY, "is_greater_than", "is_less_than", ...PRESENCE_ONLY],
  currency: [...EQUALITY, "is_greater_than", "is_less_than", ...PRESENCE_ONLY],
  percent: [...EQUALITY, "is_greater_than", "is_less_than", ...PRESENCE_ONLY],
  date: [...EQUALITY, "is_greater_than", "is_less_than", "days_before", ...PRESENCE_ONLY],
};

// ---- Checking a rule's conditions ------------------------------------------------------------

/** A custom attribute definition of the account, as far as conditions care. */
export type AttributeDefinition = { key: string; model: AttributeModel; displayType: AttributeDisplayType };

export type ConditionIssue = {
  /** The condition's position in the list, from 0. */
  index: number;
  field: "attribute_key" | "filter_operator" | "values" | "query_operator" | "custom_attribute_type";
  message: string;
  code: string;
};

const MESSAGE_TYPE_NAMES = Object.keys(MessageType) as MessageTypeName[];
const DIGITS = /^\d+$/;
const NUMBER = /^-?\d+(?:\.\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

const isNumeric = (value: unknown): boolean =>
  (typeof value === "number" && Number.isFinite(value)) || (typeof value === "string" && NUMBER.test(value.trim()));

function dateOf(value: unknown): number | null {
  if (typeof value !== "string" || !DATE.test(value.trim())) return null;
  const time = Date.parse(value.trim());
  return Number.isNaN(time) ? null : time;
}

/** A number of days for days_before: a whole number, 0 or more, written as a number or in digits. */
function wholeDays(value: ConditionValue | undefined): number | null {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? value : null;
  return typeof value === "string" && DIGITS.test(value.trim()) ? Number(value.trim()) : null;
}

const isId = (value: ConditionValue) =>
  (typeof value === "number" && Number.isSafeInteger(value) && value > 0) || (typeof value === "string" && DIGITS.test(value) && Number(value) > 0);

/** Why `value` cannot be compared with a standard attribute of this kind, or null when it can. */
function standardValueProblem(kind: ValueKind, value: ConditionValue): string | null {
  switch (kind) {
    case "status":
      return typeof value === "string" && (CONVERSATION_STATUSES as readonly string[]).includes(value)
        ? null
        : `expected one of ${CONVERSATION_STATUSES.join(", ")}`;
    case "message_type":
      return typeof value === "string" && (MESSAGE_TYPE_NAMES as string[]).includes(value) ? null : `expected one of ${MESSAGE_TYPE_NAMES.join(", ")}`;
    case "priority":
      // Chatwoot's editor offers "None" as "nil".
      return value === null || value === "nil" || (typeof value === "string" && (PRIORITIES as readonly string[]).includes(value))
        ? null
        : `expected one of ${PRIORITIES.join(", ")} or nil`;
    case "id":
      return isId(value) ? null : "expected an id";
    case "label":
    case "text":
      return (typeof value === "string" && value.trim() !== "") || typeof value === "number" ? null : "expected text";
  }
}

function customValueProblem(displayType: AttributeDisplayType, value: ConditionValue): string | null {
  switch (displayType) {
    case "number":
    case "currency":
    case "percent":
      return isNumeric(value) ? null : "expected a number";
    case "date":
      return dateOf(value) !== null ? null : "expected a date (YYYY-MM-DD)";
    case "checkbox":
      return typeof value === "boolean" || value === "true" || value === "false" ? null : "expected true or false";
    default:
      return (typeof value === "string" && value.trim() !== "") || typeof value === "number" ? null : "expected text";
  }
}

/** What a condition tests once its attribute is known: the operators it allows and how its values are checked. */
type ResolvedAttribute = { operators: readonly FilterOperator[]; valueProblem: (value: ConditionValue) => string | null };

function valuesProblem(condition: AutomationCondition, attribute: ResolvedAttribute): string | null {
  const { filter_operator: operator, values } = condition;
  if (operator === "is_present" || operator === "is_not_present") return null;
  if (operator === "days_before") {
    return values.length === 1 && wholeDays(values[0]) !== null ? null : "days_before takes one whole number of days";
  }
  if ((operator === "is_greater_than" || operator === "is_less_than") && values.length !== 1) return `${operator} takes exactly one value`;
  if (values.length === 0) return `${operator} needs at least one value`;
  for (const [position, value] of values.entries()) {
    const problem = attribute.valueProblem(value);
    if (problem) return `value ${position + 1}: ${problem}`;
  }
  return null;
}

/**
 * Checks a rule's conditions against its event and the account's custom attribute definitions, and
 * returns them as they are stored: the last condition's query_operator null, and custom attributes
 * given without `custom_attribute_type` tied to the model that defines them.
 */
export function checkConditions(
  event: AutomationEvent,
  conditions: readonly AutomationCondition[],
  definitions: readonly AttributeDefinition[],
): { conditions: AutomationCondition[]; issues: ConditionIssue[] } {
  const issues: ConditionIssue[] = [];
  const checked = conditions.map((condition, index): AutomationCondition => {
    const issue = (field: ConditionIssue["field"], message: string, code: string) => issues.push({ index, field, message, code });
    const isLast = index === conditions.length - 1;
    if (!isLast && condition.query_operator === null) issue("query_operator", "AND or OR joins this condition to the next one", "required");
    const key = condition.attribute_key;
    let attribute: ResolvedAttribute | null = null;
    let model = condition.custom_attribute_type;
    if (model === undefined && isStandardAttribute(key)) {
      const standard = STANDARD_ATTRIBUTES[key];
      if (!standard.events.includes(event)) {
        issue(
          "attribute_key",
          `${key} cannot be tested by ${event} rules; they test ${standardAttributesOf(event).join(", ")} and custom attributes`,
          "not_for_event",
        );
      } else {
        attribute = { operators: standard.operators, valueProblem: (value) => standardValueProblem(standard.values, value) };
      }
    } else {
      const matches = definitions.filter((definition) => definition.key === key && (model === undefined || definition.model === model));
      const [definition] = matches;
      if (!definition) {
        issue(
          "attribute_key",
          model === undefined
            ? `${key} is neither a standard attribute nor a custom attribute of the account`
            : `${key} is not a custom ${model === "contact_attribute" ? "contact" : "conversation"} attribute of the account`,
          "unknown_attribute",
        );
      } else if (matches.length > 1) {
        issue("custom_attribute_type", `${key} is both a contact and a conversation attribute: say which`, "ambiguous");
      } else {
        model = definition.model;
        attribute = {
          operators: CUSTOM_ATTRIBUTE_OPERATORS[definition.displayType],
          valueProblem: (value) => customValueProblem(definition.displayType, value),
        };
      }
    }
    if (attribute) {
      if (!attribute.operators.includes(condition.filter_operator)) {
        issue("filter_operator", `${condition.filter_operator} is not available for ${key}; use ${attribute.operators.join(", ")}`, "not_for_attribute");
      } else {
        const problem = valuesProblem(condition, attribute);
        if (problem) issue("values", problem, "invalid");
      }
    }
    return {
      attribute_key: key,
      filter_operator: condition.filter_operator,
      values: condition.values,
      query_operator: isLast ? null : condition.query_operator,
      ...(model === undefined ? {} : { custom_attribute_type: model }),
    };
  });
  return { conditions: checked, issues };
}

// ---- Evaluating ------------------------------------------------------------------------------

type ConversationSource = Pick<
  ConversationPayload,
  "status" | "priority" | "inbox_id" | "assignee_id" | "team_id" | "labels" | "custom_attributes" | "additional_attributes" | "messages"
> & { meta: { sender: Pick<ContactPayload, "email" | "phone_number" | "custom_attributes" | "additional_attributes"> } };

type MessageSource = Pick<MessagePayload, "message_type" | "content">;

const MESSAGE_TYPE_NAME = new Map<number, MessageTypeName>(Object.entries(MessageType).map(([name, code]) => [code, name as MessageTypeName]));

/** Non-blank text, or a number as text; anything else is absent. */
function textFact(value: unknown): string | null {
  if (typeof value === "string") return value.trim() === "" ? null : value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return null;
}

/**
 * The facts conditions test, from Chatwoot's conversation payload and a message (by default the
 * last one the payload embeds). Conversation-level attributes (browser and conversation language,
 * referer, mail subject) come from the conversation's `additional_attributes`; city and company
 * (`company_name`, as Chatwoot's contact form stores it, or `company`) from the contact's; the
 * country code from the conversation's, else the contact's.
 */
export function factsFromConversation(conversation: ConversationSource, message: MessageSource | null = conversation.messages.at(-1) ?? null): ConditionFacts {
  const contact = conversation.meta.sender;
  const about = conversation.additional_attributes;
  const contactAbout = contact.additional_attributes;
  return {
    status: conversation.status,
    priority: conversation.priority,
    inbox_id: conversation.inbox_id,
    assignee_id: conversation.assignee_id,
    team_id: conversation.team_id,
    labels: [...conversation.labels],
    browser_language: textFact(about.browser_language),
    conversation_language: textFact(about.conversation_language),
    country_code: textFact(about.country_code) ?? textFact(contactAbout.country_code),
    referer: textFact(about.referer),
    mail_subject: textFact(about.mail_subject),
    email: contact.email,
    phone_number: contact.phone_number,
    city: textFact(contactAbout.city),
    company: textFact(contactAbout.company_name) ?? textFact(contactAbout.company),
    message_type: message ? (MESSAGE_TYPE_NAME.get(message.message_type) ?? null) : null,
    content: message?.content ?? null,
    conversation_custom_attributes: { ...conversation.custom_attributes },
    contact_custom_attributes: { ...contact.custom_attributes },
  };
}

function attributeValue(condition: AutomationCondition, facts: ConditionFacts): unknown {
  const key = condition.attribute_key;
  const model = condition.custom_attribute_type;
  if (model === undefined && isStandardAttribute(key)) return facts[key];
  const own = (attributes: Record<string, unknown>) => (Object.hasOwn(attributes, key) ? attributes[key] : undefined);
  if (model === "contact_attribute") return own(facts.contact_custom_attributes);
  if (model === "conversation_attribute") return own(facts.conversation_custom_attributes);
  return own(facts.conversation_custom_attributes) ?? own(facts.contact_custom_attributes);
}

const isMissing = (value: unknown): boolean =>
  value === null || value === undefined || (typeof value === "string" && value.trim() === "") || (Array.isArray(value) && value.length === 0);

/** Lower-case text for comparisons; null for what has no text. */
function comparable(value: unknown): string | null {
  if (typeof value === "string") return value.trim().toLowerCase();
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return null;
}

function same(actual: unknown, expected: ConditionValue): boolean {
  if (expected === null) return false;
  if (isNumeric(actual) && isNumeric(expected)) return Number(actual) === Number(expected);
  const left = comparable(actual);
  return left !== null && left === comparable(expected);
}

/** Equal to any of the values; an array (labels) when any of its items is. A value of null matches an absent attribute. */
function equalsAny(actual: unknown, values: readonly ConditionValue[]): boolean {
  if (isMissing(actual)) return values.includes(null);
  const items: unknown[] = Array.isArray(actual) ? actual : [actual];
  return items.some((item) => values.some((value) => same(item, value)));
}

/** Whether any item of `actual` passes `test` against any of the values, compared as lower-case text. */
function matchesText(actual: unknown, values: readonly ConditionValue[], test: (text: string, value: string) => boolean): boolean {
  if (isMissing(actual)) return false;
  const items: unknown[] = Array.isArray(actual) ? actual : [actual];
  return items.some((item) => {
    const text = comparable(item);
    return (
      text !== null &&
      values.some((value) => {
        const expected = comparable(value);
        return expected !== null && expected !== "" && test(text, expected);
      })
    );
  });
}

/** actual − expected, as numbers or as dates; null when they are neither. */
function difference(actual: unknown, expected: ConditionValue | undefined): number | null {
  if (isMissing(actual) || expected === undefined || expected === null) return null;
  if (isNumeric(actual) && isNumeric(expected)) return Number(actual) - Number(expected);
  const [left, right] = [dateOf(actual), dateOf(expected)];
  return left !== null && right !== null ? left - right : null;
}

const DAY_MS = 86_400_000;
const dayNumber = (time: number) => Math.floor(time / DAY_MS);

function meets(condition: AutomationCondition, facts: ConditionFacts, now: Date): boolean {
  const actual = attributeValue(condition, facts);
  const values =
    condition.attribute_key === "priority" && condition.custom_attribute_type === undefined
      ? condition.values.map((value) => (value === "nil" ? null : value))
      : condition.values;
  switch (condition.filter_operator) {
    case "equal_to":
      return equalsAny(actual, values);
    case "not_equal_to":
      return !equalsAny(actual, values);
    case "contains":
      return matchesText(actual, values, (text, value) => text.includes(value));
    case "does_not_contain":
      return !matchesText(actual, values, (text, value) => text.includes(value));
    case "starts_with":
      return matchesText(actual, values, (text, value) => text.startsWith(value));
    case "is_present":
      return !isMissing(actual);
    case "is_not_present":
      return isMissing(actual);
    case "is_greater_than":
      return (difference(actual, values[0]) ?? 0) > 0;
    case "is_less_than":
      return (difference(actual, values[0]) ?? 0) < 0;
    case "days_before": {
      const days = wholeDays(values[0]);
      const date = dateOf(actual);
      return days !== null && date !== null && dayNumber(date) < dayNumber(now.getTime()) - days;
    }
  }
}

/**
 * Whether the facts meet the conditions, as Chatwoot decides: each condition compares one attribute
 * (`values` lists alternatives: equal_to is "equals any of them", does_not_contain "contains none");
 * text compares case-insensitively; `query_operator` joins a condition to the next, left to right,
 * AND binding tighter than OR (`A AND B OR C` is `(A AND B) OR C`). An absent attribute is not equal
 * to, and does not contain, anything. No conditions: met. `now` decides what today is for days_before.
 */
export function evaluateConditions(conditions: readonly AutomationCondition[], facts: ConditionFacts, now: Date = new Date()): boolean {
  if (conditions.length === 0) return true;
  let met = false;
  let group = true;
  for (const [index, condition] of conditions.entries()) {
    group = group && meets(condition, facts, now);
    if (index === conditions.length - 1 || condition.query_operator === "OR") {
      met = met || group;
      group = true;
    }
  }
  return met;
}
