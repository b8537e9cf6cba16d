/**
 * The chat app inside the widget's iframe: renders the widget type's experience (live chat, the
 * email/SMS form, channel links, the Voice AI entry point, or all of them), runs the visitor's
 * session against the Client API and /cable, and carries out the commands `window.parley` sends.
 */
import { MAX_REGEX_INPUT_LENGTH, regexSafety } from "../../../src/domain/safe-regex";
import { webLink, webUrl } from "../../../src/domain/web-url";
import type { FromApp, ToApp } from "../protocol";
import { connectCable } from "./cable";
import { ApiError, clientPaths, loadSession, newEchoId, type PublicContact, request, saveSession, type StartedSession } from "./client";
import { setLocale, t } from "./i18n";
import { isPreviewMessage } from "./preview";
import type { Item, Message, PreChatField, Session, WidgetConfig } from "./types";

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

let config: WidgetConfig;
let session: Session | null = loadSession(token);
let open = embedded;
let unread = 0;
let lastMessageId = 0;
let disconnect: (() => void) | null = null;
/** The campaign whose message the visitor saw; their reply starts a conversation that begins with it. */
let campaignId: number | null = null;
const shown = new Map<number, HTMLElement>();

const root = document.getElementById("app") as HTMLElement;
const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string) => {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
};

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

function setUnread(count: number) {
  unread = count;
  emit("unread-count", unread);
}

// ---- layout -------------------------------------------------------------------------------------

const header = el("header");
const body = el("main");
const log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": "Messages" });
const typing = el("p", { class: "typing", "aria-live": "polite" });
const composer = el("form", { class: "composer" });
const input = el("textarea", { rows: "1", "aria-label": "Message" }) as HTMLTextAreaElement;
const sendButton = el("button", { type: "submit" });
const fileInput = el("input", { type: "file", id: "attachment", class: "visually-hidden" }) as HTMLInputElement;
const attachButton = el("label", { for: "attachment", class: "attach", title: "Attach a file" }, "📎");

function renderHeader() {
  header.replaceChildren();
  const image = webUrl(config.avatar_url ?? config.logo_url);
  if (image) header.append(el("img", { src: image, alt: "", class: "avatar" }));
  const titles = el("div", { class: "titles" });
  titles.append(el("h1", {}, config.greeting.title ?? config.name), el("p", {}, config.greeting.tagline ?? ""));
  header.append(titles);
  if (!embedded) {
    const close = el("button", { type: "button", class: "close", "aria-label": t("close") }, "×");
    close.addEventListener("click", () => emit("close"));
    header.append(close);
  }
  if (config.business) {
    const details = [config.business.name, config.business.address, config.business.phone, config.business.email].filter(Boolean).join(" · ");
    if (details) header.append(el("p", { class: "business" }, details));
  }
}

// ---- messages -----------------------------------------------------------------------------------

function senderName(message: Message) {
  return message.sender?.available_name ?? message.sender?.name ?? config.name;
}

/** A campaign's message shown from its bubble, under the campaign's negative id, until the real one arrives. */
const placeholderId = (message: Message) => -(Number(message.content_attributes?.campaign_id) || 0);

function render(message: Message): HTMLElement | undefined {
  if (message.private) return;
  const existing = shown.get(message.id) ?? shown.get(placeholderId(message));
  const bubble = el("div", { class: `message m${message.message_type}` });
  if (message.message_type === 1 || message.message_type === 3) bubble.append(el("span", { class: "sender" }, senderName(message)));
  if (message.content && message.content_type !== "form") bubble.append(el("p", {}, message.content));
  for (const attachment of message.attachments ?? []) {
    const link = el("a", { href: attachment.data_url, target: "_blank", rel: "noopener" });
    link.append(attachment.file_type === "image" ? el("img", { src: attachment.data_url, alt: attachment.file_name }) : document.createTextNode(attachment.file_name));
    bubble.append(link);
  }
  bubble.append(...interactive(message));
  if (existing) existing.replaceWith(bubble);
  else log.append(bubble);
  if (message.id > 0) {
    shown.delete(placeholderId(message));
    shown.set(message.id, bubble);
    lastMessageId = Math.max(lastMessageId, message.id);
  }
  log.scrollTop = log.scrollHeight;
  return bubble;
}

function submitted(message: Message, values: Item[]) {
  if (!session) return;
  const { conversation } = clientPaths(websiteToken(), session);
  void request<Message>("PATCH", `${conversation}/messages/${message.id}`, { submitted_values: values }).then(render, reportError);
}

