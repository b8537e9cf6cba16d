/**
 * The conversation as the visitor reads it: messages in order under a heading per day, each with its
 * time; agents' messages with their name and avatar (or initials); the visitor's own with sending,
 * sent, read (from the agents' last-seen time) or not sent with a retry; attachments with previews
 * and, while they upload, their progress. Messages a send has not confirmed yet are keyed by their
 * echo_id, so the server's copy (the HTTP answer or the cable event, whichever comes first) takes
 * their place. New messages from the team are announced in a live region.
 */
import { dayLabel, initials, localDay, timeLabel } from "./format";
import { t } from "./i18n";
import { icon } from "./icons";
import { renderMarkdown, safeHref } from "./markdown";
import type { Message } from "./types";

export type Pending = { echoId: string; content: string; files: File[]; state: "sending" | "failed"; progress: number | null };

type Entry = { key: string; order: number; createdAt: number; node: HTMLElement; message: Message | null; pending: Pending | null };

export type ThreadOptions = {
  /** The name shown for the team's messages without a sender (the widget's name). */
  teamName: () => string;
  /** The controls of an interactive or template message (options, forms, cards, CSAT, email). */
  interactive: (message: Message) => HTMLElement[];
  retry: (pending: Pending) => void;
};

export const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string) => {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
};

const isVisitor = (message: Message) => message.message_type === 0;
const isTeam = (message: Message) => message.message_type === 1 || message.message_type === 3;

export class Thread {
  // A log whose additions are not read out as they are laid out again: the announcer says what is new.
  readonly log = el("div", { class: "log", role: "log", "aria-live": "off", "aria-label": t("messages"), tabindex: "0" });
  readonly announcer = el("div", { class: "visually-hidden", "aria-live": "polite", role: "status" });
  private entries: Entry[] = [];
  private agentLastSeenAt = 0;
  /** Local ordering for messages the server has not numbered yet: after every numbered one. */
  private pendingOrder = Number.MAX_SAFE_INTEGER / 2;

  constructor(private readonly options: ThreadOptions) {}

  clear() {
    this.entries = [];
    this.log.replaceChildren();
  }

  get firstId(): number | null {
    const first = this.entries.find((entry) => (entry.message?.id ?? 0) > 0);
    return first?.message?.id ?? null;
  }

  get lastId(): number {
    return this.entries.reduce((last, entry) => Math.max(last, entry.message?.id ?? 0), 0);
  }

  has(message: Message): boolean {
    return this.entries.some((entry) => entry.key === `m${message.id}` || (message.echo_id && entry.key === `e${message.echo_id}`));
  }

  /** Shows (or updates) a message the server sent; answers whether it is new here. `order` places a local one (the greeting: 0, first). */
  show(message: Message, order?: number): boolean {
    if (message.private || message.message_type === 2) return false;
    const index = this.entries.findIndex((entry) => entry.key === `m${message.id}` || (!!message.echo_id && entry.key === `e${message.echo_id}`));
    const place = order ?? (message.id > 0 ? message.id : (this.entries[index]?.order ?? this.pendingOrder++));
    const entry: Entry = { key: `m${message.id}`, order: place, createdAt: message.created_at, node: this.bubble(message, null), message, pending: null };
    if (index >= 0) {
      const previous = this.entries[index] as Entry;
      previous.node.replaceWith(entry.node);
      this.entries.splice(index, 1);
    }
    this.insert(entry, index < 0);
    return index < 0;
  }

  /** Drops a message shown under a stand-in id (a campaign's, before the conversation's own copy arrives). */
  forget(id: number): boolean {
    const index = this.entries.findIndex((entry) => entry.key === `m${id}`);
    if (index < 0) return false;
    this.entries.splice(index, 1);
    this.layout();
    return true;
  }

  /** A message the visitor is sending, until the server's copy replaces it. */
  showPending(pending: Pending) {
    const key = `e${pending.echoId}`;
    const existing = this.entries.find((entry) => entry.key === key);
    const message: Message = {
      id: 0,
      content: pending.content,
      message_type: 0,
      content_type: "text",
      content_attributes: {},
      created_at: Date.now() / 1000,
      echo_id: pending.echoId,
    };
    const node = this.bubble(message, pending);
    if (existing) {
      existing.node.replaceWith(node);
      existing.node = node;
      existing.pending = pending;
      return;
    }
    this.insert({ key, order: this.pendingOrder++, createdAt: message.created_at, node, message: null, pending }, true);
  }

  /** The team read up to this moment (Chatwoot's agent_last_seen_at): the visitor's messages until then show read. */
  markReadUntil(agentLastSeenAt: number) {
    if (agentLastSeenAt <= this.agentLastSeenAt) return;
    this.agentLastSeenAt = agentLastSeenAt;
    for (const entry of this.entries) {
      if (entry.message && isVisitor(entry.message)) entry.node.querySelector(".status")?.replaceWith(this.status(entry.message, null));
    }
  }

