/**
 * Chatwoot's payloads as the Account object builds them: conversations from its index rows, messages
 * with their senders (users, the contact as it is now, agent bots), notifications; and what a visitor
 * sees of them. Users, teams and inboxes come from D1, cached briefly.
 */
import {
  CHANNEL_CLASSES,
  type ChannelName,
  type ConversationPayload,
  contactPayload,
  conversationPayload,
  type MessageContext,
  type MessagePayload,
  messagePayload,
  type TeamSummary,
  type UserSummary,
  userPayload,
  type Availability,
} from "../../domain/chatwoot-payloads";
import type { ConversationState, MessageRecord } from "../../domain/conversation";
import { canReply } from "../../domain/reply-window";
import { nowSeconds } from "../sqlite";
import { agentBotSenders } from "./agent-bots";
import { type ContactStore, payloadAsVisitorSees } from "./contacts";
import { ExpiringLookup } from "./expiring-lookup";
import type { NotificationRecord } from "./notifications";

const CACHE_SECONDS = 30;

/** What a payload needs of an index row. */
export type PayloadRow = { state: ConversationState; contactId: number; lastMessage: MessageRecord | null; unreadCount: number };

export type InboxSummary = { channel: ChannelName; name: string };

export class AccountPayloads {
  private readonly users = new ExpiringLookup<Omit<UserSummary, "availability">>(CACHE_SECONDS, async (ids) => {
    const rows = await this.env.DB.prepare(
      `select u.id, u.name, u.email from users u join account_users au on au.user_id = u.id
       where au.account_id = ? and u.id in (select value from json_each(?))`,
    )
      .bind(this.accountId(), JSON.stringify(ids))
      .all<{ id: number; name: string; email: string }>();
    return rows.results.map((row) => [row.id, row] as const);
  });
  private readonly teams = new ExpiringLookup<TeamSummary>(CACHE_SECONDS, async (ids) => {
    const rows = await this.env.DB.prepare("select id, name from teams where account_id = ? and id in (select value from json_each(?))")
      .bind(this.accountId(), JSON.stringify(ids))
      .all<TeamSummary>();
    return rows.results.map((row) => [row.id, row] as const);
  });
  private channelCache: { value: Map<number, InboxSummary>; at: number } | null = null;

  constructor(
    private readonly env: Env,
    private readonly accountId: () => number,
    private readonly contacts: ContactStore,
    /** What others see of a user now (presence). */
    private readonly availability: (userId: number) => Availability,
  ) {}

  /** Inboxes changed (one deleted, members changed): read them again. */
  forgetInboxes() {
    this.channelCache = null;
  }

  async usersById(ids: number[]): Promise<Map<number, UserSummary>> {
    const found = await this.users.getMany(ids, nowSeconds());
    return new Map([...found].map(([id, user]) => [id, { ...user, availability: this.availability(id) }]));
  }

  private teamsById(ids: number[]): Promise<Map<number, TeamSummary>> {
    return this.teams.getMany(ids, nowSeconds());
  }

  /** The account's inboxes by id: Chatwoot's channel class and the name. */
  async channels(): Promise<Map<number, InboxSummary>> {
    const now = nowSeconds();
    if (this.channelCache && now - this.channelCache.at <= CACHE_SECONDS) return this.channelCache.value;
    const rows = await this.env.DB.prepare("select id, channel_type, name from inboxes where account_id = ?")
      .bind(this.accountId())
      .all<{ id: number; channel_type: string; name: string }>();
    const value = new Map(
      rows.results.map(
        (row) => [row.id, { channel: CHANNEL_CLASSES[row.channel_type as keyof typeof CHANNEL_CLASSES] ?? "Channel::WebWidget", name: row.name }] as const,
      ),
    );
    this.channelCache = { value, at: now };
    return value;
  }

