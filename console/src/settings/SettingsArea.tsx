/**
 * The sub-account's settings, for administrators (agents do not see them): Sites > Chat Widgets (the
 * list and the builder) and Integrations. Its own chunk, which the inbox never loads.
 */
import "../i18n/admin-strings";
import { t } from "../core/i18n";
import { Link, route } from "../core/router";
import { accountId, role } from "../core/session";
import { WidgetBuilder, isWidgetType } from "./chat-widgets/WidgetBuilder";
import { WidgetList } from "./chat-widgets/WidgetList";
import { IntegrationsScreen } from "./integrations/IntegrationsScreen";
import { WebhooksScreen, webhooksPath } from "./webhooks/WebhooksScreen";
import { AutomationScreen, automationPath } from "./automation/AutomationScreen";
import { AgentsScreen } from "./agents/AgentsScreen";
import { LabelsScreen } from "./labels/LabelsScreen";
import { CannedResponsesScreen } from "./canned/CannedResponsesScreen";
import { TeamsScreen } from "./teams/TeamsScreen";
import { InboxesScreen } from "./inboxes/InboxesScreen";
import { CustomAttributesScreen } from "./custom-attributes/CustomAttributesScreen";
import { SlaPoliciesScreen } from "./sla/SlaPoliciesScreen";
import { MacrosScreen } from "./macros/MacrosScreen";
import { AuditLogScreen } from "./audit-log/AuditLogScreen";
import { auditLogPath, customAttributesPath, macrosPath, slaPoliciesPath } from "./paths";
import { OngoingCampaignsScreen } from "./campaigns/OngoingCampaignsScreen";
import { SmsCampaignsScreen } from "./campaigns/SmsCampaignsScreen";
import { ongoingCampaignsPath, smsCampaignsPath } from "./paths";
import { agentsPath, cannedResponsesPath, inboxesPath, integrationsPath, labelsPath, settingsPath, teamsPath, widgetsPath } from "./paths";

type Screen =
  | { name: "widgets" }
  | { name: "widget"; id: number | null }
  | { name: "integrations" }
  | { name: "webhooks" }
  | { name: "automation" }
  | { name: "agents" }
  | { name: "labels" }
  | { name: "canned" }
  | { name: "teams" }
  | { name: "inboxes" }
  | { name: "custom_attributes" }
  | { name: "sla_policies" }
  | { name: "macros" }
  | { name: "audit_log" }
  | { name: "ongoing_campaigns" }
  | { name: "sms_campaigns" }
  | { name: "unknown" };

/** Which screen a path under /app/accounts/:id/settings names. */
function screenOf(path: string): Screen {
  const rest = path.replace(/^\/app\/accounts\/\d+\/settings/, "").replace(/\/$/, "");
  if (rest === "" || rest === "/chat_widgets") return { name: "widgets" };
  if (rest === "/chat_widgets/new") return { name: "widget", id: null };
  const widget = /^\/chat_widgets\/(\d+)$/.exec(rest);
  if (widget) return { name: "widget", id: Number(widget[1]) };
  if (rest === "/integrations") return { name: "integrations" };
  if (rest === "/webhooks") return { name: "webhooks" };
  if (rest === "/automation") return { name: "automation" };
  if (rest === "/inboxes") return { name: "inboxes" };
  if (rest === "/agents") return { name: "agents" };
  if (rest === "/teams") return { name: "teams" };
  if (rest === "/labels") return { name: "labels" };
  if (rest === "/canned_responses") return { name: "canned" };
  if (rest === "/custom_attributes") return { name: "custom_attributes" };
  if (rest === "/sla_policies") return { name: "sla_policies" };
  if (rest === "/macros") return { name: "macros" };
  if (rest === "/audit_log") return { name: "audit_log" };
  if (rest === "/campaigns/ongoing") return { name: "ongoing_campaigns" };
  if (rest === "/campaigns/one_off") return { name: "sms_campaigns" };
  return { name: "unknown" };
}

type NavItem = { title: string; href: string; screens: Screen["name"][] };

