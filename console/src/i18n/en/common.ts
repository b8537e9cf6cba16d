/** Words used across the console. */
export default {
  appName: "Parley",
  loading: "Loading…",
  save: "Save",
  saving: "Saving…",
  cancel: "Cancel",
  close: "Close",
  retry: "Try again",
  back: "Back",
  remove: "Remove",
  edit: "Edit",
  search: "Search",
  none: "None",
  yes: "Yes",
  no: "No",
  more: "More",
  unknown: "Unknown",
  /** A contact without a name, email or phone number (console/src/core/names.ts). */
  visitor: "Visitor",
  errors: {
    network: "The server could not be reached. Check your connection and try again.",
    generic: "Something went wrong: {message}",
    notFound: "This page does not exist.",
    loadFailed: "Could not load this: {message}",
  },
  offline: "You are offline. Reconnecting…",
  reconnected: "Connected again.",
  notFound: {
    title: "Page not found",
    body: "There is nothing at this address.",
    home: "Go to your conversations",
  },
  next: {
    settings: "Settings arrive in a later release.",
    agency: "The Agency View arrives in a later release.",
  },
};
