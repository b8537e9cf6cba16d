/**
 * The link a contact export is mailed as (`POST .../contacts/export`): `GET /api/v1/contact_exports/download?token=...`,
 * opened without a session as Chatwoot's signed file URL is. The token is signed with the
 * installation's TOKEN_SIGNING_SECRET for one account, one export and its one file, and expires with
 * the export (src/domain/export-links.ts). An altered or incomplete link answers 403 `invalid_link`,
 * an expired one 410 `link_expired`; the file comes as an attachment, never shown in the browser.
 * Counted by address (export_download.address); the token is capped in length.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { EXPORT_TOKEN_MAX_CHARS } from "../../domain/export-links";
import { EXPORT_LINK_HOURS, signedExportDownload } from "../../jobs/contact-files";
import { createRouter } from "../context";
import { ApiError, errorResponses } from "../errors";
import { limitedRoute } from "../limits";
import { exportCsvAttachment, exportLinkExpired, linkExpiredResponse } from "./contact-export-download";

const tags = ["Application: contacts"];

const LinkQuery = z.object({
  token: z
    .string()
    .max(EXPORT_TOKEN_MAX_CHARS)
    .openapi({ description: "The signed token of the mailed link", example: "12.34.1767225600.nQ3cV1x0b2y9V0k8mQH2cX5pJ6Lr7sT4uW1aZ9dE3fG" }),
});

export const contactExportLinks = createRouter();

contactExportLinks.openapi(
  limitedRoute(
    createRoute({
      method: "get",
      path: "/contact_exports/download",
      tags,
      summary: "Download a contacts export through its mailed link (no session)",
      description:
        `The link \`POST .../contacts/export\` mails to the administrator who asked: valid for ${EXPORT_LINK_HOURS} hours, for that ` +
        "account's export file only, without a token or session (whoever has the link can download the file until it expires). " +
        "403 `invalid_link` for a link that was changed or is incomplete, 410 `link_expired` once it has expired.",
      request: { query: LinkQuery },
      responses: {
        200: {
          description: "The CSV, as an attachment",
          headers: { "content-disposition": { schema: { type: "string" }, description: 'attachment; filename="contacts-<account id>-<export id>.csv"' } },
          content: { "text/csv": { schema: z.string() } },
        },
        ...linkExpiredResponse,
        ...errorResponses(400, 403),
      },
    }),
    "export_download.address",
  ),
  async (c) => {
    const result = await signedExportDownload(c.env, c.req.valid("query").token);
    if (result === "invalid")
      throw new ApiError(403, "invalid_link", "The download link is not valid: it was changed or is incomplete. Use the link from the email as it is.");
    if (result === "expired") throw exportLinkExpired();
    // The link's URL carries its token: no page the file opens from may pass it on as a referrer.
    return exportCsvAttachment(result.file, `contacts-${result.accountId}-${result.exportId}.csv`, { "referrer-policy": "no-referrer" });
  },
);
