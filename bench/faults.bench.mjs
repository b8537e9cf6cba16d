// Messages under faults: visitors send messages through the Client API at a steady pace while
// administrators listen over /cable, and the platform is killed (SIGKILL to its whole process tree,
// as a crash) and restarted, then stopped (SIGTERM) and restarted, on the same port with the same
// state directory. A restart evicts every Durable Object and ends every /cable connection; what the
// queue held is whatever the local runtime kept (see bench/README.md, "Faults figures").
//
// Counted among the messages whose POST was acknowledged (2xx): stored (read back through the
// Application API), delivered to each administrator over /cable (live, or by the catch-up an
// ActionCable client does after it reconnects: GET .../messages?after=<the last id it has>), and
// the `message_created` webhook each produced (a receiver in this process). Lost: acknowledged but
// not stored / not delivered / no webhook. Duplicated: stored twice, delivered live twice to the same
// administrator, or two webhooks for one message. The bar is 0 and 0.
//
// Environment: BENCH_FAULTS_VISITORS (12), BENCH_FAULTS_AGENTS (2), BENCH_FAULTS_INTERVAL_MS (250,
// each visitor's pause between messages), BENCH_FAULTS_STEADY_S (8, load between faults),
// BENCH_FAULTS_GRACE_MS (30000, how long to wait for missing deliveries and webhooks at the end).
import { createServer } from "node:http";
import { availableParallelism, loadavg } from "node:os";
import { benchSetting, withPlatform } from "./lib.mjs";

const setting = (name, fallback) => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};
const REQUEST_TIMEOUT_MS = 15_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export default async function faultsBench() {
  const visitors = setting("BENCH_FAULTS_VISITORS", 12);
  const agents = setting("BENCH_FAULTS_AGENTS", 2);
  const intervalMs = setting("BENCH_FAULTS_INTERVAL_MS", 250);
  const steadyMs = setting("BENCH_FAULTS_STEADY_S", 8) * 1000;
  const graceMs = setting("BENCH_FAULTS_GRACE_MS", 30_000);
  console.log(
    `${visitors} visitors, one message each every ${intervalMs} ms; ${agents} administrators on /cable; ` +
      `${steadyMs / 1000} s of steady load before, between and after the faults; ` +
      `${availableParallelism()} CPUs, load average ${loadavg()[0].toFixed(2)}; ${benchSetting()}`,
  );
  const began = performance.now();
  const hooks = await webhookReceiver();
  try {
    await withPlatform(async (platform) => run(platform, hooks, { visitors, agents, intervalMs, steadyMs, graceMs }));
  } finally {
    hooks.close();
  }
  console.log(`faults benchmark: ${((performance.now() - began) / 1000).toFixed(1)} s in all`);
}

