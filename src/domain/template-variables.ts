/**
 * Template variables in outgoing message text (`Hi {{ contact.first_name || 'there' }}`), rendered
 * with Liquid as Chatwoot renders them, so its filters and conditionals work too
 * (`{{ contact.name | upcase }}`, `{% if contact.email %}…{% endif %}`).
 *
 * Chatwoot gives a variable one of two values, depending on where the text is rendered, and Parley
 * follows each:
 *
 * - **On the server** (a message created through the API, macros, automation, campaigns), Chatwoot
 *   renders Liquid with its drops (app/models/concerns/liquidable.rb, app/drops/*.rb): `contact`,
 *   `agent` (the message's sender), `conversation` and `inbox`. `renderTemplate` does that.
 * - **In an agent's draft** (a canned response inserted in the reply box, its preview), Chatwoot's
 *   dashboard replaces the variables itself with `getMessageVariables` and
 *   `replaceVariablesInMessage` of `@chatwoot/utils`, where `agent` is the conversation's assignee
 *   and names are capitalized differently. `renderDraft` does that.
 *
 * Parley's extensions, on top of Chatwoot's: a fallback written `{{ name || 'text' }}` (the same as
 * Liquid's `| default: 'text'`), and variables Chatwoot lacks on one side (`agent.email`,
 * `agent.first_name`, `contact.phone` on the server), listed in SUPPORTED_VARIABLES.
 *
 * Rendering is bounded: templates over MAX_TEMPLATE_LENGTH are not parsed, and Liquid's render time
 * and memory limits stop a loop that would run long or write a huge text. Text between backticks is
 * left as written, as Chatwoot does, and a template Liquid cannot parse or render stays as written.
 */
import { Liquid } from "liquidjs";
import type { ContactPayload, ConversationPayload } from "./chatwoot-payloads";

type Person = { id?: number; name?: string | null; email?: string | null; phone_number?: string | null };

export type TemplateContext = {
  conversation?: {
    id: number;
    custom_attributes?: Record<string, unknown>;
    /** The conversation's assignee: the dashboard's `agent` in a draft. */
    assignee?: Person | null;
  };
  contact?: Person & { id: number; custom_attributes?: Record<string, unknown> };
  /** The message's sender: the server's `agent`. */
  agent?: Person & { available_name?: string | null };
  inbox?: { id: number; name: string };
};

/**
 * The variables' values for a message an agent writes in a conversation: the conversation, its
 * contact and assignee from Chatwoot's conversation payload, the agent from their user.
 */
export function templateContextFor(
  conversation: Pick<ConversationPayload, "id" | "custom_attributes"> & {
    meta: {
      sender: Pick<ContactPayload, "id" | "name" | "email" | "phone_number" | "custom_attributes">;
      assignee?: { id: number; name: string; email?: string | null } | null;
    };
  },
  agent: { id: number; name: string; email: string; available_name?: string | null } | null,
  inbox?: { id: number; name: string } | null,
): TemplateContext {
  const contact = conversation.meta.sender;
  return {
    conversation: { id: conversation.id, custom_attributes: conversation.custom_attributes, assignee: conversation.meta.assignee ?? null },
    contact: {
      id: contact.id,
      name: contact.name,
      email: contact.email,
      phone_number: contact.phone_number,
      custom_attributes: contact.custom_attributes,
    },
    ...(agent ? { agent: { id: agent.id, name: agent.name, email: agent.email, available_name: agent.available_name ?? null } } : {}),
    ...(inbox ? { inbox } : {}),
  };
}

export type UndefinedVariable = { variable: string; reason: "missing" | "unknown" };
export type RenderResult = { text: string; undefinedVariables: UndefinedVariable[] };

export const MAX_TEMPLATE_LENGTH = 20_000;

const liquid = new Liquid({
  // No file system: `include` and `render` find no templates.
  templates: {},
  relativeReference: false,
  ownPropertyOnly: true,
  strictFilters: false,
  strictVariables: false,
  parseLimit: MAX_TEMPLATE_LENGTH,
  renderLimit: 50,
  memoryLimit: 1_000_000,
});

/**
 * One simple variable occurrence: `{{ name }}`, optionally with a quoted fallback written either
 * `|| 'x'` or Liquid's `| default: 'x'`. Groups: 1 name, 2 single-quoted fallback, 3 double-quoted.
 */
