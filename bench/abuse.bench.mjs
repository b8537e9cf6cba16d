// The public doors under a flood, with production's limits (wrangler.toml as deployed, docs/SECURITY.md
// "Limits"). Each door is hammered for a bounded time first from one address (CF-Connecting-IP), then
// from many, and the bench prints per door what was sent, what got through, what was refused (429, or
// ActionCable's reject_subscription) and what else was answered, and the platform's CPU per refused
// request. Baseline, same run and same platform: the same door's requests, a fixed number of them,
// sent so that none is refused (without an address, each key under its limit), which gives the CPU a
// request costs when it gets through.
//
// Environment: BENCH_ABUSE_SECONDS (8, per door and phase), BENCH_ABUSE_ADDRESSES (200),
// BENCH_ABUSE_CONCURRENCY (16 requests in flight), BENCH_ABUSE_BASELINE (60 requests per door),
// BENCH_ABUSE_DOORS (all; a comma-separated list of door names to run only those).
import { availableParallelism, loadavg } from "node:os";
import { benchSetting, cpuSpent, processTreeCpu, withPlatform } from "./lib.mjs";

const setting = (name, fallback) => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};
const REQUEST_TIMEOUT_MS = 30_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export default async function abuseBench() {
  const seconds = setting("BENCH_ABUSE_SECONDS", 8);
  const addressCount = setting("BENCH_ABUSE_ADDRESSES", 200);
  const concurrency = setting("BENCH_ABUSE_CONCURRENCY", 16);
  const baselineCount = setting("BENCH_ABUSE_BASELINE", 60);
  const only = process.env.BENCH_ABUSE_DOORS?.split(",").map((name) => name.trim());
  console.log(
    `${seconds} s per door and phase, ${concurrency} in flight, many = ${addressCount} addresses, baseline ${baselineCount} requests per door; ` +
      `limits as deployed; ${availableParallelism()} CPUs, load average ${loadavg()[0].toFixed(2)}; ${benchSetting()}`,
  );
  const began = performance.now();
  await withPlatform(
    async ({ baseUrl, vars, child }) => {
      const api = apiClient(baseUrl);
      const world = await setUp(api, vars);
      const rows = [];
      const probes = [];
      for (const door of doors(api, world, baseUrl)) {
        if (only && !only.includes(door.name)) continue;
        const measure = async (phase, run) => {
          const cpuBefore = processTreeCpu(child.pid);
          const counts = await run();
          const cpu = cpuSpent(cpuBefore, processTreeCpu(child.pid));
          return { door: door.name, phase, ...counts, cpuSeconds: cpu ? cpu.total : NaN };
        };
        const baseline = await measure("baseline (none refused)", () => door.baseline(baselineCount));
        const accepted = baseline.through + baseline.other;
        const cpuPerAccepted = baseline.cpuSeconds / Math.max(1, accepted);
        rows.push({ ...baseline, cpuPerAccepted });
        // Separate addresses per door and phase: no door inherits another's spent windows.
        const one = door.index * 2 + 1;
        door.fresh();
        const single = await measure("1 address", () => flood(door, () => `203.0.113.${one}`, seconds, concurrency));
        rows.push(withRefusedCost(single, cpuPerAccepted));
        // What the flood left for everyone else: one request from an address never seen, to the same inbox, widget or session.
        let probe;
        try {
          probe = await door.request(`198.18.${door.index}.1`, 0);
        } catch (error) {
          probe = error?.name ?? "error";
        }
        probes.push(`${door.name}: ${typeof probe === "object" ? JSON.stringify(probe.statuses) : probe}`);
        door.fresh();
        let next = 0;
        const many = await measure(`${addressCount} addresses`, () =>
          flood(door, () => `10.${door.index * 2 + 2}.${Math.floor((next % addressCount) / 250)}.${((next++ % addressCount) % 250) + 1}`, seconds, concurrency),
        );
        rows.push(withRefusedCost(many, cpuPerAccepted));
        printRows(rows.slice(-3));
        await sleep(500);
      }
      console.log("\nAll doors:");
      printRows(rows, true);
      console.log("\nA new address right after the one-address flood, same inbox, widget or session (what the flood left for others):");
      for (const line of probes) console.log(`  ${line}`);
    },
    { limits: "deployed" },
  );
  console.log(`abuse benchmark: ${((performance.now() - began) / 1000).toFixed(1)} s in all`);
}

