// Snapshot loads at scale: a source sub-account with 20 chat widgets (each with a small PNG logo)
// is snapshotted once and loaded into 1, 10 and 100 fresh sub-accounts through the real jobs
// queue. Prints the wall time until every load finished, the time per target, the job's own run
// time per target (p50/max, from the load's summary) and the D1 statements and round trips the job
// issued per widget (counted by the job itself, see src/db/query-count.ts).
import { percentile, withPlatform } from "./lib.mjs";

const WIDGETS = Number(process.env.BENCH_WIDGETS ?? 20);
const TARGETS = (process.env.BENCH_TARGETS ?? "1,10,100").split(",").map(Number);
const FINISHED = new Set(["completed", "completed_with_warnings", "failed"]);
// The smallest valid PNG: one transparent pixel.
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082",
  "hex",
);

export default async function snapshotBench() {
  await withPlatform(async ({ baseUrl, vars }) => {
    const request = async (method, path, token, body) => {
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return text ? JSON.parse(text) : null;
    };
    const upload = async (path, token) => {
      const form = new FormData();
      form.append("file", new Blob([PNG], { type: "image/png" }), "logo.png");
      const res = await fetch(`${baseUrl}${path}`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form });
      if (!res.ok) throw new Error(`upload ${path}: ${res.status} ${await res.text()}`);
    };

    const agency = await request("POST", "/platform/api/v1/agencies", vars.PLATFORM_TOKEN, { name: "Bench agency" });
    const agencyToken = agency.access_token;
    const source = await request("POST", "/api/v1/agency/accounts", agencyToken, { name: "Bench source" });
    const admin = await request("POST", `/api/v1/agency/accounts/${source.id}/users`, agencyToken, {
      name: "Bench admin",
      email: "bench-admin@example.test",
      role: "administrator",
    });
    const accountPath = `/api/v1/accounts/${source.id}`;
    const inbox = await request("POST", `${accountPath}/inboxes`, admin.access_token, {
      name: "Website",
      channel: { type: "web_widget", website_url: "https://bench.example.test" },
    });
    const number = await request("POST", `${accountPath}/integrations/whatsapp_numbers`, admin.access_token, { phone_number: "+14155550100" });
    const agent = await request("POST", `${accountPath}/integrations/voice_ai_agents`, admin.access_token, { name: "Ava" });
    // A mix of the three kinds a load maps differently: an inbox, a WhatsApp number, a Voice AI agent.
    for (let i = 0; i < WIDGETS; i++) {
      const kind = i % 3;
      const body =
        kind === 0
          ? { name: `Live chat ${i}`, type: "live_chat", inbox_id: inbox.id }
          : kind === 1
            ? { name: `WhatsApp ${i}`, type: "whatsapp", whatsapp_number_id: number.id }
            : { name: `Voice ${i}`, type: "voice_ai", voice_ai_agent_id: agent.id };
      const widget = await request("POST", `${accountPath}/chat_widgets`, admin.access_token, body);
      await upload(`${accountPath}/chat_widgets/${widget.id}/media/logo`, admin.access_token);
    }

    const started = performance.now();
    const snapshot = await request("POST", "/api/v1/agency/snapshots", agencyToken, {
      name: "Bench snapshot",
      account_id: source.id,
      assets: { chat_widgets: "all" },
    });
    console.log(
      `source: ${snapshot.counts.chat_widgets} widgets, ${snapshot.counts.media_files} media files; snapshot created in ${(performance.now() - started).toFixed(0)} ms`,
    );

    const pad = (value, width) => String(value).padStart(width);
    console.log(
      `${"targets".padEnd(9)}${pad("total s", 9)}${pad("s/target", 10)}${pad("job p50 ms", 12)}${pad("job max ms", 12)}` +
        `${pad("D1 stmt/widget", 16)}${pad("D1 trips/widget", 17)}${pad("failed", 8)}`,
    );
    for (const count of TARGETS) {
      const targets = [];
      for (let i = 0; i < count; i++) targets.push(await request("POST", "/api/v1/agency/accounts", agencyToken, { name: `Bench target ${count}-${i}` }));
      const t0 = performance.now();
      const { loads } = await request("POST", `/api/v1/agency/snapshots/${snapshot.id}/loads`, agencyToken, {
        account_ids: targets.map((target) => target.id),
      });
      const finished = new Map();
      while (finished.size < loads.length) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        const pending = loads.filter((load) => !finished.has(load.id));
        for (let i = 0; i < pending.length; i += 20) {
          const shown = await Promise.all(pending.slice(i, i + 20).map((load) => request("GET", `/api/v1/agency/snapshot_loads/${load.id}`, agencyToken)));
          for (const load of shown) if (FINISHED.has(load.status)) finished.set(load.id, load);
        }
        if (performance.now() - t0 > 600_000) throw new Error(`loads into ${count} targets did not finish in 10 minutes`);
      }
      const seconds = (performance.now() - t0) / 1000;
      const done = [...finished.values()];
      const summaries = done.map((load) => load.summary).filter(Boolean);
      const durations = summaries.map((summary) => summary.duration_ms).sort((a, b) => a - b);
      const mean = (values) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
      console.log(
        `${String(count).padEnd(9)}${pad(seconds.toFixed(2), 9)}${pad((seconds / count).toFixed(3), 10)}` +
          `${pad(percentile(durations, 50) ?? "-", 12)}${pad(durations.at(-1) ?? "-", 12)}` +
          `${pad(mean(summaries.map((summary) => summary.d1.per_widget.statements)).toFixed(2), 16)}` +
          `${pad(mean(summaries.map((summary) => summary.d1.per_widget.round_trips)).toFixed(2), 17)}` +
          `${pad(done.filter((load) => load.status === "failed").length, 8)}`,
      );
      const failed = done.find((load) => load.status === "failed");
      if (failed) console.log(`  first failure: load ${failed.id}: ${failed.error}`);
    }
  });
}
