// A small website on its own origin, as a customer's site would be: it serves the test page and the
// @rails/actioncable ES module straight from node_modules, unmodified, and any HTML page a test
// registers with `page(path, html)` (a customer's page with the widget's snippet pasted into it).
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../../bench/lib.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const actionCable = join(dirname(createRequire(import.meta.url).resolve("@rails/actioncable/package.json")), "app/assets/javascripts/actioncable.esm.js");

const files: Record<string, { path: string; type: string }> = {
  "/": { path: join(here, "website/index.html"), type: "text/html; charset=utf-8" },
  "/cable-page.js": { path: join(here, "website/cable-page.js"), type: "text/javascript; charset=utf-8" },
  "/vendor/actioncable.esm.js": { path: actionCable, type: "text/javascript; charset=utf-8" },
};

export async function startWebsite() {
  const pages = new Map<string, string>();
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://website").pathname;
    const html = pages.get(path);
    if (html !== undefined) return res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(html);
    const file = files[path];
    if (!file) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": file.type, "cache-control": "no-store" }).end(await readFile(file.path));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    /** Serves `html` at `path` (taking precedence over the built-in files); returns the page's URL. */
    page: (path: string, html: string) => {
      pages.set(path, html);
      return `${url}${path}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