/**
 * CPU per refused request: the phase's CPU less what its requests that got through cost at the
 * baseline's rate, over the refused ones.
 */
function withRefusedCost(row, cpuPerAccepted) {
  const spentOnRefused = row.cpuSeconds - (row.through + row.other) * cpuPerAccepted;
  // Where the requests that got through cost most of the phase, what is left for the refused ones is in the noise: "-".
  return { ...row, cpuPerAccepted, cpuPerRefused: row.refused > 0 && spentOnRefused > 0.1 * row.cpuSeconds ? spentOnRefused / row.refused : NaN };
}

/** Sends the door's request from `address()` with `concurrency` in flight for `seconds`; counts outcomes. */
async function flood(door, address, seconds, concurrency) {
  const counts = { sent: 0, through: 0, refused: 0, other: 0, statuses: {} };
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, door.maxConcurrency ?? concurrency) }, async (_, worker) => {
      while (performance.now() < until) {
        counts.sent++;
        let outcome;
        try {
          outcome = await door.request(address(), worker);
        } catch (error) {
          outcome = error?.name ?? "error";
        }
        if (outcome && typeof outcome === "object") {
          counts.sent--; // a burst counts its own frames
          mergeCounts(counts, outcome);
        } else tally(counts, outcome);
      }
    }),
  );
  return counts;
}

/** Outcome: an HTTP status, "confirmed"/"rejected" (subscriptions), "welcome" (connections), or an error name. */
function tally(counts, outcome) {
  if ((typeof outcome === "number" && outcome >= 200 && outcome < 300) || outcome === "confirmed" || outcome === "welcome") counts.through++;
  else if (outcome === 429 || outcome === "rejected" || outcome === "connection 429") counts.refused++;
  else counts.other++;
  counts.statuses[outcome] = (counts.statuses[outcome] ?? 0) + 1;
}

async function sequentially(count, request) {
  const counts = { sent: 0, through: 0, refused: 0, other: 0, statuses: {} };
  for (let i = 0; i < count; i++) {
    counts.sent++;
    let outcome;
    try {
      outcome = await request(i);
    } catch (error) {
      outcome = error?.name ?? "error";
    }
    tally(counts, outcome);
  }
  return counts;
}

function apiClient(baseUrl) {
  /** Sends a request; answers its status (the body is read and dropped). */
  const status = async (method, path, { body, token, address, headers = {} } = {}) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(address ? { "cf-connecting-ip": address } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    await res.arrayBuffer();
    return res.status;
  };
  /** A setup call that must succeed; answers its JSON. */
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
  return { status, call };
}

/** One account; per door that needs one, its own inbox or widget, so no door spends another's per-token window. */
async function setUp({ call }, vars) {
  const agency = await call("/platform/api/v1/agencies", { name: "Abuse bench agency" }, vars.PLATFORM_TOKEN);
  const account = await call("/api/v1/agency/accounts", { name: "Abuse bench" }, agency.access_token);
  const admin = await call(
    `/api/v1/agency/accounts/${account.id}/users`,
    { name: "Abuse admin", email: "abuse-admin@example.test", role: "administrator" },
    agency.access_token,
  );
  const inbox = async (name) =>
    call(`/api/v1/accounts/${account.id}/inboxes`, { name, channel: { type: "web_widget", website_url: "https://abuse.example.test" } }, admin.access_token);
  const widget = async (name) => {
    const widgetInbox = await inbox(name);
    return call(`/api/v1/accounts/${account.id}/chat_widgets`, { name, type: "live_chat", inbox_id: widgetInbox.id }, admin.access_token);
  };
  return { account, admin, inbox, widget };
}

const inboxPath = (inbox) => `/public/api/v1/inboxes/${inbox.inbox_identifier}`;

