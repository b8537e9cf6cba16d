// Chatwoot's mobile app against Parley, call by call, as the app makes them. The sequence and the
// request shapes are quoted from chatwoot/chatwoot-mobile-app:
// - src/services/APIService.ts: devise headers (access-token, uid, client) on every call; paths under
//   api/v1/accounts/:account_id/ except 'profile', 'profile/availability' and 'notification_subscriptions'.
// - src/store/settings/settingsService.ts: GET {installationUrl}api (the URL check), notification_settings
//   GET/PUT, POST notification_subscriptions, DELETE notification_subscriptions with a JSON body.
// - src/store/settings/settingsActions.ts (saveDeviceDetails): {subscription_type: 'fcm',
//   subscription_attributes: {deviceName, devicePlatform, apiLevel, brandName, buildNumber, push_token, device_id}}.
// - src/store/auth/authService.ts: POST auth/sign_in, GET profile, POST profile/availability,
//   PUT profile/set_active_account.
// - src/store/conversation/conversationService.ts: GET conversations {inbox_id, assignee_type, status,
//   page, sort_by}, GET conversations/:id, GET conversations/:id/messages {before}, POST messages,
//   POST update_last_seen and unread (reading id, unread_count, agent_last_seen_at), POST mute and unmute,
//   POST toggle_status (reading payload.current_status).
import { describe, expect, it } from "vitest";
import { connectCable } from "./cable-client";
import { call, clientSession, expectStatus, tenant, unique } from "./helpers";
import { deviseHeaders, signIn, userWithPassword } from "./sign-in-fixtures";

describe("Chatwoot's mobile app", () => {
  it("checks the installation, signs in, lists, reads, replies, mutes and hears /cable like the app", async () => {
    const t = await tenant();
    const session = await clientSession(t);
    await call("POST", `${session.conversationPath}/messages`, { body: { content: "Is my order on its way?" } });
    const agent = await userWithPassword(t.agency.access_token, t.account.id, "administrator");

    // settingsService.verifyInstallationUrl / getChatwootVersion
    const installation = await call("GET", "/api");
    expectStatus(installation, 200);
    expect(installation.body.version).toMatch(/^\d+\.\d+\.\d+$/);

    // authService.login: the user, and the devise headers the app keeps
    const signedIn = await signIn(agent.email);
    expect(signedIn.accessToken).not.toBe("");
    const accountId = signedIn.data.account_id as number;
    expect(accountId).toBe(t.account.id);
    const headers = deviseHeaders(signedIn);
    const app = (method: string, path: string, body?: unknown) =>
      call(method, path.startsWith("/") ? path : `/api/v1/accounts/${accountId}/${path}`, { headers, ...(body === undefined ? {} : { body }) });

    // authService.getProfile, updateAvailability, setActiveAccount
    const profile = await app("GET", "/api/v1/profile");
    expectStatus(profile, 200);
    expectStatus(await app("POST", "/api/v1/profile/availability", { profile: { availability: "online", account_id: accountId } }), 200);
    expectStatus(await app("PUT", "/api/v1/profile/set_active_account", { profile: { account_id: accountId } }), 200);

    // settingsActions.saveDeviceDetails, unwrapped as the app sends it
    const pushToken = unique("fcm-token");
    const device = await app("POST", "/api/v1/notification_subscriptions", {
      subscription_type: "fcm",
      subscription_attributes: {
        deviceName: "Google Pixel 8",
        devicePlatform: "Android",
        apiLevel: "34",
        brandName: "google",
        buildNumber: "512",
        push_token: pushToken,
        device_id: "a1b2c3",
      },
    });
    expectStatus(device, 200);
    expect(device.body).toMatchObject({ subscription_type: "fcm", identifier: pushToken });

    // settingsService.getNotificationSettings / updateNotificationSettings
    const settings = await app("GET", "notification_settings");
    expectStatus(settings, 200);
    const updated = await app("PUT", "notification_settings", {
      notification_settings: { selected_email_flags: [], selected_push_flags: ["push_conversation_assignment"] },
    });
    expectStatus(updated, 200);

    // conversationService.getConversations
    // inboxId 0 becomes null, which axios leaves out of the query.
    const list = await app("GET", "conversations?assignee_type=all&status=open&page=1&sort_by=latest");
    expectStatus(list, 200);
    const listed = (list.body.data.payload as { id: number }[]).find((conversation) => conversation.id === session.conversation.id);
    expect(listed).toBeDefined();
    expect(list.body.data.meta).toMatchObject({ all_count: expect.any(Number) });

    // fetchConversation, fetchPreviousMessages
    expectStatus(await app("GET", `conversations/${session.conversation.id}`), 200);
    const messages = await app("GET", `conversations/${session.conversation.id}/messages`);
    expectStatus(messages, 200);
    expect((messages.body.payload as { content: string }[]).map((message) => message.content)).toContain("Is my order on its way?");

    // /cable with the signed-in user's pubsub token, as the app's ActionCable connector does
    const cable = await connectCable();
    const identifier = cable.identifierFor(signedIn.data.pubsub_token as string, accountId, agent.id);
    expect((await cable.subscribe(identifier)).type).toBe("confirm_subscription");

    // sendMessage: the reply, and the app hears it on /cable
    const reply = await app("POST", `conversations/${session.conversation.id}/messages`, { content: "It left this morning.", private: false });
    expectStatus(reply, 200);
    await cable.waitForEvent("message.created", (data) => data.content === "It left this morning.");

    // markMessageRead and markMessagesUnread read id, unread_count and agent_last_seen_at
    const read = await app("POST", `conversations/${session.conversation.id}/update_last_seen`);
    expectStatus(read, 200);
    expect(read.body).toMatchObject({ id: session.conversation.id, unread_count: 0, agent_last_seen_at: expect.any(Number) });
    const unread = await app("POST", `conversations/${session.conversation.id}/unread`);
    expectStatus(unread, 200);
    expect(unread.body).toMatchObject({ id: session.conversation.id, unread_count: 1 });

    // muteConversation, unmuteConversation, toggleConversationStatus
    expectStatus(await app("POST", `conversations/${session.conversation.id}/mute`), 200);
    expectStatus(await app("POST", `conversations/${session.conversation.id}/unmute`), 200);
    const toggled = await app("POST", `conversations/${session.conversation.id}/toggle_status`, { status: "open" });
    expectStatus(toggled, 200);
    expect(toggled.body.payload.current_status).toBe("open");

    // removeDevice on sign-out: the token in a JSON body
    expectStatus(await app("DELETE", "/api/v1/notification_subscriptions", { push_token: pushToken }), 200);
    cable.close();
  });
});
