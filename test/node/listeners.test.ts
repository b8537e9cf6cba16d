// Who listens to a conversation event (src/domain/listeners.ts): the notifications each event calls for.
import { describe, expect, it } from "vitest";
import { type ConversationState, type MessageRecord, MessageType } from "../../src/domain/conversation";
import { assignmentNotificationOf, contactMayReceive, notificationsOfEvent } from "../../src/domain/listeners";

const state: ConversationState = {
  accountId: 1,
  displayId: 7,
  uuid: "c0ffee00-0000-4000-8000-000000000007",
  inboxId: 3,
  contactInboxId: 5,
  sourceId: "visitor",
  status: "open",
  priority: null,
  assigneeId: 42,
  teamId: null,
  labels: [],
  customAttributes: {},
  additionalAttributes: {},
  snoozedUntil: null,
  createdAt: 1_700_000_000,
  lastActivityAt: 1_700_000_000,
  agentLastSeenAt: 0,
  contactLastSeenAt: 0,
  assigneeLastSeenAt: 0,
  firstReplyCreatedAt: null,
  waitingSince: null,
};

const message = (overrides: Partial<MessageRecord>): MessageRecord => ({
  id: 11,
  content: "Hello",
  messageType: MessageType.incoming,
  contentType: "text",
  contentAttributes: {},
  private: false,
  sender: { type: "contact" },
  sourceId: null,
  echoId: null,
  attachments: [],
  createdAt: 1_700_000_100,
  updatedAt: 1_700_000_100,
  ...overrides,
});

describe("the notifications an event calls for", () => {
  it("tells the assignee of a contact's new message, replacing their unread older one", () => {
    expect(notificationsOfEvent({ name: "message.created", state, message: message({}) })).toEqual([
      { type: "assigned_conversation_new_message", userIds: [42], key: "new_message:7:11", content: "Hello", replacesOlder: true },
    ]);
  });

  it("does not tell the assignee of their own reply, a private note or an activity", () => {
    for (const own of [
      message({ messageType: MessageType.outgoing, sender: { type: "user", id: 42 } }),
      message({ private: true }),
      message({ messageType: MessageType.activity, sender: null }),
    ]) {
      expect(notificationsOfEvent({ name: "message.created", state, message: own })).toEqual([]);
    }
  });

  it("tells those who opted in of a new conversation", () => {
    expect(notificationsOfEvent({ name: "conversation.created", state })).toEqual([
      { type: "conversation_creation", userIds: "opted_in", key: "creation:7", replacesOlder: false },
    ]);
  });

  it("tells a new assignee once per event, unless they assigned themselves", () => {
    const assigned = { changed: ["assignee_id" as const], assigneeId: 42, displayId: 7, eventKey: "1:7:3" };
    expect(assignmentNotificationOf({ ...assigned, origin: { type: "user", userId: 9 } })).toEqual({
      userId: 42,
      key: "1:7:3:assignment",
      title: "Conversation #7 has been assigned to you",
    });
    expect(assignmentNotificationOf({ ...assigned, origin: { type: "user", userId: 42 } })).toBeNull();
    expect(assignmentNotificationOf({ ...assigned, assigneeId: null, origin: { type: "system" } })).toBeNull();
    expect(assignmentNotificationOf({ ...assigned, changed: ["status"], origin: { type: "system" } })).toBeNull();
  });
});

describe("what a contact's session hears", () => {
  it("hears its conversation's messages, but never a private note or an assignment", () => {
    expect(contactMayReceive("message.created", message({}))).toBe(true);
    expect(contactMayReceive("message.created", message({ private: true }))).toBe(false);
    expect(contactMayReceive("assignee.changed", undefined)).toBe(false);
    expect(contactMayReceive("conversation.typing_on", undefined, true)).toBe(false);
  });
});
