/** Who is signed in and which sub-account they look at. Filled at boot from GET /api/v1/profile. */
import { computed, signal } from "@preact/signals";
import { navigate } from "./router";

export type Role = "administrator" | "agent";
export type Availability = "online" | "busy" | "offline";

export type ProfileAccount = { id: number; name: string; role: Role; active_at?: string | null; availability_status?: Availability };

/** The /api/v1/profile object (the sign-in answer has the same fields plus tokens). */
export type Profile = {
  id: number;
  name: string;
  email: string;
  pubsub_token: string;
  accounts: ProfileAccount[];
  display_name?: string | null;
  available_name?: string | null;
  avatar_url?: string | null;
  availability_status?: Availability;
  account_id?: number | null;
  role?: Role;
  /** Only for a person of the agency itself: their role there, and the sub-account this session opened. */
  agency_role?: "owner" | "admin";
  acting_account_id?: number | null;
};

/** The signed-in user, or null (signed out, or not known yet: see `booted`). */
export const profile = signal<Profile | null>(null);
/** True once the first profile request answered (signed in or not). */
export const booted = signal(false);
/** The sub-account in view (from the route /app/accounts/:accountId/...). */
export const accountId = signal<number | null>(null);
/** A message for the sign-in screen, e.g. why the session ended. */
export const signInNotice = signal<"expired" | "signed_out" | null>(null);

export const currentAccount = computed(() => profile.value?.accounts.find((a) => a.id === accountId.value) ?? null);
export const role = computed<Role | null>(() => currentAccount.value?.role ?? null);
export const currentUserId = computed<number | null>(() => profile.value?.id ?? null);
/** The name other people see (Chatwoot's available_name). */
export const displayName = computed(() => {
  const p = profile.value;
  return p ? p.available_name || p.display_name || p.name : "";
});

let returnTo: string | null = null;
/** Where to go after signing in again: the page the session expired on, once. */
export function takeReturnTo(): string | null {
  const path = returnTo;
  returnTo = null;
  return path;
}

const listeners = new Set<() => void>();
/** Runs `handler` whenever the session ends (sign-out, expiry); returns the unsubscribe function. */
export function onSessionEnd(handler: () => void): () => void {
  listeners.add(handler);
  return () => listeners.delete(handler);
}

/** Ends the session locally: forgets the user and returns to sign-in (with a notice). */
export function endSession(reason: "expired" | "signed_out") {
  const wasSignedIn = profile.value !== null;
  const here = location.pathname;
  const onAuthPage = here.startsWith("/app/login") || here.startsWith("/app/auth/");
  if (reason === "expired" && !onAuthPage && here.startsWith("/app/accounts/")) returnTo = here + location.search;
  profile.value = null;
  accountId.value = null;
  signInNotice.value = reason === "expired" && !wasSignedIn ? null : reason;
  for (const listener of [...listeners]) listener();
  if (!onAuthPage) navigate("/app/login", { replace: true });
}

/** The path of a sub-account's conversation list. */
export const conversationsPath = (id: number) => `/app/accounts/${id}/conversations`;
