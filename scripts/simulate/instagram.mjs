/** `node scripts/simulate.mjs instagram`: see scripts/simulate/meta.mjs. */
import { subcommand } from "./meta.mjs";

export const { usage, run } = subcommand("instagram");
