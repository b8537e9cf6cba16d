/**
 * The English catalog: one file per area, each owned with its area. t("area.key") reads it.
 * Add an area: create `<area>.ts` exporting its strings as default and list it here.
 */
import common from "./common";
import auth from "./auth";
import shell from "./shell";
import inbox from "./inbox";
import conversation from "./conversation";
import profile from "./profile";
import settings from "./settings";
import agency from "./agency";
import settingsAttributes from "./settings-attributes";
import settingsSla from "./settings-sla";
import settingsMacros from "./settings-macros";
import profileNotifications from "./profile-notifications";
import profilePush from "./profile-push";
import settingsAudit from "./settings-audit";
import settingsAgents from "./settings-agents";
import settingsCampaigns from "./settings-campaigns";
import settingsInboxes from "./settings-inboxes";
import replyWindow from "./reply-window";

export const en = {
  common,
  auth,
  shell,
  inbox,
  conversation,
  profile,
  settings,
  agency,
  settingsAttributes,
  settingsSla,
  settingsMacros,
  profileNotifications,
  profilePush,
  settingsAudit,
  settingsAgents,
  settingsCampaigns,
  settingsInboxes,
  replyWindow,
};
