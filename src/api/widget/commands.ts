/**
 * `>cs` commands sent with `parley.api.sendClientMessage` (src/domain/cs-commands.ts): they change
 * the contact or the conversation, are never shown as chat text, and leave an activity message only
 * agents see, saying what changed. A command that cannot run answers 422 with the reason.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { accountUsers, inboxes, inboxMembers, users } from "../../db/schema";
import { type CsCommand, parseCsCommand, STANDARD_CONTACT_FIELDS } from "../../domain/cs-commands";
import type { ContactSession } from "../../durable/account";
import { accountObject, conversationObject } from "../../durable/addresses";
import { contactConflict } from "../contact-input";
import { type AppEnv, createRouter } from "../context";
import { ApiError, errorResponses, notFound } from "../errors";
import { BodyId } from "../schemas";
import { CommandSignatureFields, permitCommand } from "./command-permission";
import { sessionAccess } from "./sessions";
import { capCustomAttributes, customAttributesTooLarge, maxCustomAttributesBytes } from "../caps";
import { existingConversation } from "../known-ids";
import { limitedRoute } from "../limits";

/** The page's script acts for its visitor: what it changes is recorded as the contact's, named "Website" in activity messages. */
const WEBSITE = { type: "contact" as const, name: "Website" };
const VISITOR = { type: "contact" as const };

const CommandInput = z
  .object({
    widget_token: z.string().min(1).max(64),
    source_id: z.string().min(1).max(128),
    conversation_id: BodyId,
    command: z.string().min(3).max(2000).openapi({ example: ">cs /set @category Used Car" }),
    ...CommandSignatureFields,
  })
  .strict()
  .openapi("WidgetCommandInput");

const unable = (message: string) => new ApiError(422, "invalid_command", message, [{ field: "command", message, code: "invalid_command" }]);

type Context_ = {
  c: Context<AppEnv>;
  accountId: number;
  inboxId: number;
  access: { inboxId: number; sourceId: string };
  session: ContactSession;
  displayId: number;
};

async function accountUser(c: Context<AppEnv>, accountId: number, userId: number) {
  const [user] = await c.var.db
    .select({ id: users.id, name: users.name, role: accountUsers.role })
    .from(accountUsers)
    .innerJoin(users, eq(users.id, accountUsers.userId))
    .where(and(eq(accountUsers.accountId, accountId), eq(accountUsers.userId, userId)));
  return user ?? null;
}

