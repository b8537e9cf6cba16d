import { describe, expect, it } from "vitest";
import {
  SUPPORTED_VARIABLES,
  findUndefinedVariables,
  renderDraft,
  renderTemplate,
  templateVariables,
  type TemplateContext,
} from "../../src/domain/template-variables";

const context: TemplateContext = {
  conversation: {
    id: 17,
    custom_attributes: { order_id: "A-1001", priority_level: 2, vip: true },
    assignee: { id: 9, name: "katherine johnson", email: "katherine@example.com" },
  },
  contact: {
    id: 42,
    name: "ada LOVELACE",
    email: "ada@example.com",
    phone_number: "+15550100",
    custom_attributes: { plan: "pro", "loyalty-tier": "gold", seats: 12, trial: false },
  },
  agent: { id: 7, name: "Grace Brewster Hopper", email: "grace@example.com", phone_number: "+15550199" },
  inbox: { id: 3, name: "Website" },
};

function render(template: string, overrides: TemplateContext = context): string {
  return renderTemplate(template, overrides).text;
}

// Chatwoot renders an outgoing message's Liquid before it is created (app/models/concerns/liquidable.rb)
// with these drops: 'contact' => ContactDrop, 'agent' => UserDrop.new(sender), 'conversation' =>
// ConversationDrop, 'inbox' => InboxDrop. The values below are those of chatwoot/chatwoot's
// app/drops/*.rb: contact_drop.rb as it is now (first and last name fall back to a one-word name;
// `phone` beside `phone_number`), conversation_drop.rb at 5733fb67b, base_drop.rb at f771df85b
// (id and name), user_drop.rb at 89ef70c42.
describe("on the server, Chatwoot's Liquid drops", () => {
  it("capitalizes each word of the contact's name as Ruby's capitalize does (ContactDrop#name)", () => {
    // @obj.try(:name).try(:split).try(:map, &:capitalize).try(:join, ' ')
    expect(render("{{ contact.name }}")).toBe("Ada Lovelace");
    expect(render("{{ contact.name }}", { contact: { id: 1, name: "  mary   o'NEIL-smith \n" } })).toBe("Mary O'neil-smith");
  });

  it("takes the first and last words for first_name and last_name, a one-word name being both (ContactDrop)", () => {
    // first_name: parts.first.capitalize; last_name: parts.last.capitalize, and for a single word
    // parts.first.capitalize ("Falls back to the contact's full name when the name has a single word",
    // Chatwoot's current contact_drop.rb; earlier versions gave nil for one word).
    expect(render("{{ contact.first_name }}/{{ contact.last_name }}", { contact: { id: 1, name: "mary ann EVANS" } })).toBe("Mary/Evans");
    expect(render("[{{ contact.first_name }}][{{ contact.last_name }}]", { contact: { id: 1, name: "cher" } })).toBe("[Cher][Cher]");
    expect(render("[{{ contact.first_name }}]", { contact: { id: 1, name: "  " } })).toBe("[]");
  });

  it("renders the contact's id, email and phone number as stored (ContactDrop, BaseDrop#id)", () => {
    expect(render("{{ contact.id }} {{ contact.email }} {{ contact.phone_number }} {{ contact.phone }}")).toBe("42 ada@example.com +15550100 +15550100");
  });

  it("uses the message's sender as the agent, with the name as stored (UserDrop, BaseDrop#name)", () => {
    expect(render("{{ agent.id }} {{ agent.name }} {{ agent.available_name }}")).toBe("7 Grace Brewster Hopper Grace Brewster Hopper");
  });

  it("renders the conversation's display id and its contact's name capitalized, or Customer (ConversationDrop)", () => {
    // contact_name: @obj.try(:contact).name.try(:capitalize) || 'Customer'
    expect(render("#{{ conversation.display_id }} {{ conversation.id }} {{ conversation.contact_name }}")).toBe("#17 17 Ada lovelace");
    expect(render("{{ conversation.contact_name }}", { conversation: { id: 1 }, contact: { id: 1, name: null } })).toBe("Customer");
  });

  it("renders the inbox's id and name (InboxDrop, BaseDrop)", () => {
    expect(render("{{ inbox.id }}: {{ inbox.name }}")).toBe("3: Website");
  });

  it("renders custom attributes by key (ContactDrop and ConversationDrop #custom_attribute)", () => {
    expect(render("{{ contact.custom_attribute.plan }} {{ contact.custom_attribute.loyalty-tier }} {{ conversation.custom_attribute.order_id }}")).toBe(
      "pro gold A-1001",
    );
    expect(render("{{ contact.custom_attribute.seats }}/{{ conversation.custom_attribute.vip }}/{{ contact.custom_attribute.trial }}")).toBe("12/true/false");
  });

  it("keeps Parley's agent variables beside Chatwoot's (first and last name, email, phone)", () => {
    expect(render("{{ agent.first_name }}|{{ agent.last_name }}|{{ agent.email }}|{{ agent.phone_number }}")).toBe("Grace|Hopper|grace@example.com|+15550199");
  });

  it("resolves every supported variable from a complete context", () => {
    const template = SUPPORTED_VARIABLES.map((name) => `{{ ${name} }}`).join("|");
    const result = renderTemplate(template, context);
    expect(result.undefinedVariables).toEqual([]);
    expect(result.text.split("|").every((value) => value !== "")).toBe(true);
  });
});

