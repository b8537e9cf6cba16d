// Chatwoot's bots and integrations against Parley, driven as those programs drive Chatwoot. Every
// call sequence and expected field below comes from Chatwoot's documentation or source (named at each
// fixture), never from Parley's own behaviour.
import { describe, expect, it } from "vitest";
import { call, createInbox, eventually, expectStatus, tenant, unique } from "./helpers";
import { chatwootReceiverAccepts, type RecordedRequest, sinkHost, sinkRequests } from "./outbound";

/**
 * Chatwoot's agent bot documentation: chatwoot.com/docs/product/others/agent-bots ("The agent bot can
 * post the generated response back into the widget by calling chatwoot APIs like message_create",
 * "The agent bot can toggle a conversation status to open to hand off the conversation to a human
 * agent") and the help center's "How to use Agent bots?" ("When an agent bot is connected to an
 * inbox, conversations are created with a "pending" status"); the calls as its Application API
 * (swagger/tag_groups/application_swagger.json) names them: create-an-account-agent-bot with `name`,
 * `description` and `outgoing_url`, updateAgentBot (`set_agent_bot`) with `{"agent_bot": <id>}`,
 * create-a-new-message-in-a-conversation and toggle-status-of-a-conversation with the bot's own
 * `api_access_token` (security agentBotApiKey).
 */
const BOT_GUIDE = {
  create: (outgoingUrl: string) => ({ name: "Support bot", description: "Answers first", outgoing_url: outgoingUrl }),
  connect: (botId: number) => ({ agent_bot: botId }),
  reply: { content: "Hello! I am the bot. Let me find a person for you.", message_type: "outgoing" },
  handOver: { status: "open" },
};

/**
 * Chatwoot's webhook documentation (chatwoot.com/docs/product/features/webhooks), "A sample webhook
 * payload": `"event": "message_created"`, `"message_type": "incoming"` for what the user sends from
 * the widget, `content`, `sender`, `conversation` and `account` objects.
 */
const DOCUMENTED_MESSAGE_CREATED = [
  "event",
  "id",
  "content",
  "created_at",
  "message_type",
  "content_type",
  "content_attributes",
  "source_id",
  "sender",
  "conversation",
  "account",
];

const eventsAt = async (host: string) => (await sinkRequests(host)).map((request) => ({ request, body: JSON.parse(request.body) as Record<string, any> }));

