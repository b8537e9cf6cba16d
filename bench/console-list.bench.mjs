// The conversation list with many conversations (BENCH_LIST_CONVERSATIONS, 5,000), in Chromium.
//
// Seed: each conversation is a Client API visitor (contact), their conversation and one message,
// BENCH_LIST_CONCURRENCY (24) visitors at a time; its time is printed apart.
// Then, signed in through the form:
// - first row: a navigation to the "All" tab, from the navigation's start to the first row's text
//   painted (Element Timing; the observer marks the row before its first paint), with its DOM time
//   and the first contentful paint; once with a cold HTTP cache (a new browser context carrying the
//   session's cookie) and once warm (the same page navigating again);
// - scrolling to the end: the list pages (25 per page) as its end comes into view; the bench scrolls
//   to the bottom, waits until the next page's rows are drawn (the frame after the DOM change) and
//   scrolls again, until every conversation is in the list. Per page: scroll → drawn, and the page's
//   request (Resource Timing) to tell the server's part from the browser's;
// - long tasks (PerformanceObserver "longtask") during the scrolling;
// - the DOM nodes in the list at the end (windowed rows: it stays bounded) and in the whole page.
import { availableParallelism, loadavg } from "node:os";
import { inParallel, nodeNow, PASSWORD, signIn, sleep, withConsole } from "./console-lib.mjs";
import { percentile } from "./lib.mjs";

const setting = (name, fallback) => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};

/** Runs in the page before the console: first-row timing marks and long tasks. */
function instrumentPage() {
  const bench = (window.__bench = { firstRowDom: null, firstRowPainted: null, longTasks: [], fcp: null });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) bench.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: "longtask", buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      if (e.identifier === "bench-first-row" && bench.firstRowPainted === null) bench.firstRowPainted = e.renderTime || e.loadTime;
  }).observe({ type: "element", buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === "first-contentful-paint") bench.fcp = e.startTime;
  }).observe({ type: "paint", buffered: true });
  const start = () => {
    const observer = new MutationObserver(() => {
      const name = document.querySelector(".conv-row .conv-row-name");
      if (!name) return;
      bench.firstRowDom = performance.now();
      name.setAttribute("elementtiming", "bench-first-row");
      observer.disconnect();
    });
    observer.observe(document.documentElement, { subtree: true, childList: true });
  };
  if (document.documentElement) start();
  else addEventListener("DOMContentLoaded", start);
}

/** Runs in the page: scrolls the list to its end, page by page; returns what each page took. */
async function scrollToEnd({ expected, pageTimeoutMs }) {
  const scroller = document.querySelector(".conv-scroll");
  const listbox = document.getElementById("conv-listbox");
  const rowHeight = () => document.querySelector(".conv-row")?.getBoundingClientRect().height || 92;
  const length = () => Math.round(parseFloat(listbox.style.height) / rowHeight());
  const afterNextPaint = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const pages = [];
  const began = performance.now();
  const longTasksBefore = window.__bench.longTasks.length;
  while (length() < expected) {
    const before = length();
    const t0 = performance.now();
    scroller.scrollTop = scroller.scrollHeight;
    const grew = await new Promise((resolve) => {
      const timer = setTimeout(() => (observer.disconnect(), resolve(false)), pageTimeoutMs);
      const observer = new MutationObserver(() => {
        if (length() > before) {
          clearTimeout(timer);
          observer.disconnect();
          resolve(true);
        }
      });
      observer.observe(listbox, { attributes: true, attributeFilter: ["style"] });
    });
    if (!grew) break;
    const dom = performance.now();
    await afterNextPaint();
    pages.push({ rows: length(), start: t0, total: performance.now() - t0, dom: dom - t0 });
  }
  const scrolled = performance.now() - began;
  const requests = performance
    .getEntriesByType("resource")
    .filter((e) => /\/conversations\?/.test(e.name) && /[?&]page=(\d+)/.test(e.name))
    .map((e) => ({ page: Number(/[?&]page=(\d+)/.exec(e.name)[1]), duration: e.responseEnd - e.startTime, start: e.startTime }));
  return {
    pages,
    requests,
    scrolledMs: scrolled,
    rows: length(),
    longTasks: window.__bench.longTasks.slice(longTasksBefore),
    listNodes: listbox.querySelectorAll("*").length + 1,
    rowsInDom: listbox.querySelectorAll(".conv-row").length,
    pageNodes: document.getElementsByTagName("*").length,
    heapMb: performance.memory ? performance.memory.usedJSHeapSize / 1048576 : null,
  };
}

