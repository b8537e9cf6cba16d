// Builds the widget into the Worker's static assets (dist/assets, see [assets] in wrangler.toml):
// the loader (widget/src/widget.ts → /widget.js) and the chat app (widget/src/app/main.ts →
// /widget/app.js) are bundled and minified with esbuild; widget/public is copied as is.
import { build } from "esbuild";
import { cp, mkdir, rm } from "node:fs/promises";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const out = join(root, "dist/assets");

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await cp(join(root, "widget/public"), out, { recursive: true });

const bundles = [
  { entry: "widget/src/widget.ts", outfile: "widget.js" },
  { entry: "widget/src/app/main.ts", outfile: "widget/app.js" },
];
await Promise.all(
  bundles.map(({ entry, outfile }) =>
    build({
      entryPoints: [join(root, entry)],
      outfile: join(out, outfile),
      bundle: true,
      minify: true,
      format: "iife",
      target: ["es2020"],
      legalComments: "none",
      logLevel: "warning",
    }),
  ),
);

console.log(`widget assets built into dist/assets (${bundles.map((b) => b.outfile).join(", ")})`);

// The agent console lands in the same static assets (dist/assets/app), so one build step serves both.
const { buildConsole } = await import("./build-console.mjs");
const consoleBuild = await buildConsole();
console.log(`console assets built into dist/assets/app (${consoleBuild.files.length} files)`);
