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

/**
 * A receiver as Chatwoot documents and signs its webhooks (chatwoot/chatwoot #13573, lib/webhooks/trigger.rb):
 * `X-Chatwoot-Timestamp` holds Unix seconds, `X-Chatwoot-Signature` is `sha256=` and the hex
 * HMAC-SHA256 of "<timestamp>.<raw body>" under the secret, and a timestamp more than about five
 * minutes old is refused. Written with WebCrypto alone, as an integrator would, without Parley's code.
 */
export async function chatwootReceiverAccepts(request: RecordedRequest, secret: string): Promise<boolean> {
  const timestamp = request.headers["x-chatwoot-timestamp"];
  const signature = request.headers["x-chatwoot-signature"];
  if (!timestamp || !signature) return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${timestamp}.${request.body}`));
  const expected = `sha256=${[...new Uint8Array(mac)].map((byte) => byte.toString(16).padStart(2, "0")).join("")}`;
  return expected === signature;
}
