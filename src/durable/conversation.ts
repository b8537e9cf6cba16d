/**
 * Conversation Durable Object: one per conversation, the source of truth for its messages and
 * state, and the fan-out point for the people looking at it.
 */
import { DurableObject } from "cloudflare:workers";

export class Conversation extends DurableObject<Env> {
  /** Deletes everything this object stores, including any alarm; used when the account is deleted. */
  async purge(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }
}
