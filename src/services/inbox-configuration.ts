/**
 * An inbox's configuration rules, shared by the inboxes router, chat widget settings and snapshot
 * loads: the default colour and working hours, the colour and working hours inputs, the values of a
 * new inbox row, and its configuration under its API names (what the audit log records; provider
 * secrets never shown).
 */
import { z } from "@hono/zod-openapi";
import type { inboxes, SmsProviderConfig, WhatsappProviderConfig, WorkingHoursDay } from "../db/schema";
import { CHANNEL_CLASSES } from "../domain/chatwoot-payloads";

export const DEFAULT_WIDGET_COLOR = "#1f93ff";

// Monday to Friday 09:00–17:00, the weekend closed: Chatwoot's default schedule.
export const DEFAULT_WORKING_HOURS: WorkingHoursDay[] = [0, 1, 2, 3, 4, 5, 6].map((day) => {
  const weekend = day === 0 || day === 6;
  return {
    day_of_week: day,
    closed_all_day: weekend,
    open_all_day: false,
    open_hour: weekend ? null : 9,
    open_minutes: weekend ? null : 0,
    close_hour: weekend ? null : 17,
    close_minutes: weekend ? null : 0,
  };
});

export const HexColor = z
  .string()
  .trim()
  .regex(/^#[0-9a-fA-F]{6}$/, "Expected a color such as #1f93ff.")
  .toLowerCase()
  .openapi({ example: DEFAULT_WIDGET_COLOR });
const Hour = z.number().int().min(0).max(23);
const Minute = z.number().int().min(0).max(59);

const WorkingHoursDayInput = z
  .object({
    day_of_week: z.number().int().min(0).max(6).openapi({ description: "0 = Sunday" }),
    closed_all_day: z.boolean().default(false),
    open_all_day: z.boolean().default(false),
    open_hour: Hour.nullable().optional(),
    open_minutes: Minute.nullable().optional(),
    close_hour: Hour.nullable().optional(),
    close_minutes: Minute.nullable().optional(),
  })
  .strict()
  .superRefine((day, ctx) => {
    if (day.closed_all_day && day.open_all_day) {
      ctx.addIssue({ code: "custom", path: ["open_all_day"], message: "A day cannot be both closed and open all day." });
    }
    if (day.closed_all_day || day.open_all_day) return;
    const { open_hour, open_minutes, close_hour, close_minutes } = day;
    if (open_hour == null || open_minutes == null || close_hour == null || close_minutes == null) {
      for (const field of ["open_hour", "open_minutes", "close_hour", "close_minutes"] as const) {
        if (day[field] == null) {
          ctx.addIssue({ code: "custom", path: [field], message: "Required unless the day is closed or open all day." });
        }
      }
      return;
    }
    if (close_hour * 60 + close_minutes <= open_hour * 60 + open_minutes) {
      ctx.addIssue({ code: "custom", path: ["close_hour"], message: "The closing time must be after the opening time." });
    }
  })
  .transform(
    (day): WorkingHoursDay => ({
      day_of_week: day.day_of_week,
      closed_all_day: day.closed_all_day,
      open_all_day: day.open_all_day,
      // Chatwoot's convention: open all day is 00:00–23:59, closed all day has no hours.
      open_hour: day.closed_all_day ? null : day.open_all_day ? 0 : (day.open_hour ?? null),
      open_minutes: day.closed_all_day ? null : day.open_all_day ? 0 : (day.open_minutes ?? null),
      close_hour: day.closed_all_day ? null : day.open_all_day ? 23 : (day.close_hour ?? null),
      close_minutes: day.closed_all_day ? null : day.open_all_day ? 59 : (day.close_minutes ?? null),
    }),
  );

/** Chatwoot's seven-day working hours; chat widgets reuse it for their business hours. */
export const WorkingHoursInput = z
  .array(WorkingHoursDayInput)
  .length(7, "Expected one entry for each of the 7 days of the week.")
  .superRefine((days, ctx) => {
    const seen = new Set<number>();
    days.forEach((day, index) => {
      if (seen.has(day.day_of_week)) {
        ctx.addIssue({ code: "custom", path: [index, "day_of_week"], message: `Day ${day.day_of_week} appears twice.` });
      }
      seen.add(day.day_of_week);
    });
  })
  .transform((days) => [...days].sort((a, b) => a.day_of_week - b.day_of_week))
  .openapi({ description: "Exactly one entry for each day of the week, 0 (Sunday) to 6" });

type InboxRow = typeof inboxes.$inferSelect;
type SmsColumns = "phoneNumber" | "smsProvider" | "providerConfig" | "whatsappConfig" | "whatsappTemplates" | "whatsappTemplatesSyncedAt" | "email";
/** An inbox before the database gives it an id and timestamps; the SMS columns only for SMS inboxes. */
type DefaultedColumns = "csatSurveyEnabled" | "replyTime" | "webhookSecret";
export type InboxValues = Omit<InboxRow, "id" | "createdAt" | "updatedAt" | SmsColumns | DefaultedColumns> &
  Partial<Pick<InboxRow, SmsColumns | DefaultedColumns>>;

/** An SMS inbox's provider settings as they may be shown: never the auth token. */
export const visibleProviderConfig = (config: SmsProviderConfig | null | undefined) =>
  config ? { account_sid: config.account_sid, api_base_url: config.api_base_url } : null;

/** WhatsApp inboxes' provider: the WhatsApp Cloud API. */
export const WHATSAPP_PROVIDER = "whatsapp_cloud" as const;

/** The settings as administrators see them: everything but the access token, which shows only its last four characters. */
export function visibleWhatsappConfig(config: WhatsappProviderConfig | null | undefined) {
  if (!config) return null;
  return {
    api_key: config.api_key.length >= 12 ? `********${config.api_key.slice(-4)}` : "********",
    phone_number_id: config.phone_number_id,
    business_account_id: config.business_account_id,
    webhook_verify_token: config.webhook_verify_token,
  };
}

/** The inbox's configuration under its API names: what the audit log records. Never the hmac_token or the auth token. */
export function inboxConfiguration(inbox: InboxValues) {
  return {
    name: inbox.name,
    channel_type: CHANNEL_CLASSES[inbox.channelType],
    greeting_enabled: inbox.greetingEnabled,
    greeting_message: inbox.greetingMessage,
    enable_email_collect: inbox.enableEmailCollect,
    allow_messages_after_resolved: inbox.allowMessagesAfterResolved,
    lock_to_single_conversation: inbox.lockToSingleConversation,
    working_hours_enabled: inbox.workingHoursEnabled,
    out_of_office_message: inbox.outOfOfficeMessage,
    csat_survey_enabled: inbox.csatSurveyEnabled ?? false,
    reply_time: inbox.replyTime ?? "in_a_few_minutes",
    timezone: inbox.timezone,
    working_hours: inbox.workingHours,
    website_url: inbox.websiteUrl,
    widget_color: inbox.widgetColor,
    welcome_title: inbox.welcomeTitle,
    welcome_tagline: inbox.welcomeTagline,
    website_token: inbox.websiteToken,
    inbox_identifier: inbox.inboxIdentifier,
    webhook_url: inbox.webhookUrl,
    hmac_mandatory: inbox.hmacMandatory,
    phone_number: inbox.phoneNumber ?? null,
    email: inbox.email ?? null,
    provider: inbox.smsProvider ?? (inbox.whatsappConfig ? WHATSAPP_PROVIDER : null),
    provider_config: visibleProviderConfig(inbox.providerConfig) ?? visibleWhatsappConfig(inbox.whatsappConfig),
  };
}
