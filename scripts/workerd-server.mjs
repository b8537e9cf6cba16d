// Serves the Worker the way it runs when deployed, for measurements: the bundle `wrangler deploy`
// would upload, in workerd through Miniflare, with the bindings of wrangler.toml and one socket
// straight to the Worker. `wrangler dev` puts a reload proxy (a second workerd and wrangler's own
// process), an attached inspector and the local static-assets router in front of every request;
// none of them runs on Cloudflare, and together they cost more CPU per request than the Worker
// itself. Static assets are left out here, so every request reaches the Worker.
//
// Started by scripts/platform.mjs (startPlatform with runtime "workerd"); one JSON argument:
// { port, persistTo, bundleDir, vars } (port 0: any free one). Prints `listening <url>` on stdout
// once the Worker is up, and exits on SIGTERM or SIGINT.
import { createRequire } from "node:module";
import { join } from "node:path";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

const { port, persistTo, bundleDir, vars } = JSON.parse(process.argv[2]);
const root = new URL("..", import.meta.url).pathname;

// The Miniflare that this wrangler runs on (wrangler may carry its own version of it).
const requireFromWrangler = createRequire(createRequire(import.meta.url).resolve("wrangler"));
const { Miniflare, convertV4MiniflareOptions } = requireFromWrangler("miniflare");

const { workerOptions } = unstable_getMiniflareWorkerOptions(join(root, "wrangler.toml"));
// The bundle is one ES module, so the module rules for other file types are not needed; assets are
// left out on purpose (see above).
const { modulesRules: _rules, connectHandlers: _connect, assets: _assets, ...bindingsAndSettings } = workerOptions;

const miniflare = new Miniflare(
  convertV4MiniflareOptions({
    host: "127.0.0.1",
    port: 0,
    cf: false,
    resourcePersistencePath: join(persistTo, "v3"),
    workers: [
      {
        ...bindingsAndSettings,
        name: "parley",
        modules: true,
        modulesRoot: bundleDir,
        scriptPath: join(bundleDir, "index.js"),
        bindings: { ...workerOptions.bindings, ...vars },
        unsafeDirectSockets: [{ host: "127.0.0.1", port }],
      },
    ],
  }),
);
await miniflare.ready;
process.stdout.write(`listening ${(await miniflare.unsafeGetDirectURL("parley")).href.replace(/\/$/, "")}\n`);

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    miniflare.dispose().finally(() => process.exit(0));
  });
}
