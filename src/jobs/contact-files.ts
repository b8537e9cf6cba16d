/**
 * Contact import and export through the queue (Chatwoot's contacts/import and contacts/export).
 *
 * `contact.import`: reads the uploaded CSV from R2 and creates each row's contact, or updates the
 * contact that already has its identifier, email or phone number, as Chatwoot's importer does
 * (columns name, email, phone_number, identifier; city and company into additional attributes; any
 * other column into custom attributes). Rows that fail the Application API's own checks are refused
 * with the reason; the report counts both. A re-run job skips an import already finished.
 *
 * `contact.export`: writes the account's contacts as CSV to R2 and emails who asked a signed link
 * to download it (src/domain/export-links.ts), valid for EXPORT_LINK_HOURS without a session.
 */
import { and, eq } from "drizzle-orm";
import { openDatabase } from "../db/client";
import { accounts, contactExports, contactImports, type ContactImportRefusal, emails, users } from "../db/schema";
import type { ContactRecord } from "../domain/chatwoot-payloads";
import { exportLinkSigned, exportLinkToken, parseExportLinkToken } from "../domain/export-links";
import { csvLine, parseCsv } from "../domain/csv";
import type { ContactFields } from "../durable/account/contacts";
import { accountObject } from "../durable/addresses";
import { ContactInput, contactFields } from "../services/contact-input";
import { enqueueJobs } from "./messages";

/** Rows one import takes (beyond them, rows are refused). */
export const MAX_IMPORT_ROWS = 10_000;
/** Refusals the report keeps (it counts them all). */
const MAX_REFUSALS_KEPT = 500;
export const EXPORT_LINK_HOURS = 24;
const EXPORT_PAGE = 500;

const STANDARD_COLUMNS = new Set(["name", "email", "phone_number", "identifier"]);
const ADDITIONAL_COLUMNS = new Set(["city", "company"]);

/** One CSV row as contact fields, checked as the Application API checks a contact; or why not. */
export function contactOfRow(header: readonly string[], row: readonly string[]): { fields: ContactFields } | { refused: string } {
  const input: Record<string, unknown> = {};
  const custom: Record<string, string> = {};
  const additional: Record<string, string> = {};
  header.forEach((column, index) => {
    const value = (row[index] ?? "").trim();
    if (value === "" || column === "" || column === "id") return;
    if (STANDARD_COLUMNS.has(column)) input[column] = value;
    else if (ADDITIONAL_COLUMNS.has(column)) additional[column === "company" ? "company_name" : column] = value;
    else custom[column] = value;
  });
  if (Object.keys(custom).length > 0) input.custom_attributes = custom;
  if (Object.keys(additional).length > 0) input.additional_attributes = additional;
  if (!input.name && !input.email && !input.phone_number && !input.identifier) return { refused: "The row has no name, email, phone number or identifier." };
  const parsed = ContactInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { refused: issue ? `${issue.path.join(".") || "row"}: ${issue.message}` : "The row is not a valid contact." };
  }
  return { fields: contactFields(parsed.data) };
}

const UNIQUE_FIELDS = ["identifier", "email", "phone_number"] as const;
const recordValue = (contact: ContactRecord, field: (typeof UNIQUE_FIELDS)[number]) =>
  field === "identifier" ? contact.identifier : field === "email" ? contact.email : contact.phoneNumber;

/** Creates the contact, or updates the one that already has its identifier, email or phone number. */
async function upsertContact(env: Env, accountId: number, fields: ContactFields): Promise<string | null> {
  const account = accountObject(env, accountId);
  const created = await account.createContact(fields);
  if (!("conflict" in created)) return null;
  const field = UNIQUE_FIELDS.find((name) => name === created.conflict);
  const value = field ? fields[field] : null;
  if (!field || !value) return `${created.conflict} has already been taken.`;
  const { contacts } = await account.listContacts({ q: value, page: 1, perPage: 25, sort: "created_at", descending: true });
  const existing = contacts.find((contact) => recordValue(contact, field)?.toLowerCase() === value.toLowerCase());
  if (!existing) return `${field} has already been taken.`;
  const updated = await account.updateContact(existing.id, fields);
  if (updated === null) return "The contact it matches was deleted meanwhile.";
  return "conflict" in updated ? `${updated.conflict} has already been taken by another contact.` : null;
}

