// An API inbox's callbacks to its webhook_url are signed with the inbox's own secret, as Chatwoot's API
// channel signs them since its "sign webhooks for API channel and agentbots" change (chatwoot/chatwoot
// #13892: a `secret` on Channel::Api, admin-only in the inbox payload, `POST .../inboxes/:id/reset_secret`).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createInbox, eventually, expectStatus, tenant } from "./helpers";
import { chatwootReceiverAccepts, sinkHost, sinkRequests } from "./outbound";

type Tenant = Awaited<ReturnType<typeof tenant>>;

/** An API inbox calling back `host`, and a visitor's conversation in it (Chatwoot's Client API). */
async function apiInboxWithConversation(t: Tenant, host: string) {
  const inbox = await createInbox(t.admin.access_token, t.account.id, { channel: { type: "api", webhook_url: `https://${host}/callback` } });
  const identifier = inbox.inbox_identifier as string;
  const contact = (await call("POST", `/public/api/v1/inboxes/${identifier}/contacts`, { body: { name: "Ada" } })).body as { source_id: string };
  const conversation = await call("POST", `/public/api/v1/inboxes/${identifier}/contacts/${contact.source_id}/conversations`, { body: {} });
  expectStatus(conversation, 200);
  return { inbox, path: `/api/v1/accounts/${t.account.id}/conversations/${conversation.body.id}` };
}

const callbacksWith = async (host: string, content: string) => (await sinkRequests(host)).filter((request) => request.body.includes(content));

// Each test waits for queue deliveries.
describe("an API inbox's callback secret", { timeout: 30_000 }, () => {
  it("is made with the API inbox and shown to administrators only, as Chatwoot's inbox payload shows it", async () => {
    const t = await tenant();
    const inbox = await createInbox(t.admin.access_token, t.account.id, { channel: { type: "api" } });
    expect(inbox.secret).toMatch(/^[0-9a-f]{64}$/);
    const path = `/api/v1/accounts/${t.account.id}/inboxes/${inbox.id}`;
    expect((await call("GET", path, { token: t.admin.access_token })).body.secret).toBe(inbox.secret);
    expectStatus(
      await call("POST", `/api/v1/accounts/${t.account.id}/inbox_members`, {
        token: t.admin.access_token,
        body: { inbox_id: inbox.id, user_ids: [t.agent.id] },
      }),
      200,
    );
    const seenByAgent = await call("GET", path, { token: t.agent.access_token });
    expectStatus(seenByAgent, 200);
    expect(seenByAgent.body).not.toHaveProperty("secret");
    const website = await createInbox(t.admin.access_token, t.account.id);
    expect(website).not.toHaveProperty("secret");
  });

  it("signs every callback to webhook_url so a receiver written from Chatwoot's documentation accepts it", async () => {
    const t = await tenant();
    const host = sinkHost("api-callback");
    const { inbox, path } = await apiInboxWithConversation(t, host);
    expectStatus(await call("POST", `${path}/messages`, { token: t.admin.access_token, body: { content: "Signed answer" } }), 200);
    await eventually(async () => {
      const events = (await sinkRequests(host)).map((request) => JSON.parse(request.body).event);
      expect(events).toEqual(expect.arrayContaining(["conversation_created", "message_created"]));
    });
    const callbacks = await sinkRequests(host);
    for (const request of callbacks) {
      expect(await chatwootReceiverAccepts(request, inbox.secret as string)).toBe(true);
      expect(request.headers["x-parley-signature"]).toBe(request.headers["x-chatwoot-signature"]);
    }
    const [first] = callbacks;
    if (!first) throw new Error("no callback");
    expect(await chatwootReceiverAccepts({ ...first, body: first.body.replace("Ada", "Eve") }, inbox.secret as string)).toBe(false);
  });

  it("is replaced by reset_secret, and the callbacks after it are signed with the new secret only", async () => {
    const t = await tenant();
    const host = sinkHost("api-rotated");
    const { inbox, path } = await apiInboxWithConversation(t, host);
    const reset = await call("POST", `/api/v1/accounts/${t.account.id}/inboxes/${inbox.id}/reset_secret`, { token: t.admin.access_token });
    expectStatus(reset, 200);
    const secret = reset.body.secret as string;
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(secret).not.toBe(inbox.secret);
    expectStatus(await call("POST", `${path}/messages`, { token: t.admin.access_token, body: { content: "After the reset" } }), 200);
    await eventually(async () => expect(await callbacksWith(host, "After the reset")).not.toHaveLength(0));
    for (const request of await callbacksWith(host, "After the reset")) {
      expect(await chatwootReceiverAccepts(request, secret)).toBe(true);
      expect(await chatwootReceiverAccepts(request, inbox.secret as string)).toBe(false);
    }
    const audit = await call("GET", `/api/v1/accounts/${t.account.id}/audit_logs`, { token: t.admin.access_token });
    expect(JSON.stringify(audit.body)).toContain("rotate_secret");
    expect(JSON.stringify(audit.body)).not.toContain(secret);
  });

  it("can be reset by administrators of an API inbox only: other inboxes answer 404, agents 403", async () => {
    const t = await tenant();
    const api = await createInbox(t.admin.access_token, t.account.id, { channel: { type: "api" } });
    const website = await createInbox(t.admin.access_token, t.account.id);
    const reset = (id: number, token: string) => call("POST", `/api/v1/accounts/${t.account.id}/inboxes/${id}/reset_secret`, { token });
    expectStatus(await reset(website.id, t.admin.access_token), 404);
    expectStatus(await reset(api.id, t.agent.access_token), 403);
    const other = await tenant();
    expectStatus(await reset(api.id, other.admin.access_token), 404);
  });

  it("goes with its inbox: deleting an API inbox that has sent callbacks removes their deliveries", async () => {
    const t = await tenant();
    const host = sinkHost("api-deleted");
    const { inbox } = await apiInboxWithConversation(t, host);
    await eventually(async () => expect(await sinkRequests(host)).not.toHaveLength(0));
    expectStatus(await call("DELETE", `/api/v1/accounts/${t.account.id}/inboxes/${inbox.id}`, { token: t.admin.access_token }), 204);
    const left = await env.DB.prepare("select count(*) as n from webhook_deliveries where inbox_id = ?").bind(inbox.id).first<{ n: number }>();
    expect(left?.n).toBe(0);
  });

  it("is given on its first callback to an API inbox that has none yet, and signs that callback", async () => {
    const t = await tenant();
    const host = sinkHost("api-first-use");
    const { inbox, path } = await apiInboxWithConversation(t, host);
    // An inbox kept from before inboxes had a callback secret.
    await env.DB.prepare("update inboxes set webhook_secret = null where id = ?").bind(inbox.id).run();
    expectStatus(await call("POST", `${path}/messages`, { token: t.admin.access_token, body: { content: "First use" } }), 200);
    await eventually(async () => expect(await callbacksWith(host, "First use")).not.toHaveLength(0));
    const secret = (await call("GET", `/api/v1/accounts/${t.account.id}/inboxes/${inbox.id}`, { token: t.admin.access_token })).body.secret as string;
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    for (const request of await callbacksWith(host, "First use")) expect(await chatwootReceiverAccepts(request, secret)).toBe(true);
  });
});
