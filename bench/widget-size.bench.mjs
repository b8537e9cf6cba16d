// What a website downloads for the widget, gzipped: the loader every page gets, the chat app's first
// load (its module, the chunks it imports statically, CSS and HTML) when a visitor first opens it,
// and, apart, what loads later (a language other than English, the emoji picker). Budgets: loader
// ≤ 3 KB, first load ≤ 30 KB. Peers' sizes are kept as dated constants with their sources, since
// benchmarks run offline; they are each vendor's own whole widget, so the ratios are indicative.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const root = new URL("..", import.meta.url).pathname;
const assets = join(root, "dist/assets");

/** Published sizes of comparable widgets, read on 2026-12-07 (KB as each source states them). */
export const PEERS = {
  chatwootSdkBudget: { kb: 40, source: "chatwoot/chatwoot package.json, size-limit for public/packs/js/sdk.js (its loader)" },
  chatwootWidgetBudget: { kb: 300, source: "chatwoot/chatwoot package.json, size-limit for public/vite/assets/widget-*.js" },
  chatwootWidgetMeasured: { kb: 170.4, source: "chatwoot/chatwoot#2658 (2021-07-18), Lighthouse transfer size of the widget bundle" },
  crisp: { kb: 130, source: 'help.crisp.chat, "Will Crisp slow down my website?": scripts 90 KB + stylesheets 45 KB compressed' },
  intercom: { kb: 300, source: 'store-vitals.com, "Chat Widgets and Core Web Vitals" (2026-05-14): messenger script 300–500 KB (lower bound)' },
};

const gz = (files) => files.reduce((total, file) => total + gzipSync(readFileSync(join(assets, file)), { level: 9 }).length, 0);
const raw = (files) => files.reduce((total, file) => total + readFileSync(join(assets, file)).length, 0);

/** The chunks a module imports statically (`from"./chunks/…"`), followed transitively: part of the first load. */
function staticChunks(file, seen = new Set()) {
  const source = readFileSync(join(assets, file), "utf8");
  for (const [, chunk] of source.matchAll(/(?:from|import)\s*"\.\/(?:chunks\/)?([\w.-]+\.js)"/g)) {
    const path = file.startsWith("widget/chunks/") ? `widget/chunks/${chunk}` : `widget/chunks/${chunk}`;
    if (seen.has(path)) continue;
    seen.add(path);
    staticChunks(path, seen);
  }
  return [...seen];
}

export default async function widgetSizeBench() {
  const built = spawnSync(process.execPath, [join(root, "scripts/build-widget.mjs")], { encoding: "utf8" });
  if (built.status !== 0) throw new Error(built.stderr);
  const firstLoadChunks = staticChunks("widget/app.js");
  const lazy = readdirSync(join(assets, "widget/chunks"))
    .map((name) => `widget/chunks/${name}`)
    .filter((path) => !firstLoadChunks.includes(path));
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
  const rows = [
    { name: "loader (/widget.js)", files: ["widget.js"], budget: 3 * 1024, compare: [["Chatwoot sdk.js budget", PEERS.chatwootSdkBudget.kb]] },
    // Chatwoot's snippet loads /packs/js/sdk.js, which loads the loader above: both reach the page, each within the loader budget.
    { name: "Chatwoot SDK (/packs/js/sdk.js)", files: ["packs/js/sdk.js"], budget: 3 * 1024, compare: [] },
    {
      name: "SDK path (sdk.js + widget.js)",
      files: ["packs/js/sdk.js", "widget.js"],
      budget: 6 * 1024,
      compare: [["Chatwoot sdk.js budget", PEERS.chatwootSdkBudget.kb]],
    },
    {
      name: "chat app, first load",
      files: ["widget/app.js", ...firstLoadChunks, "widget/app.css", "widget/app.html"],
      budget: 30 * 1024,
      compare: [
        ["Chatwoot widget (measured)", PEERS.chatwootWidgetMeasured.kb],
        ["Chatwoot widget budget", PEERS.chatwootWidgetBudget.kb],
        ["Crisp", PEERS.crisp.kb],
        ["Intercom", PEERS.intercom.kb],
      ],
    },
  ];
  for (const row of rows) {
    const size = gz(row.files);
    const verdict = size <= row.budget ? "within budget" : "OVER BUDGET";
    console.log(`${row.name.padEnd(30)} ${kb(size).padStart(9)} gzip (${kb(raw(row.files))} raw), budget ${kb(row.budget)}: ${verdict}`);
    for (const [label, peerKb] of row.compare) {
      console.log(`  vs ${label.padEnd(28)} ${`${peerKb} KB`.padStart(9)}: ${((peerKb * 1024) / size).toFixed(1)}× larger`);
    }
  }
  console.log("loaded later, when needed:");
  for (const file of lazy) console.log(`  ${file.replace("widget/chunks/", "").padEnd(28)} ${kb(gz([file])).padStart(9)} gzip`);
  console.log("peer sizes (read 2026-12-07):");
  for (const peer of Object.values(PEERS)) console.log(`  ${`${peer.kb} KB`.padStart(9)}  ${peer.source}`);
}