/** A visitor with `count` conversations in `inbox` (no address: only the inbox's own window counts). */
async function visitor({ call }, inbox, conversations = 1) {
  const contact = await call(`${inboxPath(inbox)}/contacts`, { name: "Abuse visitor" });
  const base = `${inboxPath(inbox)}/contacts/${contact.source_id}`;
  const ids = [];
  for (let i = 0; i < conversations; i++) ids.push((await call(`${base}/conversations`, {})).id);
  return { contact, base, conversationIds: ids };
}

/**
 * The doors. Each: `name`, `request(address, worker)` → outcome for the floods, `baseline(count)` →
 * counts of requests none of which a limit refuses. Resources for the floods are made lazily.
 */
function doors(api, world, baseUrl) {
  const { status } = api;
  const cableUrl = `${baseUrl.replace(/^http/, "ws")}/cable`;
  const list = [];
  // `res`: what a door's floods use (an inbox, visitors, a widget), made anew for each phase by `fresh()`.
  const door = (name, make) =>
    list.push({
      name,
      index: list.length,
      res: {},
      fresh() {
        this.res = {};
      },
      ...make,
    });

  // Contacts: public_create.address (10/60 s), public_create.website_token (300/60 s).
  door("contact create", {
    async baseline(count) {
      const inbox = await world.inbox("Abuse contacts baseline");
      return sequentially(count, () => status("POST", `${inboxPath(inbox)}/contacts`, { body: { name: "Abuse visitor" } }));
    },
    async request(address) {
      this.res.inbox ??= world.inbox("Abuse contacts flood");
      return status("POST", `${inboxPath(await this.res.inbox)}/contacts`, { body: { name: "Flood visitor" }, address });
    },
  });

  // Conversations: public_create.*, widget_conversations.address (6 per 12 h), 30 per visitor session (422).
  door("conversation create", {
    async baseline(count) {
      const inbox = await world.inbox("Abuse conversations baseline");
      const visitors = [];
      for (let i = 0; i < Math.ceil(count / 25); i++) visitors.push(await visitor(api, inbox, 0));
      return sequentially(count, (i) => status("POST", `${visitors[Math.floor(i / 25)].base}/conversations`, { body: {} }));
    },
    async request(address, worker) {
      this.res.visitors ??= (async () => {
        const inbox = await world.inbox("Abuse conversations flood");
        return Promise.all(Array.from({ length: 16 }, () => visitor(api, inbox, 0)));
      })();
      const visitors = await this.res.visitors;
      return status("POST", `${visitors[worker % visitors.length].base}/conversations`, { body: {}, address });
    },
  });

  // Messages: public_write.address (60/10 s), session_message.session (20/10 s).
  const messageBaseline = async (count, path, body, perSession) => {
    const inbox = await world.inbox(`Abuse ${path} baseline`);
    const sessions = [];
    for (let i = 0; i < Math.ceil(count / perSession); i++) sessions.push(await visitor(api, inbox, 1));
    return sequentially(count, (i) => {
      const session = sessions[Math.floor(i / perSession)];
      return status("POST", `${session.base}/conversations/${session.conversationIds[0]}/${path}`, { body });
    });
  };
  const floodSession = async (door, name, worker) => {
    door.res.sessions ??= (async () => {
      const inbox = await world.inbox(name);
      return Promise.all(Array.from({ length: 4 }, () => visitor(api, inbox, 1)));
    })();
    const all = await door.res.sessions;
    return all[worker % all.length];
  };
  {
    door("message", {
      baseline: (count) => messageBaseline(count, "messages", { content: "Hello" }, 10),
      async request(address, worker) {
        const s = await floodSession(this, "Abuse messages flood", worker);
        return status("POST", `${s.base}/conversations/${s.conversationIds[0]}/messages`, { body: { content: "Flood" }, address });
      },
    });
  }
  {
    // Typing: public_write.address (60/10 s), session_typing.session (10/10 s).
    door("typing", {
      baseline: (count) => messageBaseline(count, "toggle_typing", { typing_status: "on" }, 5),
      async request(address, worker) {
        const s = await floodSession(this, "Abuse typing flood", worker);
        return status("POST", `${s.base}/conversations/${s.conversationIds[0]}/toggle_typing`, { body: { typing_status: "on" }, address });
      },
    });
  }

  // Widget sessions: public_create.address, public_create.website_token (the widget's token), widget_conversations.address.
  door("widget session", {
    async baseline(count) {
      const widget = await world.widget("Abuse widget sessions baseline");
      return sequentially(count, () => status("POST", "/api/v1/widget/sessions", { body: { widget_token: widget.widget_token } }));
    },
    async request(address) {
      this.res.widget ??= world.widget("Abuse widget sessions flood");
      return status("POST", "/api/v1/widget/sessions", { body: { widget_token: (await this.res.widget).widget_token }, address });
    },
  });

  // Widget commands: public_write.address (60/10 s), session_write.session (30/60 s).
  const widgetSessions = async (name, count) => {
    const widget = await world.widget(name);
    const sessions = [];
    for (let i = 0; i < count; i++) {
      const session = await api.call("/api/v1/widget/sessions", { widget_token: widget.widget_token, message: "Hello" });
      sessions.push({ widget_token: widget.widget_token, source_id: session.source_id, conversation_id: session.conversation_id });
    }
    return sessions;
  };
  const command = (session, address) => status("POST", "/api/v1/widget/commands", { body: { ...session, command: ">cs /set plan gold" }, address });
  door("widget command", {
    async baseline(count) {
      const sessions = await widgetSessions("Abuse commands baseline", Math.ceil(count / 20));
      return sequentially(count, (i) => command(sessions[Math.floor(i / 20)], undefined));
    },
    async request(address, worker) {
      this.res.sessions ??= widgetSessions("Abuse commands flood", 4);
      const sessions = await this.res.sessions;
      return command(sessions[worker % sessions.length], address);
    },
  });

  // Sign-in with a wrong password: sign_in.email (5/60 s), sign_in.address (20/60 s). The answer that
  // gets through is 401, after the password's hash was computed.
  door("sign-in, wrong password", {
    baseline: (count) =>
      sequentially(count, (i) => status("POST", "/auth/sign_in", { body: { email: `nobody-${i}@example.test`, password: "wrong password" } })),
    request: (address) => status("POST", "/auth/sign_in", { body: { email: "abuse-admin@example.test", password: "wrong password" }, address }),
  });

  // A bad token on an authenticated route: bad_token.address (30/60 s). Getting through is its 401.
  door("bad token", {
    baseline: (count) => sequentially(count, () => status("GET", "/api/v1/profile", { token: "not-a-token" })),
    request: (address) => status("GET", "/api/v1/profile", { token: "not-a-token", address }),
  });

  // /cable connections: cable_connect.address (30/60 s). Through: ActionCable's welcome; refused: 429 before the upgrade.
  door("/cable connect", {
    maxConcurrency: 8,
    baseline: (count) => sequentially(count, () => cableOpen(cableUrl, undefined)),
    request: (address) => cableOpen(cableUrl, address),
  });

  // /cable subscribe frames: cable_subscribe.address (60/60 s); 10 subscriptions per connection.
  // Each request is one connection that subscribes with 10 different visitors' tokens, then closes;
  // connections refused at the door (cable_connect.address) count as refused too, as "connection 429".
  door("/cable subscribe", {
    maxConcurrency: 4,
    async baseline(count) {
      const tokens = await this.tokens();
      const counts = { sent: 0, through: 0, refused: 0, other: 0, statuses: {} };
      for (let i = 0; i < Math.ceil(count / 10); i++) mergeCounts(counts, await cableSubscribeBurst(cableUrl, undefined, tokens));
      return counts;
    },
    tokens() {
      this.cached ??= (async () => {
        const inbox = await world.inbox("Abuse cable");
        const contacts = [];
        for (let i = 0; i < 10; i++) contacts.push((await api.call(`${inboxPath(inbox)}/contacts`, { name: `Cable visitor ${i}` })).pubsub_token);
        return contacts;
      })();
      return this.cached;
    },
    async request(address) {
      return cableSubscribeBurst(cableUrl, address, await this.tokens());
    },
  });
  return list;
}

