import { describe, expect, it } from "vitest";
import { call, createInbox, expectStatus, tenant, unique } from "./helpers";

type Tenant = Awaited<ReturnType<typeof tenant>>;

/** A visitor's conversation in an API inbox, through the Client API. */
async function visitorConversation(inbox: Record<string, unknown>, name: string, email: string) {
  const identifier = inbox.inbox_identifier as string;
  const contact = (await call("POST", `/public/api/v1/inboxes/${identifier}/contacts`, { body: { name, email } })).body as { id: number; source_id: string };
  const conversation = (await call("POST", `/public/api/v1/inboxes/${identifier}/contacts/${contact.source_id}/conversations`, { body: {} })).body as {
    id: number;
  };
  return { contact, conversation };
}

const filter = (t: Tenant, kind: "conversations" | "contacts", payload: unknown[], token = t.admin.access_token) =>
  call("POST", `/api/v1/accounts/${t.account.id}/${kind}/filter`, { token, body: { payload } });

describe("Application API: conversation filter", () => {
  it("finds the conversations that meet all the conditions, as Chatwoot's swagger example joins them with AND", async () => {
    const t = await tenant();
    const inbox = await createInbox(t.admin.access_token, t.account.id, { channel: { type: "api" } });
    const pending = await visitorConversation(inbox, "Pia", `${unique("pia")}@example.test`);
    await visitorConversation(inbox, "Otto", `${unique("otto")}@example.test`);
    await call("POST", `/api/v1/accounts/${t.account.id}/conversations/${pending.conversation.id}/toggle_status`, {
      token: t.admin.access_token,
      body: { status: "pending" },
    });
    // Chatwoot's swagger example (conversationFilter): browser_language not_equal_to en AND status equal_to pending.
    const reply = await filter(t, "conversations", [
      { attribute_key: "browser_language", filter_operator: "not_equal_to", values: ["en"], query_operator: "AND" },
      { attribute_key: "status", filter_operator: "equal_to", values: ["pending"], query_operator: null },
    ]);
    expectStatus(reply, 200);
    expect(reply.body.payload.map((conversation: { id: number }) => conversation.id)).toEqual([pending.conversation.id]);
    expect(reply.body.meta).toMatchObject({ all_count: 1, unassigned_count: 1 });
  });

  it("joins conditions with OR when asked, in either case", async () => {
    const t = await tenant();
    const inbox = await createInbox(t.admin.access_token, t.account.id, { channel: { type: "api" } });
    const first = await visitorConversation(inbox, "Ann", "ann@alpha.example");
    const second = await visitorConversation(inbox, "Bob", "bob@beta.example");
    await visitorConversation(inbox, "Cy", "cy@gamma.example");
    const reply = await filter(t, "conversations", [
      { attribute_key: "email", filter_operator: "contains", values: ["alpha"], query_operator: "or" },
      { attribute_key: "display_id", filter_operator: "equal_to", values: [second.conversation.id], query_operator: null },
    ]);
    expectStatus(reply, 200);
    expect(reply.body.payload.map((conversation: { id: number }) => conversation.id).sort()).toEqual([first.conversation.id, second.conversation.id].sort());
  });

  it("shows an agent only the conversations of their inboxes", async () => {
    const t = await tenant();
    const inbox = await createInbox(t.admin.access_token, t.account.id, { channel: { type: "api" } });
    await visitorConversation(inbox, "Hidden", "hidden@example.test");
    const reply = await filter(t, "conversations", [{ attribute_key: "status", filter_operator: "equal_to", values: ["open"] }], t.agent.access_token);
    expectStatus(reply, 200);
    expect(reply.body.payload).toEqual([]);
  });

  it("refuses an attribute no conversation filter can test, naming the condition", async () => {
    const t = await tenant();
    const reply = await filter(t, "conversations", [{ attribute_key: "shoe_size", filter_operator: "equal_to", values: ["42"] }]);
    expectStatus(reply, 422);
    expect(reply.body.error.details[0]).toMatchObject({ field: "payload.0.attribute_key" });
  });
});

describe("Application API: contact filter", () => {
  it("finds contacts by their fields and custom attributes", async () => {
    const t = await tenant();
    const definition = await call("POST", `/api/v1/accounts/${t.account.id}/custom_attribute_definitions`, {
      token: t.admin.access_token,
      body: { attribute_display_name: "Plan", attribute_key: "plan", attribute_display_type: "text", attribute_model: "contact_attribute" },
    });
    expectStatus(definition, 200);
    const gold = await call("POST", `/api/v1/accounts/${t.account.id}/contacts`, {
      token: t.admin.access_token,
      body: { name: "Goldie", email: "goldie@example.test", custom_attributes: { plan: "gold" } },
    });
    expectStatus(gold, 201);
    await call("POST", `/api/v1/accounts/${t.account.id}/contacts`, {
      token: t.admin.access_token,
      body: { name: "Silvia", custom_attributes: { plan: "silver" } },
    });
    const reply = await filter(t, "contacts", [
      { attribute_key: "plan", filter_operator: "equal_to", values: ["gold"], query_operator: "AND" },
      { attribute_key: "name", filter_operator: "contains", values: ["gold"], query_operator: null },
    ]);
    expectStatus(reply, 200);
    expect(reply.body.meta).toEqual({ count: 1, current_page: 1 });
    expect(reply.body.payload.map((contact: { name: string }) => contact.name)).toEqual(["Goldie"]);
  });
});
