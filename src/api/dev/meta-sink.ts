/**
 * Local development's Graph API for Messenger and Instagram, under /dev/sinks/graph (where `npm run dev`
 * points GRAPH_API_BASE_URL; the WhatsApp sink answers the rest of that base). `POST /:version/me/messages`
 * answers like the Send API: the bearer token must be a Messenger or Instagram inbox's, the body needs
 * `recipient.id`, a `message` with text or an attachment, and a tag with MESSAGE_TAG; it records the
 * message and answers `{recipient_id, message_id}`, or Meta's error object. `GET /meta/messages`
 * (`?recipient_id=`) lists what would have been sent, newest first; `DELETE /meta/messages` forgets it.
 * `POST /meta/inbound` plays Meta's part the other way: it builds the webhook notification of a
 * person's message (or of any `events` given), signs it with the installation's app secret and posts it
 * to the Worker's own /bot or /webhooks/instagram. Served only when LOCAL_SINKS is "true"; keeps the
 * newest 1,000 messages.
 */
import { and, desc, eq, lte, sql } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { openDatabase } from "../../db/client";
import { facebookPages, instagramAccounts, metaSinkMessages } from "../../db/schema";
import { metaSignature } from "../../domain/meta-graph";
import { errorBody } from "../errors";
import { metaSetting } from "../meta-webhooks";

const KEEP_MESSAGES = 1000;
const LIST_LIMIT = 200;
const MAX_TEXT_LENGTH = 2000;

export const metaSink = new Hono<{ Bindings: Env }>();

/**
 * The requests under /dev/sinks/graph this sink answers (the others are the WhatsApp sink's): the Send
 * API, a person's profile (`GET /:version/:psid?fields=first_name,...` or `name,username`), `/meta/*`.
 */
export const isMetaSinkRequest = (path: string, fields: string | undefined) =>
  /\/dev\/sinks\/graph\/(v\d+(\.\d+)?\/me\/messages|meta\/.*)$/.test(path) ||
  (/\/dev\/sinks\/graph\/v\d+(\.\d+)?\/\d+$/.test(path) && /\b(first_name|username)\b/.test(fields ?? ""));

metaSink.use("*", async (c, next) => {
  if (c.env.LOCAL_SINKS !== "true") return c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}.`), 404);
  await next();
});

/** Meta's error object: `{error: {message, type, code, error_subcode?, fbtrace_id}}`. */
const graphError = (code: number, message: string, type = "OAuthException") => ({
  error: { message, type, code, fbtrace_id: `A${crypto.randomUUID().replaceAll("-", "").slice(0, 22)}` },
});

/** Whose token this is: the page or Instagram account of a Messenger or Instagram inbox, or null. */
async function tokenOwner(env: Env, token: string): Promise<{ id: string; channel: "facebook_page" | "instagram" } | null> {
  const db = openDatabase(env.DB);
  const [page] = await db.select({ id: facebookPages.pageId }).from(facebookPages).where(eq(facebookPages.pageAccessToken, token)).limit(1);
  if (page) return { id: page.id, channel: "facebook_page" };
  const [account] = await db.select({ id: instagramAccounts.instagramId }).from(instagramAccounts).where(eq(instagramAccounts.accessToken, token)).limit(1);
  return account ? { id: account.id, channel: "instagram" } : null;
}

const SendBody = z
  .object({
    recipient: z.object({ id: z.string().min(1).max(64) }).loose(),
    messaging_type: z.enum(["RESPONSE", "UPDATE", "MESSAGE_TAG"]),
    tag: z.string().max(64).optional(),
    message: z
      .object({
        text: z.string().max(MAX_TEXT_LENGTH).optional(),
        attachment: z
          .object({ type: z.enum(["image", "video", "audio", "file", "template"]), payload: z.record(z.string(), z.unknown()) })
          .loose()
          .optional(),
        metadata: z.string().max(1000).optional(),
      })
      .loose(),
  })
  .loose();

metaSink.post("/:version/me/messages", async (c) => {
  const token = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1] ?? c.req.query("access_token") ?? "";
  const owner = token ? await tokenOwner(c.env, token) : null;
  if (!owner) return c.json(graphError(190, "Invalid OAuth access token - Cannot parse access token"), 401);
  const parsed = SendBody.safeParse(await c.req.json().catch(() => undefined));
  if (!parsed.success)
    return c.json(graphError(100, `(#100) ${parsed.error.issues[0]?.path.join(".") ?? "body"}: ${parsed.error.issues[0]?.message ?? "invalid"}`), 400);
  const body = parsed.data;
  if (!body.message.text && !body.message.attachment) return c.json(graphError(100, "(#100) Must send either message text or an attachment"), 400);
  if (body.messaging_type === "MESSAGE_TAG" && !body.tag) return c.json(graphError(100, "(#100) Tag is required for MESSAGE_TAG messaging type"), 400);
  const mid = `m_${crypto.randomUUID().replaceAll("-", "")}`;
  const db = openDatabase(c.env.DB);
  await db.batch([
    db.insert(metaSinkMessages).values({
      mid,
      senderId: owner.id,
      channel: owner.channel,
      recipientId: body.recipient.id,
      messagingType: body.messaging_type,
      tag: body.tag ?? null,
      body: body as Record<string, unknown>,
    }),
    db.delete(metaSinkMessages).where(lte(metaSinkMessages.id, sql`(select max(id) - ${KEEP_MESSAGES} from ${metaSinkMessages})`)),
  ]);
  return c.json({ recipient_id: body.recipient.id, message_id: mid }, 200);
});