function mergeCounts(into, counts) {
  for (const key of ["sent", "through", "refused", "other"]) into[key] += counts[key];
  for (const [status, n] of Object.entries(counts.statuses)) into.statuses[status] = (into.statuses[status] ?? 0) + n;
}

/** Opens /cable (with the address as CF-Connecting-IP), waits for the welcome or the refusal, closes. */
function cableOpen(url, address) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { protocols: ["actioncable-v1-json"], headers: address ? { "cf-connecting-ip": address } : {} });
    let settled = false;
    const settle = (outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      try {
        ws.close();
      } catch {
        // never opened
      }
      resolve(outcome);
    };
    const timer = setTimeout(() => settle("timeout"), REQUEST_TIMEOUT_MS);
    ws.addEventListener("message", (event) => {
      if (JSON.parse(event.data).type === "welcome") settle("welcome");
    });
    // A refused upgrade (429) is an error event without a status; the 429 is what the door answers to it.
    ws.addEventListener("error", () => settle(429));
    ws.addEventListener("close", () => settle("closed"));
  });
}

/** One connection, 10 subscribe frames with different visitors' tokens: counts confirmed and rejected frames. */
function cableSubscribeBurst(url, address, tokens) {
  const counts = { sent: 0, through: 0, refused: 0, other: 0, statuses: {} };
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { protocols: ["actioncable-v1-json"], headers: address ? { "cf-connecting-ip": address } : {} });
    let answered = 0;
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      try {
        ws.close();
      } catch {
        // never opened
      }
      resolve(counts);
    };
    const timer = setTimeout(settle, REQUEST_TIMEOUT_MS);
    ws.addEventListener("message", (event) => {
      const frame = JSON.parse(event.data);
      if (frame.type === "welcome") {
        for (const token of tokens) {
          counts.sent++;
          ws.send(JSON.stringify({ command: "subscribe", identifier: JSON.stringify({ channel: "RoomChannel", pubsub_token: token }) }));
        }
      } else if (frame.type === "confirm_subscription" || frame.type === "reject_subscription") {
        tally(counts, frame.type === "confirm_subscription" ? "confirmed" : "rejected");
        if (++answered === tokens.length) settle();
      }
    });
    ws.addEventListener("error", () => {
      if (counts.sent === 0) {
        counts.sent++; // the connection attempt, refused before any frame
        tally(counts, "connection 429");
      }
      settle();
    });
    ws.addEventListener("close", settle);
  });
}

