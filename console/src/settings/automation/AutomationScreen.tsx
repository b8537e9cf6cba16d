/**
 * Automation: the account's rules (Chatwoot's automation rules) with an active switch each, clone,
 * delete, the runs each rule made, and the builder (event, conditions joined by AND/OR, actions).
 */
import { useEffect, useState } from "preact/hooks";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { accountPath, api, failureMessage } from "../../core/api";
import { t } from "../../core/i18n";
import { ListState } from "../ListState";
import { LogDialog } from "../LogDialog";
import { RowButton } from "../RowButton";
import { SettingsHead } from "../SettingsHead";
import { useList } from "../useList";
import { settingsPath } from "../paths";
import { RuleBuilder } from "./RuleBuilder";
import { loadRules, loadRuns, type Rule } from "./model";

export const automationPath = (accountId: number) => `${settingsPath(accountId)}/automation`;

const when = (value: number | string) => new Date(typeof value === "number" ? value * 1000 : value).toLocaleString();

export function AutomationScreen() {
  const { items: rules, error, setError, reload: load } = useList(loadRules);
  const [editing, setEditing] = useState<Rule | "new" | null>(null);
  const [runsOf, setRunsOf] = useState<Rule | null>(null);
  const [removing, setRemoving] = useState<Rule | null>(null);
  const [announce, setAnnounce] = useState("");
  useEffect(() => {
    document.title = `${t("settings.automation.title")} · ${t("common.appName")}`;
  }, []);
  const act = async (work: () => Promise<void>) => {
    try {
      await work();
      setError(null);
    } catch (failure) {
      setError(failureMessage(failure));
    }
  };
  if (editing) {
    return (
      <RuleBuilder
        rule={editing === "new" ? null : editing}
        onCancel={() => setEditing(null)}
        onSaved={(rule) => {
          setEditing(null);
          setAnnounce(t("settings.automation.saved", { name: rule.name }));
          void load();
        }}
      />
    );
  }
  return (
    <div class="settings-screen">
      <SettingsHead
        title={t("settings.automation.title")}
        lead={t("settings.automation.lead")}
        add={{ label: t("settings.automation.add"), onAdd: () => setEditing("new") }}
      />
      <ListState
        items={rules}
        error={error}
        announce={announce}
        label={t("settings.automation.title")}
        empty={t("settings.automation.empty")}
        columns={[
          t("settings.automation.name"),
          t("settings.automation.event"),
          t("settings.automation.active"),
          <span class="visually-hidden">{t("settings.automation.actionsColumn")}</span>,
        ]}
      >
        {(rules) =>
          rules.map((rule) => (
            <tr key={rule.id}>
              <th scope="row">
                <div>{rule.name}</div>
                {rule.description && <div class="muted rule-description">{rule.description}</div>}
              </th>
              <td>{t(`settings.automation.events.${rule.event_name}`)}</td>
              <td>
                <label class="switch">
                  <input
                    type="checkbox"
                    role="switch"
                    checked={rule.active}
                    onChange={(event) => {
                      const active = event.currentTarget.checked;
                      void act(async () => {
                        await api.patch(accountPath(`/automation_rules/${rule.id}`), { active });
                        setAnnounce(t(active ? "settings.automation.activated" : "settings.automation.paused", { name: rule.name }));
                        await load();
                      });
                    }}
                  />
                  <span class="visually-hidden">{t("settings.automation.activeRule", { name: rule.name })}</span>
                </label>
              </td>
              <td>
                <span class="row-actions">
                  <RowButton label={t("settings.automation.edit")} row={rule.name} onClick={() => setEditing(rule)} />
                  <RowButton label={t("settings.automation.runs")} row={rule.name} onClick={() => setRunsOf(rule)} />
                  <RowButton
                    label={t("settings.automation.clone")}
                    row={rule.name}
                    onClick={() =>
                      void act(async () => {
                        await api.post(accountPath(`/automation_rules/${rule.id}/clone`));
                        setAnnounce(t("settings.automation.cloned", { name: rule.name }));
                        await load();
                      })
                    }
                  />
                  <RowButton label={t("settings.automation.delete")} row={rule.name} danger onClick={() => setRemoving(rule)} />
                </span>
              </td>
            </tr>
          ))
        }
      </ListState>
      {removing && (
        <ConfirmDialog
          title={t("settings.automation.confirmDeleteTitle")}
          description={t("settings.automation.confirmDelete", { name: removing.name })}
          confirmLabel={t("settings.automation.delete")}
          onClose={() => setRemoving(null)}
          onConfirm={() => {
            const rule = removing;
            setRemoving(null);
            void act(async () => {
              await api.del(accountPath(`/automation_rules/${rule.id}`));
              setAnnounce(t("settings.automation.deleted", { name: rule.name }));
              await load();
            });
          }}
        />
      )}
      {runsOf && <RunsLog rule={runsOf} onClose={() => setRunsOf(null)} />}
    </div>
  );
}

function RunsLog({ rule, onClose }: { rule: Rule; onClose: () => void }) {
  const log = useList(() => loadRuns(rule.id), [rule.id]);
  return (
    <LogDialog
      title={t("settings.automation.runsTitle", { name: rule.name })}
      log={log}
      refresh={t("settings.automation.refresh")}
      label={t("settings.automation.runs")}
      empty={t("settings.automation.noRuns")}
      onClose={onClose}
      columns={[t("settings.automation.time"), t("settings.automation.conversation"), t("settings.automation.status"), t("settings.automation.results")]}
    >
      {(runs) =>
        runs.map((run) => (
          <tr key={run.id}>
            <td>{when(run.created_at)}</td>
            <td>#{run.conversation_id}</td>
            <td>{t(`settings.automation.runStatuses.${run.status}`)}</td>
            <td>
              <ul class="run-results">
                {run.results.map((result, index) => (
                  <li key={index}>
                    {t(`settings.automation.actions.${result.action_name}`)}: {t(`settings.automation.resultStatuses.${result.status}`)}
                    {result.message ? ` (${result.message})` : ""}
                  </li>
                ))}
              </ul>
            </td>
          </tr>
        ))
      }
    </LogDialog>
  );
}
