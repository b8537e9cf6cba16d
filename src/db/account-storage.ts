/**
 * The per-account storage quota: bytes of stored files counted in D1 (`account_storage`), reserved in
 * one conditional statement before a file is written to R2 and given back when files are deleted.
 */

const DEFAULT_MAX_ACCOUNT_STORAGE_BYTES = 10 * 1024 * 1024 * 1024;

export const maxAccountStorageBytes = (env: Env) => Number(env.MAX_ACCOUNT_STORAGE_BYTES) || DEFAULT_MAX_ACCOUNT_STORAGE_BYTES;

export type StorageReservation = { ok: true } | { ok: false; quotaBytes: number; usedBytes: number };

/**
 * Counts `bytes` against the account's quota, or counts nothing and says how full it is. The check
 * and the addition are one statement, so two uploads at once cannot both pass it.
 */
export async function reserveStorage(env: Env, accountId: number, bytes: number): Promise<StorageReservation> {
  const quota = maxAccountStorageBytes(env);
  const row = await env.DB.prepare(
    `insert into account_storage (account_id, bytes) select ?1, ?2 where ?2 <= ?3
     on conflict (account_id) do update set bytes = bytes + excluded.bytes where bytes + excluded.bytes <= ?3
     returning bytes`,
  )
    .bind(accountId, bytes, quota)
    .first<{ bytes: number }>();
  if (row) return { ok: true };
  const used = await env.DB.prepare("select bytes from account_storage where account_id = ?").bind(accountId).first<{ bytes: number }>();
  return { ok: false, quotaBytes: quota, usedBytes: used?.bytes ?? 0 };
}

/** Gives back what deleted files counted. */
export async function releaseStorage(env: Env, accountId: number, bytes: number): Promise<void> {
  if (bytes <= 0) return;
  await env.DB.prepare("update account_storage set bytes = max(0, bytes - ?) where account_id = ?").bind(bytes, accountId).run();
}

/**
 * Deletes a message's stored files from R2 and gives back the bytes they counted. A file of an
 * automation rule or macro (`workflow_files`) that a message carries stays: the rule sends it again,
 * and it counts until the account goes.
 */
export async function deleteStoredFiles(env: Env, accountId: number, files: readonly { key: string; file_size: number }[]): Promise<void> {
  if (files.length === 0) return;
  const keys = [...new Set(files.map((file) => file.key))];
  const kept = await env.DB.prepare(
    `select json_extract(attachment, '$.key') as key from workflow_files
     where account_id = ? and json_extract(attachment, '$.key') in (select value from json_each(?))`,
  )
    .bind(accountId, JSON.stringify(keys))
    .all<{ key: string }>();
  const workflowKeys = new Set(kept.results.map((row) => row.key));
  const deleted = files.filter((file) => !workflowKeys.has(file.key));
  if (deleted.length === 0) return;
  await env.MEDIA.delete(deleted.map((file) => file.key));
  await releaseStorage(
    env,
    accountId,
    deleted.reduce((total, file) => total + file.file_size, 0),
  );
}
