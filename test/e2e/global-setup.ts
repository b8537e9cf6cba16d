// Once for the whole e2e project: one platform under `wrangler dev` with throw-away state (bench's
// `withPlatform`: it runs a snapshot of the working tree, so edits made during a run cannot reload
// the Worker under the tests), and a Chromium ready to launch. Tests read both through `inject`.
import type { TestProject } from "vitest/node";
import { withPlatform } from "../../bench/lib.mjs";
import { type ChromiumInstall, findChromium, findFullChromium } from "./browser";

declare module "vitest" {
  export interface ProvidedContext {
    platformUrl: string;
    platformToken: string;
    /** The secrets and settings the platform runs with (its .dev.vars), for tests that sign as a provider would. */
    platformVars: Record<string, string>;
    chromium: ChromiumInstall;
    /** The system's full Chromium, for the notification tests; null where the machine has none. */
    fullChromium: ChromiumInstall | null;
  }
}

type Platform = { baseUrl: string; vars: Record<string, string> };

export default async function setup(project: TestProject) {
  project.provide("chromium", await findChromium());
  project.provide("fullChromium", findFullChromium());

  let finish = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let running: Promise<void> = Promise.resolve();
  // withPlatform stops the platform and removes its state when its callback returns: at teardown.
  const platform = await new Promise<Platform>((resolve, reject) => {
    running = withPlatform(
      async (started: Platform) => {
        resolve(started);
        await finished;
      },
      { runtime: "wrangler-dev" },
    );
    running.then(() => reject(new Error("the platform stopped before it started")), reject);
  });
  const platformToken = platform.vars.PLATFORM_TOKEN;
  if (!platformToken) {
    finish();
    await running;
    throw new Error("PLATFORM_TOKEN is missing from .dev.vars");
  }
  project.provide("platformUrl", platform.baseUrl);
  project.provide("platformToken", platformToken);
  project.provide("platformVars", platform.vars);

  return async () => {
    finish();
    await running;
  };
}
