/**
 * A chat widget's settings and pre-chat form: the zod schemas they are validated with, their
 * defaults, how a partial change merges into what is stored, and how stored JSON is read back.
 * Shared by the chat widgets router, the public widget configuration and snapshot loads; how they
 * appear in answers is src/api/chat-widget-settings.ts.
 */
import { z } from "@hono/zod-openapi";
import type { ChatWidgetType, WorkingHoursDay } from "../db/schema";
import { ALLOWED_DOMAIN } from "../domain/allowed-domains";
import { DEFAULT_PRE_CHAT_FORM, type PreChatForm } from "../domain/pre-chat";
import { type ChannelToggles, WIDGET_CHANNELS, type WidgetChannel } from "../domain/widget-setup";
import { DEFAULT_WIDGET_COLOR, DEFAULT_WORKING_HOURS, HexColor, WorkingHoursInput } from "./inbox-configuration";
import { Locale, optionalText, Phone, RegexPattern, TimeZone } from "./field-schemas";

export const LAUNCHER_ICONS = ["chat", "message", "help", "phone"] as const;
/** The chat app's colour scheme: light, dark, or the visitor's system setting (Chatwoot's darkMode "auto"). */
export const WIDGET_THEMES = ["light", "dark", "auto"] as const;
export const MEDIA_SLOTS = ["avatar", "logo"] as const;
export type MediaSlot = (typeof MEDIA_SLOTS)[number];

/** An uploaded image as stored; answers add its URL. Only the media route sets it. */
export type StoredMedia = { key: string; content_type: string };

export type WidgetSettings = {
  colors: { primary: string; text: string };
  position: "right" | "left";
  launcher: { text: string | null; icon: (typeof LAUNCHER_ICONS)[number] };
  greeting: { title: string; tagline: string };
  /** null: the account's locale. */
  locale: string | null;
  /** timezone null: the account's. */
  business_hours: { enabled: boolean; timezone: string | null; days: WorkingHoursDay[] };
  away_message: string | null;
  allowed_domains: string[];
  /** Contact details shown in the widget; null fields use the account's location-level values. */
  business: { show: boolean; name: string | null; address: string | null; phone: string | null; email: string | null };
  /** All-in-one widgets only: which channels they offer. */
  channels: ChannelToggles | null;
  prefilled_text: string | null;
  /** The page's own script may send >cs commands that act on people (/assign, /notify, @mention) unsigned. */
  trust_page_script: boolean;
  theme: (typeof WIDGET_THEMES)[number];
  avatar: StoredMedia | null;
  logo: StoredMedia | null;
};

const NO_CHANNELS: ChannelToggles = { live_chat: false, email_sms: false, whatsapp: false, facebook: false, instagram: false, voice_ai: false };

export function defaultWidgetSettings(type: ChatWidgetType): WidgetSettings {
  return {
    colors: { primary: DEFAULT_WIDGET_COLOR, text: "#ffffff" },
    position: "right",
    launcher: { text: null, icon: "chat" },
    greeting: { title: "Hi there!", tagline: "We make it simple to connect with us. Ask us anything, or share your feedback." },
    locale: null,
    business_hours: { enabled: false, timezone: null, days: DEFAULT_WORKING_HOURS },
    away_message: null,
    allowed_domains: [],
    business: { show: false, name: null, address: null, phone: null, email: null },
    channels: type === "all_in_one" ? { ...NO_CHANNELS, live_chat: true } : null,
    prefilled_text: null,
    trust_page_script: false,
    theme: "light",
    avatar: null,
    logo: null,
  };
}

const AllowedDomain = z.string().trim().toLowerCase().max(253).regex(ALLOWED_DOMAIN, "Expected a hostname such as example.com or *.example.com.");

export const channelToggles = Object.fromEntries(WIDGET_CHANNELS.map((channel) => [channel, z.boolean()])) as Record<WidgetChannel, z.ZodBoolean>;
const ChannelTogglesInput = z.object(channelToggles).partial().strict().openapi({ description: "All-in-one widgets only" });

/** Every field optional: a create fills the rest with defaults, an update merges into what is stored. */
export const WidgetSettingsInput = z
  .object({
    colors: z.object({ primary: HexColor, text: HexColor }).partial().strict(),
    position: z.enum(["right", "left"]),
    launcher: z
      .object({ text: optionalText(40), icon: z.enum(LAUNCHER_ICONS) })
      .partial()
      .strict(),
    greeting: z
      .object({ title: z.string().trim().max(120), tagline: z.string().trim().max(240) })
      .partial()
      .strict(),
    locale: Locale.nullable().openapi({ description: "null: the account's locale" }),
    business_hours: z
      .object({
        enabled: z.boolean(),
        timezone: TimeZone.nullable().openapi({ description: "null: the account's time zone" }),
        days: WorkingHoursInput,
      })
      .partial()
      .strict(),
    away_message: optionalText(1000),
    allowed_domains: z
      .array(AllowedDomain)
      .max(50)
      .transform((domains) => [...new Set(domains)])
      .openapi({ description: "Hostnames whose pages may load the widget; `*.example.com` covers subdomains; empty: any" }),
    business: z
      .object({
        show: z.boolean(),
        name: optionalText(255),
        address: optionalText(1000),
        phone: Phone.nullable(),
        email: z.email().max(320).nullable(),
      })
      .partial()
      .strict()
      .openapi({ description: "null fields use the account's business name, address, phone and support email" }),
    channels: ChannelTogglesInput,
    prefilled_text: optionalText(500).openapi({ description: "Prefilled in WhatsApp and Messenger links" }),
    trust_page_script: z.boolean().openapi({
      description:
        "Whether the page's own script may send >cs commands that act on people (/assign, /notify, @mention) without a " +
        "signature. Off by default: any visitor can run script on a page, so those commands then need the site's signature " +
        '(docs/SECURITY.md, "What a site owner signs").',
    }),
    theme: z.enum(WIDGET_THEMES).openapi({ description: "The chat app's colours: light, dark, or auto (the visitor's system setting)" }),
  })
  .partial()
  .strict()
  .openapi("ChatWidgetSettingsInput");
