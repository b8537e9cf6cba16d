/** `node scripts/simulate.mjs messenger`: see scripts/simulate/meta.mjs. */
import { subcommand } from "./meta.mjs";

export const { usage, run } = subcommand("messenger");
