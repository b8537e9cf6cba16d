// A visitor's message, from the start of its Client API POST to its text drawn in an agent's
// console in Chromium (the conversation open, the list beside it), next to the raw /cable delivery
// of the same messages to a plain ActionCable client in Node subscribed with the same user's pubsub
// token (before the console's own connection, so the fan-out's order does not favour the console),
// measured in the same run. The difference is what the browser and the console add.
//
// Per message (one at a time, the next once the previous is drawn, BENCH_LATENCY_GAP_MS apart):
// - POST: Node's clock around the Client API request;
// - /cable in Node: the `message.created` frame received by the Node client (its own worker thread);
// - frame in the page: the same frame reaching the page's WebSocket (a listener the bench adds to
//   every WebSocket the page opens, ahead of the console's own);
// - DOM: a MutationObserver in the page, when a node with the text appears in the open conversation
//   (and, apart, in the list row);
// - painted: the Element Timing render time of the conversation's new message (the observer marks
//   it before its first paint), or, where Chromium gives none, the frame after the DOM change.
// Page times are `performance.timeOrigin + performance.now()` in the page, moved onto Node's clock by
// an offset measured with the smallest of 30 round trips (printed with its bound).
//
// Environment: BENCH_LATENCY_MESSAGES (100), BENCH_LATENCY_WARM (5 not counted), BENCH_LATENCY_GAP_MS (150).
import { availableParallelism, loadavg } from "node:os";
import { Worker } from "node:worker_threads";
import { clockOffset, nodeNow, PASSWORD, signIn, sleep, visitorConversation, withConsole } from "./console-lib.mjs";
import { percentile } from "./lib.mjs";

const setting = (name, fallback) => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value >= 0 ? value : fallback;
};
const MARK = "bench-msg-";
const WAIT_MS = 15_000;

/** Runs in the page before the console: records frames and DOM nodes carrying MARK<n>. */
function instrumentPage(mark) {
  const now = () => performance.timeOrigin + performance.now();
  const seen = { frame: new Map(), pane: new Map(), row: new Map() };
  const report = (n) => {
    const frame = seen.frame.get(n);
    const pane = seen.pane.get(n);
    if (pane && pane.painted !== undefined)
      window.__benchDrawn?.(n, { frame, dom: pane.dom, painted: pane.painted, paintedBy: pane.by, row: seen.row.get(n) ?? null });
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (typeof event.data !== "string" || !event.data.includes(mark)) return;
        const t = now();
        for (const match of event.data.matchAll(new RegExp(`${mark}(\\d+)`, "g"))) {
          const n = Number(match[1]);
          if (!seen.frame.has(n)) seen.frame.set(n, t);
        }
      });
    }
  };
  const pattern = new RegExp(`${mark}(\\d+)`);
  const elementOf = (node) => (node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement);
  const found = (node, t) => {
    const match = pattern.exec(node.textContent ?? "");
    if (!match) return;
    const n = Number(match[1]);
    const element = elementOf(node);
    if (!element) return;
    if (element.closest(".conv-row")) {
      if (!seen.row.has(n)) seen.row.set(n, t);
      return;
    }
    if (!element.closest("#main") || seen.pane.has(n)) return;
    const entry = { dom: t };
    seen.pane.set(n, entry);
    // The innermost element holding the text gets an elementtiming name before its first paint.
    let target = element;
    for (const child of target.querySelectorAll("*")) if (pattern.test(child.textContent ?? "")) target = child;
    target.setAttribute("elementtiming", `${mark}${n}`);
    // Fallback: the frame after the change (rAF runs before the paint; the message after it, once painted).
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        entry.frameAfter = now();
        setTimeout(() => {
          if (entry.painted === undefined) {
            entry.painted = entry.frameAfter;
            entry.by = "next frame";
            report(n);
          }
        }, 500);
      };
      channel.port2.postMessage(null);
    });
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const match = pattern.exec(e.identifier ?? "");
      const entry = match && seen.pane.get(Number(match[1]));
      if (entry && entry.painted === undefined && e.renderTime > 0) {
        entry.painted = performance.timeOrigin + e.renderTime;
        entry.by = "element timing";
        report(Number(match[1]));
      }
    }
  }).observe({ type: "element", buffered: true });
  const start = () =>
    new MutationObserver((mutations) => {
      const t = now();
      for (const m of mutations) {
        if (m.type === "characterData") found(m.target, t);
        else for (const node of m.addedNodes) found(node, t);
      }
    }).observe(document.documentElement, { subtree: true, childList: true, characterData: true });
  if (document.documentElement) start();
  else addEventListener("DOMContentLoaded", start);
}

