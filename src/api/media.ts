/**
 * Media in R2: keys are `accounts/<account_id>/<kind>/<uuid>/<file>` (kind: attachments, widgets),
 * served from `/media/<key>`. Keys carry a random UUID, so a URL is a capability, as with Chatwoot's
 * attachment links; nothing is listed.
 */
import type { Context } from "hono";
import type { AppEnv } from "./context";
import { errorBody } from "./errors";

const MEDIA_KEY = /^accounts\/\d+\/[\w-]+\/[0-9a-f-]{36}\/[^/]+$/;

/** A fresh key for an uploaded file of the account, its name reduced to safe characters. */
export function newMediaKey(accountId: number, kind: "attachments" | "widgets", fileName: string): string {
  const safeName = fileName.replace(/[^\w.\-]+/g, "_").slice(-120) || "file";
  return `accounts/${accountId}/${kind}/${crypto.randomUUID()}/${safeName}`;
}

export const mediaUrl = (origin: string, key: string) => `${origin}/media/${key}`;

export async function serveMedia(c: Context<AppEnv>): Promise<Response> {
  const key = decodeURIComponent(c.req.path.slice("/media/".length));
  if (!MEDIA_KEY.test(key)) return c.json(errorBody("not_found", "No such file."), 404);
  const object = await c.env.MEDIA.get(key);
  if (!object) return c.json(errorBody("not_found", "No such file."), 404);
  const headers = new Headers();
  object.writeHttpMetadata(headers);
  headers.set("etag", object.httpEtag);
  headers.set("cache-control", "public, max-age=31536000, immutable");
  headers.set("x-content-type-options", "nosniff");
  // Uploaded files are shown, never run: anything but images, audio and video downloads.
  const type = headers.get("content-type") ?? "";
  if (!/^(image\/(png|jpe?g|gif|webp)|audio\/|video\/)/.test(type)) headers.set("content-disposition", "attachment");
  return new Response(object.body, { headers });
}
