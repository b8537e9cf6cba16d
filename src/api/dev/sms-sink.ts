/**
 * Local development's SMS provider: speaks Twilio's Messages API under /dev/sinks/sms, so an SMS
 * inbox whose `api_base_url` is `http://localhost:8787/dev/sinks/sms` sends here instead of to a
 * carrier. `POST /2010-04-01/Accounts/:sid/Messages.json` records the message and answers as Twilio
 * does (201, a new `sid`, status "queued"); `GET /messages` lists what would have been sent (newest
 * first, `?to=` for one number); `DELETE /messages` forgets it. Served only when LOCAL_SINKS is
 * "true" (`npm run dev`); keeps the newest 1,000 messages.
 */
import { and, desc, eq, lte, sql } from "drizzle-orm";
import { Hono } from "hono";
import { openDatabase } from "../../db/client";
import { smsSinkMessages } from "../../db/schema";
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
