// The folders keep their places in the architecture: the Durable Object modules import each other
// without a cycle, and the jobs do not import the HTTP surfaces (src/api): a rule both need lives in
// a module both import (src/domain, src/services).
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

/**
 * The modules a file loads when it runs: relative imports and re-exports, leaving out those that
 * only bring types (`import type`, `export type`, or every name marked `type`), which the compiler erases.
 */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const statements = text.matchAll(/^(import|export)\s+(type\s+)?([^;]*?)\s*from\s+"(\.[^"]+)"/gms);
  const imported: string[] = [];
  for (const [, , typeOnly, clause = "", specifier = ""] of statements) {
    if (typeOnly) continue;
    const names = /^\{([^}]*)\}$/s.exec(clause.trim())?.[1];
    if (names !== undefined && names.split(",").every((name) => name.trim() === "" || name.trim().startsWith("type "))) continue;
    imported.push(resolveModule(file, specifier));
  }
  for (const [, specifier = ""] of text.matchAll(/^import\s+"(\.[^"]+)"/gm)) imported.push(resolveModule(file, specifier));
  return imported;
}

function resolveModule(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, join(base, "index.ts")]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  return base;
}

/** The first import cycle found among `files` (as paths from the repository root), or null. */
function findCycle(files: string[]): string[] | null {
  const inScope = new Set(files);
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (file: string): string[] | null => {
    if (state.get(file) === "done") return null;
    if (state.get(file) === "visiting") return [...stack.slice(stack.indexOf(file)), file].map((path) => relative(root, path));
    state.set(file, "visiting");
    stack.push(file);
    for (const next of runtimeImports(file)) {
      if (!inScope.has(next)) continue;
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(file, "done");
    return null;
  };
  for (const file of files) {
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return null;
}

it("finds no import cycle among the Durable Object modules", () => {
  const cycle = findCycle(sourceFiles(join(root, "src/durable")));
  expect(cycle, `src/durable imports itself in a circle: ${cycle?.join(" → ")}`).toBeNull();
});

it("sees a cycle through a re-export, and none through imports of types only", () => {
  const dir = mkdtempSync(join(tmpdir(), "import-graph-"));
  writeFileSync(join(dir, "a.ts"), 'import { b } from "./b";\nimport type { C } from "./c";\nexport const a = 1;\n');
  writeFileSync(join(dir, "b.ts"), 'export { a as b } from "./a";\n');
  writeFileSync(join(dir, "c.ts"), 'import { type A } from "./a";\nexport type C = 1;\n');
  expect(findCycle([join(dir, "a.ts"), join(dir, "c.ts")])).toBeNull();
  expect(findCycle([join(dir, "a.ts"), join(dir, "b.ts"), join(dir, "c.ts")])).toHaveLength(3);
});

/**
 * Imports from src/api that jobs still make, each waiting to move out of the surface it lives in.
 * The list only shrinks: a job that needs something of a router moves it first.
 */
const JOB_IMPORTS_LEFT_TO_MOVE = new Set([
  "src/jobs/load-snapshot.ts → src/api/accounts/inboxes.ts",
  "src/jobs/load-snapshot.ts → src/api/accounts/chat-widgets.ts",
  "src/jobs/load-snapshot.ts → src/api/audit.ts",
  "src/jobs/load-snapshot.ts → src/api/chat-widget-settings.ts",
]);

/** Every relative import of a file, types included (a type from a router still ties a job to it). */
function allImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/gms)].map(([, specifier = ""]) => resolveModule(file, specifier));
}

it("keeps the jobs from importing the HTTP surfaces", () => {
  const found = sourceFiles(join(root, "src/jobs")).flatMap((file) =>
    allImports(file)
      .map((imported) => relative(root, imported))
      .filter((imported) => imported.startsWith("src/api/"))
      .map((imported) => `${relative(root, file)} → ${imported}`),
  );
  const added = found.filter((edge) => !JOB_IMPORTS_LEFT_TO_MOVE.has(edge));
  expect(added, "a job imports src/api: move what both need into src/domain (pure) or src/services (with bindings)").toEqual([]);
  const moved = [...JOB_IMPORTS_LEFT_TO_MOVE].filter((edge) => !found.includes(edge));
  expect(moved, "these imports are gone: take them off JOB_IMPORTS_LEFT_TO_MOVE").toEqual([]);
});
