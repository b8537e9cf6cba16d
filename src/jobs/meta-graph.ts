/**
 * Calls Meta's Graph API (`GRAPH_API_BASE_URL`, `GRAPH_API_VERSION`) for any Meta channel: the
 * destination guard on every URL, a bearer token, a timeout, and the answer as a value (never a
 * throw), with whether a retry may help.
 */
import { checkDestination, privateDestinationsAllowed } from "../domain/destination-guard";
import { type GraphAnswer, graphUrl, readGraphAnswer } from "../domain/meta-graph";

const GRAPH_TIMEOUT_MS = 15_000;

export type GraphSettings = { baseUrl: string | null; version: string | null };

export const graphSettingsOf = (env: Env): GraphSettings => ({ baseUrl: env.GRAPH_API_BASE_URL ?? null, version: env.GRAPH_API_VERSION ?? null });

/** The Graph URL of `path` under this installation's settings. */
export const graphUrlOf = (env: Env, path: string) => graphUrl(graphSettingsOf(env), path);

/** Whether the installation may call `url` now (checked again at every call: the setting may have changed). */
export function graphDestinationRefusal(env: Env, url: string): string | null {
  const check = checkDestination(url, { allowPrivate: privateDestinationsAllowed(env.ALLOW_PRIVATE_DESTINATIONS) });
  return check.ok ? null : check.message;
}

/**
 * One Graph API request: `path` under the installation's base URL and version (or a full URL Meta
 * gave, such as a media download link), JSON in and out.
 */
export async function graphRequest(
  env: Env,
  pathOrUrl: string,
  options: { token: string; method?: "GET" | "POST" | "DELETE"; json?: unknown; query?: Record<string, string> },
): Promise<GraphAnswer> {
  const url = new URL(/^https?:\/\//.test(pathOrUrl) ? pathOrUrl : graphUrlOf(env, pathOrUrl));
  for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
  const refusal = graphDestinationRefusal(env, url.toString());
  if (refusal) return { ok: false, status: 0, error: `The Graph API's URL is not allowed: ${refusal}`, code: null, retryable: false };
  try {
    const response = await fetch(url, {
      method: options.method ?? (options.json === undefined ? "GET" : "POST"),
      headers: {
        authorization: `Bearer ${options.token}`,
        accept: "application/json",
        ...(options.json === undefined ? {} : { "content-type": "application/json" }),
      },
      body: options.json === undefined ? undefined : JSON.stringify(options.json),
      redirect: "manual",
      signal: AbortSignal.timeout(GRAPH_TIMEOUT_MS),
    });
    return readGraphAnswer(response.status, await response.text());
  } catch (error) {
    return {
      ok: false,
      status: 0,
      error: `The Graph API could not be reached: ${error instanceof Error ? error.message : String(error)}`,
      code: null,
      retryable: true,
    };
  }
}

/** Downloads a file Meta links to (a media URL), with the token; null when it cannot be had or is larger than `maxBytes`. */
export async function graphDownload(
  env: Env,
  url: string,
  token: string,
  maxBytes: number,
): Promise<{ bytes: ArrayBuffer; contentType: string | null } | null> {
  if (graphDestinationRefusal(env, url)) return null;
  try {
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, redirect: "manual", signal: AbortSignal.timeout(GRAPH_TIMEOUT_MS) });
    if (!response.ok) return null;
    const declared = Number(response.headers.get("content-length") ?? "0");
    if (declared > maxBytes) return null;
    const bytes = await response.arrayBuffer();
    if (bytes.byteLength > maxBytes) return null;
    return { bytes, contentType: response.headers.get("content-type") };
  } catch {
    return null;
  }
}
