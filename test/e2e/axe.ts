// axe-core in the page under test: the rules of WCAG 2.0, 2.1 and 2.2 A and AA plus axe's best
// practices, and what a test must not ship: violations of serious or critical impact, listed with
// their rule, the elements they hit and axe's summary, so a failure says what to fix.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Frame, Page } from "playwright-core";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

type AxeNode = { target: unknown[]; failureSummary?: string };
type AxeViolation = { id: string; impact: string | null; help: string; nodes: AxeNode[] };

declare global {
  interface Window {
    axe?: { run: (context: unknown, options: unknown) => Promise<{ violations: AxeViolation[] }> };
  }
}

/**
 * The serious and critical violations on `page` as it is now, one readable line per element. The
 * console's Content-Security-Policy allows no inline script, so axe is evaluated through the
 * DevTools protocol (as addScriptTag's content would be, were it allowed) rather than as a tag.
 */
export async function seriousViolations(page: Page | Frame): Promise<string[]> {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await window.axe!.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
      resultTypes: ["violations"],
    });
    return result.violations;
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.map((n) => `${v.impact} ${v.id} at ${JSON.stringify(n.target)}: ${v.help}. ${(n.failureSummary ?? "").replace(/\s+/g, " ")}`));
}
