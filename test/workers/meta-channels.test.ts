// Messenger and Instagram end to end: Meta's signed webhooks in (messages, files, echoes, deliveries,
// reads, events Parley doesn't know), replies out through the Send API inside Meta's messaging
// windows, and the inbox as the integration registry's page or account.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { messagingWindowAt, readMessagingEvent, sendApiBodies } from "../../src/domain/meta-messaging";
import worker from "../../src/index";
import { laneOf } from "../../src/jobs/batch-lanes";
import { DEAD_LETTER_QUEUE } from "../../src/jobs/queue";
import { call, createAccount, createAgency, eventually, expectStatus, inviteUser, resolveConversation, tenant } from "./helpers";
import {
  attachmentMessage,
  createInstagramInbox,
  createMessengerInbox,
  deliveryEvent,
  echoMessage,
  instagramNotification,
  instagramSeen,
  metaTestSetting,
  pageNotification,
  postMeta,
  reactionEvent,
  readEvent,
  sendApiAnswer,
  textMessage,
  uniqueMetaId,
  uniqueMid,
} from "./meta-fixtures";
import { programSink, sinkHost, sinkRequests } from "./outbound";
import { createWebhook } from "./webhook-fixtures";

const GRAPH_HOST = "graph.sink.test";
const DAY_MS = 24 * 60 * 60 * 1000;

type Tenant = Awaited<ReturnType<typeof tenant>>;
type Conversation = { id: number; status: string; meta: { sender: { id: number; name: string }; channel: string }; contact_inbox: { source_id: string } };
type Message = {
  id: number;
  content: string | null;
  message_type: number;
  status: string;
  source_id: string | null;
  sender: { id: number } | null;
  content_attributes: Record<string, unknown>;
  attachments: { file_type: string; data_url: string }[];
};

async function conversationsOf(t: Tenant, inboxId: number) {
  const reply = await call("GET", `/api/v1/accounts/${t.account.id}/conversations?inbox_id=${inboxId}&status=all`, { token: t.admin.access_token });
  expectStatus(reply, 200);
  return reply.body.data.payload as Conversation[];
}

async function onlyConversation(t: Tenant, inboxId: number) {
  let conversation: Conversation | undefined;
  await eventually(async () => {
    const conversations = await conversationsOf(t, inboxId);
    expect(conversations).toHaveLength(1);
    conversation = conversations[0];
  });
  return conversation as Conversation;
}

async function messagesOf(t: Tenant, displayId: number) {
  const reply = await call("GET", `/api/v1/accounts/${t.account.id}/conversations/${displayId}/messages`, { token: t.admin.access_token });
  expectStatus(reply, 200);
  return (reply.body.payload as Message[]).filter((message) => message.message_type !== 2);
}

/** More messages than a conversation's page (20): what a job used to search read no further. */
const MORE_THAN_A_PAGE = 25;

/** Agents' private notes: messages that never leave on the channel. */
async function privateNotes(t: Tenant, displayId: number, count: number) {
  for (let i = 1; i <= count; i++) {
    const note = await call("POST", `/api/v1/accounts/${t.account.id}/conversations/${displayId}/messages`, {
      token: t.admin.access_token,
      body: { content: `Note ${i}`, private: true },
    });
    expectStatus(note, 200);
  }
}

const reply = (t: Tenant, displayId: number, content: string) =>
  call("POST", `/api/v1/accounts/${t.account.id}/conversations/${displayId}/messages`, {
    token: t.admin.access_token,
    body: { content, message_type: "outgoing" },
  });

/** Instagram inboxes call Instagram's Graph API (INSTAGRAM_API_BASE_URL), which the tests point here. */
const INSTAGRAM_GRAPH_HOST = "graph-instagram.sink.test";

/** The Send API requests made with this token (to Meta's or Instagram's Graph API host), oldest first. */
async function sendsWith(token: string, host = GRAPH_HOST) {
  const requests = await sinkRequests(host);
  return requests.filter((request) => request.url.endsWith("/me/messages") && request.headers.authorization === `Bearer ${token}`);
}

async function messengerTenant() {
  const t = await tenant();
  const messenger = await createMessengerInbox(t.admin.access_token, t.account.id);
  return { ...t, ...messenger };
}

/** A person's first message on the page, and the conversation it opened. */
async function personWrites(t: Awaited<ReturnType<typeof messengerTenant>>, text = "Hi, are you open on Sunday?", timestamp?: number) {
  const psid = uniqueMetaId("25");
  expectStatus(await postMeta("/bot", pageNotification(t.pageId, textMessage(psid, t.pageId, text, { timestamp }))), 200);
  const conversation = await onlyConversation(t, t.inbox.id);
  return { psid, conversation };
}

