// Starts the whole platform locally under `wrangler dev`: used by `npm run dev`, the benchmarks and
// the browser tests. Applies D1 migrations to the chosen local state directory, builds the widget,
// then waits until /health answers.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
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

function run(command, args, quiet) {
  const result = spawnSync(command, args, { cwd: root, stdio: quiet ? "pipe" : "inherit", env: childEnv() });
  if (result.status !== 0) {
    if (quiet) {
      process.stderr.write(result.stdout ?? "");
      process.stderr.write(result.stderr ?? "");
    }
    throw new Error(`${command} ${args.join(" ")} failed (exit ${result.status})`);
  }
}

/** Creates .dev.vars from .dev.vars.example when missing; returns its values. */
export function ensureDevVars() {
  const devVars = join(root, ".dev.vars");
  if (!existsSync(devVars)) {
    copyFileSync(join(root, ".dev.vars.example"), devVars);
    console.log("Created .dev.vars from .dev.vars.example (local development secrets).");
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
 */
export async function startPlatform({ port, persistTo, quiet = false, cron = false, runtime = "wrangler-dev" }) {
  const vars = ensureDevVars();
  const persist = persistTo ? ["--persist-to", persistTo] : [];
  run(WRANGLER[0], [WRANGLER[1], "d1", "migrations", "apply", "DB", "--local", ...persist], quiet);
  run(process.execPath, [join(root, "scripts/build-widget.mjs")], quiet);

  const stdio = quiet ? ["ignore", "ignore", "pipe"] : "inherit";
  let child;
  /** Where the Worker listens: known up front for `wrangler dev`; workerd-server.mjs says it once up (port 0 lets it pick). */
  let listening = Promise.resolve(`http://localhost:${port}`);
  if (runtime === "workerd") {
    const bundleDir = join(persistTo ?? join(root, ".wrangler/state"), "bundle");
    run(WRANGLER[0], [WRANGLER[1], "deploy", "--dry-run", "--outdir", bundleDir], quiet);
    const options = { port, persistTo: persistTo ?? join(root, ".wrangler/state"), bundleDir, vars: LOCAL_VARS };
    child = spawn(process.execPath, [join(root, "scripts/workerd-server.mjs"), JSON.stringify(options)], {
      cwd: root,
      stdio: ["ignore", "pipe", quiet ? "pipe" : "inherit"],
      env: childEnv(),
    });
    listening = new Promise((resolve) => {
      let out = "";
      child.stdout.setEncoding("utf8");
      child.stdout.on("data", (chunk) => {
        if (!quiet) process.stdout.write(chunk);
        out += chunk;
        const match = /listening (\S+)/.exec(out);
        if (match) resolve(match[1]);
      });
    });
  } else {
    child = spawn(
      WRANGLER[0],
      [WRANGLER[1], "dev", "--port", String(port), "--show-interactive-dev-session=false", ...persist, ...LOCAL_VAR_FLAGS, "--var", `PUBLIC_URL:http://localhost:${port}`],
      { cwd: root, stdio, env: childEnv() },
    );
  }
  // Quiet runs keep the runtime's errors, to show them if it fails to start.
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
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
    throw error;
  }
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
