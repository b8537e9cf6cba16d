/** Profile: details, password, sessions. */
export default {
  title: "Profile",
  details: {
    title: "Your details",
    name: "Name",
    email: "Email",
    saved: "Saved.",
  },
  password: {
    title: "Password",
    lead: "Changing the password signs out every other session.",
    current: "Current password",
    new: "New password",
    confirm: "Confirm the new password",
    submit: "Change the password",
    saved: "The password is changed. Other sessions are signed out.",
  },
  sessions: {
    title: "Where you are signed in",
    lead: "Each browser or app that signed in with your password. Sign out the ones you do not recognise.",
    current: "This browser",
    device: "{browser} on {os}",
    unknownDevice: "Unknown device",
    signedIn: "signed in {when}",
    lastUsed: "last used {when}",
    revoke: "Sign out",
    revokeLabel: "Sign out the session on {device}",
  },
};
