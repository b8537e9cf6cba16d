/**
 * Pre-chat form answers, checked the same way the widget checks them: required fields, each type's
 * format and an optional regular expression. Standard fields fill the contact; attribute fields
 * land on the contact's or the conversation's custom attributes.
 */
import { MAX_REGEX_INPUT_LENGTH, regexSafety } from "./safe-regex";

export type PreChatFieldRule = {
  field_type: "standard" | "contact_attribute" | "conversation_attribute";
  name: string;
  type: "text" | "email" | "phone" | "number" | "date" | "link" | "list" | "checkbox";
  label?: string;
  required?: boolean;
  enabled?: boolean;
  values?: string[];
  regex_pattern?: string | null;
};

/** A field of a stored pre-chat form: a rule with everything the widget shows filled in. */
export type PreChatFormField = PreChatFieldRule & { label: string; placeholder: string | null; required: boolean; enabled: boolean };

/** A chat widget's pre-chat form as it is stored and answered (the server and the console's builder read it alike). */
export type PreChatForm = { enabled: boolean; message: string | null; fields: PreChatFormField[] };

/** Chatwoot's default pre-chat form: email and name asked, phone number offered but switched off. */
export const DEFAULT_PRE_CHAT_FORM: PreChatForm = {
  enabled: false,
  message: "Share your queries or comments here.",
  fields: [
    { field_type: "standard", name: "email", type: "email", label: "Email Id", placeholder: "Please enter your email address", required: true, enabled: true },
    { field_type: "standard", name: "full_name", type: "text", label: "Full name", placeholder: "Please enter your full name", required: false, enabled: true },
    {
      field_type: "standard",
      name: "phone_number",
      type: "phone",
      label: "Phone number",
      placeholder: "Please enter your phone number",
      required: false,
      enabled: false,
    },
  ],
};

export type PreChatAnswers = {
  contact: { name?: string; email?: string; phone_number?: string };
  contactAttributes: Record<string, string | number | boolean>;
  conversationAttributes: Record<string, string | number | boolean>;
};

export type PreChatIssue = { field: string; message: string; code: string };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+[1-9]\d{1,14}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function problemWith(rule: PreChatFieldRule, value: unknown): string | null {
  if (rule.type === "checkbox") return typeof value === "boolean" ? null : "must be true or false";
  if (rule.type === "number") return typeof value === "number" && Number.isFinite(value) ? null : "must be a number";
  if (typeof value !== "string") return "must be text";
  if (value.length > 1000) return "is too long";
  if (rule.type === "email" && !EMAIL.test(value)) return "must be an email address";
  if (rule.type === "phone" && !PHONE.test(value)) return "must be a phone number such as +14155550100";
  if (rule.type === "date" && (!DATE.test(value) || Number.isNaN(Date.parse(value)))) return "must be a date (YYYY-MM-DD)";
  if (rule.type === "link" && !/^https?:\/\/\S+$/.test(value)) return "must be a link (http:// or https://)";
  if (rule.type === "list" && !(rule.values ?? []).includes(value)) return "must be one of the listed values";
  if (rule.regex_pattern) {
    // A pattern saved before the safety rules, or one that does not compile, checks nothing.
    if (!regexSafety(rule.regex_pattern).ok) return null;
    if (value.length > MAX_REGEX_INPUT_LENGTH) return "is too long";
    if (!new RegExp(rule.regex_pattern).test(value)) return "does not have the expected format";
  }
  return null;
}

/** Checks `values` against the enabled fields; unknown keys are ignored. */
export function checkPreChat(fields: PreChatFieldRule[], values: Record<string, unknown>): { answers: PreChatAnswers; issues: PreChatIssue[] } {
  const answers: PreChatAnswers = { contact: {}, contactAttributes: {}, conversationAttributes: {} };
  const issues: PreChatIssue[] = [];
  for (const rule of fields) {
    if (rule.enabled === false) continue;
    const raw = values[rule.name];
    const value = typeof raw === "string" ? raw.trim() : raw;
    if (value === undefined || value === null || value === "" || (rule.type === "checkbox" && value === false && rule.required)) {
      if (rule.required) issues.push({ field: `values.${rule.name}`, message: `${rule.label ?? rule.name} is required`, code: "required" });
      continue;
    }
    const problem = problemWith(rule, value);
    if (problem) {
      issues.push({ field: `values.${rule.name}`, message: `${rule.label ?? rule.name} ${problem}`, code: "invalid" });
      continue;
    }
    const accepted = value as string | number | boolean;
    if (rule.field_type === "standard") {
      if (rule.name === "full_name") answers.contact.name = String(accepted);
      else if (rule.name === "email") answers.contact.email = String(accepted).toLowerCase();
      else if (rule.name === "phone_number") answers.contact.phone_number = String(accepted);
    } else if (rule.field_type === "contact_attribute") answers.contactAttributes[rule.name] = accepted;
    else answers.conversationAttributes[rule.name] = accepted;
  }
  return { answers, issues };
}

/** The email/SMS widget's form: a name, and an email or a phone number to answer on. */
export const EMAIL_SMS_FIELDS: PreChatFieldRule[] = [
  { field_type: "standard", name: "full_name", type: "text", label: "Name", required: true },
  { field_type: "standard", name: "email", type: "email", label: "Email", required: false },
  { field_type: "standard", name: "phone_number", type: "phone", label: "Phone", required: false },
];