describe("Liquid", () => {
  it("applies filters", () => {
    expect(render("{{ contact.first_name | upcase }} {{ inbox.name | downcase }} {{ contact.email | split: '@' | last }}")).toBe("ADA website example.com");
  });

  it("runs conditionals", () => {
    const template = "{% if contact.email %}We'll write to {{ contact.email }}.{% else %}How can we reach you?{% endif %}";
    expect(render(template)).toBe("We'll write to ada@example.com.");
    expect(render(template, { contact: { id: 1 } })).toBe("How can we reach you?");
  });

  it("inserts values as plain text without HTML escaping", () => {
    expect(render("{{ contact.email }}", { contact: { id: 1, email: "<b>tom&jerry</b>@example.com" } })).toBe("<b>tom&jerry</b>@example.com");
  });

  it("inserts values containing replacement patterns such as $& literally", () => {
    expect(render("{{ contact.custom_attribute.note }}", { contact: { id: 1, custom_attributes: { note: "Cash $& $1 $$" } } })).toBe("Cash $& $1 $$");
  });

  it("does not render the variables of an inserted value", () => {
    const result = renderTemplate("Hi {{ contact.email }}", { ...context, contact: { id: 1, email: "{{ agent.email }}" } });
    expect(result.text).toBe("Hi {{ agent.email }}");
  });

  it("leaves text between backticks as written, as Chatwoot does", () => {
    expect(render("Type `{{ contact.name }}` to greet {{ contact.name }}")).toBe("Type `{{ contact.name }}` to greet Ada Lovelace");
  });

  it("sends a template that Liquid cannot parse as written, as Chatwoot does", () => {
    for (const template of ["Hi {{ contact.name", "Hi {% if %}", "{{ contact.name || there }}", "Hi {% endif %}"]) {
      expect(render(template), template).toBe(template);
    }
  });

  it("reads no file for include and render", () => {
    expect(render("{% include 'secrets' %}")).toBe("{% include 'secrets' %}");
    expect(render("{% render '../wrangler.toml' %}")).toBe("{% render '../wrangler.toml' %}");
  });

  it("stops a loop that would write too much and sends the template as written", () => {
    const template = "{% for i in (1..100000000) %}{{ contact.name }}{% endfor %}";
    const result = renderTemplate(template, context);
    expect(result.text).toBe(template);
  });

  it("leaves text without braces alone", () => {
    expect(render("Thanks for reaching out! 100% sure.")).toBe("Thanks for reaching out! 100% sure.");
  });
});

describe("fallbacks", () => {
  const anonymous: TemplateContext = { contact: { id: 1 } };

  it("uses a || fallback in single or double quotes when the value is missing (Parley's extension)", () => {
    expect(render("Hi {{ contact.first_name || 'there' }}", anonymous)).toBe("Hi there");
    expect(render('Hi {{ contact.first_name || "there" }}', anonymous)).toBe("Hi there");
  });

  it("uses Liquid's default filter the same way", () => {
    expect(render("Hi {{ contact.first_name | default: 'there' }}", anonymous)).toBe("Hi there");
  });

  it("accepts fallbacks written without spaces", () => {
    expect(render("{{contact.first_name||'there'}} {{contact.first_name|default:'you'}}", anonymous)).toBe("there you");
  });

  it("keeps spaces, punctuation and the other quote character in a fallback", () => {
    expect(render(`{{ contact.name || "dear O'Brien, friend!" }}`, anonymous)).toBe("dear O'Brien, friend!");
  });

  it("uses the fallback when the value is empty, only whitespace or null", () => {
    expect(render("{{ contact.email || 'no email' }}", { contact: { id: 1, email: "" } })).toBe("no email");
    expect(render("{{ contact.name || 'friend' }}", { contact: { id: 1, name: "   " } })).toBe("friend");
    expect(render("{{ agent.phone_number || 'n/a' }}", { agent: { phone_number: null } })).toBe("n/a");
  });

  it("ignores the fallback when the value is present", () => {
    expect(render("Hi {{ contact.first_name || 'there' }}")).toBe("Hi Ada");
  });

  it("does not report a variable whose fallback applies", () => {
    expect(renderTemplate("{{ contact.email || 'none' }} {{ contact.shoe_size || 'n/a' }}", anonymous).undefinedVariables).toEqual([]);
  });
});

