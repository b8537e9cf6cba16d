// Inbound traffic per channel (website, WhatsApp, SMS, Messenger, Instagram, email): each channel's provider webhook, signed as the provider signs it,
// posted as fast as the platform takes them (C contacts at once, each contact's messages one after
// the other, the next once the previous POST answered), beside the website Client API path in the
// same run and the same platform. For every message it measures the provider's POST → the
// `message.created` frame on an agent's /cable (the timestamp travels in the content,
// `<channel>:<contact>:<seq>:<sent at>`), and counts LOST messages (accepted, never on the agent's
// socket within the grace period) and DUPLICATED ones (a message on the socket twice). Every message is
// delivered twice, as providers redeliver (the same MessageSid, wamid or echo_id again, right after
// the first POST answered): 0 lost and 0 duplicated is the target.
//
// A channel is one entry of CHANNELS: `prepare(ctx)` makes what it needs (an inbox) and returns
// `contact(index)` → { post(seq, content) → Promise<{ ok, status }> } where the same (contact, seq)
// posted again is the provider's redelivery of that message.
//
// Environment: BENCH_CHANNELS_C (contacts per channel, 50), BENCH_CHANNELS_M (messages per contact, 10),
// BENCH_CHANNELS_GRACE_MS (60000: how long the backlog may take to drain after the last POST before a
// missing message counts as lost), BENCH_CHANNELS_ONLY (a channel name, e.g. WhatsApp).
import { createHmac, randomUUID } from "node:crypto";
import { availableParallelism, loadavg } from "node:os";
import { benchRuntime, benchSetting, percentile, withPlatform } from "./lib.mjs";

const REQUEST_TIMEOUT_MS = 30_000;
const CONNECT_TIMEOUT_MS = 30_000;
const TARGET = "0 lost and 0 duplicated under redelivery on every channel";

const setting = (name, fallback) => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};

