// `npm run bench`: runs every benchmark in bench/ (each file `*.bench.mjs`) one after another.
import { readdirSync } from "node:fs";
import { benchSetting } from "./lib.mjs";

const only = process.argv[2];
const files = readdirSync(new URL(".", import.meta.url))
  .filter((name) => name.endsWith(".bench.mjs") && (!only || name.startsWith(only)))
  .sort();
console.log(`Benchmarks that start the platform run ${benchSetting()} (see bench/README.md, "Where Parley runs").`);
for (const file of files) {
  console.log(`\n# ${file}`);
  const bench = await import(new URL(file, import.meta.url));
  await bench.default();
}
