import { describe, expect, it } from "vitest";
import { csvLine, parseCsv } from "../../src/domain/csv";

describe("CSV", () => {
  it("reads quoted fields with commas, doubled quotes and line breaks, CRLF or LF rows, and drops a byte order mark", () => {
    const text = '\uFEFFname,email\r\n"Doe, Jane","jane@example.test"\n"Say ""hi""","a\nb"\n';
    expect(parseCsv(text)).toEqual([
      ["name", "email"],
      ["Doe, Jane", "jane@example.test"],
      ['Say "hi"', "a\nb"],
    ]);
  });

  it("keeps empty fields and a last row without a line break", () => {
    expect(parseCsv("a,,c\n,,")).toEqual([
      ["a", "", "c"],
      ["", "", ""],
    ]);
  });

  it("writes what it reads back, and disarms fields a spreadsheet would run as formulas", () => {
    const line = csvLine(["Doe, Jane", 'Say "hi"', null, 7, "=HYPERLINK(1)"]);
    expect(line).toBe('"Doe, Jane","Say ""hi""",,7,\'=HYPERLINK(1)\r\n');
    expect(parseCsv(line)).toEqual([["Doe, Jane", 'Say "hi"', "", "7", "'=HYPERLINK(1)"]]);
  });
});