describe("Meta webhook verification", () => {
  it("answers Meta's challenge on /bot when hub.verify_token is FB_VERIFY_TOKEN", async () => {
    const token = metaTestSetting("FB_VERIFY_TOKEN");
    const answer = await call("GET", `/bot?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=1158201444`);
    expectStatus(answer, 200);
    expect(String(answer.body)).toBe("1158201444");
  });

  it("answers Meta's challenge on /webhooks/instagram when hub.verify_token is IG_VERIFY_TOKEN", async () => {
    const token = metaTestSetting("IG_VERIFY_TOKEN");
    const answer = await call("GET", `/webhooks/instagram?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=challenge-77`);
    expectStatus(answer, 200);
    expect(answer.body).toBe("challenge-77");
  });

  it("refuses a verification with another token with 403", async () => {
    const answer = await call("GET", "/bot?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1");
    expectStatus(answer, 403);
    expect(answer.body.error.code).toBe("invalid_verify_token");
  });
});

describe("Messenger and Instagram inboxes", () => {
  it("registers the page as connected in the integrations registry when a Messenger inbox is created, and never returns its token", async () => {
    const t = await tenant();
    const { inbox, pageId, token } = await createMessengerInbox(t.admin.access_token, t.account.id, { name: "Acme on Messenger" });
    expect(inbox).toMatchObject({ channel_type: "Channel::FacebookPage", page_id: pageId });
    expect(JSON.stringify(inbox)).not.toContain(token);
    const pages = await call("GET", `/api/v1/accounts/${t.account.id}/integrations/facebook_pages`, { token: t.admin.access_token });
    expectStatus(pages, 200);
    expect(pages.body.payload).toEqual([expect.objectContaining({ page_id: pageId, name: "Acme on Messenger", status: "connected" })]);
    expect(JSON.stringify(pages.body)).not.toContain(token);
  });

  it("links a page already in the registry instead of adding a second one, and refuses a second inbox for it with 422", async () => {
    const t = await tenant();
    const pageId = uniqueMetaId("10");
    const registered = await call("POST", `/api/v1/accounts/${t.account.id}/integrations/facebook_pages`, {
      token: t.admin.access_token,
      body: { page_id: pageId, name: "Acme Dental", status: "disconnected" },
    });
    expectStatus(registered, 201);
    await createMessengerInbox(t.admin.access_token, t.account.id, { pageId });
    const pages = await call("GET", `/api/v1/accounts/${t.account.id}/integrations/facebook_pages`, { token: t.admin.access_token });
    expect(pages.body.payload).toEqual([expect.objectContaining({ id: registered.body.id, page_id: pageId, name: "Acme Dental", status: "connected" })]);
    const second = await call("POST", `/api/v1/accounts/${t.account.id}/inboxes`, {
      token: t.admin.access_token,
      body: { name: "Again", channel: { type: "facebook_page", page_id: pageId, page_access_token: "another" } },
    });
    expectStatus(second, 422);
    expect(second.body.error.details).toEqual([expect.objectContaining({ field: "channel.page_id", code: "taken" })]);
  });

  it("keeps the page in the registry when its inbox is deleted, and a new inbox may take it again", async () => {
    const t = await tenant();
    const { inbox, pageId } = await createMessengerInbox(t.admin.access_token, t.account.id);
    expectStatus(await call("DELETE", `/api/v1/accounts/${t.account.id}/inboxes/${inbox.id}`, { token: t.admin.access_token }), 204);
    const pages = await call("GET", `/api/v1/accounts/${t.account.id}/integrations/facebook_pages`, { token: t.admin.access_token });
    expect(pages.body.payload).toEqual([expect.objectContaining({ page_id: pageId })]);
    const again = await createMessengerInbox(t.admin.access_token, t.account.id, { pageId });
    expect(again.inbox.page_id).toBe(pageId);
  });

  it("refuses to remove from the registry a page that is an inbox, with 409 in_use", async () => {
    const t = await tenant();
    const { inbox } = await createMessengerInbox(t.admin.access_token, t.account.id);
    const pages = await call("GET", `/api/v1/accounts/${t.account.id}/integrations/facebook_pages`, { token: t.admin.access_token });
    const removed = await call("DELETE", `/api/v1/accounts/${t.account.id}/integrations/facebook_pages/${pages.body.payload[0].id}`, {
      token: t.admin.access_token,
    });
    expectStatus(removed, 409);
    expect(removed.body.error).toMatchObject({ code: "in_use", details: { inbox_id: inbox.id } });
  });

  it("registers an Instagram account with its username when an Instagram inbox is created", async () => {
    const t = await tenant();
    const { inbox, instagramId, token } = await createInstagramInbox(t.admin.access_token, t.account.id);
    expect(inbox).toMatchObject({ channel_type: "Channel::Instagram", instagram_id: instagramId });
    const accounts = await call("GET", `/api/v1/accounts/${t.account.id}/integrations/instagram_accounts`, { token: t.admin.access_token });
    expect(accounts.body.payload).toEqual([expect.objectContaining({ instagram_id: instagramId, username: "acme.dental", status: "connected" })]);
    expect(JSON.stringify(accounts.body)).not.toContain(token);
  });

  it("lets a Facebook chat widget use the page a Messenger inbox registered", async () => {
    const t = await tenant();
    await createMessengerInbox(t.admin.access_token, t.account.id);
    const pages = await call("GET", `/api/v1/accounts/${t.account.id}/integrations/facebook_pages`, { token: t.admin.access_token });
    const widget = await call("POST", `/api/v1/accounts/${t.account.id}/chat_widgets`, {
      token: t.admin.access_token,
      body: { name: "Messenger button", type: "facebook", facebook_page_id: pages.body.payload[0].id },
    });
    expectStatus(widget, 201);
    expect(widget.body.setup_status).toBe("complete");
  });
});

