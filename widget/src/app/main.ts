/**
 * The chat app inside the widget's iframe: renders the widget type's experience (live chat, the
 * email/SMS form, channel links, the Voice AI entry point, or all of them), runs the visitor's
 * session against the Client API and /cable, and carries out the commands `window.parley` sends.
 * The conversation itself is drawn by thread.ts, the controls inside messages by interactive.ts,
 * the team's availability by availability.ts; strings come from the i18n catalog.
 */
import { MAX_REGEX_INPUT_LENGTH, regexSafety } from "../../../src/domain/safe-regex";
import { webUrl } from "../../../src/domain/web-url";
import type { FromApp, ToApp, UnreadPreview } from "../protocol";
import { Team } from "./availability";
import { connectCable } from "./cable";
import { ApiError, clientPaths, loadSession, newEchoId, type PublicContact, request, saveSession, type StartedSession } from "./client";
import { dateLabel } from "./format";
import { browserLocale, intlLocale, setLocale, t } from "./i18n";
import { icon } from "./icons";
import { interactive } from "./interactive";
import { renderMarkdown } from "./markdown";
import { answerHandoffs, POPOUT_FEATURES, popoutName, popoutUrl, takeHandoff } from "./popout";
import { isPreviewMessage } from "./preview";
import { el, type Pending, Thread } from "./thread";
import type { Item, Message, PreChatField, PublicConversation, Session, WidgetConfig } from "./types";
import { uploadMessage } from "./upload";

const params = new URLSearchParams(location.hash.slice(1));
const token = new URLSearchParams(location.search).get("token") ?? params.get("token") ?? "";
// A token only in the fragment (an older loader): load again with it in the query, where the server
// reads it to say which sites may frame this page; this one starts nothing.
const reloading = !location.search.includes("token=") && token !== "";
if (reloading) location.replace(`${location.pathname}?token=${encodeURIComponent(token)}${location.hash}`);
const parentOrigin = params.get("parent") ?? "";
const embedded = params.get("embedded") === "1";
const page = params.get("page") ?? "";
/** The console's builder shows unsaved settings here (preview.ts): only when Parley itself frames the app. */
const preview = params.get("preview") === "1" && parentOrigin === location.origin;
/** What the site asked for in its settings: a locale, the browser's language, a theme. */
const siteLocale = params.get("locale");
const useBrowserLanguage = params.get("useBrowserLanguage") === "true";
const asTheme = (value: unknown) => (value === "light" || value === "dark" || value === "auto" ? value : null);
/** The site's theme (its settings, then `setTheme`), over the widget's own. */
let siteTheme = asTheme(params.get("theme"));
/** This app is the chat in a window of its own (popped out), or shows a button that pops it out (Chatwoot's `showPopoutButton`). */
const poppedOut = params.get("popout") === "1";
const popoutButton = params.get("showPopoutButton") === "true" && !poppedOut && window.parent !== window;

const PAGE_SIZE = 20;
/** Which visitor the app shows: reset() and a switch of session move it on, so answers to an earlier one's requests are dropped. */
let generation = 0;
/** Messages shown here and never sent (showFakeAgentMessage) count down from the greeting's id, apart from campaigns' ids. */
let localMessages = 0;

let config: WidgetConfig;
let session: Session | null = loadSession(token);
let open = embedded;
let unread: Message[] = [];
let disconnect: (() => void) | null = null;
/** The campaign whose message the visitor saw; their reply starts a conversation that begins with it. */
let campaignId: number | null = null;
/** The conversation's status as last heard (resolved shows the way to a new one). */
let conversationStatus = "open";
let olderExhausted = false;
/** The visitor's start of this conversation was told to the page (`start-conversation`) once already. */
let startAnnounced = false;
let loadingOlder = false;
const team = new Team(token, () => {
  renderHeader();
  if (body.dataset.view === "chat") renderNotices();
});

const root = document.getElementById("app") as HTMLElement;

// ---- talking to the page ------------------------------------------------------------------------

function toPage(message: FromApp) {
  if (parentOrigin && window.parent !== window) window.parent.postMessage(message, parentOrigin);
}
const emit = (event: Extract<FromApp, { type: "parley:event" }>["event"], detail?: unknown) => toPage({ type: "parley:event", event, detail });

/** Only the embedding page may command the app, and only when it is the page that framed it. */
function fromTrustedParent(event: MessageEvent): boolean {
  if (event.source !== window.parent || event.origin !== parentOrigin) return false;
  const ancestors = location.ancestorOrigins;
  return !ancestors || ancestors.length === 0 || ancestors[0] === parentOrigin;
}

