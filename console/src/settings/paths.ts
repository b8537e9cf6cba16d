/** Where the settings screens live in the console. */
export const settingsPath = (accountId: number) => `/app/accounts/${accountId}/settings`;
export const widgetsPath = (accountId: number) => `${settingsPath(accountId)}/chat_widgets`;
export const integrationsPath = (accountId: number) => `${settingsPath(accountId)}/integrations`;
export const agentsPath = (accountId: number) => `${settingsPath(accountId)}/agents`;
export const labelsPath = (accountId: number) => `${settingsPath(accountId)}/labels`;
export const cannedResponsesPath = (accountId: number) => `${settingsPath(accountId)}/canned_responses`;
export const teamsPath = (accountId: number) => `${settingsPath(accountId)}/teams`;
export const inboxesPath = (accountId: number) => `${settingsPath(accountId)}/inboxes`;
export const customAttributesPath = (accountId: number) => `${settingsPath(accountId)}/custom_attributes`;
export const macrosPath = (accountId: number) => `${settingsPath(accountId)}/macros`;
export const slaPoliciesPath = (accountId: number) => `${settingsPath(accountId)}/sla_policies`;
export const auditLogPath = (accountId: number) => `${settingsPath(accountId)}/audit_log`;
export const ongoingCampaignsPath = (accountId: number) => `${settingsPath(accountId)}/campaigns/ongoing`;
export const smsCampaignsPath = (accountId: number) => `${settingsPath(accountId)}/campaigns/one_off`;
