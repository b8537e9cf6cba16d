import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { connectCable } from "./cable-client";
import { call, clientSession, expectStatus, tenant } from "./helpers";

async function setUp() {
  const t = await tenant();
  const session = await clientSession(t);
  const path = `/api/v1/accounts/${t.account.id}/conversations/${session.conversation.id}`;
  const asAdmin = { token: t.admin.access_token };
  return { t, session, path, asAdmin };
}

describe("Application API: deleting a message", () => {
  it("leaves the message in place reading as deleted, and tells the contact with message.updated", async () => {
    const { session, path, asAdmin } = await setUp();
    const visitor = await connectCable();
    await visitor.subscribe(visitor.identifierFor(session.contact.pubsub_token));
    const sent = (await call("POST", `${path}/messages`, { ...asAdmin, body: { content: "Your code is 1234" } })).body;
    const reply = await call("DELETE", `${path}/messages/${sent.id}`, asAdmin);
    expectStatus(reply, 200);
    expect(reply.body).toMatchObject({ id: sent.id, content: "This message was deleted", content_attributes: { deleted: true }, attachments: [] });
    await visitor.waitForEvent("message.updated", (d) => d.id === sent.id && d.content_attributes.deleted === true);
    const seen = (await call("GET", `${session.conversationPath}/messages`)).body as { content: string }[];
    expect(seen.map((m) => m.content)).toEqual(["This message was deleted"]);
    visitor.close();
  });

  it("removes the deleted message's attachments from storage", async () => {
    const { t, path } = await setUp();
    const form = new FormData();
    form.append("attachments[]", new File(["%PDF-1.7"], "invoice.pdf", { type: "application/pdf" }));
    const res = await exports.default.fetch(
      new Request(`http://parley.test${path}/messages`, { method: "POST", body: form, headers: { api_access_token: t.admin.access_token } }),
    );
    const sent = (await res.json()) as { id: number; attachments: { data_url: string }[] };
    const key = new URL(sent.attachments[0]?.data_url ?? "http://x/").pathname.slice("/media/".length);
    expect(await env.MEDIA.head(key)).not.toBeNull();
    expectStatus(await call("DELETE", `${path}/messages/${sent.id}`, { token: t.admin.access_token }), 200);
    expect(await env.MEDIA.head(key)).toBeNull();
  });

  it("answers 404 for an activity message and for a conversation the agent does not see", async () => {
    const { t, path, asAdmin } = await setUp();
    await call("POST", `${path}/toggle_status`, { ...asAdmin, body: { status: "resolved" } });
    const messages = (await call("GET", `${path}/messages`, asAdmin)).body.payload as { id: number; message_type: number }[];
    const activity = messages.find((m) => m.message_type === 2);
    expect(activity).toBeDefined();
    expectStatus(await call("DELETE", `${path}/messages/${activity?.id}`, asAdmin), 404);
    const sent = (await call("POST", `${path}/messages`, { ...asAdmin, body: { content: "Hello" } })).body;
    expectStatus(await call("DELETE", `${path}/messages/${sent.id}`, { token: t.agent.access_token }), 404);
    expectStatus(await call("DELETE", `${path}/messages/999999`, asAdmin), 404);
  });

  it("keeps the newest message as the list's last message when an older one changes", async () => {
    const { t, session, path, asAdmin } = await setUp();
    const older = (await call("POST", `${path}/messages`, { ...asAdmin, body: { content: "Older" } })).body;
    await call("POST", `${session.conversationPath}/messages`, { body: { content: "Newest" } });
    await call("DELETE", `${path}/messages/${older.id}`, asAdmin);
    const [conversation] = (await call("GET", `/api/v1/accounts/${t.account.id}/conversations`, asAdmin)).body.data.payload;
    expect(conversation.messages.map((m: { content: string }) => m.content)).toEqual(["Newest"]);
  });
});