/** The unread count for the page, and the preview the loader shows above the launcher. */
function setUnread(messages: Message[]) {
  unread = messages;
  emit("unread-count", unread.length);
  const latest = unread.at(-1);
  const text = latest ? `${thread.senderName(latest)}: ${(latest.content ?? latest.attachments?.[0]?.file_name ?? "").slice(0, 160)}` : "";
  const count = unread.length === 1 ? t("newMessage") : t("newMessages", { n: unread.length });
  const preview: UnreadPreview = { count: unread.length, text, label: `${count}. ${text}` };
  toPage({ type: "parley:unread", preview });
}

// ---- layout -------------------------------------------------------------------------------------

const header = el("header");
const body = el("main");
const notices = el("div", { class: "notices" });
const typing = el("p", { class: "typing", "aria-live": "polite" });
const composer = el("form", { class: "composer" });
const footer = el("div", { class: "resolved-footer" });
const input = el("textarea", { rows: "1", "aria-label": "Message" });
const sendButton = el("button", { type: "submit", class: "icon-button send" });
const fileInput = el("input", { type: "file", id: "attachment", class: "visually-hidden", multiple: "" });
const attachButton = el("label", { for: "attachment", class: "attach icon-button" });
const emojiButton = el("button", { type: "button", class: "icon-button emoji" });

const thread = new Thread({
  teamName: () => config.greeting.title || config.name,
  interactive: (message) => interactive(message, submitted, postback),
  retry: (pending) => void deliver(pending),
});

function renderHeader() {
  header.replaceChildren();
  const image = webUrl(config.avatar_url ?? config.logo_url);
  if (image) header.append(el("img", { src: image, alt: "", class: "avatar" }));
  const titles = el("div", { class: "titles" });
  titles.append(el("h1", {}, config.greeting.title ?? config.name));
  const status = team.statusView();
  titles.append(status ?? el("p", {}, config.greeting.tagline ?? ""));
  header.append(titles);
  if (session && !preview && body.dataset.view !== "email_sms") {
    const history = el("button", { type: "button", class: "icon-button header-button", "aria-label": t("earlier") });
    history.append(icon("history"));
    history.addEventListener("click", () => void earlierConversations());
    header.append(history);
  }
  if (popoutButton && !preview) {
    const popout = el("button", { type: "button", class: "icon-button header-button popout", "aria-label": t("popout") });
    popout.append(icon("popout"));
    popout.addEventListener("click", popOut);
    header.append(popout);
  }
  if (!embedded) {
    const close = el("button", { type: "button", class: "icon-button header-button close", "aria-label": t("close") });
    close.append(icon("close"));
    close.addEventListener("click", () => emit("close"));
    header.append(close);
  }
  if (status && config.greeting.tagline) header.append(el("p", { class: "tagline" }, config.greeting.tagline));
  if (config.business) {
    const details = [config.business.name, config.business.address, config.business.phone, config.business.email].filter(Boolean).join(" · ");
    if (details) header.append(el("p", { class: "business" }, details));
  }
}

/** The out-of-office message outside the schedule (the widget's away message, else the inbox's). */
function renderNotices() {
  notices.replaceChildren();
  // Away without a schedule (no agent online) is the header's to say; the message is for outside the schedule.
  const away = team.current ? (team.current.open_now ? null : team.current.out_of_office_message) : config.online ? null : config.away_message;
  if (!away) return;
  const notice = el("div", { class: "away", role: "status" });
  notice.append(renderMarkdown(away));
  notices.append(notice);
}

// ---- messages -----------------------------------------------------------------------------------

async function submitted(message: Message, values: unknown) {
  if (!session) return;
  const { conversation } = clientPaths(websiteToken(), session);
  try {
    thread.show(await request<Message>("PATCH", `${conversation}/messages/${message.id}`, { submitted_values: values }));
  } catch (error) {
    reportError(error);
    throw error;
  }
}

function postback(message: Message, action: Item) {
  emit("postback", { payload: action.payload, title: action.text, message_id: message.id });
  void submitted(message, [{ title: action.text, value: action.payload }]).catch(() => undefined);
}

function receive(message: Message) {
  // A campaign's message the visitor saw in its bubble is no news when the conversation's own copy arrives.
  const campaign = Number(message.content_attributes?.campaign_id);
  const seen = campaign > 0 && thread.forget(-campaign);
  const isNew = thread.show(message) && !seen;
  if (!isNew || message.message_type === 0 || message.message_type === 2) return;
  thread.announce(message);
  emit("on-message", message);
  if (open && document.visibilityState === "visible") markRead();
  else setUnread([...unread, message]);
}

// ---- session ------------------------------------------------------------------------------------

const websiteToken = () => config.channels.live_chat?.website_token ?? config.channels.email_sms?.website_token ?? "";

async function startSession(values: Record<string, unknown>, message?: string): Promise<Session> {
  if (preview) throw new Error(t("preview"));
  const referer = /^https?:\/\//.test(page) ? page : undefined;
  const started = await request<StartedSession>("POST", "/api/v1/widget/sessions", {
    widget_token: token,
    values,
    message,
    referer,
    ...(campaignId === null ? {} : { campaign_id: campaignId }),
  });
  campaignId = null;
  session = { sourceId: started.source_id, pubsubToken: started.pubsub_token, contactId: started.contact.id, conversationId: started.conversation_id };
  rememberSession(session);
  listen();
  return session;
}

