/** The sub-account's agents as checkboxes, each labelled with its name and email: how a team's or an inbox's members are picked. */

type Agent = { id: number; name: string; email: string };
type AgentCheckboxesProps = { agents: Agent[]; members: Set<number>; onChange: (members: Set<number>) => void; idPrefix: string };

/** One checkbox per agent (id `<idPrefix>-member-<agent id>`), checked for the members; a change hands over the new set. */
export function AgentCheckboxes({ agents, members, onChange, idPrefix }: AgentCheckboxesProps) {
  return (
    <>
      {agents.map((agent) => (
        <div class="field-inline" key={agent.id}>
          <input
            id={`${idPrefix}-member-${agent.id}`}
            type="checkbox"
            checked={members.has(agent.id)}
            onChange={(event) => {
              const next = new Set(members);
              if (event.currentTarget.checked) next.add(agent.id);
              else next.delete(agent.id);
              onChange(next);
            }}
          />
          <label for={`${idPrefix}-member-${agent.id}`}>
            {agent.name} <span class="muted">{agent.email}</span>
          </label>
        </div>
      ))}
    </>
  );
}
