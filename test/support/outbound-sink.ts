/**
 * The Workers tests' outside world: every fetch the Worker (or a test) makes to the network goes
 * through this handler, which miniflare runs in Node (`outboundService` in vitest.config.ts).
 *
 * - Hosts ending in `.sink.test` are recording endpoints: each request is kept (method, url,
 *   headers, body) and answered 200 `{"ok":true}`, or with the responses programmed for that host.
 * - `http://control.sink.test/requests?host=<host>` lists what a host received;
 *   `POST http://control.sink.test/program {host, responses: [{status, body?}]}` makes the next
 *   requests to that host get those answers (then 200 again).
 * - Anything else is refused with 502: the tests never reach the real network.
 */
export type RecordedRequest = { method: string; url: string; headers: Record<string, string>; body: string; at: number };
type ProgrammedResponse = { status: number; body?: string };

const received = new Map<string, RecordedRequest[]>();
const programmed = new Map<string, ProgrammedResponse[]>();

const json = (value: unknown, status = 200) =>
  new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });

async function control(request: Request, url: URL): Promise<Response> {
  if (request.method === "GET" && url.pathname === "/requests") {
    return json(received.get(url.searchParams.get("host") ?? "") ?? []);
  }
  if (request.method === "POST" && url.pathname === "/program") {
    const { host, responses } = (await request.json()) as { host: string; responses: ProgrammedResponse[] };
    programmed.set(host, [...responses]);
    return json({ ok: true });
  }
  return json({ error: "unknown control request" }, 404);
}

export async function outboundSink(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.hostname === "control.sink.test") return control(request, url);
  if (!url.hostname.endsWith(".sink.test")) return json({ error: `no network in tests: ${url.hostname}` }, 502);
  const list = received.get(url.hostname) ?? [];
  list.push({
    method: request.method,
    url: request.url,
    headers: Object.fromEntries(request.headers),
    body: await request.text(),
    at: Date.now(),
  });
  received.set(url.hostname, list);
  const next = programmed.get(url.hostname)?.shift();
  if (next) return new Response(next.body ?? "", { status: next.status });
  return json({ ok: true });
}
