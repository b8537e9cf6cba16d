/**
 * What the Account object answers about conversations, read from its index (and message pages or
 * one message from the Conversation object), with their Chatwoot payloads: one conversation as a
 * viewer sees it, the lists and search, a contact's and a contact session's conversations, and
 * what the workflow engine needs of an event.
 */
import { type ConversationPayload, type MessagePayload, publicConversationPayload } from "../../domain/chatwoot-payloads";
import type { ConversationState } from "../../domain/conversation";
import { ftsPrefixQuery } from "../../domain/search-query";
import { reaches, type Viewer } from "../access";
import { conversationObject } from "../addresses";
import { asVisitorSees, type ContactStore } from "./contacts";
import type { ConversationFilter, ConversationIndex } from "./conversation-index";
import type { MessageSearch } from "./message-search";
import { type AccountPayloads, visitorMessage } from "./payloads";

export class ConversationReads {
  constructor(
    private readonly env: Env,
    private readonly accountId: () => number,
    private readonly index: ConversationIndex,
    private readonly contacts: ContactStore,
    private readonly messageSearch: MessageSearch,
    private readonly payloads: AccountPayloads,
  ) {}

  /** The conversation's state as indexed, if it exists and `viewer` may see it. */
  state(displayId: number, viewer: Viewer): ConversationState | null {
    const row = this.index.get(displayId);
    return row && reaches(viewer, row.state) ? row.state : null;
  }

  async conversation(displayId: number, viewer: Viewer, withMessages = false): Promise<ConversationPayload | null> {
    const state = this.state(displayId, viewer);
    const row = state ? this.index.get(displayId) : null;
    if (!row) return null;
    const [payload] = await this.payloads.conversations([row]);
    if (!payload) return null;
    if (!withMessages) return payload;
    const page = await conversationObject(this.env, this.accountId(), displayId).listMessages(viewer, { before: null, after: null });
    return { ...payload, messages: await this.payloads.messages(row, page ?? []) };
  }

  /**
   * What the workflow engine needs of a conversation event: the conversation as agents see it now,
   * and the event's message with its sender (read from the Conversation object by id).
   */
  async eventPayloads(displayId: number, messageId: number | null): Promise<{ conversation: ConversationPayload; message: MessagePayload | null } | null> {
    const row = this.index.get(displayId);
    if (!row) return null;
    const [conversation] = await this.payloads.conversations([row]);
    if (!conversation) return null;
    if (messageId === null) return { conversation, message: null };
    const stored = await conversationObject(this.env, this.accountId(), displayId).message(messageId);
    const [message] = stored ? await this.payloads.messages(row, [stored]) : [];
    return { conversation, message: message ?? null };
  }

  async list(filter: ConversationFilter) {
    if (filter.q) this.messageSearch.indexPending();
    const { counts, conversations } = this.index.list(filter);
    return { counts, payload: await this.payloads.conversations(conversations) };
  }

  /**
   * Chatwoot's conversation search: conversations whose contact, display id or message text matches
   * `filter.q`, with the counts, each with its newest matching message (its last message when only
   * the contact matched).
   */
  async search(filter: ConversationFilter & { q: string }) {
    this.messageSearch.indexPending();
    const { counts, conversations } = this.index.list(filter);
    const match = ftsPrefixQuery(filter.q);
    const payloads = await this.payloads.conversations(conversations);
    const rows = new Map(conversations.map((row) => [row.state.displayId, row]));
    for (const payload of payloads) {
      const row = rows.get(payload.id);
      const matching = row && match ? this.messageSearch.newestMatch(payload.id, match) : null;
      if (row && matching) payload.messages = await this.payloads.messages(row, [matching]);
    }
    return { counts, payload: payloads };
  }

  async ofContact(contactId: number, viewer: Viewer & { kind: "user" }) {
    const rows = this.index.ofContact(contactId).filter((row) => viewer.inboxIds === null || viewer.inboxIds.includes(row.state.inboxId));
    return this.payloads.conversations(rows);
  }

  /** The contact session's conversations, as the Client API shows them. */
  async sessionConversations(inboxId: number, sourceId: string) {
    const contactInbox = this.contacts.contactInboxBySource(inboxId, sourceId);
    const contact = contactInbox ? this.contacts.get(contactInbox.contactId) : null;
    if (!contactInbox || !contact) return null;
    const results = [];
    for (const row of this.index.ofContactInbox(contactInbox.id)) {
      const last = row.lastMessage && !row.lastMessage.private ? await this.payloads.messages(row, [row.lastMessage]) : [];
      results.push(publicConversationPayload(row.state, asVisitorSees(contact), last.map(visitorMessage)));
    }
    return results;
  }

  async sessionConversation(inboxId: number, sourceId: string, displayId: number) {
    if (!this.state(displayId, { kind: "contact", inboxId, sourceId })) return null;
    const row = this.index.get(displayId);
    const contact = row ? this.contacts.get(row.contactId) : null;
    if (!row || !contact) return null;
    const messages = await conversationObject(this.env, this.accountId(), displayId).listMessages({ inboxId, sourceId }, { before: null, after: null });
    return publicConversationPayload(row.state, asVisitorSees(contact), (await this.payloads.messages(row, messages ?? [])).map(visitorMessage));
  }

  /** One message with its sender, read by id, as `viewer` sees it; null when they do not see it. */
  async message(displayId: number, viewer: Viewer, messageId: number): Promise<MessagePayload | null> {
    const row = this.state(displayId, viewer) ? this.index.get(displayId) : null;
    const record = row ? await conversationObject(this.env, this.accountId(), displayId).messageFor(viewer, messageId) : null;
    if (!row || !record) return null;
    const [payload] = await this.payloads.messages(row, [record]);
    if (!payload) return null;
    return viewer.kind === "contact" ? visitorMessage(payload) : payload;
  }

  /** A page of messages with their senders, for an agent (private notes included) or the contact. */
  async messages(displayId: number, viewer: Viewer, page: { before: number | null; after: number | null }) {
    const row = this.state(displayId, viewer) ? this.index.get(displayId) : null;
    if (!row) return null;
    const records = await conversationObject(this.env, this.accountId(), displayId).listMessages(viewer, page);
    if (!records) return null;
    const payloads = await this.payloads.messages(row, records);
    return viewer.kind === "contact" ? payloads.map(visitorMessage) : payloads;
  }
}
