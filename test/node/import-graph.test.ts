// The folders keep their places in the architecture: the Durable Object modules import each other
// without a cycle, and nothing below the HTTP surfaces (src/api) imports them: not the jobs, the
// services, the domain rules, the Durable Objects or storage. A rule a router and a job both need
// lives in a module both import (src/domain when pure, src/services otherwise).
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

/** Every relative import of a file, types included (a type from a router still ties a module to it). */
function allImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/gms)].map(([, specifier = ""]) => resolveModule(file, specifier));
}

/** The folders below the HTTP surfaces: the jobs, and what routers and jobs share. */
const BELOW_THE_SURFACES = ["src/jobs", "src/services", "src/domain", "src/durable", "src/db"];

const isSurface = (path: string) => relative(root, path).startsWith("src/api/");

it("keeps the jobs, services, domain rules, Durable Objects and storage from importing the HTTP surfaces, types included", () => {
  const found = BELOW_THE_SURFACES.flatMap((dir) =>
    sourceFiles(join(root, dir)).flatMap((file) =>
      allImports(file)
        .filter(isSurface)
        .map((imported) => `${relative(root, file)} → ${relative(root, imported)}`),
    ),
  );
  expect(found, "move what both need out of src/api: into src/domain (pure) or src/services").toEqual([]);
});

/** The first chain of run-time imports from `file` that reaches a module `reached` accepts, or null. */
function importChain(file: string, reached: (path: string) => boolean): string[] | null {
  const cameFrom = new Map<string, string | null>([[file, null]]);
  const queue = [file];
  for (let current = queue.shift(); current !== undefined; current = queue.shift()) {
    if (reached(current)) {
      const chain: string[] = [];
      for (let step: string | null | undefined = current; step; step = cameFrom.get(step)) chain.unshift(relative(root, step));
      return chain;
    }
    for (const next of runtimeImports(current)) {
      if (cameFrom.has(next) || !next.endsWith(".ts")) continue;
      cameFrom.set(next, current);
      queue.push(next);
    }
  }
  return null;
}

it("loads no HTTP surface when a job, service, domain rule, Durable Object or storage module runs, not even through another module", () => {
  const chains = BELOW_THE_SURFACES.flatMap((dir) => sourceFiles(join(root, dir)).flatMap((file) => importChain(file, isSurface)?.join(" → ") ?? []));
  expect(chains, "each chain ends in src/api: move what the first module needs out of it").toEqual([]);
});

it("follows an import chain through another folder to the module it reaches", () => {
  const dir = mkdtempSync(join(tmpdir(), "import-chain-"));
  writeFileSync(join(dir, "job.ts"), 'import { rule } from "./rule";\nimport type { Answer } from "./surface";\nexport const job = rule;\n');
  writeFileSync(join(dir, "rule.ts"), 'export { handler as rule } from "./surface";\n');
  writeFileSync(join(dir, "surface.ts"), "export const handler = 1;\nexport type Answer = 1;\n");
  writeFileSync(join(dir, "clean.ts"), 'import type { Answer } from "./surface";\nexport const clean = 1;\n');
  const isTestSurface = (path: string) => path.endsWith("surface.ts");
  expect(importChain(join(dir, "job.ts"), isTestSurface)?.map((path) => path.slice(path.lastIndexOf("/") + 1))).toEqual(["job.ts", "rule.ts", "surface.ts"]);
  expect(importChain(join(dir, "clean.ts"), isTestSurface)).toBeNull();
});
