/**
 * `node scripts/simulate.mjs email`: a mail to an email inbox (or a conversation's reply address), as
 * Cloudflare Email Routing hands it to the Worker. Under `wrangler dev` that is a POST of the raw
 * message to /cdn-cgi/handler/email?from=...&to=..., which calls the Worker's email() handler.
 */
export const usage = `node scripts/simulate.mjs email --to <inbox address> [options]

  --to <address>          the email inbox's address, or a reply+... address from an emailed reply (required)
  --from <address>        the sender (default ada@example.test)
  --name <name>           the sender's name (default Ada Lovelace)
  --subject <text>        (default "Question about my appointment")
  --text <text>           the body (default "Hello, can I move my appointment to Friday?")
  --in-reply-to <id>      a Message-ID this mail answers (threads it, as mail clients do)
  --message-id <id>       this mail's Message-ID (default: a new one; send the same twice to see it stored once)
  --url <base URL>        the platform (default http://localhost:8787)`;

export async function run(options, { baseUrl }) {
  if (typeof options.to !== "string") throw new Error(`--to is required.\n\n${usage}`);
  const from = typeof options.from === "string" ? options.from : "ada@example.test";
  const name = typeof options.name === "string" ? options.name : "Ada Lovelace";
  const subject = typeof options.subject === "string" ? options.subject : "Question about my appointment";
  const text = typeof options.text === "string" ? options.text : "Hello, can I move my appointment to Friday?";
  const messageId = typeof options["message-id"] === "string" ? options["message-id"] : `${crypto.randomUUID()}@example.test`;
  const inReplyTo = typeof options["in-reply-to"] === "string" ? options["in-reply-to"].replace(/^<|>$/g, "") : null;
  const raw = [
    `From: "${name}" <${from}>`,
    `To: <${options.to}>`,
    `Subject: ${subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${messageId}>`,
    ...(inReplyTo ? [`In-Reply-To: <${inReplyTo}>`, `References: <${inReplyTo}>`] : []),
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=UTF-8",
    "",
    text,
    "",
  ].join("\r\n");
  const url = `${baseUrl}/cdn-cgi/handler/email?${new URLSearchParams({ from, to: options.to })}`;
  const answer = await fetch(url, { method: "POST", body: raw });
  const body = await answer.text();
  if (!answer.ok) throw new Error(`${answer.status} ${body}`);
  console.log(`Sent <${messageId}> from ${from} to ${options.to}: ${answer.status} ${body.trim()}`);
}