export async function importContacts(env: Env, importId: number): Promise<void> {
  const db = openDatabase(env.DB);
  const job = await db.query.contactImports.findFirst({ where: eq(contactImports.id, importId) });
  if (job?.status !== "queued") return;
  const object = await env.MEDIA.get(job.csvKey);
  if (!object) {
    await db
      .update(contactImports)
      .set({ status: "failed", refusals: [{ row: 0, reason: "The uploaded file is gone." }], updatedAt: new Date() })
      .where(eq(contactImports.id, importId));
    return;
  }
  const [headerRow, ...rows] = parseCsv(await object.text());
  const header = (headerRow ?? []).map((column) => column.trim().toLowerCase());
  const refusals: ContactImportRefusal[] = [];
  let imported = 0;
  let refused = 0;
  const refuse = (row: number, reason: string) => {
    refused++;
    if (refusals.length < MAX_REFUSALS_KEPT) refusals.push({ row, reason });
  };
  for (const [index, row] of rows.entries()) {
    // Row numbers as a spreadsheet shows them: the header is row 1.
    const rowNumber = index + 2;
    if (row.every((field) => field.trim() === "")) continue;
    if (index >= MAX_IMPORT_ROWS) {
      refuse(rowNumber, `An import takes at most ${MAX_IMPORT_ROWS} rows.`);
      continue;
    }
    const contact = contactOfRow(header, row);
    if ("refused" in contact) {
      refuse(rowNumber, contact.refused);
      continue;
    }
    const problem = await upsertContact(env, job.accountId, contact.fields);
    if (problem) refuse(rowNumber, problem);
    else imported++;
  }
  await db
    .update(contactImports)
    .set({ status: "completed", totalRows: imported + refused, importedRows: imported, refusedRows: refused, refusals, updatedAt: new Date() })
    .where(eq(contactImports.id, importId));
  await env.MEDIA.delete(job.csvKey);
}

const EXPORT_COLUMNS = ["id", "name", "email", "phone_number", "identifier", "city", "company", "created_at", "last_activity_at"] as const;

function exportLine(contact: ContactRecord): string {
  const about = contact.additionalAttributes;
  const text = (value: unknown) => (typeof value === "string" ? value : null);
  const time = (seconds: number | null) => (seconds === null ? null : new Date(seconds * 1000).toISOString());
  return csvLine([
    contact.id,
    contact.name,
    contact.email,
    contact.phoneNumber,
    contact.identifier,
    text(about.city),
    text(about.company_name) ?? text(about.company),
    time(contact.createdAt),
    time(contact.lastActivityAt),
  ]);
}

/** Where an export's file is kept: outside the `accounts/` prefix /media serves, so only its expiring link reaches it. */
export const exportFileKey = (accountId: number, exportId: number) => `exports/accounts/${accountId}/${exportId}-${crypto.randomUUID()}/contacts.csv`;

export const exportDownloadPath = (accountId: number, exportId: number) => `/api/v1/accounts/${accountId}/contact_exports/${exportId}/download`;

/** The public route a signed export link opens (src/api/accounts/contacts-export.ts). */
export const SIGNED_EXPORT_PATH = "/api/v1/contact_exports/download";

/** The link mailed for a written export: the signed route with the export's token, no session needed. */
export async function signedExportLink(env: Env, input: { accountId: number; exportId: number; fileKey: string; expiresAt: Date }): Promise<string> {
  const token = await exportLinkToken(env.TOKEN_SIGNING_SECRET, { ...input, expiresAt: Math.floor(input.expiresAt.getTime() / 1000) });
  return `${env.PUBLIC_URL.replace(/\/+$/, "")}${SIGNED_EXPORT_PATH}?token=${token}`;
}

