// Conversation continuity: a website visitor who left an email and is not on the page gets the
// agents' messages by email, one email per burst, with the conversation's reply address; their
// answer by email comes back into the same conversation. A visitor on the page gets nothing by email.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { conversationOfReplyAddress } from "../../src/domain/email-channel";
import { connectCable } from "./cable-client";
import { agentReply, conversationEmails, deliverMail, newMessageId, plainMail } from "./email-fixtures";
import { call, clientSession, createInbox, eventually, expectStatus, tenant } from "./helpers";

type Message = { id: number; content: string | null; message_type: number; private: boolean };

const websiteChannel = { type: "web_widget", website_url: "https://acme.example.test" };
const continuityDelayMs = () => Number(env.EMAIL_CONTINUITY_DELAY_SECONDS) * 1000;

async function messagesOf(t: Awaited<ReturnType<typeof tenant>>, displayId: number) {
  const reply = await call("GET", `/api/v1/accounts/${t.account.id}/conversations/${displayId}/messages`, { token: t.admin.access_token });
  expectStatus(reply, 200);
  return (reply.body.payload as Message[]).filter((message) => message.message_type !== 2);
}

/** A website visitor who left an email and wrote once, then closed the page. */
async function visitorWhoLeft() {
  const t = await tenant();
  const session = await clientSession(t, websiteChannel);
  expectStatus(await call("POST", `${session.conversationPath}/messages`, { body: { content: "Do you ship to Norway?" } }), 200);
  const contact = await call("GET", session.base, {});
  expectStatus(contact, 200);
  return { t, session, email: contact.body.email as string };
}

// Each case waits out the continuity delay, and an agent's message passes several queue hops.
describe("Email continuity", { timeout: 30_000 }, () => {
  it("emails a burst of agent replies to a visitor who left as one email with the conversation's reply address", async () => {
    const { t, session, email } = await visitorWhoLeft();
    for (const content of ["Hello!", "Yes, we ship to Norway.", "Delivery takes 3 days."]) {
      await agentReply(t.admin.access_token, t.account.id, session.conversation.id, content);
    }
    let sent: Awaited<ReturnType<typeof conversationEmails>> = [];
    await eventually(async () => {
      sent = await conversationEmails(t.account.id);
      expect(sent.map((row) => row.status)).toEqual(["sent"]);
    }, 15_000);
    const [continuity] = sent;
    expect(continuity).toMatchObject({ kind: "continuity", to: JSON.stringify([email]), display_id: session.conversation.id });
    expect(continuity?.text).toContain("Hello!");
    expect(continuity?.text).toContain("Yes, we ship to Norway.");
    expect(continuity?.text).toContain("Delivery takes 3 days.");
    expect(await conversationOfReplyAddress(env.TOKEN_SIGNING_SECRET, continuity?.reply_to ?? "")).toEqual({
      accountId: t.account.id,
      displayId: session.conversation.id,
    });
    // The burst's later jobs come after the delay and find nothing left to send.
    await new Promise((resolve) => setTimeout(resolve, continuityDelayMs() + 1_500));
    expect(await conversationEmails(t.account.id)).toHaveLength(1);
  });

  it("brings the visitor's email answer back into the same website conversation", async () => {
    const { t, session, email } = await visitorWhoLeft();
    await agentReply(t.admin.access_token, t.account.id, session.conversation.id, "Which city?");
    let replyTo = "";
    await eventually(async () => {
      const [continuity] = await conversationEmails(t.account.id);
      expect(continuity?.status).toBe("sent");
      replyTo = continuity?.reply_to ?? "";
    }, 15_000);
    const answer = plainMail({
      from: email,
      to: replyTo,
      subject: "Re: Your conversation",
      messageId: newMessageId(),
      text: ["Oslo, please.", "", "On Mon, Dec 7, 2026 at 10:00 AM Acme wrote:", "> Which city?"].join("\r\n"),
    });
    expect(await deliverMail(answer, { from: email, to: replyTo })).toBeNull();
    await eventually(async () =>
      expect((await messagesOf(t, session.conversation.id)).map((m) => [m.message_type, m.content])).toEqual([
        [0, "Do you ship to Norway?"],
        [1, "Which city?"],
        [0, "Oslo, please."],
      ]),
    );
  });

  it("sends nothing to a visitor who left no email", async () => {
    const t = await tenant();
    const inbox = await createInbox(t.admin.access_token, t.account.id, { channel: websiteChannel });
    const base = `/public/api/v1/inboxes/${inbox.inbox_identifier}`;
    const contact = await call("POST", `${base}/contacts`, { body: { name: "Anonymous visitor" } });
    expectStatus(contact, 200);
    const conversation = await call("POST", `${base}/contacts/${contact.body.source_id}/conversations`, { body: {} });
    expectStatus(conversation, 200);
    await agentReply(t.admin.access_token, t.account.id, conversation.body.id, "Are you still there?");
    await new Promise((resolve) => setTimeout(resolve, continuityDelayMs() + 1_500));
    expect(await conversationEmails(t.account.id)).toEqual([]);
  });

  it("sends nothing by email to a visitor who is on the page, nor a private note", async () => {
    const { t, session } = await visitorWhoLeft();
    const visitor = await connectCable();
    expect((await visitor.subscribe(visitor.identifierFor(session.contact.pubsub_token))).type).toBe("confirm_subscription");
    await agentReply(t.admin.access_token, t.account.id, session.conversation.id, "You are here, I see.");
    await visitor.waitForEvent("message.created", (data) => data.content === "You are here, I see.");
    expectStatus(
      await call("POST", `/api/v1/accounts/${t.account.id}/conversations/${session.conversation.id}/messages`, {
        token: t.admin.access_token,
        body: { content: "Internal only", message_type: "outgoing", private: true },
      }),
      200,
    );
    await new Promise((resolve) => setTimeout(resolve, continuityDelayMs() + 1_500));
    expect(await conversationEmails(t.account.id)).toEqual([]);
    visitor.close();
  });
});