/**
 * Stores the session and tells the page whose it is: `parley:session` carries the visitor's contact
 * id, what the site's server signs commands that act on people for (docs/SECURITY.md).
 */
function rememberSession(current: Session) {
  saveSession(token, current);
  emit("session", { contact_id: current.contactId });
}

/**
 * What changes whose session this is runs one step at a time, in the order asked: starting a
 * session, its first conversation, setUser's identification, reset. A message sent while setUser is
 * still identifying waits for it and lands in the identified visitor's conversation; two steps never
 * start two sessions.
 */
let sessionSteps: Promise<unknown> = Promise.resolve();

function inTurn<T>(step: () => Promise<T>): Promise<T> {
  const turn = sessionSteps.then(step);
  sessionSteps = turn.catch(() => undefined);
  return turn;
}

function ensureConversation(): Promise<Session> {
  return inTurn(async () => {
    if (!session) return startSession({});
    if (session.conversationId) return session;
    const { base } = clientPaths(websiteToken(), session);
    const conversation = await request<{ id: number }>("POST", `${base}/conversations`, {});
    session = { ...session, conversationId: conversation.id };
    conversationStatus = "open";
    rememberSession(session);
    return session;
  });
}

/** Loading the conversation's earlier messages; catching up after a subscription waits for it. */
let historyLoaded: Promise<void> = Promise.resolve();

function listen() {
  if (!session || disconnect) return;
  disconnect = connectCable(session.pubsubToken, onEvent, () => void historyLoaded.then(() => catchUp(true)).catch(reportError));
}

type ConversationEvent = { id?: number; status?: string; agent_last_seen_at?: number };

function onEvent(event: string, data: unknown) {
  if (event === "presence.update") return team.presenceUpdate((data as { users?: Record<string, string> }).users ?? {});
  const payload = data as Message & { user?: { type?: string; name?: string } };
  if (!session?.conversationId) return;
  if (event.startsWith("conversation.") && !event.startsWith("conversation.typing")) {
    const conversation = data as ConversationEvent;
    if (conversation.id !== session.conversationId) return;
    if (conversation.agent_last_seen_at) thread.markReadUntil(conversation.agent_last_seen_at);
    if (conversation.status && conversation.status !== conversationStatus) setStatus(conversation.status);
    return;
  }
  if (payload.conversation_id && payload.conversation_id !== session.conversationId) return;
  if (event === "message.created" || event === "message.updated") receive(payload);
  if (event === "conversation.typing_on" && payload.user?.type === "user") typing.textContent = t("typing", { name: payload.user.name ?? config.name });
  if (event === "conversation.typing_off") typing.textContent = "";
}

/** Messages after the last one shown: missed ones notify like new ones, the history shown on load does not. */
async function catchUp(missed: boolean) {
  if (!session?.conversationId) return;
  const { messages } = clientPaths(websiteToken(), session);
  const last = thread.lastId;
  const mine = generation;
  const found = await request<Message[]>("GET", `${messages}${last ? `?after=${last}` : ""}`);
  if (mine !== generation) return;
  for (const message of found) {
    if (missed) receive(message);
    else thread.show(message);
  }
  if (!missed && !last) olderExhausted = found.length < PAGE_SIZE;
}

/** The conversation's status and the agents' last-seen time, then its latest messages. */
async function loadConversation() {
  if (!session?.conversationId) return;
  const { conversation } = clientPaths(websiteToken(), session);
  const current = await request<PublicConversation>("GET", conversation);
  thread.markReadUntil(current.agent_last_seen_at);
  setStatus(current.status);
  await catchUp(false);
}

/** Earlier messages when the visitor scrolls to the top of the conversation. */
async function loadOlder() {
  const first = thread.firstId;
  if (!session?.conversationId || olderExhausted || loadingOlder || first === null) return;
  loadingOlder = true;
  thread.log.setAttribute("aria-busy", "true");
  try {
    const { messages } = clientPaths(websiteToken(), session);
    const older = await request<Message[]>("GET", `${messages}?before=${first}`);
    olderExhausted = older.length < PAGE_SIZE;
    const fromBottom = thread.log.scrollHeight - thread.log.scrollTop;
    for (const message of older) thread.show(message);
    thread.log.scrollTop = thread.log.scrollHeight - fromBottom;
  } finally {
    loadingOlder = false;
    thread.log.removeAttribute("aria-busy");
  }
}

function markRead() {
  setUnread([]);
  if (!session?.conversationId) return;
  void request("POST", `${clientPaths(websiteToken(), session).conversation}/update_last_seen`).catch(() => undefined);
}

