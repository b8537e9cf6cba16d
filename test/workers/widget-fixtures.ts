// Builds chat widgets and what they depend on (integrations, custom attributes) through the real APIs.
import { env } from "cloudflare:workers";
import { call, createInbox, expectStatus, type tenant, unique } from "./helpers";

export const integrationsPath = (accountId: number, resource: string) => `/api/v1/accounts/${accountId}/integrations/${resource}`;

type Integration = { id: number; status: string; [field: string]: unknown };

async function addIntegration(adminToken: string, accountId: number, resource: string, body: Record<string, unknown>) {
  const reply = await call("POST", integrationsPath(accountId, resource), { token: adminToken, body });
  expectStatus(reply, 201);
  return reply.body as Integration;
}

let numbers = 0;
/** A WhatsApp number with a number no other test uses; `input` overrides it. */
export const addWhatsappNumber = (adminToken: string, accountId: number, input: Record<string, unknown> = {}) =>
  addIntegration(adminToken, accountId, "whatsapp_numbers", {
    phone_number: `+1415${String(5_550_000 + (++numbers % 10_000)).padStart(7, "0")}`,
    display_name: "Front desk",
    ...input,
  });

let ids = 0;
const newNumericId = () => `${Date.now()}${++ids}`;

export const addFacebookPage = (adminToken: string, accountId: number, input: Record<string, unknown> = {}) =>
  addIntegration(adminToken, accountId, "facebook_pages", { page_id: newNumericId(), name: "Acme Dental", ...input });

export const addInstagramAccount = (adminToken: string, accountId: number, input: Record<string, unknown> = {}) =>
  addIntegration(adminToken, accountId, "instagram_accounts", { instagram_id: newNumericId(), username: "acme.dental", ...input });

export const addVoiceAiAgent = (adminToken: string, accountId: number, input: Record<string, unknown> = {}) =>
  addIntegration(adminToken, accountId, "voice_ai_agents", { name: unique("ava"), phone_number: "+14155550199", ...input });

/** One of each integration, connected or active. */
export async function addIntegrations(adminToken: string, accountId: number) {
  return {
    whatsappNumber: await addWhatsappNumber(adminToken, accountId),
    facebookPage: await addFacebookPage(adminToken, accountId),
    instagramAccount: await addInstagramAccount(adminToken, accountId),
    voiceAiAgent: await addVoiceAiAgent(adminToken, accountId),
  };
}

export const definitionsPath = (accountId: number) => `/api/v1/accounts/${accountId}/custom_attribute_definitions`;

/** A text contact attribute unless `input` says otherwise. */
export async function addAttributeDefinition(adminToken: string, accountId: number, input: Record<string, unknown> = {}) {
  const reply = await call("POST", definitionsPath(accountId), {
    token: adminToken,
    body: {
      attribute_display_name: "Plan",
      attribute_key: unique("plan").replace(/-/g, "_"),
      attribute_display_type: "text",
      attribute_model: "contact_attribute",
      ...input,
    },
  });
  expectStatus(reply, 200);
  return reply.body as { id: number; attribute_key: string; attribute_model: string; [field: string]: unknown };
}

export const widgetsPath = (accountId: number) => `/api/v1/accounts/${accountId}/chat_widgets`;

export type ChatWidget = {
  id: number;
  type: string;
  widget_token: string;
  setup_status: "complete" | "incomplete";
  settings: Record<string, any>;
  [field: string]: any;
};

/** A complete live chat widget on a new website inbox unless `input` says otherwise. */
export async function createChatWidget(adminToken: string, accountId: number, input: Record<string, unknown> = {}) {
  const body: Record<string, unknown> = { name: unique("widget"), type: "live_chat", ...input };
  if (body.type === "live_chat" && !("inbox_id" in body)) body.inbox_id = (await createInbox(adminToken, accountId)).id;
  const reply = await call("POST", widgetsPath(accountId), { token: adminToken, body });
  expectStatus(reply, 201);
  return reply.body as ChatWidget;
}

/**
 * A live-chat widget on a new website inbox of the tenant's account, a visitor's session on it, and
 * `send` for that visitor's `>cs` commands.
 */
export async function widgetCommandSession(t: Awaited<ReturnType<typeof tenant>>, widget: { settings?: Record<string, unknown>; commandSecret?: string } = {}) {
  const inbox = await createInbox(t.admin.access_token, t.account.id);
  const token = unique("wt");
  await env.DB.prepare(
    "insert into chat_widgets (account_id, name, type, widget_token, inbox_id, settings, pre_chat_form, command_secret) values (?, 'Site', 'live_chat', ?, ?, ?, '{}', ?)",
  )
    .bind(t.account.id, token, inbox.id, JSON.stringify(widget.settings ?? {}), widget.commandSecret ?? "")
    .run();
  const session = (await call("POST", "/api/v1/widget/sessions", { body: { widget_token: token } })).body;
  const send = (command: string, signed: { signature?: string; expires_at?: number } = {}) =>
    call("POST", "/api/v1/widget/commands", {
      body: { widget_token: token, source_id: session.source_id, conversation_id: session.conversation_id, command, ...signed },
    });
  return { inbox, token, session, send };
}
