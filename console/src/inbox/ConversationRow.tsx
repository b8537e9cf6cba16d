/**
 * One row of the conversation list (a listbox option), four lines of fixed height: who and when;
 * the last message and the unread count; the assignee (and the inbox, when the account has several);
 * the priority, the SLA and the labels as whole chips, with "+N" for those that do not fit.
 */
import { useLayoutEffect, useRef, useState } from "preact/hooks";
import { Avatar } from "../components/Avatar";
import { formatDateTime, formatDuration, formatShortTime, t } from "../core/i18n";
import { Icon } from "../core/icons";
import { contactName } from "../core/names";
import type { AppliedSla, ConversationSummary } from "../stores/conversations";
import { inboxes, inboxName } from "../stores/lookups";

export const ROW_HEIGHT = 108;

/** The nearest SLA deadline still ahead (or the latest missed one), in seconds from `now`. */
export function slaDue(sla: AppliedSla | null, now: number): { seconds: number; kind: "frt" | "nrt" | "rt" } | null {
  if (!sla || sla.sla_status === "hit") return null;
  const dues = (["frt", "nrt", "rt"] as const)
    .map((kind) => ({ kind, at: sla[`${kind}_due_at`] }))
    .filter((d): d is { kind: "frt" | "nrt" | "rt"; at: number } => typeof d.at === "number" && d.at > 0);
  if (dues.length === 0) return null;
  dues.sort((a, b) => a.at - b.at);
  const first = dues[0]!;
  return { kind: first.kind, seconds: first.at - now };
}

function snippet(c: ConversationSummary): { text: string; icon?: "paperclip" | "lock" | "reply" } {
  const last = c.messages[0];
  if (!last) return { text: t("inbox.row.noMessages") };
  const attachment = !last.content && (last.attachments?.length ?? 0) > 0;
  const text = attachment ? t("inbox.row.attachment") : (last.content ?? "").replace(/\s+/g, " ").trim() || t("inbox.row.noText");
  if (last.private) return { text, icon: "lock" };
  if (last.message_type === 1) return { text, icon: "reply" };
  if (attachment) return { text, icon: "paperclip" };
  return { text };
}

type RowProps = {
  conversation: ConversationSummary;
  index: number;
  total: number;
  selected: boolean;
  active: boolean;
  id: string;
  now: number;
  onOpen: (id: number) => void;
};

export function ConversationRow({ conversation: c, index, total, selected, active, id, now, onOpen }: RowProps) {
  const name = contactName(c.meta.sender);
  const showInbox = inboxes.value.length > 1;
  const inbox = inboxName(c.inbox_id);
  const last = snippet(c);
  const due = slaDue(c.applied_sla, now);
  const assignee = c.meta.assignee;
  const labelList = c.labels ?? [];

  // Chips wrap out of the chips line's one visible line rather than shrink; count those and show +N.
  const chipsRef = useRef<HTMLDivElement>(null);
  const [hidden, setHidden] = useState(0);
  useLayoutEffect(() => {
    const box = chipsRef.current;
    const chips = box ? ([...box.children] as HTMLElement[]) : [];
    const firstTop = chips[0]?.offsetTop ?? 0;
    const count = chips.filter((chip) => chip.offsetTop > firstTop).length;
    if (count !== hidden) setHidden(count);
  });
  const hiddenLabels = labelList.slice(Math.max(0, labelList.length - hidden));
  const hasChips = c.priority || due || labelList.length > 0;

  return (
    <div
      id={id}
      role="option"
      aria-selected={selected}
      aria-posinset={index + 1}
      aria-setsize={total}
      class={`conv-row${selected ? " is-selected" : ""}${active ? " is-active" : ""}${c.unread_count > 0 ? " is-unread" : ""}`}
      style={{ transform: `translateY(${index * ROW_HEIGHT}px)` }}
      onClick={() => onOpen(c.id)}
    >
      <Avatar name={name} src={c.meta.sender.thumbnail || null} />
      <div class="conv-row-body">
        <div class="conv-row-line">
          <span class="conv-row-name">{name}</span>
          <span class="conv-row-id">#{c.id}</span>
          <time class="conv-row-time" dateTime={new Date(c.last_activity_at * 1000).toISOString()} title={formatDateTime(c.last_activity_at)}>
            {formatShortTime(c.last_activity_at)}
          </time>
        </div>
        <div class="conv-row-line">
          <span class="conv-row-snippet">
            {last.icon && <Icon name={last.icon} size={13} class="conv-row-snippet-icon" />}
            {last.icon === "lock" && <span class="visually-hidden">{t("inbox.row.privateNote")} </span>}
            {last.icon === "reply" && <span class="visually-hidden">{t("inbox.row.youReplied")} </span>}
            {last.text}
          </span>
          {c.unread_count > 0 && (
            <span class="badge badge-count" aria-label={t("inbox.row.unread", { count: c.unread_count })}>
              {c.unread_count > 99 ? "99+" : c.unread_count}
            </span>
          )}
        </div>
        <div class="conv-row-line conv-row-tags">
          <span class="conv-row-tag conv-row-assignee" title={t("inbox.row.assignee")}>
            <Icon name="user" size={12} />
            <span class="visually-hidden">{t("inbox.row.assignee")}: </span>
            <span class="conv-row-tag-text">{assignee ? assignee.available_name || assignee.name : t("inbox.row.unassigned")}</span>
          </span>
          {showInbox && (
            <span class="conv-row-tag conv-row-inbox" title={t("inbox.row.inbox")}>
              <Icon name="inbox" size={12} />
              <span class="visually-hidden">{t("inbox.row.inbox")}: </span>
              <span class="conv-row-tag-text">{inbox ?? `#${c.inbox_id}`}</span>
            </span>
          )}
        </div>
        {hasChips && (
          <div class="conv-row-line conv-row-meta">
            <div class="conv-row-chips" ref={chipsRef}>
              {c.priority && (
                <span class={`chip chip-priority-${c.priority}`}>
                  <Icon name="flag" size={11} />
                  <span class="visually-hidden">{t("inbox.row.priority")}: </span>
                  {t(`inbox.priority.${c.priority}`)}
                </span>
              )}
              {due && (
                <span class={`chip ${due.seconds < 0 ? "chip-danger" : due.seconds < 3600 ? "chip-warning" : "chip-neutral"}`} title={c.applied_sla?.sla_name}>
                  <Icon name="clock" size={11} />{" "}
                  {due.seconds < 0
                    ? t("inbox.sla.missed", { kind: t(`inbox.sla.${due.kind}`), time: formatDuration(-due.seconds) })
                    : t("inbox.sla.left", { kind: t(`inbox.sla.${due.kind}`), time: formatDuration(due.seconds) })}
                </span>
              )}
              {labelList.map((label) => (
                <span key={label} class="chip chip-label">
                  <span class="visually-hidden">{t("inbox.row.label")}: </span>
                  {label}
                </span>
              ))}
            </div>
            {hidden > 0 && (
              // The chips out of sight are still read out by screen readers; this is for the eye.
              <span class="chip chip-neutral conv-row-more" aria-hidden="true" title={hiddenLabels.length === hidden ? hiddenLabels.join(", ") : undefined}>
                +{hidden}
              </span>
            )}
          </div>
        )}
      </div>
    </div>
  );
}
