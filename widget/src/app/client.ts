/** The visitor's session against the widget and Client APIs, remembered in this origin's localStorage. */
import type { Message, Session } from "./types";

const key = (token: string) => `parley:session:${token}`;

export function loadSession(token: string): Session | null {
  try {
    const saved = JSON.parse(localStorage.getItem(key(token)) ?? "null") as Session | null;
    return saved?.sourceId ? saved : null;
  } catch {
    return null;
  }
}

export function saveSession(token: string, session: Session | null) {
  try {
    if (session) localStorage.setItem(key(token), JSON.stringify(session));
    else localStorage.removeItem(key(token));
  } catch {
    // storage disabled: the session lives as long as the page
  }
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error?: { code: string; message: string; details: unknown } },
  ) {
    super(body.error?.message ?? `HTTP ${status}`);
  }
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, (json ?? {}) as ApiError["body"]);
  return json as T;
}

/** Paths of the Client API for this session's inbox. */
export function clientPaths(websiteToken: string, session: Session) {
  const base = `/public/api/v1/inboxes/${encodeURIComponent(websiteToken)}/contacts/${encodeURIComponent(session.sourceId)}`;
  const conversation = `${base}/conversations/${session.conversationId ?? 0}`;
  return { base, conversation, messages: `${conversation}/messages` };
}

/** The Client API's contact of a session: its `source_id` and `pubsub_token` are the session to use. */
export type PublicContact = { id: number; source_id: string; pubsub_token: string };

export type StartedSession = { source_id: string; pubsub_token: string; contact: { id: number }; conversation_id: number | null };

export const newEchoId = () => `w-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

export const isVisible = (message: Message) => !message.private;
