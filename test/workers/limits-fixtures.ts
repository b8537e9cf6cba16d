// Helpers for the limits tests: a client address no other test uses, and a start inside one rate window.

let addresses = 0;
/** A documentation-range IPv6 address of its own, sent as CF-Connecting-IP, so only this test counts against it. */
export const freshAddress = () =>
  `2001:db8:${Date.now().toString(16).slice(-4)}::${(++addresses).toString(16)}:${Math.floor(Math.random() * 0xffff).toString(16)}`;

/**
 * Waits, when needed, so that what follows starts early in a window of `periodSeconds` (the local
 * rate limiting binding counts in windows aligned to the clock) and a burst of requests falls in one.
 */
export async function withinOneWindow(periodSeconds: 10 | 60, needMs = periodSeconds === 10 ? 4_000 : 20_000): Promise<void> {
  const into = Date.now() % (periodSeconds * 1000);
  if (into > periodSeconds * 1000 - needMs) await new Promise((resolve) => setTimeout(resolve, periodSeconds * 1000 - into + 100));
}
