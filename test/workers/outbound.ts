/** Reads and programs the outbound sink (test/support/outbound-sink.ts) from tests in the Workers runtime. */
export type RecordedRequest = { method: string; url: string; headers: Record<string, string>; body: string; bodyBase64?: string; at: number };

let hosts = 0;

/** A fresh recording host for one test, e.g. `hook-3-1712345.sink.test`. */
export function sinkHost(name = "hook"): string {
  hosts++;
  return `${name}-${hosts}-${Date.now().toString(36)}.sink.test`;
}

export async function sinkRequests(host: string): Promise<RecordedRequest[]> {
  const response = await fetch(`http://control.sink.test/requests?host=${encodeURIComponent(host)}`);
  return (await response.json()) as RecordedRequest[];
}

/**
 * The next requests to `host` get these answers, in order; after them, 200 again. An answer with
 * `match` goes only to a request whose URL, authorization header or body contains it (for hosts
 * several tests share, such as the Graph API's).
 */
export async function programSink(host: string, responses: { status: number; body?: string; match?: string }[]): Promise<void> {
  await fetch("http://control.sink.test/program", { method: "POST", body: JSON.stringify({ host, responses }) });
}
