import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  type AutomationCondition,
  type ConditionFacts,
  checkConditions,
  evaluateConditions,
  factsFromConversation,
} from "../../src/domain/automation-conditions";
import { conversationPayload, messagePayload } from "../../src/domain/chatwoot-payloads";
import { type ConversationState, MessageType, type MessageRecord } from "../../src/domain/conversation";
import { call, createInbox, expectStatus, tenant, unique } from "./helpers";

const facts = (overrides: Partial<ConditionFacts> = {}): ConditionFacts => ({
  status: "open",
  priority: null,
  inbox_id: 3,
  assignee_id: null,
  team_id: null,
  labels: [],
  browser_language: "fr",
  conversation_language: null,
  country_code: "FR",
  referer: "https://acme.example.test/pricing",
  mail_subject: null,
  email: "vera@example.test",
  phone_number: "+33612345678",
  city: "Lyon",
  company: "Acme",
  message_type: "incoming",
  content: "Hello",
  conversation_custom_attributes: {},
  contact_custom_attributes: {},
  ...overrides,
});

/** A condition joined to the next one by `joinNext` (null: the last). */
const when = (
  attribute_key: string,
  filter_operator: AutomationCondition["filter_operator"],
  values: AutomationCondition["values"],
  joinNext: AutomationCondition["query_operator"] = null,
  custom_attribute_type?: AutomationCondition["custom_attribute_type"],
): AutomationCondition => ({ attribute_key, filter_operator, values, query_operator: joinNext, ...(custom_attribute_type ? { custom_attribute_type } : {}) });

const meets = (conditions: AutomationCondition[], overrides: Partial<ConditionFacts> = {}, now?: Date) => evaluateConditions(conditions, facts(overrides), now);

describe("equal_to and not_equal_to (Chatwoot's 'Conversation Status is Open')", () => {
  it("meets status equal_to open for an open conversation", () => {
    expect(meets([when("status", "equal_to", ["open"])])).toBe(true);
  });

  it("does not meet status equal_to open for a resolved conversation", () => {
    expect(meets([when("status", "equal_to", ["open"])], { status: "resolved" })).toBe(false);
  });

  it("meets equal_to when the attribute equals any of the values", () => {
    expect(meets([when("status", "equal_to", ["open", "pending"])], { status: "pending" })).toBe(true);
  });

  it("compares text without regard to case", () => {
    expect(meets([when("email", "equal_to", ["VERA@Example.TEST"])])).toBe(true);
    expect(meets([when("browser_language", "equal_to", ["FR"])])).toBe(true);
  });

  it("compares ids given as numbers or digits", () => {
    expect(meets([when("inbox_id", "equal_to", [3])])).toBe(true);
    expect(meets([when("inbox_id", "equal_to", ["3"])])).toBe(true);
    expect(meets([when("inbox_id", "equal_to", [4])])).toBe(false);
  });

  it("meets not_equal_to only when the attribute equals none of the values", () => {
    expect(meets([when("status", "not_equal_to", ["resolved", "snoozed"])])).toBe(true);
    expect(meets([when("status", "not_equal_to", ["resolved", "open"])])).toBe(false);
  });

  it("counts an absent attribute as not equal to anything", () => {
    expect(meets([when("priority", "not_equal_to", ["high"])])).toBe(true);
    expect(meets([when("priority", "equal_to", ["high"])])).toBe(false);
  });

  it("matches Chatwoot's 'None' priority (nil) to a conversation without priority", () => {
    expect(meets([when("priority", "equal_to", ["nil"])])).toBe(true);
    expect(meets([when("priority", "equal_to", ["nil"])], { priority: "low" })).toBe(false);
  });
});

describe("text operators (Chatwoot's 'Phone number starts with … OR Email contains …')", () => {
  const rule = [when("phone_number", "starts_with", ["+49"], "OR"), when("email", "contains", ["@acme"])];

  it("meets the rule when the phone number starts with +49", () => {
    expect(meets(rule, { phone_number: "+4930123456", email: "vera@example.test" })).toBe(true);
  });

  it("meets the rule when the email contains @acme, whatever its case", () => {
    expect(meets(rule, { phone_number: "+33612345678", email: "Vera@ACME.test" })).toBe(true);
  });

  it("does not meet the rule when neither holds", () => {
    expect(meets(rule, { phone_number: "+33612345678", email: "vera@example.test" })).toBe(false);
  });

  it("does not meet starts_with or contains on an absent attribute, and meets does_not_contain", () => {
    expect(meets([when("phone_number", "starts_with", ["+49"])], { phone_number: null })).toBe(false);
    expect(meets([when("email", "contains", ["@"])], { email: null })).toBe(false);
    expect(meets([when("email", "does_not_contain", ["@acme"])], { email: null })).toBe(true);
  });

  it("meets does_not_contain only when the text contains none of the values", () => {
    expect(meets([when("referer", "does_not_contain", ["/careers", "/jobs"])])).toBe(true);
    expect(meets([when("referer", "does_not_contain", ["/careers", "/PRICING"])])).toBe(false);
  });
});

