import { describe, expect, it } from "vitest";
import { newWebhookSecret, verifyWebhookSignature, webhookHeaders, webhookSignature } from "../../src/domain/webhook-signature";

const secret = "4f1c0e7d2b9a8c6e5d4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d";
const body = '{"event":"message_created","id":7,"content":"I want a refund"}';

describe("webhook signatures", () => {
  it('signs sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">', async () => {
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`1767225600.${body}`));
    const hex = [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
    expect(await webhookSignature(secret, 1767225600, body)).toBe(`sha256=${hex}`);
  });

  it("sends the timestamp, the delivery id, JSON and a user agent with the signature, in Parley's headers and Chatwoot's", async () => {
    const headers = await webhookHeaders({ secret, body, timestamp: 1767225600, deliveryId: 42 });
    const signature = await webhookSignature(secret, 1767225600, body);
    expect(headers).toEqual({
      "Content-Type": "application/json",
      "User-Agent": "Parley-Webhooks/1.0",
      "X-Parley-Timestamp": "1767225600",
      "X-Parley-Delivery": "42",
      "X-Parley-Signature": signature,
      "X-Chatwoot-Timestamp": "1767225600",
      "X-Chatwoot-Delivery": "42",
      "X-Chatwoot-Signature": signature,
    });
  });

  it("leaves the signature out when there is no secret", async () => {
    const headers = await webhookHeaders({ secret: null, body, timestamp: 1767225600, deliveryId: 42 });
    expect(headers["X-Parley-Signature"]).toBeUndefined();
    expect(headers["X-Chatwoot-Signature"]).toBeUndefined();
    expect(headers["X-Parley-Delivery"]).toBe("42");
  });

  it("verifies what it signed, as a receiver would", async () => {
    const signature = await webhookSignature(secret, 1767225600, body);
    expect(await verifyWebhookSignature({ secret, body, timestamp: "1767225600", signature, now: 1767225630 })).toBe(true);
    expect(
      await verifyWebhookSignature({ secret, body, timestamp: "1767225600", signature: signature.toUpperCase().replace("SHA256", "sha256"), now: 1767225600 }),
    ).toBe(true);
  });

  it("refuses a changed body, another secret, another timestamp or a malformed signature", async () => {
    const signature = await webhookSignature(secret, 1767225600, body);
    const now = 1767225600;
    expect(await verifyWebhookSignature({ secret, body: body.replace("refund", "refunds"), timestamp: "1767225600", signature, now })).toBe(false);
    expect(await verifyWebhookSignature({ secret: newWebhookSecret(), body, timestamp: "1767225600", signature, now })).toBe(false);
    expect(await verifyWebhookSignature({ secret, body, timestamp: "1767225601", signature, now })).toBe(false);
    expect(await verifyWebhookSignature({ secret, body, timestamp: "1767225600", signature: "sha256=abc", now })).toBe(false);
    expect(await verifyWebhookSignature({ secret, body, timestamp: "1767225600", signature: null, now })).toBe(false);
    expect(await verifyWebhookSignature({ secret, body, timestamp: null, signature, now })).toBe(false);
  });

  it("refuses timestamps outside the tolerance, so captured requests cannot be replayed later", async () => {
    const signature = await webhookSignature(secret, 1767225600, body);
    expect(await verifyWebhookSignature({ secret, body, timestamp: "1767225600", signature, now: 1767225600 + 301 })).toBe(false);
    expect(await verifyWebhookSignature({ secret, body, timestamp: "1767225600", signature, now: 1767225600 - 301 })).toBe(false);
    expect(await verifyWebhookSignature({ secret, body, timestamp: "1767225600", signature, now: 1767225600 + 3600, toleranceSeconds: 7200 })).toBe(true);
  });

  it("makes a fresh 256-bit secret each time", () => {
    const [a, b] = [newWebhookSecret(), newWebhookSecret()];
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
  });
});
