/**
 * Account Durable Object: one per sub-account, addressed by its id (`getByName(String(accountId))`).
 * It holds the account's live index (conversation summaries and counts, contacts and their inbox
 * sessions, display ids, presence) and the /cable subscriptions of its agents and contacts, and fans
 * every conversation event out to the subscribers allowed to see it.
 */
import { DurableObject } from "cloudflare:workers";
import { filterContacts, filterConversations } from "./account/filters";
import { findOrStartChannelSession, latestOpenConversation, openConversationOf } from "./account/channel-contacts";
import type { Availability, ContactInboxRecord, ContactRecord, ConversationPayload, MessagePayload } from "../domain/chatwoot-payloads";
import type { ConversationState } from "../domain/conversation";
import type { ConversationEvent } from "../domain/events";
import type { WorkflowListeners } from "../domain/listeners";
import type { NotificationFlags, NotificationRecipients, NotificationType } from "../domain/notifications";
import { type CampaignContact, type ContactFields, ContactStore, type ContactSort } from "./account/contacts";
import { AvailabilityStore } from "./account/availability";
import { type EmailThreadEntry, EmailThreads, findOrStartEmailSession } from "./account/email-threads";
import { type ConversationCounts, type ConversationFilter, ConversationIndex, type ConversationScope } from "./account/conversation-index";
import { MessageSearch } from "./account/message-search";
import { type NotificationSettingsRecord, NotificationStore } from "./account/notifications";
import type { Viewer } from "./access";
import { EarliestAlarm } from "./alarm";
import { Presence } from "./account/presence";
import { sendTyping, type TypingActor } from "./account/typing";
import { ConversationReads } from "./account/conversation-reads";
import { type Conflict, type ContactSession, ContactWrites } from "./account/contact-writes";
import { applyConversationEvents, type EventApplicationParts, type PublishedEvent } from "./account/event-application";
import { Notifier } from "./account/notifier";
import { AccountWorkflowListeners } from "./account/workflow-listeners";
import { ContactEvents } from "./account/contact-events";
import { SUBSCRIBER_HEADER, type SubscriptionRequest, Subscriptions } from "./account/subscriptions";
import { AccountPayloads } from "./account/payloads";
import { type ConversationRef, sessionConversationRefs } from "./account/session-conversation-refs";
import { ACCOUNT_MIGRATIONS } from "./migrations/account";
import { migrateSqlite, nowSeconds } from "./sqlite";

export type { Subscriber } from "./account/subscribers";

export { SUBSCRIBER_HEADER, type SubscriptionRequest } from "./account/subscriptions";

export type { Viewer } from "./access";

export type { Conflict, ContactSession } from "./account/contact-writes";

export type { PublishedEvent } from "./account/event-application";

