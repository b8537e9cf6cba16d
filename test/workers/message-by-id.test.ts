// A message answered again (a retried send) is read by its id, as the one who asks sees it.
import { describe, expect, it } from "vitest";
import { call, clientSession, expectStatus, tenant } from "./helpers";

describe("a send retried with the same echo_id", () => {
  it("answers an agent with the first message, not the conversation's latest", async () => {
    const t = await tenant();
    const session = await clientSession(t);
    const path = `/api/v1/accounts/${t.account.id}/conversations/${session.conversation.id}/messages`;
    const asAdmin = { token: t.admin.access_token };
    const first = await call("POST", path, { ...asAdmin, body: { content: "First", echo_id: "retry-1" } });
    expectStatus(first, 200);
    expectStatus(await call("POST", path, { ...asAdmin, body: { content: "Later" } }), 200);
    const again = await call("POST", path, { ...asAdmin, body: { content: "First", echo_id: "retry-1" } });
    expectStatus(again, 200);
    expect(again.body).toMatchObject({ id: first.body.id, content: "First", echo_id: "retry-1" });
  });

  it("answers a visitor with their first message even after an agent's private note", async () => {
    const t = await tenant();
    const session = await clientSession(t);
    const first = await call("POST", `${session.conversationPath}/messages`, { body: { content: "Hello", echo_id: "retry-2" } });
    expectStatus(first, 200);
    const note = { token: t.admin.access_token, body: { content: "Internal", private: true } };
    expectStatus(await call("POST", `/api/v1/accounts/${t.account.id}/conversations/${session.conversation.id}/messages`, note), 200);
    const again = await call("POST", `${session.conversationPath}/messages`, { body: { content: "Hello", echo_id: "retry-2" } });
    expectStatus(again, 200);
    expect(again.body).toMatchObject({ id: first.body.id, content: "Hello" });
  });
});