/** The settings nav: what a sub-account's administrator configures, grouped as its headings say. */
function navGroups(account: number): { title: string; items: NavItem[] }[] {
  return [
    {
      title: "settings.widgets.sites",
      items: [
        { title: "settings.widgets.title", href: widgetsPath(account), screens: ["widgets", "widget"] },
        { title: "settings.integrations.title", href: integrationsPath(account), screens: ["integrations"] },
      ],
    },
    {
      title: "settings.navAccount",
      items: [
        { title: "settings.inboxes.title", href: inboxesPath(account), screens: ["inboxes"] },
        { title: "settingsAgents.title", href: agentsPath(account), screens: ["agents"] },
        { title: "settings.teams.title", href: teamsPath(account), screens: ["teams"] },
        { title: "settings.labels.title", href: labelsPath(account), screens: ["labels"] },
        { title: "settings.canned.title", href: cannedResponsesPath(account), screens: ["canned"] },
        { title: "settingsAttributes.title", href: customAttributesPath(account), screens: ["custom_attributes"] },
        { title: "settingsAudit.title", href: auditLogPath(account), screens: ["audit_log"] },
      ],
    },
    {
      title: "settings.navWorkflows",
      items: [
        { title: "settings.webhooks.title", href: webhooksPath(account), screens: ["webhooks"] },
        { title: "settings.automation.title", href: automationPath(account), screens: ["automation"] },
        { title: "settingsCampaigns.ongoing.title", href: ongoingCampaignsPath(account), screens: ["ongoing_campaigns"] },
        { title: "settingsCampaigns.sms.title", href: smsCampaignsPath(account), screens: ["sms_campaigns"] },
        { title: "settingsMacros.title", href: macrosPath(account), screens: ["macros"] },
        { title: "settingsSla.title", href: slaPoliciesPath(account), screens: ["sla_policies"] },
      ],
    },
  ];
}

export function SettingsArea() {
  const account = accountId.value;
  const current = route.value;
  if (account === null) return null;
  if (role.value !== "administrator") {
    return (
      <main id="main" class="page-message" tabIndex={-1}>
        <h1>{t("settings.adminsOnly.title")}</h1>
        <p>{t("settings.adminsOnly.body")}</p>
      </main>
    );
  }
  const screen = screenOf(current.path);
  const type = current.query.type;
  return (
    <div class="settings">
      <nav class="settings-nav" aria-label={t("settings.title")}>
        <h2 class="settings-nav-title">{t("settings.title")}</h2>
        <ul>
          {navGroups(account).map((group) =>
            group.items.map((item, index) => (
              <li key={item.href}>
                {index === 0 && <span class="settings-nav-group">{t(group.title)}</span>}
                <Link href={item.href} aria-current={item.screens.includes(screen.name) ? "page" : undefined}>
                  {t(item.title)}
                </Link>
              </li>
            )),
          )}
        </ul>
      </nav>
      <main id="main" class="settings-main" tabIndex={-1}>
        {screen.name === "widgets" && <WidgetList />}
        {screen.name === "widget" && <WidgetBuilder widgetId={screen.id} initialType={isWidgetType(type) ? type : null} />}
        {screen.name === "integrations" && <IntegrationsScreen />}
        {screen.name === "webhooks" && <WebhooksScreen />}
        {screen.name === "automation" && <AutomationScreen />}
        {screen.name === "inboxes" && <InboxesScreen />}
        {screen.name === "agents" && <AgentsScreen />}
        {screen.name === "teams" && <TeamsScreen />}
        {screen.name === "labels" && <LabelsScreen />}
        {screen.name === "canned" && <CannedResponsesScreen />}
        {screen.name === "custom_attributes" && <CustomAttributesScreen />}
        {screen.name === "sla_policies" && <SlaPoliciesScreen />}
        {screen.name === "macros" && <MacrosScreen />}
        {screen.name === "audit_log" && <AuditLogScreen />}
        {screen.name === "ongoing_campaigns" && <OngoingCampaignsScreen />}
        {screen.name === "sms_campaigns" && <SmsCampaignsScreen />}
        {screen.name === "unknown" && (
          <div class="page-message">
            <h1>{t("common.notFound.title")}</h1>
            <Link href={settingsPath(account)}>{t("settings.backToSettings")}</Link>
          </div>
        )}
      </main>
    </div>
  );
}
