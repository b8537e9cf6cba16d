/**
 * Conversation Durable Object: one per conversation, addressed as `<accountId>:<displayId>`. It is
 * the source of truth for the conversation's messages (SQLite in the object) and state. Every change
 * is written together with an outbox entry; the outbox is published, in order, to the Account
 * object (index and fan-out) and, for the events automation and webhooks hear of, to the `jobs`
 * queue, right away and again by alarm until both took it, so a change that was stored is never
 * lost to subscribers or to the workflow engine either.
 */
import { DurableObject } from "cloudflare:workers";
import { assigneeActivity, labelActivity, priorityActivity, statusActivity, teamActivity } from "../domain/activity";
import type { ConversationPayload } from "../domain/chatwoot-payloads";
import {
  type Attachment,
  type ContentType,
  type ConversationState,
  DELETED_MESSAGE_CONTENT,
  type ConversationStatus,
  type MessageRecord,
  MessageType,
  type MessageTypeCode,
  type Priority,
  type SenderRef,
  senderFromRow,
  statusAfterIncomingMessage,
  waitingSinceAfter,
  type MessageDeliveryStatus,
  deliveryStatusAdvances,
} from "../domain/conversation";
import {
  type AttributeChanges,
  attributeChanges,
  type ConversationEvent,
  type ConversationEventName,
  type EventOrigin,
  type TrackedAttribute,
  workflowEventsOf,
  workflowListens,
} from "../domain/events";
import { jsonBytes } from "../domain/json-bytes";
import { advanceConversationSla, type AppliedSlaPolicy, nextSlaDeadline, startSla } from "../domain/sla";
import { type ConversationEventJob, enqueueJobs } from "../jobs/messages";
import type { PublishedEvent } from "./account";
import { type Access, reaches } from "./access";
import { EarliestAlarm } from "./alarm";
import { policySnapshot, reportSla, slaReportDue, withSlaReported, workingScheduleFor } from "./conversation/sla";
import {
  storeCsatResponse,
  storedCsatAnswer,
  templateAnswer,
  templateSent,
  templatesAfterChange,
  templatesAfterFirstReply,
  type TemplateAnswer,
} from "./conversation/templates";
import type { TemplateMessage } from "../domain/message-templates";
import { accountObject } from "./addresses";
import { CONVERSATION_MIGRATIONS } from "./migrations/conversation";
import { migrateSqlite, nowSeconds, parseJson } from "./sqlite";
import { lastIncomingAt, withLastIncomingAt } from "./conversation/channel-window";
import { hasMessageWithSourceId, latestUnfailedOutgoing, markSentBefore, sendInFlight, unsentRepliesAfter } from "./conversation/channel-messages";
import { withoutCustomAttributes } from "./conversation/custom-attributes";
import { lastIncomingAtAfter } from "../domain/reply-window";

type MessageRow = {
  id: number;
  content: string | null;
  message_type: number;
  content_type: string;
  content_attributes: string;
  private: number;
  sender_type: string | null;
  sender_id: number | null;
  source_id: string | null;
  echo_id: string | null;
  attachments: string;
  created_at: number;
  updated_at: number;
  status: string | null;
};

const toMessage = (row: MessageRow): MessageRecord => ({
  id: row.id,
  content: row.content,
  messageType: row.message_type as MessageTypeCode,
  contentType: row.content_type as ContentType,
  contentAttributes: parseJson(row.content_attributes, {}),
  private: row.private === 1,
  sender: senderFromRow(row.sender_type, row.sender_id),
  sourceId: row.source_id,
  echoId: row.echo_id,
  attachments: parseJson<Attachment[]>(row.attachments, []),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  ...(row.status ? { status: row.status as MessageDeliveryStatus } : {}),
});

/** Who made a change: an agent (with the name activity messages show), the conversation's contact, an automation rule, or Parley itself. */
export type Actor =
  | { type: "user"; id: number; name: string }
  | { type: "contact"; name: string }
  | { type: "automation"; ruleId: number; name: string }
  | { type: "system"; name: string };

export function originOf(actor: Actor): EventOrigin {
  if (actor.type === "user") return { type: "user", userId: actor.id };
  if (actor.type === "contact") return { type: "contact" };
  if (actor.type === "automation") return { type: "automation", ruleId: actor.ruleId };
  return { type: "system" };
}

const originOfSender = (sender: SenderRef): EventOrigin =>
  sender?.type === "user" ? { type: "user", userId: sender.id } : sender?.type === "contact" ? { type: "contact" } : { type: "system" };

export type NewMessage = {
  messageType: MessageTypeCode;
  content: string | null;
  contentType: ContentType;
  contentAttributes: Record<string, unknown>;
  private: boolean;
  echoId: string | null;
  sourceId: string | null;
  attachments: Attachment[];
};

export type MessagePage = { before: number | null; after: number | null };

/** Who may touch this conversation (src/durable/access.ts): every method checks it and answers null when it does not fit. */
export type { Access } from "./access";

const INTERACTIVE: ReadonlySet<string> = new Set(["input_select", "form", "cards"]);
const PAGE_SIZE = 20;
const AFTER_PAGE_SIZE = 100;
const OUTBOX_RETRY_MS = 1_000;
/**
 * How soon after an entry is recorded the alarm looks for it, should this instance not publish it (a
 * reset after the commit). Only such an entry waits this long (a later change of the conversation
 * publishes it at once); it is longer than the retry so that a busy conversation, whose entries are
 * all published at once, wakes its alarm for nothing at most every 10 s, not every second.
 */
const OUTBOX_UNPUBLISHED_WAKE_MS = 10_000;
/** Published outbox entries are deleted once this many have gathered: one statement per batch, not per message. */
export const OUTBOX_DROP_BATCH = 16;
const SLA_REPORT_RETRY_MS = 10_000;