function interactive(message: Message): HTMLElement[] {
  const items = message.content_attributes?.items ?? [];
  const done = message.content_attributes?.submitted_values;
  switch (message.content_type) {
    case "input_select": {
      const group = el("div", { class: "options", role: "group" });
      for (const item of items) {
        const button = el("button", { type: "button" }, String(item.title));
        if (done) button.setAttribute("disabled", "");
        if (done?.some((v) => v.value === item.value)) button.classList.add("chosen");
        button.addEventListener("click", () => submitted(message, [{ title: item.title, value: item.value }]));
        group.append(button);
      }
      return [group];
    }
    case "form": {
      const form = el("form", { class: "interactive-form" });
      for (const item of items) {
        const id = `f${message.id}-${String(item.name)}`;
        form.append(el("label", { for: id }, String(item.label ?? item.name)));
        const value = String(done?.find((v) => v.name === item.name)?.value ?? item.default ?? "");
        let field: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
        if (item.type === "select") {
          field = el("select", { id, name: String(item.name) }) as HTMLSelectElement;
          for (const option of (item.options as Item[] | undefined) ?? []) field.append(el("option", { value: String(option.value) }, String(option.label)));
        } else if (item.type === "text_area") field = el("textarea", { id, name: String(item.name) }) as HTMLTextAreaElement;
        else field = el("input", { id, name: String(item.name), type: String(item.type ?? "text") }) as HTMLInputElement;
        field.value = value;
        if (field instanceof HTMLInputElement && item.type === "checkbox") field.checked = value === "true";
        if (item.required) field.required = true;
        if (item.placeholder) field.setAttribute("placeholder", String(item.placeholder));
        if (done) field.setAttribute("disabled", "");
        form.append(field);
      }
      if (!done) form.append(el("button", { type: "submit" }, t("submit")));
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const values = items.map((item) => {
          const field = form.elements.namedItem(String(item.name)) as HTMLInputElement | null;
          return { name: item.name, value: item.type === "checkbox" ? !!field?.checked : (field?.value ?? "") };
        });
        submitted(message, values);
      });
      return [form];
    }
    case "cards":
      return items.map((item) => {
        const card = el("div", { class: "card" });
        const media = webLink(item.media_url);
        if (media) card.append(el("img", { src: media, alt: "" }));
        card.append(el("strong", {}, String(item.title)), el("p", {}, String(item.description ?? "")));
        for (const action of (item.actions as Item[] | undefined) ?? []) {
          const uri = webLink(action.uri);
          if (action.type === "link") {
            // Only http(s) links become links: anything else (javascript:, data:) stays text.
            card.append(uri ? el("a", { href: uri, target: "_blank", rel: "noopener", class: "action" }, String(action.text)) : el("span", { class: "action" }, String(action.text)));
          } else {
            const button = el("button", { type: "button", class: "action" }, String(action.text));
            button.addEventListener("click", () => {
              emit("postback", { payload: action.payload, title: action.text, message_id: message.id });
              submitted(message, [{ title: action.text, value: action.payload }]);
            });
            card.append(button);
          }
        }
        return card;
      });
    case "article": {
      const list = el("ul", { class: "articles" });
      for (const item of items) {
        const entry = el("li");
        const link = webLink(item.link);
        entry.append(link ? el("a", { href: link, target: "_blank", rel: "noopener" }, String(item.title)) : el("span", {}, String(item.title)));
        if (item.description) entry.append(el("p", {}, String(item.description)));
        list.append(entry);
      }
      return [list];
    }
    default:
      return [];
  }
}

