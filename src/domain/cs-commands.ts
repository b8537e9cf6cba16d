/**
 * `>cs` commands (web1on1's widget API): messages a page sends through
 * `parley.api.sendClientMessage` that change the conversation instead of being chat text.
 *
 *   >cs .field value          set a contact field (name, email, phone, or a custom attribute), and
 *                             fill that field of the active form; `.location id#department`
 *   >cs +<form_id>            activate a form (an interactive form message of the conversation)
 *   >cs /set @category Value  set the conversation's category
 *   >cs /set key value        set a conversation attribute (usable in automation conditions)
 *   >cs /assign <user_id>     assign the conversation
 *   >cs /notify [<inbox_id>]  notify the inbox's agents, or every agent of the account
 *   >cs @<user_id> text       mention a user
 */

export type CsCommand =
  | { kind: "field"; field: string; value: string }
  | { kind: "location"; locationId: string; department: string | null }
  | { kind: "activate_form"; formId: number }
  | { kind: "set_category"; value: string }
  | { kind: "set_attribute"; key: string; value: string }
  | { kind: "assign"; userId: number }
  | { kind: "notify"; inboxId: number | null }
  | { kind: "mention"; userId: number; text: string };

export type CsParseResult = { ok: true; command: CsCommand } | { ok: false; error: string };

const KEY = /^[A-Za-z_][\w-]{0,99}$/;
const ID = /^\d{1,15}$/;

/** Contact fields a `.field` command sets directly; anything else is a custom attribute. */
export const STANDARD_CONTACT_FIELDS: Record<string, "name" | "email" | "phone_number"> = {
  name: "name",
  full_name: "name",
  email: "email",
  phone: "phone_number",
  phone_number: "phone_number",
};

export const isCsCommand = (text: string) => /^>cs(\s|$)/.test(text);

export function parseCsCommand(text: string): CsParseResult {
  if (!isCsCommand(text)) return { ok: false, error: "A command starts with >cs." };
  const body = text.slice(3).trim();
  if (body === "") return { ok: false, error: "The command is empty." };
  const fail = (error: string): CsParseResult => ({ ok: false, error });
  const done = (command: CsCommand): CsParseResult => ({ ok: true, command });

  if (body.startsWith(".")) {
    const [field = "", ...rest] = body.slice(1).split(/\s+/);
    const value = rest.join(" ").trim();
    if (!KEY.test(field)) return fail(`"${field}" is not a field name.`);
    if (value === "") return fail(`.${field} needs a value.`);
    if (value.length > 1000) return fail("The value is too long.");
    if (field === "location") {
      const [locationId = "", department] = value.split("#");
      if (!locationId) return fail(".location needs an id, optionally #department.");
      return done({ kind: "location", locationId, department: department || null });
    }
    return done({ kind: "field", field, value });
  }
  if (body.startsWith("+")) {
    const formId = body.slice(1).trim();
    return ID.test(formId) ? done({ kind: "activate_form", formId: Number(formId) }) : fail(`"${formId}" is not a form id.`);
  }
  if (body.startsWith("@")) {
    const [mention = "", ...rest] = body.slice(1).split(/\s+/);
    const text = rest.join(" ").trim();
    if (!ID.test(mention)) return fail(`"@${mention}" is not a user id.`);
    if (text === "") return fail("A mention needs a message.");
    return done({ kind: "mention", userId: Number(mention), text });
  }
  if (body.startsWith("/")) {
    const [verb = "", ...args] = body.slice(1).split(/\s+/);
    switch (verb) {
      case "set": {
        const [key = "", ...rest] = args;
        const value = rest.join(" ").trim();
        if (key === "@category") return value ? done({ kind: "set_category", value }) : fail("/set @category needs a value.");
        if (!KEY.test(key)) return fail(`"${key}" is not an attribute name.`);
        if (value === "") return fail(`/set ${key} needs a value.`);
        return done({ kind: "set_attribute", key, value });
      }
      case "assign":
        return args.length === 1 && ID.test(args[0] ?? "") ? done({ kind: "assign", userId: Number(args[0]) }) : fail("/assign needs one user id.");
      case "notify":
        if (args.length === 0) return done({ kind: "notify", inboxId: null });
        return args.length === 1 && ID.test(args[0] ?? "") ? done({ kind: "notify", inboxId: Number(args[0]) }) : fail("/notify takes one inbox id, or none.");
      default:
        return fail(`Unknown command /${verb}.`);
    }
  }
  return fail("Unknown command.");
}
