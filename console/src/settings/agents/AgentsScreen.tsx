/**
 * Agents: the sub-account's people (administrators and agents) with their role and availability.
 * Invite someone by email (a new person is mailed a link to choose a password), change a name or a
 * role, and remove someone after a confirmation, through the Application API's agents; the API's
 * refusals show beside the field they concern, or in the dialog that asked. A change to oneself
 * reloads the profile, so the shell and the settings follow at once.
 */
import { useEffect, useState } from "preact/hooks";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Dialog } from "../../components/Dialog";
import { accountPath, api, errorsOf, type FormErrors, NO_ERRORS } from "../../core/api";
import { loadProfile } from "../../core/boot";
import { t } from "../../core/i18n";
import { currentUserId } from "../../core/session";
import { fieldNote } from "../fieldNote";
import { FormActions } from "../FormActions";
import { FormNotice } from "../FormNotice";
import { ListState } from "../ListState";
import { RowButton } from "../RowButton";
import { SettingsHead } from "../SettingsHead";
import { useList } from "../useList";

type Role = "administrator" | "agent";
type Agent = { id: number; name: string; email: string; role: Role; availability_status: "online" | "busy" | "offline" };

const ROLES: Role[] = ["agent", "administrator"];
const AVAILABILITY_CHIP = { online: "chip-success", busy: "chip-warning", offline: "chip-neutral" } as const;

export function AgentsScreen() {
  const {
    items: agents,
    error,
    reload,
  } = useList(async () => [...(await api.get<Agent[]>(accountPath("/agents")))].sort((a, b) => a.name.localeCompare(b.name)));
  const [editing, setEditing] = useState<Agent | "new" | null>(null);
  const [removing, setRemoving] = useState<Agent | null>(null);
  const [announce, setAnnounce] = useState("");
  useEffect(() => {
    document.title = `${t("settingsAgents.title")} · ${t("common.appName")}`;
  }, []);
  const me = currentUserId.value;
  return (
    <div class="settings-screen">
      <SettingsHead
        title={t("settingsAgents.title")}
        lead={t("settingsAgents.lead")}
        add={{ label: t("settingsAgents.add"), onAdd: () => setEditing("new") }}
      />
      <ListState
        items={agents}
        error={error && t("settings.loadFailed", { message: error })}
        announce={announce}
        label={t("settingsAgents.title")}
        empty={t("settingsAgents.empty")}
        columns={[
          t("settingsAgents.columns.name"),
          t("settingsAgents.columns.email"),
          t("settingsAgents.columns.role"),
          t("settingsAgents.columns.availability"),
          t("settingsAgents.actions"),
        ]}
      >
        {(agents) =>
          agents.map((agent) => (
            <tr key={agent.id}>
              <th scope="row">
                {agent.name}
                {agent.id === me && <span class="muted"> {t("settingsAgents.you")}</span>}
              </th>
              <td>{agent.email}</td>
              <td>{t(`settingsAgents.roles.${agent.role}`)}</td>
              <td>
                <span class={`chip ${AVAILABILITY_CHIP[agent.availability_status]}`}>{t(`settingsAgents.availabilities.${agent.availability_status}`)}</span>
              </td>
              <td>
                <span class="row-actions">
                  <RowButton label={t("settingsAgents.edit")} row={agent.name} onClick={() => setEditing(agent)} />
                  <RowButton label={t("settingsAgents.remove")} row={agent.name} danger onClick={() => setRemoving(agent)} />
                </span>
              </td>
            </tr>
          ))
        }
      </ListState>
      {editing && (
        <AgentDialog
          agent={editing === "new" ? null : editing}
          isSelf={editing !== "new" && editing.id === me}
          onClose={() => setEditing(null)}
          onSaved={(saved, invited) => {
            setEditing(null);
            setAnnounce(
              invited
                ? t("settingsAgents.invited", { email: saved.email, role: t(`settingsAgents.roles.${saved.role}`) })
                : t("settingsAgents.saved", { name: saved.name }),
            );
            void reload();
            // A change to oneself shows at once: the name in the shell, and without the administrator role no settings.
            if (saved.id === me) void loadProfile();
          }}
        />
      )}
      {removing && (
        <ConfirmDialog
          title={t("settingsAgents.confirmRemoveTitle")}
          description={t("settingsAgents.confirmRemove", { name: removing.name })}
          confirmLabel={t("settingsAgents.removeConfirm", { name: removing.name })}
          onClose={() => setRemoving(null)}
          onConfirm={async () => {
            await api.del(accountPath(`/agents/${removing.id}`));
            setAnnounce(t("settingsAgents.removed", { name: removing.name }));
            setRemoving(null);
            if (removing.id === me) void loadProfile();
            else void reload();
          }}
        />
      )}
    </div>
  );
}

type AgentDialogProps = { agent: Agent | null; isSelf: boolean; onClose: () => void; onSaved: (agent: Agent, invited: boolean) => void };

/** Invites a new agent (name, email, role) or edits one (name, role). */
function AgentDialog({ agent, isSelf, onClose, onSaved }: AgentDialogProps) {
  const [name, setName] = useState(agent?.name ?? "");
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>(agent?.role ?? "agent");
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      const saved = agent
        ? await api.patch<Agent>(accountPath(`/agents/${agent.id}`), { name: name.trim(), role })
        : await api.post<Agent>(accountPath("/agents"), { name: name.trim(), email: email.trim(), role });
      onSaved(saved, agent === null);
    } catch (failure) {
      setErrors(errorsOf(failure));
    } finally {
      setBusy(false);
    }
  };
  const nameField = fieldNote("agent", "name", errors, t("settingsAgents.hints.name"));
  const emailField = fieldNote("agent", "email", errors, t("settingsAgents.hints.email"));
  const roleField = fieldNote("agent", "role", errors, isSelf && role === "agent" ? t("settingsAgents.hints.roleSelf") : t("settingsAgents.hints.role"));
  return (
    <Dialog title={agent ? t("settingsAgents.editTitle", { name: agent.name }) : t("settingsAgents.add")} onClose={onClose}>
      <form class="form" onSubmit={submit} noValidate>
        <div class="field">
          <label for={nameField.id}>{t("settingsAgents.fields.name")}</label>
          <input {...nameField.props} type="text" autoComplete="off" required value={name} onInput={(event) => setName(event.currentTarget.value)} />
          {nameField.note}
        </div>
        {!agent && (
          <div class="field">
            <label for={emailField.id}>{t("settingsAgents.fields.email")}</label>
            <input {...emailField.props} type="email" autoComplete="off" required value={email} onInput={(event) => setEmail(event.currentTarget.value)} />
            {emailField.note}
          </div>
        )}
        <div class="field">
          <label for={roleField.id}>{t("settingsAgents.fields.role")}</label>
          <select
            {...roleField.props}
            class="select"
            value={role}
            onChange={(event) => setRole(event.currentTarget.value === "administrator" ? "administrator" : "agent")}
          >
            {ROLES.map((value) => (
              <option key={value} value={value}>
                {t(`settingsAgents.roles.${value}`)}
              </option>
            ))}
          </select>
          {roleField.note}
        </div>
        <FormNotice errors={errors} checkFields={t("settingsAgents.checkFields")} />
        <FormActions submit={agent ? t("settingsAgents.save") : t("settingsAgents.invite")} busy={busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
