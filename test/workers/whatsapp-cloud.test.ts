// The pure rules of the WhatsApp channel and of Meta's Graph API: signatures, the verification
// handshake, what a Graph answer means, template parameters and the customer service window.
import { describe, expect, it } from "vitest";
import { graphUrl, metaSignature, metaSignatureMatches, readGraphAnswer, verificationChallenge } from "../../src/domain/meta-graph";
import { insideServiceWindow, messagesRequestBody, renderedTemplate, templateComponents } from "../../src/domain/whatsapp-cloud";

const body = '{"object":"whatsapp_business_account","entry":[]}';

describe("Meta's webhook signature", () => {
  it("is sha256= and the hex HMAC-SHA256 of the raw body with the app secret", async () => {
    // Computed independently: node -e "crypto.createHmac('sha256','test-app-secret').update(body).digest('hex')"
    expect(await metaSignature("test-app-secret", body)).toBe("sha256=c84a394cc475525991e78ff16e430b02e47f953877d2af0ade26956ce6f384dc");
  });

  it("matches only the exact bytes with the same secret", async () => {
    const bytes = new TextEncoder().encode(body);
    const signature = await metaSignature("test-app-secret", body);
    expect(await metaSignatureMatches("test-app-secret", bytes, signature)).toBe(true);
    expect(await metaSignatureMatches("test-app-secret", bytes, signature.toUpperCase().replace("SHA256", "sha256"))).toBe(true);
    expect(await metaSignatureMatches("another-secret", bytes, signature)).toBe(false);
    expect(await metaSignatureMatches("test-app-secret", new TextEncoder().encode(`${body} `), signature)).toBe(false);
    expect(await metaSignatureMatches("test-app-secret", bytes, undefined)).toBe(false);
    expect(await metaSignatureMatches("", bytes, signature)).toBe(false);
  });
});

describe("Meta's verification handshake", () => {
  it("echoes the challenge only for subscribe with the expected token", () => {
    expect(verificationChallenge({ mode: "subscribe", verifyToken: "secret-token", challenge: "1158201444" }, "secret-token")).toBe("1158201444");
    expect(verificationChallenge({ mode: "subscribe", verifyToken: "other-token!", challenge: "1158201444" }, "secret-token")).toBeNull();
    expect(verificationChallenge({ mode: "unsubscribe", verifyToken: "secret-token", challenge: "1" }, "secret-token")).toBeNull();
    expect(verificationChallenge({ mode: "subscribe", verifyToken: "", challenge: "1" }, "")).toBeNull();
  });
});

describe("Graph API answers", () => {
  it("builds URLs under the base URL (with its path) and the version", () => {
    expect(graphUrl({ baseUrl: "http://localhost:8787/dev/sinks/graph/", version: "v22.0" }, "/123/messages")).toBe(
      "http://localhost:8787/dev/sinks/graph/v22.0/123/messages",
    );
    expect(graphUrl({ baseUrl: null, version: "21.0" }, "123/messages")).toBe("https://graph.facebook.com/v21.0/123/messages");
  });

  it("reads Meta's error object in words, and says which refusals a retry may cure", () => {
    const reEngagement = JSON.stringify({
      error: {
        message: "(#131047) Re-engagement message",
        type: "OAuthException",
        code: 131047,
        error_data: {
          messaging_product: "whatsapp",
          details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
        },
        fbtrace_id: "A",
      },
    });
    expect(readGraphAnswer(400, reEngagement)).toEqual({
      ok: false,
      status: 400,
      code: 131047,
      retryable: false,
      error:
        "HTTP 400 (code 131047): (#131047) Re-engagement message: Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
    });
    expect(readGraphAnswer(400, JSON.stringify({ error: { message: "(#130429) Rate limit hit", code: 130429 } }))).toMatchObject({
      ok: false,
      retryable: true,
    });
    expect(readGraphAnswer(503, "upstream unavailable")).toMatchObject({ ok: false, retryable: true, error: "HTTP 503: upstream unavailable" });
    expect(readGraphAnswer(200, '{"messages":[{"id":"wamid.X"}]}')).toEqual({ ok: true, status: 200, json: { messages: [{ id: "wamid.X" }] } });
  });
});

describe("templates", () => {
  it("turns Chatwoot's flat processed_params into positional body parameters in order", () => {
    expect(templateComponents({ "2": "Monday", "1": "Ada" })).toEqual([
      {
        type: "body",
        parameters: [
          { type: "text", text: "Ada" },
          { type: "text", text: "Monday" },
        ],
      },
    ]);
  });

  it("turns named parameters into Meta's parameter_name form", () => {
    expect(templateComponents({ body: { first_name: "Ada" } })).toEqual([
      { type: "body", parameters: [{ type: "text", parameter_name: "first_name", text: "Ada" }] },
    ]);
  });

  it("turns a media header and buttons into their components", () => {
    expect(
      templateComponents({
        header: { media_url: "https://acme.test/menu.pdf", media_type: "document" },
        body: { "1": "Ada" },
        buttons: [
          { type: "url", parameter: "order/42" },
          { type: "copy_code", parameter: "SAVE10" },
        ],
      }),
    ).toEqual([
      { type: "header", parameters: [{ type: "document", document: { link: "https://acme.test/menu.pdf" } }] },
      { type: "body", parameters: [{ type: "text", text: "Ada" }] },
      { type: "button", sub_type: "url", index: "0", parameters: [{ type: "text", text: "order/42" }] },
      { type: "button", sub_type: "copy_code", index: "1", parameters: [{ type: "coupon_code", coupon_code: "SAVE10" }] },
    ]);
  });

  it("renders the agent's copy from the template's body, leaving unknown variables as they are", () => {
    const template = {
      id: "1",
      name: "reminder",
      language: "en_US",
      status: "APPROVED",
      category: "UTILITY",
      components: [{ type: "BODY", text: "Hi {{1}}, see you {{2}} at {{3}}." }],
    };
    expect(renderedTemplate(template, { name: "reminder", language: "en_US", processed_params: { "1": "Ada", "2": "Monday" } })).toBe(
      "Hi Ada, see you Monday at {{3}}.",
    );
    expect(renderedTemplate(null, { name: "reminder", language: "en_US" })).toBe("Template: reminder");
  });

  it("sends a template without parameters with no components", () => {
    expect(messagesRequestBody("+15551234567", { kind: "template", name: "hello_world", language: "en_US", components: [] })).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: "15551234567",
      type: "template",
      template: { name: "hello_world", language: { code: "en_US" } },
    });
  });
});

describe("the customer service window", () => {
  it("is open for 24 hours after the contact's last message and shut without one", () => {
    const now = 1_800_000_000;
    expect(insideServiceWindow(now - 24 * 60 * 60 + 1, now)).toBe(true);
    expect(insideServiceWindow(now - 24 * 60 * 60, now)).toBe(false);
    expect(insideServiceWindow(null, now)).toBe(false);
  });
});
