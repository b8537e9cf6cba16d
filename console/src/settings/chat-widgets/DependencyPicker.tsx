/**
 * The builder's picker for one dependency: the account's website inboxes, or its connected numbers,
 * pages, accounts or agents, with a way to connect a new one without leaving the unsaved widget.
 */
import { useState } from "preact/hooks";
import { t } from "../../core/i18n";
import type { InboxSummary } from "../../stores/lookups";
import { ConnectForm } from "../integrations/ConnectForm";
import { integrationLabel, integrations, type IntegrationKind, usable } from "../integrations/store";
import type { DependencyType } from "./model";

export const KIND_OF: Record<Exclude<DependencyType, "inbox">, IntegrationKind> = {
  whatsapp_number: "whatsapp_numbers",
  facebook_page: "facebook_pages",
  instagram_account: "instagram_accounts",
  voice_ai_agent: "voice_ai_agents",
};

export const pickerId = (dependency: DependencyType) => `widget-dependency-${dependency}`;

type PickerProps = {
  dependency: DependencyType;
  value: number | null;
  onChange: (id: number | null) => void;
  websiteInboxes: InboxSummary[];
  missing: string | null;
  error: string | null;
};

export function DependencyPicker({ dependency, value, onChange, websiteInboxes, missing, error }: PickerProps) {
  const [connecting, setConnecting] = useState(false);
  const id = pickerId(dependency);
  const kind = dependency === "inbox" ? null : KIND_OF[dependency];
  const options =
    kind === null
      ? websiteInboxes.map((inbox) => ({ id: inbox.id, label: inbox.name, usable: true }))
      : integrations.value[kind].map((row) => ({
          id: row.id,
          label: usable(row)
            ? integrationLabel(kind, row)
            : t("settings.widgets.picker.notUsable", { name: integrationLabel(kind, row), status: t(`settings.status.${row.status}`) }),
          usable: usable(row),
        }));
  const describedBy = [error ? `${id}-error` : null, missing ? `${id}-missing` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div class="field dependency-picker">
      <label for={id}>{t(`settings.widgets.picker.${dependency}.label`)}</label>
      <div class="picker-row">
        <select
          id={id}
          class="select"
          value={value === null ? "" : String(value)}
          aria-invalid={error || missing ? "true" : undefined}
          aria-describedby={describedBy}
          onChange={(event) => onChange(event.currentTarget.value === "" ? null : Number(event.currentTarget.value))}
        >
          <option value="">{options.length === 0 ? t(`settings.widgets.picker.${dependency}.none`) : t(`settings.widgets.picker.${dependency}.choose`)}</option>
          {options.map((option) => (
            <option key={option.id} value={String(option.id)} disabled={!option.usable && option.id !== value}>
              {option.label}
            </option>
          ))}
        </select>
        {kind && !connecting && (
          <button type="button" class="button" aria-expanded="false" aria-controls={`${id}-connect`} onClick={() => setConnecting(true)}>
            {t(`settings.integrations.${kind}.connect`)}
          </button>
        )}
      </div>
      {missing && (
        <span id={`${id}-missing`} class="field-warning">
          {missing}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} class="field-error">
          {error}
        </span>
      )}
      {kind && connecting && (
        <div id={`${id}-connect`} class="picker-connect">
          <ConnectForm
            kind={kind}
            idPrefix={`${id}-new`}
            onConnected={(row) => {
              setConnecting(false);
              onChange(row.id);
              requestAnimationFrame(() => document.getElementById(id)?.focus());
            }}
            onCancel={() => setConnecting(false)}
          />
        </div>
      )}
    </div>
  );
}