/** The channels, each prepared in the platform and posting its provider's own payloads. */
export const CHANNELS = [
  {
    name: "website (Client API)",
    async prepare({ api, admin, accountId, baseUrl }) {
      const inbox = await api(`/api/v1/accounts/${accountId}/inboxes`, { name: "Bench API inbox", channel: { type: "api" } }, admin.access_token);
      const inboxPath = `/public/api/v1/inboxes/${inbox.inbox_identifier}`;
      return async (index) => {
        const contact = await api(`${inboxPath}/contacts`, { name: `Visitor ${index}` });
        const conversation = await api(`${inboxPath}/contacts/${contact.source_id}/conversations`, {});
        const url = `${baseUrl}${inboxPath}/contacts/${contact.source_id}/conversations/${conversation.id}/messages`;
        // A retried send with the same echo_id is the Client API's redelivery.
        return { post: (seq, content) => postJson(url, { content, echo_id: `web-${index}-${seq}` }) };
      };
    },
  },
  {
    name: "WhatsApp",
    async prepare({ api, admin, accountId, baseUrl, secrets }) {
      const phone = "+14155550199";
      const phoneNumberId = "100000000000199";
      await api(
        `/api/v1/accounts/${accountId}/inboxes`,
        {
          name: "Bench WhatsApp",
          channel: {
            type: "whatsapp",
            phone_number: phone,
            provider: "whatsapp_cloud",
            provider_config: {
              api_key: "bench-token",
              phone_number_id: phoneNumberId,
              business_account_id: "100000000000001",
              webhook_verify_token: "bench-verify",
            },
          },
        },
        admin.access_token,
      );
      const url = `${baseUrl}/webhooks/whatsapp/${phone}`;
      return async (index) => {
        const waId = `1555${String(3_000_000 + index).padStart(7, "0")}`;
        const ids = new Map();
        return {
          post(seq, content) {
            // Meta's `messages` webhook (WhatsApp Cloud API webhook reference), the same wamid on redelivery.
            if (!ids.has(seq)) ids.set(seq, `wamid.${Buffer.from(randomUUID()).toString("base64url")}`);
            const body = JSON.stringify({
              object: "whatsapp_business_account",
              entry: [
                {
                  id: "100000000000001",
                  changes: [
                    {
                      value: {
                        messaging_product: "whatsapp",
                        metadata: { display_phone_number: phone.slice(1), phone_number_id: phoneNumberId },
                        contacts: [{ profile: { name: `Customer ${index}` }, wa_id: waId }],
                        messages: [{ from: waId, id: ids.get(seq), timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: content } }],
                      },
                      field: "messages",
                    },
                  ],
                },
              ],
            });
            const signature = `sha256=${createHmac("sha256", secrets.WHATSAPP_APP_SECRET).update(body).digest("hex")}`;
            return postRaw(url, body, { "content-type": "application/json", "x-hub-signature-256": signature });
          },
        };
      };
    },
  },
  {
    name: "SMS (Twilio)",
    async prepare({ api, admin, accountId, baseUrl, publicUrl }) {
      const phone = "+14155550198";
      const authToken = "bench-twilio-token";
      const accountSid = "ACbench000000000000000000000000000";
      await api(
        `/api/v1/accounts/${accountId}/inboxes`,
        {
          name: "Bench SMS",
          channel: { type: "sms", phone_number: phone, provider_config: { account_sid: accountSid, auth_token: authToken, api_base_url: null } },
        },
        admin.access_token,
      );
      // Twilio signs the URL it was given: the installation's PUBLIC_URL and the path.
      const signedUrl = `${publicUrl}/twilio/callback`;
      return async (index) => {
        const from = `+1555${String(4_000_000 + index).padStart(7, "0")}`;
        const sids = new Map();
        return {
          post(seq, content) {
            if (!sids.has(seq)) sids.set(seq, `SM${randomUUID().replaceAll("-", "")}`);
            const form = {
              MessageSid: sids.get(seq),
              SmsSid: sids.get(seq),
              AccountSid: accountSid,
              From: from,
              To: phone,
              Body: content,
              NumMedia: "0",
              SmsStatus: "received",
              ApiVersion: "2010-04-01",
            };
            const data =
              signedUrl +
              Object.keys(form)
                .sort()
                .map((name) => name + form[name])
                .join("");
            const signature = createHmac("sha1", authToken).update(data).digest("base64");
            return postRaw(`${baseUrl}/twilio/callback`, new URLSearchParams(form).toString(), {
              "content-type": "application/x-www-form-urlencoded",
              "x-twilio-signature": signature,
            });
          },
        };
      };
    },
  },
  metaChannel("Messenger", { type: "facebook_page", page_id: "100000000000299", page_access_token: "bench-page-token" }),
  metaChannel("Instagram", { type: "instagram", instagram_id: "17841400000000299", access_token: "bench-instagram-token", username: "bench.account" }),
  {
    name: "Email",
    // Mail reaches the Worker's email() handler through `wrangler dev`'s /cdn-cgi/handler/email; the
    // workerd runtime's direct socket has no such endpoint.
    skip: benchRuntime === "workerd" ? "needs wrangler dev's /cdn-cgi/handler/email: run with BENCH_RUNTIME=wrangler-dev" : null,
    async prepare({ api, admin, accountId, baseUrl }) {
      const address = "bench-inbox@bench.example";
      await api(`/api/v1/accounts/${accountId}/inboxes`, { name: "Bench email", channel: { type: "email", email: address } }, admin.access_token);
      return async (index) => {
        const from = `customer-${index}@bench.example`;
        const ids = new Map();
        return {
          post(seq, content) {
            // An RFC 5322 message as Email Routing hands it to the Worker, the same Message-ID on
            // redelivery; each later mail answers the first (In-Reply-To), so a contact keeps one thread.
            if (!ids.has(seq)) ids.set(seq, `${randomUUID()}@bench.example`);
            const thread = seq > 0 ? [`In-Reply-To: <${ids.get(0)}>`, `References: <${ids.get(0)}>`] : [];
            const raw = [
              `From: "Customer ${index}" <${from}>`,
              `To: <${address}>`,
              "Subject: Bench",
              `Date: ${new Date().toUTCString()}`,
              `Message-ID: <${ids.get(seq)}>`,
              ...thread,
              "MIME-Version: 1.0",
              "Content-Type: text/plain; charset=UTF-8",
              "",
              content,
              "",
            ].join("\r\n");
            return postRaw(`${baseUrl}/cdn-cgi/handler/email?${new URLSearchParams({ from, to: address })}`, raw, { "content-type": "message/rfc822" });
          },
        };
      };
    },
  },
];

/**
 * Messenger (`/bot`, the page object) or Instagram (`/webhooks/instagram`): Meta's messaging webhook
 * (Messenger Platform, messages webhook event reference: `{object, entry: [{id, time, messaging:
 * [{sender, recipient, timestamp, message: {mid, text}}]}]}`), signed with the app secret, the same mid
 * on redelivery. A person's first message also costs Meta's profile lookup for the contact's name.
 */
