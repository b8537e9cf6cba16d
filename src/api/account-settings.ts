/**
 * A sub-account's settings, shared by the Agency API (which owns accounts) and the Application
 * API (where an account's administrators update them). Location-level fields live here because
 * widgets and snapshots read them from the account.
 */
import { z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { accounts } from "../db/schema";
import { auditEntry, changedFields } from "./audit";
import { Locale, Phone, TimeZone } from "../services/field-schemas";
import type { AppEnv } from "./context";
import { iso, Name, optionalText, Timestamp } from "./schemas";

const Country = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}$/, "Expected an ISO 3166-1 alpha-2 country code such as US.")
  .openapi({ example: "US" });

const settingsFields = {
  locale: Locale,
  country: Country.nullable(),
  timezone: TimeZone,
  business_name: optionalText(255),
  business_address: optionalText(1000),
  business_phone: Phone.nullable(),
  support_email: z.email().max(320).nullable(),
};

export const AccountCreateInput = z
  .object({
    name: Name.openapi({ example: "Acme Dental" }),
    locale: settingsFields.locale.optional(),
    country: settingsFields.country.optional(),
    timezone: settingsFields.timezone.optional(),
    business_name: settingsFields.business_name,
    business_address: settingsFields.business_address,
    business_phone: settingsFields.business_phone.optional(),
    support_email: settingsFields.support_email.optional(),
  })
  .strict()
  .openapi("AccountCreateInput");

export const AccountUpdateInput = AccountCreateInput.partial().strict().openapi("AccountUpdateInput");
export type AccountUpdateInput = z.infer<typeof AccountUpdateInput>;

export const AccountSchema = z
  .object({
    id: z.number().int(),
    agency_id: z.number().int(),
    name: z.string(),
    locale: z.string(),
    country: z.string().nullable(),
    timezone: z.string(),
    business_name: z.string().nullable(),
    business_address: z.string().nullable(),
    business_phone: z.string().nullable(),
    support_email: z.string().nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Account");

export type AccountRow = typeof accounts.$inferSelect;

export function serializeAccount(account: AccountRow): z.infer<typeof AccountSchema> {
  return {
    id: account.id,
    agency_id: account.agencyId,
    name: account.name,
    locale: account.locale,
    country: account.country,
    timezone: account.timezone,
    business_name: account.businessName,
    business_address: account.businessAddress,
    business_phone: account.businessPhone,
    support_email: account.supportEmail,
    created_at: iso(account.createdAt),
    updated_at: iso(account.updatedAt),
  };
}

/** API field names to row field names, for inserts and updates. */
export function accountColumns(input: AccountUpdateInput) {
  return {
    name: input.name,
    locale: input.locale,
    country: input.country,
    timezone: input.timezone,
    businessName: input.business_name,
    businessAddress: input.business_address,
    businessPhone: input.business_phone,
    supportEmail: input.support_email,
  };
}

/** Applies a settings patch and its audit entry in one batch; returns the updated account. */
export async function updateAccountSettings(c: Context<AppEnv>, account: AccountRow, input: AccountUpdateInput) {
  const before = serializeAccount(account);
  const changes = changedFields(before, input);
  if (Object.keys(changes).length === 0) return account;
  const db = c.var.db;
  const [[updated]] = await db.batch([
    db
      .update(accounts)
      .set({ ...accountColumns(input), updatedAt: new Date() })
      .where(eq(accounts.id, account.id))
      .returning(),
    auditEntry(c, {
      action: "update",
      auditableType: "Account",
      auditableId: account.id,
      agencyId: account.agencyId,
      accountId: account.id,
      changes,
    }),
  ]);
  return updated ?? account;
}