/** Sends the visitor's message, shown at once as sending; a failure keeps it with a retry that reuses its echo_id. */
async function send(content: string, files: File[] = []) {
  if (!session?.conversationId) announceStart(false);
  await deliver({ echoId: newEchoId(), content, files, state: "sending", progress: files.length > 0 ? 0 : null });
}

async function deliver(pending: Pending) {
  pending.state = "sending";
  thread.showPending(pending);
  let mine = generation;
  try {
    const active = await ensureConversation();
    // The session it goes to is the one shown now (setUser may have switched to the person's own while it waited).
    mine = generation;
    const { messages } = clientPaths(websiteToken(), active);
    let message: Message;
    if (pending.files.length > 0) {
      const form = new FormData();
      if (pending.content) form.append("content", pending.content);
      form.append("echo_id", pending.echoId);
      for (const file of pending.files) form.append("attachments[]", file);
      message = await uploadMessage(messages, form, (fraction) => {
        pending.progress = fraction;
        thread.showPending(pending);
      });
    } else {
      message = await request<Message>("POST", messages, { content: pending.content, echo_id: pending.echoId });
    }
    if (mine !== generation) return;
    thread.show(message);
    if (conversationStatus === "resolved") setStatus("open");
  } catch (error) {
    if (mine !== generation) return;
    pending.state = "failed";
    thread.showPending(pending);
    reportError(error);
  }
}

/**
 * Chatwoot's `on-start-conversation`, once per conversation the visitor starts: their first one
 * (`hasConversation: false`), or a new one after a resolved one (`true`), as Chatwoot's widget tells it.
 */
function announceStart(hasConversation: boolean) {
  if (startAnnounced) return;
  startAnnounced = true;
  emit("start-conversation", { hasConversation });
}

/** Opens the chat in a window of its own, which takes this session (popout.ts), and closes it here, as Chatwoot's pop-out button does. */
function popOut() {
  const theme = document.documentElement.dataset.theme ?? "light";
  const opened = window.open(popoutUrl(location.origin, token, page, { locale: intlLocale(), theme }), popoutName(token), POPOUT_FEATURES);
  if (!opened) return;
  opened.focus();
  emit("close");
}

function reportError(error: unknown) {
  const detail = error instanceof ApiError ? { status: error.status, ...error.body.error } : { message: String(error) };
  emit("error", detail);
}

// ---- conversations: resolved, a new one, earlier ones ----------------------------------------------

/**
 * A resolved conversation: with `allow_messages_after_resolved` the visitor may write on (which
 * reopens it), else the composer gives way; unless `lock_to_single_conversation`, they may start a
 * new conversation either way.
 */
function setStatus(status: string) {
  conversationStatus = status;
  if (body.dataset.view !== "chat") return;
  const settings = team.current;
  const resolved = status === "resolved";
  const mayWrite = !resolved || (settings?.allow_messages_after_resolved ?? true);
  const mayStartNew = resolved && !(settings?.lock_to_single_conversation ?? false);
  composer.hidden = !mayWrite;
  footer.replaceChildren();
  if (!resolved) return;
  footer.append(el("p", { role: "status" }, t("resolved")));
  if (mayStartNew) {
    const start = el("button", { type: "button", class: "primary" });
    start.append(icon("plus"), document.createTextNode(t("newConversation")));
    start.addEventListener("click", () => void newConversation().catch(reportError));
    footer.append(start);
  }
}

async function newConversation() {
  if (!session) return;
  startAnnounced = false;
  announceStart(true);
  session = { ...session, conversationId: null };
  rememberSession(session);
  conversationStatus = "open";
  thread.clear();
  chatView();
  input.focus();
}

/** The session's conversations, newest first; one is shown to read, without a composer. */
async function earlierConversations() {
  if (!session) return;
  body.replaceChildren();
  body.dataset.view = "earlier";
  const list = el("ul", { class: "conversations" });
  const back = el("button", { type: "button", class: "link-button" });
  back.append(icon("back"), document.createTextNode(t("back")));
  back.addEventListener("click", () => chatView());
  body.append(back, el("h2", { class: "section-title" }, t("earlier")), list);
  const conversations = await request<PublicConversation[]>("GET", `${clientPaths(websiteToken(), session).base}/conversations`);
  for (const conversation of conversations) {
    const last = conversation.messages.at(-1);
    const item = el("li");
    const open = el("button", { type: "button", class: "conversation" });
    open.append(
      el("strong", {}, t("conversationFrom", { date: dateLabel(conversation.created_at ?? last?.created_at ?? Date.now() / 1000) })),
      el("span", {}, last?.content ?? ""),
    );
    open.addEventListener("click", () => void readConversation(conversation.id));
    item.append(open);
    list.append(item);
  }
  back.focus();
}

