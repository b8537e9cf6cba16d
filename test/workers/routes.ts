// The routes of the OpenAPI document, so walking tests cover every route, including ones added later.
import { call } from "./helpers";

export type Surface = "platform" | "agency" | "user" | "public";

export type Operation = {
  method: string;
  /** OpenAPI path template, e.g. /api/v1/agency/accounts/{account_id}. */
  path: string;
  surface: Surface;
  pathParams: string[];
  queryParams: string[];
  hasBody: boolean;
  /** The route documents a 403: only some roles may call it. */
  roleRestricted: boolean;
};

type OpenApiOperation = {
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string }[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
};

export async function documentedOperations(): Promise<Operation[]> {
  const doc = (await call("GET", "/api/openapi.json")).body as {
    paths: Record<string, Record<string, OpenApiOperation>>;
  };
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const schemes = (op.security ?? []).flatMap((s) => Object.keys(s));
      const surface: Surface = schemes.includes("platformToken")
        ? "platform"
        : schemes.includes("agencyToken")
          ? "agency"
          : schemes.includes("userToken")
            ? "user"
            : "public";
      operations.push({
        method: method.toUpperCase(),
        path,
        surface,
        pathParams: (op.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name),
        queryParams: (op.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name),
        hasBody: op.requestBody !== undefined,
        roleRestricted: op.responses?.["403"] !== undefined,
      });
    }
  }
  return operations;
}

