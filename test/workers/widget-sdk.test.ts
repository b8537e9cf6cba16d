import { describe, expect, it } from "vitest";
import { call, createInbox, expectStatus, tenant } from "./helpers";
import { createChatWidget } from "./widget-fixtures";

const sdkWidget = (websiteToken: string, origin?: string) =>
  call("GET", `/api/v1/widget/sdk?website_token=${encodeURIComponent(websiteToken)}`, { headers: origin ? { origin } : {} });

describe("Widget API: the widget Chatwoot's website SDK shows for a website inbox", () => {
  it("answers the inbox's first Live Chat widget, cacheable for a minute", async () => {
    const { account, admin } = await tenant();
    const inbox = await createInbox(admin.access_token, account.id);
    const first = await createChatWidget(admin.access_token, account.id, { inbox_id: inbox.id });
    await createChatWidget(admin.access_token, account.id, { inbox_id: inbox.id });
    const reply = await sdkWidget(inbox.website_token as string);
    expectStatus(reply, 200);
    expect(reply.body).toEqual({ widget_token: first.widget_token, widget_type: "live_chat" });
    expect(reply.headers.get("cache-control")).toBe("public, max-age=60");
  });

  it("prefers a Live Chat widget to an older All-in-one widget, and takes the All-in-one widget offering live chat when it is the only one", async () => {
    const { account, admin } = await tenant();
    const inbox = await createInbox(admin.access_token, account.id);
    const allInOne = await createChatWidget(admin.access_token, account.id, {
      type: "all_in_one",
      inbox_id: inbox.id,
      settings: { channels: { live_chat: true, email_sms: true } },
    });
    expect((await sdkWidget(inbox.website_token as string)).body).toEqual({ widget_token: allInOne.widget_token, widget_type: "all_in_one" });
    const liveChat = await createChatWidget(admin.access_token, account.id, { inbox_id: inbox.id });
    expect((await sdkWidget(inbox.website_token as string)).body).toEqual({ widget_token: liveChat.widget_token, widget_type: "live_chat" });
  });

  it("answers 404 no_widget for a website inbox without a widget, and 404 for an unknown website token", async () => {
    const { account, admin } = await tenant();
    const inbox = await createInbox(admin.access_token, account.id);
    const reply = await sdkWidget(inbox.website_token as string);
    expectStatus(reply, 404);
    expect(reply.body.error.code).toBe("no_widget");
    expectStatus(await sdkWidget("no-such-inbox"), 404);
    const fromPage = await sdkWidget(inbox.website_token as string, "https://shop.acme.test");
    expectStatus(fromPage, 404);
    expect(fromPage.headers.get("access-control-allow-origin")).toBe("https://shop.acme.test");
  });

  it("lets only the widget's allowed domains read the answer from a browser", async () => {
    const { account, admin } = await tenant();
    const inbox = await createInbox(admin.access_token, account.id);
    await createChatWidget(admin.access_token, account.id, { inbox_id: inbox.id, settings: { allowed_domains: ["shop.acme.test"] } });
    const allowed = await sdkWidget(inbox.website_token as string, "https://shop.acme.test");
    expectStatus(allowed, 200);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://shop.acme.test");
    const refused = await sdkWidget(inbox.website_token as string, "https://elsewhere.test");
    expectStatus(refused, 403);
    expect(refused.body.error.code).toBe("origin_not_allowed");
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
  });
});
