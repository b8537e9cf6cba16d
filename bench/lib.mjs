// Shared benchmark helpers: a private platform instance and latency/throughput measurement.
import { execSync } from "node:child_process";
import {
  accessSync,
  constants,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { root } from "../scripts/platform.mjs";

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

/** Top-level entries of the working tree a snapshot leaves out (node_modules is linked instead). */
const NOT_SNAPSHOTTED = new Set([".git", ".wrangler", "node_modules", "dist", "test-results"]);

/**
 * Where the benchmarks run Parley: "workerd" (default), the deployable bundle in workerd without
 * `wrangler dev`'s proxy, inspector and assets router (scripts/workerd-server.mjs); or, with
 * BENCH_RUNTIME=wrangler-dev, under `wrangler dev` as `npm run dev` runs it.
 */
export const benchRuntime = process.env.BENCH_RUNTIME === "wrangler-dev" ? "wrangler-dev" : "workerd";

/**
 * What the platform runs: the working tree as it is (default), or with BENCH_TREE=head the last
 * commit (`git archive HEAD`), for measuring while the working tree is in the middle of a change.
 */
export const benchTree = process.env.BENCH_TREE === "head" ? "head" : "working tree";

/**
 * Where a benchmark platform keeps its local state (D1, Durable Object storage, R2): "tmpfs"
 * (default where /dev/shm is a writable directory) or, with BENCH_STATE=disk or without /dev/shm,
 * "disk" (the system's temporary directory). Every commit is a real SQLite commit either way; on
 * tmpfs the per-commit flush to the local disk is free. Locally that flush runs on the one workerd
 * thread that serves everything, and blocks it; on Cloudflare an object's writes are made durable
 * by replication, confirmed while the object goes on (output gates), so the local disk's flush is a
 * cost of this machine, not of the path being measured.
 */
export const benchState = process.env.BENCH_STATE !== "disk" && isWritableDirectory("/dev/shm") ? "tmpfs" : "disk";
export const benchStateRoot = benchState === "tmpfs" ? "/dev/shm" : tmpdir();

function isWritableDirectory(path) {
  try {
    accessSync(path, constants.W_OK);
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** One line saying where Parley runs and keeps its state, for a benchmark's header. */
export const benchSetting = () =>
  `Parley ${benchTree === "head" ? "at HEAD " : ""}in ${benchRuntime}, state on ${benchState === "tmpfs" ? "tmpfs (/dev/shm)" : `disk (${benchStateRoot})`}`;

/** How high the benchmarks and the browser tests raise every rate limit. */
const RAISED_LIMIT = 1_000_000;

/**
 * wrangler.toml with every rate limit raised far above what one machine sends: each
 * `[[ratelimits]]` binding's `limit` and each "<count> per <seconds>" setting in [vars]
 * (docs/SECURITY.md, "Limits"). Benchmark and browser-test traffic comes from one address, which
 * production's limits would refuse. Caps (sizes, subscriptions per connection) stay as deployed,
 * and `npm run dev` never comes through here: it keeps production's limits.
 */
export function raiseLimits(toml) {
  return toml
    .replace(/^(simple = \{ limit = )\d+(, period = (?:10|60) \})$/gm, `$1${RAISED_LIMIT}$2`)
    .replace(/^(\w+_LIMIT = ")\d+( per \d+")$/gm, `$1${RAISED_LIMIT}$2`);
}

/**
 * Runs `fn` against a fresh platform with its own local state, removed afterwards. The platform
 * runs from a snapshot of the working tree, because `wrangler dev` reloads the Worker (dropping
 * every WebSocket and failing requests in flight) whenever a source file changes during a run, and
 * so that a run measures the tree as it was when it started. `runtime`: see benchRuntime (the
 * browser tests need `wrangler dev`, which serves the widget's static assets). The state lives
 * where benchState says. `limits`: "raised" (default, see raiseLimits) or "deployed" (wrangler.toml's own,
 * for measuring what the limits refuse).
 *
 * The platform `fn` receives also has `restart({ kill })`: stops the runtime (with `kill`, SIGKILL to
 * its whole process tree, as a crash would; otherwise SIGTERM) and starts it again on the same port
 * with the same state directory: D1, R2, the objects' storage and their alarms survive, every object
 * is evicted, and the queue's pending messages are lost (the local queue broker keeps them in
 * memory; Cloudflare's Queues keep a message once its send has returned). Its `baseUrl`, `child` and
 * `exited` then name the new process.
 */
export async function withPlatform(fn, { runtime = benchRuntime, limits = "raised" } = {}) {
  const scratch = mkdtempSync(join(tmpdir(), "parley-bench-"));
  const snapshot = join(scratch, "tree");
  const stateDir = mkdtempSync(join(benchStateRoot, "parley-bench-state-"));
  const persistTo = join(stateDir, "state");
  try {
    if (benchTree === "head") {
      mkdirSync(snapshot);
      execSync(`git -C '${root}' archive HEAD | tar -x -C '${snapshot}'`, { stdio: ["ignore", "ignore", "inherit"] });
      for (const local of [".dev.vars"]) if (existsSync(join(root, local))) cpSync(join(root, local), join(snapshot, local));
    } else cpSync(root, snapshot, { recursive: true, filter: (source) => !NOT_SNAPSHOTTED.has(source.slice(root.length).split("/")[0]) });
    if (limits === "raised") writeFileSync(join(snapshot, "wrangler.toml"), raiseLimits(readFileSync(join(snapshot, "wrangler.toml"), "utf8")));
    symlinkSync(join(root, "node_modules"), join(snapshot, "node_modules"), "dir");
    const { startPlatform } = await import(pathToFileURL(join(snapshot, "scripts/platform.mjs")).href);
    // workerd picks its own port (0); `wrangler dev` needs one named.
    const port = runtime === "workerd" ? 0 : await freePort();
    let current = await startPlatform({ port, persistTo, quiet: true, runtime });
    const platform = {
      get baseUrl() {
        return current.baseUrl;
      },
      get child() {
        return current.child;
      },
      get exited() {
        return current.exited;
      },
      vars: current.vars,
      async restart({ kill = false } = {}) {
        if (kill) killProcessTree(current.child.pid);
        else current.stop();
        await current.exited;
        const samePort = Number(new URL(current.baseUrl).port);
        current = await startPlatform({ port: samePort, persistTo, quiet: true, runtime });
      },
    };
    try {
      return await fn(platform);
    } finally {
      current.stop();
      await current.exited;
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** SIGKILL to `rootPid` and every descendant (children first found, all signalled at once), as a crash. */
export function killProcessTree(rootPid) {
  const tree = Object.keys(processTreeCpu(rootPid) ?? {}).map((name) => Number(name.split(" ").pop()));
  for (const pid of tree.length ? tree : [rootPid]) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // exited meanwhile
    }
  }
}

export const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

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

/**
 * CPU seconds (user + system) used so far by `rootPid` and its descendants, by process; null where
 * /proc is missing. Server CPU per message does not depend on how busy the shared machine is, unlike latency.
 */
export function processTreeCpu(rootPid) {
  if (!rootPid) return null;
  try {
    const processes = new Map();
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      let text;
      try {
        text = readFileSync(`/proc/${entry}/stat`, "utf8");
      } catch {
        continue; // exited meanwhile
      }
      const nameEnd = text.lastIndexOf(")");
      const fields = text.slice(nameEnd + 2).split(" "); // from field 3 (state) on
      processes.set(Number(entry), {
        name: text.slice(text.indexOf("(") + 1, nameEnd),
        ppid: Number(fields[1]),
        seconds: (Number(fields[11]) + Number(fields[12])) / 100, // utime + stime, in USER_HZ (100 on Linux)
      });
    }
    const tree = new Set([rootPid]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, info] of processes) {
        if (!tree.has(pid) && tree.has(info.ppid)) {
          tree.add(pid);
          grew = true;
        }
      }
    }
    const byProcess = {};
    for (const pid of tree) {
      const info = processes.get(pid);
      if (info) byProcess[`${info.name} ${pid}`] = info.seconds;
    }
    return byProcess;
  } catch {
    return null;
  }
}

/** CPU seconds each process used between two processTreeCpu() readings, and their total. */
export function cpuSpent(before, after) {
  if (!before || !after) return null;
  const byProcess = {};
  let total = 0;
  for (const [name, seconds] of Object.entries(after)) {
    const spent = seconds - (before[name] ?? 0);
    if (spent <= 0) continue;
    byProcess[name] = spent;
    total += spent;
  }
  return { total, byProcess };
}