async function readConversation(id: number) {
  if (!session) return;
  if (id === session.conversationId) return chatView();
  body.replaceChildren();
  body.dataset.view = "earlier";
  const reader = new Thread({ teamName: () => config.greeting.title || config.name, interactive: () => [], retry: () => undefined });
  const back = el("button", { type: "button", class: "link-button" });
  back.append(icon("back"), document.createTextNode(t("back")));
  back.addEventListener("click", () => chatView());
  body.append(back, reader.log);
  const messages = await request<Message[]>("GET", `${clientPaths(websiteToken(), { ...session, conversationId: id }).messages}`);
  for (const message of messages) reader.show(message);
  back.focus();
}

// ---- commands from window.parley ----------------------------------------------------------------

async function runCommand(name: string, args: unknown[]) {
  const [first, second] = args;
  switch (name) {
    case "campaign": {
      const campaign = first as { id: number; message: string; sender: { name: string } | null };
      if (!session?.conversationId) campaignId = campaign.id;
      thread.show({
        id: -campaign.id,
        content: campaign.message,
        message_type: 1,
        content_type: "text",
        content_attributes: {},
        created_at: Date.now() / 1000,
        sender: { name: campaign.sender?.name ?? config.name },
      });
      return;
    }
    case "setPredefinedMessage":
      input.value = String(first ?? "");
      return;
    case "api.showFakeAgentMessage":
      thread.show({
        id: -(Number.MAX_SAFE_INTEGER - ++localMessages),
        content: String(first ?? ""),
        message_type: 1,
        content_type: "text",
        content_attributes: {},
        created_at: Date.now() / 1000,
        sender: { name: second ? String(second) : config.name },
      });
      return;
    case "api.sendClientMessage":
      return String(first ?? "").startsWith(">cs") ? command(String(first), second) : send(String(first ?? ""));
    case "setUser":
      return identify(String(first ?? ""), (second ?? {}) as Record<string, unknown>);
    case "setCustomAttributes":
      return updateContact({ custom_attributes: first });
    case "deleteCustomAttribute":
      return session ? widgetAction("contact/custom_attributes/delete", { keys: [first] }) : undefined;
    case "setConversationCustomAttributes":
      return conversationAction("conversation/custom_attributes", { custom_attributes: first });
    case "deleteConversationCustomAttribute":
      return session?.conversationId ? conversationAction("conversation/custom_attributes/delete", { keys: [first] }) : undefined;
    case "setTheme":
      siteTheme = asTheme(first) ?? "light";
      document.documentElement.dataset.theme = siteTheme;
      return;
    case "setLabel":
      return conversationAction("conversation/labels/add", { label: first });
    case "removeLabel":
      return session?.conversationId ? conversationAction("conversation/labels/remove", { label: first }) : undefined;
    case "setLocale":
      await setLocale(String(first ?? "en"));
      return build();
    case "reset":
      return inTurn(async () => {
        generation++;
        disconnect?.();
        disconnect = null;
        session = null;
        saveSession(token, null);
        thread.clear();
        campaignId = null;
        startAnnounced = false;
        setUnread([]);
        build();
      });
  }
}

async function updateContact(fields: Record<string, unknown>) {
  const active = await inTurn(async () => session ?? startSession({}));
  await request("PATCH", clientPaths(websiteToken(), active).base, fields);
}

/**
 * setUser: without a session yet, a bare one is started (no conversation); then the contact is
 * updated. With a valid identifier_hash the server may answer with the person's own session (the
 * one their other devices use): the app switches to it and shows their latest conversation.
 */
function identify(identifier: string, user: Record<string, unknown>) {
  const fields: Record<string, unknown> = { identifier };
  for (const key of ["name", "email", "phone_number", "avatar_url", "identifier_hash", "custom_attributes"]) {
    if (user[key] !== undefined) fields[key] = user[key];
  }
  return inTurn(async () => {
    const current = session ?? (await startBareSession());
    const identified = await request<PublicContact>("PATCH", clientPaths(websiteToken(), current).base, fields);
    if (identified.source_id === current.sourceId) return;
    const switched: Session = { sourceId: identified.source_id, pubsubToken: identified.pubsub_token, contactId: identified.id, conversationId: null };
    const [latest] = await request<{ id: number }[]>("GET", `${clientPaths(websiteToken(), switched).base}/conversations`);
    useSession({ ...switched, conversationId: latest?.id ?? null });
    // Their earlier messages load before a message waiting for this turn is sent: read after it, the
    // history would start after the new message and leave the earlier ones out.
    await historyLoaded;
  });
}

/**
 * A session without a conversation, for setUser. Nothing shown belongs to an earlier visitor, so the
 * thread stays (a message being sent among it); a pre-chat form gives way to the chat, an open
 * composer stays as it is, the visitor may be typing in it.
 */