export default async function consoleListBench() {
  const total = setting("BENCH_LIST_CONVERSATIONS", 5000);
  const concurrency = setting("BENCH_LIST_CONCURRENCY", 24);
  console.log(
    `${total} conversations, seeded ${concurrency} at a time; ${availableParallelism()} CPUs, load average ${loadavg()[0].toFixed(2)}; ` +
      "Parley under wrangler dev (serves the console's static assets), Chromium on the same machine",
  );
  await withConsole(async ({ platform, browser, api, account, admin, inbox }) => {
    // ---- seed ----
    const contactsPath = `/public/api/v1/inboxes/${inbox.inbox_identifier}/contacts`;
    const seedStarted = nodeNow();
    let done = 0;
    let lastReport = seedStarted;
    await inParallel(
      Array.from({ length: total }, (_, i) => i),
      concurrency,
      async (i) => {
        const contact = await api.post(contactsPath, { name: `Visitor ${i + 1}`, email: `visitor-${i + 1}@example.test` });
        const conversationsPath = `${contactsPath}/${contact.source_id}/conversations`;
        const conversation = await api.post(conversationsPath, {});
        await api.post(`${conversationsPath}/${conversation.id}/messages`, { content: `Question ${i + 1}: where is my order?` });
        done++;
        if (nodeNow() - lastReport > 30_000) {
          lastReport = nodeNow();
          console.log(`  seeded ${done} of ${total} in ${((lastReport - seedStarted) / 1000).toFixed(0)} s`);
        }
      },
    );
    const seedMs = nodeNow() - seedStarted;
    console.log(
      `seed: ${total} conversations (3 Client API requests each) in ${(seedMs / 1000).toFixed(1)} s: ${((total * 3) / (seedMs / 1000)).toFixed(0)} requests/s, ${(total / (seedMs / 1000)).toFixed(0)} conversations/s` +
        (api.rateLimited ? `, ${api.rateLimited} answers 429 (rate limited) waited out and retried` : ""),
    );
    const check = await api.get(`/api/v1/accounts/${account.id}/conversations/meta?status=open`, admin.access_token);
    console.log(`the server counts ${check.meta.all_count} open conversations`);

    // ---- first row ----
    const listUrl = `${platform.baseUrl}/app/accounts/${account.id}/conversations?assignee=all`;
    const signedIn = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await signedIn.addInitScript(instrumentPage);
    const page = await signedIn.newPage();
    await signIn(page, platform.baseUrl, { email: admin.email, password: PASSWORD });
    const firstRow = async (p) => {
      await p.goto(listUrl);
      await p.waitForFunction(() => window.__bench?.firstRowPainted !== null, null, { timeout: 60_000 });
      return p.evaluate(() => {
        const nav = performance.getEntriesByType("navigation")[0];
        const requests = performance.getEntriesByType("resource").map((e) => {
          const url = new URL(e.name);
          return { what: url.pathname.replace(/^\/app\/assets\//, "") + url.search.replace(/(.{40}).+/, "$1…"), start: e.startTime, end: e.responseEnd };
        });
        return {
          ...window.__bench,
          longTasks: window.__bench.longTasks.length,
          requests: [{ what: "the page (/app/…)", start: nav.startTime, end: nav.responseEnd }, ...requests].filter(
            (r) => r.start <= window.__bench.firstRowPainted,
          ),
        };
      });
    };
    const cold = await browser.newContext({ viewport: { width: 1280, height: 800 }, storageState: await signedIn.storageState() });
    await cold.addInitScript(instrumentPage);
    const coldTimes = await firstRow(await cold.newPage());
    await cold.close();
    const warmTimes = await firstRow(page);

    // ---- scroll to the end ----
    const scroll = await page.evaluate(scrollToEnd, { expected: total, pageTimeoutMs: 30_000 });
    await signedIn.close();

    // ---- figures ----
    const f = (v) => (Number.isFinite(v) ? v.toFixed(1) : "-");
    const stat = (values) => {
      const sorted = Float64Array.from(values).sort();
      return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] };
    };
    const pad = (v, w) => String(v).padStart(w);
    console.log(`\n${"navigation to the All tab → ".padEnd(40)}${pad("FCP ms", 10)}${pad("first row DOM", 15)}${pad("painted ms", 12)}`);
    for (const [label, t] of [
      ["cold HTTP cache (signed in)", coldTimes],
      ["warm HTTP cache", warmTimes],
    ]) {
      console.log(`${label.padEnd(40)}${pad(f(t.fcp), 10)}${pad(f(t.firstRowDom), 15)}${pad(f(t.firstRowPainted), 12)}`);
    }
    console.log("  where the cold load's time goes (requests started before the first row was painted, ms from the navigation's start):");
    for (const r of coldTimes.requests) console.log(`    ${f(r.start).padStart(7)} → ${f(r.end).padStart(7)}  ${r.what}`);
    const pages = scroll.pages;
    const perPage = stat(pages.map((p) => p.total));
    const perPageDom = stat(pages.map((p) => p.dom));
    const requests = scroll.requests.filter((r) => r.page > 1).sort((a, b) => a.page - b.page);
    const req = stat(requests.map((r) => r.duration));
    const early = stat(requests.slice(0, 10).map((r) => r.duration));
    const late = stat(requests.slice(-10).map((r) => r.duration));
    console.log(
      `\nscrolling to the end: ${scroll.rows} of ${total} conversations in the list after ${pages.length} more pages, ${(scroll.scrolledMs / 1000).toFixed(1)} s ` +
        `(${f(scroll.scrolledMs / Math.max(1, pages.length))} ms per page)`,
    );
    console.log(`${"per page".padEnd(52)}${pad("p50 ms", 9)}${pad("p99 ms", 9)}${pad("max ms", 9)}`);
    for (const [label, s] of [
      ["scroll → next page's rows drawn", perPage],
      ["scroll → next page's rows in the DOM", perPageDom],
      ["its request (Resource Timing)", req],
      ["  the first 10 pages' requests", early],
      ["  the last 10 pages' requests", late],
    ]) {
      console.log(`${label.padEnd(52)}${pad(f(s.p50), 9)}${pad(f(s.p99), 9)}${pad(f(s.max), 9)}`);
    }
    const longTasks = scroll.longTasks;
    const longMs = longTasks.reduce((sum, t) => sum + t.duration, 0);
    console.log(
      `long tasks while scrolling: ${longTasks.length}, ${longMs.toFixed(0)} ms in all, the longest ${f(Math.max(0, ...longTasks.map((t) => t.duration)))} ms ` +
        `(${((100 * longMs) / scroll.scrolledMs).toFixed(1)}% of the scrolling time)`,
    );
    for (const task of longTasks) {
      const during = pages.findLastIndex((p) => p.start <= task.start);
      console.log(`  ${task.duration.toFixed(0)} ms while loading page ${during + 2} (${pages[during]?.rows ?? "-"} rows after it)`);
    }
    console.log(
      `DOM at the end: ${scroll.rowsInDom} rows (${scroll.listNodes} nodes) in the list of ${scroll.rows}; ${scroll.pageNodes} elements in the page` +
        (scroll.heapMb ? `; JS heap ${scroll.heapMb.toFixed(1)} MB` : ""),
    );
  });
}