describe("undefined variables", () => {
  it("renders a missing variable as an empty string and reports it as missing", () => {
    const result = renderTemplate("Mail: {{ contact.email }}.", { contact: { id: 1 } });
    expect(result.text).toBe("Mail: .");
    expect(result.undefinedVariables).toEqual([{ variable: "contact.email", reason: "missing" }]);
  });

  it("reports variables as missing when their part of the context is absent", () => {
    expect(renderTemplate("{{ agent.name }}{{ conversation.id }}", {}).undefinedVariables).toEqual([
      { variable: "agent.name", reason: "missing" },
      { variable: "conversation.id", reason: "missing" },
    ]);
  });

  it("renders an unknown variable name as an empty string and reports it as unknown", () => {
    const result = renderTemplate("[{{ contact.shoe_size }}] [{{ foo }}]", context);
    expect(result.text).toBe("[] []");
    expect(result.undefinedVariables).toEqual([
      { variable: "contact.shoe_size", reason: "unknown" },
      { variable: "foo", reason: "unknown" },
    ]);
  });

  it("finds nothing inherited from Object.prototype", () => {
    const result = renderTemplate("{{ constructor }}{{ contact.custom_attribute.constructor }}{{ contact.custom_attribute.__proto__ }}", context);
    expect(result.text).toBe("");
    expect(result.undefinedVariables.map((entry) => entry.reason)).toEqual(["unknown", "missing", "missing"]);
  });

  it("reports each undefined variable once, in order of first appearance", () => {
    const result = renderTemplate("{{ foo }} {{ contact.email }} {{ foo }} {{contact.email}}", { contact: { id: 1 } });
    expect(result.undefinedVariables).toEqual([
      { variable: "foo", reason: "unknown" },
      { variable: "contact.email", reason: "missing" },
    ]);
  });

  it("treats object and array custom attribute values as missing", () => {
    const nested: TemplateContext = { contact: { id: 1, custom_attributes: { address: { city: "Paris" }, tags: ["a"] } } };
    const result = renderTemplate("{{ contact.custom_attribute.address }}{{ contact.custom_attribute.tags }}", nested);
    expect(result.text).toBe("");
    expect(result.undefinedVariables).toEqual([
      { variable: "contact.custom_attribute.address", reason: "missing" },
      { variable: "contact.custom_attribute.tags", reason: "missing" },
    ]);
  });

  it("does not read a contact attribute for a conversation variable", () => {
    expect(render("[{{ conversation.custom_attribute.plan }}]")).toBe("[]");
  });

  it("lists what a draft would leave empty without rendering it (findUndefinedVariables)", () => {
    expect(findUndefinedVariables("Hi {{ contact.first_name }}, re {{ foo }} {{ inbox.name || 'us' }}", { contact: { id: 1 } })).toEqual([
      { variable: "contact.first_name", reason: "missing" },
      { variable: "foo", reason: "unknown" },
    ]);
    expect(findUndefinedVariables("Hi {{ contact.first_name }}, I'm {{ agent.first_name }}", context)).toEqual([]);
  });
});

// The draft's differential test against Chatwoot's own code runs in Node (test/node/template-drafts.test.ts):
// @chatwoot/utils builds functions from strings, which the Workers runtime forbids.
describe("an agent's draft", () => {
  it("takes the agent from the conversation's assignee, not from the person writing", () => {
    expect(renderDraft("{{ agent.name }}", context).text).toBe("Katherine Johnson");
    expect(renderTemplate("{{ agent.name }}", context).text).toBe("Grace Brewster Hopper");
  });
});

describe("templateVariables", () => {
  it("lists each variable name once, in order of first appearance", () => {
    expect(templateVariables("{{ agent.name }} {{contact.name}} {{ agent.name }}")).toEqual(["agent.name", "contact.name"]);
  });

  it("includes variables written with fallbacks and custom attributes", () => {
    expect(templateVariables("{{ contact.first_name || 'there' }} {{ conversation.custom_attribute.order-id | default: \"-\" }}")).toEqual([
      "contact.first_name",
      "conversation.custom_attribute.order-id",
    ]);
  });

  it("includes unknown names as written and ignores other expressions", () => {
    expect(templateVariables("{{ foo }} {{ contact.shoe_size }} {{ 1+1 }} {{ contact.name | upcase }}")).toEqual(["foo", "contact.shoe_size"]);
  });
});

describe("SUPPORTED_VARIABLES", () => {
  it("lists Chatwoot's variables and Parley's additions", () => {
    expect([...SUPPORTED_VARIABLES].sort()).toEqual(
      [
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
      ].sort(),
    );
  });
});
