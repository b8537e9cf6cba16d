// Chromium for the browser tests: bench/chromium.mjs finds one without downloading (the system's
// /usr/bin/chromium, otherwise @sparticuz/chromium's) and launches it headless; this gives it types.
import type { Browser } from "playwright-core";
import { findChromium as find, findFullChromium as findFull, launchChromium as launch } from "../../bench/chromium.mjs";

/** How to start Chromium: its path and the environment it needs. Plain data, so globalSetup can provide it. */
export type ChromiumInstall = { executablePath: string; env: Record<string, string> };

/** Resolves (and on first use unpacks into the temp directory) a Chromium. */
export const findChromium: () => Promise<ChromiumInstall> = find;

/** The system's full Chromium, or null: only it can show notifications (the headless shell denies them). */
export const findFullChromium: () => ChromiumInstall | null = findFull;

/** Headless Chromium for a closed network, with a fresh temporary profile. */
export const launchChromium: (install: ChromiumInstall) => Promise<Browser> = launch;
