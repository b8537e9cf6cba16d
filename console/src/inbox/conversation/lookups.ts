/**
 * The account's lists the pane picks from (agents, teams, labels, inboxes, macros, attribute
 * definitions), each fetched once per sub-account and refreshed when a menu opens.
 */
import { type Signal, signal } from "@preact/signals";
import { accountPath, api } from "../../core/api";
import { errorText } from "./errors";
import type { Agent, AttributeDefinition, Inbox, Label, Macro, Team } from "./types";

export type Lookup<T> = { data: Signal<T[] | null>; error: Signal<string | null>; load: (force?: boolean) => Promise<void> };

const cache = new Map<string, Lookup<unknown>>();

function lookup<T>(path: string, pick: (json: unknown) => T[]): Lookup<T> {
  const key = accountPath(path);
  const found = cache.get(key);
  if (found) return found as Lookup<T>;
  let inFlight: Promise<void> | null = null;
  const entry: Lookup<T> = {
    data: signal<T[] | null>(null),
    error: signal<string | null>(null),
    load(force = false) {
      if (inFlight) return inFlight;
      if (entry.data.value !== null && !force) return Promise.resolve();
      inFlight = api
        .get<unknown>(key)
        .then((json) => {
          entry.data.value = pick(json);
          entry.error.value = null;
        })
        .catch((error: unknown) => {
          entry.error.value = errorText(error);
        })
        .finally(() => (inFlight = null));
      return inFlight;
    },
  };
  cache.set(key, entry as Lookup<unknown>);
  return entry;
}

const asArray = <T>(json: unknown): T[] => (Array.isArray(json) ? (json as T[]) : []);
const payloadOf = <T>(json: unknown): T[] => asArray<T>((json as { payload?: unknown } | null)?.payload);

export const agents = () => lookup<Agent>("/agents", asArray);
export const teams = () => lookup<Team>("/teams", asArray);
export const labels = () => lookup<Label>("/labels", payloadOf);
export const inboxes = () => lookup<Inbox>("/inboxes", payloadOf);
export const macros = () => lookup<Macro>("/macros", payloadOf);
export const attributeDefinitions = (model: AttributeDefinition["attribute_model"]) =>
  lookup<AttributeDefinition>(`/custom_attribute_definitions?attribute_model=${model}`, asArray);