describe("snapshots", { timeout: 30_000 }, () => {
  it("maps a snapshot's Facebook widget to the target's Messenger inbox page, whose conversations land in the target's inbox", async () => {
    const agency = await createAgency();
    const source = await createAccount(agency.access_token);
    const sourceAdmin = await inviteUser(agency.access_token, source.id, "administrator");
    const { pageId } = await createMessengerInbox(sourceAdmin.access_token, source.id);
    const sourcePages = await call("GET", `/api/v1/accounts/${source.id}/integrations/facebook_pages`, { token: sourceAdmin.access_token });
    const widget = await call("POST", `/api/v1/accounts/${source.id}/chat_widgets`, {
      token: sourceAdmin.access_token,
      body: { name: "Messenger button", type: "facebook", facebook_page_id: sourcePages.body.payload[0].id },
    });
    expectStatus(widget, 201);
    const snapshot = await call("POST", "/api/v1/agency/snapshots", {
      token: agency.access_token,
      body: { name: "Messenger setup", account_id: source.id, assets: { chat_widgets: "all" } },
    });
    expectStatus(snapshot, 201);

    const target = await createAccount(agency.access_token);
    const targetAdmin = await inviteUser(agency.access_token, target.id, "administrator");
    const { inbox: targetInbox } = await createMessengerInbox(targetAdmin.access_token, target.id, { pageId });
    const loads = await call("POST", `/api/v1/agency/snapshots/${snapshot.body.id}/loads`, { token: agency.access_token, body: { account_ids: [target.id] } });
    expectStatus(loads, 202);
    await eventually(async () => {
      const load = await call("GET", `/api/v1/agency/snapshot_loads/${loads.body.loads[0].id}`, { token: agency.access_token });
      expect(load.body.status).toBe("completed");
    }, 20_000);
    const widgets = await call("GET", `/api/v1/accounts/${target.id}/chat_widgets`, { token: targetAdmin.access_token });
    const targetPages = await call("GET", `/api/v1/accounts/${target.id}/integrations/facebook_pages`, { token: targetAdmin.access_token });
    expect(widgets.body.payload).toEqual([
      expect.objectContaining({ name: "Messenger button", facebook_page_id: targetPages.body.payload[0].id, setup_status: "complete" }),
    ]);

    const psid = uniqueMetaId("25");
    expectStatus(await postMeta("/bot", pageNotification(pageId, textMessage(psid, pageId, "Found you on Facebook"))), 200);
    await eventually(async () => {
      const reply = await call("GET", `/api/v1/accounts/${target.id}/conversations?inbox_id=${targetInbox.id}&status=all`, { token: targetAdmin.access_token });
      expect(reply.body.data.payload).toEqual([
        expect.objectContaining({ inbox_id: targetInbox.id, contact_inbox: expect.objectContaining({ source_id: psid }) }),
      ]);
    });
  });
});

