import { describe, expect, it } from "vitest";
import type { ConversationState } from "../../src/domain/conversation";
import { changedAttributes, workflowEventsOf, workflowListens } from "../../src/domain/events";

const state = (overrides: Partial<ConversationState> = {}): ConversationState => ({
  accountId: 1,
  displayId: 1,
  uuid: "u",
  inboxId: 1,
  contactInboxId: 1,
  sourceId: "s",
  status: "open",
  priority: null,
  assigneeId: null,
  teamId: null,
  labels: [],
  customAttributes: {},
  additionalAttributes: {},
  snoozedUntil: null,
  createdAt: 0,
  lastActivityAt: 0,
  agentLastSeenAt: 0,
  contactLastSeenAt: 0,
  assigneeLastSeenAt: 0,
  firstReplyCreatedAt: null,
  waitingSince: null,
  ...overrides,
});

describe("what automation and webhooks hear of a conversation event", () => {
  it("names the tracked attributes a change made, under Chatwoot's names", () => {
    expect(changedAttributes(state(), state({ labels: ["vip"], priority: "high", agentLastSeenAt: 5 }))).toEqual(["label_list", "priority"]);
    expect(changedAttributes(state(), state({ contactLastSeenAt: 9 }))).toEqual([]);
  });

  it("makes a new conversation conversation_created only", () => {
    expect(workflowEventsOf("conversation.created", [], "open", null)).toEqual({
      automation: ["conversation_created"],
      webhooks: ["conversation_created"],
    });
  });

  it("makes a message message_created, and its attribute changes conversation_updated", () => {
    expect(workflowEventsOf("message.created", ["waiting_since"], "open", { messageType: 0 })).toEqual({
      automation: ["message_created", "conversation_updated"],
      webhooks: ["message_created", "conversation_updated"],
    });
  });

  it("keeps activity messages from everyone", () => {
    expect(workflowEventsOf("message.created", [], "open", { messageType: 2 })).toEqual({ automation: [], webhooks: [] });
  });

  it("makes an opening status change conversation_opened as well", () => {
    expect(workflowEventsOf("conversation.status_changed", ["status"], "open", null)).toEqual({
      automation: ["conversation_opened", "conversation_updated"],
      webhooks: ["conversation_status_changed", "conversation_updated"],
    });
    expect(workflowEventsOf("conversation.status_changed", ["status"], "resolved", null).automation).toEqual(["conversation_updated"]);
  });

  it("sends an event to the queue only when a rule or webhook listens, or an assignee is to be told", () => {
    const event = { origin: { type: "contact" as const }, changed: [], automation: ["message_created" as const], webhooks: ["message_created" as const] };
    expect(workflowListens(event, { automation: [], webhooks: [] })).toBe(false);
    expect(workflowListens(event, { automation: ["message_created"], webhooks: [] })).toBe(true);
    expect(workflowListens(event, { automation: [], webhooks: ["message_created"] })).toBe(true);
    const automationChange = { ...event, origin: { type: "automation" as const, ruleId: 1 }, automation: ["conversation_updated" as const], webhooks: [] };
    expect(workflowListens(automationChange, { automation: ["conversation_updated"], webhooks: [] })).toBe(false);
    expect(workflowListens({ ...event, changed: ["assignee_id"] }, { automation: [], webhooks: [] })).toBe(true);
  });

  it("sends every message the contact did not write to the queue, which decides whether it leaves on the inbox's channel", () => {
    const message = { changed: [], automation: ["message_created" as const], webhooks: ["message_created" as const] };
    const nobody = { automation: [], webhooks: [] };
    expect(workflowListens({ ...message, origin: { type: "user", userId: 1 } }, nobody)).toBe(true);
    expect(workflowListens({ ...message, origin: { type: "automation", ruleId: 1 } }, nobody)).toBe(true);
    expect(workflowListens({ ...message, origin: { type: "system" } }, nobody)).toBe(true);
    expect(workflowListens({ ...message, origin: { type: "contact" } }, nobody)).toBe(false);
  });
});