  announce(message: Message) {
    const text = message.content ?? message.attachments?.[0]?.file_name ?? "";
    this.announcer.textContent = `${this.senderName(message)}: ${text}`;
  }

  senderName(message: Message): string {
    return message.sender?.available_name || message.sender?.name || this.options.teamName();
  }

  scrollToEnd() {
    this.log.scrollTop = this.log.scrollHeight;
  }

  private insert(entry: Entry, scroll: boolean) {
    const at = this.entries.findIndex((other) => other.order > entry.order);
    if (at < 0) this.entries.push(entry);
    else this.entries.splice(at, 0, entry);
    this.layout();
    if (scroll) this.scrollToEnd();
  }

  /** Re-lays the log: a heading before each day's first message, and sender names only where the sender changes. */
  private layout() {
    const nodes: HTMLElement[] = [];
    let day = "";
    let lastSender = "";
    for (const entry of this.entries) {
      const entryDay = localDay(entry.createdAt);
      if (entryDay !== day) {
        nodes.push(el("h2", { class: "day" }, dayLabel(entry.createdAt)));
        day = entryDay;
        lastSender = "";
      }
      const message = entry.message;
      const sender = message && isTeam(message) ? `t${message.sender?.name ?? ""}` : "v";
      entry.node.classList.toggle("continued", sender === lastSender);
      lastSender = sender;
      nodes.push(entry.node);
    }
    this.log.replaceChildren(...nodes);
  }

  private bubble(message: Message, pending: Pending | null): HTMLElement {
    const row = el("div", { class: `message m${message.message_type}` });
    const bubble = el("div", { class: "bubble" });
    if (isTeam(message)) {
      const name = this.senderName(message);
      const picture = safeHref(message.sender?.avatar_url || message.sender?.thumbnail || "");
      const avatar = picture
        ? el("img", { class: "avatar", src: picture, alt: "" })
        : el("span", { class: "avatar initials", "aria-hidden": "true" }, initials(name));
      row.append(avatar);
      bubble.append(el("span", { class: "sender" }, name));
    }
    if (message.content && message.content_type !== "form") {
      const text = el("div", { class: "text" });
      text.append(renderMarkdown(message.content));
      bubble.append(text);
    }
    for (const attachment of message.attachments ?? [])
      bubble.append(attachmentView(attachment.data_url, attachment.thumb_url, attachment.file_name, attachment.file_type));
    for (const file of pending?.files ?? []) bubble.append(uploadView(file, pending?.state === "sending" ? pending.progress : null));
    bubble.append(...this.options.interactive(message));
    row.append(bubble);
    const meta = el("div", { class: "meta" });
    meta.append(el("time", { datetime: new Date(message.created_at * 1000).toISOString() }, timeLabel(message.created_at)));
    if (isVisitor(message)) meta.append(this.status(message, pending));
    bubble.append(meta);
    return row;
  }

  private status(message: Message, pending: Pending | null): HTMLElement {
    const status = el("span", { class: "status" });
    if (pending?.state === "failed") {
      status.classList.add("failed");
      status.append(icon("alert", 14), document.createTextNode(t("failed")));
      const retry = el("button", { type: "button", class: "retry" });
      retry.append(icon("retry", 14), document.createTextNode(t("retry")));
      retry.addEventListener("click", () => this.options.retry(pending));
      status.append(retry);
    } else if (pending) {
      status.append(icon("clock", 14), document.createTextNode(t("sending")));
    } else if (message.created_at <= this.agentLastSeenAt) {
      status.classList.add("read");
      status.append(icon("checks", 14), document.createTextNode(t("read")));
    } else {
      status.append(icon("check", 14), document.createTextNode(t("delivered")));
    }
    return status;
  }
}

function attachmentView(url: string, thumb: string | undefined, name: string, type: string): HTMLElement {
  const href = safeHref(url);
  const link = href ? el("a", { href, target: "_blank", rel: "noopener noreferrer", class: "attachment" }) : el("span", { class: "attachment" });
  const preview = safeHref(thumb || url);
  if (type === "image" && preview) link.append(el("img", { src: preview, alt: name, loading: "lazy" }));
  else link.append(icon("file", 18), document.createTextNode(name));
  return link;
}

function uploadView(file: File, progress: number | null): HTMLElement {
  const box = el("div", { class: "upload" });
  box.append(icon("file", 18), el("span", {}, file.name));
  if (progress !== null) {
    const bar = el("progress", { max: "100", value: String(Math.round(progress * 100)), "aria-label": t("uploading", { name: file.name }) });
    box.append(bar);
  }
  return box;
}
