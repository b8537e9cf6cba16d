/**
 * The reply box: a reply or a private note; `/` at the start picks a canned response (rendered for
 * this conversation), `@` in a note mentions an agent; files by picker, drag and drop or paste;
 * Enter sends, Shift+Enter breaks the line; the draft is kept per conversation; typing on/off is
 * sent while the agent writes.
 */
import type { Signal } from "@preact/signals";
import type { JSX } from "preact";
import { useEffect, useId, useRef, useState } from "preact/hooks";
import { accountPath, api } from "../../core/api";
import { t } from "../../core/i18n";
import { accountId } from "../../core/session";
import { errorText } from "./errors";
import { Icon } from "../../core/icons";
import { agents } from "./lookups";
import { ReplyWindow, replyRestricted } from "./ReplyWindow";
import type { ConversationStore } from "./store";
import type { CannedResponse } from "./types";

export type ReplyMode = "reply" | "note";

const MAX_FILES = 10;
const TYPING_IDLE_MS = 4000;

type Mention = { id: number; name: string };
type Suggestion = { kind: "canned" | "mention"; query: string; start: number; active: number };
type Option = { key: string; title: string; detail: string; pick: () => void };
type Draft = { text: string; mode: ReplyMode; mentions: Mention[] };

const draftKey = (displayId: number) => `parley.draft.${accountId.value ?? 0}.${displayId}`;

function readDraft(displayId: number): Draft | null {
  try {
    const raw = localStorage.getItem(draftKey(displayId));
    return raw ? (JSON.parse(raw) as Draft) : null;
  } catch {
    return null;
  }
}

function writeDraft(displayId: number, draft: Draft) {
  try {
    if (draft.text) localStorage.setItem(draftKey(displayId), JSON.stringify(draft));
    else localStorage.removeItem(draftKey(displayId));
  } catch {
    // Storage full or disabled: the draft lives only in the page.
  }
}

/** Chatwoot's mention markup, which the server turns into notifications. */
export function withMentionMarkup(text: string, mentions: Mention[]): string {
  let out = text;
  for (const m of [...mentions].sort((a, b) => b.name.length - a.name.length)) {
    out = out.split(`@${m.name}`).join(`[@${m.name}](mention://user/${m.id}/${encodeURIComponent(m.name)})`);
  }
  return out;
}

type Props = {
  store: ConversationStore;
  mode: Signal<ReplyMode>;
  textRef: { current: HTMLTextAreaElement | null };
  fileRef: { current: HTMLInputElement | null };
};