export default async function consoleLatencyBench() {
  const total = setting("BENCH_LATENCY_MESSAGES", 100) || 100;
  const warm = setting("BENCH_LATENCY_WARM", 5);
  const gapMs = setting("BENCH_LATENCY_GAP_MS", 150);
  console.log(
    `${total} messages (+${warm} warm-up), one at a time, ${gapMs} ms apart; ${availableParallelism()} CPUs, load average ${loadavg()[0].toFixed(2)}; ` +
      "Parley under wrangler dev (serves the console's static assets), the Node client and Chromium on the same machine",
  );
  await withConsole(async ({ platform, browser, api, account, admin, inbox }) => {
    const visitor = await visitorConversation(api, inbox, "Vera Visitor");
    await api.post(visitor.messagesPath, { content: "Hello, is anyone there?" });

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const drawn = new Map();
    const waiters = new Map();
    await page.exposeFunction("__benchDrawn", (n, times) => {
      drawn.set(n, times);
      waiters.get(n)?.();
    });
    await page.addInitScript(instrumentPage, MARK);
    // The Node client: the same user's pubsub token and RoomChannel identifier, subscribed before the
    // console's connection. Deliveries of one event go out in subscription order, and on a busy
    // machine the second one lags the first by a few ms: this way the lag counts against the console.
    const me = { pubsub_token: admin.pubsub_token, account_id: account.id, id: admin.id };
    const cableAt = new Map();
    const cable = await cableClient(
      `${platform.baseUrl.replace(/^http/, "ws")}/cable`,
      { pubsub_token: me.pubsub_token, account_id: me.account_id, user_id: me.id },
      (n, at) => {
        if (!cableAt.has(n)) cableAt.set(n, at);
      },
    );
    await signIn(page, platform.baseUrl, { email: admin.email, password: PASSWORD });
    await page.locator("#conv-tab-all").click();
    await page.locator(".conv-row").first().click();
    await page.getByText("Hello, is anyone there?").last().waitFor();

    await sleep(1_000);
    const before = await clockOffset(page);

    const samples = [];
    let missing = 0;
    try {
      for (let n = 0; n < warm + total; n++) {
        const shown = new Promise((resolve) => waiters.set(n, resolve));
        const sentAt = nodeNow();
        await api.post(visitor.messagesPath, { content: `${MARK}${n} Could you tell me where my order is?` });
        const answered = nodeNow();
        const timedOut = await Promise.race([shown.then(() => false), sleep(WAIT_MS).then(() => true)]);
        const cableDeadline = nodeNow() + WAIT_MS;
        while (!cableAt.has(n) && nodeNow() < cableDeadline) await sleep(5);
        if (timedOut || !cableAt.has(n)) {
          missing++;
          continue;
        }
        if (n >= warm) samples.push({ n, sentAt, answered, cable: cableAt.get(n), page: drawn.get(n) });
        await sleep(gapMs);
      }
    } finally {
      cable.close();
    }
    const after = await clockOffset(page);
    const offset = (before.offset + after.offset) / 2;
    const toNode = (t) => (t === null || t === undefined ? NaN : t + offset);

    const series = {
      post: samples.map((s) => s.answered - s.sentAt),
      cable: samples.map((s) => s.cable - s.sentAt),
      frame: samples.map((s) => toNode(s.page.frame) - s.sentAt),
      dom: samples.map((s) => toNode(s.page.dom) - s.sentAt),
      painted: samples.map((s) => toNode(s.page.painted) - s.sentAt),
      row: samples.map((s) => toNode(s.page.row) - s.sentAt),
      consoleAdds: samples.map((s) => toNode(s.page.painted) - s.cable),
      frameToDom: samples.map((s) => s.page.dom - s.page.frame),
      domToPaint: samples.map((s) => s.page.painted - s.page.dom),
    };
    const stat = (values) => {
      const sorted = Float64Array.from(values.filter(Number.isFinite)).sort();
      return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] };
    };
    const by = {};
    for (const s of samples) by[s.page.paintedBy] = (by[s.page.paintedBy] ?? 0) + 1;
    const f = (v) => (Number.isFinite(v) ? v.toFixed(1) : "-");
    const pad = (v, w) => String(v).padStart(w);
    console.log(
      `\nclock offset page→Node ${before.offset.toFixed(2)} ms before, ${after.offset.toFixed(2)} ms after (round trips ${before.rtt.toFixed(2)} / ${after.rtt.toFixed(2)} ms: ` +
        `error ≤ ±${(Math.max(before.rtt, after.rtt) / 2 + Math.abs(after.offset - before.offset) / 2).toFixed(2)} ms)`,
    );
    console.log(
      `${samples.length} messages measured, ${missing} not drawn or not delivered within ${WAIT_MS / 1000} s; painted by ${Object.entries(by)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}`,
    );
    console.log(`\n${"from the start of the POST to".padEnd(52)}${pad("p50 ms", 9)}${pad("p99 ms", 9)}${pad("max ms", 9)}`);
    const rows = [
      ["the POST's answer", series.post],
      ["/cable frame in Node (raw delivery, baseline)", series.cable],
      ["/cable frame in the page's WebSocket", series.frame],
      ["text in the open conversation's DOM", series.dom],
      ["text painted in the open conversation", series.painted],
      ["text in the list row's DOM", series.row],
    ];
    for (const [label, values] of rows) {
      const s = stat(values);
      console.log(`${label.padEnd(52)}${pad(f(s.p50), 9)}${pad(f(s.p99), 9)}${pad(f(s.max), 9)}`);
    }
    console.log(`\n${"what the browser and the console add".padEnd(52)}${pad("p50 ms", 9)}${pad("p99 ms", 9)}${pad("max ms", 9)}`);
    for (const [label, values] of [
      ["painted − raw /cable delivery in Node", series.consoleAdds],
      ["page's frame → DOM (the console's JS)", series.frameToDom],
      ["DOM → painted (style, layout, paint)", series.domToPaint],
    ]) {
      const s = stat(values);
      console.log(`${label.padEnd(52)}${pad(f(s.p50), 9)}${pad(f(s.p99), 9)}${pad(f(s.max), 9)}`);
    }
    const painted = stat(series.painted);
    const raw = stat(series.cable);
    console.log(
      `\npainted p50 ${f(painted.p50)} ms, p99 ${f(painted.p99)} ms vs raw /cable p50 ${f(raw.p50)} ms, p99 ${f(raw.p99)} ms: ${(painted.p50 / raw.p50).toFixed(2)}× / ${(painted.p99 / raw.p99).toFixed(2)}×`,
    );
  });
}