async function startBareSession(): Promise<Session> {
  if (preview) throw new Error(t("preview"));
  const started = await request<PublicContact>("POST", `/public/api/v1/inboxes/${encodeURIComponent(websiteToken())}/contacts`, {});
  session = { sourceId: started.source_id, pubsubToken: started.pubsub_token, contactId: started.id, conversationId: null };
  rememberSession(session);
  if (body.dataset.view === "chat" && !composer.isConnected) chatView();
  else {
    renderHeader();
    listen();
  }
  return session;
}

/** Makes `next` the visitor's session: forgets what the previous one showed, listens to the new one, and redraws an open chat. */
function useSession(next: Session) {
  generation++;
  disconnect?.();
  disconnect = null;
  session = next;
  startAnnounced = false;
  rememberSession(session);
  thread.clear();
  if (body.dataset.view === "chat") chatView();
  else listen();
}

async function widgetAction(path: string, body: Record<string, unknown>) {
  if (!session) return;
  await request("POST", `/api/v1/widget/${path}`, { widget_token: token, source_id: session.sourceId, ...body });
}

async function conversationAction(path: string, body: Record<string, unknown>) {
  const active = await ensureConversation();
  await widgetAction(path, { conversation_id: active.conversationId, ...body });
}

/** A >cs command; `options` may carry the site's `{ signature, expires_at }` for commands that act on people. */
async function command(text: string, options: unknown) {
  const active = await ensureConversation();
  const { signature, expires_at } = (options ?? {}) as { signature?: unknown; expires_at?: unknown };
  await request("POST", "/api/v1/widget/commands", {
    widget_token: token,
    source_id: active.sourceId,
    conversation_id: active.conversationId,
    command: text,
    ...(typeof signature === "string" && typeof expires_at === "number" ? { signature, expires_at } : {}),
  });
}

// ---- experiences per widget type -----------------------------------------------------------------

function validate(field: PreChatField, value: string): string | null {
  if (!value) return field.required ? t("required") : null;
  if (field.type === "email" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) return t("invalid");
  if (field.type === "phone" && !/^\+[1-9]\d{1,14}$/.test(value)) return t("invalid");
  if (field.type === "number" && Number.isNaN(Number(value))) return t("invalid");
  // The server's rules (src/domain/safe-regex.ts): a pattern that could backtrack without bound checks nothing.
  if (field.regex_pattern && regexSafety(field.regex_pattern).ok) {
    if (value.length > MAX_REGEX_INPUT_LENGTH || !new RegExp(field.regex_pattern).test(value)) return t("invalid");
  }
  return null;
}

/** A form of pre-chat fields; validated here and again by the server, whose per-field errors show the same way. */
function fieldsForm(
  fields: PreChatField[],
  intro: string | null,
  submitLabel: string,
  withMessage: boolean,
  onSubmit: (values: Record<string, unknown>, message: string) => Promise<void>,
) {
  const form = el("form", { class: "prechat", novalidate: "" });
  if (intro) form.append(el("p", {}, intro));
  const errors = new Map<string, HTMLElement>();
  const add = (name: string, label: string, control: HTMLElement) => {
    const error = el("span", { class: "error", id: `e-${name}`, "aria-live": "polite" });
    control.setAttribute("aria-describedby", error.id);
    form.append(el("label", { for: `p-${name}` }, label), control, error);
    errors.set(name, error);
  };
  for (const field of fields) {
    let control: HTMLInputElement | HTMLSelectElement;
    if (field.type === "list") {
      control = el("select", { id: `p-${field.name}`, name: field.name });
      control.append(el("option", { value: "" }, field.placeholder ?? ""));
      for (const value of field.values ?? []) control.append(el("option", { value }, value));
    } else {
      const type = { email: "email", phone: "tel", number: "number", date: "date", link: "url", checkbox: "checkbox", text: "text" }[field.type];
      control = el("input", { id: `p-${field.name}`, name: field.name, type });
      if (field.placeholder) control.setAttribute("placeholder", field.placeholder);
    }
    if (field.required) control.setAttribute("aria-required", "true");
    add(field.name, `${field.label}${field.required ? " *" : ""}`, control);
  }
  const messageBox = el("textarea", { id: "p-message", name: "message", rows: "3" });
  if (withMessage) add("message", t("placeholder"), messageBox);
  form.append(el("button", { type: "submit", class: "primary" }, submitLabel));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const values: Record<string, unknown> = {};
    let valid = true;
    for (const field of fields) {
      const control = form.elements.namedItem(field.name) as HTMLInputElement;
      const value = field.type === "checkbox" ? String(control.checked) : control.value.trim();
      const problem = field.type === "checkbox" ? (field.required && !control.checked ? t("required") : null) : validate(field, value);
      (errors.get(field.name) as HTMLElement).textContent = problem ?? "";
      control.setAttribute("aria-invalid", String(!!problem));
      if (problem) valid = false;
      if (value !== "") values[field.name] = field.type === "checkbox" ? control.checked : field.type === "number" ? Number(value) : value;
    }
    if (withMessage && !messageBox.value.trim()) {
      (errors.get("message") as HTMLElement).textContent = t("required");
      valid = false;
    }
    if (!valid) return;
    onSubmit(values, messageBox.value.trim()).catch((error: unknown) => {
      const details =
        error instanceof ApiError && Array.isArray(error.body.error?.details) ? (error.body.error?.details as { field: string; message: string }[]) : [];
      for (const detail of details) {
        const target = errors.get(detail.field.replace(/^values\./, ""));
        if (target) target.textContent = detail.message;
      }
      reportError(error);
    });
  });
  return form;
}

