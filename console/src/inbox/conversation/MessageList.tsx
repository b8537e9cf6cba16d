/**
 * The conversation's messages in order with day separators, the replies still on their way (with
 * Retry when they failed), who is typing, and "Seen". Scrolling to the top loads older messages;
 * the list stays at the bottom while new ones arrive if the agent was there.
 */
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import { t } from "../../core/i18n";
import { contactName } from "../../core/names";
import { Icon } from "../../core/icons";
import { MessageItem, RichText } from "./MessageItem";
import type { ConversationStore } from "./store";
import type { OutgoingDraft } from "./types";

const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: "long", month: "long", day: "numeric", year: "numeric" });

function dayLabel(seconds: number): string {
  const date = new Date(seconds * 1000);
  const today = new Date();
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
  if (date.toDateString() === today.toDateString()) return t("conversation.day.today");
  if (date.toDateString() === yesterday.toDateString()) return t("conversation.day.yesterday");
  return dayFormat.format(date);
}

function Pending({ draft, store }: { draft: OutgoingDraft; store: ConversationStore }) {
  const status =
    draft.error !== null
      ? null
      : draft.progress !== null
        ? t("conversation.send.uploading", { percent: Math.round(draft.progress * 100) })
        : t("conversation.send.sending");
  return (
    <li class={`cv-msg ${draft.isPrivate ? "cv-note" : "cv-out"} cv-pending${draft.error ? " cv-failed" : ""}`}>
      <div class="cv-bubble">
        <p class="cv-meta">
          {draft.isPrivate && (
            <span class="cv-note-tag">
              <Icon name="lock" size={14} />
              {t("conversation.message.private_note")}
            </span>
          )}
          <span>{status}</span>
        </p>
        {draft.content && (
          <div class="cv-text">
            <RichText text={draft.content} />
          </div>
        )}
        {draft.files.length > 0 && (
          <ul class="cv-pending-files">
            {draft.files.map((file) => (
              <li key={file.name}>
                <Icon name="file" /> {file.name}
              </li>
            ))}
          </ul>
        )}
        {draft.progress !== null && <progress max={1} value={draft.progress} aria-label={t("conversation.send.progress")} />}
      </div>
      {draft.error !== null && (
        <div class="cv-send-error" role="alert">
          <Icon name="alert" />
          <span>{t("conversation.send.failed", { reason: draft.error })}</span>
          <button type="button" class="cv-btn" onClick={() => store.retry(draft.echoId)}>
            {t("conversation.send.retry")}
          </button>
          <button type="button" class="cv-btn cv-quiet" onClick={() => store.discard(draft.echoId)}>
            {t("conversation.send.discard")}
          </button>
        </div>
      )}
    </li>
  );
}

export function MessageList({ store }: { store: ConversationStore }) {
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const anchor = useRef<{ height: number; top: number; firstId: number } | null>(null);
  const messages = store.messages.value;
  const outbox = store.outbox.value;
  const typing = store.typing.value;
  const conversation = store.conversation.value;
  const older = store.olderState.value;
  const contactLabel = contactName(conversation?.meta.sender);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const held = anchor.current;
    if (held && messages[0] && messages[0].id !== held.firstId) {
      el.scrollTop = el.scrollHeight - held.height + held.top;
      anchor.current = null;
    } else if (stick.current) el.scrollTop = el.scrollHeight;
  }, [messages, outbox, typing]);

  // The header or reply box growing (a macro's outcome, a long draft) must not lift the latest message out of view.
  useEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver !== "function") return;
    const observer = new ResizeObserver(() => {
      if (stick.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  function loadOlder() {
    const el = scroller.current;
    const first = messages[0];
    if (!el || !first || older !== "more") return;
    anchor.current = { height: el.scrollHeight, top: el.scrollTop, firstId: first.id };
    void store.loadOlder();
  }

  function onScroll() {
    const el = scroller.current;
    if (!el) return;
    stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
    if (el.scrollTop < 80) loadOlder();
  }

  const seenAt = conversation?.contact_last_seen_at ?? null;
  const lastReply = [...messages].reverse().find((m) => m.message_type === 1 && !m.private);
  const seenId = lastReply && seenAt !== null && seenAt >= lastReply.created_at ? lastReply.id : null;

  const rows: preact.JSX.Element[] = [];
  let day = "";
  for (const message of messages) {
    const label = dayLabel(message.created_at);
    if (label !== day) {
      day = label;
      rows.push(
        <li key={`day-${message.id}`} class="cv-day">
          <span>{label}</span>
        </li>,
      );
    }
    rows.push(<MessageItem key={message.id} message={message} contactName={contactLabel} seen={message.id === seenId} />);
  }

  return (
    <div
      class="cv-scroll"
      ref={scroller}
      tabIndex={0}
      role="region"
      aria-label={t("conversation.messages.label")}
      onScroll={onScroll}
      onLoadCapture={() => stick.current && scroller.current && (scroller.current.scrollTop = scroller.current.scrollHeight)}
    >
      <div class="cv-older">
        {older === "done" ? (
          <p class="cv-hint">{t("conversation.messages.start")}</p>
        ) : (
          <button type="button" class="cv-btn cv-quiet" onClick={loadOlder} aria-disabled={older === "loading" ? "true" : undefined}>
            {older === "loading" ? t("conversation.messages.loading") : t("conversation.messages.older")}
          </button>
        )}
      </div>
      <ol class="cv-messages">
        {rows}
        {outbox.map((draft) => (
          <Pending key={draft.echoId} draft={draft} store={store} />
        ))}
      </ol>
      {typing && (
        <p class="cv-typing">{t(typing.isPrivate ? "conversation.typing.note" : "conversation.typing.reply", { name: typing.name || contactLabel })}</p>
      )}
    </div>
  );
}
