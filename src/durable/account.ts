/**
 * Account Durable Object: one per sub-account, addressed by `idFromName(String(accountId))`.
 * It will hold the account's live index (conversation summaries, counts, contacts, display ids,
 * presence) and the agents' sockets; today it owns the clean-up of that state.
 */
import { DurableObject } from "cloudflare:workers";

export class Account extends DurableObject<Env> {
  /** Deletes everything this object stores, including any alarm; used when the account is deleted. */
  async purge(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }
}

export function accountObject(env: Env, accountId: number) {
  return env.ACCOUNT.get(env.ACCOUNT.idFromName(String(accountId)));
}
