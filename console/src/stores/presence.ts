/**
 * Who is online: `presence.update` events from /cable (`users: {"<id>": "online"|"busy"|"offline"}`)
 * and my own availability, set with POST /api/v1/profile/availability.
 */
import { computed, signal } from "@preact/signals";
import { api } from "../core/api";
import { onCableEvent } from "../core/cable";
import { accountId, currentAccount, profile, type Availability, type Profile } from "../core/session";

/** Availability of the account's agents, by user id, as /cable last told. */
export const agentPresence = signal<Record<string, Availability>>({});

const chosen = signal<Availability | null>(null);

/** My availability in the current account. */
export const myAvailability = computed<Availability>(() => {
  const me = profile.value?.id;
  const seen = me === undefined ? undefined : agentPresence.value[String(me)];
  return chosen.value ?? seen ?? currentAccount.value?.availability_status ?? profile.value?.availability_status ?? "online";
});

const isAvailability = (v: unknown): v is Availability => v === "online" || v === "busy" || v === "offline";

export function startPresence(): () => void {
  return onCableEvent((event, data) => {
    if (event !== "presence.update" || !data || typeof data !== "object") return;
    const users = (data as { users?: Record<string, unknown> }).users;
    if (!users || typeof users !== "object") return;
    const next: Record<string, Availability> = {};
    for (const [id, status] of Object.entries(users)) if (isAvailability(status)) next[id] = status;
    agentPresence.value = next;
  });
}

/** Sets my availability in the current account (Chatwoot's POST /api/v1/profile/availability). */
export async function setAvailability(availability: Availability) {
  const previous = chosen.value;
  chosen.value = availability;
  try {
    const updated = await api.post<Partial<Profile>>("/api/v1/profile/availability", { profile: { availability, account_id: accountId.value } });
    if (updated && profile.value && Array.isArray(updated.accounts)) profile.value = { ...profile.value, ...updated } as Profile;
  } catch (error) {
    chosen.value = previous;
    throw error;
  }
}

/** Forget the choice when the account changes (each account has its own). */
export const resetAvailability = () => (chosen.value = null);
