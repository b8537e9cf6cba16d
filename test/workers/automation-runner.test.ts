import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client";
import { verifyWebhookSignature } from "../../src/domain/webhook-signature";
import { handleConversationEvent } from "../../src/jobs/conversation-event";
import type { ConversationEventJob } from "../../src/jobs/messages";
import { call, clientSession, createTeam, eventually, expectStatus, tenant, unique } from "./helpers";
import { addAttributeDefinition, widgetCommandSession } from "./widget-fixtures";
import { sinkHost, sinkRequests } from "./outbound";
import { attachFile, automationRulesPath, createAutomationRule } from "./workflow-fixtures";

type Tenant = Awaited<ReturnType<typeof tenant>>;
type Session = Awaited<ReturnType<typeof clientSession>>;
type Run = { conversation_id: number; event_name: string; status: string; results: { action_name: string; status: string; message?: string }[] };

const condition = (attribute_key: string, filter_operator: string, values: unknown[], query_operator: string | null = null) => ({
  attribute_key,
  filter_operator,
  values,
  query_operator,
});

async function visitorSays(session: Session, content: string) {
  const reply = await call("POST", `${session.conversationPath}/messages`, { body: { content } });
  expectStatus(reply, 200);
  return reply.body as { id: number };
}

async function conversationOf(t: Tenant, displayId: number) {
  const reply = await call("GET", `/api/v1/accounts/${t.account.id}/conversations/${displayId}`, { token: t.admin.access_token });
  expectStatus(reply, 200);
  return reply.body as { labels: string[]; team_id: number | null; status: string; assignee_id: number | null; priority: string | null };
}

async function messagesOf(t: Tenant, displayId: number) {
  const reply = await call("GET", `/api/v1/accounts/${t.account.id}/conversations/${displayId}/messages`, { token: t.admin.access_token });
  expectStatus(reply, 200);
  return reply.body.payload as {
    id: number;
    content: string | null;
    message_type: number;
    private: boolean;
    content_attributes: Record<string, unknown>;
    attachments?: { id: number; file_name: string; file_type: string; data_url: string }[];
  }[];
}

async function runsOf(t: Tenant, ruleId: number): Promise<Run[]> {
  const reply = await call("GET", `${automationRulesPath(t.account.id)}/${ruleId}/runs`, { token: t.admin.access_token });
  expectStatus(reply, 200);
  return reply.body.payload as Run[];
}

async function createWebhook(t: Tenant, url: string, subscriptions: string[]) {
  const reply = await call("POST", `/api/v1/accounts/${t.account.id}/webhooks`, { token: t.admin.access_token, body: { url, subscriptions } });
  expectStatus(reply, 200);
  return reply.body.payload.webhook as { id: number; secret: string };
}

