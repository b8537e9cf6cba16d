import { describe, expect, it } from "vitest";
import { call, createInbox, eventually, expectStatus, tenant } from "./helpers";
import { sinkHost, sinkRequests } from "./outbound";

/** Chatwoot's swagger `integrations_hook_create_payload`: `app_id`, `inbox_id`, `settings`. */
const hookOf = (url: string, inboxId: number | null = null) => ({ app_id: "webhook", inbox_id: inboxId, settings: { url, events: ["contact_created"] } });

describe("Application API: integration apps and hooks", () => {
  it("lists the webhook app with the account's webhooks as its hooks", async () => {
    const t = await tenant();
    const before = await call("GET", `/api/v1/accounts/${t.account.id}/integrations/apps`, { token: t.admin.access_token });
    expectStatus(before, 200);
    expect(before.body.payload).toEqual([expect.objectContaining({ id: "webhook", enabled: false, hooks: [] })]);
    const hook = await call("POST", `/api/v1/accounts/${t.account.id}/integrations/hooks`, {
      token: t.admin.access_token,
      body: hookOf("https://example.com/hook"),
    });
    expectStatus(hook, 200);
    const after = await call("GET", `/api/v1/accounts/${t.account.id}/integrations/apps`, { token: t.admin.access_token });
    expect(after.body.payload[0]).toMatchObject({ enabled: true, hooks: [{ id: hook.body.id, app_id: "webhook", hook_type: "account" }] });
  });

  it("delivers a webhook hook's events as a webhook, and stops once it is deleted", async () => {
    const t = await tenant();
    const host = sinkHost("hook-app");
    const hook = await call("POST", `/api/v1/accounts/${t.account.id}/integrations/hooks`, { token: t.admin.access_token, body: hookOf(`https://${host}/in`) });
    expectStatus(hook, 200);
    expectStatus(await call("POST", `/api/v1/accounts/${t.account.id}/contacts`, { token: t.admin.access_token, body: { name: "Hooked" } }), 201);
    await eventually(async () => expect((await sinkRequests(host)).map((request) => JSON.parse(request.body).event)).toEqual(["contact_created"]));
    expectStatus(await call("DELETE", `/api/v1/accounts/${t.account.id}/integrations/hooks/${hook.body.id}`, { token: t.admin.access_token }), 200);
    const webhooks = await call("GET", `/api/v1/accounts/${t.account.id}/webhooks`, { token: t.admin.access_token });
    expect(webhooks.body.payload.webhooks).toEqual([]);
  });

  it("scopes a hook to an inbox and updates its settings", async () => {
    const t = await tenant();
    const inbox = await createInbox(t.admin.access_token, t.account.id);
    const hook = await call("POST", `/api/v1/accounts/${t.account.id}/integrations/hooks`, {
      token: t.admin.access_token,
      body: hookOf("https://example.com/inbox-hook", inbox.id),
    });
    expect(hook.body).toMatchObject({ hook_type: "inbox", inbox: { id: inbox.id } });
    const updated = await call("PATCH", `/api/v1/accounts/${t.account.id}/integrations/hooks/${hook.body.id}`, {
      token: t.admin.access_token,
      body: { settings: { events: ["message_created", "conversation_created"] } },
    });
    expectStatus(updated, 200);
    expect(updated.body.settings.events).toEqual(["message_created", "conversation_created"]);
  });

  it("refuses apps Parley does not run, and agents", async () => {
    const t = await tenant();
    const slack = await call("POST", `/api/v1/accounts/${t.account.id}/integrations/hooks`, {
      token: t.admin.access_token,
      body: { app_id: "slack", settings: { url: "https://example.com/slack" } },
    });
    expectStatus(slack, 422);
    expect(slack.body.error.code).toBe("app_not_supported");
    expectStatus(await call("GET", `/api/v1/accounts/${t.account.id}/integrations/apps`, { token: t.agent.access_token }), 403);
  });
});
