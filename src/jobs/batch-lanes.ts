/**
 * How one queue batch is worked through: inbound channel messages of different people at once, each
 * person's in the order they came (their provider posted them one after the other), and every other
 * job one after another as before. One person's messages arriving together keep their order; a
 * batch of many people's messages no longer waits for each in turn.
 */
import type { JobMessage } from "./messages";

/** The lane of a job: its person on an inbound channel, or null for the one lane of everything else. */
export function laneOf(job: JobMessage): string | null {
  switch (job.type) {
    case "whatsapp.received": {
      const entry = (
        job.payload.entry as { changes?: { value?: { messages?: { from?: unknown }[]; statuses?: { recipient_id?: unknown }[] } }[] }[] | undefined
      )?.[0];
      const value = entry?.changes?.[0]?.value;
      const person = value?.messages?.[0]?.from ?? value?.statuses?.[0]?.recipient_id;
      return typeof person === "string" ? `whatsapp:${job.inbox_id}:${person}` : `whatsapp:${job.inbox_id}`;
    }
    case "sms.received":
      return `sms:${job.inbox_id}:${job.form.From ?? ""}`;
    case "meta.received": {
      // The person is whichever of sender and recipient is not the page or account (an echo is sent by it).
      const idOf = (party: unknown) => {
        const id = typeof party === "object" && party !== null ? (party as { id?: unknown }).id : undefined;
        return typeof id === "string" || typeof id === "number" ? String(id) : null;
      };
      const sender = idOf(job.event.sender);
      const person = sender !== null && sender !== job.business_id ? sender : idOf(job.event.recipient);
      return `meta:${job.channel}:${job.business_id}:${person ?? ""}`;
    }
    case "email_channel.received":
      // A sender's mails to one inbox (or one conversation's reply address) in order.
      return `email:${job.account_id}:${job.inbox_id ?? `conversation-${job.display_id}`}:${job.envelope_from}`;
    default:
      return null;
  }
}

/** Runs `work` for every item: items of one lane in order, the lanes at once. */
export async function runInLanes<T>(items: readonly T[], laneOfItem: (item: T) => string | null, work: (item: T) => Promise<void>): Promise<void> {
  const lanes = new Map<string, T[]>();
  for (const item of items) {
    const key = laneOfItem(item) ?? "";
    const lane = lanes.get(key);
    if (lane) lane.push(item);
    else lanes.set(key, [item]);
  }
  await Promise.all(
    [...lanes.values()].map(async (lane) => {
      for (const item of lane) await work(item);
    }),
  );
}