// Each test waits for queue deliveries more than once.
describe("Chatwoot compatibility: an agent bot", { timeout: 30_000 }, () => {
  it("answers a visitor with its own token and hands over to an agent by opening the conversation", async () => {
    const t = await tenant();
    const host = sinkHost("bot");
    const account = `/api/v1/accounts/${t.account.id}`;
    const inbox = await createInbox(t.admin.access_token, t.account.id, { channel: { type: "api" } });

    const created = await call("POST", `${account}/agent_bots`, { token: t.admin.access_token, body: BOT_GUIDE.create(`https://${host}/chatwoot`) });
    expectStatus(created, 200);
    const bot = created.body as { id: number; access_token: string; secret: string };
    expectStatus(await call("POST", `${account}/inboxes/${inbox.id}/set_agent_bot`, { token: t.admin.access_token, body: BOT_GUIDE.connect(bot.id) }), 204);

    // The visitor writes through Chatwoot's Client API.
    const identifier = inbox.inbox_identifier as string;
    const contact = (await call("POST", `/public/api/v1/inboxes/${identifier}/contacts`, { body: { name: "Vera Visitor" } })).body as { source_id: string };
    const conversationReply = await call("POST", `/public/api/v1/inboxes/${identifier}/contacts/${contact.source_id}/conversations`, { body: {} });
    expectStatus(conversationReply, 200);
    const conversation = conversationReply.body as { id: number; status: string };
    expect(conversation.status).toBe("pending");
    const base = `/public/api/v1/inboxes/${identifier}/contacts/${contact.source_id}/conversations/${conversation.id}`;
    expectStatus(await call("POST", `${base}/messages`, { body: { content: "Is anyone there?" } }), 200);

    let incoming: { request: RecordedRequest; body: Record<string, any> } | undefined;
    await eventually(async () => {
      incoming = (await eventsAt(host)).find(({ body }) => body.event === "message_created" && body.message_type === "incoming");
      expect(incoming).toBeDefined();
    });
    if (!incoming) throw new Error("the bot got no message");
    expect(Object.keys(incoming.body)).toEqual(expect.arrayContaining(DOCUMENTED_MESSAGE_CREATED));
    expect(incoming.body.content).toBe("Is anyone there?");
    expect(incoming.body.conversation).toMatchObject({ id: conversation.id, status: "pending" });
    expect(await chatwootReceiverAccepts(incoming.request, bot.secret)).toBe(true);

    // The bot answers with its own token, in Chatwoot's api_access_token header.
    const reply = await call("POST", `${account}/conversations/${conversation.id}/messages`, {
      token: bot.access_token,
      tokenHeader: "api_access_token",
      body: BOT_GUIDE.reply,
    });
    expectStatus(reply, 200);
    expect(reply.body).toMatchObject({ content: BOT_GUIDE.reply.content, message_type: 1, sender_type: "AgentBot", sender: { id: bot.id, type: "agent_bot" } });

    // The visitor sees the bot's answer.
    const seen = await call("GET", `${base}/messages`);
    expect((seen.body as { content: string }[]).map((message) => message.content)).toContain(BOT_GUIDE.reply.content);

    // The bot hands over; the conversation is open for the agents and the bot hears it opened.
    const handOver = await call("POST", `${account}/conversations/${conversation.id}/toggle_status`, { token: bot.access_token, body: BOT_GUIDE.handOver });
    expectStatus(handOver, 200);
    expect(handOver.body.payload.current_status).toBe("open");
    const forAgents = await call("GET", `${account}/conversations/${conversation.id}`, { token: t.admin.access_token });
    expect(forAgents.body.status).toBe("open");
    await eventually(async () => {
      expect((await eventsAt(host)).some(({ body }) => body.event === "conversation_opened" && body.id === conversation.id)).toBe(true);
    });
  });

  it("is refused the routes Chatwoot does not open to bots, and other accounts", async () => {
    const t = await tenant();
    const other = await tenant();
    const bot = (await call("POST", `/api/v1/accounts/${t.account.id}/agent_bots`, { token: t.admin.access_token, body: { name: "Bot" } })).body as {
      access_token: string;
    };
    expectStatus(await call("GET", `/api/v1/accounts/${t.account.id}/labels`, { token: bot.access_token }), 401);
    expectStatus(await call("GET", "/api/v1/profile", { token: bot.access_token }), 401);
    expectStatus(
      await call("POST", `/api/v1/accounts/${other.account.id}/conversations/1/messages`, { token: bot.access_token, body: { content: "hi" } }),
      404,
    );
  });
});

/**
 * An n8n-style integration with a user's token. Its credential test is `GET /api/v1/profile` with the
 * `api_access_token` header (Chatwoot's swagger `fetchProfile`, security `userApiKey`); then it creates
 * the contact in an inbox (`contactCreate` with `inbox_id`, whose answer carries
 * `payload.contact_inbox.source_id`) and starts the conversation with it (`newConversation`: "Creating
 * a conversation in chatwoot requires a source id", with `inbox_id`, `contact_id` and a first `message`).
 */
