/** Renders Chatwoot-style template variables (`{{ contact.first_name || 'there' }}`) in outgoing message text. */
import type { ContactPayload, ConversationPayload } from "./chatwoot-payloads";

export type TemplateContext = {
  conversation?: { id: number; custom_attributes?: Record<string, unknown> };
  contact?: {
    id: number;
    name?: string | null;
    email?: string | null;
    phone_number?: string | null;
    custom_attributes?: Record<string, unknown>;
  };
  agent?: { id?: number; name?: string | null; email?: string | null; phone_number?: string | null };
};

/**
 * The variables' values for a message an agent writes in a conversation: the conversation and its
 * contact from Chatwoot's conversation payload, the agent from their user.
 */
export function templateContextFor(
  conversation: Pick<ConversationPayload, "id" | "custom_attributes"> & {
    meta: { sender: Pick<ContactPayload, "id" | "name" | "email" | "phone_number" | "custom_attributes"> };
  },
  agent: { id: number; name: string; email: string } | null,
): TemplateContext {
  const contact = conversation.meta.sender;
  return {
    conversation: { id: conversation.id, custom_attributes: conversation.custom_attributes },
    contact: {
      id: contact.id,
      name: contact.name,
      email: contact.email,
      phone_number: contact.phone_number,
      custom_attributes: contact.custom_attributes,
    },
    ...(agent ? { agent: { id: agent.id, name: agent.name, email: agent.email } } : {}),
  };
}

export type UndefinedVariable = { variable: string; reason: "missing" | "unknown" };
export type RenderResult = { text: string; undefinedVariables: UndefinedVariable[] };

/**
 * One variable occurrence: `{{ name }}`, optionally followed by a quoted fallback written either
 * `|| 'x'` or Liquid's `| default: 'x'`. Groups: 1 name, 2 single-quoted fallback, 3 double-quoted.
 * Anything else between braces (`{{ 1+1 }}`, `{{ name | upcase }}`) does not match and stays as typed.
 */
const VARIABLE = /\{\{\s*([A-Za-z_]\w*(?:\.[\w-]+)*)\s*(?:(?:\|\||\|\s*default\s*:)\s*(?:'([^']*)'|"([^"]*)")\s*)?\}\}/g;

const CUSTOM_ATTRIBUTE = /^(contact|conversation)\.custom_attribute\.([\w-]+)$/;

function nameWords(name: string | null | undefined): string[] {
  return (name ?? "").trim().split(/\s+/).filter((word) => word !== "");
}

// A Map, not an object literal, so that names like `constructor` are never found on a prototype.
const FIXED_VARIABLES = new Map<string, (context: TemplateContext) => unknown>([
  ["conversation.id", (c) => c.conversation?.id],
  ["contact.id", (c) => c.contact?.id],
  ["contact.name", (c) => c.contact?.name?.trim()],
  ["contact.first_name", (c) => nameWords(c.contact?.name)[0]],
  ["contact.last_name", (c) => nameWords(c.contact?.name).slice(1).join(" ")],
  ["contact.email", (c) => c.contact?.email],
  ["contact.phone_number", (c) => c.contact?.phone_number],
  ["agent.name", (c) => c.agent?.name?.trim()],
  ["agent.first_name", (c) => nameWords(c.agent?.name)[0]],
  ["agent.last_name", (c) => nameWords(c.agent?.name).slice(1).join(" ")],
  ["agent.email", (c) => c.agent?.email],
  ["agent.phone_number", (c) => c.agent?.phone_number],
]);

/** The fixed variable names; custom attributes (`contact.custom_attribute.<key>`, `conversation.custom_attribute.<key>`) come on top. */
export const SUPPORTED_VARIABLES: readonly string[] = Object.freeze([...FIXED_VARIABLES.keys()]);

type Resolution = { kind: "value"; value: string } | { kind: "missing" } | { kind: "unknown" };

/** Text for a raw value: numbers and booleans via String(), non-blank strings as they are, anything else missing. */
function present(value: unknown): Resolution {
  if (typeof value === "number" || typeof value === "boolean") return { kind: "value", value: String(value) };
  if (typeof value === "string" && value.trim() !== "") return { kind: "value", value };
  return { kind: "missing" };
}

function resolveVariable(name: string, context: TemplateContext): Resolution {
  const customAttribute = CUSTOM_ATTRIBUTE.exec(name);
  if (customAttribute) {
    const [, owner, key] = customAttribute;
    const attributes = owner === "contact" ? context.contact?.custom_attributes : context.conversation?.custom_attributes;
    return attributes && key !== undefined && Object.hasOwn(attributes, key) ? present(attributes[key]) : { kind: "missing" };
  }
  const fixed = FIXED_VARIABLES.get(name);
  return fixed ? present(fixed(context)) : { kind: "unknown" };
}

/**
 * Replaces every variable with its value, or its fallback, or nothing. Inserted values are plain
 * text and are not scanned again, so a contact named `{{ agent.email }}` stays just that.
 */
export function renderTemplate(template: string, context: TemplateContext): RenderResult {
  const undefinedVariables = new Map<string, UndefinedVariable>();
  const text = template.replace(
    VARIABLE,
    (_occurrence, name: string, singleQuoted: string | undefined, doubleQuoted: string | undefined) => {
      const resolution = resolveVariable(name, context);
      if (resolution.kind === "value") return resolution.value;
      const fallback = singleQuoted ?? doubleQuoted;
      if (fallback !== undefined) return fallback;
      if (!undefinedVariables.has(name)) undefinedVariables.set(name, { variable: name, reason: resolution.kind });
      return "";
    },
  );
  return { text, undefinedVariables: [...undefinedVariables.values()] };
}

/** The variables used in a draft that would render empty, without rendering it (the UI warning). */
export function findUndefinedVariables(template: string, context: TemplateContext): UndefinedVariable[] {
  // Rendering and warning share one path, so the warning can never disagree with what is sent.
  return renderTemplate(template, context).undefinedVariables;
}

/** Every well-formed variable name used in a template, in order of first appearance, without duplicates. */
export function templateVariables(template: string): string[] {
  const names = new Set<string>();
  for (const [, name] of template.matchAll(VARIABLE)) if (name !== undefined) names.add(name);
  return [...names];
}
