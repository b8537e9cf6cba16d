// `npm run dev`: the whole platform on this machine (PORT, default 8787), with an idempotent demo
// seeded through the public APIs. The tools' output (migrations, asset build, wrangler dev) goes to a
// log file; the terminal shows one line per step, then where to sign in. Once running, the Worker's
// errors still reach the terminal (runtimeErrorFilter in platform.mjs).
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative } from "node:path";
import { root, startPlatform, stripAnsi } from "./platform.mjs";
import { seedDemo } from "./seed-demo.mjs";

const port = Number(process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`PORT must be a port number (1 to 65535), not ${JSON.stringify(process.env.PORT)}.`);
  process.exit(1);
}
// PARLEY_STATE_DIR keeps a second local installation apart from the default one (.wrangler/state).
const stateDir = process.env.PARLEY_STATE_DIR ? join(root, process.env.PARLEY_STATE_DIR) : join(root, ".wrangler/state");
// The default installation logs beside its state; a second one inside its own state directory.
const logFile = process.env.PARLEY_STATE_DIR ? join(stateDir, "parley-dev.log") : join(root, ".wrangler/parley-dev.log");
const LOG_ROTATE_BYTES = 5 * 1024 * 1024;
const LOG_TAIL_LINES = 40;

const colors = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const paint = (code, text) => (colors ? `\x1b[${code}m${text}\x1b[0m` : text);
const shown = (path) => (isAbsolute(path) && path.startsWith(root) ? relative(root, path) : path);
const done = (text) => console.log(`${paint(32, "✓")} ${text}`);

const logStart = startLog();
console.log(`Starting Parley on port ${port} (tool output: ${shown(logFile)})`);

/** Appends this run's header to the log (moved aside to .1 once it is large); answers where this run starts. */
function startLog() {
  mkdirSync(dirname(logFile), { recursive: true });
  if (existsSync(logFile) && statSync(logFile).size > LOG_ROTATE_BYTES) renameSync(logFile, `${logFile}.1`);
  appendFileSync(logFile, `\n===== npm run dev ${new Date().toISOString()} port ${port} state ${shown(stateDir)} =====\n`);
  return statSync(logFile).size;
}

/** This run's part of the log, without blank lines. */
function runLog() {
  const text = stripAnsi(readFileSync(logFile).subarray(logStart).toString("utf8"));
  return text.split("\n").filter((line) => line.trim() !== "");
}

/** Says what failed, its cause and the log's tail, and exits non-zero. */
function fail(step, error) {
  const message = String(error?.message ?? error)
    .replaceAll(root, "")
    .replace(/\S*node_modules\/node\/bin\/node( \S*node_modules\/wrangler\/bin\/wrangler\.js)?/g, (_, wrangler) => (wrangler ? "wrangler" : "node"));
  appendFileSync(logFile, `npm run dev: ${step} failed: ${message}\n`);
  const lines = runLog();
  console.error(`${paint(31, "✗")} ${step} failed: ${message}`);
  const cause = lines.find((line) => /\[ERROR\]|\[wrangler:error\]|^\s*(\w*Error|Uncaught)\b/.test(line));
  if (cause) console.error(`  cause: ${cause.trim()}`);
  if (/already in use/.test(message)) console.error(`  Another Parley may be running there; PORT=${port + 1} npm run dev starts this one elsewhere.`);
  const tail = lines.slice(-LOG_TAIL_LINES);
  if (tail.length > 1) {
    console.error(`\nThe last ${tail.length} lines of ${shown(logFile)}:`);
    for (const line of tail) console.error(`  ${line}`);
  }
  process.exit(1);
}

let step = "starting";
const onStep = (name, detail) => {
  if (name === "checked") {
    step = "migrating the database";
  } else if (name === "migrated") {
    done(detail.applied ? `database migrated (${detail.applied} of ${detail.total} migrations applied)` : `database up to date (${detail.total} migrations)`);
    step = "building the assets";
  } else if (name === "built") {
    done("assets built");
    step = "starting the platform";
  } else if (name === "started") {
    done(`platform started on ${detail.baseUrl}`);
    step = "seeding the demo";
  }
};

let platform;
try {
  platform = await startPlatform({
    port,
    cron: true,
    persistTo: process.env.PARLEY_STATE_DIR ? stateDir : undefined,
    logFile,
    onStep,
  });
} catch (error) {
  fail(step, error);
}

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    stopping = true;
    platform.child.kill(signal);
  });
}
platform.exited.then(({ code, signal }) => {
  if (stopping || signal || code === 0 || code === 130) {
    console.log("Parley stopped. npm run dev starts it again with the same data.");
    process.exit(0);
  }
  fail("the platform", new Error(`wrangler dev stopped (exit code ${code})`));
});

