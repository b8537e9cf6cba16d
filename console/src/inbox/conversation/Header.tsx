/**
 * The pane's header: who the conversation is with, its inbox and status, and the actions on it
 * (resolve or reopen, pending, snooze, assign an agent or a team, labels, priority, macros), each
 * menu keyboard operable; the applied SLA; what a macro did.
 */
import type { Signal } from "@preact/signals";
import { useRef, useState } from "preact/hooks";
import { formatDateTime, t } from "../../core/i18n";
import { contactName } from "../../core/names";
import { Icon } from "../../core/icons";
import { currentUserId, displayName } from "../../core/session";
import type { ConversationActions, MacroOutcome } from "./actions";
import { MenuButton, type MenuItem } from "./MenuButton";
import { agents, inboxes, labels, macros, teams } from "./lookups";
import { SlaBadge } from "./SlaBadge";
import type { ConversationStore } from "./store";
import type { Conversation, Priority } from "./types";

const PRIORITIES: Priority[] = ["urgent", "high", "medium", "low"];

/** Chatwoot's snooze choices, as Unix seconds (null: until the next reply). */
function snoozeTimes(now = new Date()) {
  const at = (days: number, hour: number) => {
    const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() + days, hour);
    return Math.floor(d.getTime() / 1000);
  };
  const untilMonday = (8 - now.getDay()) % 7 || 7;
  return { hour: Math.floor(now.getTime() / 1000) + 3600, tomorrow: at(1, 9), week: at(untilMonday, 9) };
}

/** A macro action's name in words; unknown ones as their name with spaces. */
function actionLabel(name: string) {
  const key = `conversation.macro.actions.${name}`;
  const text = t(key);
  return text === key ? name.replace(/_/g, " ") : text;
}

const loadingStatus = (error: string | null, loaded: boolean) =>
  error ? t("conversation.menu.failed", { reason: error }) : loaded ? null : t("conversation.menu.loading");

type Props = {
  store: ConversationStore;
  conversation: Conversation;
  actions: ConversationActions;
  panelOpen: Signal<boolean>;
  panelId: string;
  onBack?: () => void;
  refs: { assign: { current: HTMLButtonElement | null }; snooze: { current: HTMLButtonElement | null } };
};

