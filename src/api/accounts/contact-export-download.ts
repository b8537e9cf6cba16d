/**
 * How a contacts export's file is served, signed in (`GET .../contact_exports/:id/download`) or
 * through its mailed link (src/api/accounts/contacts-export.ts): the CSV as an attachment that is
 * never cached or sniffed, and the one answer once the export's link has expired.
 */
import { ApiError, ErrorSchema } from "../errors";

/** The OpenAPI answer both downloads document for an expired link. */
export const linkExpiredResponse = { 410: { description: "The link expired", content: { "application/json": { schema: ErrorSchema } } } };

export const exportLinkExpired = () => new ApiError(410, "link_expired", "The export's link has expired; export the contacts again.");

/** The export's CSV as an attachment named `filename`; `extraHeaders` for what one way of downloading adds. */
export function exportCsvAttachment(file: R2ObjectBody, filename: string, extraHeaders: Record<string, string> = {}) {
  return new Response(file.body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
      ...extraHeaders,
    },
  });
}
