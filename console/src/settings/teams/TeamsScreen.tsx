/**
 * Teams: the sub-account's teams with their members. Create and edit in a dialog (name,
 * description, automatic assignment, members picked from the account's agents) whose fields show
 * the API's 422 answers beside them; delete after a confirm dialog.
 */
import { useEffect, useState } from "preact/hooks";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Dialog } from "../../components/Dialog";
import { ApiError, accountPath, api, errorsOf, type FormErrors, NO_ERRORS } from "../../core/api";
import { t } from "../../core/i18n";
import { AgentCheckboxes } from "../AgentCheckboxes";
import { FormActions } from "../FormActions";
import { FormNotice } from "../FormNotice";
import { ListState } from "../ListState";
import { RowButton } from "../RowButton";
import { SettingsHead } from "../SettingsHead";
import { useList } from "../useList";

type Team = { id: number; name: string; description: string | null; allow_auto_assign: boolean };
type Agent = { id: number; name: string; email: string };
type TeamWithMembers = Team & { members: Agent[] };

export function TeamsScreen() {
  const [agents, setAgents] = useState<Agent[]>([]);
  const {
    items: teams,
    error,
    reload: load,
  } = useList(async () => {
    const [list, people] = await Promise.all([api.get<Team[]>(accountPath("/teams")), api.get<Agent[]>(accountPath("/agents"))]);
    const members = await Promise.all(list.map((team) => api.get<Agent[]>(accountPath(`/teams/${team.id}/team_members`))));
    setAgents([...people].sort((a, b) => a.name.localeCompare(b.name)));
    return list.map((team, index): TeamWithMembers => ({ ...team, members: members[index] ?? [] })).sort((a, b) => a.name.localeCompare(b.name));
  });
  const [editing, setEditing] = useState<TeamWithMembers | "new" | null>(null);
  const [deleting, setDeleting] = useState<Team | null>(null);
  const [announce, setAnnounce] = useState("");
  useEffect(() => {
    document.title = `${t("settings.teams.title")} · ${t("common.appName")}`;
  }, []);
  return (
    <div class="settings-screen">
      <SettingsHead
        title={t("settings.teams.title")}
        lead={t("settings.teams.lead")}
        add={{ label: t("settings.teams.add"), onAdd: () => setEditing("new") }}
      />
      <ListState
        items={teams}
        error={error && t("settings.loadFailed", { message: error })}
        announce={announce}
        label={t("settings.teams.title")}
        empty={t("settings.teams.empty")}
        columns={[t("settings.teams.fields.name"), t("settings.teams.members"), t("settings.teams.autoAssign"), t("settings.teams.actions")]}
      >
        {(teams) =>
          teams.map((team) => (
            <tr key={team.id}>
              <th scope="row">
                {team.name}
                {team.description && <span class="muted block team-description">{team.description}</span>}
              </th>
              <td>
                {team.members.length === 0 ? <span class="muted">{t("settings.teams.noMembers")}</span> : team.members.map((member) => member.name).join(", ")}
              </td>
              <td>{team.allow_auto_assign ? t("settings.teams.on") : t("settings.teams.off")}</td>
              <td>
                <span class="row-actions">
                  <RowButton label={t("settings.teams.edit")} row={team.name} onClick={() => setEditing(team)} />
                  <RowButton label={t("settings.teams.delete")} row={team.name} danger onClick={() => setDeleting(team)} />
                </span>
              </td>
            </tr>
          ))
        }
      </ListState>
      {editing && (
        <TeamDialog
          team={editing === "new" ? null : editing}
          agents={agents}
          onClose={() => setEditing(null)}
          onSaved={(name) => {
            setEditing(null);
            setAnnounce(t("settings.teams.saved", { name }));
            void load();
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={t("settings.teams.confirmDeleteTitle")}
          description={t("settings.teams.confirmDelete", { name: deleting.name })}
          confirmLabel={t("settings.teams.deleteConfirm", { name: deleting.name })}
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await api.del(accountPath(`/teams/${deleting.id}`));
            setAnnounce(t("settings.teams.deleted", { name: deleting.name }));
            setDeleting(null);
            void load();
          }}
        />
      )}
    </div>
  );
}

