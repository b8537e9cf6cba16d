// Chatwoot's published Application API (a dated copy of its operations in test/fixtures) mapped to
// Parley's OpenAPI document: every operation is served, or is on the short list of exclusions below.
import { describe, expect, it } from "vitest";
import { CHATWOOT_APPLICATION_API, type ChatwootOperation } from "../fixtures/chatwoot-application-api";
import chatwootDoc from "../../docs/CHATWOOT.md?raw";
import { chatwootCoverage, coverageTable, EXCLUDED_TAGS, TABLE_END, TABLE_START } from "../fixtures/chatwoot-coverage";
import { documentedOperations } from "./routes";

describe("Chatwoot's Application API", () => {
  it("is served by Parley, operation by operation, except the documented exclusions", async () => {
    const coverage = chatwootCoverage(CHATWOOT_APPLICATION_API, await documentedOperations());
    const missing = coverage.filter((row) => row.status === "missing").map((row) => `${row.operation.method} ${row.operation.path}`);
    expect(missing).toEqual([]);
  });

  it("covers at least nine in ten of Chatwoot's operations, counting the exclusions as missing", async () => {
    const coverage = chatwootCoverage(CHATWOOT_APPLICATION_API, await documentedOperations());
    const served = coverage.filter((row) => row.status === "served").length;
    expect(served / CHATWOOT_APPLICATION_API.length).toBeGreaterThanOrEqual(0.9);
  });

  it("excludes only whole areas, each with its reason", () => {
    const tags = new Set(CHATWOOT_APPLICATION_API.map((operation: ChatwootOperation) => operation.tag));
    for (const [tag, reason] of Object.entries(EXCLUDED_TAGS)) {
      expect(tags.has(tag), tag).toBe(true);
      expect(reason.length).toBeGreaterThan(20);
    }
  });

  it("is tabled in docs/CHATWOOT.md as the fixture and Parley's document say (paste the expected table when this fails)", async () => {
    const table = coverageTable(chatwootCoverage(CHATWOOT_APPLICATION_API, await documentedOperations()));
    const start = chatwootDoc.indexOf(TABLE_START);
    const end = chatwootDoc.indexOf(TABLE_END);
    expect(start, "docs/CHATWOOT.md has the table markers").toBeGreaterThanOrEqual(0);
    expect(chatwootDoc.slice(start + TABLE_START.length, end).trim()).toBe(table);
  });
});
