/**
 * Application API: Chatwoot's contact import and export (`POST .../contacts/import` and
 * `.../contacts/export`), administrators only as in Chatwoot. An import's CSV goes to R2 and the
 * queue imports it (src/jobs/contact-files.ts); its report (rows imported and refused, each refusal
 * with its row and reason) is `GET .../contact_imports/:id`. An export is written by the queue and
 * mailed to the administrator who asked as a signed link that expires and needs no session
 * (src/api/accounts/contacts-export.ts); signed in, `GET .../contact_exports/:id/download` serves it too.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { CONTACT_EXPORT_STATUSES, CONTACT_IMPORT_STATUSES, contactExports, contactImports } from "../../db/schema";
import { EXPORT_LINK_HOURS, exportDownload, MAX_IMPORT_ROWS } from "../../jobs/contact-files";
import { enqueueJobs } from "../../jobs/messages";
import { accountAuditEntry } from "../audit";
import { requireRole, userOf } from "../auth";
import { type AppEnv, createRouter } from "../context";
import { ApiError, errorResponses, notFound, validationError } from "../errors";
import { readForm, readJson } from "../messages";
import { idParams, iso, Timestamp } from "../schemas";
import { exportCsvAttachment, exportLinkExpired, linkExpiredResponse } from "./contact-export-download";
import { userSecurity } from "./profile";

const tags = ["Application: contacts"];
/** The largest CSV an import takes. */
const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

const ImportJson = z
  .object({ csv: z.string().min(1).max(MAX_IMPORT_BYTES).openapi({ description: "The CSV text, header row first" }) })
  .strict()
  .openapi("ContactImportInput");

const ImportSchema = z
  .object({
    id: z.number().int(),
    status: z.enum(CONTACT_IMPORT_STATUSES),
    total_rows: z.number().int(),
    imported_rows: z.number().int(),
    refused_rows: z.number().int(),
    refusals: z
      .array(z.object({ row: z.number().int(), reason: z.string() }))
      .openapi({ description: "Each refused row (1 is the header) and why; the first 500" }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("ContactImport");

const ExportSchema = z
  .object({
    id: z.number().int(),
    status: z.enum(CONTACT_EXPORT_STATUSES),
    rows: z.number().int(),
    expires_at: Timestamp.nullable(),
    created_at: Timestamp,
  })
  .openapi("ContactExport");

const serializeImport = (row: typeof contactImports.$inferSelect): z.infer<typeof ImportSchema> => ({
  id: row.id,
  status: row.status,
  total_rows: row.totalRows,
  imported_rows: row.importedRows,
  refused_rows: row.refusedRows,
  refusals: row.refusals,
  created_at: iso(row.createdAt),
  updated_at: iso(row.updatedAt),
});

const serializeExport = (row: typeof contactExports.$inferSelect): z.infer<typeof ExportSchema> => ({
  id: row.id,
  status: row.status,
  rows: row.rows,
  expires_at: row.expiresAt && iso(row.expiresAt),
  created_at: iso(row.createdAt),
});

/** The uploaded CSV: Chatwoot's multipart `import_file`, or JSON `{"csv": "..."}`. */
async function uploadedCsv(c: Context<AppEnv>): Promise<string> {
  if (/^multipart\/form-data/i.test(c.req.header("content-type") ?? "")) {
    const file = (await readForm(c)).get("import_file");
    if (!(file instanceof File))
      throw new ApiError(422, "validation_failed", "Send the CSV as import_file.", [{ field: "import_file", message: "is required", code: "required" }]);
    if (file.size > MAX_IMPORT_BYTES) throw new ApiError(413, "payload_too_large", "The CSV is larger than the limit.", { max_bytes: MAX_IMPORT_BYTES });
    return file.text();
  }
  const parsed = ImportJson.safeParse(await readJson(c));
  if (!parsed.success) throw validationError(parsed.error, "json");
  return parsed.data.csv;
}

const json = <T extends z.ZodType>(description: string, schema: T) => ({ description, content: { "application/json": { schema } } });

export const accountContactFiles = createRouter();

accountContactFiles.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/contacts/import",
    tags,
    security: userSecurity,
    summary: "Import contacts from a CSV (administrators)",
    description:
      'Chatwoot\'s import: multipart/form-data with the file as `import_file` (or JSON `{"csv": ...}`). Columns name, email, ' +
      "phone_number and identifier; city and company go to additional attributes, any other column to custom attributes. A row whose " +
      "identifier, email or phone number a contact already has updates that contact. The queue imports it; the report is at " +
      `GET .../contact_imports/{id}. At most ${MAX_IMPORT_ROWS} rows and ${MAX_IMPORT_BYTES / 1024 / 1024} MiB.`,
    middleware: [requireRole("administrator")] as const,
    request: {
      params: idParams("account_id"),
      body: {
        required: false,
        content: {
          "application/json": { schema: ImportJson },
          "multipart/form-data": { schema: { type: "object", properties: { import_file: { type: "string", format: "binary" } } } },
        },
      },
    },
    responses: { 202: json("The import, queued", ImportSchema), ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
  }),
  async (c) => {
    const csv = await uploadedCsv(c);
    if (csv.trim() === "") throw new ApiError(422, "validation_failed", "The CSV is empty.", [{ field: "import_file", message: "is empty", code: "blank" }]);
    const accountId = c.var.membership.accountId;
    const key = `imports/accounts/${accountId}/${crypto.randomUUID()}/contacts.csv`;
    await c.env.MEDIA.put(key, csv, { httpMetadata: { contentType: "text/csv" } });
    const db = c.var.db;
    const [[row]] = await db.batch([
      db
        .insert(contactImports)
        .values({ accountId, userId: userOf(c).id, csvKey: key })
        .returning(),
      accountAuditEntry(c, "import", "Contact", null, { bytes: csv.length }),
    ]);
    if (!row) throw new Error("contact import insert returned no row");
    await enqueueJobs(c.env.JOBS, [{ type: "contact.import", import_id: row.id }]);
    return c.json(serializeImport(row), 202);
  },
);

accountContactFiles.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/contact_imports/{import_id}",
    tags,
    security: userSecurity,
    summary: "A contact import's report (administrators)",
    middleware: [requireRole("administrator")] as const,
    request: { params: idParams("account_id", "import_id") },
    responses: { 200: json("The import", ImportSchema), ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const row = await c.var.db.query.contactImports.findFirst({
      where: and(eq(contactImports.id, c.req.valid("param").import_id), eq(contactImports.accountId, c.var.membership.accountId)),
    });
    if (!row) throw notFound("Contact import");
    return c.json(serializeImport(row), 200);
  },
);

