// Starts the whole platform locally under `wrangler dev`: used by `npm run dev`, the benchmarks and
// the browser tests. Applies D1 migrations to the chosen local state directory, builds the widget,
// then waits until /health answers.
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, closeSync, copyFileSync, existsSync, openSync, readdirSync, readFileSync, writeSync } from "node:fs";
import { connect } from "node:net";
import { delimiter, dirname, join } from "node:path";

export const root = new URL("..", import.meta.url).pathname;
/** wrangler run by this very Node (the project's Node 22), whatever `node` is first on PATH. */
const WRANGLER = [process.execPath, join(root, "node_modules/wrangler/bin/wrangler.js")];
const childEnv = () => ({
  ...process.env,
  // Local runs need no Cloudflare account and no network: no metrics, and the placeholder
  // `request.cf` instead of fetching the real one from workers.cloudflare.com.
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  PATH: [dirname(process.execPath), join(root, "node_modules/.bin"), process.env.PATH ?? ""].join(delimiter),
});

/** Terminal colour codes, which have no place in a log file. */
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
export const stripAnsi = (text) => text.replace(ANSI, "");

/** Appends to a log file (`logFile` of startPlatform), without colour codes. */
function openLogFile(path) {
  const fd = openSync(path, "a");
  return { write: (text) => writeSync(fd, stripAnsi(String(text))), close: () => closeSync(fd) };
}

/**
 * Runs a tool to completion. `output`: `true` (quiet) keeps its output unless it fails, `false` lets
 * it print, a log (openLogFile) receives it. Returns what it printed on stdout when captured.
 */
function run(command, args, output) {
  const log = typeof output === "object" ? output : null;
  const quiet = output === true;
  const result = spawnSync(command, args, { cwd: root, stdio: quiet || log ? "pipe" : "inherit", env: childEnv(), encoding: "utf8" });
  if (log) {
    log.write(`$ ${[command, ...args].map((arg) => arg.replace(root, "")).join(" ")}\n`);
    log.write(result.stdout ?? "");
    log.write(result.stderr ?? "");
  }
  if (result.status !== 0) {
    if (quiet) {
      process.stderr.write(result.stdout ?? "");
      process.stderr.write(result.stderr ?? "");
    }
    throw new Error(`${command} ${args.join(" ")} failed (exit ${result.status})`);
  }
  return result.stdout ?? "";
}

/**
 * Which lines of `wrangler dev`'s output reach the terminal once the platform runs with a log file:
 * errors (the Worker's uncaught exceptions, `[wrangler:error]`, its `console.error`, a failed rebuild
 * after an edit, each `✘ [ERROR]`) with the indented stack lines under them, and requests answered
 * with a 5xx status. Everything else (request lines, warnings, reload notices, `console.log`) goes
 * only to the log. One filter per stream, fed whole lines.
 */
export function runtimeErrorFilter(write) {
  let inError = false;
  return (rawLine) => {
    const line = stripAnsi(rawLine).replace(/\r$/, "");
    if (line.trim() === "") return;
    const isError = /^\s*(✘|X) \[ERROR\]|^\[wrangler:error\]|^Uncaught\b/.test(line);
    const serverError = /^\[wrangler:[a-z]+\] [A-Z]+ \S+ 5\d\d\b/.test(line);
    if (isError) inError = true;
    else if (!(inError && /^\s/.test(line))) inError = false;
    if (isError || inError || serverError) write(`${line}\n`);
  };
}

/** Calls `onLine` with each whole line of a stream. */
function eachLine(stream, onLine) {
  let pending = "";
  stream.on("data", (chunk) => {
    const lines = (pending + chunk).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) onLine(line);
  });
  stream.on("end", () => pending && onLine(pending));
}

