/** Settings > Inboxes: the inbox as the Application API shows it to administrators, and what the screens derive from it. */
import { t } from "../../core/i18n";
import type { BusinessDay } from "../../../../src/domain/business-hours";
import type { IconName } from "../../core/icons";

export type Day = BusinessDay;

export const CHANNEL_CLASSES = {
  "Channel::WebWidget": "web_widget",
  "Channel::Api": "api",
  "Channel::Sms": "sms",
  "Channel::Email": "email",
  "Channel::Whatsapp": "whatsapp",
  "Channel::FacebookPage": "facebook_page",
  "Channel::Instagram": "instagram",
} as const;
export type ChannelKind = (typeof CHANNEL_CLASSES)[keyof typeof CHANNEL_CLASSES];

export const REPLY_TIMES = ["in_a_few_minutes", "in_a_few_hours", "in_a_day"] as const;
export type ReplyTime = (typeof REPLY_TIMES)[number];

export type Inbox = {
  id: number;
  name: string;
  channel_type: keyof typeof CHANNEL_CLASSES;
  greeting_enabled: boolean;
  greeting_message: string | null;
  csat_survey_enabled: boolean;
  reply_time: ReplyTime;
  working_hours_enabled: boolean;
  timezone: string;
  working_hours: Day[];
  hmac_mandatory: boolean;
  hmac_token?: string;
  website_url: string | null;
  widget_color: string | null;
  welcome_title: string | null;
  welcome_tagline: string | null;
  web_widget_script: string | null;
  inbox_identifier: string;
  webhook_url: string | null;
  phone_number: string | null;
  provider: string | null;
  /** SMS: account_sid and api_base_url; WhatsApp: its ids, the verify token and the access token masked. */
  provider_config?: {
    account_sid?: string;
    api_base_url?: string | null;
    api_key?: string;
    phone_number_id?: string;
    business_account_id?: string;
    webhook_verify_token?: string;
  } | null;
  page_id?: string;
  instagram_id?: string;
  email: string | null;
  /** Where the provider sends its webhooks (WhatsApp, SMS, Messenger, Instagram). */
  callback_webhook_url: string | null;
};

export type Agent = { id: number; name: string; email: string };

/** The choices of the Add inbox flow, in the order they are offered, with their icons. */
export const CHANNELS: { kind: ChannelKind; icon: IconName }[] = [
  { kind: "web_widget", icon: "globe" },
  { kind: "api", icon: "code" },
  { kind: "sms", icon: "sms" },
  { kind: "whatsapp", icon: "whatsapp" },
  { kind: "facebook_page", icon: "messenger" },
  { kind: "instagram", icon: "instagram" },
  { kind: "email", icon: "mail" },
];

export const kindOf = (inbox: Inbox): ChannelKind => CHANNEL_CLASSES[inbox.channel_type];

/** The heading of the part that says what to paste where. */
export const connectTitle = (kind: ChannelKind) => t(`settingsInboxes.connect.${kind === "web_widget" || kind === "api" ? kind : "other"}`);

/** Identity verification (an HMAC of the visitor's identifier) belongs to website and API inboxes only. */
export const verifiesIdentity = (kind: ChannelKind) => kind === "web_widget" || kind === "api";

/** What the inbox list shows under an inbox's name: its site, number, page, account or address. */
export const addressOf = (inbox: Inbox) =>
  inbox.website_url ??
  inbox.phone_number ??
  inbox.email ??
  (inbox.page_id ? t("settingsInboxes.pageAddress", { id: inbox.page_id }) : null) ??
  inbox.instagram_id ??
  inbox.webhook_url ??
  "";

/** A verify token for a new WhatsApp inbox, which the administrator may keep or replace. */
export function randomVerifyToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}
