/**
 * Agents: the sub-account's people (administrators and agents) with their role and availability,
 * read-only. The Application API only lists them; people are invited, given a role and removed
 * through the agency (the Agency API), so the screen says so instead of offering buttons that
 * could not work.
 */
import { useEffect, useState } from "preact/hooks";
import { accountPath, api, errorsOf } from "../../core/api";
import { t } from "../../core/i18n";
import { accountId } from "../../core/session";
import { SettingsHead } from "../SettingsHead";

type Agent = {
  id: number;
  name: string;
  email: string;
  role: "administrator" | "agent";
  availability_status: "online" | "busy" | "offline";
};

const AVAILABILITY_CHIP = { online: "chip-success", busy: "chip-warning", offline: "chip-neutral" } as const;

export function AgentsScreen() {
  const account = accountId.value;
  const [agents, setAgents] = useState<Agent[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    document.title = `${t("settings.agents.title")} · ${t("common.appName")}`;
    if (account === null) return;
    api.get<Agent[]>(accountPath("/agents")).then(
      (answer) => setAgents([...answer].sort((a, b) => a.name.localeCompare(b.name))),
      (failure: unknown) => setError(errorsOf(failure).message),
    );
  }, [account]);
  return (
    <div class="settings-screen">
      <SettingsHead title={t("settings.agents.title")} lead={t("settings.agents.lead")} />
      <p class="notice">{t("settings.agents.fromAgency")}</p>
      {error && (
        <p class="notice notice-error" role="alert">
          {t("settings.loadFailed", { message: error })}
        </p>
      )}
      {agents === null && !error && <p class="page-loading">{t("common.loading")}</p>}
      {agents && agents.length > 0 && (
        <div class="table-scroll" role="region" aria-label={t("settings.agents.title")} tabIndex={0}>
          <table class="settings-table">
            <caption class="visually-hidden">{t("settings.agents.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("settings.agents.name")}</th>
                <th scope="col">{t("settings.agents.email")}</th>
                <th scope="col">{t("settings.agents.role")}</th>
                <th scope="col">{t("settings.agents.availability")}</th>
              </tr>
            </thead>
            <tbody>
              {agents.map((agent) => (
                <tr key={agent.id}>
                  <th scope="row">{agent.name}</th>
                  <td>{agent.email}</td>
                  <td>{t(`settings.agents.roles.${agent.role}`)}</td>
                  <td>
                    <span class={`chip ${AVAILABILITY_CHIP[agent.availability_status]}`}>{t(`settings.agents.availabilities.${agent.availability_status}`)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
