/**
 * Local development's webhook receiver: `POST /dev/sinks/webhooks/:name` records what arrives,
 * `GET` lists it (newest first, the signature checked when `?secret=` is given), `DELETE` forgets
 * it. Served only when LOCAL_SINKS is "true" (`npm run dev`); keeps the newest 50 requests per name.
 */
import { desc, eq, sql } from "drizzle-orm";
import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { openDatabase } from "../../db/client";
import { webhookSinkRequests } from "../../db/schema";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from "../../domain/webhook-signature";
import { errorBody } from "../errors";

const KEEP_PER_SINK = 50;
const MAX_BODY_BYTES = 256 * 1024;
const SINK_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export const webhookSink = new Hono<{ Bindings: Env }>();

webhookSink.use("*", async (c, next) => {
  if (c.env.LOCAL_SINKS !== "true") return c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}.`), 404);
  await next();
});

webhookSink.use("/:name", async (c, next) => {
  if (!SINK_NAME.test(c.req.param("name"))) {
    return c.json(errorBody("invalid_parameter", "A sink name is 1 to 64 letters, digits, dots, dashes or underscores."), 400);
  }
  await next();
});

/** Records one request. `?status=500` answers with that status instead of 200, to try retries. */
webhookSink.post("/:name", async (c) => {
  const sinkName = c.req.param("name");
  const body = await c.req.text();
  if (new TextEncoder().encode(body).length > MAX_BODY_BYTES) {
    return c.json(errorBody("payload_too_large", "The sink keeps bodies up to 256 KiB.", { max_bytes: MAX_BODY_BYTES }), 413);
  }
  const db = openDatabase(c.env.DB);
  const [[row]] = await db.batch([
    db
      .insert(webhookSinkRequests)
      .values({ sinkName, method: c.req.method, headers: Object.fromEntries(c.req.raw.headers), body })
      .returning({ id: webhookSinkRequests.id }),
    db.delete(webhookSinkRequests).where(
      sql`${webhookSinkRequests.sinkName} = ${sinkName} and ${webhookSinkRequests.id} not in (
          select id from ${webhookSinkRequests} where sink_name = ${sinkName} order by id desc limit ${KEEP_PER_SINK})`,
    ),
  ]);
  return c.json({ recorded: true, id: row?.id ?? null }, requestedStatus(c.req.query("status")));
});

webhookSink.get("/:name", async (c) => {
  const sinkName = c.req.param("name");
  const secret = c.req.query("secret");
  const rows = await openDatabase(c.env.DB)
    .select()
    .from(webhookSinkRequests)
    .where(eq(webhookSinkRequests.sinkName, sinkName))
    .orderBy(desc(webhookSinkRequests.id))
    .limit(KEEP_PER_SINK);
  const requests = await Promise.all(
    rows.map(async (row) => {
      const header = (name: string) => row.headers[name.toLowerCase()] ?? null;
      return {
        id: row.id,
        received_at: row.createdAt.toISOString(),
        method: row.method,
        headers: row.headers,
        body: row.body,
        payload: parseJson(row.body),
        // Checked as of when it arrived, so an old request still shows whether its signature was right.
        signature_valid:
          secret === undefined
            ? null
            : await verifyWebhookSignature({
                secret,
                body: row.body,
                timestamp: header(TIMESTAMP_HEADER),
                signature: header(SIGNATURE_HEADER),
                now: Math.floor(row.createdAt.getTime() / 1000),
              }),
      };
    }),
  );
  return c.json({ sink: sinkName, requests });
});

webhookSink.delete("/:name", async (c) => {
  await openDatabase(c.env.DB)
    .delete(webhookSinkRequests)
    .where(eq(webhookSinkRequests.sinkName, c.req.param("name")));
  return c.body(null, 204);
});

/** `?status=` when it is a status an answer with a body may have (200–599 but 204, 205, 304), else 200. */
function requestedStatus(query: string | undefined): ContentfulStatusCode {
  const status = Number(query ?? 200);
  const answerable = Number.isInteger(status) && status >= 200 && status <= 599 && ![204, 205, 304].includes(status);
  return (answerable ? status : 200) as ContentfulStatusCode;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
