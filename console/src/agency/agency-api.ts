/** The Agency API as the Agency View uses it: shapes of its answers and the calls, with the signed-in session. */
import { api } from "../core/api";
import { navigate } from "../core/router";
import { profile, type Profile } from "../core/session";

export type WidgetType = "live_chat" | "email_sms" | "whatsapp" | "facebook" | "instagram" | "voice_ai" | "all_in_one";
export type LoadStatus = "queued" | "running" | "completed" | "completed_with_warnings" | "failed";

export type SubAccount = {
  id: number;
  name: string;
  locale: string;
  country: string | null;
  timezone: string;
  business_name: string | null;
  business_address: string | null;
  business_phone: string | null;
  support_email: string | null;
  created_at: string;
};

export type Page<T> = { meta: { count: number; current_page: number; per_page: number }; payload: T[] };

export type Snapshot = {
  id: number;
  name: string;
  account_id: number;
  assets: { chat_widgets: "all" | number[]; custom_attribute_definitions: number[] };
  counts: { chat_widgets: number; custom_attribute_definitions: number; media_files: number };
  created_at: string;
};

export type DependencyOutcome = {
  type: "whatsapp_number" | "facebook_page" | "instagram_account" | "voice_ai_agent";
  outcome: "mapped" | "left_empty";
  mapped_to?: Record<string, string | number | null>;
  reason?: string;
};

export type WidgetReport = {
  kind: "chat_widget";
  source_widget_id: number;
  name: string;
  type: WidgetType;
  action: "created" | "updated" | "skipped" | "would_create" | "would_update";
  widget_id: number | null;
  setup_status: "complete" | "incomplete" | null;
  missing_dependencies: string[];
  dependencies: DependencyOutcome[];
  inbox?: { outcome: "mapped" | "created" | "would_create"; inbox_id: number | null; name: string } | null;
  warnings: string[];
};

export type FieldReport = {
  kind: "custom_attribute_definition";
  attribute_key: string;
  attribute_model: string;
  action: "created" | "skipped" | "would_create";
  definition_id: number | null;
  reason?: string;
};

export type SnapshotLoad = {
  id: number;
  snapshot_id: number;
  account_id: number;
  status: LoadStatus;
  dry_run: boolean;
  progress: { done: number; total: number };
  report: (WidgetReport | FieldReport)[];
  error: string | null;
  created_at: string;
  finished_at: string | null;
};

export type SnapshotAssets = {
  chat_widgets: { id: number; name: string; type: WidgetType }[];
  custom_attribute_definitions: { id: number; attribute_key: string; attribute_display_name: string; attribute_model: string }[];
};

export type AuditEntry = {
  id: number;
  action: string;
  auditable_type: string;
  auditable_id: number | null;
  associated_id: number | null;
  audited_changes: Record<string, unknown>;
  user_type: string;
  username: string | null;
  user_email: string | null;
  created_at: number;
};

export const AGENCY = "/api/v1/agency";

export const isFinished = (status: LoadStatus) => status !== "queued" && status !== "running";

/** Where a sub-account's widget is edited (Sites > Chat Widgets in that sub-account). */
export const widgetPath = (accountId: number, widgetId: number) => `/app/accounts/${accountId}/settings/chat_widgets/${widgetId}`;

/** Every sub-account of the agency (paged through), for pickers. */
export async function allSubAccounts(): Promise<SubAccount[]> {
  const all: SubAccount[] = [];
  for (let page = 1; page <= 20; page++) {
    const answer = await api.get<Page<SubAccount>>(`${AGENCY}/accounts`, { page, per_page: 100 });
    all.push(...answer.payload);
    if (all.length >= answer.meta.count || answer.payload.length === 0) break;
  }
  return all;
}

/** Opens the sub-account as its administrator for this session, then goes to its console. */
export async function openAsAdministrator(accountId: number, to?: string): Promise<void> {
  const opened = await api.post<{ account_id: number; console_path: string }>(`${AGENCY}/accounts/${accountId}/open`);
  profile.value = await api.get<Profile>("/api/v1/profile");
  navigate(to ?? opened.console_path);
}
