import { describe, expect, it } from "vitest";
import { isCsCommand, parseCsCommand } from "../../src/domain/cs-commands";

const command = (text: string) => {
  const parsed = parseCsCommand(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.command;
};

describe(">cs commands", () => {
  it("sets a contact profile field, location with its department", () => {
    expect(command(">cs .location 61be87aeafdf672d381a9db4#61be87aeafdf672d381a9db5")).toEqual({
      kind: "location",
      locationId: "61be87aeafdf672d381a9db4",
      department: "61be87aeafdf672d381a9db5",
    });
  });

  it("sets a field with a value of several words", () => {
    expect(command(">cs .brand Toyota Corolla")).toEqual({ kind: "field", field: "brand", value: "Toyota Corolla" });
  });

  it("activates a form by id", () => {
    expect(command(">cs +42")).toEqual({ kind: "activate_form", formId: 42 });
  });

  it("sets the conversation category", () => {
    expect(command(">cs /set @category Used Car")).toEqual({ kind: "set_category", value: "Used Car" });
  });

  it("sets a conversation meta variable", () => {
    expect(command(">cs /set isLead yes")).toEqual({ kind: "set_attribute", key: "isLead", value: "yes" });
  });

  it("assigns to a user", () => {
    expect(command(">cs /assign 7")).toEqual({ kind: "assign", userId: 7 });
  });

  it("notifies one inbox, or all", () => {
    expect(command(">cs /notify 3")).toEqual({ kind: "notify", inboxId: 3 });
    expect(command(">cs /notify")).toEqual({ kind: "notify", inboxId: null });
  });

  it("mentions a user with a message", () => {
    expect(command(">cs @12 Hello this is for you")).toEqual({ kind: "mention", userId: 12, text: "Hello this is for you" });
  });

  it("explains what is wrong with a bad command instead of guessing", () => {
    for (const [text, error] of [
      [">cs", "The command is empty."],
      [">cs /launch rockets", "Unknown command /launch."],
      [">cs .brand", ".brand needs a value."],
      [">cs /assign someone", "/assign needs one user id."],
      [">cs +abc", '"abc" is not a form id.'],
      [">cs @5", "A mention needs a message."],
      [">cs /set @category", "/set @category needs a value."],
      [">cs hello", "Unknown command."],
    ] as const) {
      expect(parseCsCommand(text)).toEqual({ ok: false, error });
    }
  });

  it("recognises only messages that start with >cs", () => {
    expect(isCsCommand(">cs /notify")).toBe(true);
    expect(isCsCommand("hello >cs /notify")).toBe(false);
    expect(isCsCommand(">csx")).toBe(false);
  });
});
