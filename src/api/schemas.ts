/** zod schemas shared by several routers: ids, pagination, timestamps. */
import { z } from "@hono/zod-openapi";
import { MAX_REGEX_PATTERN_LENGTH, regexSafety } from "../domain/safe-regex";
import { webLink, webUrl } from "../domain/web-url";

/** A numeric id in a path: positive integer, parsed from the string. */
export const Id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** A label's title as Chatwoot keeps it: lower case letters, digits, _ and -. */
export const Label = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(100)
  .regex(/^[\p{L}\p{N}_-]+$/u, "Labels are letters, digits, _ and -.");

/** An id inside a JSON body: a positive integer, not coerced from strings. */
export const BodyId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const idParams = <K extends string>(...names: K[]) =>
  z.object(
    Object.fromEntries(names.map((name) => [name, Id.openapi({ param: { name, in: "path" } })])) as {
      [P in K]: typeof Id;
    },
  );

export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1).openapi({ example: 1 }),
  per_page: z.coerce.number().int().min(1).max(100).default(25).openapi({ example: 25 }),
});
export type PageQuery = z.infer<typeof PageQuery>;

export const PageMeta = z.object({
  count: z.number().int().openapi({ description: "Total number of items across all pages" }),
  current_page: z.number().int(),
  per_page: z.number().int(),
});

/** Parley's list shape (Chatwoot's contacts list shape): `{meta, payload}`. */
export const pageOf = <T extends z.ZodType>(item: T) => z.object({ meta: PageMeta, payload: z.array(item) });

export const offsetOf = (query: PageQuery) => (query.page - 1) * query.per_page;

export const Timestamp = z.string().openapi({ format: "date-time", example: "2026-11-21T10:00:00.000Z" });
export const iso = (date: Date) => date.toISOString();

/** Optional free text that trims, and treats an empty string as "clear this field". */
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((value) => (value === "" ? null : value))
    .nullable()
    .optional();

export const Name = z.string().trim().min(1).max(255);

/** A link a browser will follow or load (src/domain/web-url.ts): an absolute http or https URL. */
export const WebUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((value) => webUrl(value) !== null, "Expected an http or https URL.")
  .openapi({ format: "uri", example: "https://example.com/page" });

/** A link in an interactive message: an http(s) URL, or a host and path read as https (`example.com/shoes`). */
export const WebLink = z
  .string()
  .trim()
  .min(1)
  .max(2048)
  .refine((value) => webLink(value) !== null, "Expected an http or https link.")
  .openapi({ example: "https://example.com/page" });

/**
 * A regular expression that browsers and the Worker run on visitors' input (custom attributes,
 * pre-chat fields). It must compile and have a shape that cannot backtrack without bound
 * (src/domain/safe-regex.ts): no backreferences, no nested repetition such as (a+)+.
 */
export const RegexPattern = z
  .string()
  .min(1)
  .max(MAX_REGEX_PATTERN_LENGTH, `At most ${MAX_REGEX_PATTERN_LENGTH} characters.`)
  .superRefine((pattern, ctx) => {
    const safety = regexSafety(pattern);
    if (!safety.ok) ctx.addIssue({ code: "custom", message: safety.reason });
  })
  .openapi({ example: "^[A-Z]{2}-\\d{4}$" });