async function run(platform, hooks, { visitors, agents, intervalMs, steadyMs, graceMs }) {
  const request = async (method, path, body, token) => {
    const res = await fetch(`${platform.baseUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    return { ok: res.ok, status: res.status, json: () => JSON.parse(text), text };
  };
  const call = async (path, body, token) => {
    const res = await request("POST", path, body, token);
    if (!res.ok) throw new Error(`POST ${path} answered ${res.status}: ${res.text.slice(0, 300)}`);
    return res.json();
  };

  // ---- setup ----
  const agency = await call("/platform/api/v1/agencies", { name: "Faults bench agency" }, platform.vars.PLATFORM_TOKEN);
  const account = await call("/api/v1/agency/accounts", { name: "Faults bench" }, agency.access_token);
  const admins = [];
  for (let i = 0; i < agents; i++) {
    admins.push(
      await call(
        `/api/v1/agency/accounts/${account.id}/users`,
        { name: `Faults admin ${i}`, email: `faults-admin-${i}@example.test`, role: "administrator" },
        agency.access_token,
      ),
    );
  }
  const inbox = await call(`/api/v1/accounts/${account.id}/inboxes`, { name: "Faults API inbox", channel: { type: "api" } }, admins[0].access_token);
  const created = await call(`/api/v1/accounts/${account.id}/webhooks`, { url: hooks.url, subscriptions: ["message_created"] }, admins[0].access_token);
  const webhook = created.payload?.webhook ?? created; // Chatwoot's shape: { payload: { webhook } }
  const inboxPath = `/public/api/v1/inboxes/${inbox.inbox_identifier}`;
  const conversations = [];
  for (let v = 0; v < visitors; v++) {
    const contact = await call(`${inboxPath}/contacts`, { name: `Faults visitor ${v}` });
    const conversation = await call(`${inboxPath}/contacts/${contact.source_id}/conversations`, {});
    conversations.push({ v, id: conversation.id, messagesPath: `${inboxPath}/contacts/${contact.source_id}/conversations/${conversation.id}/messages` });
  }

  // ---- administrators on /cable, reconnecting and catching up as a console does ----
  const acknowledged = new Map(); // content → { conversationId, id }
  const unacknowledged = new Map(); // content → what the POST got
  const listeners = admins.map((admin, index) =>
    listener({
      index,
      cableUrl: () => `${platform.baseUrl.replace(/^http/, "ws")}/cable`,
      identifier: JSON.stringify({ channel: "RoomChannel", pubsub_token: admin.pubsub_token, account_id: account.id, user_id: admin.id }),
      catchUp: async (lastIds) => {
        const found = [];
        for (const conversation of conversations) {
          let after = lastIds.get(conversation.id) ?? 0;
          for (;;) {
            const query = after > 0 ? `?after=${after}` : "";
            const res = await request("GET", `/api/v1/accounts/${account.id}/conversations/${conversation.id}/messages${query}`, undefined, admin.access_token);
            if (!res.ok) throw new Error(`catch-up answered ${res.status}`);
            const page = res.json().payload;
            found.push(...page.map((message) => ({ ...message, conversation_id: conversation.id })));
            if (after === 0 || page.length < 100) break;
            after = page[page.length - 1].id;
          }
        }
        return found;
      },
    }),
  );
  await Promise.all(listeners.map((agent) => agent.connected()));

  // ---- steady load, with the faults in the middle of it ----
  let sending = true;
  let down = false;
  /** The stretch of the load a message was acknowledged in: each fault starts the next one. */
  const PHASES = ["before the SIGKILL", "between the SIGKILL and the SIGTERM", "after the SIGTERM"];
  let phase = 0;
  const load = Promise.all(
    conversations.map(async (conversation) => {
      for (let seq = 0; sending; seq++) {
        const content = `faults:${conversation.v}:${seq}`;
        try {
          const res = await request("POST", conversation.messagesPath, { content, echo_id: content });
          if (res.ok) acknowledged.set(content, { conversationId: conversation.id, id: res.json().id, phase });
          else unacknowledged.set(content, res.status);
        } catch (error) {
          unacknowledged.set(content, error?.cause?.code ?? error?.name ?? "error");
        }
        await sleep(down ? intervalMs * 2 : intervalMs);
      }
    }),
  );
  const timeline = [];
  const mark = (what) => timeline.push(`${((performance.now() - loadStarted) / 1000).toFixed(1)} s ${what} (${acknowledged.size} acknowledged so far)`);
  const loadStarted = performance.now();
  await sleep(steadyMs);
  for (const kill of [true, false]) {
    mark(kill ? "SIGKILL to the platform's process tree" : "SIGTERM to the platform");
    phase++;
    down = true;
    const restartStarted = performance.now();
    await platform.restart({ kill });
    down = false;
    mark(`up again after ${((performance.now() - restartStarted) / 1000).toFixed(1)} s`);
    await sleep(steadyMs);
  }
  sending = false;
  await load;
  mark("load stopped");

  // ---- wait for what is missing, then count ----
  const waitStarted = performance.now();
  const missing = () =>
    listeners.reduce((sum, agent) => sum + [...acknowledged.keys()].filter((content) => !agent.has(content)).length, 0) +
    [...acknowledged.keys()].filter((content) => !hooks.count(content)).length;
  while (missing() > 0 && performance.now() - waitStarted < graceMs) await sleep(250);
  mark(`waited ${((performance.now() - waitStarted) / 1000).toFixed(1)} s for the last deliveries and webhooks`);

  const stored = new Map(); // content → times stored
  for (const conversation of conversations) {
    let before = null;
    for (;;) {
      const res = await request(
        "GET",
        `/api/v1/accounts/${account.id}/conversations/${conversation.id}/messages${before ? `?before=${before}` : ""}`,
        undefined,
        admins[0].access_token,
      );
      if (!res.ok) throw new Error(`reading back answered ${res.status}`);
      const page = res.json().payload;
      for (const message of page) if (String(message.content ?? "").startsWith("faults:")) stored.set(message.content, (stored.get(message.content) ?? 0) + 1);
      if (page.length === 0) break;
      before = page[0].id;
    }
  }
  for (const agent of listeners) agent.close();
  // The webhook's delivery log: for a message without a webhook, whether its delivery was recorded (then its
  // `webhook.deliver` job was lost) or not (then its `conversation.event` job was).
  const deliveries = new Map(); // content → [status/attempts]
  for (let page = 1; ; page++) {
    const res = await request(
      "GET",
      `/api/v1/accounts/${account.id}/webhooks/${webhook.id}/deliveries?per_page=100&page=${page}`,
      undefined,
      admins[0].access_token,
    );
    if (!res.ok) throw new Error(`the delivery log answered ${res.status}`);
    const rows = res.json().payload;
    for (const row of rows) {
      const content = String(row.payload?.content ?? "");
      if (content.startsWith("faults:")) deliveries.set(content, [...(deliveries.get(content) ?? []), `${row.status}, ${row.attempts} attempts`]);
    }
    if (rows.length < 100) break;
  }

  // ---- report ----
  const ackd = [...acknowledged.keys()];
  const lostStored = ackd.filter((content) => !stored.has(content));
  const duplicatedStored = [...stored].filter(([, times]) => times > 1);
  const storedUnacknowledged = [...unacknowledged.keys()].filter((content) => stored.has(content));
  const failures = {};
  for (const outcome of unacknowledged.values()) failures[outcome] = (failures[outcome] ?? 0) + 1;
  console.log("\ntimeline:");
  for (const line of timeline) console.log(`  ${line}`);
  console.log(
    `\nmessages sent (POST answered 2xx): ${ackd.length}; POSTs not acknowledged: ${unacknowledged.size} ${JSON.stringify(failures)}, of which stored anyway: ${storedUnacknowledged.length}`,
  );
  console.log(
    `stored (read back through the Application API): ${ackd.length - lostStored.length} of ${ackd.length}; LOST ${lostStored.length}, DUPLICATED ${duplicatedStored.length}`,
  );
  if (lostStored.length) console.log(`  not stored, e.g.: ${lostStored.slice(0, 5).join(", ")}`);
  if (duplicatedStored.length)
    console.log(
      `  stored more than once, e.g.: ${duplicatedStored
        .slice(0, 5)
        .map(([c, n]) => `${c}×${n}`)
        .join(", ")}`,
    );
  for (const agent of listeners) {
    const figures = agent.figures(ackd);
    console.log(
      `administrator ${agent.index} over /cable: delivered ${figures.delivered} of ${ackd.length} (live ${figures.live}, by catch-up only ${figures.caughtUp}); ` +
        `LOST ${figures.lost.length}, DUPLICATED live ${figures.duplicated}; reconnects ${figures.reconnects}, catch-ups ${figures.catchUps}`,
    );
    if (figures.lost.length) console.log(`  lost, e.g.: ${figures.lost.slice(0, 5).join(", ")}`);
  }
  const hookLost = ackd.filter((content) => !hooks.count(content));
  const hookDuplicated = ackd.filter((content) => hooks.count(content) > 1);
  console.log(
    `message_created webhooks (through the queue): ${ackd.length - hookLost.length} of ${ackd.length}; LOST ${hookLost.length}, DUPLICATED ${hookDuplicated.length}` +
      ` (${hooks.total()} webhook requests in all)`,
  );
  if (hookLost.length) {
    const why = {};
    for (const content of hookLost) {
      const rows = deliveries.get(content);
      const reason = `${rows ? `delivery recorded (${rows.join("; ")})` : "no delivery recorded"}, acknowledged ${PHASES[acknowledged.get(content).phase]}`;
      why[reason] = [...(why[reason] ?? []), content];
    }
    for (const [reason, contents] of Object.entries(why))
      console.log(`  ${contents.length} without a webhook: ${reason}, e.g. ${contents.slice(0, 6).join(", ")}`);
  }
  if (hookDuplicated.length)
    console.log(
      `  two or more webhooks, e.g.: ${hookDuplicated
        .slice(0, 5)
        .map((c) => `${c}×${hooks.count(c)}`)
        .join(", ")}`,
    );
}

/**
 * An administrator's ActionCable connection that reconnects when it drops (every 500 ms until it is
 * subscribed again), then catches up with `catchUp(lastIds)` as a console does after a reconnect.
 */
function listener({ index, cableUrl, identifier, catchUp }) {
  const live = new Map(); // content → live deliveries
  const caught = new Set();
  const lastIds = new Map(); // conversation id → highest message id seen
  let reconnects = 0;
  let catchUps = 0;
  let closing = false;
  let ws;
  let resolveFirst;
  const first = new Promise((resolve) => (resolveFirst = resolve));
  const seen = (message) => {
    const conversationId = message.conversation_id;
    if (typeof message.id === "number" && message.id > (lastIds.get(conversationId) ?? 0)) lastIds.set(conversationId, message.id);
  };
  const connect = (isReconnect) => {
    ws = new WebSocket(cableUrl(), ["actioncable-v1-json"]);
    ws.addEventListener("message", async (event) => {
      const frame = JSON.parse(event.data);
      if (frame.type === "welcome") ws.send(JSON.stringify({ command: "subscribe", identifier }));
      else if (frame.type === "confirm_subscription") {
        if (!isReconnect) return resolveFirst();
        catchUps++;
        try {
          for (const message of await catchUp(new Map(lastIds))) {
            if (String(message.content ?? "").startsWith("faults:")) caught.add(message.content);
            seen(message);
          }
        } catch {
          // the platform went down again: the next reconnect catches up
        }
      } else if (frame.message?.event === "message.created") {
        const data = frame.message.data;
        if (String(data?.content ?? "").startsWith("faults:")) live.set(data.content, (live.get(data.content) ?? 0) + 1);
        seen(data);
      }
    });
    const retry = () => {
      if (closing) return;
      setTimeout(() => {
        if (closing) return;
        reconnects++;
        connect(true);
      }, 500);
    };
    let retried = false;
    const once = () => {
      if (!retried) {
        retried = true;
        retry();
      }
    };
    ws.addEventListener("close", once);
    ws.addEventListener("error", once);
  };
  connect(false);
  return {
    index,
    connected: () => first,
    has: (content) => live.has(content) || caught.has(content),
    close() {
      closing = true;
      ws.close();
    },
    figures(acknowledged) {
      let delivered = 0;
      let liveCount = 0;
      let caughtUp = 0;
      let duplicated = 0;
      const lost = [];
      for (const content of acknowledged) {
        const times = live.get(content) ?? 0;
        if (times > 1) duplicated++;
        if (times > 0) liveCount++;
        else if (caught.has(content)) caughtUp++;
        if (times > 0 || caught.has(content)) delivered++;
        else lost.push(content);
      }
      return { delivered, live: liveCount, caughtUp, duplicated, lost, reconnects, catchUps };
    },
  };
}

/** An HTTP receiver for the account's webhooks: counts `message_created` bodies by message content. */
async function webhookReceiver() {
  const counts = new Map();
  let total = 0;
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      total++;
      try {
        const payload = JSON.parse(body);
        if (payload.event === "message_created" && String(payload.content ?? "").startsWith("faults:"))
          counts.set(payload.content, (counts.get(payload.content) ?? 0) + 1);
      } catch {
        // not JSON: counted in the total only
      }
      res.writeHead(200).end("ok");
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/hooks`,
    count: (content) => counts.get(content) ?? 0,
    total: () => total,
    close: () => server.close(),
  };
}
