/**
 * Whether a `>cs` command from a page may run (src/domain/command-signature.ts): commands that act on
 * people need the widget's `trust_page_script` setting or the site's signature, and each signature
 * works once (remembered in D1 until it expires). Refusals answer 422 with the reason's code.
 */
import { z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { chatWidgets } from "../../db/schema";
import { actsOnPeople, checkCommandSignature } from "../../domain/command-signature";
import type { CsCommand } from "../../domain/cs-commands";
import { storedWidgetSettings } from "../../services/chat-widget-settings";
import type { AppEnv } from "../context";
import { ApiError, notFound } from "../errors";

/** The signature fields a command may carry (`parley.api.sendClientMessage(text, { signature, expires_at })`). */
export const CommandSignatureFields = {
  signature: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, "Expected the HMAC-SHA256 in hex.")
    .optional()
    .openapi({ description: "HMAC-SHA256 in hex of `<contact id>.<expires_at>.<command>` with the widget's command_secret" }),
  expires_at: z.number().int().positive().optional().openapi({ description: "When the signature stops working, in Unix seconds (at most an hour ahead)" }),
};

const refused = (code: string, message: string) => new ApiError(422, code, message, [{ field: "command", message, code }]);

export async function permitCommand(
  c: Context<AppEnv>,
  widgetToken: string,
  contactId: number,
  text: string,
  command: CsCommand,
  signed: { signature?: string | undefined; expires_at?: number | undefined },
): Promise<void> {
  if (!actsOnPeople(command)) return;
  const [widget] = await c.var.db
    .select({ type: chatWidgets.type, settings: chatWidgets.settings, commandSecret: chatWidgets.commandSecret })
    .from(chatWidgets)
    .where(eq(chatWidgets.widgetToken, widgetToken));
  if (!widget) throw notFound("Widget");
  if (signed.signature === undefined) {
    if (storedWidgetSettings(widget.type, widget.settings).trust_page_script) return;
    throw refused(
      "command_not_allowed",
      `>cs ${command.kind === "mention" ? "@mention" : `/${command.kind}`} acts on other people: it needs the site's signature, or the widget's trust_page_script setting.`,
    );
  }
  if (signed.expires_at === undefined) throw refused("invalid_signature", "A signed command needs expires_at.");
  const now = Math.floor(Date.now() / 1000);
  const check = await checkCommandSignature(widget.commandSecret, { contactId, expiresAt: signed.expires_at, command: text, signature: signed.signature }, now);
  if (!check.ok) throw refused(check.code, check.message);
  // Each signature works once: the first insert wins, and expired ones are forgotten on the way.
  const [, inserted] = await c.env.DB.batch([
    c.env.DB.prepare("delete from used_command_signatures where expires_at < ?").bind(now),
    c.env.DB.prepare("insert into used_command_signatures (signature, expires_at) values (?, ?) on conflict do nothing").bind(
      signed.signature.toLowerCase(),
      signed.expires_at,
    ),
  ]);
  if (!inserted || inserted.meta.changes === 0) throw refused("signature_used", "This signature was used already.");
}