/**
 * An outbox entry as stored: lastMessage is left out when it is the event's own message (or none,
 * for an activity). `origin` and `changed` say who caused it and which tracked attributes it changed,
 * for automation and webhooks, and `changes` their values before and after (conversation_updated's
 * `changed_attributes`); entries written before they existed count as system changes of nothing.
 */
type StoredEvent = Omit<ConversationEvent, "seq" | "lastMessage"> & {
  lastMessage?: MessageRecord | null;
  origin?: EventOrigin;
  changed?: TrackedAttribute[];
  changes?: AttributeChanges;
};

/** Queue messages hold at most 128 KB: larger attribute values stay out of the job, and the webhook shows only the current ones. */
const CHANGES_IN_JOB_MAX_CHARS = 48_000;

/** What the workflow engine is told about an event: a `conversation.event` job, or nothing when nobody listens for it. */
function workflowJob(event: StoredEvent, seq: number): ConversationEventJob | null {
  const message = event.message ?? null;
  const { automation, webhooks } = workflowEventsOf(event.name, event.changed ?? [], event.state.status, message);
  if (automation.length === 0 && webhooks.length === 0) return null;
  const changes = webhooks.includes("conversation_updated") && event.changes ? event.changes : null;
  return {
    ...(changes && JSON.stringify(changes).length <= CHANGES_IN_JOB_MAX_CHARS ? { changes } : {}),
    type: "conversation.event",
    account_id: event.state.accountId,
    display_id: event.state.displayId,
    seq,
    origin: event.origin ?? { type: "system" },
    changed: event.changed ?? [],
    message_id: message?.id ?? null,
    assignee_id: event.state.assigneeId,
    automation,
    webhooks,
  };
}

/** An outbox entry waiting to be published: the event for the Account object and the job, if any, for the queue. */
type PendingEvent = ConversationEvent & { job: ConversationEventJob | null };

const lastMessageOf = (message: MessageRecord | undefined) => (message && message.messageType !== MessageType.activity ? message : null);

function toPending(stored: StoredEvent, seq: number): PendingEvent {
  const { origin: _origin, changed: _changed, changes: _changes, lastMessage, ...event } = stored;
  return { ...event, lastMessage: lastMessage !== undefined ? lastMessage : lastMessageOf(stored.message), seq, job: workflowJob(stored, seq) };
}

const SYSTEM: EventOrigin = { type: "system" };

/** A payload the Account object built (JSON text), as an object; null when there is none. */
const payloadOf = <T>(json: string | null | undefined): T | null => (json ? (JSON.parse(json) as T) : null);

