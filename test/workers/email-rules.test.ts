// The email channel's pure rules (src/domain/email-channel.ts): reply addresses, thread ids, what a
// machine sent, quoted history, and the headers that keep an answer in the contact's thread.
import { describe, expect, it } from "vitest";
import {
  automatedKind,
  bounceReason,
  conversationOfReplyAddress,
  messageIdsIn,
  recipientOf,
  replyAddress,
  replySubject,
  splitQuotedReply,
  textOfHtml,
  threadIdsOf,
  threadingHeaders,
} from "../../src/domain/email-channel";

const SECRET = "a-signing-secret-of-thirty-two-chars!";
const headers = (entries: Record<string, string>) => new Map(Object.entries(entries).map(([name, value]) => [name.toLowerCase(), value]));

describe("email rules", () => {
  it("signs a conversation's reply address and reads it back, refusing any other signature or conversation", async () => {
    const address = await replyAddress(SECRET, { accountId: 7, displayId: 42 }, "Mail.Acme.Test");
    expect(address).toMatch(/^reply\+7-42-[0-9a-f]{20}@mail\.acme\.test$/);
    expect(await conversationOfReplyAddress(SECRET, address.toUpperCase())).toEqual({ accountId: 7, displayId: 42 });
    expect(await conversationOfReplyAddress(SECRET, address.replace("7-42-", "7-43-"))).toBeNull();
    expect(await conversationOfReplyAddress("another-secret-of-thirty-two-chars!!", address)).toBeNull();
    expect(await conversationOfReplyAddress(SECRET, "support@mail.acme.test")).toBeNull();
  });

  it("reads Message-IDs from headers, In-Reply-To first, then References from the newest", () => {
    expect(messageIdsIn("<a@x> <b@y>\r\n <c@z>")).toEqual(["a@x", "b@y", "c@z"]);
    expect(messageIdsIn("bare@id")).toEqual(["bare@id"]);
    expect(messageIdsIn(undefined)).toEqual([]);
    expect(threadIdsOf({ inReplyTo: "<c@z>", references: "<a@x> <b@y> <c@z>" })).toEqual(["c@z", "b@y", "a@x"]);
  });

  it("tells bounces and automatic replies from mail a person wrote", () => {
    expect(automatedKind(headers({ "Content-Type": 'multipart/report; report-type=delivery-status; boundary="x"' }), "bounces@mx.test")).toBe("bounce");
    expect(automatedKind(headers({}), "MAILER-DAEMON@mx.test")).toBe("bounce");
    expect(automatedKind(headers({ "X-Failed-Recipients": "ana@example.test" }), "someone@mx.test")).toBe("bounce");
    expect(automatedKind(headers({ "Auto-Submitted": "auto-replied" }), "ana@example.test")).toBe("auto_reply");
    expect(automatedKind(headers({ "Auto-Submitted": "no" }), "ana@example.test")).toBeNull();
    expect(automatedKind(headers({ Precedence: "bulk" }), "news@example.test")).toBe("auto_reply");
    expect(automatedKind(headers({ "X-Autoreply": "yes" }), "ana@example.test")).toBe("auto_reply");
    expect(automatedKind(headers({ Subject: "Hello" }), "ana@example.test")).toBeNull();
  });

  it("says why a bounce happened from its delivery report", () => {
    const report = "Final-Recipient: rfc822; ana@example.test\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 User unknown";
    expect(bounceReason(report)).toBe("The email could not be delivered: to ana@example.test, status 5.1.1, 550 5.1.1 User unknown");
    expect(bounceReason("no report here")).toBe("The email could not be delivered.");
  });

  it("cuts the quoted history of Gmail, Outlook and > quotes, and keeps a mail that is all quote whole", () => {
    expect(splitQuotedReply("Yes please.\n\nOn Mon, Dec 7, 2026 at 9:00 AM Acme <a@acme.test>\nwrote:\n> Shall we?")).toEqual({
      reply: "Yes please.",
      quoted: "On Mon, Dec 7, 2026 at 9:00 AM Acme <a@acme.test>\nwrote:\n> Shall we?",
    });
    expect(splitQuotedReply("Fine.\r\n\r\n-----Original Message-----\r\nFrom: Acme\r\nSent: Monday").reply).toBe("Fine.");
    expect(splitQuotedReply("Fine.\n\nFrom: Acme <a@acme.test>\nSent: Monday, 7 December\nTo: Ana").reply).toBe("Fine.");
    expect(splitQuotedReply("Thanks\n> old line\n> older line").reply).toBe("Thanks");
    expect(splitQuotedReply("> only a quote")).toEqual({ reply: "> only a quote", quoted: null });
    expect(splitQuotedReply("Line one\nLine two")).toEqual({ reply: "Line one\nLine two", quoted: null });
  });

  it("reads an HTML-only mail as text", () => {
    expect(textOfHtml("<html><head><style>p{}</style></head><body><p>Hello&nbsp;there</p><div>Second &amp; last<br>line</div></body></html>")).toBe(
      "Hello there\nSecond & last\nline",
    );
  });

  it("answers with Re: once, and names the thread's ids in In-Reply-To and References", () => {
    expect(replySubject("Invoice", "fallback")).toBe("Re: Invoice");
    expect(replySubject("RE: Invoice", "fallback")).toBe("RE: Invoice");
    expect(replySubject("", "[#4] Mail")).toBe("Re: [#4] Mail");
    expect(threadingHeaders(["a@x", "b@y"], "b@y")).toEqual({ "In-Reply-To": "<b@y>", References: "<a@x> <b@y>" });
    expect(threadingHeaders([], null)).toEqual({});
    expect(
      threadingHeaders(
        Array.from({ length: 30 }, (_, i) => `${i}@x`),
        null,
      ).References?.split(" "),
    ).toHaveLength(20);
  });

  it("answers a contact at their own address or number, else at the one they claimed", () => {
    expect(recipientOf({ email: "Ana@Example.Test", additional_attributes: {} }, "email")).toBe("ana@example.test");
    expect(recipientOf({ email: null, additional_attributes: { claimed_email: "ana@example.test" } }, "email")).toBe("ana@example.test");
    expect(recipientOf({ phone_number: null, additional_attributes: { claimed_phone_number: "+14155550100" } }, "phone_number")).toBe("+14155550100");
    expect(recipientOf({ email: null, additional_attributes: {} }, "email")).toBeNull();
  });
});
