/**
 * Chatwoot's `GET /api` answer: the version of Chatwoot's API the installation speaks, the time,
 * and whether its services answer. Chatwoot's mobile app asks it to check an installation URL
 * before it shows the sign-in screen, and reads `version` to decide which features it offers.
 */

/** The Chatwoot release whose Application, Client and /cable APIs Parley answers as (docs/CHATWOOT.md). */
export const CHATWOOT_API_VERSION = "4.0.0";
export const PARLEY_VERSION = "0.1.0";

export function installationStatus(now: Date) {
  return {
    version: CHATWOOT_API_VERSION,
    parley_version: PARLEY_VERSION,
    // Chatwoot's format: "2026-12-07 10:00:00" (Ruby's to_formatted_s(:db)), in UTC.
    timestamp: now.toISOString().slice(0, 19).replace("T", " "),
    queue_services: "ok",
    data_services: "ok",
  };
}
