/** Profile > Browser notifications: this browser's Web Push subscription. */
export default {
  title: "Browser notifications",
  lead: "Show your notifications on this device even when the console is closed. Which events notify you is chosen above, under Push.",
  on: "This browser receives your notifications.",
  off: "This browser does not receive your notifications.",
  turnOn: "Turn on browser notifications",
  turnOff: "Turn off browser notifications",
  unsupported: "This browser cannot receive push notifications.",
  denied: "Notifications are blocked for this site in the browser's settings. Allow them there, then turn them on here.",
  unavailable: "This installation has no push key configured (VAPID_PUBLIC_KEY), so browsers cannot subscribe.",
  failed: "The browser could not subscribe: {message}",
};
