// What the agent console costs to load, as Chromium loads it: every script and stylesheet the
// platform's origin serves from the sign-in page to an open conversation (sign in through the form,
// the "All" tab, a click on the conversation), each body gzipped here at level 9 (the headers are not
// trusted), per file and in total, against the budget of 120 KB gzip. Then the profile is opened from
// the user menu: the files that loads are the profile's, and none of them may have been loaded by
// the inbox.
//
// Then every chunk of the build, reached from the console page through the imports of each script
// (static and on demand), with its gzip size and the step of the run that loaded it, if any: the
// settings and Agency View chunks show there without being opened.
//
// Reference, not measured here: Chatwoot's dashboard loaded about 1.5 MB on first load (its issue
// #835); the ratio is printed against that figure.
import { gzipSync } from "node:zlib";
import { availableParallelism, loadavg } from "node:os";
import { consoleChunks, kb, PASSWORD, signIn, sleep, visitorConversation, withConsole } from "./console-lib.mjs";

const BUDGET = 120 * 1024;
const CHATWOOT_FIRST_LOAD = 1.5 * 1024 * 1024;
/** Time for lazily loaded chunks to arrive after a screen shows. */
const SETTLE_MS = 1_500;

export default async function consoleSizeBench() {
  console.log(`${availableParallelism()} CPUs, load average ${loadavg()[0].toFixed(2)}; Parley under wrangler dev (serves the console's static assets)`);
  await withConsole(async ({ platform, browser, api, admin, inbox }) => {
    const visitor = await visitorConversation(api, inbox, "Vera Visitor");
    await api.post(visitor.messagesPath, { content: "Hello, is anyone there?" });

    const context = await browser.newContext(); // a fresh profile: nothing cached
    const page = await context.newPage();
    const origin = new URL(platform.baseUrl).origin;
    const loaded = [];
    let phase = "sign-in page";
    page.on("response", (response) => {
      const url = new URL(response.url());
      const type = response.request().resourceType();
      const byName = /\.(m?js|css)$/.test(url.pathname);
      if (url.origin !== origin || !(type === "script" || type === "stylesheet" || byName)) return;
      loaded.push({
        path: url.pathname,
        type: type === "stylesheet" || url.pathname.endsWith(".css") ? "css" : "js",
        phase,
        status: response.status(),
        body: response.body().catch(() => null),
      });
    });

    await page.goto(`${platform.baseUrl}/app/login`);
    await page.locator("#login-email").waitFor();
    await sleep(SETTLE_MS);
    phase = "inbox";
    await signIn(page, platform.baseUrl, { email: admin.email, password: PASSWORD }, { open: false });
    await page.locator("#conv-tab-all").click();
    await page.locator(".conv-row").first().waitFor();
    await sleep(SETTLE_MS);
    phase = "open conversation";
    await page.locator(".conv-row").first().click();
    await page.getByText("Hello, is anyone there?").last().waitFor();
    await sleep(SETTLE_MS);
    const beforeProfile = loaded.length;
    phase = "profile (not counted)";
    await page.getByRole("button", { name: /profile and settings/ }).click();
    await page.getByRole("menuitem", { name: "Profile settings" }).click();
    await page.waitForURL(/\/profile$/);
    await sleep(SETTLE_MS);
    await context.close();

    const files = [];
    for (const entry of loaded) {
      const body = await entry.body;
      files.push({ ...entry, raw: body?.length ?? 0, gzip: body ? gzipSync(body, { level: 9 }).length : 0 });
    }
    // A file requested twice (none should be) counts once: the figure is what reaches the browser.
    const counted = files.slice(0, beforeProfile).filter((f, i, all) => all.findIndex((g) => g.path === f.path) === i);
    const repeated = beforeProfile - counted.length;
    const profileOnly = files.slice(beforeProfile);
    const pad = (v, w) => String(v).padStart(w);
    console.log(`\n${"file".padEnd(44)}${"loaded for".padEnd(20)}${pad("raw", 10)}${pad("gzip", 10)}`);
    for (const f of files) {
      const note = f.status === 200 ? "" : `  (HTTP ${f.status})`;
      console.log(`${f.path.replace("/app/assets/", "").padEnd(44)}${f.phase.padEnd(20)}${pad(kb(f.raw), 10)}${pad(kb(f.gzip), 10)}${note}`);
    }
    const sum = (list, key) => list.reduce((total, f) => total + f[key], 0);
    const js = counted.filter((f) => f.type === "js");
    const css = counted.filter((f) => f.type === "css");
    const total = sum(counted, "gzip");
    console.log(
      `\nsign-in page to an open conversation: ${counted.length} files, JS ${kb(sum(js, "gzip"))} + CSS ${kb(sum(css, "gzip"))} = ` +
        `${kb(total)} gzip (${kb(sum(counted, "raw"))} raw); budget ${kb(BUDGET)}: ${total <= BUDGET ? "within budget" : "OVER BUDGET"} (${((100 * total) / BUDGET).toFixed(0)}% of it)`,
    );
    console.log(
      `  vs Chatwoot's dashboard first load, ~1.5 MB (issue #835, a reference figure, not measured here): ${(CHATWOOT_FIRST_LOAD / total).toFixed(1)}× larger`,
    );
    if (repeated) console.log(`  (${repeated} responses repeated a file already loaded and are counted once)`);
    const countedPaths = new Set(counted.map((f) => f.path));
    const profileChunks = profileOnly.filter((f) => !countedPaths.has(f.path));
    const profileNamed = counted.filter((f) => /profile|settings/i.test(f.path));
    const leaked = profileOnly.filter((f) => countedPaths.has(f.path));
    console.log(
      `profile chunks (loaded only on opening the profile): ${profileChunks.map((f) => f.path.replace("/app/assets/", "")).join(", ") || "none"}; ` +
        `loaded by the inbox before that: ${profileNamed.length + leaked.length === 0 ? "none (good)" : [...profileNamed, ...leaked].map((f) => f.path).join(", ")}`,
    );

    const chunks = await consoleChunks(platform.baseUrl);
    const phaseOf = new Map(files.map((f) => [f.path, f.phase]));
    console.log(`\nevery chunk of the build (${chunks.length}, from the console page through each script's imports), largest first:`);
    console.log(`${"chunk".padEnd(44)}${"loaded for".padEnd(24)}${pad("raw", 10)}${pad("gzip", 10)}`);
    for (const chunk of chunks) {
      console.log(
        `${chunk.path.replace("/app/assets/", "").padEnd(44)}${(phaseOf.get(chunk.path) ?? "not in this run").padEnd(24)}${pad(kb(chunk.raw), 10)}${pad(kb(chunk.gzip), 10)}`,
      );
    }
    console.log(`whole build: ${kb(sum(chunks, "gzip"))} gzip (${kb(sum(chunks, "raw"))} raw)`);
  });
}