export function Header({ store, conversation, actions, panelOpen, panelId, onBack, refs }: Props) {
  const [outcome, setOutcome] = useState<MacroOutcome | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const [custom, setCustom] = useState("");
  const agentList = agents();
  const teamList = teams();
  const labelList = labels();
  const macroList = macros();
  const inbox = inboxes().data.value?.find((i) => i.id === conversation.inbox_id);
  const me = currentUserId.value;
  const status = conversation.status;
  const times = snoozeTimes();

  const statusItems: MenuItem[] = [
    ...(status !== "open" ? [{ key: "open", label: t("conversation.status.reopen"), onSelect: () => void actions.setStatus("open") }] : []),
    ...(status !== "resolved" ? [{ key: "resolved", label: t("conversation.status.resolve"), onSelect: () => void actions.setStatus("resolved") }] : []),
    ...(status !== "pending" ? [{ key: "pending", label: t("conversation.status.mark_pending"), onSelect: () => void actions.setStatus("pending") }] : []),
    { key: "s-reply", label: t("conversation.snooze.next_reply"), onSelect: () => void actions.setStatus("snoozed") },
    { key: "s-hour", label: t("conversation.snooze.hour"), hint: formatDateTime(times.hour), onSelect: () => void actions.setStatus("snoozed", times.hour) },
    {
      key: "s-tomorrow",
      label: t("conversation.snooze.tomorrow"),
      hint: formatDateTime(times.tomorrow),
      onSelect: () => void actions.setStatus("snoozed", times.tomorrow),
    },
    { key: "s-week", label: t("conversation.snooze.week"), hint: formatDateTime(times.week), onSelect: () => void actions.setStatus("snoozed", times.week) },
    {
      key: "s-custom",
      label: t("conversation.snooze.custom"),
      onSelect: () => {
        setCustom("");
        dialog.current?.showModal();
      },
    },
  ];

  const assignee = conversation.meta.assignee;
  const agentItems: MenuItem[] = [
    ...(me !== null && assignee?.id !== me
      ? [{ key: "me", label: t("conversation.assign.me"), onSelect: () => void actions.assignAgent({ id: me, name: displayName.value }) }]
      : []),
    ...(agentList.data.value ?? []).map((agent) => ({
      key: `a${agent.id}`,
      label: agent.available_name ?? agent.name,
      hint: t(`conversation.availability.${agent.availability_status}`),
      kind: "radio" as const,
      checked: assignee?.id === agent.id,
      onSelect: () => void actions.assignAgent({ id: agent.id, name: agent.available_name ?? agent.name }),
    })),
    ...(assignee ? [{ key: "none", label: t("conversation.assign.remove"), onSelect: () => void actions.assignAgent(null) }] : []),
  ];

  const team = conversation.meta.team;
  const teamItems: MenuItem[] = [
    ...(teamList.data.value ?? []).map((entry) => ({
      key: `t${entry.id}`,
      label: entry.name,
      kind: "radio" as const,
      checked: team?.id === entry.id,
      onSelect: () => void actions.assignTeam(entry),
    })),
    ...(team ? [{ key: "none", label: t("conversation.team.remove"), onSelect: () => void actions.assignTeam(null) }] : []),
  ];

  const current = conversation.labels;
  const toggleLabel = (title: string) => void actions.setLabels(current.includes(title) ? current.filter((l) => l !== title) : [...current, title]);
  const labelItems: MenuItem[] = (labelList.data.value ?? []).map((label) => ({
    key: label.title,
    label: label.title,
    kind: "checkbox",
    checked: current.includes(label.title),
    keepOpen: true,
    onSelect: () => toggleLabel(label.title),
  }));

  const priorityItems: MenuItem[] = [null, ...PRIORITIES].map((priority) => ({
    key: priority ?? "none",
    label: t(`conversation.priority.${priority ?? "none"}`),
    kind: "radio",
    checked: conversation.priority === priority,
    onSelect: () => void actions.setPriority(priority),
  }));

  const macroItems: MenuItem[] = (macroList.data.value ?? []).map((macro) => ({
    key: `m${macro.id}`,
    label: macro.name,
    onSelect: () => void actions.runMacro(macro).then((result) => result && setOutcome(result)),
  }));

  const contact = conversation.meta.sender;
  const resolved = status === "resolved";

  return (
    <header class="cv-head">
      <div class="cv-title">
        {onBack && (
          <button type="button" class="cv-icon-btn cv-back" onClick={onBack} aria-label={t("conversation.back")}>
            <Icon name="arrow-left" />
          </button>
        )}
        <div class="cv-who">
          <h2>{contactName(contact)}</h2>
          <p class="cv-sub">
            <span>{inbox?.name ?? t("conversation.inbox", { id: conversation.inbox_id })}</span>
            <span class={`cv-chip cv-status-${status}`}>
              {t(`conversation.status.${status}`)}
              {status === "snoozed" && conversation.snoozed_until ? ` · ${formatDateTime(conversation.snoozed_until)}` : ""}
            </span>
            {conversation.priority && <span class={`cv-chip cv-priority-${conversation.priority}`}>{t(`conversation.priority.${conversation.priority}`)}</span>}
            {assignee && (
              <span class="cv-chip">
                <Icon name="user" size={14} />
                {assignee.name}
              </span>
            )}
            {team && (
              <span class="cv-chip">
                <Icon name="users" size={14} />
                {team.name}
              </span>
            )}
            <span class="cv-hint">#{conversation.id}</span>
          </p>
        </div>
        <div class="cv-status-actions">
          <button
            type="button"
            class={`cv-btn ${resolved ? "" : "cv-primary"}`}
            aria-keyshortcuts="Alt+E"
            title={resolved ? t("conversation.status.reopen") : `${t("conversation.status.resolve")} (Alt+E)`}
            onClick={() => void actions.setStatus(resolved ? "open" : "resolved")}
          >
            <Icon name={resolved ? "rotate-ccw" : "check-circle"} />
            <span>{resolved ? t("conversation.status.reopen") : t("conversation.status.resolve")}</span>
          </button>
          <MenuButton label={t("conversation.status.more")} items={statusItems} shortcut="Alt+M" buttonRef={refs.snooze} align="end">
            <Icon name="clock" />
            <Icon name="chevron-down" size={14} />
          </MenuButton>
        </div>
      </div>
      <div class="cv-toolbar" role="group" aria-label={t("conversation.actions")}>
        <MenuButton
          label={t("conversation.assign.label")}
          items={agentItems}
          status={loadingStatus(agentList.error.value, agentList.data.value !== null)}
          onOpen={() => void agentList.load(true)}
          shortcut="Alt+Shift+A"
          buttonRef={refs.assign}
        >
          <Icon name="user-plus" />
          <span>{t("conversation.assign.short")}</span>
        </MenuButton>
        <MenuButton
          label={t("conversation.team.label")}
          items={teamItems}
          status={
            teamItems.length === 0 && teamList.data.value ? t("conversation.team.empty") : loadingStatus(teamList.error.value, teamList.data.value !== null)
          }
          onOpen={() => void teamList.load(true)}
        >
          <Icon name="users" />
          <span>{t("conversation.team.short")}</span>
        </MenuButton>
        <MenuButton
          label={t("conversation.labels.label")}
          items={labelItems}
          status={
            labelItems.length === 0 && labelList.data.value
              ? t("conversation.labels.empty")
              : loadingStatus(labelList.error.value, labelList.data.value !== null)
          }
          onOpen={() => void labelList.load(true)}
        >
          <Icon name="tag" />
          <span>{t("conversation.labels.short")}</span>
        </MenuButton>
        <MenuButton label={t("conversation.priority.label")} items={priorityItems}>
          <Icon name="flag" />
          <span>{t("conversation.priority.short")}</span>
        </MenuButton>
        <MenuButton
          label={t("conversation.macro.label")}
          items={macroItems}
          status={
            macroItems.length === 0 && macroList.data.value
              ? t("conversation.macro.empty")
              : loadingStatus(macroList.error.value, macroList.data.value !== null)
          }
          onOpen={() => void macroList.load(true)}
        >
          <Icon name="bolt" />
          <span>{t("conversation.macro.short")}</span>
        </MenuButton>
        <button
          type="button"
          class="cv-btn cv-panel-toggle"
          aria-expanded={panelOpen.value}
          aria-controls={panelOpen.value ? panelId : undefined}
          aria-keyshortcuts="Alt+O"
          title={`${t("conversation.contact.toggle")} (Alt+O)`}
          onClick={() => (panelOpen.value = !panelOpen.value)}
        >
          <Icon name="sidebar" />
          <span class="cv-visually-hidden">{t("conversation.contact.toggle")}</span>
        </button>
      </div>
      {(current.length > 0 || conversation.applied_sla) && (
        <div class="cv-tags">
          {conversation.applied_sla && <SlaBadge store={store} sla={conversation.applied_sla} />}
          {current.length > 0 && (
            <ul class="cv-labels" aria-label={t("conversation.labels.label")}>
              {current.map((title) => {
                const color = labelList.data.value?.find((l) => l.title === title)?.color;
                return (
                  <li key={title} class="cv-label">
                    <span class="cv-dot" style={color ? { background: color } : undefined} />
                    {title}
                    <button type="button" class="cv-icon-btn" aria-label={t("conversation.labels.remove", { label: title })} onClick={() => toggleLabel(title)}>
                      <Icon name="x" size={12} />
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      )}
      {outcome && (
        <div class="cv-outcome" role="status">
          <p>
            <strong>{t("conversation.macro.ran", { name: outcome.name })}</strong>
            <button type="button" class="cv-icon-btn" aria-label={t("conversation.dismiss")} onClick={() => setOutcome(null)}>
              <Icon name="x" size={14} />
            </button>
          </p>
          <ol>
            {outcome.results.map((result, index) => (
              <li key={index} class={`cv-result-${result.status}`}>
                <Icon name={result.status === "failed" ? "alert" : "check"} size={14} />
                <span>
                  {actionLabel(result.action_name)}: {t(`conversation.macro.status.${result.status}`)}
                  {result.message ? ` (${result.message})` : ""}
                </span>
              </li>
            ))}
          </ol>
        </div>
      )}
      <dialog ref={dialog} class="cv-dialog" aria-labelledby="cv-snooze-title">
        <form
          method="dialog"
          onSubmit={(event) => {
            const when = Math.floor(new Date(custom).getTime() / 1000);
            if (!custom || Number.isNaN(when)) {
              event.preventDefault();
              return;
            }
            void actions.setStatus("snoozed", when);
          }}
        >
          <h3 id="cv-snooze-title">{t("conversation.snooze.custom_title")}</h3>
          <label>
            {t("conversation.snooze.until")}
            <input type="datetime-local" required value={custom} onInput={(e) => setCustom(e.currentTarget.value)} />
          </label>
          <div class="cv-dialog-actions">
            <button type="button" class="cv-btn" onClick={() => dialog.current?.close()}>
              {t("common.cancel")}
            </button>
            <button type="submit" class="cv-btn cv-primary">
              {t("conversation.snooze.submit")}
            </button>
          </div>
        </form>
      </dialog>
    </header>
  );
}
