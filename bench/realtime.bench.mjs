// Realtime fan-out over /cable: N conversations, each with 1 visitor and the same K agents
// (administrators, who see every conversation). Every visitor sends M messages through the Client
// API, one after the other (the next once the previous POST answered), all visitors at once. For
// every (message, receiver) pair it measures send → `message.created` frame latency, from the
// timestamp carried in the content (`<conv>:<seq>:<sent at>`); the visitor's own echo counts apart.
// It counts LOST deliveries (not received within the grace period after the last send), REORDERED
// ones (per receiver per conversation, a seq lower than one already seen) and duplicates.
//
// Baseline, measured in the same run with the same clients and load: a minimal socket.io server
// (bench/socketio-server.mjs, its own process) with an HTTP POST that emits each message to the
// conversation's room, which the visitor and all K agents joined.
//
// Environment: BENCH_N (100), BENCH_K (10), BENCH_M (20), BENCH_GRACE_MS (15000), BENCH_WARM=0
// skips the small warm-up run of each system.
import { spawn } from "node:child_process";
import { availableParallelism, loadavg } from "node:os";
import { io as socketIo } from "socket.io-client";
import { benchSetting, cpuSpent, percentile, processTreeCpu, withPlatform } from "./lib.mjs";

const TARGET = "at N=100, K=10: zero lost or reordered, p99 ≤ 2× the baseline's";
const REQUEST_TIMEOUT_MS = 30_000;
const CONNECT_TIMEOUT_MS = 30_000;

const setting = (name, fallback) => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};

export default async function realtimeBench() {
  const N = setting("BENCH_N", 100);
  const K = setting("BENCH_K", 10);
  const M = setting("BENCH_M", 20);
  const graceMs = setting("BENCH_GRACE_MS", 15_000);
  const warm = process.env.BENCH_WARM !== "0";
  const scale = { n: N, k: K, m: M, graceMs };
  const warmScale = { n: Math.min(5, N), k: Math.min(2, K), m: Math.min(5, M), graceMs };
  const began = performance.now();
  console.log(
    `N=${N} conversations × (1 visitor + K=${K} agents), M=${M} messages per visitor: ` +
      `${N * M} messages, ${N * M * (K + 1)} deliveries expected (grace ${graceMs / 1000} s); ` +
      `${availableParallelism()} CPUs, load average ${loadavg()[0].toFixed(2)}; ${benchSetting()}`,
  );

  const results = {};
  for (const [name, open] of [
    ["socket.io", withSocketIoServer],
    ["Parley", withParley],
  ]) {
    const phaseStarted = performance.now();
    try {
      await open(async (system) => {
        if (warm) {
          const figures = await runScenario(system, { ...warmScale, tag: "w" });
          console.log(`${name} warm-up (N=${warmScale.n}, K=${warmScale.k}, M=${warmScale.m}): ${summaryLine(figures)}`);
        }
        results[name] = await runScenario(system, { ...scale, tag: "r" });
      }, K);
    } catch (error) {
      console.log(`${name}: the run did not complete: ${error?.stack ?? error}`);
    }
    console.log(`${name}: ${((performance.now() - phaseStarted) / 1000).toFixed(1)} s including startup`);
  }

  printComparison(results["socket.io"], results.Parley, scale);
  console.log(`realtime benchmark: ${((performance.now() - began) / 1000).toFixed(1)} s in all`);
}

// ---- the scenario, the same for both systems ---------------------------------------------------

/**
 * system: {
 *   conversations(n, tag) → [{ key, id, send(body) → Promise<{ ok, status }>, connectVisitor(onFrame) → Promise<client> }]
 *   connectAgent(index, conversations, onFrame) → Promise<client>    client: { close(), closedEarly() }
 *   cpu() → CPU seconds used so far by the server's processes, by process ({ "workerd 123": 4.2, ... }), or null
 * }
 * onFrame(event, data) is called for every event frame a client receives.
 */
