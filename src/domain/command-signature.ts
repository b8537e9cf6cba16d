/**
 * Who may send `>cs` commands that act on other people (`/assign`, `/notify`, `@mention`): a page's
 * script is anyone's (a visitor can type into the console), so those commands run only when the
 * widget's owner trusts the page's script, or when the site's server signed them. A signature is
 * HMAC-SHA256, in hex, with the widget's command secret over
 *
 *   `<contact id>.<expires_at>.<command>`
 *
 * (the visitor's contact, as the widget's `parley:session` event tells the page; `expires_at` in Unix
 * seconds; the command exactly as sent). Field and `/set` commands never need one.
 */
import type { CsCommand } from "./cs-commands";
import { identifierHash, identifierHashValid } from "./identity";

/** How far ahead a signature may expire: used signatures are remembered until then. */
export const MAX_SIGNATURE_LIFETIME_SECONDS = 60 * 60;

export const actsOnPeople = (command: CsCommand) => command.kind === "assign" || command.kind === "notify" || command.kind === "mention";

export const commandSigningText = (contactId: number, expiresAt: number, command: string) => `${contactId}.${expiresAt}.${command}`;

/** What the site's server computes (docs/SECURITY.md shows it in Node). */
export const commandSignature = (secret: string, contactId: number, expiresAt: number, command: string) =>
  identifierHash(secret, commandSigningText(contactId, expiresAt, command));

export type SignatureCheck = { ok: true } | { ok: false; code: "invalid_signature" | "signature_expired"; message: string };

/** Checks a signature and its expiry at `nowSeconds`; whether it was used before is the caller's to check. */
export async function checkCommandSignature(
  secret: string,
  signed: { contactId: number; expiresAt: number; command: string; signature: string },
  nowSeconds: number,
): Promise<SignatureCheck> {
  if (secret === "" || !(await identifierHashValid(secret, commandSigningText(signed.contactId, signed.expiresAt, signed.command), signed.signature))) {
    return { ok: false, code: "invalid_signature", message: "The command's signature does not match it." };
  }
  if (signed.expiresAt <= nowSeconds) return { ok: false, code: "signature_expired", message: "The command's signature has expired." };
  if (signed.expiresAt > nowSeconds + MAX_SIGNATURE_LIFETIME_SECONDS) {
    return { ok: false, code: "signature_expired", message: `A signature may expire at most ${MAX_SIGNATURE_LIFETIME_SECONDS} seconds ahead.` };
  }
  return { ok: true };
}
