import { describe, expect, it } from "vitest";
import {
  issueAccessToken,
  parseAccessToken,
  parsePubsubToken,
  contactPubsubToken,
  secretMatches,
  userPubsubToken,
  verifyUserPubsubToken,
} from "../../src/domain/tokens";

describe("access tokens", () => {
  it("round-trips through parse and matches only its own hash", async () => {
    const issued = await issueAccessToken("user");
    const parsed = parseAccessToken(issued.token);
    expect(parsed).toMatchObject({ kind: "user", tokenId: issued.tokenId });
    expect(await secretMatches(parsed?.secret ?? "", issued.tokenHash)).toBe(true);
    const other = await issueAccessToken("user");
    expect(await secretMatches(parsed?.secret ?? "", other.tokenHash)).toBe(false);
  });

  it("tells agency tokens from user tokens and rejects anything else", async () => {
    expect(parseAccessToken((await issueAccessToken("agency")).token)?.kind).toBe("agency");
    for (const bad of ["", "pus_", "pus_0123_abc", "xyz_0123456789abcdef_" + "a".repeat(43), "pus_0123456789ABCDEF_" + "a".repeat(43)]) {
      expect(parseAccessToken(bad)).toBeNull();
    }
  });
});

describe("pubsub tokens", () => {
  it("are derived from the user and their current access token", async () => {
    const token = await userPubsubToken("secret-a", 42, "token-1");
    expect(parsePubsubToken(token)).toEqual({ kind: "user", userId: 42, sessionId: null });
    expect(await verifyUserPubsubToken("secret-a", token, 42, "token-1")).toBe(true);
    expect(await verifyUserPubsubToken("secret-a", token, 42, "token-2")).toBe(false);
    expect(await verifyUserPubsubToken("secret-b", token, 42, "token-1")).toBe(false);
    expect(await verifyUserPubsubToken("secret-a", token, 43, "token-1")).toBe(false);
  });
});

describe("contact pubsub tokens", () => {
  it("name their account and contact inbox, and change with the source id", async () => {
    const token = await contactPubsubToken("secret-a", 7, 99, "source-1");
    expect(parsePubsubToken(token)).toEqual({ kind: "contact", accountId: 7, contactInboxId: 99 });
    expect(await contactPubsubToken("secret-a", 7, 99, "source-2")).not.toBe(token);
    expect(await contactPubsubToken("secret-a", 7, 99, "source-1")).toBe(token);
  });

  it("are not mistaken for anything else", () => {
    for (const bad of ["", "c1_2", "u1_short", "c1_2_" + "x".repeat(31), "x1_" + "a".repeat(32)]) {
      expect(parsePubsubToken(bad)).toBeNull();
    }
  });
});