/**
 * A plain ActionCable client with one confirmed RoomChannel subscription, in a worker thread of its
 * own so that Playwright's traffic on the main thread cannot delay it; reports each MARK<n> of a
 * `message.created` frame with the time it arrived (`performance.timeOrigin + performance.now()`).
 */
function cableClient(url, params, onMessage) {
  const worker = new Worker(
    `
    const { parentPort, workerData } = require("node:worker_threads");
    const { url, identifier, mark } = workerData;
    const pattern = new RegExp(mark + "([0-9]+)");
    const ws = new WebSocket(url, ["actioncable-v1-json"]);
    ws.addEventListener("message", (event) => {
      const at = performance.timeOrigin + performance.now();
      const frame = JSON.parse(event.data);
      if (frame.type === "welcome") ws.send(JSON.stringify({ command: "subscribe", identifier }));
      else if (frame.type === "confirm_subscription") parentPort.postMessage({ confirmed: true });
      else if (frame.type === "reject_subscription") parentPort.postMessage({ error: "subscription rejected" });
      else if (frame.message && frame.message.event === "message.created") {
        const match = pattern.exec(frame.message.data?.content ?? "");
        if (match) parentPort.postMessage({ n: Number(match[1]), at });
      }
    });
    ws.addEventListener("error", () => parentPort.postMessage({ error: "socket error" }));
    parentPort.on("message", () => ws.close(1000, "done"));
    `,
    { eval: true, workerData: { url, identifier: JSON.stringify({ channel: "RoomChannel", ...params }), mark: MARK } },
  );
  worker.unref(); // a failed run must not be kept alive by it
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("/cable: no confirmation in time")), 30_000);
    worker.on("message", (message) => {
      if (message.confirmed) {
        clearTimeout(timer);
        resolve({
          close: () => {
            worker.postMessage("close");
            setTimeout(() => worker.terminate(), 200).unref();
          },
        });
      } else if (message.error) reject(new Error(`/cable: ${message.error}`));
      else onMessage(message.n, message.at);
    });
    worker.on("error", reject);
  });
}