describe("Messenger in", { timeout: 20_000 }, () => {
  it("turns a signed text message into a contact for the PSID, a conversation and the message", async () => {
    const t = await messengerTenant();
    const { psid, conversation } = await personWrites(t, "Do you take walk-ins?");
    expect(conversation.status).toBe("open");
    expect(conversation.meta.channel).toBe("Channel::FacebookPage");
    expect(conversation.contact_inbox.source_id).toBe(psid);
    await eventually(async () =>
      expect((await messagesOf(t, conversation.id)).map((m) => [m.content, m.message_type])).toEqual([["Do you take walk-ins?", 0]]),
    );
  });

  it("refuses a notification without the app's signature with 401 and stores nothing", async () => {
    const t = await messengerTenant();
    const answer = await postMeta("/bot", pageNotification(t.pageId, textMessage(uniqueMetaId("25"), t.pageId, "Hello")), "not-the-app-secret");
    expectStatus(answer, 401);
    expect(answer.body.error.code).toBe("invalid_signature");
    const unsigned = await call("POST", "/bot", { body: pageNotification(t.pageId, textMessage(uniqueMetaId("25"), t.pageId, "Hello")) });
    expectStatus(unsigned, 401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await conversationsOf(t, t.inbox.id)).toEqual([]);
  });

  it("stores a message Meta delivers again with the same mid once", async () => {
    const t = await messengerTenant();
    const psid = uniqueMetaId("25");
    const notification = pageNotification(t.pageId, textMessage(psid, t.pageId, "Only once, please"));
    expectStatus(await postMeta("/bot", notification), 200);
    const conversation = await onlyConversation(t, t.inbox.id);
    await eventually(async () => expect(await messagesOf(t, conversation.id)).toHaveLength(1));
    expectStatus(await postMeta("/bot", notification), 200);
    expectStatus(await postMeta("/bot", pageNotification(t.pageId, textMessage(psid, t.pageId, "A second one"))), 200);
    await eventually(async () => expect((await messagesOf(t, conversation.id)).map((m) => m.content)).toEqual(["Only once, please", "A second one"]));
  });

  it("stores a message Meta delivers again after its conversation was resolved once, without opening another conversation", async () => {
    const t = await messengerTenant();
    const psid = uniqueMetaId("25");
    const late = pageNotification(t.pageId, textMessage(psid, t.pageId, "Sent while you were down", { timestamp: Date.now() - 10 * 60 * 1000 }));
    expectStatus(await postMeta("/bot", late), 200);
    const conversation = await onlyConversation(t, t.inbox.id);
    await eventually(async () => expect(await messagesOf(t, conversation.id)).toHaveLength(1));
    await resolveConversation(t, conversation.id);
    expectStatus(await postMeta("/bot", late), 200);
    // A new message afterwards shows the redelivery was handled: it opens the only new conversation.
    expectStatus(await postMeta("/bot", pageNotification(t.pageId, textMessage(psid, t.pageId, "Hello again"))), 200);
    await eventually(async () => expect(await conversationsOf(t, t.inbox.id)).toHaveLength(2));
    const [newest] = await conversationsOf(t, t.inbox.id);
    await eventually(async () => expect((await messagesOf(t, newest?.id ?? 0)).map((m) => m.content)).toEqual(["Hello again"]));
    expect((await messagesOf(t, conversation.id)).map((m) => m.content)).toEqual(["Sent while you were down"]);
  });

  it("stores once a message Meta delivers again after its resolved conversation took more than a page of messages", async () => {
    const t = await messengerTenant();
    const psid = uniqueMetaId("25");
    const first = pageNotification(t.pageId, textMessage(psid, t.pageId, "Is the blue one in stock?"));
    expectStatus(await postMeta("/bot", first), 200);
    const conversation = await onlyConversation(t, t.inbox.id);
    await eventually(async () => expect(await messagesOf(t, conversation.id)).toHaveLength(1));
    await privateNotes(t, conversation.id, MORE_THAN_A_PAGE);
    await resolveConversation(t, conversation.id);
    expectStatus(await postMeta("/bot", first), 200);
    expectStatus(await postMeta("/bot", pageNotification(t.pageId, textMessage(psid, t.pageId, "Hello again"))), 200);
    await eventually(async () => expect(await conversationsOf(t, t.inbox.id)).toHaveLength(2));
    const newest = (await conversationsOf(t, t.inbox.id)).find((other) => other.id !== conversation.id);
    await eventually(async () => expect((await messagesOf(t, newest?.id ?? 0)).map((m) => m.content)).toEqual(["Hello again"]));
  });

  it("downloads a message's file into R2 as its attachment", async () => {
    const t = await messengerTenant();
    const host = sinkHost("scontent");
    await programSink(host, [{ status: 200, body: "Opening hours: Mon-Fri 9-5\n" }]);
    const psid = uniqueMetaId("25");
    expectStatus(await postMeta("/bot", pageNotification(t.pageId, attachmentMessage(psid, t.pageId, "file", `https://${host}/v/t59/hours.txt`))), 200);
    const conversation = await onlyConversation(t, t.inbox.id);
    await eventually(async () => {
      const [message] = await messagesOf(t, conversation.id);
      expect(message?.attachments).toHaveLength(1);
      expect(message?.attachments[0]?.data_url).toContain("/media/");
    });
    expect((await sinkRequests(host)).map((request) => request.url)).toEqual([`https://${host}/v/t59/hours.txt`]);
  });

  it("tells webhooks of the person's message as of a website visitor's: message_created in Chatwoot's shape, from Channel::FacebookPage", async () => {
    const t = await messengerTenant();
    const host = sinkHost("hook");
    await createWebhook(t.admin.access_token, t.account.id, `https://${host}/parley`, { subscriptions: ["message_created", "conversation_created"] });
    const { psid } = await personWrites(t, "Is parking free?");
    await eventually(async () => {
      const bodies = (await sinkRequests(host)).map((request) => JSON.parse(request.body));
      const created = bodies.find((body) => body.event === "message_created");
      expect(created).toMatchObject({
        event: "message_created",
        content: "Is parking free?",
        message_type: "incoming",
        inbox: { id: t.inbox.id },
        conversation: { channel: "Channel::FacebookPage", contact_inbox: { source_id: psid } },
      });
      expect(bodies.some((body) => body.event === "conversation_created")).toBe(true);
    });
  });

  it("turns a postback (a button the person pressed) into a message with its title", async () => {
    const t = await messengerTenant();
    const { psid, conversation } = await personWrites(t);
    // messaging_postbacks Webhook Event Reference: {"sender", "recipient", "timestamp", "postback": {"mid", "title", "payload"}}
    const postback = {
      sender: { id: psid },
      recipient: { id: t.pageId },
      timestamp: Date.now(),
      postback: { mid: uniqueMid(), title: "Book a visit", payload: "BOOK" },
    };
    expectStatus(await postMeta("/bot", pageNotification(t.pageId, postback)), 200);
    await eventually(async () => {
      const messages = await messagesOf(t, conversation.id);
      expect(messages[1]).toMatchObject({ content: "Book a visit", message_type: 0, content_attributes: { postback_payload: "BOOK" } });
    });
  });

  it("stores an event Parley doesn't know (a reaction) as an unsupported message, answering 200", async () => {
    const t = await messengerTenant();
    const { psid, conversation } = await personWrites(t);
    const reaction = pageNotification(t.pageId, reactionEvent(psid, t.pageId, uniqueMid()));
    const answer = await postMeta("/bot", reaction);
    expectStatus(answer, 200);
    // Delivered again: still one.
    expectStatus(await postMeta("/bot", reaction), 200);
    await eventually(async () => {
      const messages = await messagesOf(t, conversation.id);
      expect(messages).toHaveLength(2);
      expect(messages[1]).toMatchObject({ content: null, message_type: 0, content_attributes: { is_unsupported: true, meta_event: "reaction" } });
    });
  });
});

