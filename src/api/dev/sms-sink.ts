/**
 * Local development's SMS provider: speaks Twilio's Messages API under /dev/sinks/sms, so an SMS
 * inbox whose `api_base_url` is `http://localhost:8787/dev/sinks/sms` sends here instead of to a
 * carrier. `POST /2010-04-01/Accounts/:sid/Messages.json` records the message and answers as Twilio
 * does (201, a new `sid`, status "queued"); `GET /messages` lists what would have been sent (newest
 * first, `?to=` for one number); `DELETE /messages` forgets it. `POST /inbound {from, to, body}`
 * plays Twilio's part the other way: it signs the form with the SMS inbox's auth token and posts it
 * to the Worker's /twilio/callback, as a text message to that inbox would arrive. Served only when
 * LOCAL_SINKS is "true" (`npm run dev`); keeps the newest 1,000 messages.
 */
import { and, desc, eq, lte, sql } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { twilioSignature } from "../../domain/twilio-webhook";
import { openDatabase } from "../../db/client";
import { inboxes, smsSinkMessages } from "../../db/schema";
import { errorBody } from "../errors";

const KEEP_MESSAGES = 1000;
const LIST_LIMIT = 200;
const MAX_BODY_LENGTH = 1600;

export const smsSink = new Hono<{ Bindings: Env }>();

smsSink.use("*", async (c, next) => {
  if (c.env.LOCAL_SINKS !== "true") return c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}.`), 404);
  await next();
});

/** Twilio's error shape: `{code, message, more_info, status}`. */
const twilioError = (status: 400 | 401, code: number, message: string) => ({
  code,
  message,
  more_info: `https://www.twilio.com/docs/errors/${code}`,
  status,
});

/** The account SID and token of an `Authorization: Basic` header, or null. */
function basicCredentials(header: string | undefined): { user: string; password: string } | null {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? "");
  if (!match?.[1]) return null;
  let decoded: string;
  try {
    decoded = new TextDecoder().decode(Uint8Array.from(atob(match[1]), (ch) => ch.charCodeAt(0)));
  } catch {
    return null;
  }
  const colon = decoded.indexOf(":");
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

const newMessageSid = () => `SM${crypto.randomUUID().replaceAll("-", "")}`;

smsSink.post("/2010-04-01/Accounts/:account_sid/Messages.json", async (c) => {
  const accountSid = c.req.param("account_sid");
  const credentials = basicCredentials(c.req.header("authorization"));
  // Like Twilio: the Basic auth user must be the account in the path (the sink cannot check the token).
  if (!credentials || credentials.user !== accountSid || credentials.password === "") {
    return c.json(twilioError(401, 20003, "Authenticate"), 401);
  }
  const form = new URLSearchParams(await c.req.text());
  const to = form.get("To")?.trim() ?? "";
  const from = form.get("From")?.trim() ?? "";
  const body = form.get("Body") ?? "";
  if (to === "") return c.json(twilioError(400, 21604, "A 'To' phone number is required."), 400);
  if (from === "") return c.json(twilioError(400, 21603, "A 'From' phone number is required."), 400);
  if (body.trim() === "") return c.json(twilioError(400, 21602, "Message body is required."), 400);
  if (body.length > MAX_BODY_LENGTH) return c.json(twilioError(400, 21617, "The concatenated message body exceeds the 1600 character limit."), 400);
  const sid = newMessageSid();
  const db = openDatabase(c.env.DB);
  const [[row]] = await db.batch([
    db.insert(smsSinkMessages).values({ sid, accountSid, fromNumber: from, toNumber: to, body }).returning(),
    db.delete(smsSinkMessages).where(lte(smsSinkMessages.id, sql`(select max(id) - ${KEEP_MESSAGES} from ${smsSinkMessages})`)),
  ]);
  const created = (row?.createdAt ?? new Date()).toUTCString();
  return c.json(
    {
      sid,
      account_sid: accountSid,
      to,
      from,
      body,
      status: "queued",
      direction: "outbound-api",
      num_segments: String(Math.max(1, Math.ceil(body.length / 153))),
      api_version: "2010-04-01",
      date_created: created,
      date_updated: created,
      date_sent: null,
      error_code: null,
      error_message: null,
      price: null,
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
    },
    201,
  );
});

smsSink.get("/messages", async (c) => {
  const to = c.req.query("to");
  const rows = await openDatabase(c.env.DB)
    .select()
    .from(smsSinkMessages)
    .where(and(to ? eq(smsSinkMessages.toNumber, to) : undefined))
    .orderBy(desc(smsSinkMessages.id))
    .limit(LIST_LIMIT);
  return c.json({
    messages: rows.map((row) => ({
      sid: row.sid,
      account_sid: row.accountSid,
      from: row.fromNumber,
      to: row.toNumber,
      body: row.body,
      received_at: row.createdAt.toISOString(),
    })),
  });
});

smsSink.delete("/messages", async (c) => {
  await openDatabase(c.env.DB).delete(smsSinkMessages);
  return c.body(null, 204);
});

const InboundSms = z
  .object({
    from: z.string().trim().min(1).max(40),
    to: z.string().trim().min(1).max(40),
    body: z.string().max(MAX_BODY_LENGTH).default(""),
    /** Links to the MMS's files (Twilio's MediaUrl0...), with their types. */
    media: z
      .array(z.object({ url: z.string().url().max(2000), content_type: z.string().max(100) }))
      .max(10)
      .default([]),
    message_sid: z.string().min(1).max(64).optional(),
  })
  .strict();

smsSink.post("/inbound", async (c) => {
  const parsed = InboundSms.safeParse(await c.req.json().catch(() => undefined));
  if (!parsed.success) return c.json(errorBody("validation_failed", "Send {from, to, body} (and optionally media [{url, content_type}])."), 422);
  const sms = parsed.data;
  const [inbox] = await openDatabase(c.env.DB)
    .select({ providerConfig: inboxes.providerConfig })
    .from(inboxes)
    .where(and(eq(inboxes.channelType, "sms"), eq(inboxes.phoneNumber, sms.to)))
    .limit(1);
  if (!inbox?.providerConfig) return c.json(errorBody("not_found", `No SMS inbox has the number ${sms.to}.`), 404);
  const messageSid = sms.message_sid ?? newMessageSid();
  const form: [string, string][] = [
    ["MessageSid", messageSid],
    ["AccountSid", inbox.providerConfig.account_sid],
    ["From", sms.from],
    ["To", sms.to],
    ["Body", sms.body],
    ["NumMedia", String(sms.media.length)],
    ["SmsStatus", "received"],
    ["ApiVersion", "2010-04-01"],
    ...sms.media.flatMap((item, i): [string, string][] => [
      [`MediaUrl${i}`, item.url],
      [`MediaContentType${i}`, item.content_type],
    ]),
  ];
  const url = `${c.env.PUBLIC_URL.replace(/\/+$/, "")}/twilio/callback`;
  const request = new Request(url, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": await twilioSignature(inbox.providerConfig.auth_token, url, form),
      "user-agent": "TwilioProxy/1.1",
    },
    body: new URLSearchParams(form).toString(),
  });
  // The Worker itself takes the request, as it would take Twilio's (imported here: the app mounts this sink).
  const { default: worker } = await import("../../index");
  const answer = await worker.fetch(request, c.env, c.executionCtx);
  return c.json({ status: answer.status, message_sid: messageSid, twiml: await answer.text() }, answer.status === 200 ? 200 : 502);
});
