/**
 * WhatsApp inboxes (Chatwoot's `Channel::Whatsapp` with provider `whatsapp_cloud`): their `channel`
 * input, how the Cloud API settings are stored and shown (the access token never returned), and how
 * the inbox is the integration registry's WhatsApp number: creating the inbox registers the number
 * (or links the one already registered) in the same batch, so widgets and snapshot mapping see it
 * connected; deleting the inbox unlinks it (the foreign key's ON DELETE SET NULL).
 */
import { z } from "@hono/zod-openapi";
import { and, eq, type SQL, sql } from "drizzle-orm";
import type { Context } from "hono";
import { whatsappNumbers, type WhatsappProviderConfig } from "../../db/schema";
import { WHATSAPP_PROVIDER } from "../../services/inbox-configuration";
import { auditEntry } from "../audit";
import type { AppEnv } from "../context";

const GraphId = (what: string, example: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,32}$/, `Expected the ${what}: digits, as Meta shows it.`)
    .openapi({ example });

const whatsappConfigFields = {
  api_key: z.string().trim().min(1).max(1024).openapi({ description: "The access token (a system user's permanent token); stored, never returned" }),
  phone_number_id: GraphId("phone number id", "106540352242922").openapi({ description: "WhatsApp Manager > API Setup: Phone number ID" }),
  business_account_id: GraphId("WhatsApp Business account id", "102290129340398").openapi({
    description: "WhatsApp Business Account ID (message templates are listed from it)",
  }),
  webhook_verify_token: z
    .string()
    .trim()
    .min(8)
    .max(256)
    .regex(/^[\x21-\x7e]+$/, "Expected printable characters without spaces.")
    .openapi({ description: "Any secret string; give the same one to Meta with the callback URL" }),
};

export const WhatsappChannelInput = z
  .object({
    type: z.literal("whatsapp"),
    phone_number: z
      .string()
      .trim()
      .regex(/^\+[1-9]\d{1,14}$/, "Expected an E.164 phone number such as +14155550100.")
      .openapi({ example: "+14155550100", description: "The WhatsApp business number (E.164); its webhook is /webhooks/whatsapp/{phone_number}" }),
    provider: z.literal(WHATSAPP_PROVIDER).optional().openapi({ description: "The WhatsApp Cloud API (the default)" }),
    provider_config: z.object(whatsappConfigFields).strict().openapi("WhatsappProviderConfigInput"),
  })
  .strict()
  .openapi("WhatsappChannelInput");
export type WhatsappChannelInput = z.infer<typeof WhatsappChannelInput>;

/** What a PATCH may change in `channel.provider_config` of a WhatsApp inbox: the fields given replace the stored ones. */
export const whatsappConfigUpdateFields = {
  api_key: whatsappConfigFields.api_key.optional(),
  phone_number_id: whatsappConfigFields.phone_number_id.optional(),
  business_account_id: whatsappConfigFields.business_account_id.optional(),
  webhook_verify_token: whatsappConfigFields.webhook_verify_token.optional(),
};
const WHATSAPP_CONFIG_KEYS = Object.keys(whatsappConfigUpdateFields);

/** `provider_config` fields of the other channel in a PATCH (SMS fields for a WhatsApp inbox and the other way round), as 422 details. */
export function providerConfigIssues(channelType: string, given: Record<string, unknown> | undefined) {
  if (!given || (channelType !== "whatsapp" && channelType !== "sms")) return [];
  const ownWhatsapp = channelType === "whatsapp";
  return Object.keys(given)
    .filter((key) => given[key] !== undefined && WHATSAPP_CONFIG_KEYS.includes(key) !== ownWhatsapp)
    .map((key) => ({
      field: `channel.provider_config.${key}`,
      message: `${ownWhatsapp ? "WhatsApp" : "SMS"} inboxes have no ${key}.`,
      code: "not_for_channel_type",
    }));
}

export const VisibleWhatsappConfigSchema = z
  .object({ api_key: z.string(), phone_number_id: z.string(), business_account_id: z.string(), webhook_verify_token: z.string() })
  .openapi("WhatsappProviderConfig", { description: "WhatsApp inboxes, administrators only: the access token masked" });

export const whatsappConfigOf = (channel: WhatsappChannelInput): WhatsappProviderConfig => ({ ...channel.provider_config });

/** The stored settings after a PATCH's `provider_config`; `tokenChanged` for the audit log, which says only that. */
export function updatedWhatsappConfig(current: WhatsappProviderConfig, given: Partial<Record<keyof WhatsappProviderConfig, string>> | undefined) {
  const next: WhatsappProviderConfig = {
    api_key: given?.api_key ?? current.api_key,
    phone_number_id: given?.phone_number_id ?? current.phone_number_id,
    business_account_id: given?.business_account_id ?? current.business_account_id,
    webhook_verify_token: given?.webhook_verify_token ?? current.webhook_verify_token,
  };
  return { config: next, tokenChanged: next.api_key !== current.api_key };
}

/**
 * The statements, for the inbox's create batch, that make the inbox the registry's number: the row
 * registered (connected) or linked, and its audit entry. `inboxId` is SQL naming the new inbox.
 */
export async function linkWhatsappNumber(c: Context<AppEnv>, phoneNumber: string, inbox: { name: string; inboxId: SQL }) {
  const db = c.var.db;
  const { accountId, agencyId } = c.var.membership;
  const [existing] = await db
    .select({ id: whatsappNumbers.id })
    .from(whatsappNumbers)
    .where(and(eq(whatsappNumbers.accountId, accountId), eq(whatsappNumbers.phoneNumber, phoneNumber)));
  const numberRow = sql`(select id from whatsapp_numbers where account_id = ${accountId} and phone_number = ${phoneNumber})`;
  return [
    existing
      ? db.update(whatsappNumbers).set({ inboxId: inbox.inboxId, status: "connected", updatedAt: new Date() }).where(eq(whatsappNumbers.id, existing.id))
      : db.insert(whatsappNumbers).values({ accountId, phoneNumber, displayName: inbox.name, status: "connected", inboxId: inbox.inboxId }),
    auditEntry(c, {
      action: existing ? "update" : "create",
      auditableType: "WhatsappNumber",
      auditableId: numberRow,
      agencyId,
      accountId,
      changes: existing
        ? { inbox: [null, "linked"], status: [null, "connected"] }
        : { phone_number: phoneNumber, display_name: inbox.name, status: "connected", inbox: "linked" },
    }),
  ] as const;
}

/** For a PATCH that changes a WhatsApp inbox's number: the old number is unlinked and the new one registered or linked. */
export async function relinkWhatsappNumber(c: Context<AppEnv>, inbox: { id: number; name: string }, phoneNumber: string) {
  const db = c.var.db;
  return [
    db.update(whatsappNumbers).set({ inboxId: null, updatedAt: new Date() }).where(eq(whatsappNumbers.inboxId, inbox.id)),
    ...(await linkWhatsappNumber(c, phoneNumber, { name: inbox.name, inboxId: sql`${inbox.id}` })),
  ] as const;
}
