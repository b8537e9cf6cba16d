/**
 * Widget API: the team behind a chat widget as a visitor sees it now (/api/v1/widget/availability):
 * its inbox's agents and who of them is online (the Account object's presence), online or away
 * (src/domain/widget-availability.ts), Chatwoot's reply time, the out-of-office message, the greeting,
 * and the inbox settings that shape the conversation (email collect, CSAT, one conversation or many).
 * Not cached: presence and the clock change it. The chat app follows presence on /cable afterwards
 * and asks again when the schedule says the state changes (`next_change_at`).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq } from "drizzle-orm";
import { accounts, chatWidgets, inboxMembers, REPLY_TIMES, users } from "../../db/schema";
import { teamAvailability } from "../../domain/widget-availability";
import { accountObject } from "../../durable/addresses";
import { loadChatWidgets } from "../../services/loaded-chat-widgets";
import { createRouter } from "../context";
import { errorResponses, notFound } from "../errors";
import { limitedRoute } from "../limits";

const tags = ["Widget API"];

const AvailabilityQuery = z.object({
  widget_token: z.string().min(1).max(64).openapi({ description: "The token in the widget's embed code" }),
});

const AgentSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  avatar_url: z.string(),
  availability_status: z.enum(["online", "busy", "offline"]),
});

const AvailabilitySchema = z
  .object({
    online: z.boolean().openapi({ description: "With working hours on: within them; else: an agent of the inbox is online" }),
    open_now: z
      .boolean()
      .openapi({ description: "Within the schedule (the widget's business hours when on, else the inbox's working hours); true without one" }),
    next_change_at: z.number().int().nullable().openapi({ description: "Unix seconds when open_now next changes, within eight days" }),
    working_hours_enabled: z.boolean(),
    timezone: z.string(),
    reply_time: z.enum(REPLY_TIMES),
    out_of_office_message: z.string().nullable().openapi({ description: "Outside the schedule: the widget's away message, else the inbox's" }),
    greeting: z
      .object({ enabled: z.boolean(), message: z.string().nullable() })
      .openapi({ description: "The inbox's greeting, shown before a conversation starts" }),
    enable_email_collect: z.boolean(),
    csat_survey_enabled: z.boolean(),
    allow_messages_after_resolved: z.boolean(),
    lock_to_single_conversation: z.boolean(),
    agents: z.array(AgentSchema).openapi({ description: "The inbox's agents (Chatwoot's widget inbox_members)" }),
  })
  .openapi("WidgetAvailability");

export const widgetAvailability = createRouter();

widgetAvailability.openapi(
  limitedRoute(
    createRoute({
      method: "get",
      path: "/availability",
      tags,
      summary: "Whether the widget's team is there, and how soon they reply",
      description:
        "Online or away now, the reply time, the out-of-office message outside the schedule, the greeting, the inbox's " +
        "conversation settings and its agents with their presence. The widget's business hours and away message win " +
        "over the inbox's working hours and out-of-office message where set.",
      request: { query: AvailabilityQuery },
      responses: {
        200: { description: "The team now", content: { "application/json": { schema: AvailabilitySchema } } },
        ...errorResponses(400, 404),
      },
    }),
    "public_read.address",
  ),
  async (c) => {
    const { widget_token } = c.req.valid("query");
    const [loaded] = await loadChatWidgets(c.var.db, eq(chatWidgets.widgetToken, widget_token));
    const inbox = loaded?.dependencies.inbox;
    if (!loaded || !inbox) throw notFound("Widget");
    const account = await c.var.db.query.accounts.findFirst({ where: eq(accounts.id, inbox.accountId), columns: { timezone: true } });
    const members = await c.var.db
      .select({ id: users.id, name: users.name })
      .from(inboxMembers)
      .innerJoin(users, eq(users.id, inboxMembers.userId))
      .where(and(eq(inboxMembers.inboxId, inbox.id)))
      .orderBy(asc(users.id));
    const presence = members.length === 0 ? {} : await accountObject(c.env, inbox.accountId).userAvailability(members.map((member) => member.id));
    const agents = members.map((member) => ({
      id: member.id,
      name: member.name,
      avatar_url: "",
      availability_status: presence[String(member.id)]?.status ?? ("offline" as const),
    }));
    const now = Math.floor(Date.now() / 1000);
    const team = teamAvailability(
      inbox,
      loaded.settings,
      account?.timezone ?? "UTC",
      agents.filter((agent) => agent.availability_status === "online").length,
      now,
    );
    c.header("Cache-Control", "no-store");
    return c.json(
      {
        ...team,
        working_hours_enabled: loaded.settings.business_hours.enabled || inbox.workingHoursEnabled,
        timezone: loaded.settings.business_hours.enabled ? (loaded.settings.business_hours.timezone ?? account?.timezone ?? "UTC") : inbox.timezone,
        reply_time: inbox.replyTime,
        greeting: { enabled: inbox.greetingEnabled, message: inbox.greetingEnabled ? inbox.greetingMessage : null },
        enable_email_collect: inbox.enableEmailCollect,
        csat_survey_enabled: inbox.csatSurveyEnabled,
        allow_messages_after_resolved: inbox.allowMessagesAfterResolved,
        lock_to_single_conversation: inbox.lockToSingleConversation,
        agents,
      },
      200,
    );
  },
);
