/**
 * The console's start: GET /api/v1/profile, begun by main.tsx before the first render (not in an
 * effect after it), so the answer comes back while the area chunks are still loading.
 */
import { signal } from "@preact/signals";
import { api, ApiError } from "./api";
import { booted, profile, type Profile } from "./session";

/** Why the first profile request failed (other than a 401, which means "signed out"), in words. */
export const bootError = signal<string | null>(null);

/** Loads the signed-in user; a 401 leaves `profile` empty (sign-in shows). */
export async function loadProfile(): Promise<Profile | null> {
  try {
    const me = await api.get<Profile>("/api/v1/profile");
    profile.value = me;
    return me;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/** Asks who is signed in; `booted` turns true with the answer, `bootError` says what went wrong. */
export function startBoot() {
  bootError.value = null;
  loadProfile().then(
    () => (booted.value = true),
    (error: unknown) => (bootError.value = error instanceof Error ? error.message : String(error)),
  );
}
