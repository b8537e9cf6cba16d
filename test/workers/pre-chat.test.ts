import { describe, expect, it } from "vitest";
import { checkPreChat, type PreChatFieldRule } from "../../src/domain/pre-chat";

const fields: PreChatFieldRule[] = [
  { field_type: "standard", name: "full_name", type: "text", label: "Name", required: true },
  { field_type: "standard", name: "email", type: "email", label: "Email", required: true },
  { field_type: "contact_attribute", name: "plan", type: "list", label: "Plan", required: false, values: ["free", "pro"] },
  { field_type: "conversation_attribute", name: "order", type: "text", label: "Order", required: false, regex_pattern: "^A-\\d+$" },
  { field_type: "contact_attribute", name: "seats", type: "number", label: "Seats", required: false },
  { field_type: "standard", name: "phone_number", type: "phone", label: "Phone", required: false, enabled: false },
];

describe("pre-chat answers", () => {
  it("sorts valid answers onto the contact, its attributes and the conversation's", () => {
    const { answers, issues } = checkPreChat(fields, { full_name: " Vera ", email: "Vera@Example.test", plan: "pro", order: "A-17", seats: 3 });
    expect(issues).toEqual([]);
    expect(answers).toEqual({
      contact: { name: "Vera", email: "vera@example.test" },
      contactAttributes: { plan: "pro", seats: 3 },
      conversationAttributes: { order: "A-17" },
    });
  });

  it("reports every missing required field and every malformed one", () => {
    const { issues } = checkPreChat(fields, { email: "nope", plan: "gold", order: "B-1", seats: "three" });
    expect(issues.map((issue) => [issue.field, issue.code])).toEqual([
      ["values.full_name", "required"],
      ["values.email", "invalid"],
      ["values.plan", "invalid"],
      ["values.order", "invalid"],
      ["values.seats", "invalid"],
    ]);
  });

  it("ignores disabled fields and unknown keys", () => {
    const { answers, issues } = checkPreChat(fields, { full_name: "V", email: "v@example.test", phone_number: "bad", other: "x" });
    expect(issues).toEqual([]);
    expect(answers.contact).toEqual({ name: "V", email: "v@example.test" });
  });
});
