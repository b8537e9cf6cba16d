/** The Worker's HTTP surface: middleware, every router, the OpenAPI document and its docs UI. */
import { Scalar } from "@scalar/hono-api-reference";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { mount } from "hono/mount";
import { openDatabase } from "../db/client";
import { accountSettings } from "./accounts/account";
import { accountAuditLogs } from "./accounts/audit-logs";
import { accountAutomationRules } from "./accounts/automation-rules";
import { accountMacros } from "./accounts/macros";
import { accountCannedResponses } from "./accounts/canned-responses";
import { accountChatWidgets } from "./accounts/chat-widgets";
import { accountCampaigns } from "./accounts/campaigns";
import { accountConversationSla } from "./accounts/conversation-sla";
import { accountAgentList } from "./accounts/agents";
import { profileAvailability } from "./accounts/availability";
import { notificationSubscriptionRoutes } from "./accounts/notification-subscriptions";
import { installationStatus } from "./installation-status";
import { accountConversationMute } from "./accounts/conversation-mute";
import { accountConversationLists } from "./accounts/conversation-lists";
import { accountConversations } from "./accounts/conversations";
import { accountContacts } from "./accounts/contacts";
import { accountCustomAttributeDefinitions } from "./accounts/custom-attribute-definitions";
import { accountInboxMembers } from "./accounts/inbox-members";
import { accountInboxes } from "./accounts/inboxes";
import { accountLabels } from "./accounts/labels";
import { accountContactLabels } from "./accounts/contact-labels";
import { accountEmails } from "./accounts/emails";
import { accountNotificationSettings } from "./accounts/notification-settings";
import { accountNotifications } from "./accounts/notifications";
import { accountIntegrations } from "./accounts/integrations/registry";
import { profile } from "./accounts/profile";
import { accountSlaPolicies } from "./accounts/sla-policies";
import { accountCsatSurveyResponses } from "./accounts/csat-survey-responses";
import { accountTeamMembers } from "./accounts/team-members";
import { accountTeams } from "./accounts/teams";
import { accountWebhooks } from "./accounts/webhooks";
import { accountAgentBots } from "./accounts/agent-bots";
import { accountFilters } from "./accounts/filters";
import { accountContactFiles } from "./accounts/contact-files";
import { contactExportLinks } from "./accounts/contacts-export";
import { accountIntegrationHooks } from "./accounts/integration-hooks";
import { accountConversationStart } from "./accounts/conversation-start";
import { accountConversationAttachments } from "./accounts/conversation-attachments";
import { accountBulkActions } from "./accounts/bulk-actions";
import { accountCustomFilters } from "./accounts/custom-filters";
import { agencyAccounts } from "./agency/accounts";
import { agencyAuditLogs } from "./agency/audit-logs";
import { agencyStaff } from "./agency/agency-users";
import { agencySnapshotAssets } from "./agency/snapshot-assets";
import { agencySnapshots } from "./agency/snapshots";
import { agencyUsers } from "./agency/users";
import { accountMember, authenticate } from "./auth";
import { openCable } from "./cable";
import { limitByAddress } from "./limits";
import { serveMedia } from "./media";
import { serveConsolePage } from "./console-page";
import { serveWidgetPage } from "./widget-page";
import { type AppEnv, createRouter } from "./context";
import { ApiError, errorBody, handleError } from "./errors";
import { platformAgencies } from "./platform/agencies";
import { platformAuditLogs } from "./platform/audit-logs";
import { publicContacts } from "./public/contacts";
import { webhookSink } from "./dev/webhook-sink";
import { smsSink } from "./dev/sms-sink";
import { twilioWebhooks } from "./twilio";
import { whatsappWebhooks } from "./whatsapp";
import { whatsappSink } from "./dev/whatsapp-sink";
import { accountWhatsappTemplates } from "./accounts/whatsapp-templates";
import { metaWebhooks } from "./meta-webhooks";
import { isMetaSinkRequest, metaSink } from "./dev/meta-sink";
import { widgetCampaigns } from "./widget/campaigns";
import { widgetSdk } from "./widget/sdk";
import { widgetCommands } from "./widget/commands";
import { widgetConfig } from "./widget/config";
import { widgetAvailability } from "./widget/availability";
import { widgetSessions } from "./widget/sessions";
import { publicConversations } from "./public/conversations";
import { signInPasswords } from "./sign-in/passwords";
import { signInSessions } from "./sign-in/sessions";

