/** The applied SLA: its next deadline and the time left, and on request every deadline and the misses. */
import { useEffect, useId, useState } from "preact/hooks";
import { api } from "../../core/api";
import { formatDateTime, formatDuration, t } from "../../core/i18n";
import { Icon } from "../../core/icons";
import { errorText } from "./errors";
import type { ConversationStore } from "./store";
import type { AppliedSla, SlaEvent } from "./types";

const KINDS = ["frt", "nrt", "rt"] as const;

export function SlaBadge({ store, sla }: { store: ConversationStore; sla: AppliedSla }) {
  const id = useId();
  const [now, setNow] = useState(() => Date.now() / 1000);
  const [open, setOpen] = useState(false);
  const [misses, setMisses] = useState<SlaEvent[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now() / 1000), 30_000);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    if (!open) return;
    api
      .get<{ payload: SlaEvent[] }>(store.path("/sla_events"))
      .then((answer) => {
        setMisses(answer.payload);
        setError(null);
      })
      .catch((e: unknown) => setError(errorText(e)));
  }, [open, sla.sla_status]);

  const due = KINDS.map((kind) => ({ kind, at: sla[`${kind}_due_at`] })).filter((d): d is { kind: (typeof KINDS)[number]; at: number } => d.at !== null);
  const next = due.sort((a, b) => a.at - b.at)[0];
  const finished = sla.sla_status === "hit" || sla.sla_status === "missed";
  const late = next !== undefined && next.at < now;
  const summary = finished
    ? t(`conversation.sla.status.${sla.sla_status}`)
    : next
      ? late
        ? t("conversation.sla.overdue", { kind: t(`conversation.sla.kind.${next.kind}`), time: formatDuration(now - next.at) })
        : t("conversation.sla.due", { kind: t(`conversation.sla.kind.${next.kind}`), time: formatDuration(next.at - now) })
      : t(`conversation.sla.status.${sla.sla_status}`);
  const tone = sla.sla_status === "missed" || late ? "cv-sla-late" : sla.sla_status === "active_with_misses" ? "cv-sla-warn" : "cv-sla-ok";

  return (
    <div class="cv-sla">
      <button type="button" class={`cv-chip cv-sla-chip ${tone}`} aria-expanded={open} aria-controls={id} onClick={() => setOpen(!open)}>
        <Icon name="clock" size={14} />
        <span>
          {t("conversation.sla.label", { name: sla.sla_name })}: {summary}
        </span>
      </button>
      {open && (
        <div id={id} class="cv-sla-details">
          <dl>
            {KINDS.map((kind) => {
              const at = sla[`${kind}_due_at`];
              return (
                <div key={kind}>
                  <dt>{t(`conversation.sla.kind.${kind}`)}</dt>
                  <dd>{at === null ? t("conversation.sla.no_deadline") : formatDateTime(at)}</dd>
                </div>
              );
            })}
          </dl>
          {error && (
            <p role="alert" class="cv-problem">
              {error}
            </p>
          )}
          {misses && (
            <p>
              {misses.length === 0
                ? t("conversation.sla.no_misses")
                : t("conversation.sla.misses", {
                    list: misses.map((m) => `${t(`conversation.sla.kind.${m.event_type}`)} (${formatDateTime(m.created_at)})`).join(", "),
                  })}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
