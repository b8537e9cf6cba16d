import { describe, expect, it } from "vitest";
import { call, createInbox, eventually, expectStatus, tenant } from "./helpers";
import { sinkHost, sinkRequests } from "./outbound";
import { createWebhook } from "./webhook-fixtures";

type Tenant = Awaited<ReturnType<typeof tenant>>;

const CLOSED_ALL_WEEK = [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day_of_week: day, closed_all_day: true }));
const OPEN_ALL_WEEK = [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day_of_week: day, open_all_day: true }));

/** A website inbox with `settings`, an anonymous visitor's session in it and their first message. */
async function visitorConversation(t: Tenant, settings: Record<string, unknown>) {
  const inbox = await createInbox(t.admin.access_token, t.account.id, { channel: { type: "web_widget", website_url: "https://acme.test" }, ...settings });
  const contact = (await call("POST", `/public/api/v1/inboxes/${inbox.website_token}/contacts`, { body: {} })).body as { source_id: string; id: number };
  const base = `/public/api/v1/inboxes/${inbox.website_token}/contacts/${contact.source_id}`;
  const conversation = (await call("POST", `${base}/conversations`, { body: {} })).body as { id: number };
  const path = `${base}/conversations/${conversation.id}`;
  expectStatus(await call("POST", `${path}/messages`, { body: { content: "Do you fit implants?" } }), 200);
  return { inbox, contact, base, path, conversationId: conversation.id as number };
}

const app = (t: Tenant) => (method: string, path: string, body?: unknown) =>
  call(method, `/api/v1/accounts/${t.account.id}${path}`, { token: t.admin.access_token, body });

async function visitorMessages(path: string) {
  return (await call("GET", `${path}/messages`)).body as {
    id: number;
    content_type: string;
    content: string;
    message_type: number;
    content_attributes: Record<string, unknown>;
  }[];
}

describe("CSAT surveys", () => {
  it("sends Chatwoot's input_csat message when a conversation of a surveying inbox is resolved", async () => {
    const t = await tenant();
    const chat = await visitorConversation(t, { csat_survey_enabled: true });
    expectStatus(await app(t)("POST", `/conversations/${chat.conversationId}/toggle_status`, { status: "resolved" }), 200);
    const survey = (await visitorMessages(chat.path)).find((message) => message.content_type === "input_csat");
    expect(survey).toMatchObject({ content: "Please rate the conversation", message_type: 3 });
  });

  it("sends no survey when the inbox does not ask for one", async () => {
    const t = await tenant();
    const chat = await visitorConversation(t, {});
    expectStatus(await app(t)("POST", `/conversations/${chat.conversationId}/toggle_status`, { status: "resolved" }), 200);
    expect((await visitorMessages(chat.path)).some((message) => message.content_type === "input_csat")).toBe(false);
  });

  it("stores the contact's rating once and serves it with Chatwoot's list and metrics", async () => {
    const t = await tenant();
    const chat = await visitorConversation(t, { csat_survey_enabled: true });
    expectStatus(await app(t)("POST", `/conversations/${chat.conversationId}/toggle_status`, { status: "resolved" }), 200);
    const survey = (await visitorMessages(chat.path)).find((message) => message.content_type === "input_csat");
    const answer = { csat_survey_response: { rating: 5, feedback_message: "Quick and kind." } };
    const answered = await call("PATCH", `${chat.path}/messages/${survey?.id}`, { body: { submitted_values: answer } });
    expectStatus(answered, 200);
    expect(answered.body.content_attributes.submitted_values).toEqual(answer);
    const again = await call("PATCH", `${chat.path}/messages/${survey?.id}`, { body: { submitted_values: { csat_survey_response: { rating: 1 } } } });
    expectStatus(again, 409);

    const list = await app(t)("GET", "/csat_survey_responses?rating=5");
    expectStatus(list, 200);
    expect(list.body).toEqual([
      expect.objectContaining({
        rating: 5,
        feedback_message: "Quick and kind.",
        conversation_id: chat.conversationId,
        message_id: survey?.id,
        contact: expect.objectContaining({ id: chat.contact.id }),
      }),
    ]);
    expect((await app(t)("GET", "/csat_survey_responses?rating=1,2")).body).toEqual([]);
    const metrics = await app(t)("GET", "/csat_survey_responses/metrics");
    expect(metrics.body).toEqual({ total_count: 1, ratings_count: { "5": 1 }, total_sent_messages_count: 1 });
  });

  it("sends the answer to webhooks as Chatwoot does: message_updated with the submitted values", async () => {
    const t = await tenant();
    const host = sinkHost();
    await createWebhook(t.admin.access_token, t.account.id, `https://${host}/parley`, { subscriptions: ["message_updated"] });
    const chat = await visitorConversation(t, { csat_survey_enabled: true });
    expectStatus(await app(t)("POST", `/conversations/${chat.conversationId}/toggle_status`, { status: "resolved" }), 200);
    const survey = (await visitorMessages(chat.path)).find((message) => message.content_type === "input_csat");
    const answer = { csat_survey_response: { rating: 4, feedback_message: "Good, thanks." } };
    expectStatus(await call("PATCH", `${chat.path}/messages/${survey?.id}`, { body: { submitted_values: answer } }), 200);
    await eventually(async () => {
      const bodies = (await sinkRequests(host)).map((request) => JSON.parse(request.body));
      expect(bodies).toContainEqual(
        expect.objectContaining({
          event: "message_updated",
          id: survey?.id,
          content_type: "input_csat",
          content_attributes: expect.objectContaining({ submitted_values: answer }),
        }),
      );
    }, 15_000);
  }, 20_000);

  it("lets only administrators read the responses", async () => {
    const t = await tenant();
    const reply = await call("GET", `/api/v1/accounts/${t.account.id}/csat_survey_responses`, { token: t.agent.access_token });
    expectStatus(reply, 403);
  });

  it("refuses a rating outside 1 to 5", async () => {
    const t = await tenant();
    const chat = await visitorConversation(t, { csat_survey_enabled: true });
    expectStatus(await app(t)("POST", `/conversations/${chat.conversationId}/toggle_status`, { status: "resolved" }), 200);
    const survey = (await visitorMessages(chat.path)).find((message) => message.content_type === "input_csat");
    expectStatus(await call("PATCH", `${chat.path}/messages/${survey?.id}`, { body: { submitted_values: { csat_survey_response: { rating: 6 } } } }), 422);
  });
});

