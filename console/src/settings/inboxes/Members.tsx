/** An inbox's members: the sub-account's agents as checkboxes, loaded from and saved to /inbox_members. */
import { useEffect, useState } from "preact/hooks";
import { accountPath, api } from "../../core/api";
import { t } from "../../core/i18n";
import { AgentCheckboxes } from "../AgentCheckboxes";
import type { Agent } from "./model";

/** The inbox's member ids (null while loading), and a save that replaces them. */
export function useMembers(inboxId: number, onError: (failure: unknown) => void) {
  const [members, setMembers] = useState<Set<number> | null>(null);
  useEffect(() => {
    api
      .get<{ payload: Agent[] }>(accountPath(`/inbox_members/${inboxId}`))
      .then((answer) => setMembers(new Set(answer.payload.map((member) => member.id))), onError);
  }, [inboxId]);
  const save = async () => {
    if (members) await api.patch(accountPath("/inbox_members"), { inbox_id: inboxId, user_ids: [...members] });
  };
  return { members, setMembers, save };
}

type MembersProps = { agents: Agent[]; members: Set<number> | null; onChange: (members: Set<number>) => void; idPrefix: string; lead?: string };

export function Members({ agents, members, onChange, idPrefix, lead }: MembersProps) {
  return (
    <fieldset class="team-members">
      <legend class="field-label">{t("settingsInboxes.members")}</legend>
      {lead && <p class="field-hint">{lead}</p>}
      {members === null ? (
        <p class="muted">{t("common.loading")}</p>
      ) : (
        <AgentCheckboxes agents={agents} members={members} onChange={onChange} idPrefix={idPrefix} />
      )}
    </fieldset>
  );
}