/** The inbox's greeting, before the visitor has a conversation (shown, not stored). */
function showGreeting() {
  const greeting = team.current?.greeting;
  if (session?.conversationId || !greeting?.enabled || !greeting.message) return;
  thread.show(
    {
      id: -Number.MAX_SAFE_INTEGER,
      content: greeting.message,
      message_type: 1,
      content_type: "text",
      content_attributes: {},
      created_at: Date.now() / 1000,
      sender: { name: config.greeting.title || config.name },
    },
    0,
  );
}

function chatView() {
  body.replaceChildren();
  body.dataset.view = "chat";
  renderHeader();
  renderNotices();
  body.append(notices);
  const preChat = config.pre_chat_form;
  if (!session && preChat.enabled && preChat.fields.length > 0) {
    body.append(
      fieldsForm(preChat.fields, preChat.message, t("start"), false, async (values) => {
        announceStart(false);
        await inTurn(() => startSession(values));
        chatView();
      }),
    );
    return;
  }
  body.append(thread.log, thread.announcer, typing, footer, composer);
  input.placeholder = t("placeholder");
  input.setAttribute("aria-label", t("message"));
  sendButton.setAttribute("aria-label", t("send"));
  sendButton.replaceChildren(icon("send"));
  attachButton.replaceChildren(icon("attach"), el("span", { class: "visually-hidden" }, t("attach")));
  emojiButton.setAttribute("aria-label", t("emoji"));
  emojiButton.replaceChildren(icon("smile"));
  composer.replaceChildren(input, fileInput, attachButton, emojiButton, sendButton);
  composer.hidden = false;
  footer.replaceChildren();
  showGreeting();
  if (session?.conversationId) {
    historyLoaded = loadConversation().catch(reportError);
    listen();
  } else if (session) listen();
  thread.scrollToEnd();
}

function emailSmsView() {
  body.replaceChildren();
  body.dataset.view = "email_sms";
  const fields: PreChatField[] = [
    { field_type: "standard", name: "full_name", type: "text", label: "Name", required: true },
    // An email inbox answers by email, an SMS inbox by text: then that field is the one the visitor must fill.
    { field_type: "standard", name: "email", type: "email", label: "Email", required: config.channels.email_sms?.inbox_channel === "email" },
    { field_type: "standard", name: "phone_number", type: "phone", label: "Phone", required: config.channels.email_sms?.inbox_channel === "sms" },
  ];
  body.append(
    fieldsForm(fields, config.greeting.tagline, t("send"), true, async (values, message) => {
      await inTurn(() => startSession(values, message));
      body.replaceChildren(el("p", { class: "done", role: "status" }, t("sent")));
    }),
  );
}

function channelLink(label: string, url: string) {
  return el("a", { href: url, target: "_blank", rel: "noopener noreferrer", class: "channel" }, label);
}

function channelsView(only?: keyof WidgetConfig["channels"]) {
  body.replaceChildren();
  body.dataset.view = "channels";
  const list = el("nav", { class: "channels", "aria-label": t("chatWith") });
  const c = config.channels;
  const show = (name: keyof WidgetConfig["channels"]) => !only || only === name;
  if (show("live_chat") && c.live_chat) {
    const button = el("button", { type: "button", class: "channel" }, "Live chat");
    button.addEventListener("click", chatView);
    list.append(button);
  }
  if (show("email_sms") && c.email_sms) {
    const button = el("button", { type: "button", class: "channel" }, "Email / SMS");
    button.addEventListener("click", emailSmsView);
    list.append(button);
  }
  if (show("whatsapp") && c.whatsapp) list.append(channelLink("WhatsApp", c.whatsapp.url));
  if (show("facebook") && c.facebook) list.append(channelLink("Messenger", c.facebook.url));
  if (show("instagram") && c.instagram) list.append(channelLink("Instagram", c.instagram.url));
  if (show("voice_ai") && c.voice_ai) {
    list.append(el("p", { class: "agent" }, c.voice_ai.agent_name));
    if (c.voice_ai.call_url) list.append(channelLink(`${t("call")} ${c.voice_ai.phone_number ?? ""}`.trim(), c.voice_ai.call_url));
  }
  for (const missing of config.unavailable) {
    if (show(missing.channel as keyof WidgetConfig["channels"])) list.append(el("p", { class: "unavailable", role: "status" }, missing.message));
  }
  body.append(list);
}

