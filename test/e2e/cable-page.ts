// Drives the test page in its own browser context: one visitor or agent with one RoomChannel
// subscription, and what that subscription's callbacks saw.
import type { Browser } from "playwright-core";

/** One ActionCable callback as the page recorded it; `event` and `data` come from Chatwoot's `{event, data}`. */
export type CableEntry = { callback: "connected" | "rejected" | "disconnected" | "received"; event?: string; data?: any };

declare global {
  interface Window {
    cableEvents: CableEntry[];
    subscription: { perform(action: string, data?: object): boolean };
  }
}

export type RoomChannelParams = { channel: "RoomChannel"; pubsub_token: string; account_id?: number; user_id?: number };

export async function openCablePage(browser: Browser, options: { title: string; websiteUrl: string; cableUrl: string; params: RoomChannelParams }) {
  const context = await browser.newContext({ viewport: { width: 900, height: 600 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  const query = new URLSearchParams({ title: options.title, cable: options.cableUrl, identifier: JSON.stringify(options.params) });
  await page.goto(`${options.websiteUrl}/?${query}`);

  const entries = () => page.evaluate(() => window.cableEvents ?? []);
  const waitFor = async (what: string, predicate: (entry: CableEntry) => boolean, since = 0, timeoutMs = 10_000): Promise<CableEntry> => {
    const started = Date.now();
    for (;;) {
      const seen = await entries();
      const found = seen.slice(since).find(predicate);
      if (found) return found;
      if (Date.now() - started > timeoutMs) {
        throw new Error(`${options.title}: timed out waiting for ${what}; page errors ${JSON.stringify(errors)}; got ${JSON.stringify(seen)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  return {
    page,
    entries,
    /** Resolves with `connected` (confirm_subscription) or `rejected`. */
    subscriptionAnswer: () => waitFor("a subscription answer", (e) => e.callback === "connected" || e.callback === "rejected"),
    /** The first `event` matching `match`, among the entries from index `since` on. */
    waitForEvent: (event: string, match: (data: any) => boolean = () => true, since = 0) =>
      waitFor(`event ${event}`, (e) => e.callback === "received" && e.event === event && match(e.data), since),
    /** ActionCable's `subscription.perform(action)`: a `message` command with `{action}` as its data. */
    perform: (action: string) => page.evaluate((name) => window.subscription.perform(name), action),
  };
}
