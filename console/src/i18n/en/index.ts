/**
 * The English catalog: one file per area, each owned with its area. t("area.key") reads it.
 * Add an area: create `<area>.ts` exporting its strings as default and list it here, or, for a
 * screen of the settings or the Agency View, in ./admin.ts, which only their chunks load.
 */
import common from "./common";
import auth from "./auth";
import shell from "./shell";
import inbox from "./inbox";
import conversation from "./conversation";
import profile from "./profile";
import profileNotifications from "./profile-notifications";
import profilePush from "./profile-push";
import replyWindow from "./reply-window";

/** What every screen may need: the sign-in page, the shell, the inbox and the profile. */
export const en = {
  common,
  auth,
  shell,
  inbox,
  conversation,
  profile,
  profileNotifications,
  profilePush,
  replyWindow,
};
