/**
 * The automation builder's model: Chatwoot's rules (event, conditions, actions) as the API takes them,
 * the choices each condition row offers (from the API's domain module, so the builder offers exactly
 * what the API accepts), the actions with their kind of parameter, and the account's agents, teams,
 * labels, inboxes and SLA policies that parameters and values name.
 */
import {
  type AttributeDisplayType,
  type AttributeModel,
  type AutomationEvent,
  CUSTOM_ATTRIBUTE_OPERATORS,
  type FilterOperator,
  type QueryOperator,
  type StandardAttributeChoice,
  standardAttributeChoices,
} from "../../../../src/domain/automation-conditions";
import { CONVERSATION_STATUSES, MessageType, PRIORITIES } from "../../../../src/domain/conversation";
import { AUTOMATION_TRIGGERS } from "../../../../src/domain/events";
import { accountPath, api } from "../../core/api";

export type { AttributeModel, AutomationEvent, FilterOperator, QueryOperator, StandardAttributeChoice };
/** What a custom attribute of this display type may be tested with. */
export const customOperatorsOf = (displayType: AttributeDisplayType) => CUSTOM_ATTRIBUTE_OPERATORS[displayType];
export const EVENTS: readonly AutomationEvent[] = AUTOMATION_TRIGGERS;
export { CONVERSATION_STATUSES, PRIORITIES };
export const MESSAGE_TYPES = Object.keys(MessageType);
export const attributesOf = (event: AutomationEvent) => standardAttributeChoices(event);

/** Operators that test presence take no value. */
export const takesValue = (operator: FilterOperator) => operator !== "is_present" && operator !== "is_not_present";

export type Condition = {
  attribute_key: string;
  filter_operator: FilterOperator;
  values: (string | number | boolean | null)[];
  query_operator: QueryOperator | null;
  custom_attribute_type?: AttributeModel;
};
export type Action = { action_name: string; action_params: unknown[] };
export type Rule = {
  id: number;
  name: string;
  description: string | null;
  event_name: AutomationEvent;
  conditions: Condition[];
  actions: Action[];
  active: boolean;
  created_on: number;
};
export type Run = {
  id: number;
  conversation_id: number;
  event_name: string;
  status: string;
  results: { action_name: string; status: string; message?: string }[];
  created_at: number | string;
};

/** What an action's parameters are, as the builder edits them. */
export type ParamKind = "none" | "agent" | "team" | "labels" | "text" | "url" | "priority" | "emails" | "sla" | "team_message";
export const ACTIONS: { name: string; params: ParamKind }[] = [
  { name: "assign_agent", params: "agent" },
  { name: "assign_team", params: "team" },
  { name: "add_label", params: "labels" },
  { name: "remove_label", params: "labels" },
  { name: "send_message", params: "text" },
  { name: "send_webhook_event", params: "url" },
  { name: "send_email_to_team", params: "team_message" },
  { name: "send_email_transcript", params: "emails" },
  { name: "change_priority", params: "priority" },
  { name: "add_sla", params: "sla" },
  { name: "resolve_conversation", params: "none" },
  { name: "open_conversation", params: "none" },
  { name: "snooze_conversation", params: "none" },
  { name: "mute_conversation", params: "none" },
];
export const paramsOf = (name: string): ParamKind => ACTIONS.find((action) => action.name === name)?.params ?? "none";

export type Named = { id: number; name: string };
export type CustomAttribute = { key: string; name: string; model: AttributeModel; displayType: AttributeDisplayType; values: string[] };
export type Directory = { agents: Named[]; teams: Named[]; labels: string[]; inboxes: Named[]; slaPolicies: Named[]; customAttributes: CustomAttribute[] };
type Definition = {
  attribute_key: string;
  attribute_display_name: string;
  attribute_model: AttributeModel;
  attribute_display_type: AttributeDisplayType;
  attribute_values: string[];
};

const listOf = <T>(answer: T[] | { payload: T[] }): T[] => (Array.isArray(answer) ? answer : answer.payload);

/** The account's people, teams, labels, inboxes and SLA policies, for the builder's pickers. */
export async function loadDirectory(): Promise<Directory> {
  const [agents, teams, labels, inboxes, slaPolicies, definitions] = await Promise.all([
    api.get<Named[] | { payload: Named[] }>(accountPath("/agents")),
    api.get<Named[] | { payload: Named[] }>(accountPath("/teams")),
    api.get<{ title: string }[] | { payload: { title: string }[] }>(accountPath("/labels")),
    api.get<Named[] | { payload: Named[] }>(accountPath("/inboxes")),
    api.get<Named[] | { payload: Named[] }>(accountPath("/sla_policies")),
    api.get<Definition[] | { payload: Definition[] }>(accountPath("/custom_attribute_definitions")),
  ]);
  return {
    agents: listOf(agents),
    teams: listOf(teams),
    labels: listOf(labels).map((label) => label.title),
    inboxes: listOf(inboxes),
    slaPolicies: listOf(slaPolicies),
    customAttributes: listOf(definitions).map((definition) => ({
      key: definition.attribute_key,
      name: definition.attribute_display_name,
      model: definition.attribute_model,
      displayType: definition.attribute_display_type,
      values: definition.attribute_values,
    })),
  };
}

export const loadRules = async () => (await api.get<{ payload: Rule[] }>(accountPath("/automation_rules"))).payload;
export const loadRuns = async (id: number) => (await api.get<{ payload: Run[] }>(accountPath(`/automation_rules/${id}/runs`), { per_page: 50 })).payload;
