// Builds the agent console (console/src/main.tsx, Preact in TSX) into the Worker's static assets:
// ES modules split by area (sign-in, inbox, profile) with hashed names under dist/assets/app/assets/,
// CSS bundled by esbuild, and dist/assets/app/index.html naming the hashed entry and stylesheets.
// The Worker answers /app and /app/* with that page (src/api/console-page.ts).
import { build } from "esbuild";
import { appendFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { basename, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const appDir = join(root, "dist/assets/app");
const assetsDir = join(appDir, "assets");

export async function buildConsole() {
  await rm(appDir, { recursive: true, force: true });
  await mkdir(assetsDir, { recursive: true });
  const result = await build({
    entryPoints: [join(root, "console/src/main.tsx")],
    outdir: assetsDir,
    bundle: true,
    splitting: true,
    format: "esm",
    minify: true,
    target: ["es2022"],
    jsx: "automatic",
    jsxImportSource: "preact",
    entryNames: "[name]-[hash]",
    chunkNames: "[name]-[hash]",
    assetNames: "[name]-[hash]",
    tsconfig: join(root, "console/tsconfig.json"),
    legalComments: "none",
    metafile: true,
    logLevel: "warning",
  });

  // The service worker that shows pushed notifications: one file with a stable name (a browser
  // registers it by URL), /app/assets/sw.js.
  await build({
    entryPoints: [join(root, "console/src/push/sw.ts")],
    outfile: join(assetsDir, "sw.js"),
    bundle: true,
    format: "iife",
    minify: true,
    target: ["es2022"],
    tsconfig: join(root, "console/tsconfig.json"),
    legalComments: "none",
    logLevel: "warning",
  });

  const outputs = Object.entries(result.metafile.outputs);
  const url = (file) => `/app/assets/${relative(assetsDir, join(root, file)).split("\\").join("/")}`;
  const entry = outputs.find(([, o]) => o.entryPoint === "console/src/main.tsx");
  if (!entry) throw new Error("the console's entry chunk is missing from the build");
  // esbuild gathers the CSS of every area (lazily loaded ones included) into the entry's stylesheet,
  // so that one is linked up front and nothing flashes in late; the per-area copies it also writes
  // are not needed.
  const entryCss = entry[1].cssBundle;
  if (!entryCss) throw new Error("the console's stylesheet is missing from the build");
  const styles = [url(entryCss)];
  for (const [file] of outputs) if (file.endsWith(".css") && file !== entryCss) await rm(join(root, file));
  // Modules the page fetches up front (modulepreload): the entry's static imports and the shared
  // chunks the shell and the inbox statically import. main.tsx starts the shell's own chunk (and, on
  // the inbox's routes, the inbox's) while the profile loads; their shared chunks are then already on
  // the way instead of being found one round trip later, when the area's code has arrived.
  const byFile = new Map(outputs);
  const staticImports = (file, found = new Set()) => {
    for (const i of byFile.get(file)?.imports ?? []) {
      if (i.kind !== "import-statement" || found.has(i.path)) continue;
      found.add(i.path);
      staticImports(i.path, found);
    }
    return found;
  };
  const areaChunk = (source) => {
    const found = outputs.find(([, o]) => o.entryPoint === source);
    if (!found) throw new Error(`the console's chunk of ${source} is missing from the build`);
    return found[0];
  };
  const areas = [areaChunk("console/src/shell/Shell.tsx"), areaChunk("console/src/inbox/InboxArea.tsx")];
  const preload = [...new Set([entry[0], ...areas].flatMap((file) => [...staticImports(file)]))].filter((file) => !areas.includes(file)).map(url);

  // The tab's icon: a speech bubble in the console's accent colour, inline so it costs no request.
  const FAVICON = `data:image/svg+xml,${encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path fill="#1f5fd1" d="M6 4h20a4 4 0 0 1 4 4v12a4 4 0 0 1-4 4H14l-7 6v-6H6a4 4 0 0 1-4-4V8a4 4 0 0 1 4-4z"/><path fill="#fff" d="M9 11h14v2.5H9zm0 5h9v2.5H9z"/></svg>',
  )}`;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="same-origin">
<title>Parley</title>
<link rel="icon" href="${FAVICON}">
${styles.map((href) => `<link rel="stylesheet" href="${href}">`).join("\n")}
${preload.map((href) => `<link rel="modulepreload" href="${href}">`).join("\n")}
<script type="module" src="${url(entry[0])}"></script>
</head>
<body>
<div id="app"><noscript>Parley's console needs JavaScript.</noscript></div>
</body>
</html>
`;
  await writeFile(join(appDir, "index.html"), html);
  // Hashed names never change content: cache them for a year (the page itself is served by the Worker, no-cache).
  const headersFile = join(root, "dist/assets/_headers");
  const rule = "/app/assets/*\n";
  const existing = await readFile(headersFile, "utf8").catch(() => "");
  if (!existing.includes(rule)) {
    const block =
      "\n# The console's hashed files (scripts/build-console.mjs).\n" + rule + "  ! Cache-Control\n  Cache-Control: public, max-age=31536000, immutable\n";
    await appendFile(headersFile, block);
  }
  // The service worker keeps its name, so browsers must always ask whether it changed.
  const workerRule = "/app/assets/sw.js\n";
  if (!existing.includes(workerRule)) {
    await appendFile(headersFile, "\n# The console's service worker (stable name).\n" + workerRule + "  ! Cache-Control\n  Cache-Control: no-cache\n");
  }
  const kept = outputs.filter(([file]) => !file.endsWith(".css") || file === entryCss);
  return { files: kept.map(([file, o]) => ({ file: basename(file), bytes: o.bytes })) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { files } = await buildConsole();
  console.log(`console built into dist/assets/app (${files.length} files)`);
}
