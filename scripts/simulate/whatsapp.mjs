/**
 * `node scripts/simulate.mjs whatsapp`: one incoming WhatsApp message, as Meta's WhatsApp Cloud API
 * posts it (the `messages` webhook payload), signed with WHATSAPP_APP_SECRET (X-Hub-Signature-256)
 * and posted to /webhooks/whatsapp/<number>. Defaults to the demo WhatsApp inbox.
 */
import { createHmac, randomUUID } from "node:crypto";
import { DEMO_WHATSAPP } from "../seed-whatsapp.mjs";

export const usage = `node scripts/simulate.mjs whatsapp [options]

  --from <number>        the customer's number (default +15550001234)
  --name <text>          the customer's WhatsApp profile name (default "WhatsApp customer")
  --text <text>          the message (default "Hello from WhatsApp")
  --type <type>          text (default), location, reaction, or image (Parley fetches the file from the Graph API)
  --to <number>          the WhatsApp inbox's number (default the demo's ${DEMO_WHATSAPP.phone_number})
  --phone-number-id <id> that inbox's phone number id (default the demo's ${DEMO_WHATSAPP.provider_config.phone_number_id})
  --id <wamid>           the message id; the same id again is a redelivery, stored once
  --hours-ago <n>        when the customer wrote, by WhatsApp's clock (e.g. 25: replies then need a template)
  --status <status>      instead of a message: sent, delivered, read or failed for the agent's message --id
  --url <base>           where Parley runs (default http://localhost:8787, or PARLEY_URL)`;

function payload(options) {
  const to = String(options.to ?? DEMO_WHATSAPP.phone_number);
  const waId = String(options.from ?? "+15550001234").replace(/^\+/, "");
  const metadata = {
    display_phone_number: to.replace(/^\+/, ""),
    phone_number_id: String(options["phone-number-id"] ?? DEMO_WHATSAPP.provider_config.phone_number_id),
  };
  const timestamp = String(Math.floor(Date.now() / 1000 - Number(options["hours-ago"] ?? 0) * 3600));
  let value;
  if (options.status) {
    if (!options.id) throw new Error("--status needs --id: the agent's message's wamid (its source_id).");
    const failed = options.status === "failed";
    value = {
      statuses: [
        {
          id: String(options.id),
          status: String(options.status),
          timestamp,
          recipient_id: waId,
          ...(failed
            ? {
                errors: [{ code: 131026, title: "Message undeliverable", message: "Message undeliverable", error_data: { details: "Message Undeliverable." } }],
              }
            : {}),
        },
      ],
    };
  } else {
    const type = String(options.type ?? "text");
    const text = String(options.text ?? "Hello from WhatsApp");
    const message = { from: waId, id: String(options.id ?? `wamid.${Buffer.from(randomUUID()).toString("base64url")}`), timestamp, type };
    if (type === "text") message.text = { body: text };
    else if (type === "image") message.image = { caption: text, mime_type: "image/png", sha256: "simulated", id: `${Date.now()}` };
    else if (type === "location") message.location = { latitude: 52.3731, longitude: 4.8926, name: "Dam Square", address: text };
    else if (type === "reaction") message.reaction = { message_id: "wamid.simulated", emoji: options.text ? text : "👍" };
    else throw new Error(`Unknown --type ${type}: text, image, location or reaction.`);
    value = { contacts: [{ profile: { name: String(options.name ?? "WhatsApp customer") }, wa_id: waId }], messages: [message] };
  }
  return {
    to,
    body: {
      object: "whatsapp_business_account",
      entry: [
        {
          id: DEMO_WHATSAPP.provider_config.business_account_id,
          changes: [{ value: { messaging_product: "whatsapp", metadata, ...value }, field: "messages" }],
        },
      ],
    },
  };
}

export async function run(options, { baseUrl, secrets }) {
  const secret = secrets.WHATSAPP_APP_SECRET;
  if (!secret) throw new Error("WHATSAPP_APP_SECRET is not in .dev.vars: copy it from .dev.vars.example.");
  const { to, body } = payload(options);
  const raw = JSON.stringify(body);
  const signature = `sha256=${createHmac("sha256", secret).update(raw).digest("hex")}`;
  const url = `${baseUrl}/webhooks/whatsapp/${to}`;
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": signature }, body: raw });
  const answer = await response.text();
  console.log(`POST ${url} → ${response.status} ${answer.slice(0, 200)}`);
  const message = body.entry[0].changes[0].value.messages?.[0];
  if (message) console.log(`message id ${message.id} (run again with --id ${message.id} to redeliver it)`);
  if (!response.ok) process.exitCode = 1;
}