async function run(ctx: Context_, command: CsCommand): Promise<string> {
  const { c, accountId, access, displayId, session } = ctx;
  const account = accountObject(c.env, accountId);
  const conversation = conversationObject(c.env, accountId, displayId);
  // Merged by the Conversation object into the attributes as they are there: commands arriving together all land.
  const setConversationAttribute = async (key: string, value: string) => {
    const merged = await conversation.mergeCustomAttributes(access, { [key]: value }, VISITOR, maxCustomAttributesBytes(c.env));
    if (!merged) throw notFound("Conversation");
    if ("tooLargeBytes" in merged) throw customAttributesTooLarge(c.env, "conversation", merged.tooLargeBytes, "command");
  };
  switch (command.kind) {
    case "field": {
      const standard = STANDARD_CONTACT_FIELDS[command.field];
      // A visitor's write: a value another contact holds becomes a claim, so the answer never tells that it exists.
      const fields = standard ? { [standard]: command.value } : { custom_attributes: { [command.field]: command.value } };
      if (!standard) capCustomAttributes(c.env, "contact", { ...session.contact.customAttributes, [command.field]: command.value }, "command");
      const updated = await account.updateContactSession(ctx.inboxId, session.contactInbox.sourceId, fields, false);
      if (updated && "conflict" in updated) throw contactConflict(updated.conflict);
      const filled = await conversation.fillActiveForm(access, command.field, command.value);
      return `Website set the contact's ${command.field}${filled ? " and filled it in the active form" : ""}`;
    }
    case "location": {
      const location = { location: command.locationId, ...(command.department ? { department: command.department } : {}) };
      capCustomAttributes(c.env, "contact", { ...session.contact.customAttributes, ...location }, "command");
      await account.updateContact(session.contact.id, { custom_attributes: location });
      return `Website set the contact's location${command.department ? " and department" : ""}`;
    }
    case "activate_form": {
      const [form] =
        (await account.messages(displayId, { kind: "contact", ...access }, { before: command.formId + 1, after: null }))?.filter(
          (m) => m.id === command.formId,
        ) ?? [];
      if (!form || form.content_type !== "form") throw unable(`Message ${command.formId} is not a form in this conversation.`);
      await setConversationAttribute("active_form_id", String(command.formId));
      return `Website activated form #${command.formId}`;
    }
    case "set_category":
      await setConversationAttribute("category", command.value);
      return `Website set the category to ${command.value}`;
    case "set_attribute":
      await setConversationAttribute(command.key, command.value);
      return `Website set ${command.key} to ${command.value}`;
    case "assign": {
      const user = await accountUser(c, accountId, command.userId);
      if (!user) throw unable(`User ${command.userId} is not a member of this account.`);
      if (user.role !== "administrator") {
        const [member] = await c.var.db
          .select({ userId: inboxMembers.userId })
          .from(inboxMembers)
          .where(and(eq(inboxMembers.inboxId, ctx.inboxId), eq(inboxMembers.userId, user.id)));
        if (!member) throw unable(`${user.name} is not an agent of this inbox.`);
      }
      await conversation.assignAgent(access, { id: user.id, name: user.name }, WEBSITE);
      return "";
    }
    case "notify": {
      if (command.inboxId !== null) {
        const [inbox] = await c.var.db
          .select({ id: inboxes.id, name: inboxes.name })
          .from(inboxes)
          .where(and(eq(inboxes.id, command.inboxId), eq(inboxes.accountId, accountId)));
        if (!inbox) throw unable(`Inbox ${command.inboxId} is not an inbox of this account.`);
        await account.notify({
          displayId,
          notificationType: "conversation_notify",
          title: `The website asks for attention in #${displayId}`,
          to: { inboxId: inbox.id },
        });
        return `Website notified the agents of ${inbox.name}`;
      }
      await account.notify({ displayId, notificationType: "conversation_notify", title: `The website asks for attention in #${displayId}`, to: "everyone" });
      return "Website notified all agents";
    }
    case "mention": {
      const user = await accountUser(c, accountId, command.userId);
      if (!user) throw unable(`User ${command.userId} is not a member of this account.`);
      await account.notify({ displayId, notificationType: "conversation_mention", title: command.text, to: { userId: user.id } });
      return `Website mentioned ${user.name}: ${command.text}`;
    }
  }
}

export const widgetCommands = createRouter();

widgetCommands.openapi(
  limitedRoute(
    createRoute({
      method: "post",
      path: "/commands",
      tags: ["Widget API"],
      summary: "Run a >cs command (parley.api.sendClientMessage)",
      description:
        "`.field value`, `.location id#department`, `+<form message id>`, `/set @category X`, `/set key value`, " +
        "`/assign <user id>`, `/notify [<inbox id>]`, `@<user id> text`. Never shown as chat text; agents see an activity message.",
      request: { body: { required: true, content: { "application/json": { schema: CommandInput } } } },
      responses: {
        200: { description: "Done", content: { "application/json": { schema: z.object({ command: z.string() }) } } },
        ...errorResponses(400, 404, 409, 413, 415, 422),
      },
    }),
    "public_write.address",
    "session_write.session",
  ),
  async (c) => {
    const input = c.req.valid("json");
    const parsed = parseCsCommand(input.command.trim());
    if (!parsed.ok) throw unable(parsed.error);
    const { accountId, access, session } = await sessionAccess(c, input.widget_token, input.source_id);
    if (!(await (await existingConversation(c.env, accountId, input.conversation_id)).currentState(access))) throw notFound("Conversation");
    // /assign, /notify and @mention act on other people: refused unless the site trusts its page or signed them.
    await permitCommand(c, input.widget_token, session.contact.id, input.command.trim(), parsed.command, input);
    const ctx: Context_ = { c, accountId, inboxId: access.inboxId, access, session, displayId: input.conversation_id };
    const activity = await run(ctx, parsed.command);
    // What the page's script changed is for the agents: the visitor never sees it.
    if (activity) await conversationObject(c.env, accountId, input.conversation_id).recordActivity(access, activity, true);
    return c.json({ command: parsed.command.kind }, 200);
  },
);