export const fillPath = (path: string, values: Record<string, string | number>) =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for path parameter ${name} in ${path}`);
    return String(value);
  });

export const operationKey = (op: Pick<Operation, "method" | "path">) => `${op.method} ${op.path}`;

/**
 * A valid body for every route that takes one. A route added without an entry here fails the walk
 * tests, which is the reminder to add it.
 */
export const VALID_BODIES: Record<string, unknown> = {
  "POST /platform/api/v1/agencies": { name: "Walker agency" },
  "POST /auth/sign_in": { email: "walker@example.test", password: "walker password" },
  "POST /auth/password": { email: "walker@example.test" },
  "PUT /auth/password": { reset_password_token: "walker", password: "walker password", password_confirmation: "walker password" },
  "PUT /api/v1/profile": { profile: { name: "Walker" } },
  "POST /api/v1/agency/accounts": { name: "Walker account" },
  "PATCH /api/v1/agency/accounts/{account_id}": { locale: "fr" },
  "POST /api/v1/agency/accounts/{account_id}/users": { name: "Walker", email: "walker@example.test", role: "agent" },
  "PATCH /api/v1/agency/accounts/{account_id}/users/{user_id}": { role: "administrator" },
  "POST /api/v1/agency/snapshots": { name: "Walker snapshot", account_id: 1, assets: { chat_widgets: "all" } },
  "POST /api/v1/agency/snapshots/{snapshot_id}/loads": { account_ids: [1], dry_run: true },
  "POST /api/v1/agency/agency_users": { name: "Walker", email: "walker-staff@example.test", role: "admin", password: "walker password" },
  "POST /platform/api/v1/agencies/{agency_id}/users": { name: "Walker", email: "walker-staff@example.test", role: "admin", password: "walker password" },
  "PATCH /api/v1/accounts/{account_id}": { locale: "fr" },
  "POST /api/v1/accounts/{account_id}/inboxes": {
    name: "Walker inbox",
    channel: { type: "web_widget", website_url: "https://walker.example.test" },
  },
  "PATCH /api/v1/accounts/{account_id}/inboxes/{inbox_id}": { greeting_enabled: true },
  "POST /api/v1/accounts/{account_id}/inbox_members": { inbox_id: 1, user_ids: [1] },
  "PATCH /api/v1/accounts/{account_id}/inbox_members": { inbox_id: 1, user_ids: [1] },
  "DELETE /api/v1/accounts/{account_id}/inbox_members": { inbox_id: 1, user_ids: [1] },
  "POST /api/v1/accounts/{account_id}/teams": { name: "Walker team" },
  "PATCH /api/v1/accounts/{account_id}/teams/{team_id}": { description: "Walks every route" },
  "POST /api/v1/accounts/{account_id}/teams/{team_id}/team_members": { user_ids: [1] },
  "PATCH /api/v1/accounts/{account_id}/teams/{team_id}/team_members": { user_ids: [1] },
  "DELETE /api/v1/accounts/{account_id}/teams/{team_id}/team_members": { user_ids: [1] },
  "POST /api/v1/accounts/{account_id}/contacts": { name: "Walker contact", inbox_id: 1 },
  "PUT /api/v1/accounts/{account_id}/contacts/{contact_id}": { name: "Walker contact" },
  "PATCH /api/v1/accounts/{account_id}/contacts/{contact_id}": { name: "Walker contact" },
  "POST /api/v1/accounts/{account_id}/contacts/{contact_id}/destroy_custom_attributes": { custom_attributes: ["walk"] },
  "POST /api/v1/accounts/{account_id}/contacts/{contact_id}/contact_inboxes": { inbox_id: 1, source_id: "walker" },
  "POST /api/v1/accounts/{account_id}/contacts/{contact_id}/labels": { labels: ["walker"] },
  "POST /api/v1/accounts/{account_id}/labels": { title: "walker", description: "Walks every route" },
  "PATCH /api/v1/accounts/{account_id}/labels/{label_id}": { description: "Walks every route again" },
  "POST /api/v1/accounts/{account_id}/actions/contact_merge": { base_contact_id: 1, mergee_contact_id: 2 },
  "POST /api/v1/accounts/{account_id}/conversations/{conversation_id}/messages": { content: "Walking", private: true },
  "POST /api/v1/accounts/{account_id}/conversations/{conversation_id}/template_preview": { content: "Hi {{ contact.name }}" },
  "POST /api/v1/accounts/{account_id}/conversations/{conversation_id}/toggle_status": { status: "pending" },
  "POST /api/v1/accounts/{account_id}/conversations/{conversation_id}/toggle_priority": { priority: "high" },
  "POST /api/v1/accounts/{account_id}/conversations/{conversation_id}/assignments": { assignee_id: null },
  "POST /api/v1/accounts/{account_id}/conversations/{conversation_id}/labels": { labels: ["walk"] },
  "POST /api/v1/accounts/{account_id}/conversations/{conversation_id}/custom_attributes": { custom_attributes: { walk: "yes" } },
  "POST /api/v1/accounts/{account_id}/conversations/{conversation_id}/toggle_typing_status": { typing_status: "on" },
  "PATCH /api/v1/accounts/{account_id}/conversations/{conversation_id}": { priority: "high", sla_policy_id: 1 },
  "POST /api/v1/accounts/{account_id}/campaigns": {
    title: "Walker campaign",
    message: "Hello, walker",
    inbox_id: 1,
    trigger_rules: { url: "https://walker.example.test/*", time_on_page: 5 },
  },
  "PATCH /api/v1/accounts/{account_id}/campaigns/{campaign_id}": { title: "Walker campaign" },
  "POST /api/v1/accounts/{account_id}/campaigns/url_test": { url_pattern: "https://walker.example.test/*", url: "https://walker.example.test/a" },
  "POST /api/v1/accounts/{account_id}/agents": { name: "Walker", email: "walker-agent@example.test", role: "agent" },
  "PATCH /api/v1/accounts/{account_id}/agents/{user_id}": { availability: "busy" },
  "POST /api/v1/accounts/{account_id}/integrations/whatsapp_numbers": { phone_number: "+14155550123" },
  "PATCH /api/v1/accounts/{account_id}/integrations/whatsapp_numbers/{whatsapp_number_id}": { display_name: "Walker" },
  "POST /api/v1/accounts/{account_id}/integrations/facebook_pages": { page_id: "1045", name: "Walker page" },
  "PATCH /api/v1/accounts/{account_id}/integrations/facebook_pages/{facebook_page_id}": { name: "Walker page" },
  "POST /api/v1/accounts/{account_id}/integrations/instagram_accounts": { instagram_id: "1784", username: "walker" },
  "PATCH /api/v1/accounts/{account_id}/integrations/instagram_accounts/{instagram_account_id}": { username: "walker" },
  "POST /api/v1/accounts/{account_id}/integrations/voice_ai_agents": { name: "Walker agent" },
  "PATCH /api/v1/accounts/{account_id}/integrations/voice_ai_agents/{voice_ai_agent_id}": { status: "inactive" },
  "POST /api/v1/accounts/{account_id}/custom_attribute_definitions": {
    attribute_display_name: "Walker",
    attribute_key: "walker",
    attribute_display_type: "text",
    attribute_model: "contact_attribute",
  },
  "PATCH /api/v1/accounts/{account_id}/custom_attribute_definitions/{custom_attribute_definition_id}": { attribute_display_name: "Walker" },
  "POST /api/v1/accounts/{account_id}/canned_responses": { short_code: "walker", content: "Hello, walker" },
  "PATCH /api/v1/accounts/{account_id}/canned_responses/{canned_response_id}": { content: "Hello again, walker" },
  "POST /api/v1/accounts/{account_id}/canned_responses/{canned_response_id}/render": { conversation_id: 1 },
  "POST /api/v1/accounts/{account_id}/automation_rules": {
    name: "Walker rule",
    event_name: "conversation_created",
    conditions: [{ attribute_key: "status", filter_operator: "equal_to", values: ["open"], query_operator: null }],
    actions: [{ action_name: "add_label", action_params: ["walk"] }],
  },
  "PATCH /api/v1/accounts/{account_id}/automation_rules/{automation_rule_id}": { active: false },
  // Take multipart/form-data only: every JSON body is refused, which is what the walks check.
  "POST /api/v1/accounts/{account_id}/automation_rules/attach_file": {},
  "POST /api/v1/accounts/{account_id}/macros/attach_file": {},
  "POST /api/v1/accounts/{account_id}/macros": {
    name: "Walker macro",
    visibility: "global",
    actions: [{ action_name: "add_label", action_params: ["walked"] }],
  },
  "PATCH /api/v1/accounts/{account_id}/macros/{macro_id}": { name: "Walker macro renamed" },
  "POST /api/v1/accounts/{account_id}/macros/{macro_id}/execute": { conversation_ids: [1] },
  "POST /api/v1/accounts/{account_id}/chat_widgets": { name: "Walker widget", type: "live_chat", inbox_id: 1 },
  "PATCH /api/v1/accounts/{account_id}/chat_widgets/{chat_widget_id}": { name: "Walker widget" },
  // Takes multipart/form-data only: every JSON body is refused, which is what the walks check.
  "POST /api/v1/accounts/{account_id}/chat_widgets/{chat_widget_id}/media/{slot}": {},
  // Twilio's webhooks take its signed form only: every JSON body is refused, which is what the walks check.
  "POST /twilio/callback": {},
  "POST /twilio/delivery_status": {},
  "POST /webhooks/whatsapp/{phone_number}": { object: "whatsapp_business_account", entry: [] },
  "POST /bot": { object: "page", entry: [] },
  "POST /webhooks/instagram": { object: "instagram", entry: [] },
  "POST /api/v1/widget/sessions": { widget_token: "walker-widget", values: {} },
  "POST /api/v1/widget/commands": { widget_token: "walker-widget", source_id: "walker", conversation_id: 1, command: ">cs /notify" },
  "POST /api/v1/widget/contact/custom_attributes/delete": { widget_token: "walker-widget", source_id: "walker", keys: ["plan"] },
  "POST /api/v1/widget/conversation/custom_attributes": {
    widget_token: "walker-widget",
    source_id: "walker",
    conversation_id: 1,
    custom_attributes: { walk: "yes" },
  },
  "POST /api/v1/widget/conversation/custom_attributes/delete": { widget_token: "walker-widget", source_id: "walker", conversation_id: 1, keys: ["walk"] },
  "POST /api/v1/widget/conversation/labels/add": { widget_token: "walker-widget", source_id: "walker", conversation_id: 1, label: "walk" },
  "POST /api/v1/widget/conversation/labels/remove": { widget_token: "walker-widget", source_id: "walker", conversation_id: 1, label: "walk" },
  "POST /api/v1/accounts/{account_id}/sla_policies": { name: "Walker SLA", first_response_time_threshold: 3600 },
  "POST /api/v1/accounts/{account_id}/webhooks": { url: "https://walker.example.test/hook", subscriptions: ["message_created"] },
  "POST /api/v1/accounts/{account_id}/agent_bots": { name: "Walker bot", outgoing_url: "https://walker.example.test/bot" },
  "PATCH /api/v1/accounts/{account_id}/agent_bots/{agent_bot_id}": { description: "Walks every route" },
  "POST /api/v1/accounts/{account_id}/inboxes/{inbox_id}/set_agent_bot": { agent_bot: null },
  "POST /api/v1/accounts/{account_id}/conversations": { inbox_id: 1, contact_id: 1, message: { content: "Walking" } },
  "POST /api/v1/accounts/{account_id}/integrations/hooks": { app_id: "webhook", settings: { url: "https://walker.example.test/hook-app" } },
  "PATCH /api/v1/accounts/{account_id}/integrations/hooks/{hook_id}": { settings: { events: ["message_created"] } },
  "POST /api/v1/accounts/{account_id}/bulk_actions": { type: "Conversation", ids: [1], labels: { add: ["walked"] } },
  "POST /api/v1/accounts/{account_id}/contacts/import": { csv: "name,email\nWalker,walker-import@example.test\n" },
  "POST /api/v1/accounts/{account_id}/conversations/filter": {
    payload: [{ attribute_key: "status", filter_operator: "equal_to", values: ["open"], query_operator: null }],
  },
  "POST /api/v1/accounts/{account_id}/custom_filters": {
    name: "Walker folder",
    type: "conversation",
    query: { payload: [{ attribute_key: "status", filter_operator: "equal_to", values: ["open"], query_operator: null }] },
  },
  "PATCH /api/v1/accounts/{account_id}/custom_filters/{custom_filter_id}": { name: "Walker folder again" },
  "POST /api/v1/accounts/{account_id}/contacts/filter": {
    payload: [{ attribute_key: "email", filter_operator: "contains", values: ["example"], query_operator: null }],
  },
  "PATCH /api/v1/accounts/{account_id}/webhooks/{webhook_id}": { name: "Walker webhook" },
  "POST /api/v1/accounts/{account_id}/notifications/read_all": { primary_actor_type: "Conversation", primary_actor_id: 1 },
  "PATCH /api/v1/accounts/{account_id}/notification_settings": { notification_settings: { selected_push_flags: ["push_conversation_creation"] } },
  "PUT /api/v1/accounts/{account_id}/notification_settings": { notification_settings: { selected_email_flags: [] } },
  "POST /api/v1/profile/availability": { profile: { availability: "busy", account_id: 1 } },
  "POST /api/v1/notification_subscriptions": {
    notification_subscription: { subscription_type: "fcm", subscription_attributes: { push_token: "walker-device-token" } },
  },
  "PUT /api/v1/profile/set_active_account": { profile: { account_id: 1 } },
  "DELETE /api/v1/notification_subscriptions": { push_token: "walker-device-token" },
  "POST /public/api/v1/inboxes/{inbox_identifier}/contacts": { name: "Walker visitor" },
  "PATCH /public/api/v1/inboxes/{inbox_identifier}/contacts/{contact_identifier}": { name: "Walker visitor" },
  "POST /public/api/v1/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations": { custom_attributes: { walk: "yes" } },
  "POST /public/api/v1/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations/{conversation_id}/toggle_typing": {
    typing_status: "on",
  },
  "POST /public/api/v1/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations/{conversation_id}/messages": {
    content: "Walking",
  },
  "PATCH /public/api/v1/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations/{conversation_id}/messages/{message_id}": {
    submitted_values: [{ name: "email", value: "walker@example.test" }],
  },
};
