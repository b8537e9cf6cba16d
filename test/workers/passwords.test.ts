import { describe, expect, it } from "vitest";
import { dummyVerification, hashIterations, hashPassword, needsRehash, PASSWORD_ITERATIONS, verifyPassword } from "../../src/domain/passwords";

describe("password hashes", () => {
  it("use 100,000 PBKDF2 iterations, the most Cloudflare allows in production", () => {
    expect(PASSWORD_ITERATIONS).toBe(100_000);
  });

  it("are versioned strings that name their scheme, iterations, salt and hash", async () => {
    const stored = await hashPassword("correct horse battery");
    expect(stored).toMatch(/^pbkdf2-sha256\$v1\$100000\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(hashIterations(stored)).toBe(100_000);
    expect(stored).not.toContain("correct horse battery");
  });

  it("get a fresh random salt each time", async () => {
    const [a, b] = await Promise.all([hashPassword("same password"), hashPassword("same password")]);
    expect(a).not.toBe(b);
    expect(await verifyPassword("same password", a)).toBe(true);
    expect(await verifyPassword("same password", b)).toBe(true);
  });

  it("verify only the password they were made from", async () => {
    const stored = await hashPassword("correct horse battery");
    expect(await verifyPassword("correct horse battery", stored)).toBe(true);
    expect(await verifyPassword("correct horse batter", stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  it("never match a stored value that is not one of ours", async () => {
    for (const stored of ["", "plain", "pbkdf2-sha256$v2$100000$AAAA$AAAA", "pbkdf2-sha256$v1$9999999$AAAA$AAAA", "pbkdf2-sha256$v1$100000$!!$!!"]) {
      expect(await verifyPassword("anything", stored)).toBe(false);
    }
  });

  it("read hashes made with fewer iterations, and say they need a new hash", async () => {
    const weaker = await hashPassword("correct horse battery", 1_000);
    expect(await verifyPassword("correct horse battery", weaker)).toBe(true);
    expect(needsRehash(weaker)).toBe(true);
    expect(needsRehash(await hashPassword("correct horse battery"))).toBe(false);
  });

  it("cost about the same to check against nothing as against a real hash", async () => {
    const stored = await hashPassword("correct horse battery");
    const time = async (work: () => Promise<unknown>) => {
      const started = performance.now();
      for (let i = 0; i < 3; i++) await work();
      return performance.now() - started;
    };
    const real = await time(() => verifyPassword("wrong guess", stored));
    const dummy = await time(() => dummyVerification("wrong guess"));
    expect(dummy).toBeGreaterThan(real / 3);
    expect(dummy).toBeLessThan(real * 3);
  });
});
