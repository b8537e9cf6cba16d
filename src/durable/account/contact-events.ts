/**
 * contact.created and contact.updated: sent at once to the members' sockets, and through the
 * contact outbox (SQLite in the Account object) to the queue for the workflow engine. An entry is
 * written in the caller's transaction with the retry alarm, and every method that publishes then
 * awaits `flush()`, which moves the outbox to the queue before the method answers; an entry left
 * behind by a reset after the commit is sent by the alarm.
 */
import { type ContactRecord, contactPayload } from "../../domain/chatwoot-payloads";
import { type ContactEventJob, enqueueJobs } from "../../jobs/messages";
import type { EarliestAlarm } from "../alarm";
import { fanOutToUsers } from "./fan-out";
import type { Presence } from "./presence";

/** How soon the alarm tries again to enqueue contact events that could not be enqueued. */
const CONTACT_OUTBOX_RETRY_MS = 5_000;
/** Queue messages hold at most 128 KB: a larger contact travels by id. */
const CONTACT_IN_JOB_MAX_CHARS = 64_000;
const FLUSH_BATCH = 100;

export class ContactEvents {
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Env,
    private readonly accountId: () => number,
    private readonly presence: Presence,
    private readonly wakeUps: EarliestAlarm,
  ) {}

  /** Sends the event to the members' sockets and records it in the outbox, in the caller's transaction. */
  publish(eventName: "contact.created" | "contact.updated", contact: ContactRecord) {
    const payload = contactPayload(contact);
    fanOutToUsers(this.presence.registry(), eventName, payload);
    const job: ContactEventJob = {
      ...(JSON.stringify(payload).length <= CONTACT_IN_JOB_MAX_CHARS ? { contact: payload } : {}),
      type: "contact.event",
      account_id: this.accountId(),
      contact_id: contact.id,
      event: eventName === "contact.created" ? "contact_created" : "contact_updated",
      key: crypto.randomUUID(),
    };
    this.ctx.storage.sql.exec("insert into contact_outbox (job) values (?)", JSON.stringify(job));
    this.wakeUps.request(Date.now() + CONTACT_OUTBOX_RETRY_MS);
  }

  /**
   * Enqueues what the contact outbox holds, in order, and removes it; one flush at a time. When the
   * queue refuses, the entries stay and the alarm tries again (the consumer skips a job's key it
   * handled, should an entry be sent twice).
   */
  flush(): Promise<void> {
    const run = this.flushing.then(async () => {
      const rows = this.ctx.storage.sql.exec<{ id: number; job: string }>("select id, job from contact_outbox order by id limit ?", FLUSH_BATCH).toArray();
      const last = rows.at(-1);
      if (!last) return;
      try {
        await enqueueJobs(
          this.env.JOBS,
          rows.map((row) => JSON.parse(row.job) as ContactEventJob),
        );
        this.ctx.storage.sql.exec("delete from contact_outbox where id <= ?", last.id);
      } catch (error) {
        console.error("enqueueing contact events failed; retrying by alarm", error);
        this.wakeUps.request(Date.now() + CONTACT_OUTBOX_RETRY_MS);
        return;
      }
      if (rows.length === FLUSH_BATCH) this.wakeUps.request(Date.now());
    });
    this.flushing = run.catch(() => undefined);
    return run;
  }
}