describe("message conditions (Chatwoot's 'an incoming message containing refund')", () => {
  const rule = [when("content", "contains", ["refund"], "AND"), when("message_type", "equal_to", ["incoming"])];

  it("meets the rule for an incoming message asking for a REFUND", () => {
    expect(meets(rule, { message_type: "incoming", content: "I would like a REFUND please" })).toBe(true);
  });

  it("does not meet the rule for an outgoing message about a refund", () => {
    expect(meets(rule, { message_type: "outgoing", content: "Your refund is on its way" })).toBe(false);
  });

  it("does not meet the rule for an incoming message about something else", () => {
    expect(meets(rule, { message_type: "incoming", content: "Where is my parcel?" })).toBe(false);
  });

  it("meets contains with any of several comma-separated words", () => {
    expect(meets([when("content", "contains", ["refund", "money back"])], { content: "I want my money back" })).toBe(true);
  });
});

describe("custom attributes", () => {
  it("reads a conversation attribute", () => {
    expect(meets([when("plan", "equal_to", ["pro"])], { conversation_custom_attributes: { plan: "Pro" } })).toBe(true);
  });

  it("reads a contact attribute", () => {
    expect(meets([when("plan", "equal_to", ["pro"])], { contact_custom_attributes: { plan: "pro" } })).toBe(true);
  });

  it("reads the model custom_attribute_type names when both have the key", () => {
    const both = { conversation_custom_attributes: { plan: "basic" }, contact_custom_attributes: { plan: "pro" } };
    expect(meets([when("plan", "equal_to", ["pro"], null, "contact_attribute")], both)).toBe(true);
    expect(meets([when("plan", "equal_to", ["pro"], null, "conversation_attribute")], both)).toBe(false);
  });

  it("reads a custom attribute that shares a standard attribute's key only when custom_attribute_type says so", () => {
    const facts = { company: "Acme", contact_custom_attributes: { company: "Globex" } };
    expect(meets([when("company", "equal_to", ["globex"])], facts)).toBe(false);
    expect(meets([when("company", "equal_to", ["globex"], null, "contact_attribute")], facts)).toBe(true);
  });

  it("meets a checkbox attribute with true given as a boolean or as text", () => {
    expect(meets([when("vip", "equal_to", [true])], { contact_custom_attributes: { vip: true } })).toBe(true);
    expect(meets([when("vip", "equal_to", ["true"])], { contact_custom_attributes: { vip: true } })).toBe(true);
    expect(meets([when("vip", "equal_to", [true])], { contact_custom_attributes: { vip: false } })).toBe(false);
  });

  it("never reads an attribute from the object prototype", () => {
    expect(meets([when("constructor", "is_present", [])])).toBe(false);
  });

  it("meets isLead equal_to yes after the widget sent >cs /set isLead yes", async () => {
    const t = await tenant();
    const inbox = await createInbox(t.admin.access_token, t.account.id);
    const widgetToken = unique("wt");
    await env.DB.prepare(
      "insert into chat_widgets (account_id, name, type, widget_token, inbox_id, settings, pre_chat_form) values (?, 'Site', 'live_chat', ?, ?, '{}', '{}')",
    )
      .bind(t.account.id, widgetToken, inbox.id)
      .run();
    const session = (await call("POST", "/api/v1/widget/sessions", { body: { widget_token: widgetToken } })).body;
    const command = await call("POST", "/api/v1/widget/commands", {
      body: { widget_token: widgetToken, source_id: session.source_id, conversation_id: session.conversation_id, command: ">cs /set isLead yes" },
    });
    expectStatus(command, 200);
    const conversation = await call("GET", `/api/v1/accounts/${t.account.id}/conversations/${session.conversation_id}`, {
      token: t.admin.access_token,
    });
    expectStatus(conversation, 200);
    const lead = [when("isLead", "equal_to", ["yes"], null, "conversation_attribute")];
    expect(evaluateConditions(lead, factsFromConversation(conversation.body))).toBe(true);
    expect(evaluateConditions([when("isLead", "equal_to", ["no"])], factsFromConversation(conversation.body))).toBe(false);
  });
});