function metaChannel(name, channel) {
  const instagram = channel.type === "instagram";
  const businessId = instagram ? channel.instagram_id : channel.page_id;
  return {
    name,
    async prepare({ api, admin, accountId, baseUrl, secrets }) {
      await api(`/api/v1/accounts/${accountId}/inboxes`, { name: `Bench ${name}`, channel }, admin.access_token);
      const url = `${baseUrl}${instagram ? "/webhooks/instagram" : "/bot"}`;
      const secret = instagram ? secrets.INSTAGRAM_APP_SECRET : secrets.FB_APP_SECRET;
      return async (index) => {
        const personId = `${instagram ? 33 : 25}${String(9_000_000_000_000 + index)}`;
        const mids = new Map();
        return {
          post(seq, content) {
            if (!mids.has(seq)) mids.set(seq, `m_${randomUUID().replaceAll("-", "")}`);
            const messaging = [
              { sender: { id: personId }, recipient: { id: businessId }, timestamp: Date.now(), message: { mid: mids.get(seq), text: content } },
            ];
            const body = JSON.stringify({ object: instagram ? "instagram" : "page", entry: [{ id: businessId, time: Date.now(), messaging }] });
            const signature = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
            return postRaw(url, body, { "content-type": "application/json", "x-hub-signature-256": signature });
          },
        };
      };
    },
  };
}

async function postRaw(url, body, headers) {
  const res = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  await res.arrayBuffer();
  return { ok: res.ok, status: res.status };
}

const postJson = (url, body) => postRaw(url, JSON.stringify(body), { "content-type": "application/json" });