/** Whether something already answers on localhost:port: its /health would pass for the platform's. */
function portInUse(port) {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "localhost" });
    const done = (inUse) => {
      socket.destroy();
      resolve(inUse);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/**
 * Creates .dev.vars from .dev.vars.example when missing, and adds the example's secrets that an
 * older .dev.vars lacks (a secret added since, such as WHATSAPP_APP_SECRET); returns its values.
 */
export function ensureDevVars() {
  const devVars = join(root, ".dev.vars");
  if (!existsSync(devVars)) {
    copyFileSync(join(root, ".dev.vars.example"), devVars);
    console.log("Created .dev.vars from .dev.vars.example (local development secrets).");
  }
  const namesIn = (text) =>
    new Set(
      text
        .split("\n")
        .map((line) => /^\s*([A-Z0-9_]+)=/.exec(line)?.[1])
        .filter(Boolean),
    );
  const present = namesIn(readFileSync(devVars, "utf8"));
  const missing = readFileSync(join(root, ".dev.vars.example"), "utf8")
    .split("\n")
    .filter((line) => {
      const name = /^\s*([A-Z0-9_]+)=/.exec(line)?.[1];
      return name && !present.has(name);
    });
  if (missing.length > 0) {
    appendFileSync(devVars, `\n${missing.join("\n")}\n`);
    console.log(`Added to .dev.vars from .dev.vars.example: ${missing.map((line) => line.slice(0, line.indexOf("="))).join(", ")}.`);
  }
  return Object.fromEntries(
    readFileSync(devVars, "utf8")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith("#") && line.includes("="))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1).replace(/^"|"$/g, "")]),
  );
}

/**
 * What makes a local installation local (see [vars] in wrangler.toml): webhooks and SMS may reach
 * loopback and private addresses, the built-in sinks under /dev/sinks record what would be sent, and
 * email goes to the outbox instead of Cloudflare's email binding.
 */
const LOCAL_VARS = { ALLOW_PRIVATE_DESTINATIONS: "true", LOCAL_SINKS: "true", EMAIL_DELIVERY: "outbox" };
const LOCAL_VAR_FLAGS = Object.entries(LOCAL_VARS).flatMap(([name, value]) => ["--var", `${name}:${value}`]);

/**
 * @param {{ port: number, persistTo?: string, quiet?: boolean, cron?: boolean, runtime?: "wrangler-dev" | "workerd" }} options
 *   persistTo: local state directory (default .wrangler/state, the one `npm run dev` keeps).
 *   cron: fire the Worker's Cron Trigger at the start of every minute, as Cloudflare does.
 *   runtime: "wrangler-dev" (default) reloads the Worker when a source file changes and serves the
 *     widget's static assets; "workerd" serves the deployable bundle without `wrangler dev`'s proxy,
 *     inspector and assets router (scripts/workerd-server.mjs), which is what the benchmarks measure.
 *   logFile: append every tool's output (migrations, asset build, the runtime's stdout and stderr) to
 *     this file instead of the terminal; once the platform is healthy, the runtime's errors are still
 *     echoed to stderr (runtimeErrorFilter). Takes precedence over `quiet`.
 *   onStep: told when a step is done: ("checked") the port is free, ("migrated", {applied, total}),
 *     ("built"), ("started", {baseUrl}).
 */
