/** Campaigns as the Application API answers them, and what the campaign screens load beside them. */
import { accountPath, api } from "../../core/api";

export type Campaign = {
  id: number;
  title: string;
  message: string;
  enabled: boolean;
  campaign_type: "ongoing" | "one_off";
  inbox: { id: number; name: string };
  sender: { id: number; name: string } | null;
  trigger_rules: { url?: string; time_on_page?: number };
  trigger_only_during_business_hours: boolean;
  status?: "scheduled" | "running" | "completed";
  audience?: { type: "Label"; id: number }[];
  scheduled_at?: number;
};

export type InboxOption = { id: number; name: string; channel_type: string };
export type LabelOption = { id: number; title: string; color: string };
export type AgentOption = { id: number; name: string };

/** The account's campaigns of one type, oldest first as the API lists them. */
export async function campaignsOfType(type: Campaign["campaign_type"]): Promise<Campaign[]> {
  return (await api.get<Campaign[]>(accountPath("/campaigns"))).filter((campaign) => campaign.campaign_type === type);
}

/** The account's inboxes of one channel type (Chatwoot's `Channel::WebWidget`, `Channel::Sms`). */
export async function inboxesOfChannel(channelType: string): Promise<InboxOption[]> {
  return (await api.get<{ payload: InboxOption[] }>(accountPath("/inboxes"))).payload.filter((inbox) => inbox.channel_type === channelType);
}

/** Field errors of the API under the names the forms use (`trigger_rules.url` is the URL pattern's field). */
export const FIELD_OF_ERROR: Record<string, string> = { "trigger_rules.url": "url", "trigger_rules.time_on_page": "time_on_page", trigger_rules: "url" };

export function renameFields(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([field, message]) => [FIELD_OF_ERROR[field] ?? field.split(".")[0] ?? field, message]));
}
