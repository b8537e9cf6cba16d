/** One row of the conversation list (a listbox option): who, where, the last message, when, and badges. */
import { Avatar } from "../components/Avatar";
import { formatDateTime, formatDuration, formatShortTime, t } from "../core/i18n";
import { Icon } from "../core/icons";
import type { AppliedSla, ConversationSummary } from "../stores/conversations";
import { inboxName } from "../stores/lookups";

export const ROW_HEIGHT = 92;

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
  const name = c.meta.sender.name || c.meta.sender.email || c.meta.sender.phone_number || t("inbox.row.unnamed");
  const inbox = inboxName(c.inbox_id);
  const last = snippet(c);
  const due = slaDue(c.applied_sla, now);
  const assignee = c.meta.assignee;
  const labelList = c.labels ?? [];
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
        <div class="conv-row-line conv-row-meta">
          <span class="conv-row-tag" title={t("inbox.row.inbox")}>
            <Icon name="inbox" size={12} />
            <span class="visually-hidden">{t("inbox.row.inbox")}: </span>
            <span class="conv-row-tag-text">{inbox ?? `#${c.inbox_id}`}</span>
          </span>
          <span class="conv-row-tag" title={t("inbox.row.assignee")}>
            <Icon name="user" size={12} />
            <span class="visually-hidden">{t("inbox.row.assignee")}: </span>
            <span class="conv-row-tag-text">{assignee ? assignee.available_name || assignee.name : t("inbox.row.unassigned")}</span>
          </span>
          {c.priority && (
            <span class={`chip chip-priority-${c.priority}`}>
              <Icon name="flag" size={11} /> {t(`inbox.priority.${c.priority}`)}
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
          {labelList.slice(0, 2).map((label) => (
            <span key={label} class="chip chip-label">
              <span class="visually-hidden">{t("inbox.row.label")}: </span>
              {label}
            </span>
          ))}
          {labelList.length > 2 && <span class="chip chip-neutral">+{labelList.length - 2}</span>}
        </div>
      </div>
    </div>
  );
}