export default async function channelsBench() {
  const C = setting("BENCH_CHANNELS_C", 50);
  const M = setting("BENCH_CHANNELS_M", 10);
  const graceMs = setting("BENCH_CHANNELS_GRACE_MS", 60_000);
  const only = process.env.BENCH_CHANNELS_ONLY;
  const began = performance.now();
  console.log(
    `${C} contacts × ${M} messages per channel, each delivered twice (redelivery), grace ${graceMs / 1000} s; ` +
      `${availableParallelism()} CPUs, load average ${loadavg()[0].toFixed(2)}; ${benchSetting()}`,
  );
  const results = [];
  await withPlatform(async ({ baseUrl, vars }) => {
    const api = async (path, body, token) => {
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
    const agency = await api("/platform/api/v1/agencies", { name: "Channels bench agency" }, vars.PLATFORM_TOKEN);
    const account = await api("/api/v1/agency/accounts", { name: "Channels bench" }, agency.access_token);
    const admin = await api(
      `/api/v1/agency/accounts/${account.id}/users`,
      { name: "Bench agent", email: "bench-agent@example.test", role: "administrator" },
      agency.access_token,
    );
    // workerd serves the bundle with wrangler.toml's PUBLIC_URL; `wrangler dev` is given its own address.
    const publicUrl = benchRuntime === "workerd" ? "http://localhost:8787" : baseUrl;
    const ctx = { api, admin, accountId: account.id, baseUrl, publicUrl, secrets: vars };

    const frames = new Map();
    const agent = await cableSubscription(
      `${baseUrl.replace(/^http/, "ws")}/cable`,
      JSON.stringify({ channel: "RoomChannel", pubsub_token: admin.pubsub_token, account_id: account.id, user_id: admin.id }),
      (event, data) => {
        if (event !== "message.created" || typeof data?.content !== "string") return;
        const seen = frames.get(data.content);
        if (seen) seen.count++;
        else frames.set(data.content, { count: 1, at: performance.now() });
      },
    );
    try {
      for (const [index, channel] of CHANNELS.entries()) {
        if (only && !channel.name.toLowerCase().startsWith(only.toLowerCase())) continue;
        if (channel.skip) {
          console.log(`${channel.name}: skipped (${channel.skip})`);
          continue;
        }
        results.push(await runChannel(channel, `c${index}`, ctx, frames, { C, M, graceMs }));
        const last = results[results.length - 1];
        console.log(`${channel.name}: ${last.error ?? summary(last)}`);
      }
    } finally {
      agent.close();
    }
  });
  printTable(results);
  console.log(`channels benchmark: ${((performance.now() - began) / 1000).toFixed(1)} s in all`);
}

async function runChannel(channel, tag, ctx, frames, { C, M, graceMs }) {
  try {
    const contactOf = await channel.prepare(ctx);
    const contacts = [];
    for (let i = 0; i < C; i += 10) contacts.push(...(await Promise.all(Array.from({ length: Math.min(10, C - i) }, (_, j) => contactOf(i + j)))));
    const sent = new Map();
    const failures = {};
    let posts = 0;
    const started = performance.now();
    await Promise.all(
      contacts.map(async (contact, index) => {
        for (let seq = 0; seq < M; seq++) {
          const sentAt = performance.now();
          const content = `${tag}:${index}:${seq}:${sentAt.toFixed(3)}`;
          for (let attempt = 0; attempt < 2; attempt++) {
            let outcome;
            try {
              outcome = await contact.post(seq, content);
            } catch (error) {
              outcome = { ok: false, status: error?.name ?? "error" };
            }
            posts++;
            if (outcome.ok) sent.set(content, sentAt);
            else failures[outcome.status] = (failures[outcome.status] ?? 0) + 1;
          }
        }
      }),
    );
    const postsDone = performance.now();
    const delivered = () => [...sent.keys()].filter((content) => frames.has(content)).length;
    while (delivered() < sent.size && performance.now() - postsDone < graceMs) await new Promise((resolve) => setTimeout(resolve, 20));
    const latencies = [];
    let lost = 0;
    let duplicated = 0;
    let lastAt = postsDone;
    for (const [content, sentAt] of sent) {
      const frame = frames.get(content);
      if (!frame) {
        lost++;
        continue;
      }
      latencies.push(frame.at - sentAt);
      duplicated += frame.count - 1;
      lastAt = Math.max(lastAt, frame.at);
    }
    latencies.sort((a, b) => a - b);
    return {
      name: channel.name,
      messages: sent.size,
      posts,
      failed: Object.values(failures).reduce((a, b) => a + b, 0),
      failures,
      postsPerSecond: posts / ((postsDone - started) / 1000),
      drainSeconds: (lastAt - postsDone) / 1000,
      messagesPerSecond: latencies.length / ((lastAt - started) / 1000),
      p50: percentile(latencies, 50) ?? NaN,
      p99: percentile(latencies, 99) ?? NaN,
      lost,
      duplicated,
    };
  } catch (error) {
    return { name: channel.name, error: `the run did not complete: ${error?.stack ?? error}` };
  }
}

const summary = (r) =>
  `${r.messages} messages (${r.posts} POSTs, ${r.failed} refused${r.failed ? ` ${JSON.stringify(r.failures)}` : ""}), ` +
  `${r.messagesPerSecond.toFixed(0)} messages/s delivered (the last ${r.drainSeconds.toFixed(1)} s after the last POST), ` +
  `POST → message.created p50 ${r.p50.toFixed(0)} ms p99 ${r.p99.toFixed(0)} ms, ` +
  `${r.lost} lost, ${r.duplicated} duplicated`;

function printTable(results) {
  const pad = (value, width) => String(value).padStart(width);
  console.log(
    `\n${"channel".padEnd(24)}${pad("msgs", 7)}${pad("POST/s", 9)}${pad("msg/s", 8)}${pad("p50 ms", 9)}${pad("p99 ms", 9)}${pad("drain s", 9)}${pad("lost", 6)}${pad("dup", 5)}${pad("refused", 9)}`,
  );
  for (const r of results) {
    if (r.error) {
      console.log(`${r.name.padEnd(24)} ${r.error.split("\n")[0]}`);
      continue;
    }
    console.log(
      `${r.name.padEnd(24)}${pad(r.messages, 7)}${pad(r.postsPerSecond.toFixed(0), 9)}${pad(r.messagesPerSecond.toFixed(0), 8)}` +
        `${pad(r.p50.toFixed(0), 9)}${pad(r.p99.toFixed(0), 9)}${pad(r.drainSeconds.toFixed(1), 9)}${pad(r.lost, 6)}${pad(r.duplicated, 5)}${pad(r.failed, 9)}`,
    );
  }
  const met = results.length > 0 && results.every((r) => !r.error && r.lost === 0 && r.duplicated === 0 && r.failed === 0);
  console.log(`target (${TARGET}): ${met ? "met" : "NOT met"}`);
}

/** An ActionCable connection with one confirmed RoomChannel subscription. */
function cableSubscription(url, identifier, onFrame) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ["actioncable-v1-json"]);
    const timer = setTimeout(() => reject(new Error("/cable subscription: no confirmation in time")), CONNECT_TIMEOUT_MS);
    ws.addEventListener("message", (event) => {
      const frame = JSON.parse(event.data);
      if (frame.type === "welcome") ws.send(JSON.stringify({ command: "subscribe", identifier }));
      else if (frame.type === "confirm_subscription") {
        clearTimeout(timer);
        resolve({ close: () => ws.close(1000, "done") });
      } else if (frame.type === "reject_subscription") reject(new Error("/cable subscription rejected"));
      else if (frame.message && typeof frame.message === "object") onFrame(frame.message.event, frame.message.data);
    });
    ws.addEventListener("error", () => reject(new Error("/cable socket error")));
  });
}