export type WidgetSettingsInput = z.infer<typeof WidgetSettingsInput>;

/** `patch` over `base`, section by section: a section's fields that the patch leaves out keep their value. */
export function mergeWidgetSettings(base: WidgetSettings, patch: WidgetSettingsInput): WidgetSettings {
  return {
    ...base,
    ...patch,
    colors: { ...base.colors, ...patch.colors },
    launcher: { ...base.launcher, ...patch.launcher },
    greeting: { ...base.greeting, ...patch.greeting },
    business_hours: { ...base.business_hours, ...patch.business_hours },
    business: { ...base.business, ...patch.business },
    channels: patch.channels ? { ...(base.channels ?? NO_CHANNELS), ...patch.channels } : base.channels,
    avatar: base.avatar,
    logo: base.logo,
  };
}

const StoredMediaSchema = z.object({ key: z.string(), content_type: z.string() });
const StoredSettings = WidgetSettingsInput.extend({
  channels: ChannelTogglesInput.nullable().optional(),
  avatar: StoredMediaSchema.nullable().optional(),
  logo: StoredMediaSchema.nullable().optional(),
});

/** The settings a row holds, completed with defaults (rows written by snapshot loads may leave fields out). */
export function storedWidgetSettings(type: ChatWidgetType, stored: unknown): WidgetSettings {
  const parsed = StoredSettings.safeParse(stored);
  if (!parsed.success) throw new Error(`chat widget settings do not parse: ${parsed.error.message}`);
  const { avatar = null, logo = null, channels, ...rest } = parsed.data;
  const defaults = defaultWidgetSettings(type);
  const merged = mergeWidgetSettings({ ...defaults, avatar, logo }, rest);
  return { ...merged, channels: type === "all_in_one" ? { ...NO_CHANNELS, ...(channels ?? defaults.channels) } : null };
}

// ---- Pre-chat form --------------------------------------------------------------------------

const STANDARD_FIELD_TYPES = { email: "email", phone_number: "phone", full_name: "text" } as const;
export const PRE_CHAT_FIELD_TYPES = ["text", "email", "phone", "number", "date", "link", "list", "checkbox"] as const;

const PreChatField = z
  .object({
    field_type: z.enum(["standard", "contact_attribute", "conversation_attribute"]),
    name: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9_]+$/, "Expected letters, digits and underscores only.")
      .openapi({ description: "Standard fields: email, phone_number or full_name; attribute fields: the attribute's key" }),
    type: z.enum(PRE_CHAT_FIELD_TYPES),
    label: z.string().trim().min(1).max(255),
    placeholder: optionalText(255).transform((value) => value ?? null),
    required: z.boolean().default(false),
    enabled: z.boolean().default(true),
    values: z.array(z.string().trim().min(1).max(255)).max(100).optional(),
    regex_pattern: RegexPattern.nullable().optional(),
  })
  .strict()
  .superRefine((field, ctx) => {
    if (field.field_type === "standard") {
      const expected = STANDARD_FIELD_TYPES[field.name as keyof typeof STANDARD_FIELD_TYPES];
      if (!expected) {
        ctx.addIssue({ code: "custom", path: ["name"], message: "Standard fields are email, phone_number and full_name." });
      } else if (field.type !== expected) {
        ctx.addIssue({ code: "custom", path: ["type"], message: `The ${field.name} field has type ${expected}.` });
      }
    }
    if (field.type === "list" && !field.values?.length) {
      ctx.addIssue({ code: "custom", path: ["values"], message: "A list field needs values." });
    }
  })
  .openapi("PreChatField");
export type PreChatField = z.infer<typeof PreChatField>;

export const PreChatFormInput = z
  .object({
    enabled: z.boolean(),
    message: optionalText(1000),
    fields: z
      .array(PreChatField)
      .max(30)
      .superRefine((fields, ctx) => {
        const seen = new Set<string>();
        fields.forEach((field, index) => {
          if (seen.has(field.name)) ctx.addIssue({ code: "custom", path: [index, "name"], message: `${field.name} appears twice.` });
          seen.add(field.name);
        });
      })
      .openapi({ description: "In display order. Attribute fields must name a custom attribute definition of their model." }),
  })
  .partial()
  .strict()
  .openapi("PreChatFormInput");
export type PreChatFormInput = z.infer<typeof PreChatFormInput>;

export { DEFAULT_PRE_CHAT_FORM, type PreChatForm };

export const mergePreChatForm = (base: PreChatForm, patch: PreChatFormInput): PreChatForm => ({ ...base, ...patch });

/** The form a row holds, completed with defaults. */
export function storedPreChatForm(stored: unknown): PreChatForm {
  const parsed = PreChatFormInput.safeParse(stored);
  if (!parsed.success) throw new Error(`chat widget pre-chat form does not parse: ${parsed.error.message}`);
  return mergePreChatForm(DEFAULT_PRE_CHAT_FORM, parsed.data);
}
