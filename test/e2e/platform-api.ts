// The platform's real HTTP APIs, called from Node the way an integrator would, to build what the
// browser pages need: a tenant with an administrator, an API inbox and a visitor's conversation.
import { expect, inject } from "vitest";

type CallOptions = { token?: string; header?: "authorization" | "api_access_token"; body?: unknown };

export async function call<T = any>(method: string, path: string, options: CallOptions = {}): Promise<{ status: number; body: T }> {
  const headers = new Headers();
  if (options.token && options.header === "api_access_token") headers.set("api_access_token", options.token);
  else if (options.token) headers.set("authorization", `Bearer ${options.token}`);
  if (options.body !== undefined) headers.set("content-type", "application/json");
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const res = await fetch(`${inject("platformUrl")}${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** Calls and asserts the status, showing the body when it differs. */
export async function callExpecting<T = any>(status: number, method: string, path: string, options: CallOptions = {}): Promise<T> {
  const reply = await call<T>(method, path, options);
  expect(reply.status, `${method} ${path}: ${JSON.stringify(reply.body)}`).toBe(status);
  return reply.body;
}

/** An agency, a sub-account with an administrator, an API inbox, and a Client API contact with one conversation. */
export async function visitorConversation() {
  const run = Date.now().toString(36);
  const agency = await callExpecting<{ access_token: string }>(201, "POST", "/platform/api/v1/agencies", {
    token: inject("platformToken"),
    body: { name: `E2E agency ${run}` },
  });
  const account = await callExpecting<{ id: number }>(201, "POST", "/api/v1/agency/accounts", {
    token: agency.access_token,
    body: { name: `E2E account ${run}` },
  });
  const admin = await callExpecting<{ id: number; access_token: string; pubsub_token: string }>(201, "POST", `/api/v1/agency/accounts/${account.id}/users`, {
    token: agency.access_token,
    body: { name: "Ada Admin", email: `ada-${run}@example.test`, role: "administrator" },
  });
  const inbox = await callExpecting<{ id: number; inbox_identifier: string }>(201, "POST", `/api/v1/accounts/${account.id}/inboxes`, {
    token: admin.access_token,
    header: "api_access_token",
    body: { name: "E2E API inbox", channel: { type: "api" } },
  });
  const contactsPath = `/public/api/v1/inboxes/${inbox.inbox_identifier}/contacts`;
  const contact = await callExpecting<{ id: number; source_id: string; pubsub_token: string }>(200, "POST", contactsPath, {
    body: { name: "Vera Visitor", email: `vera-${run}@example.test` },
  });
  const conversationsPath = `${contactsPath}/${contact.source_id}/conversations`;
  const conversation = await callExpecting<{ id: number }>(200, "POST", conversationsPath, { body: {} });
  return {
    account,
    admin,
    contact,
    conversation,
    /** The Client API path of the conversation, as the visitor's widget uses it. */
    visitorPath: `${conversationsPath}/${conversation.id}`,
    /** The Application API path of the conversation, as an agent's dashboard uses it. */
    agentPath: `/api/v1/accounts/${account.id}/conversations/${conversation.id}`,
  };
}

export type Tenant = {
  account: { id: number };
  admin: { id: number; access_token: string; pubsub_token: string };
  agent: { id: number; access_token: string; pubsub_token: string };
  /** Calls the Application API of the account as `who`, with Chatwoot's api_access_token header. */
  as: (who: "admin" | "agent") => <T = any>(status: number, method: string, path: string, body?: unknown) => Promise<T>;
};

/** A new agency with one sub-account, an administrator and an agent; `as(...)` calls its Application API. */
export async function newTenant(name: string): Promise<Tenant> {
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const agency = await callExpecting<{ access_token: string }>(201, "POST", "/platform/api/v1/agencies", {
    token: inject("platformToken"),
    body: { name: `${name} agency ${run}` },
  });
  const account = await callExpecting<{ id: number }>(201, "POST", "/api/v1/agency/accounts", {
    token: agency.access_token,
    body: { name: `${name} ${run}` },
  });
  const invite = (person: string, role: "administrator" | "agent") =>
    callExpecting<Tenant["admin"]>(201, "POST", `/api/v1/agency/accounts/${account.id}/users`, {
      token: agency.access_token,
      body: { name: person, email: `${person.toLowerCase().replace(/\W+/g, ".")}-${run}@example.test`, role },
    });
  const [admin, agent] = await Promise.all([invite("Ada Admin", "administrator"), invite("Alex Agent", "agent")]);
  const tokens = { admin: admin.access_token, agent: agent.access_token };
  return {
    account,
    admin,
    agent,
    as:
      (who) =>
      <T = any>(status: number, method: string, path: string, body?: unknown) =>
        callExpecting<T>(status, method, `/api/v1/accounts/${account.id}${path}`, { token: tokens[who], header: "api_access_token", body }),
  };
}