function receive(message: Message) {
  const isNew = !shown.has(message.id) && !shown.has(placeholderId(message));
  render(message);
  if (!isNew || message.message_type === 0 || message.message_type === 2) return;
  emit("on-message", message);
  if (open && document.visibilityState === "visible") markRead();
  else setUnread(unread + 1);
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

async function ensureConversation(): Promise<Session> {
  if (!session) return startSession({});
  if (session.conversationId) return session;
  const { base } = clientPaths(websiteToken(), session);
  const conversation = await request<{ id: number }>("POST", `${base}/conversations`, {});
  session = { ...session, conversationId: conversation.id };
  rememberSession(session);
  return session;
}

/** Loading the conversation's earlier messages; catching up after a subscription waits for it. */
let historyLoaded: Promise<void> = Promise.resolve();

function listen() {
  if (!session || disconnect) return;
  disconnect = connectCable(session.pubsubToken, onEvent, () => void historyLoaded.then(() => catchUp(true)).catch(reportError));
}

function onEvent(event: string, data: unknown) {
  const payload = data as Message & { user?: { type?: string; name?: string } };
  if (!session || (payload.conversation_id && payload.conversation_id !== session.conversationId)) return;
  if (event === "message.created" || event === "message.updated") receive(payload);
  if (event === "conversation.typing_on" && payload.user?.type === "user") typing.textContent = `${payload.user.name ?? config.name} ${t("typing")}`;
  if (event === "conversation.typing_off") typing.textContent = "";
}

/** Messages after the last one shown: missed ones notify like new ones, the history shown on load does not. */
async function catchUp(missed: boolean) {
  if (!session?.conversationId) return;
  const { messages } = clientPaths(websiteToken(), session);
  const found = await request<Message[]>("GET", `${messages}${lastMessageId ? `?after=${lastMessageId}` : ""}`);
  for (const message of found) (missed ? receive : render)(message);
}

function markRead() {
  setUnread(0);
  if (!session?.conversationId) return;
  void request("POST", `${clientPaths(websiteToken(), session).conversation}/update_last_seen`).catch(() => undefined);
}

async function send(content: string, files: File[] = []) {
  const active = await ensureConversation();
  const { messages } = clientPaths(websiteToken(), active);
  const echoId = newEchoId();
  let message: Message;
  if (files.length > 0) {
    const form = new FormData();
    if (content) form.append("content", content);
    form.append("echo_id", echoId);
    for (const file of files) form.append("attachments[]", file);
    const res = await fetch(messages, { method: "POST", body: form });
    if (!res.ok) throw new ApiError(res.status, await res.json());
    message = (await res.json()) as Message;
  } else {
    message = await request<Message>("POST", messages, { content, echo_id: echoId });
  }
  render(message);
}

function reportError(error: unknown) {
  const detail = error instanceof ApiError ? { status: error.status, ...error.body.error } : { message: String(error) };
  emit("error", detail);
}

// ---- commands from window.parley ----------------------------------------------------------------

async function runCommand(name: string, args: unknown[]) {
  const [first, second] = args;
  switch (name) {
    case "campaign": {
      const campaign = first as { id: number; message: string; sender: { name: string } | null };
      if (!session?.conversationId) campaignId = campaign.id;
      const bubble = render({ id: -campaign.id, content: campaign.message, message_type: 1, content_type: "text", content_attributes: {}, created_at: Date.now() / 1000, sender: { name: campaign.sender?.name ?? config.name } });
      if (bubble) shown.set(-campaign.id, bubble);
      return;
    }
    case "setPredefinedMessage":
      input.value = String(first ?? "");
      return;
    case "api.showFakeAgentMessage":
      render({ id: -Date.now(), content: String(first ?? ""), message_type: 1, content_type: "text", content_attributes: {}, created_at: Date.now() / 1000, sender: { name: second ? String(second) : config.name } });
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
    case "setLabel":
      return conversationAction("conversation/labels/add", { label: first });
    case "removeLabel":
      return session?.conversationId ? conversationAction("conversation/labels/remove", { label: first }) : undefined;
    case "setLocale":
      setLocale(String(first ?? "en"));
      return build();
    case "reset":
      disconnect?.();
      disconnect = null;
      session = null;
      saveSession(token, null);
      shown.clear();
      log.replaceChildren();
      lastMessageId = 0;
      campaignId = null;
      setUnread(0);
      return build();
  }
}

async function updateContact(fields: Record<string, unknown>) {
  if (!session) await startSession({});
  if (!session) return;
  await request("PATCH", clientPaths(websiteToken(), session).base, fields);
}

/**
 * setUser: without a session yet, a bare one is started (no conversation); then the contact is
 * updated. With a valid identifier_hash the server may answer with the person's own session (the
 * one their other devices use): the app switches to it and shows their latest conversation.
 */
async function identify(identifier: string, user: Record<string, unknown>) {
  const fields: Record<string, unknown> = { identifier };
  for (const key of ["name", "email", "phone_number", "avatar_url", "identifier_hash", "custom_attributes"]) {
    if (user[key] !== undefined) fields[key] = user[key];
  }
  if (!session) {
    const started = await request<PublicContact>("POST", `/public/api/v1/inboxes/${encodeURIComponent(websiteToken())}/contacts`, {});
    useSession({ sourceId: started.source_id, pubsubToken: started.pubsub_token, contactId: started.id, conversationId: null });
  }
  if (!session) return;
  const identified = await request<PublicContact>("PATCH", clientPaths(websiteToken(), session).base, fields);
  if (identified.source_id === session.sourceId) return;
  const switched: Session = { sourceId: identified.source_id, pubsubToken: identified.pubsub_token, contactId: identified.id, conversationId: null };
  const [latest] = await request<{ id: number }[]>("GET", `${clientPaths(websiteToken(), switched).base}/conversations`);
  useSession({ ...switched, conversationId: latest?.id ?? null });
}

/** Makes `next` the visitor's session: forgets what the previous one showed, listens to the new one, and redraws an open chat. */
function useSession(next: Session) {
  disconnect?.();
  disconnect = null;
  session = next;
  rememberSession(session);
  shown.clear();
  log.replaceChildren();
  lastMessageId = 0;
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
function fieldsForm(fields: PreChatField[], intro: string | null, submitLabel: string, withMessage: boolean, onSubmit: (values: Record<string, unknown>, message: string) => Promise<void>) {
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
      control = el("select", { id: `p-${field.name}`, name: field.name }) as HTMLSelectElement;
      control.append(el("option", { value: "" }, field.placeholder ?? ""));
      for (const value of field.values ?? []) control.append(el("option", { value }, value));
    } else {
      const type = { email: "email", phone: "tel", number: "number", date: "date", link: "url", checkbox: "checkbox", text: "text" }[field.type];
      control = el("input", { id: `p-${field.name}`, name: field.name, type }) as HTMLInputElement;
      if (field.placeholder) control.setAttribute("placeholder", field.placeholder);
    }
    if (field.required) control.setAttribute("aria-required", "true");
    add(field.name, `${field.label}${field.required ? " *" : ""}`, control);
  }
  const messageBox = el("textarea", { id: "p-message", name: "message", rows: "3" }) as HTMLTextAreaElement;
  if (withMessage) add("message", t("placeholder"), messageBox);
  form.append(el("button", { type: "submit" }, submitLabel));
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
      const details = error instanceof ApiError && Array.isArray(error.body.error?.details) ? (error.body.error?.details as { field: string; message: string }[]) : [];
      for (const detail of details) {
        const target = errors.get(detail.field.replace(/^values\./, ""));
        if (target) target.textContent = detail.message;
      }
      reportError(error);
    });
  });
  return form;
}

