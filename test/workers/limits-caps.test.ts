// Caps on what a visitor can make Parley keep: each a 422 with details, and nothing written.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, clientSession, expectStatus, tenant } from "./helpers";
import { widgetCommandSession } from "./widget-fixtures";

const MAX_BYTES = Number(env.MAX_CUSTOM_ATTRIBUTES_BYTES);
/** Attributes that together take more than the cap, each value within the per-value limit. */
const oversized = () => Object.fromEntries(Array.from({ length: Math.ceil(MAX_BYTES / 9_000) + 1 }, (_, i) => [`note_${i}`, "x".repeat(9_000)]));

describe("caps", () => {
  it("refuses a contact's custom attributes over the size cap and keeps the earlier ones", async () => {
    const { base } = await clientSession(await tenant());
    expectStatus(await call("PATCH", base, { body: { custom_attributes: { plan: "pro" } } }), 200);
    const refused = await call("PATCH", base, { body: { custom_attributes: oversized() } });
    expectStatus(refused, 422);
    expect(refused.body.error.code).toBe("custom_attributes_too_large");
    expect(refused.body.error.details[0]).toMatchObject({ field: "custom_attributes", code: "too_large", max_bytes: MAX_BYTES });
    expect((await call("GET", base)).body.custom_attributes).toEqual({ plan: "pro" });
  });

  it("refuses a conversation's custom attributes over the size cap and leaves the conversation as it was", async () => {
    const t = await tenant();
    const { token, session } = await widgetCommandSession(t);
    const ref = { widget_token: token, source_id: session.source_id, conversation_id: session.conversation_id };
    expectStatus(await call("POST", "/api/v1/widget/conversation/custom_attributes", { body: { ...ref, custom_attributes: { order: "A-1" } } }), 200);
    const refused = await call("POST", "/api/v1/widget/conversation/custom_attributes", { body: { ...ref, custom_attributes: oversized() } });
    expectStatus(refused, 422);
    expect(refused.body.error.code).toBe("custom_attributes_too_large");
    const conversation = await call("GET", `/api/v1/accounts/${t.account.id}/conversations/${session.conversation_id}`, { token: t.admin.access_token });
    expect(conversation.body.custom_attributes).toEqual({ order: "A-1" });
  });

  it("refuses a label past the cap per conversation", async () => {
    const t = await tenant();
    const { token, session } = await widgetCommandSession(t);
    const max = Number(env.MAX_LABELS_PER_CONVERSATION);
    const labels = Array.from({ length: max }, (_, i) => `label-${i}`);
    const path = `/api/v1/accounts/${t.account.id}/conversations/${session.conversation_id}/labels`;
    expectStatus(await call("POST", path, { token: t.admin.access_token, body: { labels } }), 200);
    const refused = await call("POST", "/api/v1/widget/conversation/labels/add", {
      body: { widget_token: token, source_id: session.source_id, conversation_id: session.conversation_id, label: "one-more" },
    });
    expectStatus(refused, 422);
    expect(refused.body.error).toMatchObject({ code: "too_many_labels", details: [{ field: "label", max, count: max + 1 }] });
    expect((await call("GET", path, { token: t.admin.access_token })).body.payload).toHaveLength(max);
  });

  it("refuses an agent's labels past the cap per conversation too", async () => {
    const t = await tenant();
    const { session } = await widgetCommandSession(t);
    const max = Number(env.MAX_LABELS_PER_CONVERSATION);
    const path = `/api/v1/accounts/${t.account.id}/conversations/${session.conversation_id}/labels`;
    const refused = await call("POST", path, { token: t.admin.access_token, body: { labels: Array.from({ length: max + 1 }, (_, i) => `label-${i}`) } });
    expectStatus(refused, 422);
    expect(refused.body.error.code).toBe("too_many_labels");
    expect((await call("GET", path, { token: t.admin.access_token })).body.payload).toEqual([]);
  });

  it("refuses a visitor session's conversation past the cap per session", { timeout: 60_000 }, async () => {
    const { base } = await clientSession(await tenant());
    const max = Number(env.MAX_CONVERSATIONS_PER_SESSION);
    for (let i = 1; i < max; i++) expectStatus(await call("POST", `${base}/conversations`, { body: {} }), 200);
    const refused = await call("POST", `${base}/conversations`, { body: {} });
    expectStatus(refused, 422);
    expect(refused.body.error).toMatchObject({ code: "too_many_conversations", details: [{ max, count: max }] });
    expect((await call("GET", `${base}/conversations`)).body).toHaveLength(max);
  });

  it("refuses a new conversation whose custom attributes are over the cap, starting none", async () => {
    const { base } = await clientSession(await tenant());
    const refused = await call("POST", `${base}/conversations`, { body: { custom_attributes: oversized() } });
    expectStatus(refused, 422);
    expect(refused.body.error.code).toBe("custom_attributes_too_large");
    expect((await call("GET", `${base}/conversations`)).body).toHaveLength(1);
  });
});