describe("labels", () => {
  it("meets equal_to when the conversation has any of the labels", () => {
    expect(meets([when("labels", "equal_to", ["billing", "vip"])], { labels: ["new", "vip"] })).toBe(true);
  });

  it("does not meet equal_to when it has none of them", () => {
    expect(meets([when("labels", "equal_to", ["billing", "vip"])], { labels: ["new"] })).toBe(false);
  });

  it("meets not_equal_to only when it has none of them", () => {
    expect(meets([when("labels", "not_equal_to", ["spam"])], { labels: ["new"] })).toBe(true);
    expect(meets([when("labels", "not_equal_to", ["spam"])], { labels: ["new", "spam"] })).toBe(false);
    expect(meets([when("labels", "not_equal_to", ["spam"])], { labels: [] })).toBe(true);
  });

  it("meets is_present with at least one label and is_not_present with none", () => {
    expect(meets([when("labels", "is_present", [])], { labels: ["new"] })).toBe(true);
    expect(meets([when("labels", "is_not_present", [])], { labels: [] })).toBe(true);
    expect(meets([when("labels", "is_present", [])], { labels: [] })).toBe(false);
  });
});

describe("AND and OR, left to right with AND binding tighter", () => {
  const open = when("status", "equal_to", ["open"]);
  const resolved = when("status", "equal_to", ["resolved"]);
  const french = when("browser_language", "equal_to", ["fr"]);
  const german = when("browser_language", "equal_to", ["de"]);
  const join = (condition: AutomationCondition, operator: "AND" | "OR") => ({ ...condition, query_operator: operator });

  it("reads A AND B OR C as (A AND B) OR C: a false A is rescued by C", () => {
    expect(meets([join(resolved, "AND"), join(french, "OR"), open])).toBe(true);
  });

  it("reads A AND B OR C as (A AND B) OR C: false when neither side holds", () => {
    expect(meets([join(resolved, "AND"), join(french, "OR"), german])).toBe(false);
  });

  it("reads A OR B AND C as A OR (B AND C): a true A is enough even when C is false", () => {
    expect(meets([join(open, "OR"), join(german, "AND"), resolved])).toBe(true);
  });

  it("reads A OR B AND C as A OR (B AND C): a true B needs C", () => {
    expect(meets([join(resolved, "OR"), join(french, "AND"), german])).toBe(false);
    expect(meets([join(resolved, "OR"), join(french, "AND"), open])).toBe(true);
  });

  it("reads A AND B AND C as all three", () => {
    expect(meets([join(open, "AND"), join(french, "AND"), when("city", "equal_to", ["lyon"])])).toBe(true);
    expect(meets([join(open, "AND"), join(french, "AND"), when("city", "equal_to", ["paris"])])).toBe(false);
  });

  it("meets an empty list of conditions", () => {
    expect(meets([])).toBe(true);
  });
});

describe("is_present and is_not_present", () => {
  it("meets assignee_id is_not_present for an unassigned conversation", () => {
    expect(meets([when("assignee_id", "is_not_present", [])])).toBe(true);
    expect(meets([when("assignee_id", "is_present", [])])).toBe(false);
  });

  it("meets team_id is_present for a conversation with a team", () => {
    expect(meets([when("team_id", "is_present", [])], { team_id: 7 })).toBe(true);
  });

  it("counts blank text as absent", () => {
    expect(meets([when("email", "is_not_present", [])], { email: "  " })).toBe(true);
    expect(meets([when("order_id", "is_present", [])], { conversation_custom_attributes: { order_id: "" } })).toBe(false);
  });
});

describe("days_before", () => {
  const now = new Date("2024-03-10T15:00:00Z");
  const renewal = (date: string) => ({ contact_custom_attributes: { renewal_date: date } });

  it("meets a date more than N days before today", () => {
    expect(meets([when("renewal_date", "days_before", [7])], renewal("2024-03-01"), now)).toBe(true);
  });

  it("does not meet a date exactly N days before today", () => {
    expect(meets([when("renewal_date", "days_before", [9])], renewal("2024-03-01"), now)).toBe(false);
    expect(meets([when("renewal_date", "days_before", ["8"])], renewal("2024-03-01"), now)).toBe(true);
  });

  it("does not meet a date in the future, an absent date or text that is no date", () => {
    expect(meets([when("renewal_date", "days_before", [0])], renewal("2024-04-01"), now)).toBe(false);
    expect(meets([when("renewal_date", "days_before", [0])], {}, now)).toBe(false);
    expect(meets([when("renewal_date", "days_before", [0])], renewal("soon"), now)).toBe(false);
  });
});

