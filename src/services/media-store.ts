/**
 * Media in R2 as every surface and job stores it: keys `accounts/<account_id>/<kind>/<uuid>/<file>`,
 * their public URLs under `/media/` (served by src/api/media.ts), copies for snapshot loads, and the
 * storing of uploaded or received files, checked against the allowed types and the account's quota.
 */
import { deleteStoredFiles, releaseStorage, reserveStorage } from "../db/account-storage";
import { type Attachment, fileTypeOf } from "../domain/conversation";
import { checkFileType, SNIFF_BYTES } from "../domain/file-types";
import { ApiError } from "./api-error";

/**
 * A key for a file of the account, its name reduced to safe characters: fresh for uploads; snapshot
 * loads pass an id derived from where the copy came from (`derivedUuid`), so copying again overwrites.
 */
export function newMediaKey(accountId: number, kind: "attachments" | "widgets", fileName: string, id: string = crypto.randomUUID()): string {
  const safeName = fileName.replace(/[^\w.\-]+/g, "_").slice(-120) || "file";
  return `accounts/${accountId}/${kind}/${id}/${safeName}`;
}

/** Copies an object with its content type; false when there is nothing at `from`. */
export async function copyMedia(bucket: R2Bucket, from: string, to: string): Promise<boolean> {
  const object = await bucket.get(from);
  if (!object) return false;
  await bucket.put(to, await object.arrayBuffer(), { httpMetadata: object.httpMetadata });
  return true;
}

export const mediaUrl = (origin: string, key: string) => `${origin}/media/${key}`;

/**
 * Stores files under `accounts/<id>/attachments/` and describes them for a message, with links on
 * `origin` (src/api/messages.ts `storeAttachments` for a request; a channel's incoming media). Every
 * file must be of an allowed type, by what it declares and by its first bytes (422
 * `file_type_not_allowed`, nothing stored), and all must fit the account's quota (413).
 */
export async function storeFiles(env: Env, origin: string, accountId: number, files: File[]): Promise<Attachment[]> {
  const contentTypes: string[] = [];
  for (const [index, file] of files.entries()) {
    const verdict = checkFileType(file.type, new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer()));
    if (!verdict.ok) {
      throw new ApiError(422, "file_type_not_allowed", verdict.reason, [
        { field: `attachments.${index}`, message: verdict.reason, code: "file_type_not_allowed" },
      ]);
    }
    contentTypes.push(verdict.contentType);
  }
  const requestedBytes = files.reduce((total, file) => total + file.size, 0);
  const reservation = await reserveStorage(env, accountId, requestedBytes);
  if (!reservation.ok) {
    throw new ApiError(413, "storage_quota_exceeded", "The account has no room left for these files: delete some, or ask for a larger quota.", {
      quota_bytes: reservation.quotaBytes,
      used_bytes: reservation.usedBytes,
      requested_bytes: requestedBytes,
    });
  }
  const stored: Attachment[] = [];
  try {
    for (const [index, file] of files.entries()) {
      const key = newMediaKey(accountId, "attachments", file.name);
      const contentType = contentTypes[index] ?? "application/octet-stream";
      await env.MEDIA.put(key, file.stream(), { httpMetadata: { contentType } });
      stored.push({
        id: index + 1,
        file_type: fileTypeOf(contentType),
        key,
        dataUrl: mediaUrl(origin, key),
        file_name: file.name || key.slice(key.lastIndexOf("/") + 1),
        content_type: contentType,
        file_size: file.size,
      });
    }
  } catch (error) {
    await deleteStoredFiles(env, accountId, stored);
    await releaseStorage(
      env,
      accountId,
      files.slice(stored.length).reduce((total, file) => total + file.size, 0),
    );
    throw error;
  }
  return stored;
}