describe("email collect", () => {
  it("asks an anonymous visitor for an email after the first agent answer, and keeps it on the contact", async () => {
    const t = await tenant();
    const chat = await visitorConversation(t, { enable_email_collect: true });
    expect((await visitorMessages(chat.path)).some((message) => message.content_type === "input_email")).toBe(false);
    expectStatus(await app(t)("POST", `/conversations/${chat.conversationId}/messages`, { content: "We do. **Shall I book you in?**" }), 200);
    const box = await (async () => {
      let found: Awaited<ReturnType<typeof visitorMessages>>[number] | undefined;
      await eventually(async () => {
        found = (await visitorMessages(chat.path)).find((message) => message.content_type === "input_email");
        expect(found).toBeDefined();
      });
      return found;
    })();
    expect(box?.content).toBe("Get notified by email");
    expectStatus(await call("PATCH", `${chat.path}/messages/${box?.id}`, { body: { submitted_values: { email: "not-an-email" } } }), 422);
    expectStatus(await call("PATCH", `${chat.path}/messages/${box?.id}`, { body: { submitted_values: { email: "Vera@Example.test" } } }), 200);
    expect((await call("GET", chat.base)).body.email).toBe("vera@example.test");
  });

  it("does not ask a visitor whose email is known", async () => {
    const t = await tenant();
    const chat = await visitorConversation(t, { enable_email_collect: true });
    expectStatus(await call("PATCH", chat.base, { body: { email: "known@example.test" } }), 200);
    expectStatus(await app(t)("POST", `/conversations/${chat.conversationId}/messages`, { content: "Hello!" }), 200);
    expectStatus(await app(t)("POST", `/conversations/${chat.conversationId}/messages`, { content: "Still there?" }), 200);
    expect((await visitorMessages(chat.path)).some((message) => message.content_type === "input_email")).toBe(false);
  });
});

describe("widget availability", () => {
  async function widgetFor(t: Tenant, inboxSettings: Record<string, unknown>, widgetSettings: Record<string, unknown> = {}) {
    const inbox = await createInbox(t.admin.access_token, t.account.id, {
      channel: { type: "web_widget", website_url: "https://acme.test" },
      ...inboxSettings,
    });
    const widget = await app(t)("POST", "/chat_widgets", { name: "Site chat", type: "live_chat", inbox_id: inbox.id, settings: widgetSettings });
    expectStatus(widget, 201);
    return widget.body.widget_token as string;
  }

  it("is away with the out-of-office message outside the inbox's working hours", async () => {
    const t = await tenant();
    const token = await widgetFor(t, {
      working_hours_enabled: true,
      working_hours: CLOSED_ALL_WEEK,
      out_of_office_message: "We are closed for the week.",
      reply_time: "in_a_day",
    });
    const reply = await call("GET", `/api/v1/widget/availability?widget_token=${token}`);
    expectStatus(reply, 200);
    expect(reply.body).toMatchObject({
      online: false,
      open_now: false,
      out_of_office_message: "We are closed for the week.",
      reply_time: "in_a_day",
      next_change_at: null,
    });
  });

  it("lets the widget's business hours and away message win over the inbox's", async () => {
    const t = await tenant();
    const token = await widgetFor(
      t,
      { working_hours_enabled: true, working_hours: OPEN_ALL_WEEK, out_of_office_message: "Inbox text" },
      { business_hours: { enabled: true, days: CLOSED_ALL_WEEK }, away_message: "Widget text" },
    );
    const reply = await call("GET", `/api/v1/widget/availability?widget_token=${token}`);
    expect(reply.body).toMatchObject({ online: false, out_of_office_message: "Widget text" });
  });

  it("is away without working hours while no agent of the inbox is online, and shows the greeting", async () => {
    const t = await tenant();
    const token = await widgetFor(t, { greeting_enabled: true, greeting_message: "Hi! Ask us anything." });
    const reply = await call("GET", `/api/v1/widget/availability?widget_token=${token}`);
    expect(reply.body).toMatchObject({
      online: false,
      open_now: true,
      out_of_office_message: null,
      greeting: { enabled: true, message: "Hi! Ask us anything." },
    });
  });
});