async function runScenario(system, { n, k, m, graceMs, tag }) {
  const setupStarted = performance.now();
  const conversations = await system.conversations(n, tag);
  const setupMs = performance.now() - setupStarted;

  const byKey = new Map();
  conversations.forEach((conversation, index) =>
    byKey.set(conversation.key, {
      index,
      last: new Int32Array(k + 1).fill(-1), // receiver k is the visitor
      got: new Uint8Array((k + 1) * m),
      accepted: new Uint8Array(m),
    }),
  );
  const agentLatencies = [];
  const echoLatencies = [];
  const otherEvents = {};
  const reorderExamples = [];
  let received = 0;
  let duplicates = 0;
  let reordered = 0;
  let foreign = 0; // frames about conversations a receiver should not see, or not of this run
  let lastDeliveryAt = 0;

  const onFrame = (receiver, ownKey) => (event, data) => {
    if (event !== "message.created") {
      otherEvents[event] = (otherEvents[event] ?? 0) + 1;
      return;
    }
    const now = performance.now();
    const [key, seqText, sentText] = String(data?.content ?? "").split(":");
    const conversation = byKey.get(key);
    const seq = Number(seqText);
    if (!conversation || (ownKey !== null && key !== ownKey) || !Number.isInteger(seq) || seq < 0 || seq >= m) {
      foreign++;
      return;
    }
    const slot = receiver * m + seq;
    if (conversation.got[slot]) {
      duplicates++;
      return;
    }
    conversation.got[slot] = 1;
    received++;
    lastDeliveryAt = now;
    (receiver === k ? echoLatencies : agentLatencies).push(now - Number(sentText));
    if (seq < conversation.last[receiver]) {
      reordered++;
      if (reorderExamples.length < 5) {
        reorderExamples.push(`${receiver === k ? "visitor" : `agent ${receiver}`} of ${key}: seq ${seq} after ${conversation.last[receiver]}`);
      }
    } else conversation.last[receiver] = seq;
  };

  const connectStarted = performance.now();
  const clients = [];
  try {
    await inBatches(
      Array.from({ length: k }, (_, index) => index),
      5,
      async (index) => clients.push(await system.connectAgent(index, conversations, onFrame(index, null))),
    );
    await inBatches(conversations, 10, async (conversation) => clients.push(await conversation.connectVisitor(onFrame(k, conversation.key))));
    const connectMs = performance.now() - connectStarted;
    await sleep(1_000); // let subscription side effects (presence broadcasts) settle

    const postLatencies = [];
    const failureStatuses = {};
    let accepted = 0;
    const cpuBefore = system.cpu();
    const clientCpuBefore = process.cpuUsage();
    const loadStarted = performance.now();
    await Promise.all(
      conversations.map(async (conversation) => {
        const state = byKey.get(conversation.key);
        for (let seq = 0; seq < m; seq++) {
          const sentAt = performance.now();
          const content = `${conversation.key}:${seq}:${sentAt.toFixed(3)}`;
          let outcome;
          try {
            outcome = await conversation.send({ content, echo_id: `${tag}-${conversation.key}-${seq}` });
          } catch (error) {
            outcome = { ok: false, status: error?.name ?? "error" };
          }
          postLatencies.push(performance.now() - sentAt);
          if (outcome.ok) {
            accepted++;
            state.accepted[seq] = 1;
          } else failureStatuses[outcome.status] = (failureStatuses[outcome.status] ?? 0) + 1;
        }
      }),
    );
    const sendsDone = performance.now();
    const expected = accepted * (k + 1);
    while (received < expected && performance.now() - sendsDone < graceMs) await sleep(20);
    const waitedMs = performance.now() - sendsDone;
    const serverCpu = cpuSpent(cpuBefore, system.cpu());
    const clientCpu = process.cpuUsage(clientCpuBefore);

    let lost = 0;
    let deliveredUnaccepted = 0;
    const lostExamples = [];
    for (const [key, state] of byKey) {
      for (let receiver = 0; receiver <= k; receiver++) {
        for (let seq = 0; seq < m; seq++) {
          const got = state.got[receiver * m + seq];
          if (state.accepted[seq] && !got) {
            lost++;
            if (lostExamples.length < 5) lostExamples.push(`${receiver === k ? "visitor" : `agent ${receiver}`} of ${key}: seq ${seq}`);
          } else if (!state.accepted[seq] && got) deliveredUnaccepted++;
        }
      }
    }
    const loadSeconds = (sendsDone - loadStarted) / 1000;
    const all = [...agentLatencies, ...echoLatencies];
    return {
      n,
      k,
      m,
      setupMs,
      connectMs,
      accepted,
      failed: Object.values(failureStatuses).reduce((a, b) => a + b, 0),
      failureStatuses,
      expected,
      received,
      lost,
      lostExamples,
      reordered,
      reorderExamples,
      duplicates,
      foreign,
      deliveredUnaccepted,
      droppedConnections: clients.filter((client) => client.closedEarly()).length,
      drops: describeDrops(clients, loadStarted),
      otherEvents,
      loadSeconds,
      drainMs: lastDeliveryAt > sendsDone ? lastDeliveryAt - sendsDone : 0,
      waitedMs,
      messagesPerSecond: accepted / loadSeconds,
      deliveriesPerSecond: received / (Math.max(lastDeliveryAt, sendsDone) / 1000 - loadStarted / 1000),
      agent: stats(agentLatencies),
      echo: stats(echoLatencies),
      all: stats(all),
      post: stats(postLatencies),
      serverCpu,
      clientCpuSeconds: (clientCpu.user + clientCpu.system) / 1e6,
    };
  } finally {
    for (const client of clients) client.close();
  }
}