const VARIABLE = /\{\{\s*([A-Za-z_]\w*(?:\.[\w-]+)*)\s*(?:(?:\|\||\|\s*default\s*:)\s*(?:'([^']*)'|"([^"]*)")\s*)?\}\}/g;
/** Parley's `||` fallback, rewritten as Liquid's `default` filter before parsing. */
const OR_FALLBACK = /(\{\{\s*[A-Za-z_]\w*(?:\.[\w-]+)*\s*)\|\|(\s*(?:'[^']*'|"[^"]*")\s*\}\})/g;
/** Chatwoot leaves text between backticks as written (liquidable.rb, `modified_liquid_content`). */
const CODE = /`([^`]*)`/g;
const CUSTOM_ATTRIBUTE = /^(contact|conversation)\.custom_attribute\.([\w-]+)$/;

/** The fixed variable names; custom attributes (`contact.custom_attribute.<key>`, `conversation.custom_attribute.<key>`) come on top. */
export const SUPPORTED_VARIABLES: readonly string[] = Object.freeze([
  "conversation.id",
  "conversation.display_id",
  "conversation.contact_name",
  "contact.id",
  "contact.name",
  "contact.first_name",
  "contact.last_name",
  "contact.email",
  "contact.phone",
  "contact.phone_number",
  "agent.id",
  "agent.name",
  "agent.available_name",
  "agent.first_name",
  "agent.last_name",
  "agent.email",
  "agent.phone_number",
  "inbox.id",
  "inbox.name",
]);
const SUPPORTED = new Set(SUPPORTED_VARIABLES);

type Scalar = string | number | boolean;
type Scope = Record<string, Record<string, Scalar | Record<string, Scalar>>>;

// ---- Chatwoot's values ------------------------------------------------------------------------

/** Ruby's String#capitalize: the first character upper case, the rest lower case. */
const rubyCapitalize = (word: string) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
/** Ruby's String#split without an argument: runs of whitespace, leading and trailing ignored. */
const rubyWords = (text: string | null | undefined) =>
  (text ?? "")
    .trim()
    .split(/\s+/)
    .filter((word) => word !== "");
/** `@chatwoot/utils`' capitalizeName: the first character of each space-separated word upper case, the rest as it was. */
const dashboardCapitalize = (name: string) =>
  name
    .split(" ")
    .map((word) => (word ? word.charAt(0).toUpperCase() + word.slice(1) : ""))
    .join(" ");

/** Scalars only (objects and arrays have no text), blank strings dropped so that fallbacks apply. */
function scalars(values: Record<string, unknown> | undefined, keep: (value: Scalar) => boolean): Record<string, Scalar> {
  const kept: Record<string, Scalar> = {};
  for (const [key, value] of Object.entries(values ?? {})) {
    if ((typeof value === "string" || typeof value === "number" || typeof value === "boolean") && keep(value)) kept[key] = value;
  }
  return kept;
}

const nonBlank = (value: Scalar) => typeof value !== "string" || value.trim() !== "";

function compact<T extends Record<string, Scalar | Record<string, Scalar> | null | undefined>>(
  values: T,
  keep: (value: Scalar) => boolean,
): Record<string, Scalar | Record<string, Scalar>> {
  const kept: Record<string, Scalar | Record<string, Scalar>> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === null || value === undefined) continue;
    if (typeof value === "object") kept[key] = value;
    else if (keep(value)) kept[key] = value;
  }
  return kept;
}

/**
 * The server's scope, Chatwoot's drops: ContactDrop (name's words capitalized; the first and the
 * last word, a one-word name being both, as Chatwoot's current drop falls back), UserDrop for the
 * sender, ConversationDrop (the display id, the contact's name capitalized or "Customer") and InboxDrop.
 */
function serverScope(context: TemplateContext): Scope {
  const { contact, agent, conversation, inbox } = context;
  const contactWords = rubyWords(contact?.name);
  const agentWords = rubyWords(agent?.name);
  const scope: Scope = {};
  if (contact) {
    scope.contact = compact(
      {
        id: contact.id,
        name: contactWords.map(rubyCapitalize).join(" "),
        first_name: contactWords.length > 0 ? rubyCapitalize(contactWords[0] ?? "") : null,
        last_name: contactWords.length > 0 ? rubyCapitalize(contactWords.at(-1) ?? "") : null,
        email: contact.email,
        phone_number: contact.phone_number,
        phone: contact.phone_number,
        custom_attribute: scalars(contact.custom_attributes, nonBlank),
      },
      nonBlank,
    );
  }
  if (agent) {
    scope.agent = compact(
      {
        id: agent.id,
        name: agent.name?.trim(),
        available_name: (agent.available_name ?? agent.name)?.trim(),
        first_name: agentWords[0],
        last_name: agentWords.length > 1 ? agentWords.at(-1) : null,
        email: agent.email,
        phone_number: agent.phone_number,
      },
      nonBlank,
    );
  }
  if (conversation) {
    const contactName = contact?.name?.trim();
    scope.conversation = compact(
      {
        id: conversation.id,
        display_id: conversation.id,
        contact_name: contactName ? rubyCapitalize(contactName) : "Customer",
        custom_attribute: scalars(conversation.custom_attributes, nonBlank),
      },
      nonBlank,
    );
  }
  if (inbox) scope.inbox = compact({ id: inbox.id, name: inbox.name }, nonBlank);
  return scope;
}

/**
 * The dashboard's scope, `getMessageVariables` of `@chatwoot/utils`: the contact's and the
 * assignee's names capitalized word by word, the first name the first space-separated word, the
 * last name the last one when there are several. `replaceVariablesInMessage` writes nothing for a
 * value that is falsy (0, false, ""), so neither does a draft.
 */
function draftScope(context: TemplateContext): Scope {
  const { contact, conversation, inbox } = context;
  const assignee = conversation?.assignee ?? null;
  const truthy = (value: Scalar) => Boolean(value);
  const firstName = (name: string | null | undefined) => (name ? dashboardCapitalize(name.split(" ")[0] ?? "") : "");
  const lastName = (name: string | null | undefined) => {
    const words = (name ?? "").split(" ");
    return name && words.length > 1 ? dashboardCapitalize(words.at(-1) ?? "") : "";
  };
  const scope: Scope = {};
  if (contact) {
    scope.contact = compact(
      {
        id: contact.id,
        name: dashboardCapitalize(contact.name ?? ""),
        first_name: firstName(contact.name),
        last_name: lastName(contact.name),
        email: contact.email,
        phone: contact.phone_number,
        phone_number: contact.phone_number,
        custom_attribute: scalars(contact.custom_attributes, truthy),
      },
      truthy,
    );
  }
  scope.agent = compact(
    {
      id: assignee?.id,
      name: dashboardCapitalize(assignee?.name ?? ""),
      first_name: firstName(assignee?.name),
      last_name: lastName(assignee?.name),
      email: assignee?.email,
    },
    truthy,
  );
  if (conversation) {
    scope.conversation = compact(
      { id: conversation.id, display_id: conversation.id, custom_attribute: scalars(conversation.custom_attributes, truthy) },
      truthy,
    );
  }
  if (inbox) scope.inbox = compact({ id: inbox.id, name: inbox.name }, truthy);
  return scope;
}

// ---- Rendering ----------------------------------------------------------------------------------

function lookup(scope: Scope, name: string): Scalar | undefined {
  const [owner, field, key] = name.split(".", 3);
  const value = owner === undefined || field === undefined ? undefined : scope[owner]?.[field];
  if (key === undefined) return typeof value === "object" ? undefined : value;
  return typeof value === "object" && Object.hasOwn(value, key) ? value[key] : undefined;
}

function knownName(name: string): boolean {
  return SUPPORTED.has(name) || CUSTOM_ATTRIBUTE.test(name);
}

/** The simple variables outside code that render empty: missing values, or names no scope has. */
function undefinedIn(template: string, scope: Scope): UndefinedVariable[] {
  const found = new Map<string, UndefinedVariable>();
  for (const [, name, singleQuoted, doubleQuoted] of template.replace(CODE, "").matchAll(VARIABLE)) {
    if (name === undefined || singleQuoted !== undefined || doubleQuoted !== undefined || found.has(name)) continue;
    if (lookup(scope, name) !== undefined) continue;
    found.set(name, { variable: name, reason: knownName(name) ? "missing" : "unknown" });
  }
  return [...found.values()];
}

function render(template: string, scope: Scope): RenderResult {
  if (!template.includes("{")) return { text: template, undefinedVariables: [] };
  if (template.length > MAX_TEMPLATE_LENGTH) return { text: template, undefinedVariables: [] };
  const source = template.replace(OR_FALLBACK, "$1| default:$2").replace(CODE, "{% raw %}`$1`{% endraw %}");
  try {
    const text = liquid.parseAndRenderSync(source, scope);
    return { text, undefinedVariables: undefinedIn(template, scope) };
  } catch {
    // As Chatwoot: a template Liquid cannot handle is sent as written.
    return { text: template, undefinedVariables: [] };
  }
}

/** The text as Chatwoot's server renders it (Liquid with its drops; `agent` is the sender). */
export function renderTemplate(template: string, context: TemplateContext): RenderResult {
  return render(template, serverScope(context));
}

/** The text as Chatwoot's dashboard fills an agent's draft (`agent` is the assignee). */
export function renderDraft(template: string, context: TemplateContext): RenderResult {
  return render(template, draftScope(context));
}

/** The variables used in a draft that would render empty, without rendering it (the UI warning). */
export function findUndefinedVariables(template: string, context: TemplateContext): UndefinedVariable[] {
  return undefinedIn(template, draftScope(context));
}

/** Every well-formed variable name used in a template, in order of first appearance, without duplicates. */
export function templateVariables(template: string): string[] {
  const names = new Set<string>();
  for (const [, name] of template.matchAll(VARIABLE)) if (name !== undefined) names.add(name);
  return [...names];
}
