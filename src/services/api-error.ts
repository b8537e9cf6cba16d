/**
 * The refusal any layer may throw while serving a request (a router, a service such as media storage):
 * an HTTP status, a machine-readable code, a message and details. src/api/errors.ts turns it into the
 * one error shape, `{"error": {"code", "message", "details"}}`.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Thrown anywhere in a request; the app's error handler turns it into the error shape. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
  ) {
    super(message);
  }
}
