/**
 * Media in R2: keys are `accounts/<account_id>/<kind>/<uuid>/<file>` (kind: attachments, widgets),
 * served from `/media/<key>`. Keys carry a random UUID, so a URL is a capability, as with Chatwoot's
 * attachment links; nothing is listed. A file is served as one of the allowed types it was stored as
 * (src/domain/file-types.ts), in a sandbox, and never sniffed.
 */
import type { Context } from "hono";
import { isAllowedFileType } from "../domain/file-types";
import { WIDGET_IMAGE_TYPES } from "../domain/image-types";
import type { AppEnv } from "./context";
import { errorBody } from "./errors";

const MEDIA_KEY = /^accounts\/\d+\/[\w-]+\/[0-9a-f-]{36}\/[^/]+$/;

export { copyMedia, mediaUrl, newMediaKey } from "../services/media-store";

/** The type a stored file is served as: one of the allowed types, else bytes to download (files stored before the allowlist). */
function servedType(stored: string | undefined): string {
  const type = (stored ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (isAllowedFileType(type) || (WIDGET_IMAGE_TYPES as readonly string[]).includes(type)) return type;
  return "application/octet-stream";
}

/** Types shown in the browser; anything else downloads. */
const SHOWN_INLINE = /^(image\/(png|jpeg|gif|webp)|audio\/|video\/)/;

export async function serveMedia(c: Context<AppEnv>): Promise<Response> {
  let key: string;
  try {
    key = decodeURIComponent(c.req.path.slice("/media/".length));
  } catch {
    return c.json(errorBody("invalid_path", "The media path is not a valid URL path."), 400);
  }
  if (!MEDIA_KEY.test(key)) return c.json(errorBody("not_found", "No such file."), 404);
  const object = await c.env.MEDIA.get(key);
  if (!object) return c.json(errorBody("not_found", "No such file."), 404);
  const headers = new Headers();
  object.writeHttpMetadata(headers);
  const type = servedType(object.httpMetadata?.contentType);
  headers.set("content-type", type);
  headers.set("etag", object.httpEtag);
  headers.set("cache-control", "public, max-age=31536000, immutable");
  headers.set("x-content-type-options", "nosniff");
  // Uploaded files are shown, never run: no script, form or plugin of theirs runs on this origin.
  headers.set("content-security-policy", "sandbox");
  if (!SHOWN_INLINE.test(type)) headers.set("content-disposition", "attachment");
  return new Response(object.body, { headers });
}