try {
  const demo = await seedDemo({ baseUrl: platform.baseUrl, platformToken: platform.vars.PLATFORM_TOKEN, stateDir, assetsDir: join(root, "dist/assets") });
  appendFileSync(logFile, `npm run dev: the demo seed created ${demo.created.length ? demo.created.join(", ") : "nothing"}\n`);
  done(demo.created.length ? `demo seeded (${demo.created.length} objects created)` : "demo ready (seeded before; nothing created)");
  if (!demo.passwords) {
    console.log(`${paint(33, "!")} The demo users were seeded before users had passwords, so theirs below do not sign in yet.`);
    console.log(`  Start afresh: stop Parley, rm -rf ${shown(stateDir)} (deletes the local data), npm run dev.`);
  }
  printBanner(platform.baseUrl, demo);
} catch (error) {
  stopping = true;
  platform.stop();
  await platform.exited;
  fail(step, error);
}

function printBanner(url, demo) {
  const b = (text) => paint(1, text);
  const password = (user) => (demo.passwords ? `password ${b(user.password)}` : "(no password yet, see above)");
  console.log(
    [
      "",
      `${b("Parley is running.")} Open the console and sign in:`,
      "",
      `  Console        ${b(`${url}/app`)}`,
      `    administrator  ${b(demo.admin.email)}  ${password(demo.admin)}`,
      `    agent          ${b(demo.agent.email)}  ${password(demo.agent)}`,
      ...(demo.agencyOwner ? [`    agency owner   ${b(demo.agencyOwner.email)}  password ${b(demo.agencyOwner.password)}  (the Agency View)`] : []),
      `  Demo page      ${url}/demo/  (chat as a visitor; it appears in the console)`,
      `  API docs       ${url}/api/docs`,
      "",
      `  Agency token         ${demo.agency.token}`,
      `  Administrator token  ${demo.admin.token}`,
      `    curl -H 'api_access_token: ${demo.admin.token}' ${url}/api/v1/accounts/${demo.account.id}/conversations`,
      `  ${demo.account.name.padEnd(21)}account ${demo.account.id}, website inbox ${demo.inbox.id}, SMS inbox ${demo.sms.inbox.id}, label ${demo.sms.label.title} (id ${demo.sms.label.id})`,
      `  SMS sink             ${demo.sms.sink}`,
      `  Chatwoot's snippet   BASE_URL="${url}", websiteToken '${demo.inbox.website_token}' (the website inbox; docs/CHATWOOT.md)`,
      ...(demo.whatsapp
        ? [
            `  WhatsApp inbox       ${demo.whatsapp.inbox.id} (${demo.whatsapp.inbox.phone_number}); Meta's callback URL ${url}/webhooks/whatsapp/${demo.whatsapp.inbox.phone_number}`,
            `    simulate a message   node scripts/simulate.mjs whatsapp --url ${url} --from +15550001234 --text 'Hi, can I book a cleaning?'`,
            `    what replies sent    ${url}/dev/sinks/graph/whatsapp/messages`,
          ]
        : []),
      ...(demo.meta
        ? [
            `  Messenger inbox      ${demo.meta.messenger.id} (page ${demo.meta.messenger.page_id}); Meta's callback URL ${url}/bot`,
            `  Instagram inbox      ${demo.meta.instagram.id} (account ${demo.meta.instagram.instagram_id}); Meta's callback URL ${url}/webhooks/instagram`,
            `    simulate a message   node scripts/simulate.mjs messenger --text 'Hi, are you open on Saturday?'   (or: instagram)`,
            `    what replies sent    ${url}/dev/sinks/graph/meta/messages`,
          ]
        : []),
      ...(demo.email
        ? [
            `  Email inbox          ${demo.email.inbox.id} (${demo.email.inbox.email}); mail arrives through the Worker's email() handler`,
            `    simulate a mail      node scripts/simulate.mjs email --url ${url} --to ${demo.email.inbox.email} --text 'Can I move my appointment?'`,
            `      (or curl -X POST '${url}/cdn-cgi/handler/email?from=ada@example.test&to=${demo.email.inbox.email}' --data-binary @message.eml)`,
            `    what replies sent    ${url}/api/v1/accounts/${demo.account.id}/emails (the local outbox; each reply's reply_to is where an answer goes)`,
          ]
        : []),
      `  All ids and tokens   ${shown(demo.stateFile)}`,
      "",
      `  Log   ${shown(logFile)} (the Worker's errors show in this terminal too)`,
      "  Stop  Ctrl+C; the data stays for the next npm run dev",
      "",
    ].join("\n"),
  );
}
