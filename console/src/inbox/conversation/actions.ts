/** What an agent does to the open conversation; each failure is shown in words through the store's notice. */
import { accountPath, api } from "../../core/api";
import { t } from "../../core/i18n";
import type { ConversationStore } from "./store";
import type { Agent, Conversation, MacroResult, Priority, Status, Team } from "./types";

export type MacroOutcome = { name: string; results: MacroResult[] };

export function conversationActions(store: ConversationStore) {
  const patch = (change: Partial<Conversation>) => {
    const current = store.conversation.peek();
    if (current) store.conversation.value = { ...current, ...change };
  };
  const say = (text: string) => (store.announcement.value = text);

  async function attempt<T>(work: () => Promise<T>): Promise<T | null> {
    try {
      store.notice.value = null;
      return await work();
    } catch (error) {
      store.fail(error);
      return null;
    }
  }

  return {
    setStatus: (status: Status, snoozedUntil: number | null = null) =>
      attempt(async () => {
        const answer = await api.post<{ payload: { current_status: Status } }>(store.path("/toggle_status"), {
          status,
          ...(status === "snoozed" && snoozedUntil !== null ? { snoozed_until: snoozedUntil } : {}),
        });
        patch({ status: answer.payload.current_status, snoozed_until: status === "snoozed" ? snoozedUntil : null });
        say(t(`conversation.status.now_${answer.payload.current_status}`));
      }),

    setPriority: (priority: Priority | null) =>
      attempt(async () => {
        const answer = await api.post<Conversation>(store.path("/toggle_priority"), { priority });
        patch({ priority: answer?.priority ?? priority });
      }),

    assignAgent: (agent: Pick<Agent, "id" | "name"> | null) =>
      attempt(async () => {
        await api.post(store.path("/assignments"), { assignee_id: agent?.id ?? null });
        const current = store.conversation.peek();
        if (current) patch({ assignee_id: agent?.id ?? null, meta: { ...current.meta, assignee: agent ? { id: agent.id, name: agent.name } : null } });
        say(agent ? t("conversation.assign.done", { name: agent.name }) : t("conversation.assign.removed"));
      }),

    assignTeam: (team: Team | null) =>
      attempt(async () => {
        await api.post(store.path("/assignments"), { team_id: team?.id ?? null });
        const current = store.conversation.peek();
        if (current) patch({ team_id: team?.id ?? null, meta: { ...current.meta, team: team ? { id: team.id, name: team.name } : null } });
      }),

    setLabels: (labels: string[]) =>
      attempt(async () => {
        const answer = await api.post<{ payload: string[] }>(store.path("/labels"), { labels });
        patch({ labels: answer.payload });
      }),

    runMacro: (macro: { id: number; name: string }) =>
      attempt(async () => {
        const answer = await api.post<{ payload: { conversation_id: number; status: string; results: MacroResult[] }[] }>(
          accountPath(`/macros/${macro.id}/execute`),
          { conversation_ids: [store.displayId] },
        );
        const mine = answer.payload.find((entry) => entry.conversation_id === store.displayId);
        const outcome: MacroOutcome = { name: macro.name, results: mine?.results ?? [] };
        say(t("conversation.macro.ran", { name: macro.name }));
        return outcome;
      }),
  };
}

export type ConversationActions = ReturnType<typeof conversationActions>;
