// The folders keep their places in the architecture: the Durable Object modules import each other
// without a cycle, and the jobs never import a router.
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