describe("Messenger out", { timeout: 20_000 }, () => {
  it("sends an agent's reply through the Send API with the page token as a RESPONSE and stores Meta's mid", async () => {
    const t = await messengerTenant();
    const { psid, conversation } = await personWrites(t);
    const mid = uniqueMid();
    await programSink(GRAPH_HOST, [{ status: 200, body: sendApiAnswer(psid, mid), match: t.token }]);
    const sent = await reply(t, conversation.id, "Yes, from 10 to 4.");
    expectStatus(sent, 200);
    await eventually(async () => {
      const [request] = await sendsWith(t.token);
      expect(request?.url).toBe(`https://${GRAPH_HOST}/v22.0/me/messages`);
      expect(JSON.parse(request?.body ?? "{}")).toMatchObject({ recipient: { id: psid }, messaging_type: "RESPONSE", message: { text: "Yes, from 10 to 4." } });
    });
    await eventually(async () => {
      const stored = (await messagesOf(t, conversation.id)).find((m) => m.id === sent.body.id);
      expect(stored).toMatchObject({ source_id: mid, status: "sent" });
    });
  });

  it("marks a reply failed with Meta's reason when the Send API refuses it for good", async () => {
    const t = await messengerTenant();
    const { conversation } = await personWrites(t);
    const refusal = { error: { message: "(#100) No matching user found", type: "OAuthException", code: 100, error_subcode: 2018001, fbtrace_id: "AbCd" } };
    await programSink(GRAPH_HOST, [{ status: 400, body: JSON.stringify(refusal), match: t.token }]);
    const sent = await reply(t, conversation.id, "Are you there?");
    await eventually(async () => {
      const stored = (await messagesOf(t, conversation.id)).find((m) => m.id === sent.body.id);
      expect(stored?.status).toBe("failed");
      expect(stored?.content_attributes.external_error).toContain("No matching user found");
    });
    expect(await sendsWith(t.token)).toHaveLength(1);
  });

  it("sends a reply's file by its URL after the text", async () => {
    const t = await messengerTenant();
    const { psid, conversation } = await personWrites(t);
    const form = new FormData();
    form.set("content", "Here is the form.");
    form.set("message_type", "outgoing");
    form.append("attachments[]", new File(["Name:\nDate of birth:\n"], "intake.txt", { type: "text/plain" }));
    await programSink(GRAPH_HOST, [
      { status: 200, body: sendApiAnswer(psid, uniqueMid()), match: t.token },
      { status: 200, body: sendApiAnswer(psid, uniqueMid()), match: t.token },
    ]);
    const sent = await exports.default.fetch(
      new Request(`http://parley.test/api/v1/accounts/${t.account.id}/conversations/${conversation.id}/messages`, {
        method: "POST",
        body: form,
        headers: { authorization: `Bearer ${t.admin.access_token}` },
      }),
    );
    expect(sent.status).toBe(200);
    await eventually(async () => {
      const bodies = (await sendsWith(t.token)).map((request) => JSON.parse(request.body));
      expect(bodies).toHaveLength(2);
      expect(bodies[0].message.text).toBe("Here is the form.");
      expect(bodies[1].message.attachment).toMatchObject({ type: "file", payload: { url: expect.stringContaining("/media/") } });
    });
  });

  it("sends with the new page token once a PATCH replaced it, and audits that it changed without saying what it is", async () => {
    const t = await messengerTenant();
    const { psid, conversation } = await personWrites(t);
    const newToken = `EAArotated${Date.now()}`;
    const patched = await call("PATCH", `/api/v1/accounts/${t.account.id}/inboxes/${t.inbox.id}`, {
      token: t.admin.access_token,
      body: { channel: { page_access_token: newToken } },
    });
    expectStatus(patched, 200);
    expect(JSON.stringify(patched.body)).not.toContain(newToken);
    await programSink(GRAPH_HOST, [{ status: 200, body: sendApiAnswer(psid, uniqueMid()), match: newToken }]);
    await reply(t, conversation.id, "New token, same page.");
    await eventually(async () => expect(await sendsWith(newToken)).toHaveLength(1));
    expect(await sendsWith(t.token)).toEqual([]);
    const audit = await call("GET", `/api/v1/accounts/${t.account.id}/audit_logs`, { token: t.admin.access_token });
    const update = audit.body.audit_logs.find(
      (entry: { auditable_type: string; action: string; auditable_id: number }) =>
        entry.auditable_type === "Inbox" && entry.action === "update" && entry.auditable_id === t.inbox.id,
    );
    expect(update.audited_changes).toEqual({ page_access_token: ["[FILTERED]", "[FILTERED]"] });
    expect(JSON.stringify(audit.body)).not.toContain(newToken);
  });

  it("retries a reply while Meta answers 5xx, and marks it failed when the queue gives up", async () => {
    const t = await messengerTenant();
    const { conversation } = await personWrites(t);
    const unavailable = JSON.stringify({
      error: { message: "An unexpected error has occurred. Please retry your request later.", type: "OAuthException", code: 2 },
    });
    await programSink(
      GRAPH_HOST,
      Array.from({ length: 5 }, () => ({ status: 503, body: unavailable, match: t.token })),
    );
    const sent = await reply(t, conversation.id, "Still there?");
    await eventually(async () => expect((await sendsWith(t.token)).length).toBeGreaterThanOrEqual(1));
    const stored = async () => (await messagesOf(t, conversation.id)).find((m) => m.id === sent.body.id);
    expect((await stored())?.source_id).toBeNull();
    const job = { type: "meta.send" as const, account_id: t.account.id, display_id: conversation.id, message_id: sent.body.id };
    const batch = createMessageBatch(DEAD_LETTER_QUEUE, [{ id: `dead-meta-${sent.body.id}`, timestamp: new Date(), attempts: 6, body: job }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual([`dead-meta-${sent.body.id}`]);
    expect(await stored()).toMatchObject({
      status: "failed",
      content_attributes: { external_error: "Meta could not take the message after several attempts." },
    });
  });

  it("does not store Parley's own reply a second time when Meta echoes it", async () => {
    const t = await messengerTenant();
    const { psid, conversation } = await personWrites(t);
    const mid = uniqueMid();
    await programSink(GRAPH_HOST, [{ status: 200, body: sendApiAnswer(psid, mid), match: t.token }]);
    const sent = await reply(t, conversation.id, "On our way.");
    await eventually(async () => expect((await messagesOf(t, conversation.id)).find((m) => m.id === sent.body.id)?.source_id).toBe(mid));
    const [request] = await sendsWith(t.token);
    const metadata = JSON.parse(request?.body ?? "{}").message.metadata as string;
    expectStatus(await postMeta("/bot", pageNotification(t.pageId, echoMessage(t.pageId, psid, "On our way.", mid, metadata))), 200);
    expectStatus(await postMeta("/bot", pageNotification(t.pageId, echoMessage(t.pageId, psid, "On our way.", mid))), 200);
    // A later message shows the echoes were handled: still one copy of the reply.
    expectStatus(await postMeta("/bot", pageNotification(t.pageId, textMessage(psid, t.pageId, "Thanks!"))), 200);
    await eventually(async () =>
      expect((await messagesOf(t, conversation.id)).map((m) => m.content)).toEqual(["Hi, are you open on Sunday?", "On our way.", "Thanks!"]),
    );
  });

  it("stores a message the page sent from elsewhere as an outgoing message, once, and never sends it", async () => {
    const t = await messengerTenant();
    const { psid, conversation } = await personWrites(t);
    const echo = pageNotification(t.pageId, echoMessage(t.pageId, psid, "Sent from the Page inbox", uniqueMid()));
    expectStatus(await postMeta("/bot", echo), 200);
    expectStatus(await postMeta("/bot", echo), 200);
    await eventually(async () => {
      const messages = await messagesOf(t, conversation.id);
      expect(messages.map((m) => [m.content, m.message_type])).toEqual([
        ["Hi, are you open on Sunday?", 0],
        ["Sent from the Page inbox", 1],
      ]);
      expect(messages[1]?.content_attributes.external_echo).toBe(true);
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await sendsWith(t.token)).toEqual([]);
  });

  it("marks a reply delivered and then read from Meta's receipts, and a late delivery leaves it read", async () => {
    const t = await messengerTenant();
    const { psid, conversation } = await personWrites(t);
    const mid = uniqueMid();
    await programSink(GRAPH_HOST, [{ status: 200, body: sendApiAnswer(psid, mid), match: t.token }]);
    const sent = await reply(t, conversation.id, "Booked for 3pm.");
    const statusOf = async () => (await messagesOf(t, conversation.id)).find((m) => m.id === sent.body.id)?.status;
    await eventually(async () =>
      expect((await messagesOf(t, conversation.id)).find((m) => m.id === sent.body.id)).toMatchObject({ status: "sent", source_id: mid }),
    );
    expectStatus(await postMeta("/bot", pageNotification(t.pageId, deliveryEvent(psid, t.pageId, [mid], Date.now()))), 200);
    await eventually(async () => expect(await statusOf()).toBe("delivered"));
    expectStatus(await postMeta("/bot", pageNotification(t.pageId, readEvent(psid, t.pageId, Date.now()))), 200);
    await eventually(async () => expect(await statusOf()).toBe("read"));
    expectStatus(await postMeta("/bot", pageNotification(t.pageId, deliveryEvent(psid, t.pageId, [mid], Date.now()))), 200);
    expectStatus(await postMeta("/bot", pageNotification(t.pageId, textMessage(psid, t.pageId, "See you then"))), 200);
    await eventually(async () => expect(await messagesOf(t, conversation.id)).toHaveLength(3));
    expect(await statusOf()).toBe("read");
  });

  it("marks a reply read from a read receipt's watermark when more than a page of messages came after it", async () => {
    const t = await messengerTenant();
    const { psid, conversation } = await personWrites(t);
    const mid = uniqueMid();
    await programSink(GRAPH_HOST, [{ status: 200, body: sendApiAnswer(psid, mid), match: t.token }]);
    const sent = await reply(t, conversation.id, "Booked for 3pm.");
    await eventually(async () =>
      expect((await messagesOf(t, conversation.id)).find((m) => m.id === sent.body.id)).toMatchObject({ status: "sent", source_id: mid }),
    );
    await privateNotes(t, conversation.id, MORE_THAN_A_PAGE);
    expectStatus(await postMeta("/bot", pageNotification(t.pageId, readEvent(psid, t.pageId, Date.now()))), 200);
    // The reply is older than the latest page now: read the page that ends with it.
    const replyNow = async () => {
      const page = await call("GET", `/api/v1/accounts/${t.account.id}/conversations/${conversation.id}/messages?before=${sent.body.id + 1}`, {
        token: t.admin.access_token,
      });
      return (page.body.payload as Message[]).find((m) => m.id === sent.body.id);
    };
    await eventually(async () => expect(await replyNow()).toMatchObject({ status: "read", source_id: mid }));
  });
});

describe("Meta's messaging windows", { timeout: 20_000 }, () => {
  it("tags a reply HUMAN_AGENT when the person last wrote more than 24 hours ago", async () => {
    const t = await messengerTenant();
    const { psid, conversation } = await personWrites(t, "Can I move my appointment?", Date.now() - 2 * DAY_MS);
    await programSink(GRAPH_HOST, [{ status: 200, body: sendApiAnswer(psid, uniqueMid()), match: t.token }]);
    expectStatus(await reply(t, conversation.id, "Sorry for the wait: yes, Thursday works."), 200);
    await eventually(async () => {
      const [request] = await sendsWith(t.token);
      expect(JSON.parse(request?.body ?? "{}")).toMatchObject({ recipient: { id: psid }, messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT" });
    });
  });

  it("refuses a reply more than 7 days after the person last wrote with 422 outside_messaging_window and sends nothing", async () => {
    const t = await messengerTenant();
    const { conversation } = await personWrites(t, "Hello?", Date.now() - 8 * DAY_MS);
    await eventually(async () => expect(await messagesOf(t, conversation.id)).toHaveLength(1));
    const refused = await reply(t, conversation.id, "Hi, still there?");
    expectStatus(refused, 422);
    expect(refused.body.error.code).toBe("outside_messaging_window");
    expect(await messagesOf(t, conversation.id)).toHaveLength(1);
    expect(await sendsWith(t.token)).toEqual([]);
  });

  it("still takes a private note in a conversation whose window has closed", async () => {
    const t = await messengerTenant();
    const { conversation } = await personWrites(t, "Hello?", Date.now() - 8 * DAY_MS);
    const note = await call("POST", `/api/v1/accounts/${t.account.id}/conversations/${conversation.id}/messages`, {
      token: t.admin.access_token,
      body: { content: "Call them instead", message_type: "outgoing", private: true },
    });
    expectStatus(note, 200);
  });
});

describe("Instagram", { timeout: 20_000 }, () => {
  it("turns a signed Instagram message into a contact for the IGSID and sends the reply with the account's token", async () => {
    const t = await tenant();
    const { inbox, instagramId, token } = await createInstagramInbox(t.admin.access_token, t.account.id);
    const igsid = uniqueMetaId("33");
    expectStatus(
      await postMeta("/webhooks/instagram", instagramNotification(instagramId, textMessage(igsid, instagramId, "Is the whitening offer still on?"))),
      200,
    );
    const conversation = await onlyConversation(t, inbox.id);
    expect(conversation.meta.channel).toBe("Channel::Instagram");
    expect(conversation.contact_inbox.source_id).toBe(igsid);
    const mid = uniqueMid();
    await programSink(INSTAGRAM_GRAPH_HOST, [{ status: 200, body: sendApiAnswer(igsid, mid), match: token }]);
    const sent = await reply(t, conversation.id, "It is, until Friday.");
    await eventually(async () => {
      const [request] = await sendsWith(token, INSTAGRAM_GRAPH_HOST);
      expect(request?.url).toBe(`https://${INSTAGRAM_GRAPH_HOST}/v22.0/me/messages`);
      const body = JSON.parse(request?.body ?? "{}");
      expect(body).toMatchObject({ recipient: { id: igsid }, messaging_type: "RESPONSE", message: { text: "It is, until Friday." } });
      expect(body.message.metadata).toBeUndefined();
    });
    await eventually(async () => expect((await messagesOf(t, conversation.id)).find((m) => m.id === sent.body.id)?.source_id).toBe(mid));
    // Instagram's echo of the reply (in the messages field, no metadata): known by its mid, not stored again.
    expectStatus(await postMeta("/webhooks/instagram", instagramNotification(instagramId, echoMessage(instagramId, igsid, "It is, until Friday.", mid))), 200);
    expectStatus(await postMeta("/webhooks/instagram", instagramNotification(instagramId, instagramSeen(igsid, instagramId, mid))), 200);
    await eventually(async () => expect((await messagesOf(t, conversation.id)).find((m) => m.id === sent.body.id)?.status).toBe("read"));
    expect((await messagesOf(t, conversation.id)).map((m) => m.content)).toEqual(["Is the whitening offer still on?", "It is, until Friday."]);
  });

  it("refuses an Instagram notification signed with neither app secret with 401", async () => {
    const t = await tenant();
    const { instagramId } = await createInstagramInbox(t.admin.access_token, t.account.id);
    const answer = await postMeta("/webhooks/instagram", instagramNotification(instagramId, textMessage(uniqueMetaId("33"), instagramId, "Hi")), "forged");
    expectStatus(answer, 401);
  });
});

describe("Meta messaging rules", () => {
  it("reads who the person is from either side: the sender of a message, the recipient of an echo", () => {
    expect(readMessagingEvent(textMessage("25", "10", "hi", { mid: "m_1", timestamp: 5 }), "10")).toMatchObject({
      kind: "message",
      customerId: "25",
      mid: "m_1",
      timestampMs: 5,
    });
    expect(readMessagingEvent(echoMessage("10", "25", "hello", "m_2"), "10")).toMatchObject({ kind: "echo", customerId: "25", mid: "m_2" });
    expect(readMessagingEvent(deliveryEvent("25", "10", ["m_3"], 9), "10")).toEqual({ kind: "delivery", customerId: "25", mids: ["m_3"], watermarkMs: 9 });
    expect(readMessagingEvent({ recipient: { id: "10" } }, "10")).toMatchObject({ kind: "ignored" });
  });

  it("works a person's message and the page's echo to them in one queue lane, and another person's in another", () => {
    const job = (event: Record<string, unknown>) => ({ type: "meta.received" as const, channel: "facebook_page" as const, business_id: "10", event });
    const lane = laneOf(job(textMessage("25", "10", "hi")));
    expect(lane).toBe("meta:facebook_page:10:25");
    expect(laneOf(job(echoMessage("10", "25", "hello", "m_1")))).toBe(lane);
    expect(laneOf(job(textMessage("26", "10", "hi")))).not.toBe(lane);
  });

  it("opens the standard window for 24 hours after the person's message, the human agent window until 7 days, then closes", () => {
    const at = 1_700_000_000_000;
    expect(messagingWindowAt(at, at + DAY_MS).type).toBe("standard");
    expect(messagingWindowAt(at, at + DAY_MS + 1).type).toBe("human_agent");
    expect(messagingWindowAt(at, at + 7 * DAY_MS).type).toBe("human_agent");
    expect(messagingWindowAt(at, at + 7 * DAY_MS + 1)).toEqual({ type: "closed", closedAt: at + 7 * DAY_MS });
    expect(messagingWindowAt(null, at)).toEqual({ type: "closed", closedAt: null });
  });

  it("sends a reply's text and then each file by its URL", () => {
    const bodies = sendApiBodies(
      "25",
      { text: "Here it is", attachments: [{ url: "https://parley.test/media/a.pdf", contentType: "application/pdf" }], metadata: null },
      { type: "human_agent", closesAt: 0 },
    );
    expect(bodies).toEqual([
      { recipient: { id: "25" }, messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT", message: { text: "Here it is" } },
      {
        recipient: { id: "25" },
        messaging_type: "MESSAGE_TAG",
        tag: "HUMAN_AGENT",
        message: { attachment: { type: "file", payload: { url: "https://parley.test/media/a.pdf", is_reusable: false } } },
      },
    ]);
  });
});