  /** Message payloads with their senders; a contact's messages show the conversation's contact as it is now. */
  async messages(row: { state: ConversationState; contactId: number }, messages: MessageRecord[]): Promise<MessagePayload[]> {
    const { state } = row;
    const users = await this.usersById(messages.flatMap((m) => (m.sender?.type === "user" ? [m.sender.id] : [])));
    const contact = messages.some((m) => m.sender?.type === "contact") ? this.contacts.get(row.contactId) : null;
    const bots = await agentBotSenders(
      this.env.DB,
      this.accountId(),
      messages.flatMap((m) => (m.sender?.type === "agent_bot" ? [m.sender.id] : [])),
    );
    return messages.map((message) => {
      let sender: MessageContext["sender"] = null;
      if (message.sender?.type === "user") {
        const user = users.get(message.sender.id);
        sender = user ? userPayload(user) : null;
      } else if (message.sender?.type === "contact") {
        sender = contact ? contactPayload(contact) : null;
      } else if (message.sender?.type === "agent_bot") {
        sender = bots.get(message.sender.id) ?? null;
      }
      return messagePayload(message, {
        accountId: state.accountId,
        inboxId: state.inboxId,
        conversationDisplayId: state.displayId,
        sender,
      });
    });
  }

  async conversations(rows: PayloadRow[]): Promise<ConversationPayload[]> {
    const contacts = this.contacts.getMany(rows.map((row) => row.contactId));
    const users = await this.usersById(rows.flatMap((row) => (row.state.assigneeId === null ? [] : [row.state.assigneeId])));
    const teams = await this.teamsById(rows.flatMap((row) => (row.state.teamId === null ? [] : [row.state.teamId])));
    const channels = await this.channels();
    const now = nowSeconds();
    const payloads: ConversationPayload[] = [];
    for (const row of rows) {
      const contact = contacts.get(row.contactId);
      const contactInbox = this.contacts.contactInbox(row.state.contactInboxId);
      if (!contact || !contactInbox) continue;
      const channel = channels.get(row.state.inboxId)?.channel ?? "Channel::WebWidget";
      payloads.push(
        conversationPayload(row.state, {
          channel,
          contact,
          contactInbox,
          assignee: row.state.assigneeId === null ? null : (users.get(row.state.assigneeId) ?? null),
          team: row.state.teamId === null ? null : (teams.get(row.state.teamId) ?? null),
          messages: row.lastMessage ? await this.messages(row, [row.lastMessage]) : [],
          unreadCount: row.unreadCount,
          canReply: canReply(channel, row.state.lastIncomingAt, now),
        }),
      );
    }
    return payloads;
  }

  /** Chatwoot's notification payload (`push_event_data`); `conversation` is null when the viewer no longer sees it. */
  notification(record: NotificationRecord, conversation: ConversationPayload | null) {
    return {
      id: record.id,
      notification_type: record.notificationType,
      push_message_title: record.title,
      primary_actor_type: "Conversation" as const,
      primary_actor_id: record.displayId,
      primary_actor: conversation,
      read_at: record.readAt === null ? null : new Date(record.readAt * 1000).toISOString(),
      secondary_actor: null,
      user_id: record.userId,
      created_at: record.createdAt,
      last_activity_at: record.createdAt,
      snoozed_until: null,
      account_id: this.accountId(),
    };
  }
}

/** What a contact sees of a conversation: no internal labels, team or priority. */
export function contactView(payload: ConversationPayload) {
  // Labels, priority, team and the SLA are the agents' business.
  const {
    labels: _labels,
    priority: _priority,
    team_id: _teamId,
    sla_policy_id: _slaPolicyId,
    applied_sla: _appliedSla,
    sla_events: _slaEvents,
    last_non_activity_message: _last,
    ...rest
  } = payload;
  // Private notes too, should one be the conversation's last message.
  rest.messages = rest.messages.filter((message) => !message.private);
  return { ...rest, messages: rest.messages.map(visitorMessage), meta: { ...rest.meta, sender: payloadAsVisitorSees(rest.meta.sender), team: null } };
}

/** A message as a visitor sees it: a contact sender shown with their claims in place (see `asVisitorSees`). */
export function visitorMessage<T extends MessagePayload>(payload: T): T {
  if (payload.sender?.type !== "contact") return payload;
  const sender = payloadAsVisitorSees(payload.sender);
  return sender === payload.sender ? payload : { ...payload, sender };
}