export class Account extends DurableObject<Env> {
  private readonly contacts: ContactStore;
  private readonly index: ConversationIndex;
  private readonly notifications: NotificationStore;
  private readonly messageSearch: MessageSearch;
  private readonly availabilities: AvailabilityStore;
  private readonly emailThreads: EmailThreads;
  /** The subscription sockets and who is online among them. */
  private readonly presence: Presence;
  private readonly payloads: AccountPayloads;
  private readonly subscriptions: Subscriptions;
  private readonly contactEvents: ContactEvents;
  private readonly workflowListeners: AccountWorkflowListeners;
  private readonly notifier: Notifier;
  private readonly contactWrites: ContactWrites;
  private readonly reads: ConversationReads;
  /** The one alarm: contact outbox retries. */
  private readonly wakeUps: EarliestAlarm;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrateSqlite(ctx.storage.sql, ACCOUNT_MIGRATIONS);
    this.wakeUps = new EarliestAlarm(ctx);
    this.contacts = new ContactStore(ctx.storage.sql);
    this.index = new ConversationIndex(ctx.storage.sql);
    this.notifications = new NotificationStore(ctx.storage.sql);
    this.messageSearch = new MessageSearch(ctx.storage.sql);
    this.availabilities = new AvailabilityStore(ctx.storage.sql);
    this.presence = new Presence(ctx, () => this.accountId, this.availabilities);
    this.subscriptions = new Subscriptions(
      env,
      () => this.accountId,
      this.presence,
      (id) => this.contacts.contactInbox(id),
    );
    this.contactEvents = new ContactEvents(ctx, env, () => this.accountId, this.presence, this.wakeUps);
    this.workflowListeners = new AccountWorkflowListeners(env, () => this.accountId);
    this.payloads = new AccountPayloads(
      env,
      () => this.accountId,
      this.contacts,
      (userId) => this.presence.availability(userId),
    );
    this.reads = new ConversationReads(env, () => this.accountId, this.index, this.contacts, this.messageSearch, this.payloads);
    this.contactWrites = new ContactWrites(ctx, this.contacts, this.index, this.contactEvents, this.payloads, this.presence);
    this.notifier = new Notifier(
      ctx,
      env,
      () => this.accountId,
      this.notifications,
      this.index,
      this.payloads,
      this.presence,
      (displayId, viewer) => this.conversationState(displayId, viewer) !== null,
    );
    this.emailThreads = new EmailThreads(ctx.storage.sql);
  }

  private get accountId(): number {
    const id = Number(this.ctx.id.name);
    if (!Number.isInteger(id)) throw new Error("Account object must be addressed by its account id");
    return id;
  }

  // ---- /cable subscriptions -------------------------------------------------------------------

  /** The cable gateway opens one socket here per verified RoomChannel subscription. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade") !== "websocket") return new Response("expected a WebSocket", { status: 426 });
    const wanted = JSON.parse(request.headers.get(SUBSCRIBER_HEADER) ?? "null") as SubscriptionRequest | null;
    const subscriber = wanted ? await this.subscriptions.admit(wanted) : null;
    if (!subscriber) return new Response("subscription refused", { status: 403 });

    const pair = new WebSocketPair();
    this.presence.accept(pair[1], subscriber);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const subscriber = this.presence.subscriberOf(ws);
    if (!subscriber || typeof message !== "string") return;
    let action: unknown;
    try {
      action = (JSON.parse(message) as { action?: unknown }).action;
    } catch {
      return;
    }
    if (action === "update_presence") this.presence.seen(ws, subscriber);
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    this.presence.closed(ws, code);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.webSocketClose(ws, 1011);
  }

  /** Called after an automation rule or webhook of the account changed. */
  async invalidateWorkflowListeners(): Promise<void> {
    this.workflowListeners.forget();
  }

  /**
   * Closes a user's /cable subscriptions at once: those of the credentials named by their token ids
   * (a session that ended), or all of them (the user left the account). Returns how many were closed.
   */
  async endUserAccess(userId: number, tokenIds: string[] | "all"): Promise<number> {
    return this.subscriptions.endUserAccess(userId, tokenIds);
  }

  /**
   * Called after a change to who sees what (a role, inbox members, an inbox deleted, a user removed
   * from the account): re-reads the access of every connected user before answering, re-scopes their
   * subscriptions and closes those of users who are no longer members.
   */
  async invalidateMemberAccess(): Promise<void> {
    this.payloads.forgetInboxes();
    this.notifier.forgetAccess();
    await this.subscriptions.changed();
  }

  /**
   * Stores the availability a user chose (Chatwoot's profile availability) and tells everyone
   * subscribed (presence.update) when what they see of the user changed.
   */
  async setAvailability(userId: number, availability: Availability): Promise<void> {
    this.presence.setAvailability(userId, availability);
  }

  /** Each user's chosen availability and what others see of them now (`availability_status`). */
  userAvailability(userIds: number[]): Record<string, { chosen: Availability; status: Availability }> {
    return this.presence.userAvailability(userIds);
  }

  /** Retries the contact outbox. */
  override async alarm(): Promise<void> {
    this.wakeUps.fired();
    await this.contactEvents.flush();
  }

  /** Applies what a Conversation object published (account/event-application.ts). */
  async applyConversationEvents(events: ConversationEvent[]): Promise<{ published: PublishedEvent[]; listeners: WorkflowListeners }> {
    return applyConversationEvents(this.parts(), events);
  }

  private parts(): EventApplicationParts {
    const { ctx, index, contacts, messageSearch, payloads, presence, subscriptions, notifier, workflowListeners } = this;
    return { ctx, index, contacts, messageSearch, payloads, presence, subscriptions, notifier, workflowListeners };
  }

  // ---- notifications --------------------------------------------------------------------------

  /**
   * Stores a notification about a conversation for each user `to` names who can see it, then sends
   * each of them notification.created (account/notifier.ts). Returns how many were stored.
   */
  notify(input: { key?: string; displayId: number; notificationType: NotificationType; title: string; to: NotificationRecipients }): Promise<number> {
    return this.notifier.notify(input);
  }

  /** A page of the viewer's notifications, newest first, with Chatwoot's counts. */
  async listNotifications(viewer: Viewer & { kind: "user" }, page: number, perPage: number) {
    return this.notifier.list(viewer, page, perPage);
  }

  unreadNotificationCount(userId: number): number {
    return this.notifier.unreadCount(userId);
  }

  /** Marks the user's notifications read: all of them, or those about one conversation. */
  readAllNotifications(userId: number, displayId: number | null): number {
    return this.notifier.readAll(userId, displayId);
  }

  /** Marks one of the viewer's notifications read or unread; null when it is not theirs. */
  async markNotification(viewer: Viewer & { kind: "user" }, id: number, read: boolean) {
    return this.notifier.mark(viewer, id, read);
  }

  deleteNotification(userId: number, id: number): boolean {
    return this.notifier.delete(userId, id);
  }

  /** The user's notification settings in this account (Chatwoot's defaults until they save some). */
  notificationSettings(userId: number): NotificationSettingsRecord {
    return this.notifier.settings(userId);
  }

  /** Replaces the email flags, the push flags, or both; the other kind stays as it was. */
  updateNotificationSettings(userId: number, change: Partial<NotificationFlags>): NotificationSettingsRecord {
    return this.notifier.updateSettings(userId, change);
  }

  /** conversation.typing_on / typing_off from an agent or the contact; never stored (account/typing.ts). */
  typing(displayId: number, actor: TypingActor, on: boolean, isPrivate: boolean): Promise<boolean> {
    const { index, contacts, payloads, presence, subscriptions } = this;
    const sees = (id: number, viewer: Viewer) => this.conversationState(id, viewer) !== null;
    return sendTyping({ accountId: this.accountId, index, contacts, payloads, presence, subscriptions, sees }, displayId, actor, on, isPrivate);
  }

  // ---- contacts -------------------------------------------------------------------------------

  getContact(id: number): ContactRecord | null {
    return this.contacts.get(id);
  }

  contactInboxesOf(contactId: number): ContactInboxRecord[] {
    return this.contacts.contactInboxesOf(contactId);
  }

  listContacts(options: { q: string | null; page: number; perPage: number; sort: ContactSort; descending: boolean }) {
    return this.contacts.page(options);
  }

  async createContact(
    fields: ContactFields,
    inbox?: { inboxId: number; sourceId: string },
  ): Promise<ContactSession | { contact: ContactRecord; contactInbox: null } | Conflict> {
    return this.contactWrites.createContact(fields, inbox);
  }

  async updateContact(id: number, fields: ContactFields): Promise<ContactRecord | null | Conflict> {
    return this.contactWrites.updateContact(id, fields);
  }

  async deleteContactCustomAttributes(id: number, keys: string[]): Promise<ContactRecord | null> {
    return this.contactWrites.deleteContactCustomAttributes(id, keys);
  }

  /** Deletes a contact that has no conversations; returns false when it has some. */
  deleteContact(id: number): "deleted" | "not_found" | "has_conversations" {
    if (!this.contacts.get(id)) return "not_found";
    if (this.index.hasConversations(id)) return "has_conversations";
    this.contacts.delete(id);
    return "deleted";
  }

  /** The contact's labels (titles), or null when there is no such contact. */
  contactLabels(contactId: number): string[] | null {
    return this.contacts.get(contactId) ? this.contacts.labelsOf(contactId) : null;
  }

  /** Replaces the contact's labels; null when there is no such contact. */
  setContactLabels(contactId: number, labels: string[]): string[] | null {
    if (!this.contacts.get(contactId)) return null;
    return this.ctx.storage.transactionSync(() => this.contacts.setLabels(contactId, labels));
  }

  /** An account label was renamed: contacts carry the new title. */
  renameContactLabel(from: string, to: string): void {
    this.ctx.storage.transactionSync(() => this.contacts.renameLabel(from, to));
  }

  /**
   * One page of a one-off SMS campaign's audience: contacts with any of `labels` and a phone number
   * (the number messages go to), after `afterContactId` in id order.
   */
  campaignAudience(labels: string[], afterContactId: number, limit: number): CampaignContact[] {
    return this.contacts.withAnyLabel(labels, afterContactId, limit);
  }

  /**
   * The session of the person writing from `phoneNumber` to an SMS inbox (its source id is the number,
   * as in Chatwoot): the existing one, else a new session for the contact with that number, else a new
   * contact with it.
   */
  async smsContactSession(inboxId: number, phoneNumber: string): Promise<ContactSession> {
    return this.contactWrites.smsContactSession(inboxId, phoneNumber);
  }

  /** Records an SMS opt-out (STOP: `additional_attributes.sms_opted_out_at`) or its end (START); null when there is no such contact. */
  async setSmsOptOut(contactId: number, optedOutAt: string | null): Promise<ContactRecord | null> {
    return this.contactWrites.setSmsOptOut(contactId, optedOutAt);
  }

  /** A phone channel's writer (WhatsApp: source id wa_id): their session, contact found by phone or made (src/durable/account/channel-contacts.ts). */
  async channelContactSession(inboxId: number, sourceId: string, person: { name: string | null; phoneNumber: string }): Promise<ContactSession> {
    const session = this.ctx.storage.transactionSync(() => {
      const found = findOrStartChannelSession(this.contacts, inboxId, sourceId, person);
      if (found.created) this.contactEvents.publish("contact.created", found.contact);
      return { contact: found.contact, contactInbox: found.contactInbox };
    });
    await this.contactEvents.flush();
    return session;
  }

  /**
   * Both of the above in one call, for a phone channel's new message: the writer's session (found or
   * started) and the conversation the message joins, with whether its object has started. A new
   * conversation starts with `status` (pending when an agent bot answers the inbox: initialConversationStatus).
   */
  async channelMessageTarget(
    inboxId: number,
    sourceId: string,
    person: { name: string | null; phoneNumber: string },
    singleConversation = false,
    status: "open" | "pending" = "open",
  ): Promise<{ seed: ConversationState; ready: boolean } | null> {
    const target = this.ctx.storage.transactionSync(() => {
      const found = findOrStartChannelSession(this.contacts, inboxId, sourceId, person);
      if (found.created) this.contactEvents.publish("contact.created", found.contact);
      const open = openConversationOf(this.ctx.storage.sql, found.contactInbox.id, singleConversation);
      if (open) return open;
      const seed = this.reserveConversation({ inboxId, sourceId, customAttributes: {}, additionalAttributes: {}, status });
      return seed ? { seed, ready: false } : null;
    });
    await this.contactEvents.flush();
    return target;
  }

  /** The conversation a channel's new message joins: the session's latest open or pending one, else one reserved now with `status`. */
  channelConversation(inboxId: number, sourceId: string, status: "open" | "pending" = "open"): ConversationState | null {
    return this.ctx.storage.transactionSync(() => {
      const contactInbox = this.contacts.contactInboxBySource(inboxId, sourceId);
      if (!contactInbox) return null;
      return (
        latestOpenConversation(this.ctx.storage.sql, contactInbox.id) ??
        this.reserveConversation({ inboxId, sourceId, customAttributes: {}, additionalAttributes: {}, status })
      );
    });
  }

  // ---- Email channel and continuity (src/durable/account/email-threads.ts) ----------------------

  /** The writer of a mail to an email inbox (source id: their address): their session, contact found by email or made. */
  async emailContactSession(inboxId: number, person: { email: string; name: string | null }): Promise<ContactSession> {
    const session = this.ctx.storage.transactionSync(() => {
      const found = findOrStartEmailSession(this.contacts, inboxId, person);
      if (found.created) this.contactEvents.publish("contact.created", found.contact);
      return { contact: found.contact, contactInbox: found.contactInbox };
    });
    await this.contactEvents.flush();
    return session;
  }

  /** The conversation of the first of these Message-IDs the inbox has seen (In-Reply-To, References, or the mail's own). */
  emailThreadConversation(inboxId: number, messageIds: string[]) {
    return this.emailThreads.conversationOf(inboxId, messageIds);
  }

  /** Claims a mail's Message-ID for one delivery (its raw copy's key): "duplicate" for any other delivery of it. */
  claimEmailMessage(inboxId: number, messageId: string, owner: string): "mine" | "duplicate" {
    return this.emailThreads.claim(inboxId, messageId, owner, nowSeconds());
  }

  recordEmailThread(inboxId: number, displayId: number, entries: EmailThreadEntry[]): void {
    this.emailThreads.record(inboxId, displayId, entries, nowSeconds());
  }

  /** The conversation's Message-IDs, oldest first, and the contact's latest: an answer's References and In-Reply-To. */
  emailThread(inboxId: number, displayId: number) {
    return this.emailThreads.threadOf(inboxId, displayId, 50);
  }

  /** Continuity: claims the agent messages up to `throughMessageId` for one email; null when an earlier email took them. */
  claimEmailContinuity(displayId: number, throughMessageId: number): number | null {
    return this.emailThreads.claimContinuity(displayId, throughMessageId, nowSeconds());
  }

  releaseEmailContinuity(displayId: number, claimedThrough: number, after: number): void {
    this.emailThreads.releaseContinuity(displayId, claimedThrough, after, nowSeconds());
  }

  /** Whether the contact has a widget or /cable subscription open that showed life within the presence window. */
  contactOnline(contactId: number): boolean {
    return this.presence.contactOnline(contactId);
  }

  /** Adds an inbox session to an existing contact (Chatwoot's contact_inboxes create). */
  createContactInbox(contactId: number, inboxId: number, sourceId: string): ContactInboxRecord | null | Conflict {
    return this.contactWrites.createContactInbox(contactId, inboxId, sourceId);
  }

  /**
   * Merges the mergee into the base contact: its inbox sessions and conversations move to the base,
   * missing fields are filled from it, and each moved conversation emits conversation.contact_changed.
   */
  async mergeContacts(baseId: number, mergeeId: number): Promise<ContactRecord | null> {
    return this.contactWrites.mergeContacts(baseId, mergeeId);
  }

  // ---- contact sessions (Client API) ----------------------------------------------------------

  /**
   * Starts a contact's session in an inbox. A verified identifier reuses (and updates) the contact
   * that has it, as in Chatwoot. Anything else creates a new contact: an unverified visitor is never
   * attached to someone else's contact, which would show them its details and let them change it.
   * What a visitor names without holding it (an email or phone another contact has, any unproven
   * identifier) is kept in `additional_attributes.claimed_<field>` for agents to merge.
   */
  async startContactSession(input: {
    inboxId: number;
    sourceId: string;
    fields: ContactFields;
    identifierVerified: boolean;
  }): Promise<ContactSession | Conflict> {
    return this.contactWrites.startContactSession(input);
  }

  contactSession(inboxId: number, sourceId: string): ContactSession | null {
    return this.contactWrites.contactSession(inboxId, sourceId);
  }

  /**
   * A visitor changes their session's contact. Unproven values follow `visitorWrite` (claims, never
   * someone else's contact). A proven identifier the contact does not hold yet goes through
   * `identifyContactSession`, whose answer may be another session: the one the person's devices share.
   */
  async updateContactSession(inboxId: number, sourceId: string, fields: ContactFields, identifierVerified: boolean): Promise<ContactSession | null | Conflict> {
    return this.contactWrites.updateContactSession(inboxId, sourceId, fields, identifierVerified);
  }

  // ---- conversations --------------------------------------------------------------------------

  /** Reserves a display id and the index row for a conversation its Conversation object will start. */
  reserveConversation(input: {
    inboxId: number;
    sourceId: string;
    customAttributes: Record<string, unknown>;
    additionalAttributes: Record<string, unknown>;
    status: "open" | "pending";
  }): ConversationState | null {
    const contactInbox = this.contacts.contactInboxBySource(input.inboxId, input.sourceId);
    if (!contactInbox) return null;
    const now = nowSeconds();
    return this.index.reserve(
      {
        accountId: this.accountId,
        uuid: crypto.randomUUID(),
        inboxId: contactInbox.inboxId,
        contactInboxId: contactInbox.id,
        sourceId: contactInbox.sourceId,
        status: input.status,
        priority: null,
        assigneeId: null,
        teamId: null,
        labels: [],
        customAttributes: input.customAttributes,
        additionalAttributes: input.additionalAttributes,
        snoozedUntil: null,
        createdAt: now,
        lastActivityAt: now,
        agentLastSeenAt: 0,
        contactLastSeenAt: 0,
        assigneeLastSeenAt: 0,
        firstReplyCreatedAt: null,
        waitingSince: null,
      },
      contactInbox.contactId,
    );
  }

  /**
   * A visitor session's new conversation, unless the session already started `maxConversations`:
   * counted and reserved in one call, so two requests at once cannot both pass the cap.
   */
  reserveSessionConversation(
    input: Parameters<Account["reserveConversation"]>[0],
    maxConversations: number,
  ): { seed: ConversationState } | { capped: number } | null {
    const contactInbox = this.contacts.contactInboxBySource(input.inboxId, input.sourceId);
    if (!contactInbox) return null;
    const started = this.index.countOfContactInbox(contactInbox.id);
    if (started >= maxConversations) return { capped: started };
    const seed = this.reserveConversation(input);
    return seed ? { seed } : null;
  }

  /**
   * Whether the index holds the conversation (one still being started too). Asked before addressing
   * a Conversation object for an id that came from outside, so no object is made for one that does not exist.
   */
  hasConversation(displayId: number): boolean {
    return this.index.get(displayId, true) !== null;
  }

  /** The conversation's state as indexed, if it exists and `viewer` may see it. */
  conversationState(displayId: number, viewer: Viewer): ConversationState | null {
    return this.reads.state(displayId, viewer);
  }

  async conversation(displayId: number, viewer: Viewer, withMessages = false): Promise<ConversationPayload | null> {
    return this.reads.conversation(displayId, viewer, withMessages);
  }

  /**
   * What the workflow engine needs of a conversation event: the conversation as agents see it now,
   * and the event's message with its sender (read from the Conversation object by id).
   */
  async eventPayloads(displayId: number, messageId: number | null): Promise<{ conversation: ConversationPayload; message: MessagePayload | null } | null> {
    return this.reads.eventPayloads(displayId, messageId);
  }

  async listConversations(filter: ConversationFilter) {
    return this.reads.list(filter);
  }

  /** Chatwoot's conversation filter (./account/filters): the page of conversations meeting the conditions, and their counts. */
  async filterConversations(input: Parameters<typeof filterConversations>[2]) {
    const { counts, rows } = filterConversations(this.index, this.contacts, input);
    return { counts, payload: await this.payloads.conversations(rows) };
  }

  /** Chatwoot's contact filter (./account/filters): the page of contacts meeting the conditions, and how many do. */
  filterContacts(input: Parameters<typeof filterContacts>[1]) {
    return filterContacts(this.contacts, input);
  }

  /** Chatwoot's counts per assignee type (conversations/meta) for the filters of a list. */
  conversationCounts(scope: ConversationScope): ConversationCounts {
    if (scope.q) this.messageSearch.indexPending();
    return this.index.counts(scope);
  }

  /**
   * Chatwoot's conversation search: conversations whose contact, display id or message text matches
   * `filter.q`, with the counts, each with its newest matching message (its last message when only
   * the contact matched).
   */
  async searchConversations(filter: ConversationFilter & { q: string }) {
    return this.reads.search(filter);
  }

  async conversationsOfContact(contactId: number, viewer: Viewer & { kind: "user" }) {
    return this.reads.ofContact(contactId, viewer);
  }

  /** The contact session's conversations, as the Client API shows them. */
  async sessionConversations(inboxId: number, sourceId: string) {
    return this.reads.sessionConversations(inboxId, sourceId);
  }

  /** The contact session's conversations as ids and statuses, newest first: what a channel job asks (account/session-conversation-refs.ts). */
  sessionConversationRefs(inboxId: number, sourceId: string): ConversationRef[] {
    return sessionConversationRefs(this.contacts, this.index, inboxId, sourceId);
  }

  async sessionConversation(inboxId: number, sourceId: string, displayId: number) {
    return this.reads.sessionConversation(inboxId, sourceId, displayId);
  }

  /** One message with its sender, read by id, as `viewer` sees it; null when they do not see it. */
  async message(displayId: number, viewer: Viewer, messageId: number): Promise<MessagePayload | null> {
    return this.reads.message(displayId, viewer, messageId);
  }

  /** A page of messages with their senders, for an agent (private notes included) or the contact. */
  async messages(displayId: number, viewer: Viewer, page: { before: number | null; after: number | null }) {
    return this.reads.messages(displayId, viewer, page);
  }

  conversationIdsOfInbox(inboxId: number): number[] {
    return this.index.displayIdsOfInbox(inboxId);
  }

  /** Forgets a deleted inbox: its conversations leave the index, its contact sessions end. */
  removeInbox(inboxId: number): void {
    const sessions = new Set(this.contacts.contactInboxIdsOfInbox(inboxId));
    this.ctx.storage.transactionSync(() => {
      this.messageSearch.removeConversations(this.index.displayIdsOfInbox(inboxId));
      this.index.removeInbox(inboxId);
      this.contacts.deleteContactInboxesOfInbox(inboxId);
    });
    for (const { ws, subscriber } of this.presence.subscriptions()) {
      if (subscriber.kind === "contact" && sessions.has(subscriber.contactInboxId)) ws.close(1000, "inbox deleted");
    }
  }

  /** Every display id ever reserved, so a purge can reach each Conversation object. */
  allConversationIds(): number[] {
    return this.ctx.storage.sql
      .exec<{ display_id: number }>("select display_id from conversations order by display_id")
      .toArray()
      .map((row) => row.display_id);
  }

  /** Deletes everything this object stores, including any alarm; used when the account is deleted. */
  async purge(): Promise<void> {
    this.presence.closeAll("account deleted");
    this.index.forget();
    this.availabilities.forget();
    this.messageSearch.forget();
    await this.wakeUps.delete();
    await this.ctx.storage.deleteAll();
    // This instance may live on: leave it as a fresh, empty one.
    migrateSqlite(this.ctx.storage.sql, ACCOUNT_MIGRATIONS);
  }
}

/** What a contact sees of a conversation: no internal labels, team or priority. */
/** A message as a visitor sees it: a contact sender shown with their claims in place (see `asVisitorSees`). */
