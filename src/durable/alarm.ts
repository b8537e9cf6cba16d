/**
 * A Durable Object's one alarm, shared by every concern that needs waking (outbox retries, snooze
 * wake-ups, SLA deadlines): asking for a time keeps the earliest one asked for, and the alarm handler
 * runs every concern that is due. The time is also kept in memory (read once when the object
 * starts), so an outbox entry asks for its retry synchronously, inside the storage transaction that
 * records it: the entry and its alarm commit together, and an object reset between the commit and
 * the publish still wakes to publish.
 */
export class EarliestAlarm {
  /** The alarm as last read or set (null: none). */
  private at: number | null = null;

  constructor(private readonly ctx: DurableObjectState) {
    void ctx.blockConcurrencyWhile(async () => {
      this.at = await ctx.storage.getAlarm();
    });
  }

  /**
   * Wakes the object at `at` or earlier. Synchronous: inside `transactionSync` the alarm is written in
   * the transaction. The alarm is written on every call (an unchanged time writes nothing), so one that
   * a rolled-back transaction took back is set again by the next call.
   */
  request(at: number): void {
    const next = this.at === null ? at : Math.min(this.at, at);
    this.at = next;
    this.ctx.storage.setAlarm(next).catch((error: unknown) => console.error("setting the alarm failed", error));
  }

  /** Called as the alarm handler starts: the alarm that went off is gone unless the handler asks again. */
  fired(): void {
    this.at = null;
  }

  /** Deletes the alarm (the object's storage is being purged). */
  async delete(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    this.at = null;
  }
}
