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

/**
 * A customer's page that records the widget's window events (`<prefix>:<name>`) in `window[store]`
 * before anything else runs, then has the snippet pasted in as is; `body` goes into the page's
 * content, `after` after the snippet.
 */
export function recordingPage(page: {
  title: string;
  tagline: string;
  prefix: string;
  events: string[];
  store: string;
  snippet: string;
  body?: string;
  after?: string;
  style?: string;
}) {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${page.title}</title>
    <script>
      window.${page.store} = [];
      for (const name of ${JSON.stringify(page.events)}) {
        window.addEventListener("${page.prefix}:" + name, (event) => window.${page.store}.push({ name, detail: event.detail ?? null }));
      }
    </script>
    <style>body { font: 16px/1.5 system-ui, sans-serif; margin: 2rem; color: #1f2933; }${page.style ?? ""}</style>
  </head>
  <body>
    <main><h1>${page.title}</h1><p>${page.tagline}</p>${page.body ?? ""}</main>
${page.snippet}
${page.after ?? ""}
  </body>
</html>`;
}

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
