// The chat widget builder as an administrator opens it in Chromium: the files the settings area
// adds to what the inbox loaded (each gzipped at level 9), and the time from asking for the builder
// to its live preview drawn (the chat app in its iframe showing the widget's greeting): cold (the
// builder's address typed, a fresh page) and warm (a click on the widget in Sites > Chat Widgets),
// median of several runs. The settings chunk must not be among the inbox's files.
import { gzipSync } from "node:zlib";
import { availableParallelism, loadavg } from "node:os";
import { kb, PASSWORD, signIn, sleep, withConsole } from "./console-lib.mjs";

const RUNS = 7;
const GREETING = "Builder bench greeting";
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export default async function widgetBuilderBench() {
  console.log(`${availableParallelism()} CPUs, load average ${loadavg()[0].toFixed(2)}; Parley under wrangler dev`);
  await withConsole(
    async ({ platform, browser, api, account, admin }) => {
      const inbox = await api.post(`/api/v1/accounts/${account.id}/inboxes`, { name: "Bench website", channel: { type: "web_widget", website_url: "https://bench.example.test" } }, admin.access_token);
      const widget = await api.post(
        `/api/v1/accounts/${account.id}/chat_widgets`,
        { name: "Bench chat", type: "live_chat", inbox_id: inbox.id, settings: { greeting: { title: GREETING } } },
        admin.access_token,
      );
      const origin = new URL(platform.baseUrl).origin;
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      const loaded = [];
      let phase = "inbox";
      page.on("response", (response) => {
        const url = new URL(response.url());
        if (url.origin !== origin || !/\/app\/assets\/.*\.(js|css)$/.test(url.pathname)) return;
        loaded.push({ path: url.pathname, phase, body: response.body().catch(() => null) });
      });
      await signIn(page, platform.baseUrl, { email: admin.email, password: PASSWORD });
      await sleep(1_000);
      phase = "settings";
      const listUrl = `${platform.baseUrl}/app/accounts/${account.id}/settings/chat_widgets`;
      const builderUrl = `${listUrl}/${widget.id}`;
      const previewDrawn = () => page.frameLocator("iframe[title^='Preview of']").getByRole("heading", { name: GREETING }).waitFor({ timeout: 30_000 });

      await page.getByRole("link", { name: "Sites > Chat Widgets" }).click();
      await page.getByRole("link", { name: "Bench chat" }).waitFor();
      await sleep(1_000);
      const inboxFiles = new Set(loaded.filter((file) => file.phase === "inbox").map((file) => file.path));
      const settingsFiles = loaded.filter((file) => file.phase === "settings");
      let total = 0;
      for (const file of settingsFiles) {
        const body = await file.body;
        const size = body ? gzipSync(body, { level: 9 }).length : 0;
        total += size;
        console.log(`  ${file.path.padEnd(44)} ${kb(size).padStart(9)} gzip${inboxFiles.has(file.path) ? "  (ALSO LOADED BY THE INBOX)" : ""}`);
      }
      console.log(`settings area adds ${settingsFiles.length} file(s), ${kb(total)} gzip; the inbox loaded ${settingsFiles.some((file) => inboxFiles.has(file.path)) ? "SOME OF THEM" : "none of them"}`);

      const warm = [];
      for (let run = 0; run < RUNS; run++) {
        await page.goto(listUrl);
        await page.getByRole("link", { name: "Bench chat" }).waitFor();
        const started = performance.now();
        await page.getByRole("link", { name: "Bench chat" }).click();
        await previewDrawn();
        warm.push(performance.now() - started);
      }
      const cold = [];
      for (let run = 0; run < RUNS; run++) {
        const fresh = await context.newPage();
        const started = performance.now();
        await fresh.goto(builderUrl);
        await fresh.frameLocator("iframe[title^='Preview of']").getByRole("heading", { name: GREETING }).waitFor({ timeout: 30_000 });
        cold.push(performance.now() - started);
        await fresh.close();
      }
      const ms = (values) => `median ${median(values).toFixed(0)} ms (min ${Math.min(...values).toFixed(0)}, max ${Math.max(...values).toFixed(0)})`;
      console.log(`open the builder with its live preview, from the widget list: ${ms(warm)}, ${RUNS} runs`);
      console.log(`open the builder with its live preview, its address in a new tab:  ${ms(cold)}, ${RUNS} runs`);
      await context.close();
    },
    { accountName: "Widget builder bench" },
  );
}