describe("numbers and dates", () => {
  const orders = (count: unknown) => ({ contact_custom_attributes: { orders: count } });

  it("compares numbers as numbers, also when stored as text", () => {
    expect(meets([when("orders", "is_greater_than", [10])], orders(250))).toBe(true);
    expect(meets([when("orders", "is_greater_than", ["10"])], orders("9"))).toBe(false);
    expect(meets([when("orders", "is_less_than", [10])], orders("9.5"))).toBe(true);
  });

  it("is neither greater nor less when equal, and equal_to compares numbers by value", () => {
    expect(meets([when("orders", "is_greater_than", [10])], orders(10))).toBe(false);
    expect(meets([when("orders", "is_less_than", [10])], orders(10))).toBe(false);
    expect(meets([when("orders", "equal_to", ["10.0"])], orders(10))).toBe(true);
  });

  it("compares dates", () => {
    const signedUp = { conversation_custom_attributes: { signed_up: "2024-02-01" } };
    expect(meets([when("signed_up", "is_greater_than", ["2024-01-15"])], signedUp)).toBe(true);
    expect(meets([when("signed_up", "is_less_than", ["2024-01-15"])], signedUp)).toBe(false);
  });

  it("does not compare an absent attribute or text that is neither number nor date", () => {
    expect(meets([when("orders", "is_greater_than", [1])], {})).toBe(false);
    expect(meets([when("orders", "is_less_than", [1])], orders("many"))).toBe(false);
  });
});

describe("facts from Chatwoot's conversation payload", () => {
  const state: ConversationState = {
    accountId: 1,
    displayId: 12,
    uuid: "7c2b5f1e-8a8d-4c53-9a5e-2f3a9b1c0d4e",
    inboxId: 3,
    contactInboxId: 5,
    sourceId: "source",
    status: "pending",
    priority: "high",
    assigneeId: 8,
    teamId: null,
    labels: ["vip"],
    customAttributes: { plan: "pro" },
    additionalAttributes: { browser_language: "fr-FR", referer: "https://acme.example.test/pricing", mail_subject: "Invoice" },
    snoozedUntil: null,
    createdAt: 1_700_000_000,
    lastActivityAt: 1_700_000_100,
    agentLastSeenAt: 0,
    contactLastSeenAt: 0,
    assigneeLastSeenAt: 0,
    firstReplyCreatedAt: null,
    waitingSince: null,
  };
  const message = (messageType: MessageRecord["messageType"], content: string): MessageRecord => ({
    id: 1,
    content,
    messageType,
    contentType: "text",
    contentAttributes: {},
    private: false,
    sender: null,
    sourceId: null,
    echoId: null,
    attachments: [],
    createdAt: 1_700_000_050,
    updatedAt: 1_700_000_050,
  });
  const payload = conversationPayload(state, {
    channel: "Channel::WebWidget",
    contact: {
      id: 4,
      name: "Vera Visitor",
      email: "vera@example.test",
      phoneNumber: null,
      identifier: null,
      avatarUrl: null,
      customAttributes: { tier: "gold" },
      additionalAttributes: { city: "Lyon", country_code: "FR", company_name: "Acme" },
      createdAt: 1_700_000_000,
      lastActivityAt: null,
    },
    contactInbox: { id: 5, contactId: 4, inboxId: 3, sourceId: "source", hmacVerified: false, createdAt: 0, updatedAt: 0 },
    assignee: null,
    team: null,
    messages: [messagePayload(message(MessageType.incoming, "Refund please"), { accountId: 1, inboxId: 3, conversationDisplayId: 12, sender: null })],
    unreadCount: 1,
    canReply: true,
  });

  it("flattens the conversation, its contact and its last message", () => {
    expect(factsFromConversation(payload)).toEqual({
      status: "pending",
      priority: "high",
      inbox_id: 3,
      assignee_id: 8,
      team_id: null,
      labels: ["vip"],
      browser_language: "fr-FR",
      conversation_language: null,
      country_code: "FR",
      referer: "https://acme.example.test/pricing",
      mail_subject: "Invoice",
      email: "vera@example.test",
      phone_number: null,
      city: "Lyon",
      company: "Acme",
      message_type: "incoming",
      content: "Refund please",
      conversation_custom_attributes: { plan: "pro" },
      contact_custom_attributes: { tier: "gold" },
    });
  });

  it("takes the message that triggered the event when given, by Chatwoot's message type name", () => {
    const outgoing = messagePayload(message(MessageType.outgoing, "On its way"), { accountId: 1, inboxId: 3, conversationDisplayId: 12, sender: null });
    expect(factsFromConversation(payload, outgoing)).toMatchObject({ message_type: "outgoing", content: "On its way" });
  });

  it("has no message facts for a conversation without messages", () => {
    expect(factsFromConversation({ ...payload, messages: [] })).toMatchObject({ message_type: null, content: null });
  });
});

