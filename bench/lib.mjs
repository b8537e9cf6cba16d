// Shared benchmark helpers: a private platform instance and latency/throughput measurement.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPlatform } from "../scripts/platform.mjs";

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Runs `fn` against a fresh platform with its own local state, removed afterwards. */
export async function withPlatform(fn) {
  const persistTo = mkdtempSync(join(tmpdir(), "parley-bench-"));
  const platform = await startPlatform({ port: await freePort(), persistTo, quiet: true });
  try {
    return await fn(platform);
  } finally {
    platform.stop();
    await platform.exited;
    rmSync(persistTo, { recursive: true, force: true });
  }
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** Sends `total` requests made by `request()` with `concurrency` in flight; returns figures in ms. */
export async function measure(request, { total = 1000, concurrency = 10, warmup = 100 } = {}) {
  for (let i = 0; i < warmup; i++) await request();
  const latencies = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        const t0 = performance.now();
        const res = await request();
        latencies.push(performance.now() - t0);
        if (!res.ok) failures++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    failures,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

export function printTable(rows, baselineName) {
  const baseline = rows.find((row) => row.name === baselineName);
  const pad = (value, width) => String(value).padStart(width);
  console.log(`${"scenario".padEnd(42)}${pad("req/s", 9)}${pad("p50 ms", 9)}${pad("p99 ms", 9)}${pad("p50 ×base", 11)}${pad("fail", 6)}`);
  for (const row of rows) {
    console.log(
      `${row.name.padEnd(42)}${pad(row.perSecond.toFixed(0), 9)}${pad(row.p50.toFixed(2), 9)}${pad(row.p99.toFixed(2), 9)}` +
        `${pad(baseline ? (row.p50 / baseline.p50).toFixed(2) : "-", 11)}${pad(row.failures, 6)}`,
    );
  }
}
