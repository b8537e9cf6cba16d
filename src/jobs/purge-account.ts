/**
 * Removes what a deleted sub-account left outside D1: its R2 objects under `accounts/<id>/`, its
 * Conversation objects' and its Account object's storage. Safe to run any number of times: the
 * Account object (which lists the conversations) goes after them, the account_purges row last.
 */
import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { accountPurges } from "../db/schema";
import { accountObject, conversationObject } from "../durable/addresses";
import { deleteStoredFiles } from "../db/account-storage";

export const accountMediaPrefix = (accountId: number) => `accounts/${accountId}/`;

/** Deletes every R2 object under `prefix`, a page at a time. */
export async function deleteMediaUnder(bucket: R2Bucket, prefix: string): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, cursor, limit: 1000 });
    if (page.objects.length > 0) await bucket.delete(page.objects.map((object) => object.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
}

export async function purgeAccount(env: Env, db: Database, accountId: number): Promise<void> {
  await deleteMediaUnder(env.MEDIA, accountMediaPrefix(accountId));
  const account = accountObject(env, accountId);
  for (const displayId of await account.allConversationIds()) {
    await conversationObject(env, accountId, displayId).purge();
  }
  await account.purge();
  await db.delete(accountPurges).where(eq(accountPurges.accountId, accountId));
}

/**
 * Removes a deleted inbox's conversations (their files in R2, then their objects) and contact
 * sessions from the account's live state. Repeatable: the index rows that list the conversations go last.
 */
export async function purgeInbox(env: Env, accountId: number, inboxId: number): Promise<void> {
  const account = accountObject(env, accountId);
  for (const displayId of await account.conversationIdsOfInbox(inboxId)) {
    const conversation = conversationObject(env, accountId, displayId);
    await deleteStoredFiles(env, accountId, await conversation.storedAttachments());
    await conversation.purge();
  }
  await account.removeInbox(inboxId);
}