describe("checking conditions against the event and the account's attributes", () => {
  const definitions = [
    { key: "plan", model: "contact_attribute" as const, displayType: "list" as const },
    { key: "orders", model: "contact_attribute" as const, displayType: "number" as const },
    { key: "tier", model: "contact_attribute" as const, displayType: "text" as const },
    { key: "tier", model: "conversation_attribute" as const, displayType: "text" as const },
  ];
  const issuesOf = (event: Parameters<typeof checkConditions>[0], conditions: AutomationCondition[]) =>
    checkConditions(event, conditions, definitions).issues.map(({ index, field, code }) => ({ index, field, code }));

  it("accepts the attributes Chatwoot's editor offers for the event", () => {
    expect(issuesOf("message_created", [when("message_type", "equal_to", ["incoming"], "AND"), when("content", "contains", ["refund"])])).toEqual([]);
    expect(issuesOf("conversation_updated", [when("assignee_id", "is_present", [], "OR"), when("team_id", "equal_to", [2])])).toEqual([]);
  });

  it("refuses an attribute the event does not offer, naming the condition", () => {
    expect(issuesOf("conversation_created", [when("status", "equal_to", ["open"], "AND"), when("message_type", "equal_to", ["incoming"])])).toEqual([
      { index: 1, field: "attribute_key", code: "not_for_event" },
    ]);
    expect(issuesOf("message_created", [when("status", "equal_to", ["open"])])).toEqual([{ index: 0, field: "attribute_key", code: "not_for_event" }]);
  });

  it("refuses an operator the attribute does not allow", () => {
    expect(issuesOf("conversation_created", [when("status", "contains", ["op"])])).toEqual([{ index: 0, field: "filter_operator", code: "not_for_attribute" }]);
    expect(issuesOf("conversation_created", [when("plan", "is_greater_than", [1])])).toEqual([
      { index: 0, field: "filter_operator", code: "not_for_attribute" },
    ]);
  });

  it("refuses values the attribute cannot have", () => {
    expect(issuesOf("conversation_created", [when("status", "equal_to", ["closed"])])).toEqual([{ index: 0, field: "values", code: "invalid" }]);
    expect(issuesOf("conversation_created", [when("inbox_id", "equal_to", ["three"])])).toEqual([{ index: 0, field: "values", code: "invalid" }]);
    expect(issuesOf("conversation_created", [when("orders", "is_greater_than", ["many"])])).toEqual([{ index: 0, field: "values", code: "invalid" }]);
    expect(issuesOf("conversation_created", [when("email", "contains", [])])).toEqual([{ index: 0, field: "values", code: "invalid" }]);
  });

  it("refuses a key that is neither standard nor a custom attribute of the account", () => {
    expect(issuesOf("conversation_created", [when("shoe_size", "equal_to", ["42"])])).toEqual([
      { index: 0, field: "attribute_key", code: "unknown_attribute" },
    ]);
    expect(issuesOf("conversation_created", [when("plan", "equal_to", ["pro"], null, "conversation_attribute")])).toEqual([
      { index: 0, field: "attribute_key", code: "unknown_attribute" },
    ]);
  });

  it("ties a custom attribute to the model that defines it, and asks which when both do", () => {
    const checked = checkConditions("conversation_created", [when("plan", "equal_to", ["pro"])], definitions);
    expect(checked.conditions[0]?.custom_attribute_type).toBe("contact_attribute");
    expect(issuesOf("conversation_created", [when("tier", "equal_to", ["gold"])])).toEqual([{ index: 0, field: "custom_attribute_type", code: "ambiguous" }]);
  });

  it("needs AND or OR between conditions and stores none after the last", () => {
    expect(issuesOf("conversation_created", [when("status", "equal_to", ["open"]), when("priority", "equal_to", ["high"])])).toEqual([
      { index: 0, field: "query_operator", code: "required" },
    ]);
    const checked = checkConditions("conversation_created", [when("status", "equal_to", ["open"], "AND")], definitions);
    expect(checked.conditions[0]?.query_operator).toBeNull();
  });
});
