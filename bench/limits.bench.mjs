// What the limits themselves cost per request (docs/SECURITY.md, "Limits"). Limits are raised as for
// every benchmark, so each request is counted and none refused. Baselines, measured in the same run:
// the same requests without CF-Connecting-IP, for which the limits by address are not counted. So
// each pair differs only by the counting: one rate limiting binding call on the read, and on the
// widget session two binding calls more plus the RateCounter object's twelve-hour window.
import { cpuSpent, measure, printTable, processTreeCpu, withPlatform } from "./lib.mjs";

/** Rounds of each pair, alternating; latency on a shared machine drifts, server CPU per request much less. */
const ROUNDS = 3;

export default async function limitsBench() {
  await withPlatform(async ({ baseUrl, vars, child }) => {
    const post = async (path, body, token) => {
      const res = await fetch(`${baseUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    const agency = await post("/platform/api/v1/agencies", { name: "Bench agency" }, vars.PLATFORM_TOKEN);
    const account = await post("/api/v1/agency/accounts", { name: "Bench account" }, agency.access_token);
    const admin = await post(
      `/api/v1/agency/accounts/${account.id}/users`,
      { name: "Bench admin", email: "bench@example.test", role: "administrator" },
      agency.access_token,
    );
    const inbox = await post(
      `/api/v1/accounts/${account.id}/inboxes`,
      { name: "Bench site", channel: { type: "web_widget", website_url: "https://bench.example.test" } },
      admin.access_token,
    );
    const widget = await post(
      `/api/v1/accounts/${account.id}/chat_widgets`,
      { name: "Bench widget", type: "live_chat", inbox_id: inbox.id },
      admin.access_token,
    );
    const contact = await post(`/public/api/v1/inboxes/${inbox.inbox_identifier}/contacts`, { name: "Bench visitor" });
    const base = `/public/api/v1/inboxes/${inbox.inbox_identifier}/contacts/${contact.source_id}`;
    const conversation = await post(`${base}/conversations`, {});
    await post(`${base}/conversations/${conversation.id}/messages`, { content: "Hello" });

    let addresses = 0;
    const address = () => ({ "cf-connecting-ip": `198.51.100.${(addresses++ % 250) + 1}` });
    const read = (headers) => () =>
      fetch(`${baseUrl}${base}/conversations/${conversation.id}/messages`, { headers: headers() }).then(async (res) => (await res.arrayBuffer(), res));
    const startSession = (headers) => () =>
      fetch(`${baseUrl}/api/v1/widget/sessions`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers() },
        body: JSON.stringify({ widget_token: widget.widget_token }),
      }).then(async (res) => (await res.arrayBuffer(), res));
    const none = () => ({});

    const rows = [];
    const run = async (name, request, options) => {
      const before = processTreeCpu(child.pid);
      const figures = await measure(request, options);
      const cpu = cpuSpent(before, processTreeCpu(child.pid));
      rows.push({ name, ...figures, cpuMs: cpu ? (1000 * cpu.total) / (figures.requests + (options.warmup ?? 100)) : NaN });
    };
    // Alternating, so that a drift of the machine does not land on one side.
    for (let round = 0; round < ROUNDS; round++) {
      await run(`read messages, no address (baseline) #${round + 1}`, read(none), { total: 3000, concurrency: 10 });
      await run(`read messages, 1 limit by address #${round + 1}`, read(address), { total: 3000, concurrency: 10 });
    }
    for (let round = 0; round < ROUNDS; round++) {
      await run(`widget session, no address (baseline) #${round + 1}`, startSession(none), { total: 300, concurrency: 5, warmup: 20 });
      await run(`widget session, +2 limits and 12 h counter #${round + 1}`, startSession(address), { total: 300, concurrency: 5, warmup: 20 });
    }
    printTable(rows, "read messages, no address (baseline) #1");
    console.log("\nserver CPU per request (workerd and its helpers), ms:");
    for (const row of rows) console.log(`  ${row.name.padEnd(50)}${row.cpuMs.toFixed(3).padStart(8)}`);
    const mean = (prefix) => {
      const matching = rows.filter((row) => row.name.startsWith(prefix));
      return {
        p50: matching.reduce((sum, row) => sum + row.p50, 0) / matching.length,
        cpu: matching.reduce((sum, row) => sum + row.cpuMs, 0) / matching.length,
      };
    };
    const pairs = [
      ["one burst limit on a read", "read messages, 1 limit", "read messages, no address"],
      ["two burst limits and the 12 h counter on a widget session", "widget session, +2", "widget session, no address"],
    ];
    console.log("\nthe limits' own cost (mean of the rounds):");
    for (const [what, limited, baseline] of pairs) {
      const [a, b] = [mean(limited), mean(baseline)];
      console.log(`  ${what}: p50 ${(a.p50 - b.p50).toFixed(2)} ms, server CPU ${(a.cpu - b.cpu).toFixed(3)} ms per request`);
    }
  });
}