export async function startPlatform({ port, persistTo, quiet = false, cron = false, runtime = "wrangler-dev", logFile, onStep = () => {} }) {
  const vars = ensureDevVars();
  const persist = persistTo ? ["--persist-to", persistTo] : [];
  if (runtime === "wrangler-dev" && port && (await portInUse(port))) {
    throw new Error(`localhost:${port} is already in use: stop what listens there, or choose another port`);
  }
  onStep("checked");
  const log = logFile ? openLogFile(logFile) : null;
  const output = log ?? quiet;
  const migrated = run(WRANGLER[0], [WRANGLER[1], "d1", "migrations", "apply", "DB", "--local", ...persist], output);
  onStep("migrated", {
    applied: Number(/About to apply (\d+) migration/.exec(stripAnsi(migrated))?.[1] ?? 0),
    total: readdirSync(join(root, "migrations")).filter((file) => file.endsWith(".sql")).length,
  });
  run(process.execPath, [join(root, "scripts/build-widget.mjs")], output);
  onStep("built");

  const stdio = log ? ["ignore", "pipe", "pipe"] : quiet ? ["ignore", "ignore", "pipe"] : "inherit";
  let child;
  /** Where the Worker listens: known up front for `wrangler dev`; workerd-server.mjs says it once up (port 0 lets it pick). */
  let listening = Promise.resolve(`http://localhost:${port}`);
  if (runtime === "workerd") {
    const bundleDir = join(persistTo ?? join(root, ".wrangler/state"), "bundle");
    run(WRANGLER[0], [WRANGLER[1], "deploy", "--dry-run", "--outdir", bundleDir], output);
    const options = { port, persistTo: persistTo ?? join(root, ".wrangler/state"), bundleDir, vars: LOCAL_VARS };
    child = spawn(process.execPath, [join(root, "scripts/workerd-server.mjs"), JSON.stringify(options)], {
      cwd: root,
      stdio: ["ignore", "pipe", quiet || log ? "pipe" : "inherit"],
      env: childEnv(),
    });
    listening = new Promise((resolve) => {
      let out = "";
      child.stdout.setEncoding("utf8");
      child.stdout.on("data", (chunk) => {
        if (!quiet && !log) process.stdout.write(chunk);
        out += chunk;
        const match = /listening (\S+)/.exec(out);
        if (match) resolve(match[1]);
      });
    });
  } else {
    child = spawn(
      WRANGLER[0],
      [
        WRANGLER[1],
        "dev",
        "--port",
        String(port),
        "--show-interactive-dev-session=false",
        ...persist,
        ...LOCAL_VAR_FLAGS,
        "--var",
        `PUBLIC_URL:http://localhost:${port}`,
        "--var",
        `GRAPH_API_BASE_URL:http://localhost:${port}/dev/sinks/graph`,
        "--var",
        `INSTAGRAM_API_BASE_URL:http://localhost:${port}/dev/sinks/graph`,
      ],
      { cwd: root, stdio, env: childEnv() },
    );
  }
  // With a log file, all the runtime says goes there; once it is healthy, its errors reach the terminal too.
  let healthy = false;
  if (log) {
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding("utf8");
      stream.on("data", (chunk) => log.write(chunk));
      const echo = runtimeErrorFilter((line) => process.stderr.write(line));
      eachLine(stream, (line) => healthy && echo(line));
    }
    // Health is asked only once this `wrangler dev` says it listens: another server that took the
    // port in the meantime would otherwise answer for it.
    if (runtime !== "workerd") {
      listening = new Promise((resolve) => eachLine(child.stdout, (line) => /Ready on /.test(stripAnsi(line)) && resolve(`http://localhost:${port}`)));
    }
  }
  // Quiet runs keep the runtime's errors, to show them if it fails to start.
  let stderr = "";
  if (!log) {
    child.stderr?.on("data", (chunk) => {
      stderr = (stderr + chunk).slice(-4000);
    });
  }
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  if (log) child.on("close", log.close);
  let baseUrl;
  try {
    await Promise.race([
      listening.then((url) => waitUntilHealthy((baseUrl = url))),
      exited.then(({ code }) => {
        throw new Error(`${runtime} exited (code ${code}) before it was healthy${stderr ? `:\n${stderr}` : ""}`);
      }),
    ]);
  } catch (error) {
    child.kill("SIGTERM");
    if (log) await exited;
    throw error;
  }
  healthy = true;
  onStep("started", { baseUrl });
  const stopCron = cron ? startLocalCron(baseUrl) : () => {};
  exited.then(stopCron);
  return {
    baseUrl,
    vars,
    child,
    exited,
    stop: () => {
      stopCron();
      child.kill("SIGTERM");
    },
  };
}

/**
 * `wrangler dev` never fires Cron Triggers by itself; this does, at the start of every minute, through
 * the local trigger endpoint, so due one-off campaigns and the sweeps run as they would on Cloudflare.
 */
function startLocalCron(baseUrl) {
  let timer;
  const next = () => {
    timer = setTimeout(tick, 60_000 - (Date.now() % 60_000));
    timer.unref();
  };
  const tick = async () => {
    try {
      const res = await fetch(`${baseUrl}/cdn-cgi/local/scheduled?cron=${encodeURIComponent("* * * * *")}`);
      if (!res.ok) console.error(`local cron: the scheduled handler answered ${res.status}`);
    } catch {
      // the platform is stopping
    }
    next();
  };
  next();
  return () => clearTimeout(timer);
}

async function waitUntilHealthy(url, timeoutMs = 120_000) {
  const started = Date.now();
  for (;;) {
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > timeoutMs) throw new Error(`${url}/health did not answer within ${timeoutMs / 1000}s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
