/**
 * One conversation, as an agent works it: the header with its actions, the messages (live over
 * /cable, caught up after a reconnect), the reply box and the contact panel, with Chatwoot's
 * conversation shortcuts (Alt+E resolve, Alt+L reply, Alt+P private note, Alt+A attach, Alt+O
 * contact panel, Alt+M snooze menu; Alt+Shift+A the assign menu).
 */
import { signal } from "@preact/signals";
import { useEffect, useId, useMemo, useRef } from "preact/hooks";
import { onCableEvent } from "../../core/cable";
import { t } from "../../core/i18n";
import { contactName } from "../../core/names";
import { Link, route, withQuery } from "../../core/router";
import { accountId, conversationsPath } from "../../core/session";
import { filtersFromQuery, queryOf } from "../../stores/conversations";
import { Icon } from "../../core/icons";
import { conversationActions } from "./actions";
import { ContactPanel } from "./ContactPanel";
import { Header } from "./Header";
import { inboxes, labels } from "./lookups";
import { MessageList } from "./MessageList";
import { ReplyBox, type ReplyMode } from "./ReplyBox";
import { createConversationStore } from "./store";
import "./conversation.css";

const PANEL_KEY = "parley.contactPanel";

/** Whether the contact panel is open: the agent's last choice, else open on wide windows. */
const panelOpen = signal<boolean>(
  (() => {
    try {
      const saved = localStorage.getItem(PANEL_KEY);
      if (saved !== null) return saved === "1";
    } catch {
      // no storage: fall through
    }
    return typeof matchMedia === "function" ? matchMedia("(min-width: 1100px)").matches : true;
  })(),
);
panelOpen.subscribe((open) => {
  try {
    localStorage.setItem(PANEL_KEY, open ? "1" : "0");
  } catch {
    // the choice lasts for this page only
  }
});

const visible = () => document.visibilityState === "visible";

/** The conversation list with the filters in view (for the way back from a conversation that does not exist). */
const listHref = () => withQuery(conversationsPath(accountId.value ?? 0), queryOf(filtersFromQuery(route.value.query)));

export function ConversationPane({ displayId, onBack }: { displayId: number; onBack?: () => void }) {
  const store = useMemo(() => createConversationStore(displayId), [displayId]);
  const actions = useMemo(() => conversationActions(store), [store]);
  const mode = useMemo(() => signal<ReplyMode>("reply"), [store]);
  const panelId = useId();
  const textRef = useRef<HTMLTextAreaElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const assignRef = useRef<HTMLButtonElement>(null);
  const snoozeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const markReadIfShown = () => {
      if (visible() && store.conversation.peek()) void store.markRead();
    };
    // Where the panel lies over the messages (conversation.css, ≤ 900px), a conversation opens on its messages.
    if (typeof matchMedia === "function" && matchMedia("(max-width: 900px)").matches) panelOpen.value = false;
    store.setOnIncoming(markReadIfShown);
    const unsubscribe = onCableEvent(store.handleEvent);
    void store.load().then(markReadIfShown);
    void inboxes().load();
    void labels().load();
    document.addEventListener("visibilitychange", markReadIfShown);
    return () => {
      unsubscribe();
      store.dispose();
      document.removeEventListener("visibilitychange", markReadIfShown);
    };
  }, [store]);

  useEffect(() => {
    const focusReply = (next: ReplyMode) => {
      mode.value = next;
      textRef.current?.focus();
    };
    const onKey = (event: KeyboardEvent) => {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      // event.code: Option+letter types a symbol on macOS, so the key's position is what counts.
      switch (event.code) {
        case "KeyE":
          if (store.conversation.peek()?.status !== "resolved") void actions.setStatus("resolved");
          break;
        case "KeyL":
          focusReply("reply");
          break;
        case "KeyP":
          focusReply("note");
          break;
        case "KeyA":
          (event.shiftKey ? assignRef : fileRef).current?.click();
          break;
        case "KeyO":
          panelOpen.value = !panelOpen.value;
          break;
        case "KeyM":
          snoozeRef.current?.click();
          break;
        default:
          return;
      }
      event.preventDefault();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [store]);

  const conversation = store.conversation.value;
  const notice = store.notice.value;
  const loadError = store.loadError.value;

  return (
    <section class="cv-pane" aria-label={conversation ? t("conversation.label", { name: contactName(conversation.meta.sender) }) : t("conversation.loading")}>
      <div class="cv-main">
        {conversation ? (
          <Header
            store={store}
            conversation={conversation}
            actions={actions}
            panelOpen={panelOpen}
            panelId={panelId}
            onBack={onBack}
            refs={{ assign: assignRef, snooze: snoozeRef }}
          />
        ) : (
          <div class="cv-head cv-placeholder">
            {onBack && (
              <button type="button" class="cv-icon-btn cv-back" onClick={onBack} aria-label={t("conversation.back")}>
                <Icon name="arrow-left" />
              </button>
            )}
            {loadError ? (
              <div class="cv-problem">
                <p role="alert">{t("conversation.load_failed", { reason: loadError })}</p>
                {store.missing.value ? (
                  <Link class="cv-btn" href={listHref()} onClick={() => requestAnimationFrame(() => document.getElementById("conv-listbox")?.focus())}>
                    {t("inbox.back")}
                  </Link>
                ) : (
                  <button type="button" class="cv-btn" onClick={() => void store.load()}>
                    {t("common.retry")}
                  </button>
                )}
              </div>
            ) : (
              <p class="cv-hint">{t("conversation.loading")}</p>
            )}
          </div>
        )}
        {notice && (
          <div class={`cv-notice cv-notice-${notice.kind}`} role={notice.kind === "error" ? "alert" : "status"}>
            <Icon name={notice.kind === "error" ? "alert" : "info"} />
            <span>{notice.text}</span>
            <button type="button" class="cv-icon-btn" aria-label={t("conversation.dismiss")} onClick={() => (store.notice.value = null)}>
              <Icon name="x" size={14} />
            </button>
          </div>
        )}
        {conversation && <MessageList store={store} />}
        {conversation && <ReplyBox key={displayId} store={store} mode={mode} textRef={textRef} fileRef={fileRef} />}
      </div>
      {conversation && panelOpen.value && (
        <ContactPanel
          store={store}
          conversation={conversation}
          id={panelId}
          onClose={() => {
            panelOpen.value = false;
            document.querySelector<HTMLElement>(".cv-panel-toggle")?.focus();
          }}
        />
      )}
      <div class="cv-visually-hidden" aria-live="polite" aria-atomic="true">
        {store.announcement.value}
      </div>
    </section>
  );
}