const DEFAULT_MAX_JSON_BODY_BYTES = 1024 * 1024;
const DEFAULT_MAX_UPLOAD_BYTES = 40 * 1024 * 1024;
const isMultipart = (type: string | undefined) => /^multipart\/form-data/i.test(type ?? "");

const withDatabase: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set("db", openDatabase(c.env.DB));
  await next();
};

/** JSON bodies over MAX_JSON_BODY_BYTES, uploads over MAX_UPLOAD_BYTES, answer 413 before anything reads them. */
const limitBodySize: MiddlewareHandler<AppEnv> = (c, next) => {
  const maxBytes = isMultipart(c.req.header("content-type"))
    ? Number(c.env.MAX_UPLOAD_BYTES) || DEFAULT_MAX_UPLOAD_BYTES
    : Number(c.env.MAX_JSON_BODY_BYTES) || DEFAULT_MAX_JSON_BODY_BYTES;
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(413, "payload_too_large", "The request body is larger than the limit.", { max_bytes: maxBytes });
    },
  })(c, next);
};

/** A request that carries a body must say it is JSON (or multipart, for uploads), so nothing is silently ignored. */
const requireJsonBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  const length = c.req.header("content-length");
  const hasBody = length === undefined ? c.req.raw.body !== null : Number(length) > 0;
  const type = c.req.header("content-type") ?? "";
  if (hasBody && !/^application\/([a-z0-9.+-]*\+)?json\b/i.test(type) && !isMultipart(type)) {
    throw new ApiError(415, "unsupported_media_type", "Send the request body as application/json.");
  }
  await next();
};

