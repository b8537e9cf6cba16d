/** zod schemas shared by several routers: ids, pagination, timestamps. */
import { z } from "@hono/zod-openapi";
import { webLink } from "../domain/web-url";

export { BodyId, Label, optionalText, RegexPattern, WebUrl } from "../services/field-schemas";

/** A numeric id in a path: positive integer, parsed from the string. */
export const Id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

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

export const Name = z.string().trim().min(1).max(255);

/** A link in an interactive message: an http(s) URL, or a host and path read as https (`example.com/shoes`). */
export const WebLink = z
  .string()
  .trim()
  .min(1)
  .max(2048)
  .refine((value) => webLink(value) !== null, "Expected an http or https link.")
  .openapi({ example: "https://example.com/page" });
