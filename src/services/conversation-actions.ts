/**
 * The actions automation rules and macros take on a conversation (Chatwoot's `actions: [{action_name,
 * action_params}]`): their input schemas and types, which the routers check and store and the runner
 * (src/jobs/conversation-actions.ts) carries out.
 */
import { z } from "@hono/zod-openapi";
import { BodyId, Label } from "./field-schemas";
import { PRIORITIES } from "../domain/conversation";

const noParams = z.tuple([]).default([]);
const action = <N extends string, P extends z.ZodType>(name: N, params: P) => z.object({ action_name: z.literal(name), action_params: params }).strict();

const EmailList = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  .refine((list) => list.split(",").every((email) => /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/.test(email.trim())), "Expected email addresses separated by commas.");

const MessageText = z.string().trim().min(1).max(150_000);

const SHARED_ACTIONS = [
  action("assign_team", z.tuple([BodyId]).openapi({ description: "[team_id]" })),
  action("add_label", z.array(Label).min(1).max(100)),
  action("remove_label", z.array(Label).min(1).max(100)),
  action("send_email_to_team", z.tuple([z.object({ team_ids: z.array(BodyId).min(1).max(100), message: z.string().trim().min(1).max(10_000) }).strict()])),
  action("send_email_transcript", z.tuple([EmailList]).openapi({ description: '["a@example.com, b@example.com"]' })),
  action("mute_conversation", noParams),
  action("snooze_conversation", noParams),
  action("resolve_conversation", noParams),
  action("open_conversation", noParams),
  action("change_priority", z.tuple([z.enum(PRIORITIES).nullable()])),
  action("send_webhook_event", z.tuple([z.url({ protocol: /^https?$/ }).max(2048)])),
  action(
    "send_attachment",
    z.array(BodyId).min(1).max(15).openapi({ description: "[blob_id, ...]: files uploaded through attach_file; sent as one outgoing message" }),
  ),
  action("send_message", z.tuple([MessageText]).openapi({ description: "[text]; may use template variables" })),
  action("add_sla", z.tuple([BodyId]).openapi({ description: "[sla_policy_id]" })),
] as const;

export const AutomationActionInput = z
  .discriminatedUnion("action_name", [
    action("assign_agent", z.tuple([z.union([BodyId, z.literal("nil")])]).openapi({ description: '[user_id], or ["nil"] to unassign' })),
    ...SHARED_ACTIONS,
  ])
  .openapi("AutomationActionInput");
export type AutomationAction = z.infer<typeof AutomationActionInput>;

/** Macros take the automation actions, a private note, removing the team, and assigning whoever runs the macro ("self"). */
export const MacroActionInput = z
  .discriminatedUnion("action_name", [
    action(
      "assign_agent",
      z.tuple([z.union([BodyId, z.literal("nil"), z.literal("self")])]).openapi({ description: '[user_id], ["self"] (who runs the macro) or ["nil"]' }),
    ),
    ...SHARED_ACTIONS,
    action("add_private_note", z.tuple([MessageText]).openapi({ description: "[text]; may use template variables" })),
    action("remove_assigned_team", noParams),
  ])
  .openapi("MacroActionInput");
export type MacroAction = z.infer<typeof MacroActionInput>;

/** Any action either kind of list may hold: what the runner takes. */
export type ConversationAction = AutomationAction | MacroAction;
