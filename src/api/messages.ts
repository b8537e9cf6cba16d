/**
 * Message input shared by the Client API and the Application API: the zod schemas of the
 * interactive content types (as in Chatwoot's "How to create interactive messages?") and the
 * parsing of a JSON or multipart body, whose files are stored in R2 under the account's prefix.
 */
import { z } from "@hono/zod-openapi";
import type { Context, TypedResponse } from "hono";
import type { JSONValue } from "hono/utils/types";
import type { Attachment } from "../domain/conversation";
import type { AppEnv } from "./context";
import type { Access } from "../durable/access";
import { conversationObject } from "../durable/addresses";
import { ApiError, notFound, validationError } from "./errors";
import { storeFiles } from "../services/media-store";
import { WebLink } from "./schemas";

const Text = z.string().trim().min(1).max(1000);
const Url = WebLink;

const SelectItems = z
  .object({
    items: z
      .array(z.object({ title: Text, value: Text }).strict())
      .min(1)
      .max(50),
  })
  .passthrough();

const FormItem = z
  .object({
    name: z.string().trim().min(1).max(100),
    type: z.enum(["text", "text_area", "email", "number", "select", "date", "tel", "url", "checkbox"]),
    label: Text.optional(),
    placeholder: z.string().max(1000).optional(),
    default: z.string().max(10_000).optional(),
    required: z.boolean().optional(),
    options: z
      .array(z.object({ label: Text, value: Text }).strict())
      .max(100)
      .optional(),
  })
  .strict()
  .refine((item) => item.type !== "select" || (item.options?.length ?? 0) > 0, {
    message: "A select field needs options.",
    path: ["options"],
  });
const FormItems = z.object({ items: z.array(FormItem).min(1).max(50) }).passthrough();

const CardAction = z.discriminatedUnion("type", [
  z.object({ type: z.literal("link"), text: Text, uri: Url }).strict(),
  z.object({ type: z.literal("postback"), text: Text, payload: z.string().max(1000) }).strict(),
]);
const CardItems = z
  .object({
    items: z
      .array(
        z
          .object({ media_url: Url.optional(), title: Text, description: z.string().max(2000).optional(), actions: z.array(CardAction).max(10).default([]) })
          .strict(),
      )
      .min(1)
      .max(20),
  })
  .passthrough();

const ArticleItems = z
  .object({
    items: z
      .array(z.object({ title: Text, description: z.string().max(2000).optional(), link: Url }).strict())
      .min(1)
      .max(50),
  })
  .passthrough();

/** content_attributes allowed for each content type. */
export const CONTENT_ATTRIBUTE_SCHEMAS = {
  text: z.record(z.string(), z.unknown()),
  input_select: SelectItems,
  form: FormItems,
  cards: CardItems,
  article: ArticleItems,
} as const;

export const ContentTypeSchema = z.enum(["text", "input_select", "form", "cards", "article"]);

export const MAX_ATTACHMENTS = 10;

/**
 * A message's files, stored only once `access` reaches the conversation: 404 `not_found` with nothing
 * written to R2 when it does not. A message refused after this gives its files back with deleteStoredFiles.
 */
export async function storeMessageAttachments(c: Context<AppEnv>, accountId: number, displayId: number, access: Access, files: File[]): Promise<Attachment[]> {
  if (files.length === 0) return [];
  if (!(await conversationObject(c.env, accountId, displayId).currentState(access))) throw notFound("Conversation");
  return storeAttachments(c, accountId, files);
}

/**
 * Stores uploaded files under `accounts/<id>/attachments/` and describes them for the message. Call it
 * only once the caller is known to be allowed to post there. Every file must be of an allowed type,
 * by what it declares and by its first bytes (422 `file_type_not_allowed`, nothing stored), and all of
 * them must fit the account's storage quota (413 `storage_quota_exceeded`, nothing stored).
 */
export function storeAttachments(c: Context<AppEnv>, accountId: number, files: File[]): Promise<Attachment[]> {
  return storeFiles(c.env, new URL(c.req.url).origin, accountId, files);
}

