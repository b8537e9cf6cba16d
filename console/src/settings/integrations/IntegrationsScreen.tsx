/**
 * Integrations: the WhatsApp numbers, Facebook pages, Instagram accounts and Voice AI agents the
 * account's widgets connect to (a registry: Parley records them, nothing talks to Meta yet).
 * Connect, disconnect or reconnect, and remove each.
 */
import { useEffect, useState } from "preact/hooks";
import { errorsOf } from "../../core/api";
import { t } from "../../core/i18n";
import { Icon } from "../../core/icons";
import { SettingsHead } from "../SettingsHead";
import { ConnectForm } from "./ConnectForm";
import {
  INTEGRATION_KINDS,
  integrationLabel,
  integrations,
  integrationsLoaded,
  type IntegrationKind,
  type IntegrationRow,
  loadIntegrations,
  removeIntegration,
  updateIntegration,
  usable,
} from "./store";

export function IntegrationsScreen() {
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    document.title = `${t("settings.integrations.title")} · ${t("common.appName")}`;
    loadIntegrations().catch((failure: unknown) => setError(errorsOf(failure).message));
  }, []);
  return (
    <div class="settings-screen">
      <SettingsHead title={t("settings.integrations.title")} lead={t("settings.integrations.lead")} />
      {error && (
        <p class="notice notice-error" role="alert">
          {t("settings.loadFailed", { message: error })}
        </p>
      )}
      {!integrationsLoaded.value && !error && <p class="page-loading">{t("common.loading")}</p>}
      {integrationsLoaded.value && INTEGRATION_KINDS.map((kind) => <IntegrationSection key={kind} kind={kind} />)}
    </div>
  );
}

function IntegrationSection({ kind }: { kind: IntegrationKind }) {
  const rows = integrations.value[kind];
  const [adding, setAdding] = useState(false);
  const [rowError, setRowError] = useState<{ id: number; message: string } | null>(null);
  const [announce, setAnnounce] = useState("");
  const headingId = `integrations-${kind}`;
  const act = async (row: IntegrationRow, action: () => Promise<void>, done: string) => {
    try {
      await action();
      setRowError(null);
      setAnnounce(done);
    } catch (failure) {
      setRowError({ id: row.id, message: errorsOf(failure).message ?? Object.values(errorsOf(failure).fields).join(" ") });
    }
  };
  const on = kind === "voice_ai_agents" ? "active" : "connected";
  const off = kind === "voice_ai_agents" ? "inactive" : "disconnected";
  return (
    <section class="card integration-section" aria-labelledby={headingId}>
      <div class="card-head">
        <h2 id={headingId} class="card-title">
          {t(`settings.integrations.${kind}.title`)}
        </h2>
        {!adding && (
          <button type="button" class="button" onClick={() => setAdding(true)}>
            <Icon name="plus" /> {t(`settings.integrations.${kind}.connect`)}
          </button>
        )}
      </div>
      {rows.length === 0 ? (
        <p class="muted">{t(`settings.integrations.${kind}.empty`)}</p>
      ) : (
        <ul class="integration-rows">
          {rows.map((row) => {
            const label = integrationLabel(kind, row);
            return (
              <li key={row.id} class="integration-row">
                <span class="integration-name">{label}</span>
                <span class={`chip ${usable(row) ? "chip-success" : "chip-neutral"}`}>{t(`settings.status.${row.status}`)}</span>
                <span class="row-actions">
                  <button
                    type="button"
                    class="button button-small"
                    onClick={() =>
                      void act(
                        row,
                        () => updateIntegration(kind, row.id, { status: usable(row) ? off : on }),
                        t(usable(row) ? "settings.integrations.disconnected" : "settings.integrations.reconnected", { name: label }),
                      )
                    }
                  >
                    {usable(row) ? t(`settings.integrations.turnOff.${kind}`) : t(`settings.integrations.turnOn.${kind}`)}
                    <span class="visually-hidden"> {label}</span>
                  </button>
                  <button
                    type="button"
                    class="button button-small button-danger"
                    onClick={() => {
                      if (confirm(t("settings.integrations.confirmRemove", { name: label })))
                        void act(row, () => removeIntegration(kind, row.id), t("settings.integrations.removed", { name: label }));
                    }}
                  >
                    {t("settings.integrations.remove")}
                    <span class="visually-hidden"> {label}</span>
                  </button>
                </span>
                {rowError?.id === row.id && (
                  <span class="field-error" role="alert">
                    {rowError.message}
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <p role="status" class="visually-hidden">
        {announce}
      </p>
      {adding && (
        <ConnectForm
          kind={kind}
          idPrefix={`connect-${kind}`}
          onConnected={(row) => (setAdding(false), setAnnounce(t("settings.integrations.connected", { name: integrationLabel(kind, row) })))}
          onCancel={() => setAdding(false)}
        />
      )}
    </section>
  );
}
