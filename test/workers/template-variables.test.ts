import { describe, expect, it } from "vitest";
import {
  SUPPORTED_VARIABLES,
  findUndefinedVariables,
  renderTemplate,
  templateVariables,
  type TemplateContext,
} from "../../src/domain/template-variables";

const context: TemplateContext = {
  conversation: { id: 17, custom_attributes: { order_id: "A-1001", priority_level: 2, vip: true } },
  contact: {
    id: 42,
    name: "Ada Lovelace",
    email: "ada@example.com",
    phone_number: "+15550100",
    custom_attributes: { plan: "pro", "loyalty-tier": "gold", seats: 12, trial: false },
  },
  agent: { id: 7, name: "Grace Brewster Hopper", email: "grace@example.com", phone_number: "+15550199" },
};

function render(template: string, overrides: TemplateContext = context): string {
  return renderTemplate(template, overrides).text;
}

describe("substitution", () => {
  it("replaces a variable written without spaces inside the braces", () => {
    expect(render("Hi {{contact.name}}!")).toBe("Hi Ada Lovelace!");
  });

  it("replaces a variable written with spaces inside the braces", () => {
    expect(render("Hi {{ contact.name }}!")).toBe("Hi Ada Lovelace!");
  });

  it("replaces every occurrence of a variable", () => {
    expect(render("{{ contact.email }} / {{contact.email}}")).toBe("ada@example.com / ada@example.com");
  });

  it("renders the conversation display id and the contact id as numbers", () => {
    expect(render("#{{ conversation.id }} for contact {{ contact.id }}")).toBe("#17 for contact 42");
  });

  it("renders the contact's email and phone number", () => {
    expect(render("{{ contact.email }}, {{ contact.phone_number }}")).toBe("ada@example.com, +15550100");
  });

  it("renders the agent's name, email and phone number", () => {
    expect(render("{{ agent.name }} <{{ agent.email }}> {{ agent.phone_number }}")).toBe(
      "Grace Brewster Hopper <grace@example.com> +15550199",
    );
  });

  it("resolves every supported variable from a complete context", () => {
    const template = SUPPORTED_VARIABLES.map((name) => `{{ ${name} }}`).join("|");
    const result = renderTemplate(template, context);
    expect(result.undefinedVariables).toEqual([]);
    expect(result.text.split("|").every((value) => value !== "")).toBe(true);
  });

  it("inserts values as plain text without HTML escaping", () => {
    const result = render("{{ contact.name }}", { contact: { id: 1, name: "<b>Tom & Jerry</b>" } });
    expect(result).toBe("<b>Tom & Jerry</b>");
  });

  it("inserts values containing replacement patterns such as $& literally", () => {
    expect(render("{{ contact.name }}", { contact: { id: 1, name: "Cash $& $1 $$" } })).toBe("Cash $& $1 $$");
  });

  it("does not re-scan inserted values for variables", () => {
    const result = renderTemplate("Hi {{ contact.name }}", { ...context, contact: { id: 1, name: "{{ agent.email }}" } });
    expect(result.text).toBe("Hi {{ agent.email }}");
    expect(result.undefinedVariables).toEqual([]);
  });
});

describe("first and last names", () => {
  it("takes the first word of the contact's name as first_name", () => {
    expect(render("{{ contact.first_name }}")).toBe("Ada");
  });

  it("takes everything after the first word of the contact's name as last_name", () => {
    expect(render("{{ contact.last_name }}", { contact: { id: 1, name: "Mary Ann Evans" } })).toBe("Ann Evans");
  });

  it("splits the agent's name the same way", () => {
    expect(render("{{ agent.first_name }} / {{ agent.last_name }}")).toBe("Grace / Brewster Hopper");
  });

  it("trims the name before rendering or splitting it", () => {
    const padded: TemplateContext = { contact: { id: 1, name: "  Ada   Lovelace \n" } };
    expect(render("[{{ contact.name }}] [{{ contact.first_name }}] [{{ contact.last_name }}]", padded)).toBe(
      "[Ada   Lovelace] [Ada] [Lovelace]",
    );
  });

  it("treats last_name as missing when the name is a single word", () => {
    const result = renderTemplate("Dear {{ contact.last_name }}", { contact: { id: 1, name: "Cher" } });
    expect(result.text).toBe("Dear ");
    expect(result.undefinedVariables).toEqual([{ variable: "contact.last_name", reason: "missing" }]);
  });
});

