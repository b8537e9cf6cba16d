/**
 * The strings of the administrators' screens: the sub-account's settings and the Agency View. Only
 * their chunks load this file (console/src/i18n/admin-strings.ts adds it to the catalog), so the
 * sign-in page and the inbox do not carry them.
 */
import settings from "./settings";
import agency from "./agency";
import settingsAttributes from "./settings-attributes";
import settingsSla from "./settings-sla";
import settingsMacros from "./settings-macros";
import settingsAudit from "./settings-audit";
import settingsAgents from "./settings-agents";
import settingsCampaigns from "./settings-campaigns";
import settingsInboxes from "./settings-inboxes";

export const admin = {
  settings,
  agency,
  settingsAttributes,
  settingsSla,
  settingsMacros,
  settingsAudit,
  settingsAgents,
  settingsCampaigns,
  settingsInboxes,
};