export async function exportContacts(env: Env, exportId: number, now = new Date()): Promise<void> {
  const db = openDatabase(env.DB);
  const job = await db.query.contactExports.findFirst({ where: eq(contactExports.id, exportId) });
  if (job?.status !== "queued") return;
  const account = accountObject(env, job.accountId);
  let csv = csvLine(EXPORT_COLUMNS);
  let rows = 0;
  for (let page = 1; ; page++) {
    const { contacts } = await account.listContacts({ q: null, page, perPage: EXPORT_PAGE, sort: "created_at", descending: false });
    for (const contact of contacts) csv += exportLine(contact);
    rows += contacts.length;
    if (contacts.length < EXPORT_PAGE) break;
  }
  const key = exportFileKey(job.accountId, exportId);
  await env.MEDIA.put(key, csv, { httpMetadata: { contentType: "text/csv; charset=utf-8" } });
  const expiresAt = new Date(now.getTime() + EXPORT_LINK_HOURS * 3600 * 1000);
  await db.update(contactExports).set({ status: "completed", fileKey: key, rows, expiresAt, updatedAt: now }).where(eq(contactExports.id, exportId));

  const [requester, accountRow] = await Promise.all([
    job.userId === null ? null : db.query.users.findFirst({ where: eq(users.id, job.userId), columns: { name: true, email: true } }),
    db.query.accounts.findFirst({ where: eq(accounts.id, job.accountId), columns: { name: true } }),
  ]);
  if (!requester) return;
  const link = await signedExportLink(env, { accountId: job.accountId, exportId, fileKey: key, expiresAt });
  const [email] = await db
    .insert(emails)
    .values({
      accountId: job.accountId,
      key: `contact_export:${exportId}`,
      kind: "contact_export",
      to: [requester.email],
      subject: `Your contacts export of ${accountRow?.name ?? "your account"} is ready`,
      text:
        `Hello ${requester.name},\n\nThe export of ${rows} contacts is ready. Download it within ${EXPORT_LINK_HOURS} hours ` +
        `(until ${expiresAt.toISOString()}):\n\n${link}\n\n` +
        "The link needs no sign-in: whoever has it can download this file until then, so keep it to yourself.\n",
    })
    .onConflictDoNothing()
    .returning({ id: emails.id });
  if (email) await enqueueJobs(env.JOBS, [{ type: "email.send", email_id: email.id }]);
}

/** The export's file for a download, or why not: unknown, not ready, or its link expired (the file is then deleted). */
export async function exportDownload(
  env: Env,
  accountId: number,
  exportId: number,
  now = new Date(),
): Promise<{ file: R2ObjectBody } | "not_found" | "not_ready" | "expired"> {
  const db = openDatabase(env.DB);
  const job = await db.query.contactExports.findFirst({ where: and(eq(contactExports.id, exportId), eq(contactExports.accountId, accountId)) });
  if (!job) return "not_found";
  if (job.status !== "completed" || !job.fileKey) return "not_ready";
  if (!job.expiresAt || job.expiresAt.getTime() <= now.getTime()) {
    await env.MEDIA.delete(job.fileKey);
    return "expired";
  }
  const file = await env.MEDIA.get(job.fileKey);
  return file ? { file } : "expired";
}

/**
 * The file a signed export link opens, or why not: `invalid` when the token is malformed, names no
 * written export, or was not signed for that account, export, file and expiry (altered); `expired`
 * past its expiry (the file is then deleted, as for the signed-in download).
 */
export async function signedExportDownload(
  env: Env,
  token: string,
  now = new Date(),
): Promise<{ file: R2ObjectBody; accountId: number; exportId: number } | "invalid" | "expired"> {
  const claim = parseExportLinkToken(token);
  if (!claim) return "invalid";
  const db = openDatabase(env.DB);
  const job = await db.query.contactExports.findFirst({ where: and(eq(contactExports.id, claim.exportId), eq(contactExports.accountId, claim.accountId)) });
  if (!job?.fileKey || !(await exportLinkSigned(env.TOKEN_SIGNING_SECRET, claim, job.fileKey))) return "invalid";
  const result = claim.expiresAt * 1000 <= now.getTime() ? "expired" : await exportDownload(env, claim.accountId, claim.exportId, now);
  if (result === "expired" || result === "not_found" || result === "not_ready") return "expired";
  return { file: result.file, accountId: claim.accountId, exportId: claim.exportId };
}
