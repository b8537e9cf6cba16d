/**
 * One open conversation's state: the conversation, its messages (server copies, by id) and the
 * replies still on their way (by echo_id), fed by the REST API and /cable events. The pane creates
 * one per conversation it shows and drops it when it shows another.
 */
import { batch, computed, signal } from "@preact/signals";
import { accountPath, api, ApiError } from "../../core/api";
import { contactName } from "../../core/names";
import { currentUserId } from "../../core/session";
import { errorText } from "./errors";
import { authorOf } from "./MessageItem";
import type { Conversation, Contact, Message, OutgoingDraft } from "./types";

/** The messages endpoint answers 20 at a time (100 with `after`). */
const PAGE_SIZE = 20;
const CATCH_UP_PAGE = 100;

type MessagesAnswer = { payload: Message[] };

export type ConversationStore = ReturnType<typeof createConversationStore>;

export function createConversationStore(displayId: number) {
  const conversation = signal<Conversation | null>(null);
  const messages = signal<Message[]>([]);
  const outbox = signal<OutgoingDraft[]>([]);
  const loadError = signal<string | null>(null);
  /** The conversation does not exist (or is not the agent's to see): trying again cannot help. */
  const missing = signal(false);
  const olderState = signal<"more" | "loading" | "done">("more");
  /** Who is typing (the contact, or another agent) and whether in a private note. */
  const typing = signal<{ name: string; isPrivate: boolean } | null>(null);
  /** What the live region reads out: each new incoming message. */
  const announcement = signal("");
  /** An action's failure or outcome, in words, shown above the messages. */
  const notice = signal<{ kind: "error" | "info"; text: string } | null>(null);
  /** Called when a message from the contact arrives (the pane marks it read while visible). */
  let onIncoming: () => void = () => {};
  let typingTimer: ReturnType<typeof setTimeout> | undefined;

  const path = (p = "") => accountPath(`/conversations/${displayId}${p}`);
  const lastId = computed(() => messages.value.at(-1)?.id ?? null);

  function fail(error: unknown) {
    notice.value = { kind: "error", text: errorText(error) };
  }

  /** Adds or replaces messages by id (an update replaces); drops the pending replies they answer. */
  function merge(incoming: Message[]) {
    if (incoming.length === 0) return;
    const byId = new Map(messages.value.map((m) => [m.id, m]));
    for (const m of incoming) byId.set(m.id, m);
    const echoes = new Set(incoming.map((m) => m.echo_id).filter((e): e is string => !!e));
    batch(() => {
      messages.value = [...byId.values()].sort((a, b) => a.id - b.id);
      if (echoes.size > 0 && outbox.value.some((d) => echoes.has(d.echoId))) outbox.value = outbox.value.filter((d) => !echoes.has(d.echoId));
    });
  }

  /** The load in flight, which a catch-up waits for rather than loading a second time. */
  let loading: Promise<void> | null = null;

  function load(): Promise<void> {
    loading ??= loadOnce().finally(() => {
      loading = null;
    });
    return loading;
  }

  async function loadOnce() {
    loadError.value = null;
    missing.value = false;
    try {
      const [conv, page] = await Promise.all([api.get<Conversation>(path()), api.get<MessagesAnswer>(path("/messages"))]);
      batch(() => {
        conversation.value = conv;
        merge(page.payload);
        olderState.value = page.payload.length < PAGE_SIZE ? "done" : "more";
      });
    } catch (error) {
      loadError.value = errorText(error);
      missing.value = error instanceof ApiError && error.status === 404;
    }
  }

  async function loadOlder() {
    const first = messages.value[0];
    if (!first || olderState.value !== "more") return;
    olderState.value = "loading";
    try {
      const page = await api.get<MessagesAnswer>(path("/messages"), { before: first.id });
      merge(page.payload);
      olderState.value = page.payload.length < PAGE_SIZE ? "done" : "more";
    } catch (error) {
      olderState.value = "more";
      fail(error);
    }
  }

  /** Once the subscription is live (again): what was missed, `after` the last message held, and the conversation as it is now. */
  async function catchUp() {
    if (loading) await loading;
    try {
      conversation.value = await api.get<Conversation>(path());
      for (;;) {
        const after = lastId.value;
        if (after === null) return load();
        const page = await api.get<MessagesAnswer>(path("/messages"), { after });
        merge(page.payload);
        if (page.payload.length < CATCH_UP_PAGE) return;
      }
    } catch (error) {
      fail(error);
    }
  }

  function announce(message: Message) {
    const who = authorOf(message, contactName(conversation.value?.meta.sender));
    const what = message.content ?? message.attachments?.map((a) => a.file_name).join(", ") ?? "";
    announcement.value = `${who}: ${what}`;
  }

  /** One /cable event; events of other conversations are ignored. */
  function handleEvent(event: string, data: unknown) {
    if (event === "cable.subscribed") return void catchUp();
    if (!data || typeof data !== "object") return;
    if (event === "message.created" || event === "message.updated") {
      const message = data as Message;
      if (message.conversation_id !== displayId) return;
      const isNew = !messages.value.some((m) => m.id === message.id);
      merge([message]);
      if (event === "message.created" && isNew && message.message_type === 0) {
        typing.value = null;
        announce(message);
        onIncoming();
      }
      return;
    }
    if (event === "conversation.typing_on" || event === "conversation.typing_off") {
      const {
        conversation: c,
        user,
        is_private,
      } = data as { conversation?: { id?: number }; user?: { id?: number; name?: string; type?: string }; is_private?: boolean };
      if (c?.id !== displayId || !user) return;
      if (user.type === "user" && user.id === currentUserId.value) return;
      clearTimeout(typingTimer);
      if (event === "conversation.typing_off") typing.value = null;
      else {
        typing.value = { name: user.name ?? "", isPrivate: !!is_private };
        // A lost typing_off must not leave the indicator on.
        typingTimer = setTimeout(() => (typing.value = null), 30_000);
      }
      return;
    }
    if (event === "contact.updated") {
      const contact = data as Contact;
      const current = conversation.value;
      if (current && current.meta.sender.id === contact.id)
        conversation.value = { ...current, meta: { ...current.meta, sender: { ...current.meta.sender, ...contact } } };
      return;
    }
    if (event.startsWith("conversation.") || event === "assignee.changed" || event === "team.changed") {
      const next = data as Conversation;
      if (next.id !== displayId || !next.meta) return;
      conversation.value = next;
    }
  }

  /** Sends (or re-sends, with the same echo_id) one reply; the server's copy replaces it. */
  async function deliver(draft: OutgoingDraft) {
    const update = (change: Partial<OutgoingDraft>) => (outbox.value = outbox.value.map((d) => (d.echoId === draft.echoId ? { ...d, ...change } : d)));
    update({ error: null, progress: draft.files.length > 0 ? 0 : null });
    try {
      let stored: Message;
      if (draft.files.length > 0) {
        const form = new FormData();
        if (draft.content) form.append("content", draft.content);
        form.append("private", String(draft.isPrivate));
        form.append("echo_id", draft.echoId);
        for (const file of draft.files) form.append("attachments[]", file, file.name);
        stored = await api.upload<Message>(path("/messages"), form, (progress) => update({ progress }));
      } else {
        stored = await api.post<Message>(path("/messages"), { content: draft.content, private: draft.isPrivate, echo_id: draft.echoId });
      }
      merge([{ ...stored, echo_id: stored.echo_id ?? draft.echoId }]);
    } catch (error) {
      update({ error: errorText(error), progress: null });
    }
  }

  function send(content: string, isPrivate: boolean, files: File[]) {
    const draft: OutgoingDraft = {
      echoId: crypto.randomUUID(),
      content,
      isPrivate,
      files,
      createdAt: Math.floor(Date.now() / 1000),
      progress: null,
      error: null,
    };
    outbox.value = [...outbox.value, draft];
    void deliver(draft);
  }

  function retry(echoId: string) {
    const draft = outbox.value.find((d) => d.echoId === echoId);
    if (draft) void deliver(draft);
  }

  function discard(echoId: string) {
    outbox.value = outbox.value.filter((d) => d.echoId !== echoId);
  }

  /** Tells the server the agent has seen the conversation (Chatwoot's update_last_seen). */
  async function markRead() {
    try {
      await api.post(path("/update_last_seen"));
    } catch (error) {
      fail(error);
    }
  }

  return {
    displayId,
    path,
    conversation,
    messages,
    outbox,
    loadError,
    missing,
    olderState,
    typing,
    announcement,
    notice,
    fail,
    load,
    loadOlder,
    catchUp,
    handleEvent,
    send,
    retry,
    discard,
    markRead,
    setOnIncoming(handler: () => void) {
      onIncoming = handler;
    },
    dispose() {
      clearTimeout(typingTimer);
    },
  };
}