accountContactFiles.openapi(
  createRoute({
    method: "post",
    path: "/{account_id}/contacts/export",
    tags,
    security: userSecurity,
    summary: "Export the contacts as CSV, mailed as a link (administrators)",
    description:
      `The queue writes the CSV and emails the caller a signed link to it (GET /api/v1/contact_exports/download?token=...), valid for ${EXPORT_LINK_HOURS} hours ` +
      "without a session, for this export's file only.",
    middleware: [requireRole("administrator")] as const,
    request: { params: idParams("account_id") },
    responses: { 202: json("The export, queued", ExportSchema), ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const db = c.var.db;
    const [[row]] = await db.batch([
      db
        .insert(contactExports)
        .values({ accountId: c.var.membership.accountId, userId: userOf(c).id })
        .returning(),
      accountAuditEntry(c, "export", "Contact", null, {}),
    ]);
    if (!row) throw new Error("contact export insert returned no row");
    await enqueueJobs(c.env.JOBS, [{ type: "contact.export", export_id: row.id }]);
    return c.json(serializeExport(row), 202);
  },
);

accountContactFiles.openapi(
  createRoute({
    method: "get",
    path: "/{account_id}/contact_exports/{export_id}/download",
    tags,
    security: userSecurity,
    summary: "Download a contacts export (administrators, until its link expires)",
    middleware: [requireRole("administrator")] as const,
    request: { params: idParams("account_id", "export_id") },
    responses: {
      200: { description: "The CSV", content: { "text/csv": { schema: z.string() } } },
      ...linkExpiredResponse,
      ...errorResponses(400, 401, 403, 404, 409),
    },
  }),
  async (c) => {
    const { export_id } = c.req.valid("param");
    const result = await exportDownload(c.env, c.var.membership.accountId, export_id);
    if (result === "not_found") throw notFound("Contact export");
    if (result === "not_ready") throw new ApiError(409, "not_ready", "The export is still being written.");
    if (result === "expired") throw exportLinkExpired();
    return exportCsvAttachment(result.file, `contacts-${export_id}.csv`);
  },
);