/** How and when connections closed on their own, relative to the start of the load. */
function describeDrops(clients, loadStarted) {
  const drops = clients.map((client) => client.closedEarly()).filter(Boolean);
  if (drops.length === 0) return null;
  const hows = {};
  for (const drop of drops) hows[drop.how] = (hows[drop.how] ?? 0) + 1;
  const at = drops.map((drop) => (drop.at - loadStarted) / 1000).sort((a, b) => a - b);
  return `${JSON.stringify(hows)}, between ${at[0].toFixed(1)} s and ${at[at.length - 1].toFixed(1)} s after the load started`;
}

function stats(values) {
  const sorted = Float64Array.from(values).sort();
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] };
}

async function inBatches(items, size, fn) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- Parley: Client API + /cable (ActionCable) ------------------------------------------------

async function withParley(fn, k) {
  await withPlatform(async ({ baseUrl, vars, child }) => {
    const call = async (path, body, token) => {
      const res = await fetch(`${baseUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`POST ${path} answered ${res.status}: ${text.slice(0, 300)}`);
      return JSON.parse(text);
    };
    const agency = await call("/platform/api/v1/agencies", { name: "Realtime bench agency" }, vars.PLATFORM_TOKEN);
    const account = await call("/api/v1/agency/accounts", { name: "Realtime bench" }, agency.access_token);
    const admins = [];
    for (let i = 0; i < k; i++) {
      admins.push(
        await call(
          `/api/v1/agency/accounts/${account.id}/users`,
          { name: `Bench admin ${i}`, email: `bench-admin-${i}@example.test`, role: "administrator" },
          agency.access_token,
        ),
      );
    }
    const inbox = await call(`/api/v1/accounts/${account.id}/inboxes`, { name: "Bench API inbox", channel: { type: "api" } }, admins[0].access_token);
    const inboxPath = `/public/api/v1/inboxes/${inbox.inbox_identifier}`;
    const cableUrl = `${baseUrl.replace(/^http/, "ws")}/cable`;

    await fn({
      cpu: () => processTreeCpu(child.pid),
      async conversations(n, tag) {
        const list = [];
        await inBatches(
          Array.from({ length: n }, (_, i) => i),
          8,
          async (i) => {
            const contact = await call(`${inboxPath}/contacts`, { name: `Visitor ${tag}${i}` });
            const conversation = await call(`${inboxPath}/contacts/${contact.source_id}/conversations`, {});
            const messagesPath = `${baseUrl}${inboxPath}/contacts/${contact.source_id}/conversations/${conversation.id}/messages`;
            list[i] = {
              key: `${tag}${i}`,
              id: conversation.id,
              async send(body) {
                const res = await fetch(messagesPath, {
                  method: "POST",
                  headers: { "content-type": "application/json" },
                  body: JSON.stringify(body),
                  signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
                });
                await res.arrayBuffer();
                return { ok: res.ok, status: res.status };
              },
              connectVisitor: (onFrame) => cableSubscription(cableUrl, JSON.stringify({ channel: "RoomChannel", pubsub_token: contact.pubsub_token }), onFrame),
            };
          },
        );
        return list;
      },
      connectAgent(index, _conversations, onFrame) {
        const admin = admins[index];
        const identifier = JSON.stringify({ channel: "RoomChannel", pubsub_token: admin.pubsub_token, account_id: account.id, user_id: admin.id });
        return cableSubscription(cableUrl, identifier, onFrame);
      },
    });
  });
}

/** An ActionCable connection with one confirmed RoomChannel subscription. */
function cableSubscription(url, identifier, onFrame) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ["actioncable-v1-json"]);
    let confirmed = false;
    let closing = false;
    let closedEarly = null;
    const fail = (reason) => {
      clearTimeout(timer);
      try {
        ws.close();
      } catch {
        // not open
      }
      reject(new Error(`/cable subscription failed: ${reason}`));
    };
    const timer = setTimeout(() => fail("no confirmation in time"), CONNECT_TIMEOUT_MS);
    ws.addEventListener("message", (event) => {
      const frame = JSON.parse(event.data);
      if (frame.type === "welcome") ws.send(JSON.stringify({ command: "subscribe", identifier }));
      else if (frame.type === "confirm_subscription") {
        confirmed = true;
        clearTimeout(timer);
        resolve({
          close: () => {
            closing = true;
            ws.close(1000, "done");
          },
          closedEarly: () => closedEarly,
        });
      } else if (frame.type === "reject_subscription") fail("rejected");
      else if (frame.type === "disconnect") closedEarly ??= { at: performance.now(), how: `disconnect frame (${frame.reason})` };
      else if (frame.message && typeof frame.message === "object") onFrame(frame.message.event, frame.message.data);
    });
    ws.addEventListener("close", (event) => {
      if (!confirmed) fail(`closed (${event.code}) before confirmation`);
      else if (!closing) closedEarly ??= { at: performance.now(), how: `close ${event.code}${event.reason ? ` ${event.reason}` : ""}` };
    });
    ws.addEventListener("error", () => {
      if (!confirmed) fail("socket error");
    });
  });
}

// ---- baseline: socket.io ----------------------------------------------------------------------

async function withSocketIoServer(fn) {
  const child = spawn(process.execPath, [new URL("./socketio-server.mjs", import.meta.url).pathname], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  try {
    const port = await new Promise((resolve, reject) => {
      let out = "";
      child.stdout.setEncoding("utf8");
      child.stdout.on("data", (chunk) => {
        out += chunk;
        const match = /listening (\d+)/.exec(out);
        if (match) resolve(Number(match[1]));
      });
      exited.then((code) => reject(new Error(`socket.io server exited (${code}) before listening`)));
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    let nextId = 1;
    await fn({
      cpu: () => processTreeCpu(child.pid),
      async conversations(n, tag) {
        return Array.from({ length: n }, (_, i) => {
          const id = nextId++;
          return {
            key: `${tag}${i}`,
            id,
            async send(body) {
              const res = await fetch(`${baseUrl}/conversations/${id}/messages`, {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: JSON.stringify(body),
                signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
              });
              await res.arrayBuffer();
              return { ok: res.ok, status: res.status };
            },
            connectVisitor: (onFrame) => socketIoClient(baseUrl, [id], onFrame),
          };
        });
      },
      connectAgent: (_index, conversations, onFrame) =>
        socketIoClient(
          baseUrl,
          conversations.map((conversation) => conversation.id),
          onFrame,
        ),
    });
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}

async function socketIoClient(baseUrl, conversationIds, onFrame) {
  const socket = socketIo(baseUrl, { transports: ["websocket"], reconnection: false, forceNew: true, timeout: CONNECT_TIMEOUT_MS });
  let closing = false;
  let closedEarly = null;
  socket.on("event", (frame) => onFrame(frame.event, frame.data));
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  socket.on("disconnect", (reason) => {
    if (!closing) closedEarly ??= { at: performance.now(), how: `disconnect (${reason})` };
  });
  await socket.timeout(CONNECT_TIMEOUT_MS).emitWithAck("join", conversationIds);
  return {
    close: () => {
      closing = true;
      socket.close();
    },
    closedEarly: () => closedEarly,
  };
}

// ---- output -----------------------------------------------------------------------------------

const ms = (value) => (value === undefined || !Number.isFinite(value) ? "-" : value.toFixed(1));
const ms2 = (value) => (value === undefined || !Number.isFinite(value) ? "-" : value.toFixed(2));

function summaryLine(r) {
  return (
    `${r.accepted} msgs at ${r.messagesPerSecond.toFixed(0)}/s, ${r.received}/${r.expected} deliveries, ` +
    `p50 ${ms(r.all.p50)} ms, p99 ${ms(r.all.p99)} ms, lost ${r.lost}, reordered ${r.reordered}`
  );
}

function printComparison(base, parley, { n, k, m }) {
  const systems = [base, parley];
  if (!systems.some(Boolean)) {
    console.log("No figures: neither system completed.");
    return;
  }
  const pad = (value, width) => String(value).padStart(width);
  const cell = (r, pick, format) => (r ? format(pick(r)) : "-");
  const ratio = (pick) => {
    const value = base && parley ? pick(parley) / pick(base) : NaN;
    return Number.isFinite(value) ? value.toFixed(2) : "-";
  };
  const int = (v) => String(v);
  const fixed0 = (v) => v.toFixed(0);
  const rows = [
    ["messages accepted (POST 2xx)", (r) => r.accepted, int, false],
    ["POST failures", (r) => r.failed, int, false],
    ["messages/s accepted", (r) => r.messagesPerSecond, fixed0, true],
    ["deliveries received", (r) => r.received, int, false],
    ["deliveries/s", (r) => r.deliveriesPerSecond, fixed0, true],
    ["agent delivery p50 ms", (r) => r.agent.p50, ms, true],
    ["agent delivery p99 ms", (r) => r.agent.p99, ms, true],
    ["visitor echo p50 ms", (r) => r.echo.p50, ms, true],
    ["visitor echo p99 ms", (r) => r.echo.p99, ms, true],
    ["all deliveries p50 ms", (r) => r.all.p50, ms, true],
    ["all deliveries p99 ms", (r) => r.all.p99, ms, true],
    ["all deliveries max ms", (r) => r.all.max, ms, true],
    ["POST p50 ms", (r) => r.post.p50, ms, true],
    ["POST p99 ms", (r) => r.post.p99, ms, true],
    ["server CPU ms per message", (r) => (r.serverCpu ? (1000 * r.serverCpu.total) / r.accepted : NaN), ms2, true],
    ["bench client CPU ms per message", (r) => (1000 * r.clientCpuSeconds) / r.accepted, ms2, true],
    ["drain after last POST ms", (r) => r.drainMs, ms, false],
    ["LOST", (r) => r.lost, int, false],
    ["REORDERED", (r) => r.reordered, int, false],
    ["duplicates", (r) => r.duplicates, int, false],
    ["foreign/leaked frames", (r) => r.foreign, int, false],
    ["connections dropped", (r) => r.droppedConnections, int, false],
    ["setup s (conversations)", (r) => r.setupMs / 1000, (v) => v.toFixed(1), false],
    ["connect s (K + N subscriptions)", (r) => r.connectMs / 1000, (v) => v.toFixed(1), false],
  ];
  console.log(`\nN=${n}, K=${k}, M=${m}: ${n * m} messages, ${n * m * (k + 1)} deliveries expected`);
  console.log(`${"".padEnd(34)}${pad("socket.io", 12)}${pad("Parley", 12)}${pad("Parley÷base", 13)}`);
  for (const [label, pick, format, withRatio] of rows) {
    console.log(`${label.padEnd(34)}${pad(cell(base, pick, format), 12)}${pad(cell(parley, pick, format), 12)}${pad(withRatio ? ratio(pick) : "", 13)}`);
  }
  for (const [name, r] of [
    ["socket.io", base],
    ["Parley", parley],
  ]) {
    if (!r) continue;
    if (Object.keys(r.failureStatuses).length) console.log(`${name} POST failures by status: ${JSON.stringify(r.failureStatuses)}`);
    if (r.lostExamples.length) console.log(`${name} lost, e.g.: ${r.lostExamples.join("; ")}`);
    if (r.reorderExamples.length) console.log(`${name} reordered, e.g.: ${r.reorderExamples.join("; ")}`);
    if (r.drops) console.log(`${name} connections dropped: ${r.drops}`);
    if (r.serverCpu) {
      const parts = Object.entries(r.serverCpu.byProcess)
        .sort((a, b) => b[1] - a[1])
        .map(([name, seconds]) => `${name} ${seconds.toFixed(2)}`);
      console.log(`${name} server CPU s during the load, by process: ${parts.join(", ")}`);
    }
    if (r.deliveredUnaccepted) console.log(`${name}: ${r.deliveredUnaccepted} deliveries of messages whose POST failed`);
    const others = Object.entries(r.otherEvents).map(([event, count]) => `${event} ${count}`);
    if (others.length) console.log(`${name} other event frames (all clients): ${others.join(", ")}`);
  }

  if (!base || !parley) {
    console.log(`Target (${TARGET}): not evaluated, a system did not complete.`);
    return;
  }
  const p99Ratio = parley.all.count > 0 ? parley.all.p99 / base.all.p99 : Infinity;
  const met = parley.lost === 0 && parley.reordered === 0 && parley.accepted === parley.n * parley.m && p99Ratio <= 2;
  const verdict =
    `${met ? "MET" : "NOT MET"}: lost ${parley.lost}, reordered ${parley.reordered}, ` +
    `p99 ${ms(parley.all.p99)} ms vs baseline ${ms(base.all.p99)} ms (${Number.isFinite(p99Ratio) ? p99Ratio.toFixed(2) : "-"}×)`;
  if (n === 100 && k === 10) console.log(`Target (${TARGET}): ${verdict}`);
  else console.log(`Target (${TARGET}): stated for N=100, K=10; at this scale it would be ${verdict}`);
}
