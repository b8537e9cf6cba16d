/**
 * `node scripts/simulate.mjs messenger` and `... instagram`: one messaging event as Meta posts it to
 * /bot (the page object) or /webhooks/instagram (the instagram object), signed with FB_APP_SECRET or
 * INSTAGRAM_APP_SECRET (X-Hub-Signature-256). A person's message by default; an echo, a delivery or a
 * read receipt on request. Defaults to the demo's page and Instagram account (scripts/seed-meta.mjs).
 */
import { createHmac, randomUUID } from "node:crypto";
import { DEMO_INSTAGRAM, DEMO_MESSENGER } from "../seed-meta.mjs";

const usageOf = (channel) => {
  const messenger = channel === "messenger";
  return `node scripts/simulate.mjs ${channel} [options]

  --from <id>            the person's ${messenger ? "PSID" : "IGSID"} (default ${messenger ? "2500000000000001" : "3300000000000001"})
  --text <text>          the message (default "Hello from ${messenger ? "Messenger" : "Instagram"}")
  --image <url>          an image attachment (Parley downloads it into R2)
  --mid <mid>            the message id; the same mid again is a redelivery, stored once
  --hours-ago <n>        when the person wrote, by Meta's clock (25: replies then carry the HUMAN_AGENT tag; 170: refused)
  --echo                 instead: the ${messenger ? "page" : "account"} sent --text to the person from elsewhere (is_echo)
  --delivered <mid>      instead: a delivery receipt for the agent's message with this mid${messenger ? "" : " (Messenger only)"}
  --read <mid>           instead: the person read the agent's message with this mid (and everything before it)
  --${messenger ? "page" : "account"} <id>   the ${messenger ? "page id" : "Instagram account id"} (default the demo's ${messenger ? DEMO_MESSENGER.page_id : DEMO_INSTAGRAM.instagram_id})
  --url <base>           where Parley runs (default http://localhost:8787, or PARLEY_URL)`;
};

function event(options, channel) {
  const messenger = channel === "messenger";
  const business = String(options[messenger ? "page" : "account"] ?? (messenger ? DEMO_MESSENGER.page_id : DEMO_INSTAGRAM.instagram_id));
  const person = String(options.from ?? (messenger ? "2500000000000001" : "3300000000000001"));
  const timestamp = Date.now() - Math.round(Number(options["hours-ago"] ?? 0) * 3600_000);
  const mid = String(options.mid ?? `m_${randomUUID().replaceAll("-", "")}`);
  const text = String(options.text ?? `Hello from ${messenger ? "Messenger" : "Instagram"}`);
  if (options.delivered)
    return {
      business,
      mid: null,
      event: { sender: { id: person }, recipient: { id: business }, delivery: { mids: [String(options.delivered)], watermark: Date.now() } },
    };
  if (options.read) {
    const read = messenger ? { watermark: Date.now() } : { mid: String(options.read) };
    return { business, mid: null, event: { sender: { id: person }, recipient: { id: business }, timestamp: Date.now(), read } };
  }
  if (options.echo)
    return {
      business,
      mid,
      event: { sender: { id: business }, recipient: { id: person }, timestamp, message: { is_echo: true, app_id: 1517776481860111, mid, text } },
    };
  const message = { mid, ...(options.image ? { attachments: [{ type: "image", payload: { url: String(options.image) } }] } : { text }) };
  return { business, mid, event: { sender: { id: person }, recipient: { id: business }, timestamp, message } };
}

export function subcommand(channel) {
  const messenger = channel === "messenger";
  return {
    usage: usageOf(channel),
    async run(options, { baseUrl, secrets }) {
      const secret = messenger ? secrets.FB_APP_SECRET : secrets.INSTAGRAM_APP_SECRET || secrets.FB_APP_SECRET;
      if (!secret) throw new Error(`${messenger ? "FB_APP_SECRET" : "INSTAGRAM_APP_SECRET"} is not in .dev.vars: copy it from .dev.vars.example.`);
      const { business, mid, event: messaging } = event(options, channel);
      const raw = JSON.stringify({ object: messenger ? "page" : "instagram", entry: [{ id: business, time: Date.now(), messaging: [messaging] }] });
      const signature = `sha256=${createHmac("sha256", secret).update(raw).digest("hex")}`;
      const url = `${baseUrl}${messenger ? "/bot" : "/webhooks/instagram"}`;
      const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": signature }, body: raw });
      console.log(`POST ${url} → ${response.status} ${(await response.text()).slice(0, 200)}`);
      if (mid) console.log(`mid ${mid} (run again with --mid ${mid} to redeliver it)`);
      if (!response.ok) process.exitCode = 1;
    },
  };
}
