/**
 * The Workers tests' outside world: every fetch the Worker (or a test) makes to the network goes
 * through this handler, which miniflare runs in Node (`outboundService` in vitest.config.ts).
 *
 * - Hosts ending in `.sink.test` are recording endpoints: each request is kept (method, url,
 *   headers, body) and answered 200 `{"ok":true}`, or with the responses programmed for that host.
 * - `http://control.sink.test/requests?host=<host>` lists what a host received;
 *   `POST http://control.sink.test/program {host, responses: [{status, body?}]}` makes the next
 *   requests to that host get those answers (then 200 again). A response with `match` is kept for the
 *   first request whose URL, authorization header or body contains that text, so tests sharing one
 *   host (the Graph API's) each get their own answers; responses without it go to any request.
 * - Anything else is refused with 502: the tests never reach the real network.
 */
export type RecordedRequest = { method: string; url: string; headers: Record<string, string>; body: string; bodyBase64?: string; at: number };
type ProgrammedResponse = { status: number; body?: string; match?: string };

const received = new Map<string, RecordedRequest[]>();
const programmed = new Map<string, ProgrammedResponse[]>();

const json = (value: unknown, status = 200) => new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });

async function control(request: Request, url: URL): Promise<Response> {
  if (request.method === "GET" && url.pathname === "/requests") {
    return json(received.get(url.searchParams.get("host") ?? "") ?? []);
  }
  if (request.method === "POST" && url.pathname === "/program") {
    const { host, responses } = (await request.json()) as { host: string; responses: ProgrammedResponse[] };
    // Answers kept for other tests' requests (with `match`) stay; unmatched ones are replaced, as before.
    const kept = (programmed.get(host) ?? []).filter((response) => response.match !== undefined);
    programmed.set(host, [...kept, ...responses]);
    return json({ ok: true });
  }
  return json({ error: "unknown control request" }, 404);
}

export async function outboundSink(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.hostname === "control.sink.test") return control(request, url);
  if (!url.hostname.endsWith(".sink.test")) return json({ error: `no network in tests: ${url.hostname}` }, 502);
  const list = received.get(url.hostname) ?? [];
  // The bytes too, base64: a Web Push body is encrypted, and text would not keep it.
  const bytes = Buffer.from(await request.arrayBuffer());
  const recorded = {
    method: request.method,
    url: request.url,
    headers: Object.fromEntries(request.headers),
    body: bytes.toString("utf8"),
    bodyBase64: bytes.toString("base64"),
    at: Date.now(),
  };
  list.push(recorded);
  received.set(url.hostname, list);
  const queue = programmed.get(url.hostname) ?? [];
  const seen = `${recorded.url}\n${recorded.headers.authorization ?? ""}\n${recorded.body}`;
  const index = queue.findIndex((response) => response.match === undefined || seen.includes(response.match));
  const next = index < 0 ? undefined : queue.splice(index, 1)[0];
  if (next) return new Response(next.body ?? "", { status: next.status });
  return json({ ok: true });
}