export function ReplyBox({ store, mode, textRef, fileRef }: Props) {
  const id = useId();
  const saved = useRef(readDraft(store.displayId));
  const [text, setText] = useState(saved.current?.text ?? "");
  const [mentions, setMentions] = useState<Mention[]>(saved.current?.mentions ?? []);
  const [files, setFiles] = useState<File[]>([]);
  const [suggestion, setSuggestion] = useState<Suggestion | null>(null);
  const [canned, setCanned] = useState<CannedResponse[]>([]);
  const [problem, setProblem] = useState<{ text: string; warning?: boolean } | null>(null);
  const [dragging, setDragging] = useState(false);
  const typingOn = useRef(false);
  const idle = useRef<ReturnType<typeof setTimeout>>();
  const isNote = mode.value === "note";
  // Outside the channel's messaging window only a note (or, on WhatsApp, a template) can be sent.
  const restricted = !isNote && replyRestricted(store);
  const agentList = agents();

  useEffect(() => {
    if (saved.current) mode.value = saved.current.mode;
    return () => {
      clearTimeout(idle.current);
      if (typingOn.current) void sendTyping(false);
    };
  }, []);

  useEffect(() => writeDraft(store.displayId, { text, mode: mode.value, mentions }), [text, mode.value, mentions]);

  // Canned responses for the `/` query, from the server's search.
  const cannedQuery = suggestion?.kind === "canned" ? suggestion.query : null;
  useEffect(() => {
    if (cannedQuery === null) return;
    const timer = setTimeout(() => {
      api
        .get<CannedResponse[]>(accountPath("/canned_responses"), { search: cannedQuery })
        .then((list) => {
          setCanned(list);
          setProblem(null);
        })
        .catch((error: unknown) => setProblem({ text: errorText(error) }));
    }, 120);
    return () => clearTimeout(timer);
  }, [cannedQuery]);

  async function sendTyping(on: boolean) {
    typingOn.current = on;
    try {
      await api.post(store.path("/toggle_typing_status"), { typing_status: on ? "on" : "off", is_private: mode.peek() === "note" });
    } catch (error) {
      store.fail(error);
    }
  }

  function noteTyping() {
    if (!typingOn.current) void sendTyping(true);
    clearTimeout(idle.current);
    idle.current = setTimeout(() => void sendTyping(false), TYPING_IDLE_MS);
  }

  /** Which suggestion list the text before the caret asks for, if any. */
  function detect(value: string, caret: number) {
    const canned = /^\/(\S*)$/.exec(value);
    if (canned) {
      const query = canned[1] ?? "";
      return setSuggestion((s) => ({ kind: "canned", query, start: 0, active: s?.kind === "canned" && s.query === query ? s.active : 0 }));
    }
    if (mode.peek() === "note") {
      const mention = /(^|\s)@([\p{L}\p{N}_.-]*)$/u.exec(value.slice(0, caret));
      if (mention) {
        void agentList.load();
        const query = mention[2] ?? "";
        return setSuggestion({ kind: "mention", query, start: caret - query.length - 1, active: 0 });
      }
    }
    setSuggestion(null);
  }

  function onInput(event: JSX.TargetedEvent<HTMLTextAreaElement>) {
    const el = event.currentTarget;
    setText(el.value);
    detect(el.value, el.selectionStart);
    if (el.value) noteTyping();
  }

  async function pickCanned(response: CannedResponse) {
    setSuggestion(null);
    try {
      const rendered = await api.post<{ content: string; undefined_variables: { variable: string }[] }>(
        accountPath(`/canned_responses/${response.id}/render`),
        { conversation_id: store.displayId },
      );
      setText(rendered.content);
      setProblem(
        rendered.undefined_variables.length > 0
          ? { text: t("conversation.reply.empty_variables", { names: rendered.undefined_variables.map((v) => v.variable).join(", ") }), warning: true }
          : null,
      );
    } catch (error) {
      setProblem({ text: errorText(error) });
    }
    textRef.current?.focus();
  }

  function pickMention(agent: Mention, at: Suggestion) {
    const el = textRef.current;
    const caret = el?.selectionStart ?? text.length;
    const inserted = `@${agent.name} `;
    const next = text.slice(0, at.start) + inserted + text.slice(caret);
    setText(next);
    setMentions((list) => (list.some((m) => m.id === agent.id) ? list : [...list, agent]));
    setSuggestion(null);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(at.start + inserted.length, at.start + inserted.length);
    });
  }

  const options: Option[] = !suggestion
    ? []
    : suggestion.kind === "canned"
      ? canned.map((c) => ({ key: `c${c.id}`, title: `/${c.short_code}`, detail: c.content, pick: () => void pickCanned(c) }))
      : (agentList.data.value ?? [])
          .filter((a) => (a.available_name ?? a.name).toLowerCase().includes(suggestion.query.toLowerCase()))
          .slice(0, 8)
          .map((a) => {
            const name = a.available_name ?? a.name;
            return { key: `a${a.id}`, title: name, detail: a.email, pick: () => pickMention({ id: a.id, name }, suggestion) };
          });
  const listOpen = suggestion !== null && options.length > 0;
  const active = suggestion ? Math.min(suggestion.active, options.length - 1) : 0;

  function send() {
    const content = text.trim();
    if ((!content && files.length === 0) || restricted) return;
    store.send(isNote ? withMentionMarkup(content, mentions) : content, isNote, files);
    setText("");
    setFiles([]);
    setMentions([]);
    setProblem(null);
    setSuggestion(null);
    clearTimeout(idle.current);
    if (typingOn.current) void sendTyping(false);
  }

  function onKeyDown(event: JSX.TargetedKeyboardEvent<HTMLTextAreaElement>) {
    if (event.isComposing) return;
    if (listOpen && suggestion) {
      const move = (by: number) => setSuggestion({ ...suggestion, active: (active + by + options.length) % options.length });
      if (event.key === "ArrowDown") return void (event.preventDefault(), move(1));
      if (event.key === "ArrowUp") return void (event.preventDefault(), move(-1));
      if (event.key === "Enter" || event.key === "Tab") return void (event.preventDefault(), options[active]?.pick());
      if (event.key === "Escape") return void (event.preventDefault(), setSuggestion(null));
    }
    if (event.key === "Enter" && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      send();
    }
  }

  function addFiles(list: FileList | File[] | null | undefined) {
    const added = [...(list ?? [])];
    if (added.length === 0) return;
    const next = [...files, ...added];
    if (next.length > MAX_FILES) setProblem({ text: t("conversation.reply.too_many_files", { count: MAX_FILES }) });
    setFiles(next.slice(0, MAX_FILES));
    textRef.current?.focus();
  }

  function onTabKey(event: JSX.TargetedKeyboardEvent<HTMLDivElement>) {
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    mode.value = mode.value === "reply" ? "note" : "reply";
    (event.currentTarget.querySelector(`[aria-selected="false"]`) as HTMLElement | null)?.focus();
    event.preventDefault();
  }

  const tab = (value: ReplyMode, label: string) => (
    <button
      type="button"
      role="tab"
      id={`${id}-${value}`}
      aria-selected={mode.value === value}
      aria-controls={`${id}-panel`}
      tabIndex={mode.value === value ? 0 : -1}
      aria-keyshortcuts={value === "note" ? "Alt+P" : "Alt+L"}
      onClick={() => {
        mode.value = value;
        textRef.current?.focus();
      }}
    >
      {label}
    </button>
  );

  return (
    <div
      class={`cv-reply${isNote ? " cv-reply-note" : ""}${dragging ? " cv-dragging" : ""}`}
      onDragOver={(event) => {
        if (!event.dataTransfer?.types.includes("Files")) return;
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(event) => {
        event.preventDefault();
        setDragging(false);
        addFiles(event.dataTransfer?.files);
      }}
    >
      <div role="tablist" aria-label={t("conversation.reply.kind")} class="cv-tabs" onKeyDown={onTabKey}>
        {tab("reply", t("conversation.reply.reply"))}
        {tab("note", t("conversation.reply.note"))}
      </div>
      <div role="tabpanel" id={`${id}-panel`} aria-labelledby={`${id}-${mode.value}`} class={`cv-compose${restricted ? " cv-restricted" : ""}`}>
        {restricted && <ReplyWindow store={store} />}
        {listOpen && (
          <ul
            role="listbox"
            id={`${id}-list`}
            class="cv-suggest"
            aria-label={suggestion?.kind === "canned" ? t("conversation.reply.canned") : t("conversation.reply.mention")}
          >
            {options.map((option, index) => (
              <li
                key={option.key}
                id={`${id}-o${index}`}
                role="option"
                aria-selected={index === active}
                onMouseDown={(event) => {
                  event.preventDefault();
                  option.pick();
                }}
              >
                <strong>{option.title}</strong>
                <span class="cv-hint">{option.detail}</span>
              </li>
            ))}
          </ul>
        )}
        <label for={`${id}-text`} class="cv-visually-hidden">
          {isNote ? t("conversation.reply.note_label") : t("conversation.reply.reply_label")}
        </label>
        <textarea
          id={`${id}-text`}
          ref={textRef}
          rows={3}
          value={text}
          placeholder={isNote ? t("conversation.reply.note_placeholder") : t("conversation.reply.reply_placeholder")}
          aria-autocomplete="list"
          aria-controls={listOpen ? `${id}-list` : undefined}
          aria-activedescendant={listOpen ? `${id}-o${active}` : undefined}
          aria-describedby={problem ? `${id}-problem` : undefined}
          onInput={onInput}
          onKeyDown={onKeyDown}
          onBlur={() => setSuggestion(null)}
          onPaste={(event) => {
            const pasted = event.clipboardData?.files;
            if (pasted && pasted.length > 0) {
              event.preventDefault();
              addFiles(pasted);
            }
          }}
        />
        <p class="cv-visually-hidden" aria-live="polite">
          {listOpen ? t("conversation.reply.suggestions", { count: options.length }) : ""}
        </p>
        {problem && (
          <p id={`${id}-problem`} class={problem.warning ? "cv-problem cv-warning" : "cv-problem"} role="alert">
            {problem.text}
          </p>
        )}
        {files.length > 0 && (
          <ul class="cv-chosen-files" aria-label={t("conversation.reply.files")}>
            {files.map((file, index) => (
              <li key={`${file.name}-${index}`}>
                <Icon name="file" />
                <span>{file.name}</span>
                <button
                  type="button"
                  class="cv-icon-btn"
                  aria-label={t("conversation.reply.remove_file", { name: file.name })}
                  onClick={() => setFiles(files.filter((_, i) => i !== index))}
                >
                  <Icon name="x" size={14} />
                </button>
              </li>
            ))}
          </ul>
        )}
        <div class="cv-compose-bar">
          <input
            ref={fileRef}
            type="file"
            multiple
            class="cv-visually-hidden"
            tabIndex={-1}
            aria-hidden="true"
            onChange={(event) => {
              addFiles(event.currentTarget.files);
              event.currentTarget.value = "";
            }}
          />
          <button
            type="button"
            class="cv-btn cv-quiet"
            aria-keyshortcuts="Alt+A"
            title={`${t("conversation.reply.attach")} (Alt+A)`}
            onClick={() => fileRef.current?.click()}
          >
            <Icon name="paperclip" />
            <span>{t("conversation.reply.attach")}</span>
          </button>
          <span class="cv-hint cv-grow">{t("conversation.reply.hint")}</span>
          <button type="button" class="cv-btn cv-primary" onClick={send} disabled={!text.trim() && files.length === 0}>
            <Icon name="send" />
            <span>{isNote ? t("conversation.reply.add_note") : t("conversation.reply.send")}</span>
          </button>
        </div>
      </div>
    </div>
  );
}