export class Conversation extends DurableObject<Env> {
  private flushing: Promise<unknown> = Promise.resolve();
  /**
   * In-memory mirrors of what storage holds, so the message path neither re-reads nor re-parses it:
   * the state (undefined: not read yet), the unread count for an agents' last-seen time, and the
   * outbox entries not yet published (null: not read yet). A failed transaction forgets them all.
   */
  private state: ConversationState | null | undefined;
  private unread: { since: number; count: number } | null = null;
  private pending: PendingEvent[] | null = null;
  /**
   * Outbox entries up to `publishedThrough` were applied by the Account object. They leave the
   * table in batches (OUTBOX_DROP_BATCH), with a later write transaction rather than in a commit of
   * their own; should this instance go away first, they are published again, which changes nothing
   * there (and the workflow consumers skip what they handled).
   */
  private publishedThrough = 0;
  private deletedThrough = 0;
  /** The one alarm: outbox retries, snooze wake-ups and SLA deadlines and reports. */
  private readonly wakeUps: EarliestAlarm;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrateSqlite(ctx.storage.sql, CONVERSATION_MIGRATIONS);
    this.wakeUps = new EarliestAlarm(ctx);
  }

  private get sql() {
    return this.ctx.storage.sql;
  }

  private forgetCaches() {
    this.state = undefined;
    this.unread = null;
    this.pending = null;
    this.deletedThrough = 0;
  }

  /**
   * One storage transaction, which also drops the published outbox entries; if it fails, the
   * in-memory mirrors are dropped and read again from storage.
   */
  private transact<T>(write: () => T): T {
    try {
      return this.ctx.storage.transactionSync(() => {
        this.dropPublished();
        return write();
      });
    } catch (error) {
      this.forgetCaches();
      throw error;
    }
  }

  private dropPublished(all = false) {
    if (this.publishedThrough - this.deletedThrough < (all ? 1 : OUTBOX_DROP_BATCH)) return;
    this.sql.exec("delete from outbox where seq <= ?", this.publishedThrough);
    this.deletedThrough = this.publishedThrough;
  }

  private readState(): ConversationState | null {
    if (this.state === undefined) {
      const row = this.sql.exec<{ value: string }>("select value from state where id = 1").toArray()[0];
      this.state = withLastIncomingAt(row ? parseJson<ConversationState | null>(row.value, null) : null, this.sql);
    }
    return this.state;
  }

  /** The state, when the conversation exists and `access` reaches it. */
  private stateFor(access: Access): ConversationState | null {
    const state = this.readState();
    return state && reaches(access, state) ? state : null;
  }

  private writeState(state: ConversationState) {
    this.sql.exec("insert into state (id, value) values (1, ?) on conflict (id) do update set value = excluded.value", JSON.stringify(state));
    this.state = state;
  }

  /** Incoming messages after the agents' last-seen time: counted once, then kept up to date as messages arrive. */
  private unreadCount(state: ConversationState): number {
    if (this.unread?.since !== state.agentLastSeenAt) {
      const count = this.sql
        .exec<{ n: number }>("select count(*) as n from messages where message_type = ? and created_at > ?", MessageType.incoming, state.agentLastSeenAt)
        .one().n;
      this.unread = { since: state.agentLastSeenAt, count };
    }
    return this.unread.count;
  }

  private lastVisibleMessage(): MessageRecord | null {
    const row = this.sql.exec<MessageRow>("select * from messages where message_type != ? order by id desc limit 1", MessageType.activity).toArray()[0];
    return row ? toMessage(row) : null;
  }

  /**
   * Records an event in the outbox, in the same storage transaction as the change it describes:
   * who caused it, and which tracked attributes it changed (`before` → `state`). The retry alarm is
   * set in that transaction too, so an entry this instance never got to publish (it was reset
   * after the commit) is published by the alarm.
   */
  private record(
    name: ConversationEventName,
    state: ConversationState,
    cause: { origin: EventOrigin; before?: ConversationState },
    message?: MessageRecord,
  ): number {
    const changes = cause.before ? attributeChanges(cause.before, state) : {};
    const changed = Object.keys(changes) as TrackedAttribute[];
    const stored: StoredEvent = {
      name,
      state,
      unreadCount: this.unreadCount(state),
      origin: cause.origin,
      changed,
      ...(changed.length > 0 ? { changes } : {}),
      ...(message ? { message } : {}),
      // An updated message may be an older one: the conversation's last message is read again.
      ...(name === "message.updated" ? { lastMessage: this.lastVisibleMessage() } : {}),
    };
    const seq = this.sql.exec<{ seq: number }>("insert into outbox (event) values (?) returning seq", JSON.stringify(stored)).one().seq;
    this.wakeUps.request(Date.now() + OUTBOX_UNPUBLISHED_WAKE_MS);
    this.pending?.push(toPending(stored, seq));
    return seq;
  }

  /** The outbox entries not yet published, oldest first. */
  private pendingEvents(): PendingEvent[] {
    if (this.pending === null) {
      this.pending = this.sql
        .exec<{ seq: number; event: string }>("select seq, event from outbox where seq > ? order by seq", this.publishedThrough)
        .toArray()
        .map((row) => toPending(JSON.parse(row.event) as StoredEvent, row.seq));
    }
    return this.pending;
  }

  /**
   * Publishes pending outbox entries, one flush at a time: to the Account object in order, then the
   * workflow jobs of those the account's rules or webhooks listen for (the Account object says which)
   * to the queue. Returns the payloads the Account object built (JSON text), by seq. On failure of either the
   * alarm retries both: the Account object skips what it applied, and the workflow consumers skip
   * what they handled.
   */
  private flush(): Promise<Map<number, PublishedEvent["json"]>> {
    const run = this.flushing.then(async () => {
      const published = new Map<number, PublishedEvent["json"]>();
      const events = [...this.pendingEvents()];
      const state = events[0]?.state;
      if (!state) return published;
      try {
        const { published: results, listeners } = await accountObject(this.env, state.accountId).applyConversationEvents(
          events.map(({ job: _job, ...event }) => event),
        );
        const jobs = events.flatMap((event) => (event.job && workflowListens(event.job, listeners) ? [event.job] : []));
        if (jobs.length > 0) await enqueueJobs(this.env.JOBS, jobs);
        for (const result of results) published.set(result.seq, result.json);
        const last = events[events.length - 1]?.seq ?? 0;
        this.publishedThrough = Math.max(this.publishedThrough, last);
        if (this.pending) this.pending = this.pending.filter((event) => event.seq > last);
      } catch (error) {
        console.error("publishing conversation events failed; retrying by alarm", error);
        this.wakeUps.request(Date.now() + OUTBOX_RETRY_MS);
      }
      return published;
    });
    this.flushing = run.catch(() => undefined);
    return run;
  }

  private scheduleSnoozeWake(state: ConversationState) {
    if (state.status === "snoozed" && state.snoozedUntil) this.wakeUps.request(state.snoozedUntil * 1000);
  }

  /** Runs every concern that is due (a snooze ending, the outbox, the SLA clock); each asks for the alarm again as it needs. */
  override async alarm(): Promise<void> {
    this.wakeUps.fired();
    const state = this.readState();
    if (!state) return;
    if (state.status === "snoozed" && state.snoozedUntil !== null && state.snoozedUntil * 1000 <= Date.now()) {
      this.transact(() => {
        const reopened = { ...state, status: "open" as const, snoozedUntil: null };
        this.writeState(reopened);
        this.record("conversation.status_changed", reopened, { origin: SYSTEM, before: state });
        this.addActivity(reopened, statusActivity("open", null, null));
      });
    } else {
      this.scheduleSnoozeWake(state);
    }
    await this.flush();
    if (this.pendingEvents().length > 0) this.wakeUps.request(Date.now() + OUTBOX_RETRY_MS);
    else this.dropPublished(true);
    await this.keepSlaClock();
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /** Starts the conversation with the state its Account object reserved; starting twice is harmless. */
  async start(seed: ConversationState, origin: EventOrigin): Promise<ConversationPayload | null> {
    const existing = this.readState();
    if (existing) return null;
    const seq = this.transact(() => {
      this.writeState(seed);
      return this.record("conversation.created", seed, { origin });
    });
    const published = await this.flush();
    return payloadOf<ConversationPayload>(published.get(seq));
  }

  // ---- messages -------------------------------------------------------------------------------

  private insertMessage(message: NewMessage, sender: SenderRef, at: number): MessageRecord {
    const { id } = this.sql
      .exec<{ id: number }>(
        `insert into messages (content, message_type, content_type, content_attributes, private, sender_type, sender_id,
           source_id, echo_id, attachments, created_at, updated_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
        message.content,
        message.messageType,
        message.contentType,
        JSON.stringify(message.contentAttributes),
        message.private ? 1 : 0,
        sender?.type ?? null,
        sender && sender.type !== "contact" ? sender.id : null,
        message.sourceId,
        message.echoId,
        JSON.stringify(message.attachments),
        at,
        at,
      )
      .one();
    if (message.messageType === MessageType.incoming && this.unread && at > this.unread.since) this.unread.count++;
    // What a read of the row would give back (toMessage), without the read.
    return {
      id,
      content: message.content,
      messageType: message.messageType,
      contentType: message.contentType,
      contentAttributes: message.contentAttributes,
      private: message.private,
      sender: sender ? { ...sender } : null,
      sourceId: message.sourceId,
      echoId: message.echoId,
      attachments: message.attachments,
      createdAt: at,
      updatedAt: at,
    };
  }

  private addActivity(state: ConversationState, content: string, agentsOnly = false) {
    const message = this.insertMessage(
      {
        messageType: MessageType.activity,
        content,
        contentType: "text",
        contentAttributes: {},
        private: agentsOnly,
        echoId: null,
        sourceId: null,
        attachments: [],
      },
      null,
      nowSeconds(),
    );
    this.record("message.created", state, { origin: SYSTEM }, message);
  }

  /**
   * Adds a message. A retried send with the same echo_id returns the first message and changes
   * nothing. An incoming message reopens a resolved or snoozed conversation. `origin` is who caused
   * it when that is not the sender (automation sends as nobody). `payloadJson` is the new message's
   * Chatwoot payload as JSON text, for the HTTP answer.
   */
  async addMessage(
    access: Access,
    input: NewMessage,
    sender: SenderRef,
    origin: EventOrigin = originOfSender(sender),
  ): Promise<{ message: MessageRecord; payloadJson: string | null; created: boolean } | null> {
    const state = this.stateFor(access);
    if (!state) return null;
    if (input.echoId) {
      const existing = this.sql.exec<MessageRow>("select * from messages where echo_id = ?", input.echoId).toArray()[0];
      if (existing) return { message: toMessage(existing), payloadJson: null, created: false };
    }
    if (input.sourceId && input.messageType === MessageType.incoming) {
      // A provider redelivering a message it sent before: the first copy stands.
      const existing = this.sql
        .exec<MessageRow>("select * from messages where source_id = ? and message_type = ?", input.sourceId, MessageType.incoming)
        .toArray()[0];
      if (existing) return { message: toMessage(existing), payloadJson: null, created: false };
    }
    // A campaign's opening message is no answer: like Chatwoot, a campaign's conversation gets no templates.
    const firstAnswer =
      input.messageType === MessageType.outgoing &&
      !input.private &&
      sender?.type === "user" &&
      state.firstReplyCreatedAt === null &&
      !input.contentAttributes.campaign_id;
    const { message, seq } = this.transact(() => {
      const at = nowSeconds();
      const message = this.insertMessage(input, sender, at);
      const isAgentReply = input.messageType === MessageType.outgoing && !input.private && sender?.type === "user";
      const status = input.messageType === MessageType.incoming ? statusAfterIncomingMessage(state.status, state.muted) : state.status;
      const next: ConversationState = advanceConversationSla(
        state,
        {
          ...state,
          status,
          snoozedUntil: status === "snoozed" ? state.snoozedUntil : null,
          lastActivityAt: at,
          waitingSince: waitingSinceAfter(message, state.waitingSince),
          lastIncomingAt: lastIncomingAtAfter(message, state.lastIncomingAt),
          firstReplyCreatedAt: state.firstReplyCreatedAt ?? (isAgentReply ? at : null),
          contactLastSeenAt: sender?.type === "contact" ? at : state.contactLastSeenAt,
        },
        at,
      );
      this.writeState(next);
      // The attribute changes (waiting since, first reply, status) count once: with the status change when there is one.
      const statusChanged = status !== state.status;
      const seq = this.record("message.created", next, statusChanged ? { origin } : { origin, before: state }, message);
      if (statusChanged) this.record("conversation.status_changed", next, { origin, before: state });
      return { message, seq };
    });
    const published = await this.flush();
    await this.keepSlaClock();
    if (firstAnswer) await this.addTemplates(await templatesAfterFirstReply(this.env, state));
    return { message, payloadJson: published.get(seq) ?? null, created: true };
  }

  /** Stores a contact's answer to an interactive message (Chatwoot's submitted_values) and emits message.updated. */
  async submitValues(
    access: Access,
    messageId: number,
    submittedValues: Record<string, unknown>[],
  ): Promise<{ payloadJson: string | null } | "not_found" | "not_interactive"> {
    const state = this.stateFor(access);
    const current = this.sql.exec<MessageRow>("select * from messages where id = ?", messageId).toArray()[0];
    if (!state || !current || current.private === 1) return "not_found";
    if (!INTERACTIVE.has(current.content_type) || current.message_type === MessageType.incoming) return "not_interactive";
    const origin: EventOrigin = "sourceId" in access ? { type: "contact" } : SYSTEM;
    const seq = this.transact(() => this.writeSubmittedValues(state, current, submittedValues, origin));
    const published = await this.flush();
    return { payloadJson: published.get(seq) ?? null };
  }

  /**
   * Fills `field` of the active form (the form message the `active_form_id` attribute names) with
   * `value` for the contact, keeping the values submitted for its other fields; false when there is
   * no such form or it does not ask for the field. Read and written here at once, so that fills of
   * several fields arriving together all land.
   */
  async fillActiveForm(access: Extract<Access, { sourceId: string }>, field: string, value: string): Promise<boolean> {
    const state = this.stateFor(access);
    const formId = Number(state?.customAttributes.active_form_id);
    if (!state || !Number.isInteger(formId) || formId <= 0) return false;
    const form = this.sql.exec<MessageRow>("select * from messages where id = ?", formId).toArray()[0];
    if (!form || form.private === 1 || !INTERACTIVE.has(form.content_type) || form.message_type === MessageType.incoming) return false;
    const attributes = parseJson<{ items?: unknown; submitted_values?: unknown }>(form.content_attributes, {});
    const named = (entry: unknown): string | undefined => (entry as { name?: string } | null)?.name;
    const items: unknown[] = Array.isArray(attributes.items) ? attributes.items : [];
    if (!items.some((item) => named(item) === field)) return false;
    const previous: Record<string, unknown>[] = Array.isArray(attributes.submitted_values) ? attributes.submitted_values : [];
    const values = [...previous.filter((entry) => named(entry) !== field), { name: field, value }];
    this.transact(() => this.writeSubmittedValues(state, form, values, { type: "contact" }));
    await this.flush();
    return true;
  }

  /** Stores an interactive message's submitted values and records message.updated; answers the entry's seq. */
  private writeSubmittedValues(state: ConversationState, message: MessageRow, submittedValues: unknown, origin: EventOrigin): number {
    const attributes = { ...parseJson<Record<string, unknown>>(message.content_attributes, {}), submitted_values: submittedValues };
    const row = this.sql
      .exec<MessageRow>(
        "update messages set content_attributes = ?, updated_at = ? where id = ? returning *",
        JSON.stringify(attributes),
        nowSeconds(),
        message.id,
      )
      .one();
    return this.record("message.updated", state, { origin }, toMessage(row));
  }

  /** Writes the messages a template calls for (conversation/templates.ts), as Parley itself. */
  private async addTemplates(messages: TemplateMessage[]) {
    for (const message of messages) {
      const added = await this.addMessage({ inboxIds: null }, { ...message, private: false, echoId: null, sourceId: null, attachments: [] }, null, SYSTEM);
      const state = this.readState();
      if (added?.created && state) await templateSent(this.env, state, added.message);
    }
  }

  /**
   * The contact's answer to a CSAT survey or an email box (Chatwoot's submitted_values), read by
   * conversation/templates.ts; a survey's answer is also stored in D1 (again, harmlessly, when a
   * retry finds the survey answered). Answers the message as it now is.
   */
  async answerTemplate(
    access: Extract<Access, { sourceId: string }>,
    messageId: number,
    contactId: number,
    submitted: unknown,
  ): Promise<
    { payloadJson: string | null; message: MessageRecord; answer: Exclude<TemplateAnswer, string> | null } | "not_found" | Exclude<TemplateAnswer, object>
  > {
    const state = this.stateFor(access);
    const row = this.sql.exec<MessageRow>("select * from messages where id = ? and private = 0", messageId).toArray()[0];
    if (!state || !row) return "not_found";
    const current = toMessage(row);
    const answer = templateAnswer(current, submitted);
    const earlier = answer === "already_answered" ? storedCsatAnswer(current) : null;
    if (earlier) await storeCsatResponse(this.env, state, current, contactId, earlier);
    if (typeof answer === "string") return answer;
    const seq = this.transact(() => this.writeSubmittedValues(state, row, answer.submittedValues, { type: "contact" }));
    const published = await this.flush();
    const message = this.message(messageId) ?? current;
    if (answer.kind === "csat") await storeCsatResponse(this.env, state, message, contactId, answer.answer);
    return { payloadJson: published.get(seq) ?? null, message, answer };
  }

  /**
   * Deletes a message as Chatwoot does: its text becomes DELETED_MESSAGE_CONTENT, its attachments
   * and content go, and `content_attributes.deleted` marks it; emits message.updated. Returns the
   * attachments it had, for the caller to remove from storage, or null when there is no such
   * message (activity messages are not deleted).
   */
  async deleteMessage(access: Access, messageId: number, userId: number): Promise<{ payloadJson: string | null; attachments: Attachment[] } | null> {
    const state = this.stateFor(access);
    const current = this.sql.exec<MessageRow>("select * from messages where id = ? and message_type != ?", messageId, MessageType.activity).toArray()[0];
    if (!state || !current) return null;
    const attachments = parseJson<Attachment[]>(current.attachments, []);
    const seq = this.transact(() => {
      const row = this.sql
        .exec<MessageRow>(
          `update messages set content = ?, content_type = 'text', content_attributes = ?, attachments = '[]', updated_at = ?
           where id = ? returning *`,
          DELETED_MESSAGE_CONTENT,
          JSON.stringify({ deleted: true }),
          nowSeconds(),
          messageId,
        )
        .one();
      return this.record("message.updated", state, { origin: { type: "user", userId } }, toMessage(row));
    });
    const published = await this.flush();
    return { payloadJson: published.get(seq) ?? null, attachments };
  }

  /**
   * Records an activity message (what a command or an integration changed) and publishes it.
   * `agentsOnly` keeps it from the contact, as private notes are.
   */
  async recordActivity(access: Access, content: string, agentsOnly = false): Promise<boolean> {
    const state = this.stateFor(access);
    if (!state) return false;
    this.transact(() => this.addActivity(state, content, agentsOnly));
    await this.flush();
    return true;
  }

  /** One message by id, for the workflow engine (which acts for the whole account). */
  /**
   * Records what the channel's provider says became of an outgoing message (Chatwoot's `status`, and
   * `content_attributes.external_error` when it failed), found by its id or by the provider's id
   * (`source_id`), and emits message.updated. Statuses arrive out of order: one never goes back
   * (delivered stays delivered when a late "sent" arrives). Null when there is no such message.
   */
  async setDeliveryStatus(
    target: { messageId: number } | { sourceId: string },
    update: { status: MessageDeliveryStatus; sourceId?: string; externalError?: string | null },
  ): Promise<MessageRecord | null> {
    const state = this.readState();
    const current = (
      "messageId" in target
        ? this.sql.exec<MessageRow>("select * from messages where id = ?", target.messageId)
        : this.sql.exec<MessageRow>("select * from messages where source_id = ? and message_type != ?", target.sourceId, MessageType.incoming)
    ).toArray()[0];
    if (!state || !current) return null;
    const advances = deliveryStatusAdvances((current.status as MessageDeliveryStatus | null) ?? null, update.status);
    if (!advances && update.sourceId === undefined) return toMessage(current);
    const status = advances ? update.status : current.status;
    const attributes = parseJson<Record<string, unknown>>(current.content_attributes, {});
    if (status === "failed" && update.externalError) attributes.external_error = update.externalError;
    const row = this.transact(() => {
      const row = this.sql
        .exec<MessageRow>(
          "update messages set status = ?, source_id = ?, content_attributes = ?, updated_at = ? where id = ? returning *",
          status,
          update.sourceId ?? current.source_id,
          JSON.stringify(attributes),
          nowSeconds(),
          current.id,
        )
        .one();
      this.record("message.updated", state, { origin: SYSTEM }, toMessage(row));
      return row;
    });
    await this.flush();
    return toMessage(row);
  }

  /** When the contact last wrote, by the provider's clock where it gave one (src/durable/conversation/channel-window.ts). */
  lastIncomingAt(): number | null {
    return lastIncomingAt(this.sql);
  }

  // ---- channel jobs' questions (src/durable/conversation/channel-messages.ts) -----------------------

  /** Whether a message of this type with the provider's id (`source_id`) is stored here: a redelivery finds its first copy. */
  hasMessageWithSourceId(sourceId: string, messageType: MessageTypeCode): boolean {
    return hasMessageWithSourceId(this.sql, sourceId, messageType);
  }

  /** Whether one of Parley's sends with this text (any, when null) still waits for its provider's answer (an echo may be it). */
  sendInFlight(text: string | null): boolean {
    return sendInFlight(this.sql, text);
  }

  /** Up to 100 agents' replies after message `afterId` that no channel has sent yet, oldest first (continuity's next email). */
  unsentRepliesAfter(afterId: number): MessageRecord[] {
    return unsentRepliesAfter<MessageRow>(this.sql, afterId, AFTER_PAGE_SIZE).map(toMessage);
  }

  /**
   * A delivery or read receipt's watermark (the provider's clock, in ms), applied here in one write:
   * Parley's sent messages up to then whose status is behind get it (never backwards), each with its
   * message.updated. Answers how many changed.
   */
  async markSentBefore(watermarkMs: number, status: "delivered" | "read"): Promise<number> {
    const state = this.readState();
    if (!state) return 0;
    const changed = this.transact(() => {
      const rows = markSentBefore<MessageRow>(this.sql, Math.floor(watermarkMs / 1000), status, nowSeconds());
      for (const row of rows) this.record("message.updated", state, { origin: SYSTEM }, toMessage(row));
      return rows.length;
    });
    if (changed > 0) await this.flush();
    return changed;
  }

  /** A bounce: the latest public outgoing message not failed yet is marked failed with the reason; null when there is none. */
  async failLatestOutgoing(reason: string): Promise<MessageRecord | null> {
    const id = latestUnfailedOutgoing(this.sql);
    return id === null ? null : this.setDeliveryStatus({ messageId: id }, { status: "failed", externalError: reason });
  }

  message(id: number): MessageRecord | null {
    const row = this.sql.exec<MessageRow>("select * from messages where id = ?", id).toArray()[0];
    return row ? toMessage(row) : null;
  }

  /** One message by id, when `access` reaches the conversation; contacts never see private notes. */
  messageFor(access: Access, id: number): MessageRecord | null {
    if (!this.stateFor(access)) return null;
    const message = this.message(id);
    return message && !("sourceId" in access && message.private) ? message : null;
  }

  /** Up to 20 messages before `before` (or the latest), or up to 100 after `after`, oldest first; contacts never see private notes. */
  listMessages(access: Access, page: MessagePage): MessageRecord[] | null {
    if (!this.stateFor(access)) return null;
    const privacy = "sourceId" in access ? "and private = 0" : "";
    if (page.after !== null) {
      return this.sql
        .exec<MessageRow>(`select * from messages where id > ? ${privacy} order by id asc limit ?`, page.after, AFTER_PAGE_SIZE)
        .toArray()
        .map(toMessage);
    }
    return this.sql
      .exec<MessageRow>(`select * from messages where id < ? ${privacy} order by id desc limit ?`, page.before ?? Number.MAX_SAFE_INTEGER, PAGE_SIZE)
      .toArray()
      .map(toMessage)
      .reverse();
  }

  // ---- state changes --------------------------------------------------------------------------

  /**
   * Applies `update` (null: nothing to change) with its activity messages and publishes it. Answers
   * the resulting state and the payload the Account object built, or null when `access` fails.
   * `update` sees the state as it is here when the change is written, so a change that depends on
   * the current state (toggle, merge, add one label) is decided by the object, never by a caller
   * that read the state in an earlier call: two concurrent changes both land.
   */
  private async change(
    access: Access,
    name: ConversationEventName,
    origin: EventOrigin,
    update: (state: ConversationState) => ConversationState | null,
    activities: (before: ConversationState, after: ConversationState) => string[] = () => [],
  ): Promise<{ state: ConversationState; payload: ConversationPayload | null } | null> {
    const state = this.stateFor(access);
    if (!state) return null;
    const changed = this.transact(() => {
      const updated = update(state);
      if (!updated) return null;
      const next = advanceConversationSla(state, updated, nowSeconds());
      this.writeState(next);
      const seq = this.record(name, next, { origin, before: state });
      for (const content of activities(state, next)) this.addActivity(next, content);
      this.scheduleSnoozeWake(next);
      return { seq, next };
    });
    if (changed === null) return { state, payload: null };
    const published = await this.flush();
    await this.keepSlaClock();
    await this.addTemplates(await templatesAfterChange(this.env, state, changed.next));
    return { state: changed.next, payload: payloadOf<ConversationPayload>(published.get(changed.seq)) };
  }

  toggleStatus(access: Access, status: ConversationStatus, snoozedUntil: number | null, actor: Actor) {
    return this.change(
      access,
      "conversation.status_changed",
      originOf(actor),
      (state) => withStatus(state, status, snoozedUntil),
      (_, next) => [statusActivity(next.status, actorName(actor), next.snoozedUntil)],
    );
  }

  /** The contact's toggle (Client API): resolves the conversation, or reopens it when it is resolved now. */
  toggleResolved(access: Access, actor: Actor) {
    return this.change(
      access,
      "conversation.status_changed",
      originOf(actor),
      (state) => withStatus(state, state.status === "resolved" ? "open" : "resolved", null),
      (_, next) => [statusActivity(next.status, actorName(actor), next.snoozedUntil)],
    );
  }

  /** Chatwoot's mute: resolves the conversation and keeps the contact's messages from reopening it; unmuting changes only that. */
  setMuted(access: Access, muted: boolean, actor: Actor) {
    return this.change(
      access,
      muted ? "conversation.status_changed" : "conversation.updated",
      originOf(actor),
      (state) =>
        (state.muted ?? false) === muted && (!muted || state.status === "resolved")
          ? null
          : { ...state, muted, ...(muted ? { status: "resolved" as const, snoozedUntil: null, waitingSince: null } : {}) },
      (before, after) => (after.status !== before.status ? [statusActivity(after.status, actorName(actor), null)] : []),
    );
  }

  togglePriority(access: Access, priority: Priority | null, actor: Actor) {
    return this.change(
      access,
      "conversation.updated",
      originOf(actor),
      (state) => (state.priority === priority ? null : { ...state, priority }),
      () => [priorityActivity(priority, actorName(actor))],
    );
  }

  assignAgent(access: Access, assignee: { id: number; name: string } | null, actor: Actor) {
    return this.change(
      access,
      "assignee.changed",
      originOf(actor),
      (state) => ((state.assigneeId ?? null) === (assignee?.id ?? null) ? null : { ...state, assigneeId: assignee?.id ?? null }),
      () => [assigneeActivity(assignee?.name ?? null, actorName(actor))],
    );
  }

  assignTeam(access: Access, team: { id: number; name: string } | null, previousTeamName: string | null, actor: Actor) {
    return this.change(
      access,
      "team.changed",
      originOf(actor),
      (state) => ((state.teamId ?? null) === (team?.id ?? null) ? null : { ...state, teamId: team?.id ?? null }),
      () => [teamActivity(team?.name ?? null, previousTeamName, actorName(actor))],
    );
  }

  /** Replaces the labels (Chatwoot's POST .../labels) and returns the new list. */
  async setLabels(access: Access, labels: string[], actor: Actor): Promise<string[] | null> {
    const wanted = [...new Set(labels)];
    const result = await this.changeLabels(access, () => wanted, actor);
    return result?.state.labels ?? null;
  }

  /**
   * Adds or removes one label (the widget's setLabel and removeLabel), to the labels as they are now.
   * An addition that would make more than `maxLabels` changes nothing and answers how many it would make.
   */
  async changeLabel(
    access: Access,
    change: "add" | "remove",
    label: string,
    actor: Actor,
    maxLabels: number,
  ): Promise<{ labels: string[] } | { tooManyLabels: number } | null> {
    const refused = { count: 0 };
    const result = await this.changeLabels(
      access,
      (labels) => {
        if (change === "remove") return labels.filter((current) => current !== label);
        const added = [...new Set([...labels, label])];
        if (added.length <= maxLabels || added.length === labels.length) return added;
        refused.count = added.length;
        return null;
      },
      actor,
    );
    if (!result) return null;
    return refused.count > 0 ? { tooManyLabels: refused.count } : { labels: result.state.labels };
  }

  /** Sets the labels `wanted` makes of the current ones (null: none), with the activity that names what changed. */
  private changeLabels(access: Access, wanted: (labels: string[]) => string[] | null, actor: Actor) {
    return this.change(
      access,
      "conversation.updated",
      originOf(actor),
      (state) => {
        const labels = wanted(state.labels);
        return labels === null || sameSet(state.labels, labels) ? null : { ...state, labels };
      },
      (before, after) =>
        labelActivity(
          after.labels.filter((label) => !before.labels.includes(label)),
          before.labels.filter((label) => !after.labels.includes(label)),
          actorName(actor),
        ),
    );
  }

  /** Replaces the custom attributes; `origin` is the contact (widget, `>cs /set`), an agent or automation. */
  async setCustomAttributes(access: Access, attributes: Record<string, unknown>, origin: EventOrigin): Promise<Record<string, unknown> | null> {
    const result = await this.change(access, "conversation.updated", origin, (state) => ({ ...state, customAttributes: attributes }));
    return result?.state.customAttributes ?? null;
  }

  /** Removes custom attribute keys (the widget's deleteConversationCustomAttribute); the attributes after, or null when `access` fails. */
  async deleteCustomAttributes(access: Access, keys: string[], origin: EventOrigin): Promise<Record<string, unknown> | null> {
    const result = await this.change(access, "conversation.updated", origin, (state) => withoutCustomAttributes(state, keys));
    return result?.state.customAttributes ?? null;
  }

  /**
   * Merges `changes` key by key into the custom attributes as they are now (the widget's
   * setConversationCustomAttributes, `>cs /set`). A result that would take more than `maxBytes` as
   * JSON changes nothing and answers the bytes it would take.
   */
  async mergeCustomAttributes(
    access: Access,
    changes: Record<string, unknown>,
    origin: EventOrigin,
    maxBytes: number,
  ): Promise<{ customAttributes: Record<string, unknown> } | { tooLargeBytes: number } | null> {
    const refused = { bytes: 0 };
    const result = await this.change(access, "conversation.updated", origin, (state) => {
      const customAttributes = { ...state.customAttributes, ...changes };
      const bytes = jsonBytes(customAttributes);
      if (bytes <= maxBytes) return { ...state, customAttributes };
      refused.bytes = bytes;
      return null;
    });
    if (!result) return null;
    return refused.bytes > 0 ? { tooLargeBytes: refused.bytes } : { customAttributes: result.state.customAttributes };
  }

  /**
   * Marks the conversation unread for the agents and its assignee (Chatwoot's unread): seen just
   * before the contact's last message, so that message and those after it count as unread again.
   */
  markUnread(access: Access) {
    const last = this.sql.exec<{ at: number | null }>("select max(created_at) as at from messages where message_type = ?", MessageType.incoming).one().at;
    const at = last === null ? 0 : last - 1;
    return this.change(access, "conversation.updated", SYSTEM, (state) => ({ ...state, agentLastSeenAt: at, assigneeLastSeenAt: at }));
  }

  /** Marks the conversation seen by the agents or by the contact (which tells agents: conversation.read). */
  updateLastSeen(access: Access, who: "agent" | "assignee" | "contact") {
    const at = nowSeconds();
    if (who === "contact") return this.change(access, "conversation.read", { type: "contact" }, (state) => ({ ...state, contactLastSeenAt: at }));
    // Agents reading change no tracked attribute: the event only updates their lists.
    return this.change(access, "conversation.updated", SYSTEM, (state) => ({
      ...state,
      agentLastSeenAt: at,
      assigneeLastSeenAt: who === "assignee" ? at : state.assigneeLastSeenAt,
    }));
  }

  // ---- SLA --------------------------------------------------------------------------------------

  /**
   * Applies an SLA policy (a snapshot of it: deleting the policy later changes nothing here), with
   * the inbox's working hours when it counts only those. Once applied it is neither removed nor
   * changed: a second one answers "already_applied".
   */
  async applySla(
    access: Access,
    policy: AppliedSlaPolicy,
    actor: Actor,
  ): Promise<{ state: ConversationState; payload: ConversationPayload | null } | "already_applied" | null> {
    const state = this.stateFor(access);
    if (!state) return null;
    if (state.appliedSla) return "already_applied";
    const snapshot = policySnapshot(policy);
    const schedule = await workingScheduleFor(this.env, state.inboxId, snapshot);
    let alreadyApplied = false;
    const result = await this.change(access, "conversation.updated", originOf(actor), (current) => {
      // Another call may have applied one while D1 answered.
      alreadyApplied = Boolean(current.appliedSla);
      return alreadyApplied ? null : { ...current, appliedSla: startSla(snapshot, schedule, current, nowSeconds()).sla };
    });
    return alreadyApplied ? "already_applied" : result;
  }

  /** For the cron sweep: looks at the SLA clock now, as its alarm would have. False when there is no SLA here (any more). */
  async checkSla(): Promise<boolean> {
    if (!this.readState()?.appliedSla) return false;
    await this.keepSlaClock(true);
    return true;
  }

  /**
   * Keeps the SLA clock (src/durable/conversation/sla.ts): records the misses due now with a
   * conversation.updated, sets the alarm for the next deadline, and reports to D1 and the people
   * notified what they have not heard yet (`exact`: also a deadline that moved later, for the
   * sweep). A report that fails is retried by alarm.
   */
  private async keepSlaClock(exact = false): Promise<void> {
    const state = this.readState();
    if (!state?.appliedSla) return;
    const next = advanceConversationSla(state, state, nowSeconds());
    if (next !== state) {
      this.transact(() => {
        this.writeState(next);
        this.record("conversation.updated", next, { origin: SYSTEM, before: state });
      });
      await this.flush();
    }
    const deadline = next.appliedSla ? nextSlaDeadline(next.appliedSla, next) : null;
    if (deadline !== null) this.wakeUps.request(deadline * 1000);
    if (!slaReportDue(next, exact)) return;
    try {
      const report = await reportSla(this.env, next);
      const current = this.readState();
      if (report && current) this.transact(() => this.writeState(withSlaReported(current, report, nowSeconds())));
    } catch (error) {
      console.error("reporting the SLA clock failed; retrying by alarm", error);
      this.wakeUps.request(Date.now() + SLA_REPORT_RETRY_MS);
    }
  }

  currentState(access: Access): ConversationState | null {
    return this.stateFor(access);
  }

  /** Every file its messages keep, for deleting them from storage before the conversation goes (a deleted inbox). */
  storedAttachments(): Attachment[] {
    return this.sql
      .exec<{ attachments: string }>("select attachments from messages where attachments != '[]'")
      .toArray()
      .flatMap((row) => parseJson<Attachment[]>(row.attachments, []));
  }

  /** Deletes everything this object stores, including any alarm; used when the account is deleted. */
  async purge(): Promise<void> {
    await this.wakeUps.delete();
    await this.ctx.storage.deleteAll();
    this.forgetCaches();
    this.publishedThrough = 0;
    // This instance may live on: leave it as a fresh, empty one.
    migrateSqlite(this.ctx.storage.sql, CONVERSATION_MIGRATIONS);
  }
}

const actorName = (actor: Actor) => actor.name;

/** The state with `status` (and `snoozedUntil` when snoozed), or null when it has them already. */
function withStatus(state: ConversationState, status: ConversationStatus, snoozedUntil: number | null): ConversationState | null {
  if (state.status === status && state.snoozedUntil === snoozedUntil) return null;
  return { ...state, status, snoozedUntil: status === "snoozed" ? snoozedUntil : null, waitingSince: status === "resolved" ? null : state.waitingSince };
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((item) => b.includes(item));