export function createApp() {
  const app = createRouter();

  app.onError(handleError);
  app.notFound((c) => c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}.`), 404));

  app.use("*", withDatabase);
  for (const prefix of ["/api/*", "/platform/*", "/public/*", "/auth/*"]) app.use(prefix, limitBodySize, requireJsonBody);

  app.use("/platform/api/v1/*", authenticate("platform"));
  app.use("/api/v1/agency/*", authenticate("agency"));
  app.use("/auth/sign_out", authenticate("user"));
  app.use("/auth/validate_token", authenticate("user"));
  app.use("/api/v1/profile", authenticate("user"));
  app.use("/api/v1/profile/*", authenticate("user"));
  app.use("/api/v1/notification_subscriptions", authenticate("user"));
  app.use("/api/v1/notification_subscriptions/*", authenticate("user"));
  app.use("/api/v1/accounts/:account_id", authenticate("user"), accountMember);
  app.use("/api/v1/accounts/:account_id/*", authenticate("user"), accountMember);

  app.route("/platform/api/v1", platformAgencies);
  app.route("/platform/api/v1", platformAuditLogs);
  app.route("/api/v1/agency", agencyAccounts);
  app.route("/api/v1/agency", agencyUsers);
  app.route("/api/v1/agency", agencyAuditLogs);
  app.route("/api/v1/agency", agencySnapshots);
  app.route("/api/v1/agency", agencyStaff);
  app.route("/api/v1/agency", agencySnapshotAssets);
  app.route("/auth", signInSessions);
  app.route("/auth", signInPasswords);
  app.route("/api/v1", profile);
  app.route("/api/v1", profileAvailability);
  app.route("/api/v1", notificationSubscriptionRoutes);
  app.route("/api/v1/accounts", accountSettings);
  app.route("/api/v1/accounts", accountAgentList);
  app.route("/api/v1/accounts", accountAuditLogs);
  // Before the inbox routes: its middleware refreshes the workflow listeners after inbox changes too (an API inbox's webhook_url listens).
  app.route("/api/v1/accounts", accountAgentBots);
  app.route("/api/v1/accounts", accountInboxes);
  app.route("/api/v1/accounts", accountWhatsappTemplates);
  app.route("/api/v1/accounts", accountInboxMembers);
  app.route("/api/v1/accounts", accountTeams);
  app.route("/api/v1/accounts", accountTeamMembers);
  // Before the contact and conversation routes: POST .../contacts/filter and .../conversations/filter.
  app.route("/api/v1/accounts", accountFilters);
  app.route("/api/v1/accounts", accountContactFiles);
  // The mailed link of a contacts export: signed, no session (outside /api/v1/accounts and its auth).
  app.route("/api/v1", contactExportLinks);
  app.route("/api/v1/accounts", accountCustomFilters);
  app.route("/api/v1/accounts", accountContacts);
  app.route("/api/v1/accounts", accountContactLabels);
  app.route("/api/v1/accounts", accountLabels);
  // Before the conversation routes, whose /{conversation_id} would take "meta" and "search".
  app.route("/api/v1/accounts", accountConversationLists);
  app.route("/api/v1/accounts", accountConversations);
  app.route("/api/v1/accounts", accountConversationStart);
  app.route("/api/v1/accounts", accountConversationAttachments);
  app.route("/api/v1/accounts", accountBulkActions);
  app.route("/api/v1/accounts", accountConversationMute);
  app.route("/api/v1/accounts", accountConversationSla);
  app.route("/api/v1/accounts", accountNotifications);
  app.route("/api/v1/accounts", accountNotificationSettings);
  app.route("/api/v1/accounts", accountEmails);
  app.route("/api/v1/accounts", accountIntegrationHooks);
  for (const integration of accountIntegrations) app.route("/api/v1/accounts", integration);
  app.route("/api/v1/accounts", accountCustomAttributeDefinitions);
  app.route("/api/v1/accounts", accountChatWidgets);
  app.route("/api/v1/accounts", accountCampaigns);
  app.route("/api/v1/accounts", accountCannedResponses);
  app.route("/api/v1/accounts", accountSlaPolicies);
  app.route("/api/v1/accounts", accountCsatSurveyResponses);
  app.route("/api/v1/accounts", accountAutomationRules);
  app.route("/api/v1/accounts", accountMacros);
  app.route("/api/v1/accounts", accountWebhooks);
  app.route("/api/v1/widget", widgetConfig);
  app.route("/api/v1/widget", widgetAvailability);
  app.route("/api/v1/widget", widgetSessions);
  app.route("/api/v1/widget", widgetCommands);
  app.route("/api/v1/widget", widgetCampaigns);
  app.route("/api/v1/widget", widgetSdk);
  app.route("/public/api/v1", publicContacts);
  app.route("/public/api/v1", publicConversations);
  // Providers' webhooks: form bodies, capped like the API's JSON ones.
  app.use("/twilio/*", limitBodySize);
  app.route("/", twilioWebhooks);
  // Meta's WhatsApp webhook: JSON read as bytes (signed as sent) and capped by its own route.
  app.route("/", whatsappWebhooks);
  // Meta's webhooks for Messenger (/bot) and Instagram: JSON signed as sent, capped the same way.
  app.use("/bot", limitBodySize);
  app.use("/webhooks/instagram", limitBodySize);
  app.route("/", metaWebhooks);

  app.get("/cable", openCable);
  // Served without a token, outside the API document: counted by address like the public API's reads.
  const publicRead = limitByAddress("public_read.address");
  app.get("/media/*", publicRead, serveMedia);
  // The agent console: its page for /app and every deep link under it (hashed files are static assets).
  app.get("/app", publicRead, serveConsolePage);
  app.get("/app/*", publicRead, serveConsolePage);
  // The chat app's page, with frame-ancestors from the widget's allowed domains.
  app.get("/widget/app.html", publicRead, serveWidgetPage);
  app.get("/widget/app", publicRead, serveWidgetPage);
  // Local development only (LOCAL_SINKS): receivers that record what Parley sends. Not part of the API document.
  app.all("/dev/sinks/webhooks/*", mount(webhookSink.fetch));
  app.all("/dev/sinks/sms/*", mount(smsSink.fetch));
  // The local Graph API (GRAPH_API_BASE_URL): Messenger and Instagram's Send API here, the rest of /dev/sinks/graph after.
  const metaSinkHandler = mount(metaSink.fetch);
  app.all("/dev/sinks/graph/*", (c, next) => (isMetaSinkRequest(c.req.path, c.req.query("fields")) ? metaSinkHandler(c, next) : next()));
  // The rest: the WhatsApp Cloud API (messages, media, message_templates).
  app.all("/dev/sinks/graph/*", mount(whatsappSink.fetch));

  // Chatwoot's `GET /api` (ApiController#index), which its mobile app calls to check an installation URL.
  app.get("/api", publicRead, async (c) => {
    await c.env.DB.prepare("select 1").first();
    return c.json(installationStatus(new Date()));
  });

  app.get("/health", publicRead, async (c) => {
    await c.env.DB.prepare("select 1").first();
    return c.json({ status: "ok" });
  });

  registerSecuritySchemes(app);
  app.doc31("/api/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Parley API",
      version: "1.0.0",
      description:
        "Edge-native customer messaging. Platform API (operator), Agency API (agencies and their sub-accounts) " +
        "and the Chatwoot-compatible Application API. Errors always look like " +
        '`{"error": {"code", "message", "details"}}`; JSON bodies are limited to MAX_JSON_BODY_BYTES (1 MiB by default). ' +
        "Public routes list the rate limits they count against in `x-parley-limits` and answer `429 rate_limited` " +
        'with `Retry-After` past one (docs/SECURITY.md, "Limits").',
    },
  });
  app.get("/api/docs", Scalar({ url: "/api/openapi.json", pageTitle: "Parley API" }));

  return app;
}

function registerSecuritySchemes(app: ReturnType<typeof createRouter>) {
  const bearer = (description: string) => ({ type: "http" as const, scheme: "bearer", description });
  app.openAPIRegistry.registerComponent("securitySchemes", "platformToken", bearer("The PLATFORM_TOKEN secret"));
  app.openAPIRegistry.registerComponent("securitySchemes", "agencyToken", bearer("An agency access token"));
  app.openAPIRegistry.registerComponent("securitySchemes", "userToken", bearer("A user access token"));
  app.openAPIRegistry.registerComponent("securitySchemes", "apiAccessToken", {
    type: "apiKey",
    in: "header",
    name: "api_access_token",
    description: "A user access token in Chatwoot's header",
  });
  // A signed-in session (POST /auth/sign_in): devise_token_auth's three headers, or the console's cookie.
  const header = (name: string, description: string) => ({ type: "apiKey" as const, in: "header" as const, name, description });
  app.openAPIRegistry.registerComponent("securitySchemes", "deviseAccessToken", header("access-token", "A session's access token"));
  app.openAPIRegistry.registerComponent("securitySchemes", "deviseClient", header("client", "The session's client id"));
  app.openAPIRegistry.registerComponent("securitySchemes", "deviseUid", header("uid", "The user's email"));
  app.openAPIRegistry.registerComponent("securitySchemes", "sessionCookie", {
    type: "apiKey",
    in: "cookie",
    name: "parley_session",
    description: "The console's session cookie; its POST, PUT, PATCH and DELETE requests must come from this site",
  });
}
