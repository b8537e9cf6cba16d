// What a website downloads for the widget, gzipped: the loader every page gets, and the chat app
// (JS + CSS + HTML) fetched when a visitor first opens it. Budgets: loader ≤ 3 KB, app ≤ 30 KB.
// Published sizes of comparable widgets, for scale (not measured here): Chatwoot's own size-limit
// budgets (sdk.js 40 KB, widget 300 KB), Crisp ~130 KB, Intercom ~340 KB.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const root = new URL("..", import.meta.url).pathname;
const assets = join(root, "dist/assets");

const gz = (files) => files.reduce((total, file) => total + gzipSync(readFileSync(join(assets, file)), { level: 9 }).length, 0);
const raw = (files) => files.reduce((total, file) => total + readFileSync(join(assets, file)).length, 0);

export default async function widgetSizeBench() {
  const built = spawnSync(process.execPath, [join(root, "scripts/build-widget.mjs")], { encoding: "utf8" });
  if (built.status !== 0) throw new Error(built.stderr);
  const rows = [
    { name: "loader (/widget.js)", files: ["widget.js"], budget: 3 * 1024, compare: [["Chatwoot sdk.js budget", 40 * 1024]] },
    {
      name: "chat app (JS + CSS + HTML)",
      files: ["widget/app.js", "widget/app.css", "widget/app.html"],
      budget: 30 * 1024,
      compare: [
        ["Chatwoot widget budget", 300 * 1024],
        ["Crisp", 130 * 1024],
        ["Intercom", 340 * 1024],
      ],
    },
  ];
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
  for (const row of rows) {
    const size = gz(row.files);
    const verdict = size <= row.budget ? "within budget" : "OVER BUDGET";
    console.log(`${row.name.padEnd(30)} ${kb(size).padStart(9)} gzip (${kb(raw(row.files))} raw), budget ${kb(row.budget)}: ${verdict}`);
    for (const [label, bytes] of row.compare) {
      console.log(`  vs ${label.padEnd(26)} ${kb(bytes).padStart(9)}: ${(bytes / size).toFixed(1)}× larger`);
    }
  }
}
