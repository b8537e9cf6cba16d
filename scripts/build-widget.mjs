// Builds the widget into the Worker's static assets (dist/assets, see [assets] in wrangler.toml):
// the loader (widget/src/widget.ts → /widget.js) and the chat app (widget/src/app/main.ts →
// /widget/app.js, an ES module with lazy chunks) are bundled and minified with esbuild; widget/public
// is copied as is.
import { build } from "esbuild";
import { cp, mkdir, rm } from "node:fs/promises";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const out = join(root, "dist/assets");

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await cp(join(root, "widget/public"), out, { recursive: true });

const common = { bundle: true, minify: true, target: ["es2020"], legalComments: "none", logLevel: "warning" };
await Promise.all([
  // The loader: one small classic script the site's snippet loads.
  build({ ...common, entryPoints: [join(root, "widget/src/widget.ts")], outfile: join(out, "widget.js"), format: "iife" }),
  // Chatwoot's website SDK at Chatwoot's path: a thin adapter that loads the loader above (docs/CHATWOOT.md).
  build({ ...common, entryPoints: [join(root, "widget/src/sdk.ts")], outfile: join(out, "packs/js/sdk.js"), format: "iife" }),
  // The chat app: an ES module; what loads later (non-English strings, the emoji picker) is split into
  // widget/chunks/, fetched by dynamic import() when first needed.
  build({
    ...common,
    entryPoints: { app: join(root, "widget/src/app/main.ts") },
    outdir: join(out, "widget"),
    format: "esm",
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
  }),
]);

console.log("widget assets built into dist/assets (widget.js, packs/js/sdk.js, widget/app.js, widget/chunks/)");

// The agent console lands in the same static assets (dist/assets/app), so one build step serves both.
const { buildConsole } = await import("./build-console.mjs");
const consoleBuild = await buildConsole();
console.log(`console assets built into dist/assets/app (${consoleBuild.files.length} files)`);