describe("automation rules at work", { timeout: 20_000 }, () => {
  it("labels, assigns a team and sends a signed webhook when a visitor writes about a refund (the issue's example)", async () => {
    const t = await tenant();
    const billing = await createTeam(t.admin.access_token, t.account.id, { name: "Billing" });
    const host = sinkHost("refunds");
    const url = `https://${host}/hooks`;
    const webhook = await createWebhook(t, url, ["conversation_created"]);
    const rule = await createAutomationRule(t.admin.access_token, t.account.id, {
      name: "Refunds to billing",
      event_name: "message_created",
      conditions: [condition("content", "contains", ["refund"])],
      actions: [
        { action_name: "add_label", action_params: ["billing"] },
        { action_name: "assign_team", action_params: [billing.id] },
        { action_name: "send_webhook_event", action_params: [url] },
      ],
    });
    const session = await clientSession(t);
    await visitorSays(session, "Hello, I would like a REFUND please");

    await eventually(async () => {
      const conversation = await conversationOf(t, session.conversation.id);
      expect(conversation.labels).toEqual(["billing"]);
      expect(conversation.team_id).toBe(billing.id);
    });
    await eventually(async () => {
      const received = (await sinkRequests(host)).filter((request) => request.body.includes("automation_event"));
      expect(received).toHaveLength(1);
      const [request] = received;
      if (!request) throw new Error("no request");
      const body = JSON.parse(request.body) as { event: string; id: number; labels: string[]; meta: { team: { name: string } | null } };
      expect(body.event).toBe("automation_event.message_created");
      expect(body.id).toBe(session.conversation.id);
      expect(body.labels).toEqual(["billing"]);
      expect(body.meta.team?.name).toBe("Billing");
      const signed = await verifyWebhookSignature({
        secret: webhook.secret,
        body: request.body,
        timestamp: request.headers["x-parley-timestamp"] ?? null,
        signature: request.headers["x-parley-signature"] ?? null,
      });
      expect(signed).toBe(true);
    });
    const [run] = await runsOf(t, rule.id);
    expect(run).toMatchObject({ conversation_id: session.conversation.id, event_name: "message_created", status: "completed" });
    expect(run?.results.map((result) => [result.action_name, result.status])).toEqual([
      ["add_label", "done"],
      ["assign_team", "done"],
      ["send_webhook_event", "done"],
    ]);
  });

  it("leaves messages that do not meet the conditions alone", async () => {
    const t = await tenant();
    const rule = await createAutomationRule(t.admin.access_token, t.account.id, {
      event_name: "message_created",
      conditions: [condition("content", "contains", ["refund"])],
      actions: [{ action_name: "add_label", action_params: ["billing"] }],
    });
    const other = await createAutomationRule(t.admin.access_token, t.account.id, {
      event_name: "message_created",
      conditions: [condition("content", "contains", ["hello"])],
      actions: [{ action_name: "add_label", action_params: ["greeting"] }],
    });
    const session = await clientSession(t);
    await visitorSays(session, "hello there");
    await eventually(async () => expect((await conversationOf(t, session.conversation.id)).labels).toEqual(["greeting"]));
    expect(await runsOf(t, rule.id)).toEqual([]);
    expect(await runsOf(t, other.id)).toHaveLength(1);
  });

  it("runs the actions in order, records a failing one and still runs the rest", async () => {
    const t = await tenant();
    const rule = await createAutomationRule(t.admin.access_token, t.account.id, {
      event_name: "message_created",
      conditions: [condition("message_type", "equal_to", ["incoming"])],
      actions: [
        // The agent is no member of the inbox: Chatwoot does not assign them.
        { action_name: "assign_agent", action_params: [t.agent.id] },
        { action_name: "change_priority", action_params: ["urgent"] },
        { action_name: "send_message", action_params: ["Hi {{ contact.first_name || 'there' }}, we are on it."] },
      ],
    });
    const session = await clientSession(t);
    await visitorSays(session, "help");
    await eventually(async () => {
      const [run] = await runsOf(t, rule.id);
      expect(run?.status).toBe("completed");
    });
    const [run] = await runsOf(t, rule.id);
    expect(run?.results).toEqual([
      { action_name: "assign_agent", status: "failed", message: expect.stringContaining("cannot be assigned") },
      { action_name: "change_priority", status: "done" },
      { action_name: "send_message", status: "done" },
    ]);
    const conversation = await conversationOf(t, session.conversation.id);
    expect(conversation.priority).toBe("urgent");
    expect(conversation.assignee_id).toBeNull();
    const sent = (await messagesOf(t, session.conversation.id)).filter((message) => message.message_type === 1);
    expect(sent.map((message) => message.content)).toEqual(["Hi Vera, we are on it."]);
    expect(sent[0]?.content_attributes).toEqual({ automation_rule_id: rule.id });
  });

  it("sends the files a rule holds as one outgoing message (send_attachment)", async () => {
    const t = await tenant();
    const policy = await attachFile(
      t.admin.access_token,
      t.account.id,
      "automation_rules",
      new File(["Refunds take 5 days."], "refunds.txt", { type: "text/plain" }),
    );
    const form = await attachFile(
      t.admin.access_token,
      t.account.id,
      "automation_rules",
      new File(["%PDF-1.7"], "refund-form.pdf", { type: "application/pdf" }),
    );
    const rule = await createAutomationRule(t.admin.access_token, t.account.id, {
      event_name: "message_created",
      conditions: [condition("content", "contains", ["refund"])],
      actions: [{ action_name: "send_attachment", action_params: [policy.blob_id, form.blob_id] }],
    });
    const session = await clientSession(t);
    await visitorSays(session, "How do refunds work?");
    await eventually(async () => expect((await runsOf(t, rule.id))[0]?.status).toBe("completed"));
    expect((await runsOf(t, rule.id))[0]?.results).toEqual([{ action_name: "send_attachment", status: "done" }]);

    const sent = (await messagesOf(t, session.conversation.id)).filter((message) => message.message_type === 1);
    expect(sent).toHaveLength(1);
    const [message] = sent;
    expect(message).toMatchObject({ content: null, private: false, content_attributes: { automation_rule_id: rule.id } });
    expect(message?.attachments?.map((attachment) => [attachment.id, attachment.file_name, attachment.file_type])).toEqual([
      [1, "refunds.txt", "file"],
      [2, "refund-form.pdf", "file"],
    ]);
    const served = await exports.default.fetch(message?.attachments?.[0]?.data_url ?? "");
    expect(served.status).toBe(200);
    expect(await served.text()).toBe("Refunds take 5 days.");
    // The visitor gets it too.
    const seen = await call("GET", `${session.conversationPath}/messages`);
    expect((seen.body as { attachments?: { data_url: string }[] }[]).flatMap((m) => m.attachments ?? []).map((a) => a.data_url)).toEqual(
      message?.attachments?.map((attachment) => attachment.data_url),
    );
  });

  it("does not let changes made by automation trigger automation again", async () => {
    const t = await tenant();
    await createAutomationRule(t.admin.access_token, t.account.id, {
      event_name: "message_created",
      conditions: [condition("message_type", "equal_to", ["incoming"])],
      actions: [
        { action_name: "add_label", action_params: ["seen"] },
        { action_name: "send_message", action_params: ["Thanks!"] },
      ],
    });
    // Would answer every outgoing message and every update, forever, if automation heard itself.
    const echo = await createAutomationRule(t.admin.access_token, t.account.id, {
      event_name: "message_created",
      conditions: [condition("message_type", "equal_to", ["outgoing"])],
      actions: [{ action_name: "send_message", action_params: ["echo"] }],
    });
    // Would run as soon as the first rule's label lands, if automation heard itself.
    const updated = await createAutomationRule(t.admin.access_token, t.account.id, {
      event_name: "conversation_updated",
      conditions: [condition("labels", "equal_to", ["seen"])],
      actions: [{ action_name: "add_label", action_params: ["updated"] }],
    });
    const session = await clientSession(t);
    await visitorSays(session, "hi");
    await eventually(async () => expect((await conversationOf(t, session.conversation.id)).labels).toEqual(["seen"]));
    // An agent's change is heard: the conversation_updated rule runs for it.
    await call("POST", `/api/v1/accounts/${t.account.id}/conversations/${session.conversation.id}/toggle_priority`, {
      token: t.admin.access_token,
      body: { priority: "low" },
    });
    await eventually(async () => expect((await conversationOf(t, session.conversation.id)).labels).toEqual(["seen", "updated"]));
    expect(await runsOf(t, echo.id)).toEqual([]);
    expect((await messagesOf(t, session.conversation.id)).filter((message) => message.message_type === 1).map((m) => m.content)).toEqual(["Thanks!"]);
    expect(await runsOf(t, updated.id)).toHaveLength(1);
  });

  it("runs conversation_opened rules when a resolved conversation opens again", async () => {
    const t = await tenant();
    const rule = await createAutomationRule(t.admin.access_token, t.account.id, {
      event_name: "conversation_opened",
      conditions: [condition("email", "contains", ["@"])],
      actions: [{ action_name: "add_label", action_params: ["reopened"] }],
    });
    const session = await clientSession(t);
    const resolve = await call("POST", `/api/v1/accounts/${t.account.id}/conversations/${session.conversation.id}/toggle_status`, {
      token: t.admin.access_token,
      body: { status: "resolved" },
    });
    expectStatus(resolve, 200);
    await visitorSays(session, "one more thing");
    await eventually(async () => expect((await conversationOf(t, session.conversation.id)).labels).toEqual(["reopened"]));
    expect(await runsOf(t, rule.id)).toHaveLength(1);
  });

  it("runs conversation_created rules on the conversation's custom attributes and contact", async () => {
    const t = await tenant();
    await createAutomationRule(t.admin.access_token, t.account.id, {
      event_name: "conversation_created",
      conditions: [condition("email", "contains", ["@example.test"], "OR"), condition("phone_number", "starts_with", ["+44"])],
      actions: [{ action_name: "resolve_conversation", action_params: [] }],
    });
    const session = await clientSession(t);
    await eventually(async () => expect((await conversationOf(t, session.conversation.id)).status).toBe("resolved"));
  });

  it("tests custom attributes a website sets with >cs /set", async () => {
    const t = await tenant();
    await addAttributeDefinition(t.admin.access_token, t.account.id, {
      attribute_display_name: "Lead",
      attribute_key: "isLead",
      attribute_model: "conversation_attribute",
    });
    await createAutomationRule(t.admin.access_token, t.account.id, {
      event_name: "conversation_updated",
      conditions: [condition("isLead", "equal_to", ["yes"])],
      actions: [{ action_name: "add_label", action_params: ["lead"] }],
    });
    const { session, send } = await widgetCommandSession(t);
    const command = await send(">cs /set isLead yes");
    expectStatus(command, 200);
    await eventually(async () => expect((await conversationOf(t, session.conversation_id)).labels).toEqual(["lead"]));
  });

  it("notifies an agent assigned by someone else, not one who takes a conversation", async () => {
    const t = await tenant();
    const session = await clientSession(t);
    const assign = (token: string, assignee_id: number) =>
      call("POST", `/api/v1/accounts/${t.account.id}/conversations/${session.conversation.id}/assignments`, { token, body: { assignee_id } });
    const notificationsOf = async (token: string) =>
      (await call("GET", `/api/v1/accounts/${t.account.id}/notifications`, { token })).body.data.payload as {
        notification_type: string;
        primary_actor_id: number;
      }[];
    const second = await call("POST", `/api/v1/agency/accounts/${t.account.id}/users`, {
      token: t.agency.access_token,
      body: { name: "Second Admin", email: `${unique("second")}@example.test`, role: "administrator" },
    });
    expectStatus(second, 201);
    expectStatus(await assign(t.admin.access_token, second.body.id as number), 200);
    await eventually(async () =>
      expect(await notificationsOf(second.body.access_token as string)).toEqual([
        expect.objectContaining({ notification_type: "conversation_assignment", primary_actor_id: session.conversation.id }),
      ]),
    );
    expectStatus(await assign(t.admin.access_token, t.admin.id), 200);
    // Handed back afterwards: once that notification is there, the self-assignment was handled too.
    expectStatus(await assign(t.admin.access_token, second.body.id as number), 200);
    await eventually(async () => expect(await notificationsOf(second.body.access_token as string)).toHaveLength(2));
    expect(await notificationsOf(t.admin.access_token)).toEqual([]);
  });

  it("handles a redelivered event once", async () => {
    const t = await tenant();
    const rule = await createAutomationRule(t.admin.access_token, t.account.id, {
      event_name: "message_created",
      conditions: [condition("content", "contains", ["twice"])],
      actions: [{ action_name: "send_message", action_params: ["Only once"] }],
    });
    const session = await clientSession(t);
    const message = await visitorSays(session, "say it twice");
    await eventually(async () => expect(await runsOf(t, rule.id)).toHaveLength(1));
    const [stored] = await openDatabase(env.DB).query.automationRuns.findMany({ where: (runs, { eq }) => eq(runs.ruleId, rule.id) });
    const [, conversationId, seq] = (stored?.eventKey ?? "").split(":").map(Number);
    const job: ConversationEventJob = {
      type: "conversation.event",
      account_id: t.account.id,
      display_id: conversationId ?? 0,
      seq: seq ?? 0,
      origin: { type: "contact" },
      changed: [],
      message_id: message.id,
      assignee_id: null,
      automation: ["message_created"],
      webhooks: ["message_created"],
    };
    await handleConversationEvent(env, job);
    await handleConversationEvent(env, job);
    expect(await runsOf(t, rule.id)).toHaveLength(1);
    const answers = (await messagesOf(t, session.conversation.id)).filter((m) => m.content === "Only once");
    expect(answers).toHaveLength(1);
  });

  it("skips paused rules", async () => {
    const t = await tenant();
    const rule = await createAutomationRule(t.admin.access_token, t.account.id, {
      event_name: "message_created",
      conditions: [condition("message_type", "equal_to", ["incoming"])],
      actions: [{ action_name: "add_label", action_params: ["x"] }],
      active: false,
    });
    const session = await clientSession(t);
    await visitorSays(session, "hi");
    await visitorSays(session, "anyone?");
    const probe = await createAutomationRule(t.admin.access_token, t.account.id, {
      event_name: "message_created",
      conditions: [condition("content", "contains", ["probe"])],
      actions: [{ action_name: "add_label", action_params: ["probe"] }],
    });
    await visitorSays(session, "probe");
    await eventually(async () => expect(await runsOf(t, probe.id)).toHaveLength(1));
    expect(await runsOf(t, rule.id)).toEqual([]);
  });
});

