/**
 * Sign-in rules without bindings: how long sessions and password links live, the console's session
 * cookie, the same-origin check for cookie-authenticated writes, and which user an email and a
 * password sign in when one email names users of several agencies.
 */

/** A session ends after this long without use (each use slides it)... */
export const SESSION_IDLE_SECONDS = 14 * 24 * 3600;
/** ...and at the latest this long after sign-in, however much it is used. */
export const SESSION_MAX_SECONDS = 90 * 24 * 3600;
/** A session's last use is written at most this often, not on every request. */
export const SESSION_TOUCH_SECONDS = 60;

export const INVITATION_LINK_SECONDS = 7 * 24 * 3600;
export const RESET_LINK_SECONDS = 2 * 3600;

export const SESSION_COOKIE = "parley_session";

/** When a session used at `usedAt` (Unix seconds) expires, given when it started. */
export function sessionExpiry(createdAt: number, usedAt: number): number {
  return Math.min(usedAt + SESSION_IDLE_SECONDS, createdAt + SESSION_MAX_SECONDS);
}

/** Whether a use at `now` should be written (the last written use is a minute old or more). */
export function sessionNeedsTouch(lastUsedAt: number, now: number): boolean {
  return now - lastUsedAt >= SESSION_TOUCH_SECONDS;
}

/** The console's cookie: HttpOnly (no script reads it), Secure, SameSite=Strict, for the whole site. */
export function sessionCookie(token: string, maxAgeSeconds: number): string {
  return `${SESSION_COOKIE}=${token}; Path=/; Max-Age=${Math.max(0, maxAgeSeconds)}; HttpOnly; Secure; SameSite=Strict`;
}

export const clearedSessionCookie = () => sessionCookie("", 0);

/** The value of the session cookie in a Cookie header, or null. */
export function sessionCookieValue(cookieHeader: string | null | undefined): string | null {
  for (const part of (cookieHeader ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim() === SESSION_COOKIE) return part.slice(at + 1).trim() || null;
  }
  return null;
}

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Whether a cookie-authenticated request may proceed: reads always; writes only when the browser says
 * they come from this site (`Sec-Fetch-Site: same-origin`, or an `Origin` equal to the request's own
 * origin or to PUBLIC_URL's). A write that says neither is refused: browsers send `Origin` on every
 * cross-site POST, PUT, PATCH and DELETE.
 */
export function cookieRequestAllowed(input: {
  method: string;
  origin: string | null;
  secFetchSite: string | null;
  requestUrl: string;
  publicUrl: string | null;
}): boolean {
  if (!STATE_CHANGING.has(input.method.toUpperCase())) return true;
  if (input.secFetchSite?.toLowerCase() === "same-origin") return true;
  const origin = input.origin ? originOf(input.origin) : null;
  if (!origin) return false;
  return origin === originOf(input.requestUrl) || (input.publicUrl !== null && origin === originOf(input.publicUrl));
}

function originOf(url: string): string | null {
  try {
    const origin = new URL(url).origin;
    return origin === "null" ? null : origin;
  } catch {
    return null;
  }
}

export type SignInCandidate = { userId: number; agencyId: number; agencyName: string; passwordMatches: boolean };

export type SignInChoice =
  | { outcome: "signed_in"; userId: number }
  | { outcome: "invalid" }
  | { outcome: "agency_required"; agencies: { id: number; name: string }[] };

/**
 * Emails are unique per agency, so one email may name users of several agencies. The password is
 * checked against each of them: exactly one match signs that user in; none is the generic refusal;
 * several (the same person kept the same password in two agencies) ask which agency, naming only the
 * agencies whose user the password opened, and `agency_id` picks one of those. A password never opens
 * a user whose password it is not.
 */
export function chooseSignInUser(candidates: SignInCandidate[], agencyId: number | null): SignInChoice {
  const matches = candidates.filter((c) => c.passwordMatches && (agencyId === null || c.agencyId === agencyId));
  const [only, ...others] = matches;
  if (!only) return { outcome: "invalid" };
  if (others.length === 0) return { outcome: "signed_in", userId: only.userId };
  return { outcome: "agency_required", agencies: matches.map((c) => ({ id: c.agencyId, name: c.agencyName })) };
}
