/** The one error shape of every API: {"error": {"code", "message", "details"}}. */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ZodError } from "zod";
import { ApiError } from "../services/api-error";

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "validation_failed" }),
      message: z.string().openapi({ example: "The request body is not valid." }),
      details: z.unknown().openapi({ description: "Machine-readable specifics, e.g. one entry per invalid field." }),
    }),
  })
  .openapi("Error");

export type ErrorBody = z.infer<typeof ErrorSchema>;

/** Thrown anywhere in a request, below the routers too; `handleError` turns it into the error shape. */
export { ApiError };

export const notFound = (what: string) => new ApiError(404, "not_found", `${what} not found.`);
export const forbidden = (message: string) => new ApiError(403, "forbidden", message);
export const unauthorized = (message = "A valid access token is required.") => new ApiError(401, "unauthorized", message);
export const conflict = (message: string, details: unknown = null) => new ApiError(409, "conflict", message, details);

export type FieldIssue = { field: string; message: string; code: string };

/** Flattens zod issues into one entry per offending field, named by its dotted path. */
export function fieldIssues(error: ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: issue.path.map(String).join(".") || "(root)",
    message: issue.message,
    code: issue.code,
  }));
}

const VALIDATION_MESSAGES = {
  json: "The request body is not valid.",
  query: "The query parameters are not valid.",
  param: "The path parameters are not valid.",
  header: "The request headers are not valid.",
} as const;

/** Used as every router's zod-openapi defaultHook: a failed parse becomes a 4xx, never a 500. */
export function validationError(error: ZodError, target: string): ApiError {
  const isBody = target === "json" || target === "form";
  const message = VALIDATION_MESSAGES[target as keyof typeof VALIDATION_MESSAGES] ?? "The request is not valid.";
  return new ApiError(isBody ? 422 : 400, isBody ? "validation_failed" : "invalid_parameter", message, fieldIssues(error));
}

export function errorBody(code: string, message: string, details: unknown = null): ErrorBody {
  return { error: { code, message, details } };
}

/** app.onError: known errors keep their status; anything unexpected is logged and hidden behind a 500. */
export function handleError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    return c.json(errorBody(err.code, err.message, err.details), err.status);
  }
  if (err instanceof HTTPException) {
    if (err.status === 400 && /malformed json/i.test(err.message)) {
      return c.json(errorBody("malformed_json", "The request body is not valid JSON."), 400);
    }
    return c.json(errorBody(codeForStatus(err.status), err.message || "The request could not be handled."), err.status);
  }
  if (err instanceof ZodError) {
    return c.json(errorBody("validation_failed", "The request is not valid.", fieldIssues(err)), 422);
  }
  if (isUniqueViolation(err)) {
    // Two requests raced past a uniqueness check; the database kept one, the other conflicts.
    return c.json(errorBody("conflict", "This conflicts with something that was just created.", null), 409);
  }
  console.error("unhandled error", err);
  return c.json(errorBody("internal_error", "Something went wrong on our side."), 500);
}

function codeForStatus(status: number): string {
  switch (status) {
    case 400:
      return "bad_request";
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 409:
      return "conflict";
    case 413:
      return "payload_too_large";
    case 415:
      return "unsupported_media_type";
    default:
      return "error";
  }
}

/** Reusable OpenAPI response entries, so every route documents its error answers. */
export const errorResponses = (...statuses: (400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 422)[]) =>
  Object.fromEntries(statuses.map((status) => [status, { description: ERROR_DESCRIPTIONS[status], content: { "application/json": { schema: ErrorSchema } } }]));

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Malformed JSON or invalid path/query parameters",
  401: "Missing or invalid access token",
  403: "The token's role may not do this",
  404: "Not found in the caller's scope",
  405: "Not allowed for this resource",
  409: "Conflicts with the current state",
  413: "Body larger than the documented limit",
  415: "Body is not application/json",
  422: "Body failed validation",
};

function isUniqueViolation(err: unknown): boolean {
  for (let current: unknown = err, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (/UNIQUE constraint failed/i.test(current.message)) return true;
  }
  return false;
}
