/**
 * Teams: the sub-account's teams with their members. Create and edit in a dialog (name,
 * description, automatic assignment, members picked from the account's agents) whose fields show
 * the API's 422 answers beside them; delete after a confirm dialog.
 */
import { useEffect, useState } from "preact/hooks";
import { Dialog } from "../../components/Dialog";
import { ApiError, accountPath, api } from "../../core/api";
import { t } from "../../core/i18n";
import { Icon } from "../../core/icons";
import { errorsOf } from "../integrations/ConnectForm";

type Team = { id: number; name: string; description: string | null; allow_auto_assign: boolean };
type Agent = { id: number; name: string; email: string };
type TeamWithMembers = Team & { members: Agent[] };
type Errors = { fields: Record<string, string>; message: string | null };

const NO_ERRORS: Errors = { fields: {}, message: null };

export function TeamsScreen() {
  const [teams, setTeams] = useState<TeamWithMembers[] | null>(null);
  const [agents, setAgents] = useState<Agent[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<TeamWithMembers | "new" | null>(null);
  const [deleting, setDeleting] = useState<Team | null>(null);
  const [announce, setAnnounce] = useState("");
  const load = async () => {
    try {
      const [list, people] = await Promise.all([api.get<Team[]>(accountPath("/teams")), api.get<Agent[]>(accountPath("/agents"))]);
      const members = await Promise.all(list.map((team) => api.get<Agent[]>(accountPath(`/teams/${team.id}/team_members`))));
      setAgents([...people].sort((a, b) => a.name.localeCompare(b.name)));
      setTeams(list.map((team, index) => ({ ...team, members: members[index] ?? [] })).sort((a, b) => a.name.localeCompare(b.name)));
    } catch (failure) {
      setError(errorsOf(failure).message);
    }
  };
  useEffect(() => {
    document.title = `${t("settings.teams.title")} · ${t("common.appName")}`;
    void load();
  }, []);
  return (
    <div class="settings-screen">
      <div class="settings-head">
        <div>
          <h1 class="page-title">{t("settings.teams.title")}</h1>
          <p class="muted">{t("settings.teams.lead")}</p>
        </div>
        <button type="button" class="button button-primary" onClick={() => setEditing("new")}>
          <Icon name="plus" /> {t("settings.teams.add")}
        </button>
      </div>
      {error && (
        <p class="notice notice-error" role="alert">
          {t("settings.loadFailed", { message: error })}
        </p>
      )}
      <p role="status" class="visually-hidden">
        {announce}
      </p>
      {teams === null && !error && <p class="page-loading">{t("common.loading")}</p>}
      {teams?.length === 0 && <p class="empty-state">{t("settings.teams.empty")}</p>}
      {teams && teams.length > 0 && (
        <div class="table-scroll" role="region" aria-label={t("settings.teams.title")} tabIndex={0}>
          <table class="settings-table">
            <caption class="visually-hidden">{t("settings.teams.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("settings.teams.fields.name")}</th>
                <th scope="col">{t("settings.teams.members")}</th>
                <th scope="col">{t("settings.teams.autoAssign")}</th>
                <th scope="col">{t("settings.teams.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {teams.map((team) => (
                <tr key={team.id}>
                  <th scope="row">
                    {team.name}
                    {team.description && <span class="muted block team-description">{team.description}</span>}
                  </th>
                  <td>{team.members.length === 0 ? <span class="muted">{t("settings.teams.noMembers")}</span> : team.members.map((member) => member.name).join(", ")}</td>
                  <td>{team.allow_auto_assign ? t("settings.teams.on") : t("settings.teams.off")}</td>
                  <td>
                    <span class="row-actions">
                      <button type="button" class="button button-small" onClick={() => setEditing(team)}>
                        {t("settings.teams.edit")}
                        <span class="visually-hidden"> {team.name}</span>
                      </button>
                      <button type="button" class="button button-small button-danger" onClick={() => setDeleting(team)}>
                        {t("settings.teams.delete")}
                        <span class="visually-hidden"> {team.name}</span>
                      </button>
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
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
        <DeleteDialog
          team={deleting}
          onClose={() => setDeleting(null)}
          onDeleted={() => {
            setAnnounce(t("settings.teams.deleted", { name: deleting.name }));
            setDeleting(null);
            void load();
          }}
        />
      )}
    </div>
  );
}

function TeamDialog({ team, agents, onClose, onSaved }: { team: TeamWithMembers | null; agents: Agent[]; onClose: () => void; onSaved: (name: string) => void }) {
  const [name, setName] = useState(team?.name ?? "");
  const [description, setDescription] = useState(team?.description ?? "");
  const [autoAssign, setAutoAssign] = useState(team?.allow_auto_assign ?? true);
  const [members, setMembers] = useState<Set<number>>(new Set(team?.members.map((member) => member.id) ?? []));
  const [saved, setSaved] = useState<Team | null>(team);
  const [errors, setErrors] = useState<Errors>(NO_ERRORS);
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
          <input id="team-name" type="text" required value={name} aria-invalid={errors.fields.name ? "true" : undefined} aria-describedby={describe("name")} onInput={(event) => setName(event.currentTarget.value)} />
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
          {agents.map((agent) => (
            <div class="field-inline" key={agent.id}>
              <input
                id={`team-member-${agent.id}`}
                type="checkbox"
                checked={members.has(agent.id)}
                onChange={(event) => {
                  const next = new Set(members);
                  if (event.currentTarget.checked) next.add(agent.id);
                  else next.delete(agent.id);
                  setMembers(next);
                }}
              />
              <label for={`team-member-${agent.id}`}>
                {agent.name} <span class="muted">{agent.email}</span>
              </label>
            </div>
          ))}
          {memberError && (
            <span id="team-members-error" class="field-error">
              {memberError}
            </span>
          )}
        </fieldset>
        {errors.message && (
          <p class="notice notice-error" role="alert">
            {errors.message}
          </p>
        )}
        {Object.keys(errors.fields).length > 0 && (
          <p class="notice notice-error" role="alert">
            {t("settings.teams.checkFields")}
          </p>
        )}
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled={busy}>
            {team ? t("settings.teams.save") : t("settings.teams.create")}
          </button>
          <button type="button" class="button" onClick={onClose}>
            {t("common.cancel")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function DeleteDialog({ team, onClose, onDeleted }: { team: Team; onClose: () => void; onDeleted: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Dialog title={t("settings.teams.confirmDeleteTitle")} description={t("settings.teams.confirmDelete", { name: team.name })} onClose={onClose}>
      {error && (
        <p class="notice notice-error" role="alert">
          {error}
        </p>
      )}
      <div class="form-actions">
        <button type="button" class="button" onClick={onClose}>
          {t("common.cancel")}
        </button>
        <button
          type="button"
          class="button button-danger"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            try {
              await api.del(accountPath(`/teams/${team.id}`));
              onDeleted();
            } catch (failure) {
              setError(errorsOf(failure).message ?? Object.values(errorsOf(failure).fields).join(" "));
              setBusy(false);
            }
          }}
        >
          {t("settings.teams.deleteConfirm", { name: team.name })}
        </button>
      </div>
    </Dialog>
  );
}
