#!/usr/bin/env node
/**
 * Simulates a provider's inbound traffic against a running Parley (`npm run dev`): each channel is a
 * subcommand that builds the provider's own payload, signs it as the provider does and posts it to
 * the public webhook path, exactly as the provider would (never an internal function).
 *
 *   node scripts/simulate.mjs <channel> [options]     (--help for a channel's options)
 *
 * A channel adds itself with one line in SUBCOMMANDS: a module under scripts/simulate/ exporting
 * `usage` (text) and `run(options, context)`, where options are the --name value pairs and context
 * holds the platform's base URL and the local secrets (.dev.vars).
 */
import { ensureDevVars } from "./platform.mjs";

const SUBCOMMANDS = {
  whatsapp: () => import("./simulate/whatsapp.mjs"),
  messenger: () => import("./simulate/messenger.mjs"),
  instagram: () => import("./simulate/instagram.mjs"),
  email: () => import("./simulate/email.mjs"),
};

/** `--from +1555 --text "Hi" --redeliver` → { from: "+1555", text: "Hi", redeliver: true }. */
export function parseOptions(args) {
  const options = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith("--")) throw new Error(`Unexpected argument ${arg}: options are --name value.`);
    const name = arg.slice(2);
    const next = args[i + 1];
    if (next === undefined || next.startsWith("--")) options[name] = true;
    else {
      options[name] = next;
      i++;
    }
  }
  return options;
}

const [channel, ...rest] = process.argv.slice(2);
const load = channel ? SUBCOMMANDS[channel] : undefined;
if (!load) {
  console.log(`Usage: node scripts/simulate.mjs <${Object.keys(SUBCOMMANDS).join("|")}> [options]  (--help for a channel's options)`);
  process.exit(channel ? 1 : 0);
}
const subcommand = await load();
const options = parseOptions(rest);
if (options.help) {
  console.log(subcommand.usage);
  process.exit(0);
}
const baseUrl = String(options.url ?? process.env.PARLEY_URL ?? `http://localhost:${process.env.PORT ?? 8787}`).replace(/\/+$/, "");
try {
  await subcommand.run(options, { baseUrl, secrets: ensureDevVars() });
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
