/**
 * zod schemas of single fields that routers and jobs both validate: ids inside bodies, labels, web
 * links, optional text, safe regular expressions, locales, time zones and phone numbers.
 */
import { z } from "@hono/zod-openapi";
import { MAX_REGEX_PATTERN_LENGTH, regexSafety } from "../domain/safe-regex";
import { webUrl } from "../domain/web-url";

/** An id inside a JSON body: a positive integer, not coerced from strings. */
export const BodyId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** A label's title as Chatwoot keeps it: lower case letters, digits, _ and -. */
export const Label = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(100)
  .regex(/^[\p{L}\p{N}_-]+$/u, "Labels are letters, digits, _ and -.");

/** Optional free text that trims, and treats an empty string as "clear this field". */
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((value) => (value === "" ? null : value))
    .nullable()
    .optional();

/** A link a browser will follow or load (src/domain/web-url.ts): an absolute http or https URL. */
export const WebUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((value) => webUrl(value) !== null, "Expected an http or https URL.")
  .openapi({ format: "uri", example: "https://example.com/page" });

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

const isTimeZone = (value: string) => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
};

export const Locale = z
  .string()
  .trim()
  .regex(/^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$/, "Expected a locale such as en, pt_BR or zh-Hant.")
  .openapi({ example: "en" });

/** An IANA time zone, as the runtime's Intl knows them. */
export const TimeZone = z.string().trim().refine(isTimeZone, "Expected an IANA time zone such as Europe/Amsterdam.").openapi({ example: "America/New_York" });

export const Phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ()./-]{3,32}$/, "Expected a phone number such as +1 555 0100.");