/**
 * A 200 answer whose body is JSON text built elsewhere (a payload a Durable Object built), sent as it
 * is; typed as the JSON object it holds, as `c.json` would type it.
 */
export const jsonTextResponse = (c: Context<AppEnv>, json: string) =>
  c.body(json, 200, { "content-type": "application/json" }) as unknown as TypedResponse<{ [key: string]: JSONValue }, 200, "json">;

/** The multipart/form-data body; 400 when it cannot be read. */
export const readForm = (c: Context<AppEnv>): Promise<FormData> =>
  c.req.formData().catch(() => {
    throw new ApiError(400, "bad_request", "The multipart body could not be read.");
  });

/** The JSON body, `{}` when empty; 400 when it is not JSON. */
export async function readJson(c: Context<AppEnv>): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, "malformed_json", "The request body is not valid JSON.");
  }
}

/** The content types whose body the route's own validator (its `createRoute` JSON schema) parses, as @hono/zod-openapi tells them. */
const JSON_CONTENT_TYPE = /^application\/([a-z-.]+\+)?json/i;

/**
 * Reads a message body sent as JSON or as multipart/form-data (Chatwoot's `attachments[]`) and
 * returns its fields with the uploaded files. `schema` is the route's JSON body schema: a JSON body
 * was parsed and validated with it before the handler ran and is taken as it is, so it is parsed
 * once; the form's fields (and a body sent without a content type) are parsed with it here.
 */
export async function readMessageBody<T extends z.ZodType>(c: Context<AppEnv>, schema: T): Promise<{ input: z.infer<T>; files: File[] }> {
  const type = c.req.header("content-type") ?? "";
  if (JSON_CONTENT_TYPE.test(type)) {
    const validated = (c.req as unknown as { valid(target: "json"): z.infer<T> }).valid("json");
    return { input: validated, files: [] };
  }
  let raw: unknown;
  let files: File[] = [];
  if (/^multipart\/form-data/i.test(type)) {
    const form = await readForm(c);
    files = [...form.getAll("attachments[]"), ...form.getAll("attachments")].filter((value): value is File => value instanceof File);
    if (files.length > MAX_ATTACHMENTS) {
      throw new ApiError(422, "validation_failed", "Too many attachments.", [
        { field: "attachments", message: `At most ${MAX_ATTACHMENTS} files.`, code: "too_big" },
      ]);
    }
    const fields: Record<string, unknown> = {};
    for (const [key, value] of form.entries()) {
      if (typeof value !== "string") continue;
      fields[key] = key === "content_attributes" ? safeJson(value) : key === "private" ? value === "true" : value;
    }
    raw = fields;
  } else {
    raw = await readJson(c);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw validationError(parsed.error, "json");
  return { input: parsed.data, files };
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Checks content_attributes against the schema of the message's content type. */
export function checkContentAttributes(contentType: z.infer<typeof ContentTypeSchema>, attributes: unknown): Record<string, unknown> {
  const parsed = CONTENT_ATTRIBUTE_SCHEMAS[contentType].safeParse(attributes ?? {});
  if (!parsed.success) {
    const error = validationError(parsed.error, "json");
    const details = (error.details as { field: string }[]).map((d) => ({ ...d, field: `content_attributes.${d.field}` }));
    throw new ApiError(422, "validation_failed", `content_attributes do not fit content_type ${contentType}.`, details);
  }
  return parsed.data as Record<string, unknown>;
}

/** The multipart/form-data form of a message body, documented only: readMessageBody parses it. */
export const multipartMessage = (fields: Record<string, { type: string; description?: string }>) => ({
  "multipart/form-data": {
    schema: {
      type: "object" as const,
      properties: {
        ...fields,
        "attachments[]": { type: "array" as const, items: { type: "string" as const, format: "binary" }, description: `Up to ${MAX_ATTACHMENTS} files` },
      },
    },
  },
});
