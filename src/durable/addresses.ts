/**
 * How the Worker, the jobs and the objects themselves address a Durable Object: one factory per
 * object, each naming it the one way it is named. Only types come from the object modules, so
 * importing a factory never pulls an object's class in (and the objects can call each other without
 * an import cycle).
 */
import type { Account } from "./account";
import type { Conversation } from "./conversation";
import { counterName, type RateCounter } from "./rate-counter";
import { remote } from "./remote";

/** The sub-account's Account object (`getByName(String(accountId))`), typed for RPC. */
export function accountObject(env: Env, accountId: number) {
  return remote<Account>(env.ACCOUNT.getByName(String(accountId)));
}

/** The raw stub, for opening subscription sockets with fetch(). */
export function accountStub(env: Env, accountId: number) {
  return env.ACCOUNT.getByName(String(accountId));
}

/** A conversation's Conversation object, addressed as `<accountId>:<displayId>`. */
export function conversationObject(env: Env, accountId: number, displayId: number) {
  return remote<Conversation>(env.CONVERSATION.getByName(`${accountId}:${displayId}`));
}

/** The counter object that holds `key` of the limit `limitName`. */
export function rateCounter(env: Env, limitName: string, key: string) {
  return remote<RateCounter>(env.RATE_COUNTER.getByName(counterName(limitName, key)));
}