function chatView() {
  body.replaceChildren();
  body.dataset.view = "chat";
  if (!config.online && config.away_message) body.append(el("p", { class: "away" }, config.away_message || t("away")));
  const preChat = config.pre_chat_form;
  if (!session && preChat.enabled && preChat.fields.length > 0) {
    body.append(
      fieldsForm(preChat.fields, preChat.message, t("start"), false, async (values) => {
        await startSession(values);
        chatView();
      }),
    );
    return;
  }
  body.append(log, typing, composer);
  input.placeholder = t("placeholder");
  sendButton.textContent = t("send");
  attachButton.setAttribute("aria-label", t("attach"));
  composer.replaceChildren(input, fileInput, attachButton, sendButton);
  if (session) {
    historyLoaded = catchUp(false).catch(reportError);
    listen();
  }
}

function emailSmsView() {
  body.replaceChildren();
  body.dataset.view = "email_sms";
  const fields: PreChatField[] = [
    { field_type: "standard", name: "full_name", type: "text", label: "Name", required: true },
    { field_type: "standard", name: "email", type: "email", label: "Email", required: false },
    { field_type: "standard", name: "phone_number", type: "phone", label: "Phone", required: false },
  ];
  body.append(
    fieldsForm(fields, config.greeting.tagline, t("send"), true, async (values, message) => {
      await startSession(values, message);
      body.replaceChildren(el("p", { class: "done", role: "status" }, t("sent")));
    }),
  );
}

function channelLink(label: string, url: string) {
  return el("a", { href: url, target: "_blank", rel: "noopener", class: "channel" }, label);
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
  send(content, files).catch(reportError);
});
input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    composer.requestSubmit();
  }
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

window.addEventListener("message", (event: MessageEvent) => {
  if (!fromTrustedParent(event)) return;
  if (preview && isPreviewMessage(event.data)) return showPreview(event.data.config);
  const message = event.data as ToApp;
  if (message?.type === "parley:focus") {
    open = true;
    (input.isConnected ? input : (body.querySelector<HTMLElement>("input, select, textarea, button, a[href]") ?? header.querySelector("button") ?? document.body)).focus();
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
function showPreview(next: WidgetConfig) {
  config = next;
  session = null;
  setLocale(config.locale || "en");
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
  const res = await fetch(`/api/v1/widget/config?widget_token=${encodeURIComponent(token)}`);
  if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => ({})));
  config = ((await res.json()) as { widget: WidgetConfig }).widget;
  setLocale(config.locale || "en");
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
