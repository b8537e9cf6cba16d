// The chat widget builder as an administrator opens it in Chromium: the files the settings area
// adds to what the inbox loaded (each gzipped at level 9), and the time from asking for the builder
// to its live preview drawn (the chat app in its iframe showing the widget's greeting): cold (the
// builder's address typed, a fresh page) and warm (a click on the widget in Sites > Chat Widgets),
// median of several runs; each run also notes when the builder's form showed, so the difference is
// what the live preview adds. Baseline, measured in the same run the same two ways: a settings screen
// without a preview (Labels, its table with one label drawn). The settings chunk must not be among the
// inbox's files.
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
      const inbox = await api.post(
        `/api/v1/accounts/${account.id}/inboxes`,
        { name: "Bench website", channel: { type: "web_widget", website_url: "https://bench.example.test" } },
        admin.access_token,
      );
      const widget = await api.post(
        `/api/v1/accounts/${account.id}/chat_widgets`,
        { name: "Bench chat", type: "live_chat", inbox_id: inbox.id, settings: { greeting: { title: GREETING } } },
        admin.access_token,
      );
      await api.post(`/api/v1/accounts/${account.id}/labels`, { title: "bench-label", description: "The baseline screen's one row" }, admin.access_token);
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
      const labelsUrl = `${platform.baseUrl}/app/accounts/${account.id}/settings/labels`;
      const formShown = (on) => on.getByRole("heading", { name: "Edit Bench chat", level: 1 }).waitFor({ timeout: 30_000 });
      const previewDrawn = (on) => on.frameLocator("iframe[title^='Preview of']").getByRole("heading", { name: GREETING }).waitFor({ timeout: 30_000 });
      const labelsDrawn = (on) => on.getByRole("row").filter({ hasText: "bench-label" }).waitFor({ timeout: 30_000 });

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
      console.log(
        `settings area adds ${settingsFiles.length} file(s), ${kb(total)} gzip; the inbox loaded ${settingsFiles.some((file) => inboxFiles.has(file.path)) ? "SOME OF THEM" : "none of them"}`,
      );

      /** ms from `start()` to each of `marks` (awaited in order), on `on`. */
      const timed = async (on, start, marks) => {
        const started = performance.now();
        await start();
        const at = [];
        for (const mark of marks) {
          await mark(on);
          at.push(performance.now() - started);
        }
        return at;
      };
      const warm = { form: [], preview: [], labels: [] };
      for (let run = 0; run < RUNS; run++) {
        await page.goto(listUrl);
        await page.getByRole("link", { name: "Bench chat" }).waitFor();
        const [form, preview] = await timed(page, () => page.getByRole("link", { name: "Bench chat" }).click(), [formShown, previewDrawn]);
        warm.form.push(form);
        warm.preview.push(preview);
        await page.goto(listUrl);
        await page.getByRole("link", { name: "Bench chat" }).waitFor();
        const [labels] = await timed(
          page,
          () => page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Labels", exact: true }).click(),
          [labelsDrawn],
        );
        warm.labels.push(labels);
      }
      const cold = { form: [], preview: [], labels: [] };
      for (let run = 0; run < RUNS; run++) {
        const fresh = await context.newPage();
        const [form, preview] = await timed(fresh, () => fresh.goto(builderUrl, { waitUntil: "commit" }), [formShown, previewDrawn]);
        cold.form.push(form);
        cold.preview.push(preview);
        await fresh.close();
        const other = await context.newPage();
        const [labels] = await timed(other, () => other.goto(labelsUrl, { waitUntil: "commit" }), [labelsDrawn]);
        cold.labels.push(labels);
        await other.close();
      }
      const ms = (values) => `median ${median(values).toFixed(0)} ms (min ${Math.min(...values).toFixed(0)}, max ${Math.max(...values).toFixed(0)})`;
      for (const [how, figures] of [
        ["from the widget list (a click)", warm],
        ["its address in a new tab", cold],
      ]) {
        const ratio = median(figures.preview) / median(figures.labels);
        console.log(`\nopen the builder, ${how}, ${RUNS} runs each, alternating:`);
        console.log(`  the builder's form shown:        ${ms(figures.form)}`);
        console.log(
          `  its live preview drawn:          ${ms(figures.preview)}  (the preview adds ${(median(figures.preview) - median(figures.form)).toFixed(0)} ms at the median)`,
        );
        console.log(`  baseline, Labels with its table: ${ms(figures.labels)}`);
        console.log(`  builder with preview ÷ baseline: ${ratio.toFixed(2)}×`);
      }
      await context.close();
    },
    { accountName: "Widget builder bench" },
  );
}
