// Finds a Chromium without downloading one and launches it headless with Playwright: the headless
// shell npm installed with @sparticuz/chromium, the same on every machine, so a run here measures and
// renders as it does in CI; and, for what only a full browser does (showing notifications), the
// system's /usr/bin/chromium when the machine has one (.ci/run installs Debian's).
// Shared by the browser tests (test/e2e/browser.ts gives it types) and the console benchmarks.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { brotliDecompressSync } from "node:zlib";
import sparticuz from "@sparticuz/chromium";
import { chromium } from "playwright-core";

const SYSTEM_CHROMIUM = "/usr/bin/chromium";

/**
 * How to start Chromium: `{ executablePath, env }`, plain data so the tests' globalSetup can provide
 * it. Resolves (and on first use unpacks into the temp directory) a Chromium. The npm one comes with
 * its own NSS libraries and fonts, which we use so it runs on machines that have neither installed.
 */
export async function findChromium() {
  const executablePath = await sparticuz.executablePath();
  const libraries = unpackBundledLibraries();
  const fonts = join(tmpdir(), "fonts");
  return {
    executablePath,
    env: {
      LD_LIBRARY_PATH: [libraries, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":"),
      ...(existsSync(join(fonts, "fonts.conf")) ? { FONTCONFIG_PATH: fonts } : {}),
    },
  };
}

/**
 * A full Chromium (the system's), or null when the machine has none. The headless shell answers
 * "denied" to every notification permission; a full browser in headless mode shows notifications.
 */
export function findFullChromium() {
  return existsSync(SYSTEM_CHROMIUM) ? { executablePath: SYSTEM_CHROMIUM, env: {} } : null;
}

/**
 * @sparticuz/chromium unpacks its libraries only on AWS; we unpack them ourselves with the system's
 * tar, into a scratch directory renamed into place so a half-unpacked copy is never used.
 */
function unpackBundledLibraries() {
  const target = join(tmpdir(), "parley-chromium-libs");
  if (existsSync(target)) return join(target, "lib");
  const archive = join(dirname(createRequire(import.meta.url).resolve("@sparticuz/chromium")), "../../bin/al2023.tar.br");
  const scratch = mkdtempSync(`${target}-`);
  writeFileSync(join(scratch, "libs.tar"), brotliDecompressSync(readFileSync(archive)));
  const tar = spawnSync("tar", ["-xf", "libs.tar"], { cwd: scratch, stdio: "inherit" });
  if (tar.status !== 0) throw new Error(`could not unpack ${archive} (tar exit ${tar.status})`);
  rmSync(join(scratch, "libs.tar"));
  try {
    renameSync(scratch, target);
  } catch {
    rmSync(scratch, { recursive: true, force: true }); // another run got there first
  }
  return join(target, "lib");
}

/**
 * Headless Chromium for a closed network: no background requests (they make it hang), no QUIC, no
 * first-run work. Playwright gives every launch a fresh temporary profile (--user-data-dir) and removes it.
 */
export function launchChromium(install) {
  return chromium.launch({
    executablePath: install.executablePath,
    env: { ...process.env, ...install.env },
    headless: true,
    timeout: 30_000,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