function TeamDialog({
  team,
  agents,
  onClose,
  onSaved,
}: {
  team: TeamWithMembers | null;
  agents: Agent[];
  onClose: () => void;
  onSaved: (name: string) => void;
}) {
  const [name, setName] = useState(team?.name ?? "");
  const [description, setDescription] = useState(team?.description ?? "");
  const [autoAssign, setAutoAssign] = useState(team?.allow_auto_assign ?? true);
  const [members, setMembers] = useState<Set<number>>(new Set(team?.members.map((member) => member.id) ?? []));
  const [saved, setSaved] = useState<Team | null>(team);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    const body = { name: name.trim(), description: description.trim() === "" ? null : description.trim(), allow_auto_assign: autoAssign };
    try {
      // A new team is created once; if its members are then refused, saving again edits it.
      const result = saved ? await api.patch<Team>(accountPath(`/teams/${saved.id}`), body) : await api.post<Team>(accountPath("/teams"), body);
      setSaved(result);
      await api.patch(accountPath(`/teams/${result.id}/team_members`), { user_ids: [...members] });
      onSaved(result.name);
    } catch (failure) {
      // A taken name is a 409 about the name: it is said beside that field.
      setErrors(failure instanceof ApiError && failure.status === 409 ? { fields: { name: failure.message }, message: null } : errorsOf(failure));
    } finally {
      setBusy(false);
    }
  };
  const describe = (field: "name" | "description") => (errors.fields[field] ? `team-${field}-error` : `team-${field}-hint`);
  const note = (field: "name" | "description") =>
    errors.fields[field] ? (
      <span id={`team-${field}-error`} class="field-error">
        {errors.fields[field]}
      </span>
    ) : (
      <span id={`team-${field}-hint`} class="field-hint">
        {t(`settings.teams.hints.${field}`)}
      </span>
    );
  const memberError = errors.fields.user_ids;
  return (
    <Dialog title={team ? t("settings.teams.editTitle", { name: team.name }) : t("settings.teams.add")} onClose={onClose}>
      <form class="form" onSubmit={submit} noValidate>
        <div class="field">
          <label for="team-name">{t("settings.teams.fields.name")}</label>
          <input
            id="team-name"
            type="text"
            required
            value={name}
            aria-invalid={errors.fields.name ? "true" : undefined}
            aria-describedby={describe("name")}
            onInput={(event) => setName(event.currentTarget.value)}
          />
          {note("name")}
        </div>
        <div class="field">
          <label for="team-description">
            {t("settings.teams.fields.description")} <span class="muted">{t("settings.optional")}</span>
          </label>
          <textarea
            id="team-description"
            rows={2}
            value={description}
            aria-invalid={errors.fields.description ? "true" : undefined}
            aria-describedby={describe("description")}
            onInput={(event) => setDescription(event.currentTarget.value)}
          />
          {note("description")}
        </div>
        <div class="field-inline">
          <input id="team-auto-assign" type="checkbox" checked={autoAssign} onChange={(event) => setAutoAssign(event.currentTarget.checked)} />
          <label for="team-auto-assign">{t("settings.teams.fields.allow_auto_assign")}</label>
        </div>
        <fieldset class="team-members" aria-describedby={memberError ? "team-members-error" : undefined}>
          <legend class="field-label">{t("settings.teams.members")}</legend>
          <AgentCheckboxes agents={agents} members={members} onChange={setMembers} idPrefix="team" />
          {memberError && (
            <span id="team-members-error" class="field-error">
              {memberError}
            </span>
          )}
        </fieldset>
        <FormNotice errors={errors} checkFields={t("settings.teams.checkFields")} />
        <FormActions submit={team ? t("settings.teams.save") : t("settings.teams.create")} busy={busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