describe("Chatwoot compatibility: an n8n-style integration", { timeout: 30_000 }, () => {
  it("passes the credential check and creates a conversation with a first message", async () => {
    const t = await tenant();
    const inbox = await createInbox(t.admin.access_token, t.account.id, { channel: { type: "api" } });
    const profile = await call("GET", "/api/v1/profile", { token: t.agent.access_token, tokenHeader: "api_access_token" });
    expectStatus(profile, 200);
    expect(profile.body).toMatchObject({ id: t.agent.id, email: t.agent.email });
    // The agent must be able to reach the inbox.
    expectStatus(
      await call("POST", `/api/v1/accounts/${t.account.id}/inbox_members`, {
        token: t.admin.access_token,
        body: { inbox_id: inbox.id, user_ids: [t.agent.id] },
      }),
      200,
    );

    const contact = await call("POST", `/api/v1/accounts/${t.account.id}/contacts`, {
      token: t.agent.access_token,
      tokenHeader: "api_access_token",
      body: { inbox_id: inbox.id, name: "Lead from n8n", email: `${unique("lead")}@example.test` },
    });
    expectStatus(contact, 201);
    const sourceId = contact.body.payload.contact_inbox.source_id as string;
    const conversation = await call("POST", `/api/v1/accounts/${t.account.id}/conversations`, {
      token: t.agent.access_token,
      tokenHeader: "api_access_token",
      body: { source_id: sourceId, inbox_id: inbox.id, contact_id: contact.body.payload.contact.id, message: { content: "Thanks for signing up!" } },
    });
    expectStatus(conversation, 200);
    expect(conversation.body).toMatchObject({ account_id: t.account.id, inbox_id: inbox.id, status: "open" });
    const messages = await call("GET", `/api/v1/accounts/${t.account.id}/conversations/${conversation.body.id}/messages`, { token: t.agent.access_token });
    expect(messages.body.payload.at(-1)).toMatchObject({ content: "Thanks for signing up!", message_type: 1, sender: { id: t.agent.id, type: "user" } });
  });
});

describe("Chatwoot compatibility: webhook receivers", { timeout: 30_000 }, () => {
  it("verify a Parley delivery with the Chatwoot signature check from Chatwoot's documentation", async () => {
    const t = await tenant();
    const host = sinkHost("receiver");
    const webhook = await call("POST", `/api/v1/accounts/${t.account.id}/webhooks`, {
      token: t.admin.access_token,
      body: { url: `https://${host}/chatwoot`, subscriptions: ["contact_created"] },
    });
    expectStatus(webhook, 200);
    const secret = webhook.body.payload.webhook.secret as string;
    expectStatus(await call("POST", `/api/v1/accounts/${t.account.id}/contacts`, { token: t.admin.access_token, body: { name: unique("Signed") } }), 201);
    await eventually(async () => expect(await sinkRequests(host)).toHaveLength(1));
    const [request] = await sinkRequests(host);
    if (!request) throw new Error("no delivery");
    expect(await chatwootReceiverAccepts(request, secret)).toBe(true);
    expect(await chatwootReceiverAccepts({ ...request, body: request.body.replace("contact_created", "contact_updated") }, secret)).toBe(false);
  });

  it("of an API inbox's callback URL hear every event of the inbox, as Chatwoot's API channel sends them", async () => {
    const t = await tenant();
    const host = sinkHost("api-inbox");
    const inbox = await createInbox(t.admin.access_token, t.account.id, { channel: { type: "api", webhook_url: `https://${host}/callback` } });
    const identifier = inbox.inbox_identifier as string;
    const contact = (await call("POST", `/public/api/v1/inboxes/${identifier}/contacts`, { body: { name: "Ada" } })).body as { source_id: string };
    const conversation = (await call("POST", `/public/api/v1/inboxes/${identifier}/contacts/${contact.source_id}/conversations`, { body: {} })).body as {
      id: number;
    };
    const path = `/api/v1/accounts/${t.account.id}/conversations/${conversation.id}`;
    expectStatus(await call("POST", `${path}/messages`, { token: t.admin.access_token, body: { content: "An agent's answer" } }), 200);
    await eventually(async () => {
      const events = (await eventsAt(host)).map(({ body }) => body.event);
      expect(events).toEqual(expect.arrayContaining(["conversation_created", "message_created"]));
    });
    const outgoing = (await eventsAt(host)).find(({ body }) => body.event === "message_created");
    expect(outgoing?.body).toMatchObject({ message_type: "outgoing", content: "An agent's answer", conversation: { id: conversation.id } });
    // Signed with the inbox's `secret`, which Chatwoot shows administrators with the API inbox (chatwoot/chatwoot #13892).
    for (const { request } of await eventsAt(host)) expect(await chatwootReceiverAccepts(request, inbox.secret as string)).toBe(true);
  });
});