// ---- output -----------------------------------------------------------------------------------

function printRows(rows, header = true) {
  const pad = (value, width) => String(value).padStart(width);
  const ms = (seconds) => (Number.isFinite(seconds) ? (seconds * 1000).toFixed(2) : "-");
  if (header) {
    console.log(
      `${"door".padEnd(24)}${"phase".padEnd(26)}${pad("sent", 7)}${pad("2xx", 7)}${pad("429", 7)}${pad("other", 7)}` +
        `${pad("CPU s", 8)}${pad("ms/accepted", 13)}${pad("ms/refused", 12)}${pad("refused÷acc", 13)}  other statuses`,
    );
  }
  for (const row of rows) {
    const others = Object.entries(row.statuses)
      .filter(
        ([status]) =>
          !(
            status === "429" ||
            status === "rejected" ||
            status === "connection 429" ||
            status === "confirmed" ||
            status === "welcome" ||
            /^2\d\d$/.test(status)
          ),
      )
      .map(([status, n]) => `${status}×${n}`)
      .join(" ");
    const ratio = row.cpuPerRefused / row.cpuPerAccepted;
    console.log(
      `${row.door.padEnd(24)}${row.phase.padEnd(26)}${pad(row.sent, 7)}${pad(row.through, 7)}${pad(row.refused, 7)}${pad(row.other, 7)}` +
        `${pad(Number.isFinite(row.cpuSeconds) ? row.cpuSeconds.toFixed(2) : "-", 8)}${pad(ms(row.cpuPerAccepted), 13)}` +
        `${pad(row.cpuPerRefused === undefined ? "" : ms(row.cpuPerRefused), 12)}${pad(Number.isFinite(ratio) ? ratio.toFixed(2) : "", 13)}  ${others}`,
    );
  }
}
