/**
 * The account's integrations registry (WhatsApp numbers, Facebook pages, Instagram accounts, Voice AI
 * agents) as signals: what the Integrations screen lists and the widget builder's pickers offer.
 */
import { signal } from "@preact/signals";
import { accountPath, api } from "../../core/api";

export type IntegrationKind = "whatsapp_numbers" | "facebook_pages" | "instagram_accounts" | "voice_ai_agents";
export const INTEGRATION_KINDS: IntegrationKind[] = ["whatsapp_numbers", "facebook_pages", "instagram_accounts", "voice_ai_agents"];

export type WhatsappNumber = { id: number; phone_number: string; display_name: string | null; status: "connected" | "disconnected" };
export type FacebookPage = { id: number; page_id: string; name: string; status: "connected" | "disconnected" };
export type InstagramAccount = { id: number; instagram_id: string; username: string; status: "connected" | "disconnected" };
export type VoiceAiAgent = { id: number; name: string; phone_number: string | null; status: "active" | "inactive" };

export type Integrations = {
  whatsapp_numbers: WhatsappNumber[];
  facebook_pages: FacebookPage[];
  instagram_accounts: InstagramAccount[];
  voice_ai_agents: VoiceAiAgent[];
};
export type IntegrationRow = Integrations[IntegrationKind][number];

export const integrations = signal<Integrations>({ whatsapp_numbers: [], facebook_pages: [], instagram_accounts: [], voice_ai_agents: [] });
export const integrationsLoaded = signal(false);

const path = (kind: IntegrationKind) => accountPath(`/integrations/${kind}`);

/** Reads the four lists again. */
export async function loadIntegrations() {
  const lists = await Promise.all(INTEGRATION_KINDS.map((kind) => api.get<{ payload: IntegrationRow[] }>(path(kind))));
  integrations.value = Object.fromEntries(INTEGRATION_KINDS.map((kind, index) => [kind, lists[index]?.payload ?? []])) as Integrations;
  integrationsLoaded.value = true;
}

/** Connects one (POST); answers the new row once the lists are read again. */
export async function connectIntegration<K extends IntegrationKind>(kind: K, body: Record<string, unknown>): Promise<Integrations[K][number]> {
  const created = await api.post<Integrations[K][number]>(path(kind), body);
  await loadIntegrations();
  return created;
}

export async function updateIntegration(kind: IntegrationKind, id: number, body: Record<string, unknown>) {
  await api.patch(`${path(kind)}/${id}`, body);
  await loadIntegrations();
}

export async function removeIntegration(kind: IntegrationKind, id: number) {
  await api.del(`${path(kind)}/${id}`);
  await loadIntegrations();
}

/** A row's name as people say it: the number, the page's name, @username, the agent's name. */
export function integrationLabel(kind: IntegrationKind, row: IntegrationRow): string {
  switch (kind) {
    case "whatsapp_numbers": {
      const number = row as WhatsappNumber;
      return number.display_name ? `${number.display_name} (${number.phone_number})` : number.phone_number;
    }
    case "facebook_pages":
      return (row as FacebookPage).name;
    case "instagram_accounts":
      return `@${(row as InstagramAccount).username}`;
    case "voice_ai_agents":
      return (row as VoiceAiAgent).name;
  }
}

/** Connected or active: what a widget can use. */
export const usable = (row: IntegrationRow) => row.status === "connected" || row.status === "active";
