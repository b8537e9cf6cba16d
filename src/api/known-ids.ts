/**
 * Whether an account or a conversation named from outside (a path, a body, a pubsub token) exists,
 * asked before addressing its Durable Object: addressing one creates it and writes its schema, so
 * without this any number would make an object. Accounts are asked of D1, conversations of their
 * Account object's index. The isolate remembers answers: a yes for a minute (an id that exists keeps
 * existing until its account is deleted, which purges the objects), a no for a few seconds.
 */
import { accountObject, conversationObject } from "../durable/addresses";
import { notFound } from "./errors";

const YES_MS = 60_000;
const NO_MS = 5_000;
const MAX_REMEMBERED = 20_000;

const remembered = new Map<string, { exists: boolean; at: number }>();

async function known(key: string, ask: () => Promise<boolean>): Promise<boolean> {
  const now = Date.now();
  const hit = remembered.get(key);
  if (hit && now - hit.at < (hit.exists ? YES_MS : NO_MS)) return hit.exists;
  const exists = await ask();
  if (remembered.size >= MAX_REMEMBERED) remembered.clear();
  remembered.set(key, { exists, at: now });
  return exists;
}

export function accountExists(env: Env, accountId: number): Promise<boolean> {
  return known(`a${accountId}`, async () => (await env.DB.prepare("select 1 from accounts where id = ?").bind(accountId).first()) !== null);
}

export function conversationExists(env: Env, accountId: number, displayId: number): Promise<boolean> {
  return known(`c${accountId}:${displayId}`, () => accountObject(env, accountId).hasConversation(displayId));
}

/** The Conversation object of a conversation that exists in the account; 404 otherwise, without creating one. */
export async function existingConversation(env: Env, accountId: number, displayId: number) {
  if (!(await conversationExists(env, accountId, displayId))) throw notFound("Conversation");
  return conversationObject(env, accountId, displayId);
}
