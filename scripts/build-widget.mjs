// Builds the widget into the Worker's static assets (dist/assets, see [assets] in wrangler.toml):
// every widget/src/*.ts entry is bundled and minified with esbuild, and widget/public is copied as is.
import { build } from "esbuild";
import { cp, mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const out = join(root, "dist/assets");
const sources = join(root, "widget/src");

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await cp(join(root, "widget/public"), out, { recursive: true });

const entries = (await readdir(sources).catch(() => []))
  .filter((name) => name.endsWith(".ts") && !name.endsWith(".d.ts"))
  .map((name) => join(sources, name));

if (entries.length > 0) {
  await build({
    entryPoints: entries,
    outdir: out,
    bundle: true,
    minify: true,
    format: "iife",
    target: ["es2020"],
    legalComments: "none",
    logLevel: "warning",
  });
}

console.log(`widget assets built into dist/assets (${entries.length} bundled entr${entries.length === 1 ? "y" : "ies"})`);
