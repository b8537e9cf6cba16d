// Test helpers: call the Worker through its fetch handler, and build tenants through the real APIs.
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";

export const PLATFORM_TOKEN = env.PLATFORM_TOKEN;

export type Reply<T = any> = { status: number; body: T; headers: Headers };

type CallOptions = {
  token?: string;
  /** Send the token in Chatwoot's `api_access_token` header instead of Authorization. */
  tokenHeader?: "authorization" | "api_access_token";
  body?: unknown;
  /** Sent verbatim (for malformed bodies); wins over `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
};

export async function call<T = any>(method: string, path: string, options: CallOptions = {}): Promise<Reply<T>> {
  const headers = new Headers(options.headers);
  if (options.token) {
    if (options.tokenHeader === "api_access_token") headers.set("api_access_token", options.token);
    else headers.set("authorization", `Bearer ${options.token}`);
  }
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
  const res = await exports.default.fetch(new Request(`http://parley.test${path}`, { method, headers, body }));
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/** Asserts the status, showing the body when it differs. */
export function expectStatus(reply: Reply, status: number) {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
}

let sequence = 0;
export const unique = (label: string) => `${label}-${Date.now().toString(36)}-${++sequence}`;

export async function createAgency(name = unique("agency")) {
  const reply = await call("POST", "/platform/api/v1/agencies", { token: PLATFORM_TOKEN, body: { name } });
  expectStatus(reply, 201);
  return reply.body as { id: number; name: string; access_token: string };
}

export async function createAccount(agencyToken: string, input: Record<string, unknown> = {}) {
  const reply = await call("POST", "/api/v1/agency/accounts", {
    token: agencyToken,
    body: { name: unique("account"), ...input },
  });
  expectStatus(reply, 201);
  return reply.body as { id: number; name: string; agency_id: number };
}

export async function inviteUser(agencyToken: string, accountId: number, role: "administrator" | "agent", email = `${unique(role)}@example.test`) {
  const reply = await call("POST", `/api/v1/agency/accounts/${accountId}/users`, {
    token: agencyToken,
    body: { name: `${role} ${email}`, email, role },
  });
  expectStatus(reply, 201);
  return reply.body as { id: number; email: string; role: string; access_token: string; pubsub_token: string };
}

/** A website inbox created by an administrator; `input` overrides the defaults. */
export async function createInbox(adminToken: string, accountId: number, input: Record<string, unknown> = {}) {
  const reply = await call("POST", `/api/v1/accounts/${accountId}/inboxes`, {
    token: adminToken,
    body: { name: unique("inbox"), channel: { type: "web_widget", website_url: "https://acme.example.test" }, ...input },
  });
  expectStatus(reply, 201);
  return reply.body as { id: number; name: string; website_token: string | null; hmac_token: string; [field: string]: unknown };
}

export async function createTeam(adminToken: string, accountId: number, input: Record<string, unknown> = {}) {
  const reply = await call("POST", `/api/v1/accounts/${accountId}/teams`, {
    token: adminToken,
    body: { name: unique("team"), ...input },
  });
  expectStatus(reply, 201);
  return reply.body as { id: number; name: string; description: string | null; allow_auto_assign: boolean; is_member: boolean };
}

/** An agency with one account that has an administrator and an agent. */
export async function tenant() {
  const agency = await createAgency();
  const account = await createAccount(agency.access_token);
  const admin = await inviteUser(agency.access_token, account.id, "administrator");
  const agent = await inviteUser(agency.access_token, account.id, "agent");
  return { agency, account, admin, agent };
}

/** Resolves one of the tenant's conversations as its administrator would (Chatwoot's toggle_status). */
export async function resolveConversation(t: Awaited<ReturnType<typeof tenant>>, displayId: number) {
  const resolved = await call("POST", `/api/v1/accounts/${t.account.id}/conversations/${displayId}/toggle_status`, {
    token: t.admin.access_token,
    body: { status: "resolved" },
  });
  expectStatus(resolved, 200);
}

/** Polls `check` until it stops throwing (queue consumers run asynchronously). */
export async function eventually(check: () => Promise<void>, timeoutMs = 10_000) {
  const started = Date.now();
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** An API inbox in the tenant's account, a contact session in it and one conversation. */
export async function clientSession(t: Awaited<ReturnType<typeof tenant>>, channel: Record<string, unknown> = { type: "api" }) {
  const inbox = await createInbox(t.admin.access_token, t.account.id, { channel });
  const identifier = inbox.inbox_identifier as string;
  const contactReply = await call("POST", `/public/api/v1/inboxes/${identifier}/contacts`, {
    body: { name: "Vera Visitor", email: `${unique("vera")}@example.test` },
  });
  expectStatus(contactReply, 200);
  const contact = contactReply.body as { id: number; source_id: string; pubsub_token: string };
  const base = `/public/api/v1/inboxes/${identifier}/contacts/${contact.source_id}`;
  const conversationReply = await call("POST", `${base}/conversations`, { body: {} });
  expectStatus(conversationReply, 200);
  const conversation = conversationReply.body as { id: number };
  return { inbox, identifier, contact, base, conversation, conversationPath: `${base}/conversations/${conversation.id}` };
}

/** An ongoing campaign on a website inbox, created by an administrator; `input` overrides the defaults. */
export async function createCampaign(adminToken: string, accountId: number, inboxId: number, input: Record<string, unknown> = {}) {
  const reply = await call("POST", `/api/v1/accounts/${accountId}/campaigns`, {
    token: adminToken,
    body: {
      title: unique("campaign"),
      message: "Questions about our plans? Ask away.",
      inbox_id: inboxId,
      trigger_rules: { url: "https://acme.example.test/*", time_on_page: 10 },
      ...input,
    },
  });
  expectStatus(reply, 201);
  return reply.body as { id: number; title: string; message: string; enabled: boolean; [field: string]: unknown };
}