describe("webhooks hear conversation events", { timeout: 20_000 }, () => {
  it("posts message_created with Chatwoot's message body, and status changes", async () => {
    const t = await tenant();
    const host = sinkHost("events");
    const webhook = await createWebhook(t, `https://${host}/in`, ["message_created", "conversation_status_changed", "conversation_created"]);
    const session = await clientSession(t);
    await visitorSays(session, "Is anyone there?");
    await call("POST", `/api/v1/accounts/${t.account.id}/conversations/${session.conversation.id}/toggle_status`, {
      token: t.admin.access_token,
      body: { status: "resolved" },
    });
    await eventually(async () => {
      const events = (await sinkRequests(host)).map((request) => JSON.parse(request.body) as Record<string, unknown> & { event: string });
      expect(events.map((event) => event.event).sort()).toEqual(["conversation_created", "conversation_status_changed", "message_created"]);
    });
    const requests = await sinkRequests(host);
    const bodies = requests.map((request) => JSON.parse(request.body) as Record<string, any>);
    const message = bodies.find((body) => body.event === "message_created");
    expect(message).toMatchObject({
      content: "Is anyone there?",
      message_type: "incoming",
      sender: { type: "contact", name: "Vera Visitor" },
      conversation: { id: session.conversation.id },
      inbox: { id: session.inbox.id },
      account: { id: t.account.id },
    });
    expect(bodies.find((body) => body.event === "conversation_status_changed")).toMatchObject({ id: session.conversation.id, status: "resolved" });
    for (const request of requests) {
      const signed = await verifyWebhookSignature({
        secret: webhook.secret,
        body: request.body,
        timestamp: request.headers["x-parley-timestamp"] ?? null,
        signature: request.headers["x-parley-signature"] ?? null,
      });
      expect(signed).toBe(true);
    }
  });

  it("sends contact_created and contact_updated to webhooks without an inbox", async () => {
    const t = await tenant();
    const host = sinkHost("contacts");
    await createWebhook(t, `https://${host}/in`, ["contact_created", "contact_updated"]);
    const created = await call("POST", `/api/v1/accounts/${t.account.id}/contacts`, {
      token: t.admin.access_token,
      body: { name: "Carla Contact", email: "carla@example.test" },
    });
    expectStatus(created, 201);
    const contactId = created.body.payload.contact.id as number;
    const update = await call("PUT", `/api/v1/accounts/${t.account.id}/contacts/${contactId}`, {
      token: t.admin.access_token,
      body: { name: "Carla C." },
    });
    expect([200, 201]).toContain(update.status);
    await eventually(async () => {
      const bodies = (await sinkRequests(host)).map((request) => JSON.parse(request.body) as Record<string, any>);
      expect(bodies.map((body) => [body.event, body.id]).sort()).toEqual([
        ["contact_created", contactId],
        ["contact_updated", contactId],
      ]);
      expect(bodies.find((body) => body.event === "contact_created")).toMatchObject({
        name: "Carla Contact",
        email: "carla@example.test",
        type: "contact",
        account: { id: t.account.id },
      });
    });
  });

  it("keeps contact events in the Account object's outbox until the queue takes them", async () => {
    const t = await tenant();
    const host = sinkHost("contact-outbox");
    await createWebhook(t, `https://${host}/in`, ["contact_updated"]);
    const created = await call("POST", `/api/v1/accounts/${t.account.id}/contacts`, { token: t.admin.access_token, body: { name: "Olga Outbox" } });
    expectStatus(created, 201);
    const contactId = created.body.payload.contact.id as number;
    const stub = env.ACCOUNT.getByName(String(t.account.id));
    const outboxSize = () => runInDurableObject(stub, (_, state) => state.storage.sql.exec<{ n: number }>("select count(*) as n from contact_outbox").one().n);
    // Enqueued before the answer: nothing waits.
    expect(await outboxSize()).toBe(0);

    // An entry the queue refused (or an eviction interrupted) stays, and the alarm sends it.
    const key = unique("left-over");
    await runInDurableObject(stub, async (_, state) => {
      const job = { type: "contact.event", account_id: t.account.id, contact_id: contactId, event: "contact_updated", key };
      state.storage.sql.exec("insert into contact_outbox (job) values (?)", JSON.stringify(job));
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await outboxSize()).toBe(0);
    await eventually(async () => {
      const bodies = (await sinkRequests(host)).map((request) => JSON.parse(request.body) as Record<string, any>);
      expect(bodies).toEqual([expect.objectContaining({ event: "contact_updated", id: contactId, name: "Olga Outbox" })]);
    });
  });

  it("sends conversation_updated with the changed attributes, each with its value before and after", async () => {
    const t = await tenant();
    const host = sinkHost("updates");
    await createWebhook(t, `https://${host}/in`, ["conversation_updated"]);
    const session = await clientSession(t);
    const conversationPath = `/api/v1/accounts/${t.account.id}/conversations/${session.conversation.id}`;
    const admin = { token: t.admin.access_token };
    expectStatus(await call("POST", `${conversationPath}/labels`, { ...admin, body: { labels: ["vip"] } }), 200);
    await eventually(async () => expect(await sinkRequests(host)).toHaveLength(1));
    expectStatus(await call("POST", `${conversationPath}/labels`, { ...admin, body: { labels: ["vip", "billing"] } }), 200);
    await eventually(async () => expect(await sinkRequests(host)).toHaveLength(2));
    expectStatus(await call("POST", `${conversationPath}/toggle_priority`, { ...admin, body: { priority: "high" } }), 200);
    await eventually(async () => {
      const bodies = (await sinkRequests(host)).map((request) => JSON.parse(request.body) as Record<string, any>);
      expect(bodies.map((body) => body.event)).toEqual(["conversation_updated", "conversation_updated", "conversation_updated"]);
      expect(bodies.map((body) => body.changed_attributes)).toEqual([
        [{ label_list: { previous_value: [], current_value: ["vip"] } }],
        [{ label_list: { previous_value: ["vip"], current_value: ["vip", "billing"] } }],
        [{ priority: { previous_value: null, current_value: "high" } }],
      ]);
    });
  });
});
