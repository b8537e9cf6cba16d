import { describe, expect, it } from "vitest";
import { checkPreChat } from "../../src/domain/pre-chat";
import { MAX_REGEX_INPUT_LENGTH, regexSafety } from "../../src/domain/safe-regex";

const refused = (pattern: string) => !regexSafety(pattern).ok;

describe("administrators' regular expressions", () => {
  it("refuses the classic catastrophic patterns: nested repetition and alternation under repetition", () => {
    for (const pattern of ["^(a+)+$", "(a*)*b", "^(\\w+\\s?)*$", "(x+x+)+y", "^(a|aa)+$", "^(a|a?)+$", "((ab)*c)*", "(.*a){20}"]) {
      expect(refused(pattern), pattern).toBe(true);
    }
  });

  it("refuses backreferences", () => {
    expect(refused("^(a+)\\1$")).toBe(true);
    expect(refused("(?<word>\\w)\\k<word>")).toBe(true);
  });

  it("refuses more unbounded repetitions than the polynomial bound allows, and long patterns", () => {
    expect(refused("^\\d*\\d*\\d*\\d*x$")).toBe(true);
    expect(refused(`^${"a".repeat(400)}$`)).toBe(true);
  });

  it("accepts the everyday formats administrators write", () => {
    for (const pattern of [
      "^[A-Z]{2}-\\d{4}$",
      "^\\+?[0-9 ()-]{7,20}$",
      "^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$",
      "^(\\+|00)?\\d{6,15}$",
      "^(?:\\d{3})+$",
      "^https?://",
      "[(+*]",
    ]) {
      expect(regexSafety(pattern), pattern).toEqual({ ok: true });
    }
  });

  it("does not run a catastrophic pattern saved before the rules on a visitor's input", () => {
    const field = { field_type: "conversation_attribute" as const, name: "code", type: "text" as const, regex_pattern: "^(a+)+$" };
    const started = Date.now();
    const { issues } = checkPreChat([field], { code: `${"a".repeat(40)}!` });
    expect(Date.now() - started).toBeLessThan(100);
    expect(issues).toEqual([]);
  });

  it("does not test input longer than the cap against a pattern", () => {
    const field = { field_type: "conversation_attribute" as const, name: "code", type: "text" as const, regex_pattern: "^a*$" };
    expect(checkPreChat([field], { code: "a".repeat(MAX_REGEX_INPUT_LENGTH) }).issues).toEqual([]);
    expect(checkPreChat([field], { code: "a".repeat(MAX_REGEX_INPUT_LENGTH + 1) }).issues).toMatchObject([{ field: "values.code" }]);
  });
});