describe("fallbacks", () => {
  const anonymous: TemplateContext = { contact: { id: 1 } };

  it("uses a || fallback in single quotes when the value is missing", () => {
    expect(render("Hi {{ contact.first_name || 'there' }}", anonymous)).toBe("Hi there");
  });

  it("uses a || fallback in double quotes when the value is missing", () => {
    expect(render('Hi {{ contact.first_name || "there" }}', anonymous)).toBe("Hi there");
  });

  it("uses a Liquid default fallback in single quotes when the value is missing", () => {
    expect(render("Hi {{ contact.first_name | default: 'there' }}", anonymous)).toBe("Hi there");
  });

  it("uses a Liquid default fallback in double quotes when the value is missing", () => {
    expect(render('Hi {{ contact.first_name | default: "there" }}', anonymous)).toBe("Hi there");
  });

  it("accepts fallbacks written without spaces", () => {
    expect(render("{{contact.first_name||'there'}} {{contact.first_name|default:'you'}}", anonymous)).toBe("there you");
  });

  it("keeps spaces, punctuation and the other quote character in a fallback", () => {
    expect(render(`{{ contact.name || "dear O'Brien, friend!" }}`, anonymous)).toBe("dear O'Brien, friend!");
  });

  it("uses the fallback when the value is an empty string", () => {
    expect(render("{{ contact.email || 'no email' }}", { contact: { id: 1, email: "" } })).toBe("no email");
  });

  it("uses the fallback when the value is only whitespace", () => {
    expect(render("{{ contact.name || 'friend' }}", { contact: { id: 1, name: "   " } })).toBe("friend");
  });

  it("uses the fallback when the value is null", () => {
    expect(render("{{ agent.phone_number || 'n/a' }}", { agent: { phone_number: null } })).toBe("n/a");
  });

  it("ignores the fallback when the value is present", () => {
    expect(render("Hi {{ contact.first_name || 'there' }}")).toBe("Hi Ada");
  });

  it("does not report a variable whose fallback was applied", () => {
    expect(renderTemplate("{{ contact.email || 'none' }}", anonymous).undefinedVariables).toEqual([]);
  });

  it("uses the fallback for an unknown variable and does not report it", () => {
    const result = renderTemplate("{{ contact.shoe_size || 'unknown size' }}", context);
    expect(result.text).toBe("unknown size");
    expect(result.undefinedVariables).toEqual([]);
  });
});

