import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bytesOf, REAL_FILE_HEADERS } from "./file-headers";
import { call, clientSession, createTeam, expectStatus, tenant } from "./helpers";

const PNG = bytesOf(REAL_FILE_HEADERS.find((header) => header.name === "png")?.hex ?? "");

describe("Application API: bulk actions", () => {
  it("applies a status, an assignee, a team and labels to every conversation named, as Chatwoot's bulk_actions payload asks", async () => {
    const t = await tenant();
    const first = await clientSession(t);
    const second = await clientSession(t);
    const team = await createTeam(t.admin.access_token, t.account.id);
    const ids = [first.conversation.id, second.conversation.id];
    await call("POST", `/api/v1/accounts/${t.account.id}/conversations/${first.conversation.id}/labels`, {
      token: t.admin.access_token,
      body: { labels: ["new"] },
    });
    // Chatwoot's dashboard (app/javascript/dashboard/api/bulkActions.js): {type, ids, fields, labels: {add, remove}}.
    const reply = await call("POST", `/api/v1/accounts/${t.account.id}/bulk_actions`, {
      token: t.admin.access_token,
      body: {
        type: "Conversation",
        ids,
        fields: { status: "pending", assignee_id: t.admin.id, team_id: team.id },
        labels: { add: ["billing"], remove: ["new"] },
      },
    });
    expectStatus(reply, 200);
    expect(reply.body).toEqual({ updated: ids, skipped: [] });
    for (const id of ids) {
      const conversation = (await call("GET", `/api/v1/accounts/${t.account.id}/conversations/${id}`, { token: t.admin.access_token })).body;
      expect(conversation).toMatchObject({ status: "pending", assignee_id: t.admin.id, team_id: team.id, labels: ["billing"] });
    }
  });

  it("skips conversations the caller does not see", async () => {
    const t = await tenant();
    const { conversation } = await clientSession(t);
    const reply = await call("POST", `/api/v1/accounts/${t.account.id}/bulk_actions`, {
      token: t.agent.access_token,
      body: { ids: [conversation.id, 9999], fields: { status: "resolved" } },
    });
    expectStatus(reply, 200);
    expect(reply.body).toEqual({ updated: [], skipped: [conversation.id, 9999] });
  });
});

describe("Application API: a conversation's attachments", () => {
  it("lists every file shared in the conversation with its message's sender", async () => {
    const t = await tenant();
    const session = await clientSession(t);
    const form = new FormData();
    form.append("content", "see the photo");
    form.append("attachments[]", new File([PNG], "photo.png", { type: "image/png" }));
    const upload = await exports.default.fetch(new Request(`http://parley.test${session.conversationPath}/messages`, { method: "POST", body: form }));
    expect(upload.status).toBe(200);
    await call("POST", `${session.conversationPath}/messages`, { body: { content: "no file here" } });
    const reply = await call("GET", `/api/v1/accounts/${t.account.id}/conversations/${session.conversation.id}/attachments`, { token: t.admin.access_token });
    expectStatus(reply, 200);
    expect(reply.body.meta).toEqual({ total_count: 1 });
    expect(reply.body.payload[0]).toMatchObject({ file_type: "image", file_name: "photo.png", sender: { type: "contact" } });
    expectStatus(
      await call("GET", `/api/v1/accounts/${t.account.id}/conversations/${session.conversation.id}/attachments`, { token: t.agent.access_token }),
      404,
    );
  });
});
