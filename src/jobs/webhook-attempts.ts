/**
 * The attempt log of webhook deliveries: what each try of the `webhook.deliver` job met (the
 * receiver's status or why no answer came, how long it took, the start of the answer), recorded in
 * the same batch as the delivery's own outcome, and only the newest attempts of a delivery kept.
 */
import { and, eq, lte, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { webhookDeliveryAttempts } from "../db/schema";

/** A delivery's attempts beyond this many are forgotten, oldest first. */
export const KEPT_ATTEMPTS_PER_DELIVERY = 20;
/** How much of an answer's body an attempt keeps. */
export const RESPONSE_EXCERPT_MAX_BYTES = 1024;
const ERROR_MAX_CHARS = 500;

/** One try at a delivery, as the job saw it. */
export type TriedAttempt = {
  startedAt: Date;
  finishedAt: Date;
  statusCode: number | null;
  error: string | null;
  responseExcerpt: string | null;
};

/**
 * The first `maxBytes` of an answer's body as text (cut at a whole character), the rest left
 * unread; null for an empty body or one that could not be read.
 */
export async function readResponseExcerpt(response: Response, maxBytes = RESPONSE_EXCERPT_MAX_BYTES): Promise<string | null> {
  if (!response.body) return null;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    while (length < maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.byteLength;
    }
  } catch {
    return null;
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const bytes = new Uint8Array(Math.min(length, maxBytes));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  // A character cut by the byte limit decodes as U+FFFD at the end: drop it.
  const text = new TextDecoder().decode(bytes).replace(/\uFFFD$/, "");
  return text === "" ? null : text;
}

/**
 * The statements that record `tried` as the delivery's newest attempt, to run in one batch right
 * after the update that counts it in `webhook_deliveries.attempts` (its number is that count), and
 * forget the delivery's attempts older than the newest KEPT_ATTEMPTS_PER_DELIVERY. The same attempt
 * number recorded twice (a job run twice at once) is kept once.
 */
export function recordAttemptStatements(db: Database, delivery: { id: number; accountId: number }, tried: TriedAttempt) {
  const attemptsSoFar = sql<number>`(select attempts from webhook_deliveries where id = ${delivery.id})`;
  return [
    db
      .insert(webhookDeliveryAttempts)
      .values({
        deliveryId: delivery.id,
        accountId: delivery.accountId,
        attempt: attemptsSoFar,
        startedAt: tried.startedAt,
        finishedAt: tried.finishedAt,
        statusCode: tried.statusCode,
        error: tried.error?.slice(0, ERROR_MAX_CHARS) ?? null,
        durationMs: Math.max(0, tried.finishedAt.getTime() - tried.startedAt.getTime()),
        responseExcerpt: tried.responseExcerpt,
      })
      .onConflictDoNothing(),
    db
      .delete(webhookDeliveryAttempts)
      .where(
        and(eq(webhookDeliveryAttempts.deliveryId, delivery.id), lte(webhookDeliveryAttempts.attempt, sql`${attemptsSoFar} - ${KEPT_ATTEMPTS_PER_DELIVERY}`)),
      ),
  ] as const;
}