function build() {
  document.documentElement.style.setProperty("--primary", config.colors.primary);
  document.documentElement.style.setProperty("--on-primary", config.colors.text);
  document.documentElement.dataset.theme = siteTheme ?? config.theme ?? "light";
  renderHeader();
  switch (config.type) {
    case "live_chat":
      return config.channels.live_chat ? chatView() : channelsView("live_chat");
    case "email_sms":
      return config.channels.email_sms ? emailSmsView() : channelsView("email_sms");
    case "all_in_one":
      return channelsView();
    default:
      return channelsView(config.type);
  }
}

// ---- start --------------------------------------------------------------------------------------

composer.addEventListener("submit", (event) => {
  event.preventDefault();
  const content = input.value.trim();
  const files = [...(fileInput.files ?? [])];
  if (!content && files.length === 0) return;
  input.value = "";
  fileInput.value = "";
  void send(content, files);
});
fileInput.addEventListener("change", () => {
  if (fileInput.files?.length) composer.requestSubmit();
});
emojiButton.addEventListener("click", () => void import("./emoji").then(({ openEmojiPicker }) => openEmojiPicker(emojiButton, input)));
input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    composer.requestSubmit();
  }
});
thread.log.addEventListener("scroll", () => {
  if (thread.log.scrollTop < 48) void loadOlder().catch(reportError);
});
let typingTimer: ReturnType<typeof setTimeout> | undefined;
input.addEventListener("input", () => {
  if (!session?.conversationId) return;
  const path = `${clientPaths(websiteToken(), session).conversation}/toggle_typing`;
  if (typingTimer === undefined) void request("POST", path, { typing_status: "on" }).catch(() => undefined);
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => {
    typingTimer = undefined;
    void request("POST", path, { typing_status: "off" }).catch(() => undefined);
  }, 2_000);
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && !embedded) emit("close");
});
// Without a session there is no /cable to hear the agents' presence on: while the chat is open, ask again now and then.
setInterval(() => {
  if (!open || disconnect || preview || !config?.channels.live_chat) return;
  void team.load().then(() => {
    renderHeader();
    if (body.dataset.view === "chat") renderNotices();
  });
}, 30_000);
document.addEventListener("visibilitychange", () => {
  if (open && document.visibilityState === "visible" && unread.length > 0) markRead();
});

window.addEventListener("message", (event: MessageEvent) => {
  if (!fromTrustedParent(event)) return;
  if (preview && isPreviewMessage(event.data)) return void showPreview(event.data.config);
  const message = event.data as ToApp;
  if (message?.type === "parley:focus") {
    open = true;
    (input.isConnected && !composer.hidden
      ? input
      : (body.querySelector<HTMLElement>("input, select, textarea, button, a[href]") ?? header.querySelector("button") ?? document.body)
    ).focus();
    markRead();
  } else if (message?.type === "parley:visibility") {
    open = message.open;
    if (open) markRead();
  } else if (message?.type === "parley:command") {
    void (async () => {
      try {
        await ready;
        await runCommand(message.name, message.args);
      } catch (error) {
        reportError(error);
      }
    })();
  }
});

/** Preview mode: draws the configuration the console sent, again on each change. */
async function showPreview(next: WidgetConfig) {
  config = next;
  session = null;
  await setLocale(config.locale || "en");
  root.replaceChildren(header, body);
  build();
}

const ready = (async () => {
  // The page is being replaced by the one with the token in its query: it neither loads nor answers.
  if (reloading) await new Promise(() => undefined);
  if (preview) {
    // The console posts the configuration after parley:app-ready; showPreview() draws it.
    toPage({ type: "parley:app-ready" });
    await new Promise(() => undefined);
  }
  if (poppedOut) {
    // The session of the chat app this window was popped out of, when one answers: the conversation continues here.
    const handed = await takeHandoff(token);
    if (handed !== undefined) {
      session = handed;
      saveSession(token, handed);
    }
  } else answerHandoffs(token, () => session);
  const res = await fetch(`/api/v1/widget/config?widget_token=${encodeURIComponent(token)}`);
  if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => ({})));
  config = ((await res.json()) as { widget: WidgetConfig }).widget;
  const chosen = siteLocale ?? (useBrowserLanguage ? browserLocale(navigator.languages) : null) ?? config.locale;
  await Promise.all([setLocale(chosen || "en"), config.channels.live_chat ? team.load() : null]);
  root.replaceChildren(header, body);
  build();
})();

ready.then(
  () => {
    toPage({ type: "parley:app-ready" });
    if (session) emit("session", { contact_id: session.contactId });
  },
  (error: unknown) => {
    root.textContent = t("unavailable");
    reportError(error);
    toPage({ type: "parley:app-ready" });
  },
);