describe("undefined variables", () => {
  it("renders a missing variable as an empty string and reports it as missing", () => {
    const result = renderTemplate("Mail: {{ contact.email }}.", { contact: { id: 1 } });
    expect(result.text).toBe("Mail: .");
    expect(result.undefinedVariables).toEqual([{ variable: "contact.email", reason: "missing" }]);
  });

  it("reports variables as missing when their part of the context is absent", () => {
    const result = renderTemplate("{{ agent.name }}{{ conversation.id }}", {});
    expect(result.undefinedVariables).toEqual([
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

  it("treats names inherited from Object.prototype as unknown", () => {
    const result = renderTemplate("{{ constructor }}{{ toString }}", context);
    expect(result.text).toBe("");
    expect(result.undefinedVariables.map((entry) => entry.reason)).toEqual(["unknown", "unknown"]);
  });

  it("reports each undefined variable once, in order of first appearance", () => {
    const result = renderTemplate("{{ foo }} {{ contact.email }} {{ foo }} {{contact.email}}", { contact: { id: 1 } });
    expect(result.undefinedVariables).toEqual([
      { variable: "foo", reason: "unknown" },
      { variable: "contact.email", reason: "missing" },
    ]);
  });

  it("reports a variable when one of its occurrences has no fallback", () => {
    const result = renderTemplate("{{ contact.name || 'you' }} and {{ contact.name }}", { contact: { id: 1 } });
    expect(result.text).toBe("you and ");
    expect(result.undefinedVariables).toEqual([{ variable: "contact.name", reason: "missing" }]);
  });
});

describe("custom attributes", () => {
  it("renders a contact custom attribute", () => {
    expect(render("Plan: {{ contact.custom_attribute.plan }}")).toBe("Plan: pro");
  });

  it("renders a conversation custom attribute", () => {
    expect(render("Order {{ conversation.custom_attribute.order_id }}")).toBe("Order A-1001");
  });

  it("accepts keys with letters, digits, underscores and dashes", () => {
    const withKeys: TemplateContext = { contact: { id: 1, custom_attributes: { "tier-2_Level9": "x" } } };
    expect(render("{{ contact.custom_attribute.tier-2_Level9 }}", withKeys)).toBe("x");
  });

  it("renders numeric custom attribute values with String()", () => {
    expect(render("{{ contact.custom_attribute.seats }}/{{ conversation.custom_attribute.priority_level }}")).toBe("12/2");
  });

  it("renders boolean custom attribute values with String()", () => {
    expect(render("{{ conversation.custom_attribute.vip }} {{ contact.custom_attribute.trial }}")).toBe("true false");
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

  it("reports an absent custom attribute as missing and uses its fallback when given", () => {
    const result = renderTemplate("{{ contact.custom_attribute.color }}{{ contact.custom_attribute.size || 'M' }}", context);
    expect(result.text).toBe("M");
    expect(result.undefinedVariables).toEqual([{ variable: "contact.custom_attribute.color", reason: "missing" }]);
  });

  it("looks custom attributes up as own properties only", () => {
    const result = renderTemplate("{{ contact.custom_attribute.constructor }}{{ contact.custom_attribute.__proto__ }}", context);
    expect(result.text).toBe("");
    expect(result.undefinedVariables.map((entry) => entry.reason)).toEqual(["missing", "missing"]);
  });

  it("does not read a contact attribute for a conversation variable", () => {
    expect(render("[{{ conversation.custom_attribute.plan }}]")).toBe("[]");
  });
});

describe("malformed variables", () => {
  it.each([
    "Hi {{ contact.name",
    "Hi {{}}",
    "Hi {{ }}",
    "Hi {{ 1+1 }}",
    "Hi { contact.name }",
    "Hi {{ contact.name }",
    "Hi {{ contact name }}",
    "Hi {{ contact.name | upcase }}",
    "Hi {{ contact.name || there }}",
    "Hi {{ contact.name || 'there }}",
    "Hi {{ contact.name || 'it's me' }}",
  ])("leaves %j untouched", (template) => {
    const result = renderTemplate(template, context);
    expect(result.text).toBe(template);
    expect(result.undefinedVariables).toEqual([]);
  });

  it("still renders well-formed variables next to malformed ones", () => {
    expect(render("{{ 1+1 }} {{ contact.first_name }} {{")).toBe("{{ 1+1 }} Ada {{");
  });
});

describe("findUndefinedVariables", () => {
  it("lists the variables that would render empty", () => {
    expect(findUndefinedVariables("Hi {{ contact.first_name }}, re {{ foo }}", { contact: { id: 1 } })).toEqual([
      { variable: "contact.first_name", reason: "missing" },
      { variable: "foo", reason: "unknown" },
    ]);
  });

  it("leaves out variables that have a fallback", () => {
    expect(findUndefinedVariables("Hi {{ contact.first_name | default: 'there' }}", { contact: { id: 1 } })).toEqual([]);
  });

  it("returns nothing when every variable has a value", () => {
    expect(findUndefinedVariables("Hi {{ contact.first_name }}, I'm {{ agent.first_name }}", context)).toEqual([]);
  });
});

describe("templateVariables", () => {
  it("lists each variable name once, in order of first appearance", () => {
    expect(templateVariables("{{ agent.name }} {{contact.name}} {{ agent.name }}")).toEqual(["agent.name", "contact.name"]);
  });

  it("includes variables written with fallbacks and custom attributes", () => {
    expect(
      templateVariables("{{ contact.first_name || 'there' }} {{ conversation.custom_attribute.order-id | default: \"-\" }}"),
    ).toEqual(["contact.first_name", "conversation.custom_attribute.order-id"]);
  });

  it("includes unknown names as written", () => {
    expect(templateVariables("{{ foo }} {{ contact.shoe_size }}")).toEqual(["foo", "contact.shoe_size"]);
  });

  it("ignores malformed variables", () => {
    expect(templateVariables("{{ 1+1 }} {{}} {{ contact.name | upcase }} {{ contact.email")).toEqual([]);
  });

  it("returns nothing for plain text", () => {
    expect(templateVariables("Thanks for reaching out!")).toEqual([]);
  });
});

describe("SUPPORTED_VARIABLES", () => {
  it("lists exactly the documented fixed variables", () => {
    expect([...SUPPORTED_VARIABLES].sort()).toEqual(
      [
        "conversation.id",
        "contact.id",
        "contact.name",
        "contact.first_name",
        "contact.last_name",
        "contact.email",
        "contact.phone_number",
        "agent.name",
        "agent.first_name",
        "agent.last_name",
        "agent.email",
        "agent.phone_number",
      ].sort(),
    );
  });
});