/** Names the sink gives people who write, chosen by their id so a person keeps theirs. */
const PEOPLE = [
  ["Jordan", "Rivera"],
  ["Priya", "Shah"],
  ["Lukas", "Meyer"],
  ["Amara", "Okafor"],
  ["Chen", "Wei"],
  ["Sofia", "Rossi"],
] as const;

/**
 * Meta's user profile APIs: Messenger's `{first_name, last_name, profile_pic, id}` for a PSID and
 * Instagram's `{name, username, profile_pic, id}` for an IGSID, for a token of the page or account.
 */
metaSink.get("/:version{v\\d+(?:\\.\\d+)?}/:id{\\d+}", async (c) => {
  const token = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1] ?? c.req.query("access_token") ?? "";
  const owner = token ? await tokenOwner(c.env, token) : null;
  if (!owner) return c.json(graphError(190, "Invalid OAuth access token - Cannot parse access token"), 401);
  const id = c.req.param("id");
  const [first, last] = PEOPLE[Number(BigInt(id) % BigInt(PEOPLE.length))] ?? PEOPLE[0];
  const picture = `https://platform-lookaside.fbsbx.com/platform/profilepic/?psid=${id}`;
  if (owner.channel === "instagram") return c.json({ name: `${first} ${last}`, username: `${first}.${last}`.toLowerCase(), profile_pic: picture, id });
  return c.json({ first_name: first, last_name: last, profile_pic: picture, id });
});

metaSink.get("/meta/messages", async (c) => {
  const recipient = c.req.query("recipient_id");
  const rows = await openDatabase(c.env.DB)
    .select()
    .from(metaSinkMessages)
    .where(and(recipient ? eq(metaSinkMessages.recipientId, recipient) : undefined))
    .orderBy(desc(metaSinkMessages.id))
    .limit(LIST_LIMIT);
  return c.json({
    messages: rows.map((row) => ({
      message_id: row.mid,
      channel: row.channel,
      sender_id: row.senderId,
      recipient_id: row.recipientId,
      messaging_type: row.messagingType,
      tag: row.tag,
      body: row.body,
      received_at: row.createdAt.toISOString(),
    })),
  });
});

metaSink.delete("/meta/messages", async (c) => {
  await openDatabase(c.env.DB).delete(metaSinkMessages);
  return c.body(null, 204);
});

const Inbound = z
  .object({
    channel: z.enum(["facebook_page", "instagram"]),
    /** The page id (Messenger) or Instagram account id the person writes to. */
    business_id: z.string().regex(/^\d{1,32}$/),
    /** The person's PSID or IGSID. */
    sender_id: z
      .string()
      .regex(/^\d{1,32}$/)
      .optional(),
    text: z.string().max(MAX_TEXT_LENGTH).optional(),
    attachments: z
      .array(z.object({ type: z.enum(["image", "video", "audio", "file"]), url: z.string().url().max(2000) }))
      .max(10)
      .default([]),
    mid: z.string().min(1).max(200).optional(),
    /** Any messaging events to deliver as they are (echoes, reads, deliveries...), instead of a message. */
    events: z.array(z.record(z.string(), z.unknown())).max(100).optional(),
  })
  .strict();

metaSink.post("/meta/inbound", async (c) => {
  const parsed = Inbound.safeParse(await c.req.json().catch(() => undefined));
  if (!parsed.success) {
    return c.json(errorBody("validation_failed", "Send {channel, business_id, sender_id, text} (or attachments [{type, url}], or events [...])."), 422);
  }
  const inbound = parsed.data;
  const now = Date.now();
  const mid = inbound.mid ?? `m_${crypto.randomUUID().replaceAll("-", "")}`;
  if (!inbound.events && !inbound.sender_id) return c.json(errorBody("validation_failed", "sender_id is required for a message."), 422);
  const events = inbound.events ?? [
    {
      sender: { id: inbound.sender_id },
      recipient: { id: inbound.business_id },
      timestamp: now,
      message: {
        mid,
        ...(inbound.text ? { text: inbound.text } : {}),
        ...(inbound.attachments.length > 0 ? { attachments: inbound.attachments.map((item) => ({ type: item.type, payload: { url: item.url } })) } : {}),
      },
    },
  ];
  const instagram = inbound.channel === "instagram";
  const body = JSON.stringify({ object: instagram ? "instagram" : "page", entry: [{ id: inbound.business_id, time: now, messaging: events }] });
  const secret = instagram ? metaSetting(c.env, "INSTAGRAM_APP_SECRET") || metaSetting(c.env, "FB_APP_SECRET") : metaSetting(c.env, "FB_APP_SECRET");
  if (!secret) return c.json(errorBody("not_configured", "Set FB_APP_SECRET (and INSTAGRAM_APP_SECRET) in .dev.vars to sign simulated webhooks."), 409);
  const url = `${c.env.PUBLIC_URL.replace(/\/+$/, "")}${instagram ? "/webhooks/instagram" : "/bot"}`;
  const request = new Request(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-hub-signature-256": await metaSignature(secret, body), "user-agent": "facebookexternalua" },
    body,
  });
  // The Worker itself takes the request, as it would take Meta's (imported here: the app mounts this sink).
  const { default: worker } = await import("../../index");
  const answer = await worker.fetch(request, c.env, c.executionCtx);
  return c.json({ status: answer.status, mid: inbound.events ? null : mid, answer: await answer.json().catch(() => null) }, answer.status === 200 ? 200 : 502);
});
