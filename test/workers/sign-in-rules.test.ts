import { describe, expect, it } from "vitest";
import {
  chooseSignInUser,
  cookieRequestAllowed,
  SESSION_IDLE_SECONDS,
  SESSION_MAX_SECONDS,
  sessionCookieValue,
  sessionExpiry,
  sessionNeedsTouch,
} from "../../src/domain/sign-in";

const request = (overrides: Partial<Parameters<typeof cookieRequestAllowed>[0]>) =>
  cookieRequestAllowed({ method: "POST", origin: null, secFetchSite: null, requestUrl: "https://chat.example/api/v1/x", publicUrl: null, ...overrides });

describe("cookie-authenticated requests", () => {
  it("may always read", () => {
    for (const method of ["GET", "HEAD", "OPTIONS"]) expect(request({ method, origin: "https://evil.example" })).toBe(true);
  });

  it("may write from the request's own origin, PUBLIC_URL's, or when the browser says same-origin", () => {
    expect(request({ origin: "https://chat.example" })).toBe(true);
    expect(request({ origin: "https://parley.example", publicUrl: "https://parley.example/" })).toBe(true);
    expect(request({ secFetchSite: "same-origin" })).toBe(true);
  });

  it("may not write from elsewhere, from an opaque origin, or without saying where from", () => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "delete"]) {
      expect(request({ method, origin: "https://evil.example" })).toBe(false);
      expect(request({ method, origin: "null" })).toBe(false);
      expect(request({ method })).toBe(false);
      expect(request({ method, secFetchSite: "same-site", origin: "https://sub.chat.example" })).toBe(false);
    }
    expect(request({ origin: "http://chat.example" })).toBe(false);
  });
});

describe("which user an email and a password sign in", () => {
  const candidate = (userId: number, agencyId: number, passwordMatches: boolean) => ({ userId, agencyId, agencyName: `Agency ${agencyId}`, passwordMatches });

  it("signs in the one user whose password matches", () => {
    expect(chooseSignInUser([candidate(1, 10, false), candidate(2, 20, true)], null)).toEqual({ outcome: "signed_in", userId: 2 });
  });

  it("refuses when no password matches, or nobody has the email", () => {
    expect(chooseSignInUser([candidate(1, 10, false)], null)).toEqual({ outcome: "invalid" });
    expect(chooseSignInUser([], null)).toEqual({ outcome: "invalid" });
  });

  it("asks which agency when several match, naming only those", () => {
    expect(chooseSignInUser([candidate(1, 10, true), candidate(2, 20, false), candidate(3, 30, true)], null)).toEqual({
      outcome: "agency_required",
      agencies: [
        { id: 10, name: "Agency 10" },
        { id: 30, name: "Agency 30" },
      ],
    });
  });

  it("lets agency_id pick among the matches, and never open a user the password does not", () => {
    const both = [candidate(1, 10, true), candidate(2, 20, true), candidate(3, 30, false)];
    expect(chooseSignInUser(both, 20)).toEqual({ outcome: "signed_in", userId: 2 });
    expect(chooseSignInUser(both, 30)).toEqual({ outcome: "invalid" });
    expect(chooseSignInUser(both, 40)).toEqual({ outcome: "invalid" });
  });
});

describe("session lifetime", () => {
  it("slides 14 days past the last use, up to 90 days after sign-in", () => {
    expect(sessionExpiry(1_000, 1_000)).toBe(1_000 + SESSION_IDLE_SECONDS);
    expect(sessionExpiry(1_000, 1_000 + 80 * 86_400)).toBe(1_000 + SESSION_MAX_SECONDS);
  });

  it("writes a use at most once a minute", () => {
    expect(sessionNeedsTouch(1_000, 1_059)).toBe(false);
    expect(sessionNeedsTouch(1_000, 1_060)).toBe(true);
  });
});

describe("the session cookie", () => {
  it("is read from a Cookie header among others", () => {
    expect(sessionCookieValue("a=1; parley_session=pse_x; b=2")).toBe("pse_x");
    expect(sessionCookieValue("parley_session_other=1")).toBeNull();
    expect(sessionCookieValue(null)).toBeNull();
    expect(sessionCookieValue("parley_session=")).toBeNull();
  });
});
