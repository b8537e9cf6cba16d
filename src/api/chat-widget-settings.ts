/** How a chat widget's settings and pre-chat form appear in answers (the rules themselves are src/services/chat-widget-settings.ts). */
import { z } from "@hono/zod-openapi";
import { channelToggles, LAUNCHER_ICONS, PRE_CHAT_FIELD_TYPES, WIDGET_THEMES } from "../services/chat-widget-settings";
import { WorkingHoursDaySchema } from "./accounts/inboxes";

const MediaSchema = z.object({ url: z.string(), key: z.string(), content_type: z.string() }).nullable();

export const WidgetSettingsSchema = z
  .object({
    colors: z.object({ primary: z.string(), text: z.string() }),
    position: z.enum(["right", "left"]),
    launcher: z.object({ text: z.string().nullable(), icon: z.enum(LAUNCHER_ICONS) }),
    greeting: z.object({ title: z.string(), tagline: z.string() }),
    locale: z.string().nullable(),
    business_hours: z.object({ enabled: z.boolean(), timezone: z.string().nullable(), days: z.array(WorkingHoursDaySchema) }),
    away_message: z.string().nullable(),
    allowed_domains: z.array(z.string()),
    business: z.object({
      show: z.boolean(),
      name: z.string().nullable(),
      address: z.string().nullable(),
      phone: z.string().nullable(),
      email: z.string().nullable(),
    }),
    channels: z.object(channelToggles).nullable(),
    prefilled_text: z.string().nullable(),
    trust_page_script: z.boolean(),
    theme: z.enum(WIDGET_THEMES),
    avatar: MediaSchema,
    logo: MediaSchema,
  })
  .openapi("ChatWidgetSettings");

export const PreChatFieldSchema = z
  .object({
    field_type: z.enum(["standard", "contact_attribute", "conversation_attribute"]),
    name: z.string(),
    type: z.enum(PRE_CHAT_FIELD_TYPES),
    label: z.string(),
    placeholder: z.string().nullable(),
    required: z.boolean(),
    enabled: z.boolean(),
    values: z.array(z.string()).optional(),
    regex_pattern: z.string().nullable().optional(),
  })
  .openapi("PreChatFieldSettings");

export const PreChatFormSchema = z.object({ enabled: z.boolean(), message: z.string().nullable(), fields: z.array(PreChatFieldSchema) }).openapi("PreChatForm");
